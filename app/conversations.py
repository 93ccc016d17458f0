"""Conversations on disk: one SQLite database (WAL mode) that every Hearth process shares.

The app's window, its core process and any ``hearth`` command may append to the same
conversation at once: each append is one short transaction, so none is lost, torn or doubled,
even when a process is killed mid-write. Older stores kept one JSON file per conversation; they
are moved in on first open (the files are removed only after the import has committed).
``secure_delete`` is on, so text scrubbed or deleted from a conversation is overwritten on disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.events import HearthError
from app.paths import Paths, get_paths
from app.private import private_dir

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")
DB_NAME = "conversations.sqlite3"
BUSY_TIMEOUT_MS = 30_000
Messages = list[dict[str, Any]]  # one conversation's messages, in order

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    untrusted_sources TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, seq);
"""


def _check_id(conversation_id: str) -> str:
    if not _ID.match(conversation_id or "") or ".." in conversation_id:
        raise HearthError(f"{conversation_id!r} is not a valid conversation id")
    return conversation_id


def new_conversation_id() -> str:
    """A fresh conversation id (a caller may choose it before the conversation is written)."""
    return time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


class ConversationStore:
    """``list() / create(title) / load(id) / append(id, message) / count / truncate / rename / delete``.

    Safe across threads and processes; every method is one transaction.
    """

    def __init__(self, paths: Paths | None = None) -> None:
        self.folder = (paths or get_paths()).conversations_dir
        self.path = self.folder / DB_NAME
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    # -- the database -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        private_dir(self.folder)
        old_umask = os.umask(0o077)  # the database and its -wal/-shm files are the user's alone
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            _use_wal(conn)
        finally:
            os.umask(old_umask)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA foreign_keys=ON")
        self._conn, self._pid = conn, os.getpid()
        with self._write() as db:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
        self._migrate_json()
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``) so it never deadlocks."""
        conn = self._conn
        assert conn is not None
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connect()
            if write:
                with self._write() as db:
                    yield db
            else:
                yield conn

    def _migrate_json(self) -> None:
        """Move conversations from the older one-JSON-file-each layout into the database.

        Each file is imported once (a conversation already in the database is not imported
        again), and removed only after the import committed; a file that does not parse is kept,
        renamed ``.json.unreadable``, and never lost.
        """
        files = sorted(self.folder.glob("*.json"))
        if not files:
            return
        imported: list[Path] = []
        unreadable: list[Path] = []
        with self._write() as db:
            for path in files:
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                    cid = _check_id(str(data.get("id") or path.stem))
                    messages = list(data.get("messages") or [])
                except OSError:
                    continue  # gone: another Hearth process moved it in a moment ago
                except (ValueError, HearthError, AttributeError, TypeError):
                    unreadable.append(path)
                    continue
                imported.append(path)
                if db.execute("SELECT 1 FROM conversations WHERE id=?", (cid,)).fetchone():
                    continue
                now = time.time()
                db.execute("INSERT INTO conversations VALUES (?,?,?,?,?)",
                           (cid, str(data.get("title") or "New conversation"), float(data.get("created") or now),
                            float(data.get("updated") or data.get("created") or now),
                            json.dumps(list(data.get("untrusted_sources") or []))))
                db.executemany("INSERT INTO messages (conversation_id, data) VALUES (?,?)",
                               [(cid, json.dumps(m, ensure_ascii=False)) for m in messages if isinstance(m, dict)])
        for path in imported:
            path.unlink(missing_ok=True)
        for path in unreadable:
            with contextlib.suppress(OSError):
                path.rename(path.with_name(path.name + ".unreadable"))

    # -- reading ------------------------------------------------------------------------------
    def list(self) -> list[dict[str, Any]]:
        """Summaries (id, title, created, updated, messages count), newest first."""
        with self._db() as db:
            rows = db.execute(
                "SELECT c.id, c.title, c.created, c.updated, "
                "(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) "
                "FROM conversations c ORDER BY c.updated DESC").fetchall()
        return [{"id": r[0], "title": r[1], "created": r[2], "updated": r[3], "messages": r[4]} for r in rows]

    def exists(self, conversation_id: str) -> bool:
        _check_id(conversation_id)
        with self._db() as db:
            return db.execute("SELECT 1 FROM conversations WHERE id=?", (conversation_id,)).fetchone() is not None

    def load(self, conversation_id: str) -> dict[str, Any]:
        _check_id(conversation_id)
        with self._db() as db:
            db.execute("BEGIN")  # one consistent snapshot of the conversation and its messages
            try:
                row = db.execute("SELECT id, title, created, updated, untrusted_sources FROM conversations "
                                 "WHERE id=?", (conversation_id,)).fetchone()
                rows = db.execute("SELECT data FROM messages WHERE conversation_id=? ORDER BY seq",
                                  (conversation_id,)).fetchall() if row else []
            finally:
                db.execute("COMMIT")
        if row is None:
            raise HearthError(f"no conversation {conversation_id}")
        messages = []
        for (raw,) in rows:
            try:
                messages.append(json.loads(raw))
            except ValueError:
                continue
        return {"id": row[0], "title": row[1], "created": row[2], "updated": row[3],
                "untrusted_sources": json.loads(row[4] or "[]"), "messages": messages}

    def count(self, conversation_id: str) -> int:
        """How many messages the conversation holds (0 when there is none yet)."""
        _check_id(conversation_id)
        with self._db() as db:
            return int(db.execute("SELECT COUNT(*) FROM messages WHERE conversation_id=?",
                                  (conversation_id,)).fetchone()[0])

    # -- writing ------------------------------------------------------------------------------
    def create(self, title: str = "New conversation", conversation_id: str | None = None) -> str:
        cid = _check_id(conversation_id or new_conversation_id())
        with self._db(write=True) as db:
            if db.execute("SELECT 1 FROM conversations WHERE id=?", (cid,)).fetchone():
                raise HearthError(f"conversation {cid} already exists")
            now = time.time()
            db.execute("INSERT INTO conversations VALUES (?,?,?,?,'[]')", (cid, title, now, now))
        return cid

    def append(self, conversation_id: str, message: dict[str, Any], *, untrusted_sources: tuple[str, ...] = ()) -> None:
        """Add a message, creating the conversation (titled from its first words) when new."""
        _check_id(conversation_id)
        now = time.time()
        data = json.dumps({"ts": now, **message}, ensure_ascii=False, default=str)
        with self._db(write=True) as db:
            row = db.execute("SELECT untrusted_sources FROM conversations WHERE id=?", (conversation_id,)).fetchone()
            if row is None:
                title = str(message.get("content", ""))[:60] or "New conversation"
                db.execute("INSERT INTO conversations VALUES (?,?,?,?,'[]')", (conversation_id, title, now, now))
                known: list[str] = []
            else:
                known = list(json.loads(row[0] or "[]"))
            known.extend(s for s in dict.fromkeys(untrusted_sources) if s not in known)
            db.execute("INSERT INTO messages (conversation_id, data) VALUES (?,?)", (conversation_id, data))
            db.execute("UPDATE conversations SET updated=?, untrusted_sources=? WHERE id=?",
                       (now, json.dumps(known), conversation_id))

    def truncate(self, conversation_id: str, count: int) -> None:
        """Keep only the first ``count`` messages (drop an answer the user never got); 0 deletes it.

        Untrusted sources stay marked: what the dropped messages brought in is not unseen.
        """
        _check_id(conversation_id)
        if count <= 0:
            self.delete(conversation_id)
            return
        with self._db(write=True) as db:
            kept = db.execute("SELECT seq FROM messages WHERE conversation_id=? ORDER BY seq LIMIT 1 OFFSET ?",
                              (conversation_id, count - 1)).fetchone()
            if kept is None:
                return
            gone = db.execute("DELETE FROM messages WHERE conversation_id=? AND seq>?", (conversation_id, kept[0]))
            if gone.rowcount:
                db.execute("UPDATE conversations SET updated=? WHERE id=?", (time.time(), conversation_id))
        if gone.rowcount:
            self._checkpoint()

    def rename(self, conversation_id: str, title: str) -> None:
        _check_id(conversation_id)
        with self._db(write=True) as db:
            row = db.execute("SELECT title FROM conversations WHERE id=?", (conversation_id,)).fetchone()
            if row is None:
                raise HearthError(f"no conversation {conversation_id}")
            db.execute("UPDATE conversations SET title=?, updated=? WHERE id=?",
                       (title.strip() or row[0], time.time(), conversation_id))

    def delete(self, conversation_id: str) -> bool:
        _check_id(conversation_id)
        with self._db(write=True) as db:
            db.execute("DELETE FROM messages WHERE conversation_id=?", (conversation_id,))
            deleted = db.execute("DELETE FROM conversations WHERE id=?", (conversation_id,)).rowcount > 0
        if deleted:
            self._checkpoint()
        return deleted

    def _checkpoint(self) -> None:
        """Copy the write-ahead log into the database and empty it, so deleted text (zeroed in the
        database by ``secure_delete``) does not stay behind in the log."""
        for _ in range(40):  # another process reading at this moment holds it back: try again shortly
            with self._db() as db:
                busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if not busy:
                return
            time.sleep(0.05)

    def rewrite_conversations(self, change: Callable[[Messages], Messages],
                              change_text: Callable[[str], str] | None = None) -> int:
        """Pass each conversation's messages (in order) through ``change``, which returns them
        again, one for one; a message that differs replaces the stored one. ``change_text``, when
        given, rewrites each title and untrusted-source label.

        One transaction for all of them; then the database is vacuumed and its write-ahead log
        checkpointed and emptied, so the old text is left in no file (``secure_delete`` zeroes the
        pages it freed). Returns how many messages and conversations changed.
        """
        changed = 0
        with self._db(write=True) as db:
            if change_text is not None:
                for cid, title, labels in db.execute("SELECT id, title, untrusted_sources FROM conversations").fetchall():
                    new_title = change_text(title)
                    new_labels = json.dumps([change_text(str(label)) for label in json.loads(labels or "[]")])
                    if (new_title, new_labels) != (title, labels):
                        db.execute("UPDATE conversations SET title=?, untrusted_sources=? WHERE id=?",
                                   (new_title, new_labels, cid))
                        changed += 1
            for (cid,) in db.execute("SELECT id FROM conversations").fetchall():
                rows = []
                for seq, raw in db.execute("SELECT seq, data FROM messages WHERE conversation_id=? ORDER BY seq",
                                           (cid,)).fetchall():
                    try:
                        rows.append((seq, json.loads(raw)))
                    except ValueError:
                        continue
                fresh = change([m for _, m in rows])
                for (seq, old), new in zip(rows, fresh, strict=True):
                    if new != old:
                        db.execute("UPDATE messages SET data=? WHERE seq=?", (json.dumps(new, ensure_ascii=False), seq))
                        changed += 1
        if changed:
            self.compact()
        return changed

    def conversations(self) -> Iterator[Messages]:
        """Every conversation's messages, in order (one snapshot)."""
        with self._db() as db:
            db.execute("BEGIN")
            try:
                rows = db.execute("SELECT conversation_id, data FROM messages ORDER BY conversation_id, seq").fetchall()
            finally:
                db.execute("COMMIT")
        current: str | None = None
        messages: Messages = []
        for cid, raw in rows:
            if cid != current and current is not None:
                yield messages
                messages = []
            current = cid
            try:
                messages.append(json.loads(raw))
            except ValueError:
                continue
        if current is not None:
            yield messages

    def texts(self) -> Iterator[str]:
        """Every title, untrusted-source label and string of every message (for scrubbing)."""
        from app.scrub import strings

        with self._db() as db:
            heads = db.execute("SELECT title, untrusted_sources FROM conversations").fetchall()
            rows = db.execute("SELECT data FROM messages").fetchall()
        for title, labels in heads:
            yield title
            yield from json.loads(labels or "[]")
        for (raw,) in rows:
            try:
                yield from strings(json.loads(raw))
            except ValueError:
                continue

    def compact(self) -> None:
        """Rewrite the database without free pages and empty its write-ahead log."""
        with self._db() as db:
            db.execute("VACUUM")
        self._checkpoint()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the database in WAL mode (it stays so). Two processes opening a new database at once
    (the app and `hearth ask`) can get "database is locked" from the switch itself, at once and
    not after the busy timeout (seen in CI); the one that lost waits and sees WAL already set."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
