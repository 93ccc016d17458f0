"""How long the GUI thread itself stalls, told apart from waiting for a CPU on a loaded machine.

A wall-clock heartbeat mixes two things: the GUI thread doing work (or waiting on a lock, a disk,
a socket) instead of returning to its event loop, and the machine being too busy to run it. On a
2-core machine with a load average of 10, a 10 ms timer's worst gap was 150-520 ms while the GUI
thread had used under 12 ms of CPU and sat idle in its event loop (instrumented: its CPU time,
its run-queue wait from ``/proc/thread-self/schedstat``, its Python stack): most gaps were run-queue
wait, the rest the whole process asleep or starved; no garbage collection ran in them. So the
meter measures the GUI thread's own share instead:

- ``busy_s``: the most CPU time the GUI thread used between two heartbeats (its own work: layout,
  parsing, anything that keeps the event loop from running). Waiting for a CPU adds nothing.
- ``blocked_s`` (Linux): the longest stretch the GUI thread spent asleep inside a handler rather
  than in its event loop (a lock, a disk read, a socket, a sleep), sampled every few milliseconds
  from another thread. Where that thread itself sampled late (the whole process starved), only
  its nominal interval counts, so only time the process could have run is charged to the GUI.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

LOOP_FRAMES = frozenset({"exec", "exec_"})  # a Qt event loop: the GUI thread waiting for events


class GuiStallMeter:
    """Start on the GUI thread; ``stop()`` and read ``busy_s``, ``blocked_s`` and ``worst_gap_s``."""

    def __init__(self, interval_ms: int = 10, sample_s: float = 0.004) -> None:
        from PySide6.QtCore import QTimer

        self.busy_s = 0.0
        self.blocked_s = 0.0
        self.worst_gap_s = 0.0
        self.beats = 0
        self.sample_s = sample_s
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)
        self._last: tuple[float, float] | None = None
        self._stop = threading.Event()
        self._sampler: threading.Thread | None = None
        self._gui_ident = 0
        self._stat: Path | None = None

    def start(self) -> None:
        self._gui_ident = threading.get_ident()
        stat = Path(f"/proc/self/task/{threading.get_native_id()}/stat")
        self._stat = stat if stat.exists() else None
        self._last = (time.monotonic(), time.thread_time())
        self._timer.start()
        if self._stat is not None:
            self._sampler = threading.Thread(target=self._sample, name="gui-stall-sampler", daemon=True)
            self._sampler.start()

    def stop(self) -> None:
        self._timer.stop()
        self._stop.set()
        if self._sampler is not None:
            self._sampler.join()

    @property
    def measures_blocking(self) -> bool:
        return self._stat is not None

    def _beat(self) -> None:
        now, cpu = time.monotonic(), time.thread_time()
        if self._last is not None:
            self.worst_gap_s = max(self.worst_gap_s, now - self._last[0])
            self.busy_s = max(self.busy_s, cpu - self._last[1])
        self._last = (now, cpu)
        self.beats += 1

    def _sample(self) -> None:
        stretch = 0.0  # the GUI thread's blocked time in the current handler so far
        previous = time.monotonic()
        while not self._stop.is_set():
            time.sleep(self.sample_s)
            now = time.monotonic()
            interval, previous = now - previous, now
            if not self._blocked_in_handler():
                stretch = 0.0
                continue
            # a late sample means this process could not run either: that wait is not the GUI's
            stretch += interval if interval <= 4 * self.sample_s else self.sample_s
            self.blocked_s = max(self.blocked_s, stretch)

    def _blocked_in_handler(self) -> bool:
        """True when the GUI thread is asleep (not running, not waiting for a CPU) outside its
        event loop: inside a handler, waiting on something."""
        try:
            text = self._stat.read_text() if self._stat is not None else ""
        except OSError:
            return False
        state = text.rsplit(")", 1)[-1].split()[0] if ")" in text else "R"
        if state not in ("S", "D"):
            return False
        frame: Any = sys._current_frames().get(self._gui_ident)
        names = []
        while frame is not None:
            names.append(frame.f_code.co_name)
            frame = frame.f_back
        # innermost first: asleep in the event loop unless some frame runs inside it
        return not names or names[0] not in LOOP_FRAMES
