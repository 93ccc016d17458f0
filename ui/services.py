"""What the windows ask of the core, in one Qt-free place: every method here may block and is
called from :func:`ui.worker.run_task` or a stream thread, never from the GUI thread.

It wraps :class:`app.core.HearthCore` (model, memory, agent, audit) plus the model registry, the
conversation list, settings and the keychain, so widgets never reach into the core directly.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import events as ev
from app.config import Settings, load_settings, save_settings
from app.paths import Paths, get_paths

Post = Callable[[ev.Event, str], None]
KEYRING_SERVICE = "Hearth"


@dataclass
class ConversationInfo:
    id: str
    title: str
    updated: float = field(default_factory=time.time)


class ConversationIndex:
    """The conversation list, over the agent's :class:`app.conversations.ConversationStore` (one
    JSON file per conversation; the agent appends the messages, the list renames and deletes)."""

    def __init__(self, paths: Paths) -> None:
        from app.conversations import ConversationStore

        self.store = ConversationStore(paths)

    def list(self) -> list[ConversationInfo]:
        return [
            ConversationInfo(id=str(c["id"]), title=str(c.get("title") or "Untitled"), updated=float(c.get("updated") or 0))
            for c in self.store.list()
            if c.get("id")
        ]

    def create(self, title: str = "New conversation", conversation_id: str | None = None) -> ConversationInfo:
        cid = self.store.create(title, conversation_id)
        return ConversationInfo(id=cid, title=title)

    def rename(self, conversation_id: str, title: str) -> None:
        self.store.rename(conversation_id, title.strip() or "Untitled")

    def touch(self, conversation_id: str, title: str | None = None) -> None:
        """Nothing to do: the store updates a conversation's time whenever the agent appends."""

    def delete(self, conversation_id: str) -> None:
        self.store.delete(conversation_id)

    def messages(self, conversation_id: str) -> list[dict[str, Any]]:
        try:
            return list(self.store.load(conversation_id).get("messages", []))
        except ev.HearthError:
            return []


class Services:
    """The core, as the desktop app uses it. Thread-safe; every call may block."""

    def __init__(
        self,
        post: Post,
        approver: Callable[[ev.ApprovalRequested], Any] | None = None,
        paths: Paths | None = None,
        settings: Settings | None = None,
        core: Any = None,
    ) -> None:
        self.paths = (paths or get_paths()).ensure()
        self.settings = settings or load_settings(self.paths)
        self.post = post
        self.approver = approver
        self._core = core
        self._lock = threading.RLock()
        self.conversations = ConversationIndex(self.paths)
        self._listening_model: Any = None
        if core is not None and approver is not None:  # an injected core answers to this app's panel
            core.approver = approver
            agent = getattr(core, "_agent", None)
            if agent is not None and hasattr(agent, "approver"):
                agent.approver = approver

    # --- the core ----------------------------------------------------------------------------

    @property
    def core(self) -> Any:
        with self._lock:
            if self._core is None:
                try:
                    from app.core import HearthCore
                except ImportError:  # the wiring has not landed: the model and memory directly
                    self._core = InterimCore(self.paths, self.settings)
                else:
                    self._core = HearthCore(paths=self.paths, settings=self.settings)
                if self.approver is not None and hasattr(self._core, "approver"):
                    self._core.approver = self.approver
            return self._core

    @property
    def model(self) -> Any:
        model = self.core.model
        with self._lock:
            if model is not self._listening_model and hasattr(model, "add_listener"):
                model.add_listener(lambda event: self.post(event, "model"))
                self._listening_model = model
        return model

    def load_model(self) -> str:
        """Load (importing the embedded default on first run) and return the model's name."""
        model = self.model
        model.ensure_loaded()
        return str(model.name)

    def model_name(self) -> str:
        return str(self.settings.model.name)

    def list_models(self) -> list[Any]:
        from app.runtime.registry import list_models

        return list_models(self.paths)

    def use_model(self, name: str) -> str:
        model = self.model
        model.use_model(name)
        self.settings.model.name = name
        save_settings(self.settings, self.paths)
        return name

    def import_gguf(self, path: str, progress: Callable[[float, str], None] | None = None) -> str:
        from app.runtime.gguf_import import import_gguf

        target = import_gguf(Path(path), self.paths.models_dir, progress=progress)
        return Path(target).name

    def pull_model(self, repo: str, progress: Callable[[float, str], None] | None = None) -> str:
        from app.runtime.pull import pull_model

        return Path(pull_model(self.paths, repo)).name

    # --- turns -------------------------------------------------------------------------------

    def start_turn(self, text: str, conversation_id: str, source: str = "text") -> Any:
        self.conversations.touch(conversation_id)
        return self.core.agent.start_turn(text, conversation_id=conversation_id, source=source)

    def history(self, conversation_id: str) -> list[dict[str, Any]]:
        """The stored messages of a conversation ({"role", "content"}), oldest first."""
        return self.conversations.messages(conversation_id)

    def delete_conversation(self, conversation_id: str) -> None:
        self.conversations.delete(conversation_id)
        model = getattr(self._core, "_model", None) if self._core is not None else None
        if model is not None and hasattr(model, "forget_conversation"):
            model.forget_conversation(conversation_id)

    # --- memory ------------------------------------------------------------------------------

    @property
    def memory(self) -> Any:
        return self.core.memory

    def memory_overview(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        memory = self.memory
        return memory.stats(), memory.sources()

    def search(self, query: str, **filters: Any) -> list[ev.Citation]:
        return self.memory.search(query, **{k: v for k, v in filters.items() if v not in (None, "", ())})

    def forget(self, **what: Any) -> int:
        return int(self.memory.forget(**{k: v for k, v in what.items() if v not in (None, "")}))

    def wipe_memory(self) -> int:
        """Forget everything: every source, then every remaining source type (facts, conversations)."""
        memory = self.memory
        fn = getattr(memory, "wipe", None)
        if callable(fn):
            return int(fn() or 0)
        removed = 0
        for source in memory.sources():
            if source.get("path"):
                removed += int(memory.forget(source_path=source["path"]) or 0)
        for source_type in (memory.stats().get("chunks_by_source_type") or {}):
            removed += int(memory.forget(source_type=source_type) or 0)
        return removed

    def item_text(self, item_id: str) -> str:
        return str(self.memory.item_text(item_id))

    def ingest(self, path: str, kind: str | None = None) -> ev.IngestFinished:
        return self.memory.ingest_path(Path(path), kind=kind, on_event=lambda e: self.post(e, "memory"))

    # --- audit -------------------------------------------------------------------------------

    def audit_entries(self, limit: int = 200) -> list[dict[str, Any]]:
        audit = self.core.audit
        fn = getattr(audit, "read", None)
        if callable(fn):
            result = fn()
            rows = getattr(result, "entries", result)
            return [r if isinstance(r, dict) else dict(r.__dict__) for r in rows][-limit:]
        return _read_jsonl(self.paths.audit_log)[-limit:]

    def undo(self, action_id: str) -> Any:
        core = self.core
        fn = getattr(core, "undo", None)
        if callable(fn):
            return fn(action_id)
        from app.audit import undo_action

        agent = core.agent
        return undo_action(core.audit, action_id, getattr(agent, "tools", None), getattr(agent, "context", None))

    # --- settings, secrets -------------------------------------------------------------------

    def save_settings(self, settings: Settings) -> None:
        save_settings(settings, self.paths)
        self.settings = settings

    def store_secret(self, account: str, secret: str) -> None:
        """Put a secret in the OS keychain; raises HearthError when no keychain is available."""
        try:
            from app import secrets

            secrets.set_secret(account, secret)  # type: ignore[attr-defined]
            return
        except (ImportError, AttributeError):
            pass
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(KEYRING_SERVICE, account, secret)
        except KeyringError as exc:
            raise ev.HearthError(f"no keychain is available to store the password: {exc}") from exc

    def has_secret(self, account: str) -> bool:
        try:
            import keyring

            return keyring.get_password(KEYRING_SERVICE, account) is not None
        except Exception:
            return False

    def shutdown(self) -> None:
        core = self._core
        if core is not None and hasattr(core, "shutdown"):
            core.shutdown()


class InterimCore:
    """Until ``app.core.HearthCore`` exists: the same wiring (real model, memory, agent, audit),
    built lazily like the core."""

    def __init__(self, paths: Paths, settings: Settings) -> None:
        self.paths = paths
        self.settings = settings
        self._lock = threading.RLock()
        self._model: Any = None
        self._memory: Any = None
        self._agent: Any = None
        self._audit: Any = None
        self.approver: Any = None

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                from app.runtime.service import ModelService

                self._model = ModelService(self.paths, self.settings)
            return self._model

    @property
    def memory(self) -> Any:
        with self._lock:
            if self._memory is None:
                from memory.api import open_memory

                self._memory = open_memory(self.paths, self.settings.memory)
            return self._memory

    @property
    def agent(self) -> Any:
        with self._lock:
            if self._agent is None:
                from app.agent.loop import Agent

                self._agent = Agent(self.model, memory=self.memory, approver=self.approver, audit=self.audit,
                                    settings=self.settings, paths=self.paths)
            return self._agent

    @property
    def audit(self) -> Any:
        with self._lock:
            if self._audit is None:
                from app.audit import AuditLog

                self._audit = AuditLog(paths=self.paths)
            return self._audit

    def shutdown(self) -> None:
        if self._memory is not None:
            self._memory.close()
        if self._model is not None:
            self._model.shutdown()


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        lines: Iterable[str] = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return rows
    for line in lines:
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
    return rows
