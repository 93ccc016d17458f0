"""A stream of events produced on one thread and consumed on another, cancellable from any.

The model runtime's generations and the agent's turns are both one of these.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

from app.events import Event

_END = object()


class EventStream:
    """Producer: ``put`` events, then ``end``. Consumer: iterate (ends after ``end``; iterating
    again ends at once), ``wait_ended``. Anyone: ``cancel``."""

    def __init__(self) -> None:
        self._queue: queue.Queue[object] = queue.Queue()
        self._cancel = threading.Event()
        self._ended = threading.Event()

    def put(self, event: Event) -> None:
        self._queue.put(event)

    def end(self) -> None:
        self._ended.set()
        self._queue.put(_END)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def ended(self) -> bool:
        return self._ended.is_set()

    def wait_ended(self, timeout: float | None = None) -> bool:
        return self._ended.wait(timeout)

    def __iter__(self) -> Iterator[Event]:
        while True:
            item = self._queue.get()
            if item is _END:
                self._queue.put(_END)  # later iterations end at once too
                return
            assert isinstance(item, Event)
            yield item
