"""Which tool-call format a model writes, read from its chat template.

A model writes its calls best in the format it was trained on, and its chat template says which
when it declares tools: Qwen2.5 and Hermes models wrap ``{"name": …, "arguments": …}`` in
``<tool_call>`` tags; Llama 3.x answers with a bare ``{"name": …, "parameters": …}`` object. A
template that does not declare tools (SmolLM2) gets Hearth's routed format (``Action: <tool>``).
Whichever it is, generation is constrained to it (:func:`grammar_for`), so the call always parses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from app.agent import grammar

ROUTED = "routed"  # "Action: <tool>\nArguments: {json}" after a forced prefix (Hearth's own)
HERMES = "hermes"  # <tool_call>{"name": ..., "arguments": {...}}</tool_call> (Qwen2.5, Hermes)
LLAMA3 = "llama3"  # {"name": ..., "parameters": {...}} as the whole reply (Llama 3.1-3.3)

_LLAMA3_SIGNS = (
    re.compile(r"<\|python_tag\|>"),
    re.compile(r"\{\s*\\?[\"']name\\?[\"']\s*:\s*function name\s*,\s*\\?[\"']parameters\\?[\"']", re.I),
    re.compile(r"<\|start_header_id\|>.*[\"']parameters[\"']", re.S),
)


def template_text(tokenizer: Any) -> str:
    """A tokenizer's chat template(s) as one text ("" when it has none)."""
    template = getattr(tokenizer, "chat_template", None)
    if template is None:
        template = getattr(getattr(tokenizer, "_tokenizer", None), "chat_template", None)
    if isinstance(template, dict):
        template = list(template.values())
    if isinstance(template, list):
        return "\n".join(str(t.get("template", "")) if isinstance(t, dict) else str(t) for t in template)
    return template if isinstance(template, str) else ""


def detect(template: str) -> str:
    """The call format a chat template declares: HERMES, LLAMA3, or ROUTED when it declares none."""
    if not template or "tools" not in template:
        return ROUTED
    if "<tool_call>" in template:
        return HERMES
    if any(sign.search(template) for sign in _LLAMA3_SIGNS):
        return LLAMA3
    return ROUTED


def grammar_for(schemas: dict[str, dict[str, Any]], call_format: str) -> Callable[[], list[grammar.Elem]]:
    """The grammar a step that may call a tool is held to, in ``call_format``."""

    def build() -> list[grammar.Elem]:
        if call_format == HERMES:
            return grammar.native_call_grammar(schemas)
        if call_format == LLAMA3:
            return grammar.bare_json_call_grammar(schemas)
        return grammar.routed_call_grammar(schemas)

    return build

