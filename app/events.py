"""Hearth's one event vocabulary: small frozen dataclasses that every part emits.

The model runtime, the agent loop, the memory and the voice pipeline all speak these. The CLI
prints them (``hearth ask --json`` writes one JSON object per line), the desktop UI turns them into
Qt signals through a single bridge, and tests collect them and assert their order.

Add a new event here (a small dataclass subclassing :class:`Event`) rather than inventing a
private one elsewhere.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base class: every event has a kind (its class name) and a wall-clock timestamp."""

    ts: float = field(default_factory=time.time)

    @property
    def kind(self) -> str:
        return type(self).__name__

    def to_dict(self) -> dict[str, Any]:
        data = {"event": self.kind}
        data.update(dataclasses.asdict(self))
        return data


# --- model runtime -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ModelLoading(Event):
    """The runtime is loading (or first importing) a model; ``progress`` runs 0..1."""

    name: str
    progress: float = 0.0
    message: str = ""


@dataclass(frozen=True, kw_only=True)
class ModelReady(Event):
    name: str
    path: str
    device: str
    load_seconds: float = 0.0


@dataclass(frozen=True, kw_only=True)
class GenerationStarted(Event):
    request_id: str
    prompt_tokens: int
    cached_tokens: int = 0


@dataclass(frozen=True, kw_only=True)
class Token(Event):
    """A piece of streamed text (one or more tokens decoded together)."""

    request_id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class GenerationDone(Event):
    """End of one generation, with the turn's statistics."""

    request_id: str
    text: str
    finish_reason: str  # "stop", "length", "cancelled"
    prompt_tokens: int
    cached_tokens: int
    generation_tokens: int
    time_to_first_token_s: float
    prompt_tps: float
    generation_tps: float
    peak_memory_gb: float


@dataclass(frozen=True, kw_only=True)
class ContextUsed(Event):
    """How much of the model's context window the conversation now holds."""

    tokens: int
    limit: int
    trimmed_tokens: int = 0


# --- agent ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TurnStarted(Event):
    turn_id: str
    text: str
    source: str = "text"  # "text", "voice", "quick_prompt"


@dataclass(frozen=True, kw_only=True)
class Citation:
    """Where a retrieved memory came from: enough for the UI and the agent to cite it."""

    chunk_id: str
    item_id: str
    source_type: str  # "document", "mail", "message", "calendar", "contact", "conversation"
    title: str
    date: str
    snippet: str
    path: str = ""
    people: tuple[str, ...] = ()
    trusted: bool = True
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, kw_only=True)
class MemoryRetrieved(Event):
    turn_id: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, kw_only=True)
class ActionProposed(Event):
    """The model asked for a tool call; the gate has classified it."""

    turn_id: str
    action_id: str
    tool: str
    arguments: dict[str, Any]
    tier: str
    explanation: str


@dataclass(frozen=True, kw_only=True)
class ApprovalRequested(Event):
    """The gate needs a person's decision. What is shown here is exactly what would run."""

    turn_id: str
    action_id: str
    tool: str
    arguments: dict[str, Any]
    arguments_hash: str
    tier: str
    explanation: str
    reasons: tuple[str, ...] = ()
    preview: str = ""
    untrusted_sources: tuple[str, ...] = ()
    can_allow_always: bool = False


@dataclass(frozen=True, kw_only=True)
class ApprovalDecided(Event):
    turn_id: str
    action_id: str
    decision: str  # "approved", "denied", "edited", "allowed_by_rule", "auto" (read-only)
    by: str = "user"  # "user", "rule", "policy", "timeout", "no_approver", "error"
    arguments_hash: str = ""


@dataclass(frozen=True, kw_only=True)
class ActionResult(Event):
    turn_id: str
    action_id: str
    tool: str
    ok: bool
    output: str
    undo_available: bool = False


@dataclass(frozen=True, kw_only=True)
class FinalAnswer(Event):
    turn_id: str
    text: str
    citations: tuple[Citation, ...] = ()
    # how the answer was made: "model" (the model's words, checked), "quote" (a quote replaced what the
    # model said, or stands alone), "not_found", "calendar" / "contact" (from the data's own fields),
    # "general" (the model's general knowledge: nothing in the user's data backs it),
    # "mailbox" (a list of mails from their sender and date fields), "chat" (a chat, day by day, quoted),
    # "hearth" (Hearth's own words: a greeting, what it can do, the time, why it has no live data)
    checked: str = "model"


@dataclass(frozen=True, kw_only=True)
class LookupStep(Event):
    """A read-only lookup that a question's answer ran, shown in the chat as one line."""

    turn_id: str
    lookup: str  # "memory_search", "calendar_range", "calendar_event", "contact_lookup"
    label: str  # what was looked at, for a person: "your calendar, this week (Fri 4 – Sun 6 December)"
    query: str = ""
    found: int = 0


@dataclass(frozen=True, kw_only=True)
class AnswerChecked(Event):
    """How a question's answer was made, and what its grounding check refused to state."""

    turn_id: str
    method: str  # "calendar", "contact", "model", "quote", "not_found", "general"
    unsupported: tuple[str, ...] = ()  # specifics that no source holds (never shown as fact)


@dataclass(frozen=True, kw_only=True)
class TurnCancelled(Event):
    turn_id: str
    reason: str = "cancelled"


# --- memory ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class IngestProgress(Event):
    source: str
    done: int
    total: int
    current: str = ""


@dataclass(frozen=True, kw_only=True)
class IngestFinished(Event):
    source: str
    added: int
    updated: int
    removed: int
    skipped: int
    skipped_reasons: tuple[str, ...] = ()


# --- voice ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ListeningStarted(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class ListeningStopped(Event):
    duration_s: float = 0.0


@dataclass(frozen=True, kw_only=True)
class PartialTranscript(Event):
    text: str


@dataclass(frozen=True, kw_only=True)
class FinalTranscript(Event):
    text: str
    no_speech: bool = False


@dataclass(frozen=True, kw_only=True)
class SpeakingStarted(Event):
    sentence: str


@dataclass(frozen=True, kw_only=True)
class SpeakingFinished(Event):
    interrupted: bool = False


@dataclass(frozen=True, kw_only=True)
class BargeIn(Event):
    pass


# --- errors ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ErrorEvent(Event):
    """Something went wrong in one stage; ``message`` is one clear sentence for a person."""

    stage: str  # "model", "agent", "tool", "memory", "stt", "tts", "audio", "config"
    message: str
    request_id: str = ""


class HearthError(Exception):
    """Base for errors meant to be shown to the user as one clear line."""


def guarded(listener: Callable[[Event], None] | None) -> Callable[[Event], None]:
    """``listener`` made safe for a long job to call: None listens to nothing, and a listener
    that raises is ignored (a broken progress display never stops an ingest, reindex or compaction)."""

    def emit(event: Event) -> None:
        if listener is not None:
            try:
                listener(event)
            except Exception:
                pass

    return emit
