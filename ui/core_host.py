"""The core host: a child process that owns the model, the memory, the agent and the audit log for
the desktop app, so the app's own process holds nothing but the GUI.

Why a process and not threads: Chroma's upserts, the tokenizer and model loading hold the GIL for
hundreds of milliseconds, and a process busy with generation and embedding is scheduled behind
other work on a loaded machine; measured on 2 shared cores, the GUI heartbeat's worst gap was
0.7-1.3 s with the core in-process and under 90 ms with the same work in a child process.

Protocol (pickled tuples over one socket, :class:`multiprocessing.connection.Connection`):
parent -> child ``("init", paths, settings)``, ``("call", id, method, args, kwargs)``,
``("turn", id, text, conversation_id, source)``, ``("cancel", id)``, ``("decision", key, decision)``,
``("shutdown",)``; child -> parent ``("event", id, item)`` (id 0: core-wide model events),
``("result", id, value)``, ``("error", id, exception)``, ``("approve", key, request)``.
Qt-free; every call runs on its own thread here, so an ingestion and a turn proceed together.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from typing import Any

FD_ENV = "HEARTH_CORE_FD"


class Host:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._send_lock = threading.Lock()
        self._turns: dict[int, Any] = {}
        self._cancelled: set[int] = set()
        self._decisions: dict[str, tuple[threading.Event, list[Any]]] = {}
        self._lock = threading.Lock()
        self._next_key = 0
        self.ops: Any = None

    def send(self, message: tuple) -> None:
        with self._send_lock:
            try:
                self.conn.send(message)
            except (OSError, ValueError):
                os._exit(0)  # the app is gone: nothing left to serve
            except Exception:  # noqa: BLE001 - something that does not pickle: say so, as text
                self.conn.send((message[0], message[1], RuntimeError(repr(message[2])[:500])))

    # --- approvals: asked of the person in the app, waited for here --------------------------

    def approve(self, request: Any) -> Any:
        with self._lock:
            self._next_key += 1
            key = str(self._next_key)
            waiter: tuple[threading.Event, list[Any]] = (threading.Event(), [])
            self._decisions[key] = waiter
        self.send(("approve", key, request))
        waiter[0].wait()
        with self._lock:
            self._decisions.pop(key, None)
        return waiter[1][0] if waiter[1] else None  # None: the app went away = denied

    def _decide(self, key: str, decision: Any) -> None:
        with self._lock:
            waiter = self._decisions.get(key)
        if waiter is not None:
            waiter[1].append(decision)
            waiter[0].set()

    # --- work --------------------------------------------------------------------------------

    def _init(self, paths: Any, settings: Any) -> None:
        from app.core import HearthCore
        from ui.core_ops import CoreOps

        core = HearthCore(paths=paths, settings=settings, approver=self.approve,
                          listener=lambda event: self.send(("event", 0, event)), compact_in_background=True,
                          serve_model=True)
        self.ops = CoreOps(core)

    def _call(self, call_id: int, method: str, args: tuple, kwargs: dict) -> None:
        try:
            fn = getattr(self.ops, method)
            value = fn(*args, emit=lambda item: self.send(("event", call_id, item)), **kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            self.send(("error", call_id, _portable(exc)))
        else:
            self.send(("result", call_id, value))

    def _turn(self, call_id: int, text: str, conversation_id: str, source: str) -> None:
        try:
            turn = self.ops.start_turn(text, conversation_id, source)
            with self._lock:
                self._turns[call_id] = turn
                cancelled = call_id in self._cancelled
            if cancelled:
                turn.cancel()
            for event in turn:
                self.send(("event", call_id, event))
        except BaseException as exc:  # noqa: BLE001
            self.send(("error", call_id, _portable(exc)))
        else:
            self.send(("result", call_id, None))
        finally:
            with self._lock:
                self._turns.pop(call_id, None)
                self._cancelled.discard(call_id)

    def _cancel(self, call_id: int) -> None:
        with self._lock:
            turn = self._turns.get(call_id)
            if turn is None:
                self._cancelled.add(call_id)
        if turn is not None:
            turn.cancel()

    def serve(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            if kind == "init":
                self._init(message[1], message[2])
            elif kind == "call":
                _spawn(self._call, *message[1:])
            elif kind == "turn":
                _spawn(self._turn, *message[1:])
            elif kind == "cancel":
                self._cancel(message[1])
            elif kind == "decision":
                self._decide(message[1], message[2])
            elif kind == "shutdown":
                break
        with self._lock:  # whatever still waits for a person is denied
            waiters = list(self._decisions.values())
        for event, _box in waiters:
            event.set()
        if self.ops is not None:
            try:
                self.ops.shutdown()
            except Exception:  # noqa: BLE001
                traceback.print_exc()


def _spawn(fn: Any, *args: Any) -> None:
    threading.Thread(target=fn, args=args, name=f"hearth-core-{fn.__name__}", daemon=True).start()


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it pickles, else a HearthError or RuntimeError with its text."""
    import pickle

    from app.events import HearthError

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        cls = HearthError if isinstance(exc, HearthError) else RuntimeError
        return cls(str(exc) or type(exc).__name__)


def _yield_to_the_gui() -> None:
    """Background work gives way to the app's window: on Linux the host's own scheduling group
    (it runs in a session of its own) is weighted below the GUI's; elsewhere nothing changes."""
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(os.environ.get("HEARTH_CORE_NICE", "5"))
    except OSError:
        pass


def main() -> int:
    from multiprocessing.connection import Connection

    _yield_to_the_gui()
    fd = int(os.environ.pop(FD_ENV))
    Host(Connection(fd)).serve()
    sys.stdout.flush()
    os._exit(0)  # the model thread is parked for the life of the process; do not wait for it


if __name__ == "__main__":
    sys.exit(main())
