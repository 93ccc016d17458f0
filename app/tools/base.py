"""The Tool declaration, its context and result, and a small JSON-schema validator."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.config import Settings
from app.paths import Paths
from app.policy.tiers import Risk


@dataclass
class ToolContext:
    """What a tool may use: folders, settings, the memory, and the folder relative paths start from."""

    paths: Paths
    settings: Settings
    memory: Any = None
    cwd: Path = field(default_factory=lambda: Path(os.path.expanduser("~")))
    cancel: threading.Event | None = None  # set when the turn is cancelled: long tools stop early
    untrusted_sources: tuple[str, ...] = ()  # untrusted content in the turn's context as the tool runs


@dataclass
class ToolOutput:
    ok: bool
    output: str
    undo: dict[str, Any] | None = None  # JSON-able data the tool's undo needs
    untrusted_sources: tuple[str, ...] = ()  # untrusted content this result brings into context


class ToolError(Exception):
    """A tool failed in a way to report back to the model and the person (one clear sentence)."""


RiskFn = Callable[[dict[str, Any], ToolContext], Risk]
ExecuteFn = Callable[[dict[str, Any], ToolContext], ToolOutput]
PreviewFn = Callable[[dict[str, Any], ToolContext], str]
UndoFn = Callable[[dict[str, Any], ToolContext], str]


@dataclass(frozen=True)
class Tool:
    """A tool: name, description, JSON schema, risk function, execute, optional preview and undo."""

    name: str
    description: str
    parameters: dict[str, Any]
    risk: RiskFn
    execute: ExecuteFn
    preview: PreviewFn | None = None
    undo: UndoFn | None = None
    family: str = ""

    def schema(self) -> dict[str, Any]:
        """OpenAI-style function schema, for chat templates that support tools."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A closed object schema (no extra keys: the model cannot smuggle fields like ``requires_approval``)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(required if required is not None else properties),
        "additionalProperties": False,
    }


def string(description: str = "", **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def validate(schema: dict[str, Any], value: Any, where: str = "arguments") -> list[str]:
    """Check ``value`` against the small JSON-schema subset tools use; returns the problems."""
    problems: list[str] = []
    kind = schema.get("type")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where} must be one of {schema['enum']}")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where} must be an object"]
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"{where} is missing '{key}'")
        for key, item in value.items():
            if key not in props:
                if schema.get("additionalProperties", True) is False:
                    problems.append(f"{where} has an unknown field '{key}'")
                continue
            problems.extend(validate(props[key], item, f"{where}.{key}"))
    elif kind == "array":
        if not isinstance(value, list):
            return [f"{where} must be a list"]
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            problems.append(f"{where} has too many items")
        if "minItems" in schema and len(value) < schema["minItems"]:
            problems.append(f"{where} needs at least {schema['minItems']} item(s)")
        for i, item in enumerate(value):
            problems.extend(validate(schema.get("items", {}), item, f"{where}[{i}]"))
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{where} must be text")
        elif "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(f"{where} is too long")
        elif "minLength" in schema and len(value) < schema["minLength"]:
            problems.append(f"{where} must not be empty")
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{where} must be a whole number")
    elif kind == "number":
        if not isinstance(value, int | float) or isinstance(value, bool):
            problems.append(f"{where} must be a number")
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append(f"{where} must be true or false")
    return problems


def truncate(text: str, limit: int = 4000) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… ({len(text) - limit} more characters)"
