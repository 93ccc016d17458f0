"""Tools that cannot work here yet (mail sending with no SMTP account or no password in the
keychain) are not offered to the model; a request that asks for one explicitly is told how to set
it up instead of being shown an approval that would only fail."""

from __future__ import annotations

from app.agent import intent
from app.tools.base import Tool, ToolContext


def usable(text: str, tools: list[Tool], ctx: ToolContext, *, preroute: bool) -> tuple[list[Tool], str]:
    """The tools that can work for this request, and, when the request names one that cannot,
    how to set that one up ("" otherwise). Only tools the request may use are checked (a
    keychain is asked only when mail is in question)."""
    names = [t.name for t in tools]
    asked = intent.action_tool(text, names) if preroute else ""
    maybe = {*intent.tools_to_offer(text, names), asked} if preroute else set(names)
    unready = {t.name: why for t in tools if t.name in maybe and (why := t.how_to_set_up(ctx))}
    return [t for t in tools if t.name not in unready], unready.get(asked, "")
