"""Reading a tool call out of the model's text, in every format small instruct models write.

Routed (models without native tools, like SmolLM2): the reply starts after the prefix ``Action:``
with `` answer`` and the answer, or `` <tool>`` and ``Arguments: {json}``. Native: free text that
may contain ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` (Qwen2.5, Hermes).

Models also write calls in formats they were never asked for: Llama 3.x's ``<|python_tag|>`` or a
bare ``{"name": ..., "parameters": {...}}``, and very often a fenced ````json`` block inside what
looks like an answer. :func:`find_call` reads all of them, so a call is run as a call (after the
gate) and never shown to the user as if it were prose.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

ROUTE_PREFIX = "Action:"
_ROUTE = re.compile(r"^\s*Action:\s*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n?(.*)$", re.S)
_NATIVE = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.S)
_FENCED = re.compile(r"```[ \t]*(?:json|JSON|tool_call|tool_code|javascript)?[ \t]*\n?(.*?)(?:```|$)", re.S)
_PYTHON_TAG = re.compile(r"<\|python_tag\|>\s*(.*)$", re.S)
# Where a call may start in streamed text: answer text before it may be shown, never what follows.
CALL_MARKERS = ("<tool_call>", "```", "<|python_tag|>")


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


def _call_from(payload: Any, raw: str) -> Call | None:
    """A call from a decoded JSON value in any of the usual shapes: ``{"name", "arguments"}``,
    ``{"name", "parameters"}`` (Llama 3), ``{"function": {...}}`` (OpenAI), ``{"tool", "args"}``,
    or a list of them (the first)."""
    if isinstance(payload, list):
        return _call_from(payload[0], raw) if payload else None
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("function"), dict):
        return _call_from(payload["function"], raw)
    name = payload.get("name", payload.get("tool", payload.get("tool_name")))
    args = payload.get("arguments", payload.get("parameters", payload.get("args", payload.get("input"))))
    if not isinstance(name, str) or not name or args is None:
        return None
    if isinstance(args, str):
        args = _json_object(args)
    return Call(name, args, raw) if isinstance(args, dict) else None


def _json_values(text: str) -> list[Any]:
    """Every JSON object or array that starts a line of ``text`` (or the text itself)."""
    values: list[Any] = []
    decoder = json.JSONDecoder()
    for match in re.finditer(r"(?:^|\n)[ \t]*([\[{])", text):
        try:
            value, _end = decoder.raw_decode(text[match.start(1):])
        except ValueError:
            continue
        values.append(value)
    return values


def find_call(text: str) -> Call | None:
    """A tool call anywhere in ``text``, whatever its format, or None."""
    pieces = [m.group(1) for m in _NATIVE.finditer(text)]
    pieces += [m.group(1) for m in _PYTHON_TAG.finditer(text)]
    pieces += [m.group(1) for m in _FENCED.finditer(text)]
    pieces.append(text)
    for piece in pieces:
        for value in _json_values(piece.strip()):
            call = _call_from(value, text)
            if call is not None:
                return call
    return None


def without_calls(text: str) -> str:
    """``text`` with every tool call in it taken out (for where only an answer may be shown)."""
    for pattern in (_NATIVE, _PYTHON_TAG, _FENCED):
        text = pattern.sub(lambda m: "" if find_call(m.group(1)) else m.group(0), text)
    kept = [line for line in text.splitlines() if not (line.strip()[:1] in "{[" and find_call(line))]
    return "\n".join(kept).strip() if find_call("\n".join(kept)) is None else ""


def parse_answer(text: str) -> Parsed:
    """Text meant as an answer: a call if it holds one (it is never shown as prose), else the answer."""
    return find_call(text) or Answer(text.strip())


def parse_routed(text: str) -> Parsed:
    """Parse ``Action: ...`` text (prefix included)."""
    match = _ROUTE.match(text)
    if not match:
        return parse_native(text)
    name, rest = match.group(1), match.group(2)
    if name == "answer":
        return parse_answer(rest)
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
        return parse_answer(text)
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
            cut = self._call_start()
            limit = cut if cut >= 0 else max(self.shown, len(self.buffer) - len("<|python_tag|>"))
            out, self.shown = self.buffer[self.shown : limit], max(self.shown, limit)
            return out
        cut = self._call_start()
        limit = cut if cut >= 0 else max(self.shown, len(self.buffer) - len("```"))
        out, self.shown = self.buffer[self.shown : limit], max(self.shown, limit)
        return out

    def _call_start(self) -> int:
        """Where a tool call may begin in the buffer (a marker, or a line that opens a JSON object); -1 if none."""
        found = [i for i in (self.buffer.find(m, self.shown) for m in CALL_MARKERS) if i >= 0]
        brace = re.search(r"(?:^|\n)[ \t]*\{", self.buffer[self.shown:])
        if brace:
            found.append(self.shown + brace.start())
        return min(found) if found else -1

    def flush(self) -> str:
        """At the end: whatever answer text is still held back, unless it is a tool call."""
        if self.decided in ("native", "answer") and find_call(self.buffer[self.shown :]) is None:
            out, self.shown = self.buffer[self.shown :], len(self.buffer)
            return out
        return ""
