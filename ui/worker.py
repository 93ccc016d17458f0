"""Run blocking work off the GUI thread and deliver its result back on it (picard's ``run_task``,
Anki's ``QueryOp``).

``run_task(fn, on_done, on_error)`` runs ``fn`` on a QThreadPool thread; the callbacks run on the
GUI thread through a queued signal. ``stream(iterable_factory, bridge, channel)`` iterates a
core event stream (a Turn, a Generation) on a plain worker thread and posts every event.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app import events as ev

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None
_live: set[_Carrier] = set()  # keep carriers alive until their result is delivered


def pool() -> QThreadPool:
    """Hearth's own pool, so model or memory work never starves Qt's global pool."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
    return _pool


class _Carrier(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], carrier: _Carrier) -> None:
        super().__init__()
        self.fn = fn
        self.carrier = carrier
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - every failure is reported on the GUI thread
            log.debug("task failed: %s", traceback.format_exc())
            self.carrier.failed.emit(exc)
        else:
            self.carrier.done.emit(result)


def run_task(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Run ``fn()`` on a pool thread; call ``on_done(result)`` or ``on_error(exc)`` on the GUI thread.

    Must be called from the GUI thread (the carrier object lives there, so its signals are queued
    back to it).
    """
    carrier = _Carrier()
    _live.add(carrier)

    def _finish() -> None:
        _live.discard(carrier)
        carrier.deleteLater()

    def _done(result: Any) -> None:
        try:
            if on_done is not None:
                on_done(result)
        finally:
            _finish()

    def _failed(exc: BaseException) -> None:
        try:
            if on_error is not None:
                on_error(exc)
            else:
                log.warning("background task failed: %s", exc)
        finally:
            _finish()

    carrier.done.connect(_done)
    carrier.failed.connect(_failed)
    pool().start(_Task(fn, carrier))


def stream(
    factory: Callable[[], Iterable[ev.Event]],
    post: Callable[[ev.Event, str], None],
    channel: str,
    on_started: Callable[[Any], None] | None = None,
) -> threading.Thread:
    """Build and iterate an event stream on a daemon thread, posting each event with ``channel``.

    ``on_started(stream_object)`` is called (on the worker thread) once the stream exists, so the
    caller can keep a handle to cancel it. A failure becomes an ``ErrorEvent`` for the view.
    """

    def _run() -> None:
        try:
            events = factory()
            if on_started is not None:
                on_started(events)
            for event in events:
                post(event, channel)
        except BaseException as exc:  # noqa: BLE001
            log.debug("stream failed: %s", traceback.format_exc())
            message = str(exc) or type(exc).__name__
            post(ev.ErrorEvent(stage="agent", message=message), channel)

    thread = threading.Thread(target=_run, name=f"hearth-ui-stream-{channel}", daemon=True)
    thread.start()
    return thread
