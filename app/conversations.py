"""Conversations on disk: one JSON file each under ``paths.conversations_dir``, written atomically."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from app.events import HearthError
from app.fileio import atomic_write_text
from app.paths import Paths, get_paths

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")


class ConversationStore:
    """``list() / create(title) / load(id) / append(id, message) / count / truncate / rename / delete``."""

    def __init__(self, paths: Paths | None = None) -> None:
        self.folder = (paths or get_paths()).conversations_dir
        self._lock = threading.Lock()

    def _file(self, conversation_id: str) -> Path:
        if not _ID.match(conversation_id) or ".." in conversation_id:
            raise HearthError(f"{conversation_id!r} is not a valid conversation id")
        return self.folder / f"{conversation_id}.json"

    def _write(self, data: dict[str, Any]) -> None:
        atomic_write_text(self._file(data["id"]), json.dumps(data, ensure_ascii=False, indent=1))

    def list(self) -> list[dict[str, Any]]:
        """Summaries (id, title, created, updated, messages count), newest first; unreadable files skipped."""
        out: list[dict[str, Any]] = []
        if not self.folder.exists():
            return out
        for path in self.folder.glob("*.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            out.append({k: data.get(k) for k in ("id", "title", "created", "updated")}
                       | {"messages": len(data.get("messages", []))})
        return sorted(out, key=lambda d: d.get("updated") or 0, reverse=True)

    def create(self, title: str = "New conversation", conversation_id: str | None = None) -> str:
        with self._lock:
            cid = conversation_id or time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
            if self._file(cid).exists():
                raise HearthError(f"conversation {cid} already exists")
            now = time.time()
            self._write({"id": cid, "title": title, "created": now, "updated": now, "messages": [],
                         "untrusted_sources": []})
            return cid

    def exists(self, conversation_id: str) -> bool:
        return self._file(conversation_id).exists()

    def load(self, conversation_id: str) -> dict[str, Any]:
        path = self._file(conversation_id)
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise HearthError(f"no conversation {conversation_id}") from exc
        except ValueError as exc:
            raise HearthError(f"conversation {conversation_id} is unreadable: {exc}") from exc

    def append(self, conversation_id: str, message: dict[str, Any], *, untrusted_sources: tuple[str, ...] = ()) -> None:
        """Add a message, creating the conversation (titled from its first words) when new."""
        with self._lock:
            if self._file(conversation_id).exists():
                data = self.load(conversation_id)
            else:
                title = str(message.get("content", ""))[:60] or "New conversation"
                data = {"id": conversation_id, "title": title, "created": time.time(), "messages": [],
                        "untrusted_sources": []}
            data["messages"].append({"ts": time.time(), **message})
            known = data.setdefault("untrusted_sources", [])
            known.extend(s for s in untrusted_sources if s not in known)
            data["updated"] = time.time()
            self._write(data)

    def count(self, conversation_id: str) -> int:
        """How many messages the conversation holds (0 when there is none yet)."""
        if not self._file(conversation_id).exists():
            return 0
        return len(self.load(conversation_id).get("messages", []))

    def truncate(self, conversation_id: str, count: int) -> None:
        """Keep only the first ``count`` messages (drop an answer the user never got); 0 deletes it.

        Untrusted sources stay marked: what the dropped messages brought in is not unseen.
        """
        with self._lock:
            path = self._file(conversation_id)
            if not path.exists():
                return
            if count <= 0:
                path.unlink()
                return
            data = self.load(conversation_id)
            if len(data.get("messages", [])) > count:
                data["messages"] = data["messages"][:count]
                data["updated"] = time.time()
                self._write(data)

    def rename(self, conversation_id: str, title: str) -> None:
        with self._lock:
            data = self.load(conversation_id)
            data["title"] = title.strip() or data["title"]
            data["updated"] = time.time()
            self._write(data)

    def delete(self, conversation_id: str) -> bool:
        with self._lock:
            path = self._file(conversation_id)
            if not path.exists():
                return False
            path.unlink()
            return True
