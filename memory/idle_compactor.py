"""Compaction in the background, for a long-lived process (the desktop app's core).

A store too large to compact inside ``forget`` (see :data:`memory.api.AUTO_COMPACT_CHUNKS`) keeps
the forgotten chunks' vectors, marked deleted, until it is compacted. In the app nobody should
have to remember to do that: once writing has been quiet for :data:`QUIET_S`, this thread runs
:meth:`memory.api.Memory.compact`. The copy does not hold the memory's lock, so searches are not
kept waiting; if something is written meanwhile, the compaction gives way and tries again after
the next quiet spell.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.events import Event, HearthError, guarded

if TYPE_CHECKING:
    from memory.api import Memory

QUIET_S = 20.0  # no write for this long before a compaction starts
POLL_S = 1.0
MAX_DEFERRALS = 20  # then wait for the next poke (a later forget, or the next start of the app)


class IdleCompactor:
    """One background thread at a time; :meth:`poke` starts it, :meth:`stop` ends it."""

    def __init__(
        self, memory: Memory, listener: Callable[[Event], None] | None = None, quiet_s: float | None = None
    ) -> None:
        self.memory = memory
        self.emit = guarded(listener)
        self.quiet_s = QUIET_S if quiet_s is None else quiet_s
        self.last_error = ""
        self._stop = threading.Event()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def poke(self) -> None:
        """Forgotten vectors may be waiting: make sure the thread is on its way."""
        with self._guard:
            if self._stop.is_set() or self.running:
                return
            self._thread = threading.Thread(target=self._run, name="hearth-memory-compactor", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _quiet(self) -> bool:
        """Wait until no write has come for ``quiet_s``; False when asked to stop."""
        writes = self.memory.collection.writes
        since = time.monotonic()
        while time.monotonic() - since < self.quiet_s:
            if self._stop.wait(POLL_S):
                return False
            now = self.memory.collection.writes
            if now != writes:
                writes, since = now, time.monotonic()
        return True

    def _run(self) -> None:
        from memory.api import CompactionDeferred

        for _ in range(MAX_DEFERRALS):
            try:
                if self.memory.vectors_pending() == 0 or not self._quiet():
                    return
                self.memory.compact(self.emit, yield_to_writes=True)
                self.last_error = ""
            except CompactionDeferred:
                continue
            except HearthError as exc:  # closing, or a store it cannot rebuild: the count stays
                self.last_error = str(exc)
                return
            except Exception as exc:  # noqa: BLE001 - a background thread must not die unseen
                self.last_error = f"{type(exc).__name__}: {exc}"
                return
