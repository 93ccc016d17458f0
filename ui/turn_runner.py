"""Runs one agent turn at a time for a view: starts it off the GUI thread, follows its events
through the bridge (filtered by the view's channel), and re-emits them as simple signals."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from app import events as ev
from ui import worker
from ui.bridge import EventBridge
from ui.services import Services


class TurnRunner(QObject):
    started = Signal(str)  # conversation id
    turn_known = Signal(str)  # turn id
    token = Signal(str)
    citations = Signal(object)  # tuple[Citation, ...]
    status = Signal(str)  # "Searching memory…", "Waiting for your approval…"
    step = Signal(object)  # an action or lookup event, for the turn's step cards
    final = Signal(str, object)  # text, citations
    failed = Signal(str)
    cancelled = Signal(str)
    finished = Signal(str)  # stats line, e.g. "42 tokens · 180 tok/s"

    def __init__(self, services: Services, bridge: EventBridge, channel: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.channel = channel
        self.turn_ids: set[str] = set()
        self.conversation_id = ""
        self._handle: Any = None
        self._handle_lock = threading.Lock()
        self._busy = False
        self._cancel_requested = False
        self._tokens = 0
        self._first_token_at = 0.0
        self._tps = 0.0
        self._gen_tokens = 0
        for signal in (bridge.turn, bridge.token, bridge.action, bridge.error, bridge.generation, bridge.other):
            signal.connect(self._on_event)

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self, text: str, conversation_id: str, source: str = "text") -> bool:
        if self._busy:
            return False
        self._busy = True
        self._cancel_requested = False
        self.conversation_id = conversation_id
        self._tokens = 0
        self._first_token_at = 0.0
        self._tps = 0.0
        self._gen_tokens = 0
        self.started.emit(conversation_id)

        def keep(handle: Any) -> None:
            with self._handle_lock:
                self._handle = handle
                cancel = self._cancel_requested
            if cancel:
                handle.cancel()

        services = self.services

        def events():
            try:
                turn = services.start_turn(text, conversation_id, source)
                keep(turn)
                yield from turn
            except Exception as exc:  # noqa: BLE001 - shown to the person, never swallowed
                yield ev.ErrorEvent(stage="agent", message=str(exc) or type(exc).__name__)
            yield _StreamEnded()

        worker.stream(events, services.post, self.channel)
        return True

    def cancel(self) -> None:
        with self._handle_lock:
            handle = self._handle
            self._cancel_requested = True
        if handle is not None:
            threading.Thread(target=handle.cancel, daemon=True).start()

    def _on_event(self, event: ev.Event, channel: str) -> None:
        if channel != self.channel:
            return
        if isinstance(event, ev.TurnStarted):
            self.turn_ids.add(event.turn_id)
            self.turn_known.emit(event.turn_id)
        elif isinstance(event, ev.Token):
            if not self._first_token_at:
                self._first_token_at = time.monotonic()
            self._tokens += 1
            self.token.emit(event.text)
        elif isinstance(event, ev.GenerationDone):
            self._tps = event.generation_tps
            self._gen_tokens += event.generation_tokens
        elif isinstance(event, ev.MemoryRetrieved):
            self.citations.emit(event.citations)
        elif event.kind == "LookupStep":
            self.step.emit(event)
        elif isinstance(event, ev.ApprovalRequested):
            self.step.emit(event)
            self.status.emit("Waiting for your approval…")
        elif isinstance(event, ev.ActionProposed):
            self.step.emit(event)
            self.status.emit(f"Wants to use {event.tool}…")
        elif isinstance(event, ev.ApprovalDecided):
            self.step.emit(event)
            self.status.emit("")  # the action's card says what was decided
        elif isinstance(event, ev.ActionResult):
            self.step.emit(event)
            self.status.emit("")
        elif isinstance(event, ev.FinalAnswer):
            self.final.emit(event.text, event.citations)
        elif isinstance(event, ev.TurnCancelled):
            self.step.emit(event)
            self.cancelled.emit(event.reason)
        elif isinstance(event, ev.ErrorEvent):
            self.failed.emit(event.message)
        elif isinstance(event, _StreamEnded):
            self._busy = False
            with self._handle_lock:
                self._handle = None
            self.finished.emit(self._stats())

    def _stats(self) -> str:
        if not self._gen_tokens and self._tokens <= 1:
            return ""  # the answer came whole from the user's data (a calendar or contact answer, a quote)
        tokens = self._gen_tokens or self._tokens
        tps = self._tps
        if not tps and self._first_token_at and self._tokens > 1:
            tps = self._tokens / max(1e-3, time.monotonic() - self._first_token_at)
        if not tokens:
            return ""
        return f"{tokens} tokens · {tps:.0f} tok/s" if tps else f"{tokens} tokens"

    def live_tps(self) -> float:
        """Tokens per second of the answer streaming now (0 until two tokens have arrived)."""
        if self._tokens < 2 or not self._first_token_at:
            return 0.0
        return (self._tokens - 1) / max(1e-3, time.monotonic() - self._first_token_at)

    def last_tps(self) -> float:
        return self._tps


@dataclass(frozen=True, kw_only=True)
class _StreamEnded(ev.Event):
    """Private marker: the turn's event stream is exhausted (sent after its last event)."""
