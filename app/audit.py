"""The append-only audit log: one JSON object per line, fsynced, for every proposal, decision,
execution, result and undo.

A crash mid-write can leave a torn last line; reading reports it and skips it, and the next
append starts on a fresh line so earlier entries stay intact.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.events import HearthError
from app.paths import Paths, get_paths
from app.private import private_dir


@dataclass
class AuditRead:
    entries: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # torn or unreadable lines, by line number


class AuditLog:
    """Append-only JSON lines at ``paths.audit_log`` (or ``path``)."""

    def __init__(self, path: Path | None = None, *, paths: Paths | None = None) -> None:
        self.path = path or (paths or get_paths()).audit_log
        self._lock = threading.Lock()

    def append(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Write one entry and fsync it before returning."""
        entry = {"id": uuid.uuid4().hex[:12], "ts": time.time(), "kind": kind, **fields}
        line = json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":")) + "\n"
        with self._exclusive():
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                prefix = b""
                size = os.fstat(fd).st_size
                if size:
                    with open(self.path, "rb") as reader:
                        reader.seek(size - 1)
                        if reader.read(1) != b"\n":
                            prefix = b"\n"  # isolate a torn line left by a crash
                os.write(fd, prefix + line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        return entry

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """This thread's and this process's turn at the file: appends and rewrites from every
        Hearth process take the lock file beside the log, so a rewrite never drops an append."""
        with self._lock:
            private_dir(self.path.parent)
            fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    def rewrite(self, change: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
        """Pass every entry through ``change`` and write the log again (atomically) if any
        changed; for taking forgotten text out. Returns how many entries changed."""
        from app.fileio import atomic_write_bytes

        with self._exclusive():
            if not self.path.exists():
                return 0
            lines = self.path.read_bytes().split(b"\n")
            changed = 0
            for number, raw in enumerate(lines):
                try:
                    entry = json.loads(raw.decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    continue
                new = change(entry)
                if new != entry:
                    lines[number] = json.dumps(new, ensure_ascii=False, default=str, separators=(",", ":")).encode()
                    changed += 1
            if changed:
                atomic_write_bytes(self.path, b"\n".join(lines))
                os.chmod(self.path, 0o600)
            return changed

    def read(self) -> AuditRead:
        result = AuditRead()
        if not self.path.exists():
            return result
        data = self.path.read_bytes()
        lines = data.split(b"\n")
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            torn = number == len(lines)  # no newline after it
            try:
                entry = json.loads(raw.decode("utf-8"))
                if not isinstance(entry, dict):
                    raise ValueError("not an object")
            except (ValueError, UnicodeDecodeError):
                what = "a torn last line (a write was interrupted)" if torn else "an unreadable line"
                result.problems.append(f"line {number}: {what}, skipped")
                continue
            result.entries.append(entry)
        return result

    def for_action(self, action_id: str) -> list[dict[str, Any]]:
        return [e for e in self.read().entries if e.get("action_id") == action_id]


def undo_action(audit: AuditLog, action_id: str, registry: Any, context: Any) -> str:
    """Undo an executed action recorded in the log; returns what was done. Raises HearthError."""
    entries = audit.for_action(action_id)
    if not entries:
        raise HearthError(f"no action {action_id} in the audit log")
    if any(e["kind"] == "undo" and e.get("ok") for e in entries):
        raise HearthError(f"action {action_id} was already undone")
    result = next((e for e in reversed(entries) if e["kind"] == "result" and e.get("ok")), None)
    if result is None:
        raise HearthError(f"action {action_id} did not run, so there is nothing to undo")
    undo = result.get("undo")
    tool = registry.get(result.get("tool", "")) if registry is not None else None
    if not undo or tool is None or tool.undo is None:
        raise HearthError(f"action {action_id} ({result.get('tool')}) cannot be undone")
    try:
        message = tool.undo(undo, context)
    except Exception as exc:  # the tool explains in one sentence
        audit.append("undo", action_id=action_id, tool=tool.name, ok=False, output=str(exc))
        raise HearthError(f"undo of {action_id} failed: {exc}") from exc
    audit.append("undo", action_id=action_id, tool=tool.name, ok=True, output=message)
    return message
