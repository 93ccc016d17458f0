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

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal

from app import events as ev

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None
_dispatcher: _Dispatcher | None = None


def pool() -> QThreadPool:
    """Hearth's own pool, so model or memory work never starves Qt's global pool."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
    return _pool


class _Dispatcher(QObject):
    """One QObject on the GUI thread, alive for the whole run, that every task's outcome is queued
    to. No QObject is made or destroyed per task: a per-task carrier could be freed by a worker
    thread (its last reference dropped, or a garbage collection there) while the GUI thread still
    had its signal or its deleteLater queued, a use-after-free that crashed the app at random."""

    deliver = Signal(object)  # (callback, value)

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(self._call, Qt.ConnectionType.QueuedConnection)

    @staticmethod
    def _call(item: tuple[Callable[[Any], None], Any]) -> None:
        callback, value = item
        try:
            callback(value)
        except RuntimeError as exc:  # the widget it fills was closed meanwhile: nothing to show
            if "already deleted" not in str(exc):
                raise
            log.debug("a background result arrived for a closed widget: %s", exc)


def _the_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
        app = QCoreApplication.instance()
        if app is not None:  # results are always delivered on the GUI thread
            _dispatcher.moveToThread(app.thread())
    return _dispatcher


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
                 on_error: Callable[[BaseException], None], dispatcher: _Dispatcher) -> None:
        super().__init__()
        self.fn = fn
        self.on_done = on_done
        self.on_error = on_error
        self.dispatcher = dispatcher
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - every failure is reported on the GUI thread
            log.debug("task failed: %s", traceback.format_exc())
            self.dispatcher.deliver.emit((self.on_error, exc))
        else:
            self.dispatcher.deliver.emit((self.on_done, result))


def _warn(exc: BaseException) -> None:
    log.warning("background task failed: %s", exc)


def run_task(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Run ``fn()`` on a pool thread; call ``on_done(result)`` or ``on_error(exc)`` on the GUI thread.

    The callbacks run on the GUI thread; one whose widget was closed meanwhile is skipped.
    """
    pool().start(_Task(fn, on_done or (lambda _result: None), on_error or _warn, _the_dispatcher()))


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
