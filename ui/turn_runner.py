"""Runs one agent turn at a time for a view: starts it off the GUI thread, follows its events
through the bridge (filtered by the view's channel and the run), and re-emits them as simple signals.

Stop takes effect in the view at once: the run is let go (its late events are ignored) while the
turn winds down in the background, so the person can type again without waiting for the model.
The speed shown counts only the time tokens were streaming: never an approval wait, a tool run or
the prompt reading between steps."""

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

GENERAL_NOTE = "General knowledge, not from your data"


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
        self._run = 0  # which start() the events posted now belong to
        self._turn_id = ""
        self._speed = StreamSpeed()
        self._tps = 0.0
        self._gen_tokens = 0
        self._general = False  # the answer is the model's general knowledge (nothing backs it)
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
        self._run += 1
        self._turn_id = ""
        self._speed = StreamSpeed()
        self._tps = 0.0
        self._gen_tokens = 0
        self._general = False  # the answer is the model's general knowledge (nothing backs it)
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

        worker.stream(events, services.post, f"{self.channel}{RUN_SEPARATOR}{self._run}")
        return True

    def cancel(self) -> None:
        """Stop the running turn: the view is told at once and the runner is free for the next
        request; the turn itself is cancelled in the background (its remaining events are dropped)."""
        with self._handle_lock:
            handle = self._handle
            self._handle = None
            self._cancel_requested = True
        if handle is not None:
            threading.Thread(target=handle.cancel, name="hearth-ui-cancel", daemon=True).start()
        if not self._busy:
            return
        self._run += 1  # what the stopped turn still sends belongs to no run now
        self.step.emit(ev.TurnCancelled(turn_id=self._turn_id, reason="stopped"))
        self.cancelled.emit("stopped")
        self._end_run()

    def _end_run(self) -> None:
        self._busy = False
        with self._handle_lock:
            self._handle = None
        self.finished.emit(self._stats())

    def _on_event(self, event: ev.Event, channel: str) -> None:
        name, _, run = channel.partition(RUN_SEPARATOR)
        if name != self.channel or run != str(self._run):
            return
        if not isinstance(event, ev.Token):
            self._speed.pause()  # a step, an approval, a tool: the model is not streaming
        if isinstance(event, ev.TurnStarted):
            self._turn_id = event.turn_id
            self.turn_ids.add(event.turn_id)
            self.turn_known.emit(event.turn_id)
        elif isinstance(event, ev.Token):
            self._speed.token(event.request_id)
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
            self._general = event.checked == "general"
            self.final.emit(event.text, event.citations)
        elif isinstance(event, ev.TurnCancelled):
            self.step.emit(event)
            self.cancelled.emit(event.reason)
        elif isinstance(event, ev.ErrorEvent):
            self.failed.emit(event.message)
        elif isinstance(event, _StreamEnded):
            self._end_run()

    def _stats(self) -> str:
        """The line under a finished answer: what backs it when nothing does, then the speed figures."""
        note = GENERAL_NOTE if self._general else ""
        if not self._gen_tokens and self._speed.tokens <= 1:
            return note  # the answer came whole from the user's data (a calendar or contact answer, a quote)
        tokens = self._gen_tokens or self._speed.tokens
        tps = self._tps or self._speed.rate()
        if not tokens:
            return note
        figures = f"{tokens} tokens · {speed(tps)}" if tps else f"{tokens} tokens"
        return f"{note} · {figures}" if note else figures

    def live_tps(self) -> float:
        """Tokens per second while the answer streams (0 until two tokens have arrived)."""
        return self._speed.rate()

    def last_tps(self) -> float:
        return self._tps


def speed(tps: float) -> str:
    """``212 tok/s``; a slow machine's ``0.8 tok/s`` keeps its decimal (never "0 tok/s")."""
    return f"{tps:.0f} tok/s" if tps >= 10 else f"{tps:.1f} tok/s"


RUN_SEPARATOR = "#"  # a run's channel: "<view>#<run>"


class StreamSpeed:
    """Tokens per second over the time tokens were streaming. A pause (any other event of the turn)
    ends a burst; the wait until the next token (an approval, a tool, the next prompt) is not counted."""

    def __init__(self) -> None:
        self.tokens = 0
        self._counted = 0  # tokens that followed another in the same burst
        self._seconds = 0.0
        self._last = 0.0  # when the previous token of the current burst came; 0 between bursts
        self._request = ""

    def token(self, request_id: str = "") -> None:
        if request_id != self._request:  # another generation: the wait before it is not streaming
            self._request = request_id
            self.pause()
        now = time.monotonic()
        self.tokens += 1
        if self._last:
            self._counted += 1
            self._seconds += now - self._last
        self._last = now

    def pause(self) -> None:
        self._last = 0.0

    def rate(self) -> float:
        return self._counted / self._seconds if self._counted and self._seconds > 0 else 0.0


@dataclass(frozen=True, kw_only=True)
class _StreamEnded(ev.Event):
    """Private marker: the turn's event stream is exhausted (sent after its last event)."""
