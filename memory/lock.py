"""One process owns the memory: an exclusive ``flock`` on a file in the memory folder.

Chroma is thread-safe but not process-safe; a second writer would see stale data or corrupt the
index. The lock is released by the OS when the owner exits, even after kill -9.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from app.events import HearthError
from app.private import private_dir

LOCK_NAME = "hearth-memory.lock"


class MemoryLocked(HearthError):
    """Another Hearth process has this memory open."""


class MemoryLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> MemoryLock:
        private_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                owner = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            except OSError:
                owner = ""
            os.close(fd)
            who = f" (process {owner})" if owner.isdigit() else ""
            raise MemoryLocked(
                f"another Hearth is using the memory at {self.path.parent}{who}; close it first"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
