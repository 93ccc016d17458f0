"""The one bridge from the Qt-free core to Qt: core events in (from any thread), Qt signals out.

Every part of the core emits :mod:`app.events` dataclasses on its own threads. :meth:`EventBridge.post`
may be called from any thread; it emits a signal of the event's family, and because the bridge
lives on the GUI thread, Qt queues the delivery so every slot runs on the GUI thread.

Each event travels with a ``channel`` (which view started the work: ``"main"``, ``"quick"``,
``"memory"``...) so one window does not render another's stream.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app import events as ev

_FAMILIES: dict[type, str] = {
    ev.ModelLoading: "model",
    ev.ModelReady: "model",
    ev.GenerationStarted: "generation",
    ev.GenerationDone: "generation",
    ev.ContextUsed: "generation",
    ev.Token: "token",
    ev.TurnStarted: "turn",
    ev.MemoryRetrieved: "turn",
    ev.FinalAnswer: "turn",
    ev.TurnCancelled: "turn",
    ev.ActionProposed: "action",
    ev.ApprovalRequested: "action",
    ev.ApprovalDecided: "action",
    ev.ActionResult: "action",
    ev.IngestProgress: "ingest",
    ev.IngestFinished: "ingest",
    ev.ListeningStarted: "voice",
    ev.ListeningStopped: "voice",
    ev.PartialTranscript: "voice",
    ev.FinalTranscript: "voice",
    ev.SpeakingStarted: "voice",
    ev.SpeakingFinished: "voice",
    ev.BargeIn: "voice",
    ev.ErrorEvent: "error",
}


def family_of(event: ev.Event) -> str:
    """The signal family an event goes out on ("other" for events this bridge does not know)."""
    for cls in type(event).__mro__:
        if cls in _FAMILIES:
            return _FAMILIES[cls]
    return "other"


class EventBridge(QObject):
    """One QObject, one signal per event family; each signal carries ``(event, channel)``."""

    model = Signal(object, str)
    generation = Signal(object, str)
    token = Signal(object, str)
    turn = Signal(object, str)
    action = Signal(object, str)
    ingest = Signal(object, str)
    voice = Signal(object, str)
    error = Signal(object, str)
    other = Signal(object, str)
    # Every event, whatever its family (the activity view and tests listen here).
    any = Signal(object, str)

    def post(self, event: ev.Event, channel: str = "main") -> None:
        """Thread-safe: deliver ``event`` to the GUI thread on its family's signal."""
        getattr(self, family_of(event)).emit(event, channel)
        self.any.emit(event, channel)

    def listener(self, channel: str = "main"):
        """A plain callable for the core's ``listener=``/``on_event=`` hooks, bound to a channel."""

        def _listen(event: ev.Event) -> None:
            self.post(event, channel)

        return _listen
