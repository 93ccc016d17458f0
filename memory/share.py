"""One process owns the memory; the others use it through that process.

Chroma is not safe across processes, so the process holding the memory's lock (the app's core,
or a ``hearth`` command that came first) also serves it on a Unix socket beside the store.
Another process that finds the memory locked gets a :class:`SharedMemory`: the same methods,
each call carried out by the owner, so reads and writes from the CLI while the app runs are as
safe as the app's own. When the owner goes away, the next call takes the lock itself.

The socket is the user's alone (a private folder, mode 0600) and a peer must prove it knows the
random key in ``memory-share.key`` (mode 0600) before anything is read from it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, answer_challenge, deliver_challenge
from pathlib import Path
from typing import Any

from app.config import MemorySettings
from app.events import HearthError
from app.paths import Paths
from memory.lock import MemoryLocked

KEY_FILE = "memory-share.key"
SOCKET_NAME = "memory.sock"
MAX_SOCKET_PATH = 100  # sun_path holds 104 bytes on macOS, 108 on Linux
# what another process may call, and which of those stream events back (``on_event``)
METHODS = frozenset({"search", "item_text", "item_chunks", "records", "contacts", "remember", "ingest_path",
                     "reindex", "forget", "compact", "stats", "sources", "vectors_pending"})
ATTRIBUTES = frozenset({"backend"})


class OwnerGone(HearthError):
    """The process that served the memory is no longer there."""


def _socket_path(folder: Path, name: str = SOCKET_NAME) -> Path:
    near = folder / name
    if len(str(near)) <= MAX_SOCKET_PATH:
        return near
    digest = hashlib.sha256(str(near).encode()).hexdigest()[:16]
    private = Path(tempfile.gettempdir()) / f"hearth-{os.getuid()}"
    private.mkdir(mode=0o700, exist_ok=True)
    if private.stat().st_uid != os.getuid() or private.stat().st_mode & 0o077:
        raise HearthError(f"{private} is not private to this user; the memory is not shared")
    return private / f"{digest}.sock"


class KeyedSocketServer:
    """A Unix socket private to the user that answers only a peer proving it holds the random key
    in ``key_file`` (a challenge both ways, before anything the peer sent is read). Subclasses say
    what a request does (:meth:`_handle`); the memory and the model are shared this way."""

    def __init__(self, folder: Path, *, socket_name: str, key_file: str, thread_name: str) -> None:
        self.key = secrets.token_bytes(32)
        self.address = _socket_path(folder, socket_name)
        self.key_file = folder / key_file
        self._thread_name = thread_name
        self._stop = threading.Event()
        self.address.unlink(missing_ok=True)  # the owner's lock is held: any socket there is stale
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            self._sock.bind(str(self.address))
        finally:
            os.umask(old)
        self._sock.listen(8)
        self._sock.settimeout(0.5)
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{self.key.hex()}\n{self.address}\n")
        self._thread = threading.Thread(target=self._accept, name=f"{thread_name}-share", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            threading.Thread(target=self._serve, args=(Connection(sock.detach()),), daemon=True,
                             name=f"{self._thread_name}-peer").start()

    def _serve(self, conn: Connection) -> None:
        with conn:
            try:
                deliver_challenge(conn, self.key)
                answer_challenge(conn, self.key)
                request = conn.recv()  # unpickled only now: the peer holds the key
            except Exception:  # noqa: BLE001 - a peer without the key, or gone
                return
            self._handle(conn, request)

    def _handle(self, conn: Connection, request: Any) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._sock.close()
        self._thread.join(2)
        for path in (self.key_file, self.address):
            path.unlink(missing_ok=True)


class MemoryServer(KeyedSocketServer):
    """Serves ``memory`` (a :class:`memory.api.Memory`) to other Hearth processes until ``close()``."""

    def __init__(self, memory: Any, folder: Path) -> None:
        self.memory = memory
        super().__init__(folder, socket_name=SOCKET_NAME, key_file=KEY_FILE, thread_name="hearth-memory")

    def _handle(self, conn: Connection, request: Any) -> None:
        try:
            result = self._run(conn, request)
            if self._stop.is_set():
                return  # closing: the caller sees the owner gone and takes the memory over
            conn.send(("result", result))
        except Exception as exc:  # noqa: BLE001 - the caller gets the error, as it would in-process
            if self._stop.is_set():
                return
            with contextlib.suppress(Exception):
                conn.send(("error", _portable(exc)))

    def _run(self, conn: Connection, request: Any) -> Any:
        op, name, args, kwargs = request
        if op == "attr" and name in ATTRIBUTES:
            return getattr(self.memory, name)
        if op != "call" or name not in METHODS:
            raise HearthError(f"the memory does not offer {name!r} to other processes")
        if kwargs.pop("on_event", None):
            def forward(event: Any) -> None:
                with contextlib.suppress(Exception):  # the caller left: the work still finishes
                    conn.send(("event", event))

            kwargs["on_event"] = forward
        return getattr(self.memory, name)(*args, **kwargs)


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it crosses a process boundary intact, else its message."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return HearthError(str(exc) or type(exc).__name__)


def call_owner(folder: Path, request: tuple[str, str, tuple, dict], on_event: Callable[[Any], None] | None) -> Any:
    """Send one request to the process that owns the memory in ``folder``; its result or error."""
    try:
        key_hex, address = (folder / KEY_FILE).read_text(encoding="ascii").split()[:2]
        conn = Connection(_connect(address))
    except (OSError, ValueError) as exc:
        raise OwnerGone(f"the Hearth that holds the memory does not answer ({exc})") from None
    with conn:
        try:
            key = bytes.fromhex(key_hex)
            answer_challenge(conn, key)
            deliver_challenge(conn, key)
            conn.send(request)
        except (OSError, EOFError, ValueError) as exc:
            raise OwnerGone(f"the Hearth that holds the memory does not answer ({exc})") from None
        while True:
            try:
                kind, value = conn.recv()
            except (OSError, EOFError) as exc:
                raise OwnerGone(f"the Hearth that holds the memory went away mid-call ({exc})") from None
            if kind == "event":
                if on_event is not None:
                    on_event(value)
            elif kind == "error":
                raise value
            else:
                return value


def _connect(address: str) -> int:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock.detach()


class SharedMemory:
    """The memory through the process that owns it; becomes the owner itself when that one goes.

    The same methods as :class:`memory.api.Memory` that the agent, the tools and the CLI use.
    """

    def __init__(self, paths: Paths, settings: MemorySettings) -> None:
        self.paths = paths
        self.settings = settings
        self.folder = paths.memory_dir
        self._local: Any = None
        self._closed = False
        self._background: list[Any] = []
        self._lock = threading.Lock()
        self._call("call", "vectors_pending", (), {})  # fails now, not later, when no one serves

    @property
    def shared(self) -> bool:
        """True while another process owns the memory."""
        return self._local is None

    def _call(self, op: str, name: str, args: tuple, kwargs: dict, on_event: Callable[[Any], None] | None = None) -> Any:
        if self._closed:
            raise HearthError("the memory is closed")
        for _ in range(3):
            local = self._local
            if local is not None:
                if op == "attr":
                    return getattr(local, name)
                return getattr(local, name)(*args, **({**kwargs, "on_event": on_event} if on_event else kwargs))
            try:
                return call_owner(self.folder, (op, name, args, {**kwargs, "on_event": bool(on_event)}
                                                if on_event else kwargs), on_event)
            except OwnerGone:
                self._take_over()
                time.sleep(0.2 if self._local is None else 0)  # a new owner is starting to serve
        raise HearthError("the memory is changing hands between Hearth processes; try again")

    def _take_over(self) -> None:
        """The owner left: take the lock (or, if another process took it first, use that one)."""
        from memory.api import Memory

        with self._lock:
            if self._local is not None:
                return
            try:
                self._local = Memory(self.paths, self.settings)
            except MemoryLocked:
                return
            for listener in self._background:
                self._local.compact_in_background(listener)

    # -- the Memory interface -----------------------------------------------------------------
    def search(self, query: str, **kwargs: Any) -> Any:
        return self._call("call", "search", (query,), kwargs)

    def item_text(self, item_id: str) -> str:
        return str(self._call("call", "item_text", (item_id,), {}))

    def item_chunks(self, item_id: str) -> list[Any]:
        return list(self._call("call", "item_chunks", (item_id,), {}))

    def records(self, **kwargs: Any) -> list[Any]:
        return list(self._call("call", "records", (), kwargs))

    def contacts(self) -> list[dict[str, Any]]:
        return list(self._call("call", "contacts", (), {}))

    def citation(self, record: Any, score: float = 1.0) -> Any:
        """Computed here: it only reads the record."""
        from memory.api import Memory

        return Memory._citation(record.chunk_id, record.text, record.meta, score)

    def remember(self, text: str, **kwargs: Any) -> str:
        return str(self._call("call", "remember", (text,), kwargs))

    def ingest_path(self, path: str | Path, *, kind: str | None = None,
                    on_event: Callable[[Any], None] | None = None) -> Any:
        target = Path(path).expanduser().absolute()  # this process's folder, not the owner's
        return self._call("call", "ingest_path", (target,), {"kind": kind}, on_event)

    def reindex(self, *, on_event: Callable[[Any], None] | None = None) -> Any:
        return self._call("call", "reindex", (), {}, on_event)

    def forget(self, **kwargs: Any) -> int:
        path = kwargs.get("source_path")
        if path and path != "conversation":
            kwargs["source_path"] = str(Path(path).expanduser().absolute())
        return int(self._call("call", "forget", (), kwargs))

    def compact(self, on_event: Callable[[Any], None] | None = None, **kwargs: Any) -> Any:
        return self._call("call", "compact", (), kwargs, on_event)

    def stats(self) -> dict[str, Any]:
        return dict(self._call("call", "stats", (), {}))

    def sources(self) -> list[dict[str, Any]]:
        return list(self._call("call", "sources", (), {}))

    def vectors_pending(self) -> int:
        return int(self._call("call", "vectors_pending", (), {}))

    @property
    def backend(self) -> str:
        return str(self._call("attr", "backend", (), {}))

    def compact_in_background(self, listener: Callable[[Any], None] | None = None) -> None:
        """The owner compacts its own store; this process does once it becomes the owner."""
        self._background.append(listener)
        if self._local is not None:
            self._local.compact_in_background(listener)

    @property
    def compacting(self) -> bool:
        return bool(self._local is not None and self._local.compacting)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._local is not None:
                self._local.close()
                self._local = None

    def __enter__(self) -> SharedMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
