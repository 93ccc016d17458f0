"""The handle a caller holds for one running generation: an event stream plus cancel."""

from __future__ import annotations

from app.event_stream import EventStream
from app.events import ErrorEvent, Event, GenerationDone, HearthError


class GenerationFailed(HearthError):
    pass


class GenerationHandle(EventStream):
    """Events arrive from the model thread; iterate from any one other thread; cancel from any."""

    def __init__(self, request_id: str) -> None:
        super().__init__()
        self.request_id = request_id
        self.done: GenerationDone | None = None
        self.error: ErrorEvent | None = None

    def put(self, event: Event) -> None:
        if isinstance(event, GenerationDone):
            self.done = event
        elif isinstance(event, ErrorEvent):
            self.error = event
        super().put(event)

    def result(self, timeout: float | None = None) -> GenerationDone:
        """Drain the remaining events and return the final statistics (raise on error)."""
        if not self.wait_ended(timeout):
            raise TimeoutError(f"generation {self.request_id} did not finish in {timeout} s")
        for _ in self:
            pass
        if self.done is None:
            raise GenerationFailed(self.error.message if self.error else "generation ended without a result")
        return self.done
