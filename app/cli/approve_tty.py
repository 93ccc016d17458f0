"""Approvals in the terminal: the preview and reasons are shown, then y / n / e(dit) / a(lways).

Input comes from the controlling terminal (``/dev/tty``), else from stdin when it is a terminal;
with no interactive input every request is denied. There is no switch that skips approval.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import IO, Any

from app.events import ApprovalRequested
from app.policy.approval import ApprovalDecision
from app.policy.display_text import HIDDEN_WARNING, escape_hidden, unescape_hidden


def open_terminal() -> tuple[IO[str], IO[str]] | None:
    """(input, output) streams for asking a person, or None when nobody can answer."""
    try:
        tty = open("/dev/tty", "r+", encoding="utf-8")  # noqa: SIM115 - kept open for the session
        return tty, tty
    except OSError:
        pass
    if sys.stdin.isatty():
        return sys.stdin, sys.stderr
    return None


def render_request(req: ApprovalRequested) -> str:
    """The request as terminal text. Hidden characters (bidi controls, zero-width, escape
    sequences) appear as ``⟨U+202E⟩`` with a warning line; what runs is not changed."""
    lines = [
        "",
        f"Hearth wants to use {req.tool}  [{req.tier.replace('_', ' ')}]",
        f"  {req.explanation}",
    ]
    lines += [f"  - {reason}" for reason in req.reasons]
    if req.untrusted_sources:
        lines.append("  Untrusted content in this conversation: " + "; ".join(req.untrusted_sources))
    if req.preview:
        lines.append("  Preview:")
        lines += [f"    {line}" for line in req.preview.split("\n")[:40]]
    lines.append("  Arguments: " + json.dumps(req.arguments, ensure_ascii=False))
    text = "\n".join(lines)
    shown = "\n".join(escape_hidden(line) for line in text.split("\n"))
    if shown != text:
        shown += f"\n  !! {HIDDEN_WARNING}"
    return shown


def terminal_approver(streams: tuple[IO[str], IO[str]]) -> Callable[[ApprovalRequested], ApprovalDecision]:
    """Ask a person on ``streams`` (input, output): y / n / e(dit) / a(lways, only where allowed)."""

    def approve(req: ApprovalRequested) -> ApprovalDecision:
        reader, writer = streams
        writer.write(render_request(req) + "\n")
        choices = "[y]es / [n]o / [e]dit" + (" / [a]lways for exactly this" if req.can_allow_always else "")
        while True:
            writer.write(f"Run it? {choices}: ")
            writer.flush()
            answer = reader.readline()
            if not answer:
                return ApprovalDecision("denied")
            answer = answer.strip().lower()
            if answer in ("y", "yes"):
                return ApprovalDecision("approved")
            if answer in ("a", "always") and req.can_allow_always:
                return ApprovalDecision("approved", allow_always=True)
            if answer in ("", "n", "no"):
                return ApprovalDecision("denied")
            if answer in ("e", "edit"):
                edited = _edit(req, reader, writer)
                if edited is not None:
                    return ApprovalDecision("edited", edited_arguments=edited)

    return approve


def _edit(req: ApprovalRequested, reader: IO[str], writer: IO[str]) -> dict[str, Any] | None:
    if set(req.arguments) <= {"command", "cwd"} and "command" in req.arguments:
        writer.write(f"New command (empty keeps it): [{escape_hidden(str(req.arguments['command']))}]\n> ")
        writer.flush()
        line = unescape_hidden(reader.readline().rstrip("\n"))
        return {**req.arguments, "command": line} if line.strip() else None
    writer.write("New arguments as one line of JSON:\n> ")
    writer.flush()
    line = reader.readline()
    try:
        value = json.loads(line)
    except ValueError:
        writer.write("That was not JSON; nothing changed.\n")
        return None
    return value if isinstance(value, dict) else None


def stdin_json_approver() -> Callable[[ApprovalRequested], ApprovalDecision]:
    """For programs driving ``hearth ask --json``: one JSON decision per request, read from stdin."""

    def approve(req: ApprovalRequested) -> ApprovalDecision:
        line = sys.stdin.readline()
        try:
            raw = json.loads(line)
        except ValueError:
            return ApprovalDecision("denied")
        if not isinstance(raw, dict) or raw.get("action_id", req.action_id) != req.action_id:
            return ApprovalDecision("denied")
        decision = raw.get("decision")
        if decision not in ("approved", "denied", "edited"):
            return ApprovalDecision("denied")
        edited = raw.get("edited_arguments")
        return ApprovalDecision(decision, edited if isinstance(edited, dict) else None, bool(raw.get("allow_always")))

    return approve


def isatty_out() -> bool:
    return os.isatty(sys.stdout.fileno()) if hasattr(sys.stdout, "fileno") else False
