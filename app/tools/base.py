"""The Tool declaration, its context and result, and argument validation against its JSON Schema."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from app.config import Settings
from app.paths import Paths
from app.policy.identity import Snapshot
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
    approved: Snapshot | None = None  # while an approved action runs: its paths as the panel showed them


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
SetupFn = Callable[[ToolContext], str]  # "" when the tool can work, else how to set it up
CannotRunFn = Callable[[dict[str, Any], ToolContext], str]  # "" when the call can run, else why not


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
    setup_needed: SetupFn | None = None  # a tool that cannot work yet is not offered; asking says why
    cannot_run: CannotRunFn | None = None  # a call that cannot run is not proposed (a missing file)

    def how_to_set_up(self, ctx: ToolContext) -> str:
        """"" when the tool can work here; else one sentence on how to set it up."""
        return self.setup_needed(ctx) if self.setup_needed is not None else ""

    def why_not(self, arguments: dict[str, Any], ctx: ToolContext) -> str:
        """"" when this call can run; else why it cannot (said to the user instead of asking)."""
        return self.cannot_run(arguments, ctx) if self.cannot_run is not None else ""

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


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    key = id(schema)
    cached = _VALIDATORS.get(key)
    if cached is None or cached[0] is not schema:
        Draft202012Validator.check_schema(schema)  # a broken tool schema fails loudly, never open
        cached = (schema, Draft202012Validator(schema))
        if len(_VALIDATORS) > 256:  # schemas built on the fly (tests, benchmarks) do not pile up
            _VALIDATORS.clear()
        _VALIDATORS[key] = cached
    return cached[1]


_VALIDATORS: dict[int, tuple[dict[str, Any], Draft202012Validator]] = {}


def _where(base: str, path: Iterable[Any]) -> str:
    out = base
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _problem(error: ValidationError, base: str) -> str:
    """One plain sentence for a jsonschema error (the model and the person both read it)."""
    where = _where(base, error.absolute_path)
    kind, expected = error.validator, error.validator_value
    if kind == "type":
        words = {"array": "a list", "object": "an object", "string": "text", "integer": "a whole number",
                 "number": "a number", "boolean": "true or false", "null": "null"}
        wanted = expected if isinstance(expected, list) else [expected]
        return f"{where} must be " + " or ".join(words.get(str(w), str(w)) for w in wanted)
    if kind == "required":
        missing = re.findall(r"'([^']*)' is a required property", error.message)
        return f"{where} is missing '{missing[0]}'" if missing else f"{where}: {error.message}"
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{where} has an unknown field " + ", ".join(f"'{k}'" for k in extra)
    if kind == "enum":
        return f"{where} must be one of {expected}"
    if kind == "minItems":
        return f"{where} needs at least {expected} item(s)"
    if kind == "maxItems":
        return f"{where} has too many items (at most {expected})"
    if kind == "minLength":
        return f"{where} must not be empty" if expected == 1 else f"{where} is too short"
    if kind == "maxLength":
        return f"{where} is too long (at most {expected} characters)"
    return f"{where}: {error.message}"


def validate(schema: dict[str, Any], value: Any, where: str = "arguments") -> list[str]:
    """Check ``value`` against a tool's JSON Schema (Draft 2020-12, with ``jsonschema``).

    Returns the problems, one sentence each; an empty list means valid. Called before any
    classification, so a string where a list belongs never becomes one path per character.
    """
    errors = sorted(_validator(schema).iter_errors(value), key=lambda e: (list(e.absolute_path), e.validator))
    return list(dict.fromkeys(_problem(e, where) for e in errors))


def truncate(text: str, limit: int = 4000) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… ({len(text) - limit} more characters)"
