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
from app.wording import KEYCHAIN
from ui.core_client import CoreClient

Post = Callable[[ev.Event, str], None]
KEYRING_SERVICE = "Hearth"


@dataclass
class ConversationInfo:
    id: str
    title: str
    updated: float = field(default_factory=time.time)


class ConversationIndex:
    """The conversation list, over the agent's :class:`app.conversations.ConversationStore` (one
    SQLite database shared by every Hearth process; the agent appends the messages, the list
    renames and deletes)."""

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

    def start(self, title: str) -> str:
        """A new conversation's id at once; the conversation itself is written on a pool thread
        (the GUI thread never waits on the database). If the turn's first message gets there
        first, the conversation already exists under that id, which is as good."""
        from app.conversations import new_conversation_id

        cid = new_conversation_id()

        def create() -> None:
            try:
                self.store.create(title, cid)
            except ev.HearthError:
                pass  # the agent's first append created it

        threading.Thread(target=create, name="hearth-conversation-create", daemon=True).start()
        return cid

    def messages(self, conversation_id: str) -> list[dict[str, Any]]:
        try:
            return list(self.store.load(conversation_id).get("messages", []))
        except ev.HearthError:
            return []


class Services:
    """The core, as the desktop app uses it. Thread-safe; every call may block.

    By default the core runs in a child process (:mod:`ui.core_host`) so that the app's process
    holds only the GUI; an injected ``core`` (tests, scripts) runs in this process instead.
    """

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
        self._lock = threading.RLock()
        self.conversations = ConversationIndex(self.paths)
        self._listening_model: Any = None
        self.local = core is not None
        if core is not None:
            from ui.core_ops import CoreOps

            self.ops: Any = CoreOps(core)
            if approver is not None:  # an injected core answers to this app's panel
                if hasattr(core, "set_approver"):
                    core.set_approver(approver)
                else:
                    core.approver = approver
                    agent = getattr(core, "_agent", None) or getattr(core, "agent", None)
                    if agent is not None and hasattr(agent, "approver"):
                        agent.approver = approver
            self.client: CoreClient | None = None
        else:
            self.client = CoreClient(self.paths, self.settings, lambda event: self.post(event, "model"), approver)
            self.ops = None

    def _call(self, method: str, *args: Any, on_event: Callable[[Any], None] | None = None, **kwargs: Any) -> Any:
        if self.client is not None:
            return self.client.call(method, *args, on_event=on_event, **kwargs)
        emit = on_event or (lambda _item: None)
        return getattr(self.ops, method)(*args, emit=emit, **kwargs)

    @property
    def core(self) -> Any:
        """The in-process core (only when one was injected)."""
        return self.ops.core if self.ops is not None else None

    # --- model -------------------------------------------------------------------------------

    def _listen_to_model(self) -> None:
        core = self.core
        if core is None:
            return
        model = core.model
        with self._lock:
            if model is not self._listening_model and hasattr(model, "add_listener"):
                model.add_listener(lambda event: self.post(event, "model"))
                self._listening_model = model

    def load_model(self) -> str:
        """Load (importing the embedded default on first run) and return the model's name."""
        self._listen_to_model()
        return str(self._call("load_model"))

    def warm_up(self) -> bool:
        """Open the memory and build the agent ahead of the first turn."""
        return bool(self._call("warm_up"))

    def model_name(self) -> str:
        return str(self.settings.model.name)

    def model_name_short(self) -> str:
        """The model's name for a pill: a folder path shows as its last part."""
        return Path(self.model_name()).name or self.model_name()

    def list_models(self) -> list[Any]:
        from app.runtime.registry import list_models

        return list_models(self.paths)

    def use_model(self, name: str) -> str:
        self._call("use_model", name)
        self.settings.model.name = name
        save_settings(self.settings, self.paths)
        return name

    def import_gguf(self, path: str, progress: Callable[[float, str], None] | None = None) -> str:
        def on_event(item: Any) -> None:
            if progress is not None and isinstance(item, tuple) and item and item[0] == "progress":
                progress(*item[1:])

        return str(self._call("import_gguf", path, on_event=on_event))

    def pull_model(self, repo: str, progress: Callable[[float, str], None] | None = None) -> str:
        return str(self._call("pull_model", repo))

    # --- turns -------------------------------------------------------------------------------

    def start_turn(self, text: str, conversation_id: str, source: str = "text") -> Any:
        """A running turn: iterable for its events, with ``cancel()``."""
        if self.client is not None:
            return self.client.start_turn(text, conversation_id, source)
        return self.ops.start_turn(text, conversation_id, source)

    def can_answer_early(self, text: str) -> bool:
        return bool(self._call("can_answer_early", text))

    def warm_conversation(self, conversation_id: str) -> None:
        self._call("warm_conversation", conversation_id)

    def message_count(self, conversation_id: str) -> int | None:
        count = self._call("message_count", conversation_id)
        return None if count is None else int(count)

    def truncate_conversation(self, conversation_id: str, count: int) -> None:
        self._call("truncate_conversation", conversation_id, count)

    def history(self, conversation_id: str) -> list[dict[str, Any]]:
        """The stored records of a conversation, oldest first: messages, and the steps of each turn
        (an action undone since, per the audit log, comes back marked undone)."""
        messages = self.conversations.messages(conversation_id)
        undoable = {m.get("action_id") for m in messages if m.get("role") == "action" and m.get("undo_available")}
        if undoable:
            try:
                entries = self.audit_entries(5000)
            except Exception:  # noqa: BLE001 - without the log the cards still show what ran
                entries = []
            undone = {e.get("action_id") for e in entries if e.get("kind") == "undo" and e.get("ok")} & undoable
            for message in messages:
                if message.get("role") == "action" and message.get("action_id") in undone:
                    message.update(status="undone", undo_available=False)
        return messages

    def delete_conversation(self, conversation_id: str) -> None:
        self.conversations.delete(conversation_id)
        if self.client is None or self.client.running:
            self._call("forget_conversation", conversation_id)

    # --- memory ------------------------------------------------------------------------------

    def memory_overview(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return self._call("memory_overview")  # type: ignore[no-any-return]

    def search(self, query: str, **filters: Any) -> list[ev.Citation]:
        return list(self._call("search", query, filters))

    def forget(self, **what: Any) -> int:
        return int(self._call("forget", what))

    def wipe_memory(self) -> int:
        return int(self._call("wipe_memory"))

    def item_text(self, item_id: str) -> str:
        return str(self._call("item_text", item_id))

    def original(self, citation: ev.Citation) -> Any:
        """The cited item as its source holds it (:class:`memory.originals.Original`): a mail found
        again in its mailbox by Message-ID, otherwise the text the memory keeps of it."""
        from memory.originals import Original, find_mail, split_path

        where = split_path(citation.path)[0]
        if citation.source_type == "mail" and citation.path:
            found = find_mail(citation.path)
            if found is not None:
                return found
        notes: list[str] = []
        if citation.source_type == "mail" and where:
            notes.append(f"The message is no longer in {where}; this is the text Hearth remembers of it.")
        try:
            body = self.item_text(citation.item_id) or citation.snippet
        except Exception as exc:  # noqa: BLE001 - the memory may be closed or the item forgotten
            body = citation.snippet
            notes.append(f"Only the cited passage is shown ({exc}).")
        headers = (("With", ", ".join(citation.people)),) if citation.people else ()
        return Original(title=citation.title or citation.source_type.title(), headers=headers, body=body,
                        date=citation.date, where=where, notes=tuple(notes))

    def _post_memory_event(self, item: Any) -> None:
        if isinstance(item, ev.Event):
            self.post(item, "memory")

    def ingest(self, path: str, kind: str | None = None) -> ev.IngestFinished:
        return self._call("ingest", path, kind, on_event=self._post_memory_event)  # type: ignore[no-any-return]

    def compact_memory(self) -> ev.IngestFinished:
        return self._call("compact_memory", on_event=self._post_memory_event)  # type: ignore[no-any-return]

    # --- audit -------------------------------------------------------------------------------

    def audit_entries(self, limit: int = 200) -> list[dict[str, Any]]:
        entries = self._call("audit_entries", limit)
        return list(entries) if entries else _read_jsonl(self.paths.audit_log)[-limit:]

    def undo(self, action_id: str) -> Any:
        return self._call("undo", action_id)

    # --- settings, secrets -------------------------------------------------------------------

    def save_settings(self, settings: Settings) -> None:
        save_settings(settings, self.paths)
        self.settings = settings
        if self.client is not None:
            self.client.update_settings(settings)
        elif self.core is not None and getattr(self.core, "settings", None) is not settings:
            self._call("update_settings", settings)

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
            raise ev.HearthError(f"no {KEYCHAIN} is available to store the password: {exc}") from exc

    def has_secret(self, account: str) -> bool:
        try:
            import keyring

            return keyring.get_password(KEYRING_SERVICE, account) is not None
        except Exception:
            return False

    def shutdown(self) -> None:
        if self.client is not None:
            self.client.shutdown()
        elif self.ops is not None:
            self.ops.shutdown()


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
