"""The handle a caller holds for one running generation: an event stream plus cancel."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

from app.events import ErrorEvent, Event, GenerationDone, HearthError

_END = object()


class GenerationFailed(HearthError):
    pass


class GenerationHandle:
    """Events arrive from the model thread; iterate from any one other thread; cancel from any."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        self._queue: queue.Queue[object] = queue.Queue()
        self._cancel = threading.Event()
        self._ended = threading.Event()
        self.done: GenerationDone | None = None
        self.error: ErrorEvent | None = None

    # -- producer side (model thread) --
    def put(self, event: Event) -> None:
        if isinstance(event, GenerationDone):
            self.done = event
        elif isinstance(event, ErrorEvent):
            self.error = event
        self._queue.put(event)

    def end(self) -> None:
        self._ended.set()
        self._queue.put(_END)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    # -- consumer side --
    def cancel(self) -> None:
        self._cancel.set()

    def __iter__(self) -> Iterator[Event]:
        while True:
            item = self._queue.get()
            if item is _END:
                self._queue.put(_END)  # later iterations end at once too
                return
            assert isinstance(item, Event)
            yield item

    def result(self, timeout: float | None = None) -> GenerationDone:
        """Drain the remaining events and return the final statistics (raise on error)."""
        if not self._ended.wait(timeout):
            raise TimeoutError(f"generation {self.request_id} did not finish in {timeout} s")
        for _ in self:
            pass
        if self.done is None:
            raise GenerationFailed(self.error.message if self.error else "generation ended without a result")
        return self.done
