"""Building the prompt: the system prompt and tool list from ``assets/prompts``, retrieved memory
fenced as untrusted data, the conversation so far, and tool results fenced the same way."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from app.events import Citation
from app.policy.taint import untrusted_note
from app.tools.base import Tool

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "prompts"


def load_prompt(name: str, override: str = "") -> str:
    path = Path(override).expanduser() if override else PROMPTS_DIR / name
    return path.read_text(encoding="utf-8")


def _fence(text: str) -> str:
    # Data may not close its own fence.
    return text.replace("</data>", "</ data>").replace("<data", "< data")


def describe_tool(tool: Tool) -> str:
    props = tool.parameters.get("properties", {})
    required = set(tool.parameters.get("required", []))
    fields = []
    for key, schema in props.items():
        kind = schema.get("type", "string")
        if kind == "array":
            kind = f"list of {schema.get('items', {}).get('type', 'string')}"
        fields.append(f'"{key}": {kind}{"" if key in required else " (optional)"}')
    return f"- {tool.name}: {tool.description} Arguments: {{{', '.join(fields)}}}"


def system_prompt(tools: list[Tool], *, routed: bool, override_file: str = "", call_format: str = "") -> str:
    text = load_prompt("system.md", override_file).replace("{today}", dt.date.today().strftime("%A %d %B %Y"))
    if tools:
        if routed:
            listing = "\n".join(describe_tool(t) for t in tools)
            text += "\n\n" + load_prompt("tools_routed.md").replace("{tools}", listing)
        else:
            text += "\n\n" + load_prompt("tools_bare_json.md" if call_format == "llama3" else "tools_native.md")
    return text


def user_message(request: str, citations: tuple[Citation, ...]) -> str:
    if not citations:
        return request
    items = []
    for i, c in enumerate(citations, start=1):
        note = untrusted_note(c)
        trust = f", {note}" if note else ""
        items.append(f"[{i}] ({c.source_type}, {c.title}, {c.date}{trust}) {_fence(c.snippet)}")
    return load_prompt("retrieved.md").replace("{items}", "\n".join(items)).replace("{request}", request)


def tool_result_message(tool: str, output: str, *, native: bool, source: str = "") -> dict[str, Any]:
    content = (
        load_prompt("tool_result.md")
        .replace("{tool}", tool)
        .replace("{source}", source or tool)
        .replace("{output}", _fence(output))
    )
    return {"role": "tool" if native else "user", "content": content}


def call_message(tool: str, arguments: dict[str, Any], *, native: bool, call_format: str = "") -> dict[str, Any]:
    """How the assistant's own tool call is kept in the conversation (in the model's own format)."""
    args = json.dumps(arguments, ensure_ascii=False)
    if call_format == "llama3":
        return {"role": "assistant", "content": f'{{"name": "{tool}", "parameters": {args}}}'}
    if native:
        return {"role": "assistant", "content": f'<tool_call>\n{{"name": "{tool}", "arguments": {args}}}\n</tool_call>'}
    return {"role": "assistant", "content": f"Action: {tool}\nArguments: {args}"}
