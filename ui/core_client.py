"""The app's side of the core host (:mod:`ui.core_host`): starts the child process on first use and
offers the same operations as :class:`ui.core_ops.CoreOps`, as blocking calls and event streams.

Qt-free. Calls block their (worker) thread, never the GUI thread. Approval requests from the
child are put to ``approver`` (the app's approval center) on a thread of their own.
"""

from __future__ import annotations

import itertools
import os
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app import events as ev
from ui.core_host import FD_ENV

_END = object()


class _Call:
    def __init__(self, on_event: Callable[[Any], None] | None) -> None:
        self.on_event = on_event
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None
        self.events: queue.Queue[Any] | None = None


class RemoteTurn:
    """A turn running in the core host: iterable for its events, ``cancel()`` from any thread."""

    def __init__(self, client: CoreClient, call_id: int, call: _Call) -> None:
        self.client = client
        self.call_id = call_id
        self.call = call

    def cancel(self) -> None:
        self.client._send(("cancel", self.call_id))

    def __iter__(self) -> Iterator[ev.Event]:
        assert self.call.events is not None
        while True:
            item = self.call.events.get()
            if item is _END:
                break
            yield item
        if self.call.error is not None:
            raise self.call.error

    def wait(self, timeout: float | None = None) -> bool:
        return self.call.done.wait(timeout)


def host_command() -> list[str]:
    """How to start the host: the module from this interpreter, or the frozen app's own binary."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "gui", "--core-host"]
    return [sys.executable, "-m", "ui.core_host"]


class CoreClient:
    """Proxy to a :class:`ui.core_ops.CoreOps` in a child process; thread-safe."""

    def __init__(self, paths: Any, settings: Any, post_model_event: Callable[[ev.Event], None],
                 approver: Callable[[ev.ApprovalRequested], Any] | None = None) -> None:
        self.paths = paths
        self.settings = settings
        self.post_model_event = post_model_event
        self.approver = approver
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._calls: dict[int, _Call] = {}
        self._conn: Any = None
        self._proc: subprocess.Popen | None = None
        self._closed = False

    # --- the process ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        with self._lock:
            return self._conn is not None

    def _ensure(self) -> None:
        with self._lock:
            if self._closed:
                raise ev.HearthError("Hearth is shutting down")
            if self._conn is not None:
                return
            from multiprocessing.connection import Connection

            ours, theirs = socket.socketpair()
            env = dict(os.environ)
            env[FD_ENV] = str(theirs.fileno())
            root = str(Path(__file__).resolve().parent.parent)
            env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
            # A session of its own: its heavy work is scheduled apart from the GUI's process.
            self._proc = subprocess.Popen(host_command(), env=env, pass_fds=(theirs.fileno(),),
                                          stdin=subprocess.DEVNULL, start_new_session=True)
            theirs.close()
            self._conn = Connection(ours.detach())
            self._conn.send(("init", self.paths, self.settings))
            threading.Thread(target=self._read, name="hearth-core-client", daemon=True).start()

    def _send(self, message: tuple) -> None:
        with self._send_lock:
            if self._conn is None:
                return
            try:
                self._conn.send(message)
            except (OSError, ValueError):
                pass

    def _read(self) -> None:
        conn = self._conn
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            if kind == "event":
                self._deliver(message[1], message[2])
            elif kind in ("result", "error"):
                with self._lock:
                    call = self._calls.pop(message[1], None)
                if call is not None:
                    if kind == "result":
                        call.value = message[2]
                    else:
                        call.error = message[2]
                    call.done.set()
                    if call.events is not None:
                        call.events.put(_END)
            elif kind == "approve":
                threading.Thread(target=self._approve, args=(message[1], message[2]), daemon=True,
                                 name="hearth-core-approval").start()
        self._fail_all("the core process ended unexpectedly" if not self._closed else "Hearth is shutting down")

    def _deliver(self, call_id: int, item: Any) -> None:
        if call_id == 0:
            if isinstance(item, ev.Event):
                self.post_model_event(item)
            return
        with self._lock:
            call = self._calls.get(call_id)
        if call is None:
            return
        if call.events is not None:
            call.events.put(item)
        elif call.on_event is not None:
            call.on_event(item)

    def _approve(self, key: str, request: ev.ApprovalRequested) -> None:
        decision: Any = None
        try:
            if self.approver is not None:
                decision = self.approver(request)
        except Exception:  # noqa: BLE001 - an approver that fails denies
            decision = None
        self._send(("decision", key, decision))

    def _fail_all(self, message: str) -> None:
        with self._lock:
            calls = list(self._calls.values())
            self._calls.clear()
            self._conn = None  # the next call starts a fresh host (unless shutting down)
        for call in calls:
            call.error = ev.HearthError(message)
            call.done.set()
            if call.events is not None:
                call.events.put(_END)

    # --- calls -------------------------------------------------------------------------------

    def _register(self, on_event: Callable[[Any], None] | None = None, stream: bool = False) -> tuple[int, _Call]:
        self._ensure()
        call = _Call(on_event)
        if stream:
            call.events = queue.Queue()
        call_id = next(self._ids)
        with self._lock:
            self._calls[call_id] = call
        return call_id, call

    def call(self, method: str, *args: Any, on_event: Callable[[Any], None] | None = None, **kwargs: Any) -> Any:
        """Run ``CoreOps.<method>`` in the host and return its value (or raise its error)."""
        call_id, call = self._register(on_event)
        self._send(("call", call_id, method, args, kwargs))
        call.done.wait()
        if call.error is not None:
            raise call.error
        return call.value

    def start_turn(self, text: str, conversation_id: str, source: str = "text") -> RemoteTurn:
        call_id, call = self._register(stream=True)
        self._send(("turn", call_id, text, conversation_id, source))
        return RemoteTurn(self, call_id, call)

    def update_settings(self, settings: Any) -> None:
        self.settings = settings
        with self._lock:
            running = self._conn is not None
        if running:
            self.call("update_settings", settings)

    def shutdown(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._closed = True
            proc = self._proc
        self._send(("shutdown",))
        if proc is not None:
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
