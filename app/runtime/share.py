"""The app's model, used by other Hearth processes: ``hearth ask`` / ``chat`` while the app runs.

The app's core serves its :class:`~app.runtime.service.ModelService` on a Unix socket beside the
models, the way the memory is shared (:mod:`memory.share`): a socket private to the user, a random
key in a 0600 file, and a challenge both ways before anything is read. A command that finds it
gets a :class:`RemoteModel` with the service's interface: each generation is queued on the app's
model thread and its events stream back, so the command loads no model of its own (the answer
model alone is gigabytes). The command's agent, approvals and conversation stay in the command.
Requests travel pickled with cloudpickle (their grammar is a closure); only a peer holding the key
is ever unpickled. When the app is gone, the next request loads a model here, as if it never ran.
"""

from __future__ import annotations

import contextlib
import pickle
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, answer_challenge, deliver_challenge
from pathlib import Path
from typing import Any

from app.events import ErrorEvent, Event, HearthError
from app.runtime.api import GenerationRequest, Message
from app.runtime.generation import GenerationHandle
from memory.share import KeyedSocketServer, _connect

KEY_FILE = "model-share.key"
SOCKET_NAME = "model.sock"
CALLS = frozenset({"info", "count_tokens", "render_prompt", "forget_conversation", "role_status"})
CANCEL_POLL_S = 0.05  # how often the server looks for a Stop from the peer


class ModelOwnerGone(HearthError):
    """The process that served the model is no longer there."""


class ModelServer(KeyedSocketServer):
    """Serves ``service`` (a ModelService) to other Hearth processes until ``close()``."""

    def __init__(self, service: Any, folder: Path) -> None:
        self.service = service
        self.served = 0  # generations run for other processes
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(folder, socket_name=SOCKET_NAME, key_file=KEY_FILE, thread_name="hearth-model")

    def _handle(self, conn: Connection, request: Any) -> None:
        try:
            if request[0] == "generate":
                self._generate(conn, request[1])
            elif request[0] == "call" and request[1] in CALLS:
                conn.send(("result", getattr(self, "_" + request[1])(*request[2])))
            else:
                raise HearthError(f"the model does not offer {request[1]!r} to other processes")
        except Exception as exc:  # noqa: BLE001 - the caller gets the error, as it would in-process
            with contextlib.suppress(Exception):
                conn.send(("error", HearthError(str(exc) or type(exc).__name__)))

    def _generate(self, conn: Connection, payload: bytes) -> None:
        """Queue the request on the model thread; stream its events; a Stop or a vanished peer cancels it."""
        request = pickle.loads(payload)
        if not isinstance(request, GenerationRequest):
            raise HearthError("not a generation request")
        handle = self.service.generate(request)
        self.served += 1
        done = threading.Event()

        def watch() -> None:  # anything from the peer (a Stop), or its end, cancels the generation
            while not done.is_set():
                try:
                    if conn.poll(CANCEL_POLL_S):
                        conn.recv()
                        handle.cancel()
                except (OSError, EOFError):
                    handle.cancel()
                    return

        watcher = threading.Thread(target=watch, name="hearth-model-peer-stop", daemon=True)
        watcher.start()
        try:
            for event in handle:
                conn.send(("event", event))
            conn.send(("end", None))
        finally:
            if not handle.ended:  # the peer left, or an event could not be sent: stop the work
                handle.cancel()
            done.set()
            watcher.join()  # before the connection closes, so its descriptor is never read again

    # -- calls: what the agent asks of a model besides generating ----------------------------------
    def _info(self) -> dict[str, Any]:
        loaded = self.service.ensure_loaded()
        tokenizer = loaded.tokenizer
        template = getattr(tokenizer, "chat_template", None) or getattr(
            getattr(tokenizer, "_tokenizer", None), "chat_template", None)
        return {"name": self.service.name, "chat_template": template if isinstance(template, str) else None}

    def _count_tokens(self, text: str) -> int:
        return int(self.service.count_tokens(text))

    def _render_prompt(self, messages: list[Message], tools: list[dict] | None) -> str:
        return str(self.service.render_prompt(messages, tools))

    def _forget_conversation(self, conversation_id: str) -> None:
        self.service.forget_conversation(conversation_id)

    def _role_status(self) -> dict[str, str]:
        return dict(self.service.role_status())


def _open(folder: Path) -> Connection:
    """An authenticated connection to the process serving the model in ``folder``."""
    try:
        key_hex, address = (folder / KEY_FILE).read_text(encoding="ascii").split()[:2]
        key = bytes.fromhex(key_hex)
        conn = Connection(_connect(address))
    except (OSError, ValueError) as exc:
        raise ModelOwnerGone(f"the Hearth that runs the model does not answer ({exc})") from None
    try:
        answer_challenge(conn, key)
        deliver_challenge(conn, key)
    except (OSError, EOFError, Exception) as exc:  # noqa: BLE001 - multiprocessing's AuthenticationError too
        conn.close()
        raise ModelOwnerGone(f"the Hearth that runs the model does not answer ({exc})") from None
    return conn


def _call(folder: Path, name: str, *args: Any) -> Any:
    with _open(folder) as conn:
        try:
            conn.send(("call", name, args))
            kind, value = conn.recv()
        except (OSError, EOFError) as exc:
            raise ModelOwnerGone(f"the Hearth that runs the model went away ({exc})") from None
    if kind == "error":
        raise value
    return value


class RemoteGeneration(GenerationHandle):
    """A generation running in the serving process; events arrive on a reader thread."""

    def __init__(self, request_id: str, conn: Connection) -> None:
        super().__init__(request_id)
        self._conn = conn
        self._lock = threading.Lock()  # the connection is closed under it, and a Stop sent under it
        threading.Thread(target=self._read, name="hearth-remote-generation", daemon=True).start()

    def _read(self) -> None:
        try:
            while True:
                kind, value = self._conn.recv()
                if kind == "event":
                    self.put(value)
                elif kind == "error":
                    self.put(ErrorEvent(stage="model", message=str(value), request_id=self.request_id))
                    break
                else:
                    break
        except (OSError, EOFError):
            self.put(ErrorEvent(stage="model", message="the Hearth app that ran the model went away",
                                request_id=self.request_id))
        finally:
            with self._lock:
                self._conn.close()
            self.end()

    def cancel(self) -> None:
        super().cancel()
        with self._lock, contextlib.suppress(OSError):
            if not self._conn.closed:
                self._conn.send(("stop",))


@dataclass
class _Tokenizer:
    chat_template: str | None


@dataclass
class RemoteLoaded:
    """What the agent reads of a loaded model: its tokenizer's chat template."""

    tokenizer: _Tokenizer


class RemoteModel:
    """The app's ModelService, from another process; a local one once the app has gone."""

    def __init__(self, folder: Path, local: Callable[[], Any]) -> None:
        self.folder = folder
        self._make_local = local
        self._local: Any = None
        self._listeners: list[Callable[[Event], None]] = []
        self._running: set[RemoteGeneration] = set()
        info = _call(folder, "info")  # raises ModelOwnerGone now, not at the first question
        self.name = str(info["name"])
        self._template = info["chat_template"]

    @property
    def remote(self) -> bool:
        """True while the model runs in the other process."""
        return self._local is None

    def _fallback(self) -> Any:
        if self._local is None:
            self._local = self._make_local()
            for listener in self._listeners:
                self._local.add_listener(listener)
        return self._local

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)
        if self._local is not None:
            self._local.add_listener(listener)

    def generate(self, request: GenerationRequest) -> GenerationHandle:
        if self._local is None:
            import cloudpickle  # type: ignore[import-untyped]

            payload = cloudpickle.dumps(request)
            try:
                conn = _open(self.folder)
            except ModelOwnerGone:
                pass
            else:
                with contextlib.suppress(OSError):
                    conn.send(("generate", payload))
                handle = RemoteGeneration(request.request_id or f"remote-{secrets.token_hex(4)}", conn)
                self._running = {h for h in self._running if not h.ended} | {handle}
                return handle
        return self._fallback().generate(request)  # type: ignore[no-any-return]

    def _ask(self, name: str, *args: Any) -> Any:
        if self._local is None:
            try:
                return _call(self.folder, name, *args)
            except ModelOwnerGone:
                pass
        return getattr(self._fallback(), name)(*args)

    def ensure_loaded(self, timeout: float | None = None) -> Any:
        if self._local is None:
            return RemoteLoaded(_Tokenizer(self._template))
        return self._local.ensure_loaded(timeout)

    def count_tokens(self, text: str) -> int:
        return int(self._ask("count_tokens", text))

    def render_prompt(self, messages: list[Message], tools: list[dict] | None = None) -> str:
        return str(self._ask("render_prompt", messages, tools))

    def forget_conversation(self, conversation_id: str) -> None:
        self._ask("forget_conversation", conversation_id)

    def role_status(self) -> dict[str, str]:
        return dict(self._ask("role_status"))

    def shutdown(self) -> None:
        for handle in list(self._running):
            if not handle.ended:
                handle.cancel()
        self._running.clear()
        if self._local is not None:
            self._local.shutdown()


def connect_model(folder: Path, local: Callable[[], Any]) -> RemoteModel | None:
    """The model served by the running app, or None when no Hearth process serves one."""
    if not (folder / KEY_FILE).exists():
        return None
    try:
        return RemoteModel(folder, local)
    except ModelOwnerGone:
        return None
