"""Reading a tool call out of the model's text: Hearth's routed format and the native <tool_call> one.

Routed (models without native tools, like SmolLM2): the reply starts after the prefix ``Action:``
with `` answer`` and the answer, or `` <tool>`` and ``Arguments: {json}``. Native: free text that
may contain ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

ROUTE_PREFIX = "Action:"
_ROUTE = re.compile(r"^\s*Action:\s*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n?(.*)$", re.S)
_NATIVE = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.S)


@dataclass
class Answer:
    text: str


@dataclass
class Call:
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)
    raw: str = ""


@dataclass
class Invalid:
    problem: str
    raw: str = ""


Parsed = Answer | Call | Invalid


def _json_object(text: str) -> dict[str, Any] | None:
    start = text.find("{")
    if start < 0:
        return None
    try:
        value, _end = json.JSONDecoder().raw_decode(text[start:])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def parse_routed(text: str) -> Parsed:
    """Parse ``Action: ...`` text (prefix included)."""
    match = _ROUTE.match(text)
    if not match:
        return parse_native(text)
    name, rest = match.group(1), match.group(2)
    if name == "answer":
        return Answer(rest.strip())
    body = rest.strip()
    if body.startswith("Arguments:"):
        body = body[len("Arguments:") :]
    args = _json_object(body)
    if args is None:
        return Invalid(f"the arguments for {name} were not a JSON object", text)
    return Call(name, args, text)


def parse_native(text: str) -> Parsed:
    """Parse free text that may hold a ``<tool_call>`` block."""
    match = _NATIVE.search(text)
    if not match:
        return Answer(text.strip())
    payload = _json_object(match.group(1))
    if payload is None or not isinstance(payload.get("name"), str):
        return Invalid("the tool call was not valid JSON with a name", text)
    args = payload.get("arguments", payload.get("parameters", {}))
    if isinstance(args, str):
        args = _json_object(args) or {}
    if not isinstance(args, dict):
        return Invalid("the tool call's arguments were not an object", text)
    return Call(payload["name"], args, text)


class AnswerStream:
    """Decides, as text streams in, which part is answer text to show (never the tool-call syntax)."""

    def __init__(self, routed: bool) -> None:
        self.routed = routed
        self.buffer = ""
        self.decided: str | None = None if routed else "native"
        self.shown = 0

    def feed(self, piece: str) -> str:
        """Add generated text; return the part that may be shown now."""
        self.buffer += piece
        if self.decided is None:
            head = self.buffer.lstrip()
            if "\n" not in head:
                return ""
            first, _rest = head.split("\n", 1)
            self.decided = "answer" if first.strip() == "answer" else "call"
            self.shown = len(self.buffer) - len(_rest)
        if self.decided == "call":
            return ""
        if self.decided == "native":
            cut = self.buffer.find("<tool_call>")
            limit = cut if cut >= 0 else max(self.shown, len(self.buffer) - len("<tool_call>"))
            out, self.shown = self.buffer[self.shown : limit], max(self.shown, limit)
            return out
        out, self.shown = self.buffer[self.shown :], len(self.buffer)
        return out

    def flush(self) -> str:
        """At the end: whatever answer text is still held back."""
        if self.decided == "native" and "<tool_call>" not in self.buffer:
            out, self.shown = self.buffer[self.shown :], len(self.buffer)
            return out
        return ""
