"""Push-to-talk in a terminal: hold Enter to talk (or tap Enter to start and tap again to stop).

A terminal reports key presses, not releases. Holding a key makes it repeat (after a delay of
up to ~0.6 s, then every ~30-50 ms), so "released" means "the repeats stopped". A single press
with no repeat at all is taken as a tap: talk until the next tap.
"""

from __future__ import annotations

import os
import select
import sys
import termios
import time
import tty
from collections.abc import Callable
from typing import IO

FIRST_REPEAT_S = 0.7  # longest usual key-repeat delay
REPEAT_GAP_S = 0.25  # repeats stopped for this long: the key is up


def wait_key(fd: int, timeout: float | None) -> str | None:
    """One character from ``fd`` within ``timeout`` seconds, else None."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return None
    data = os.read(fd, 64).decode("utf-8", "replace")
    return data[-1] if data else ""


class HoldToTalk:
    """Turns Enter presses into press()/release() calls. ``q`` or Ctrl-D quits."""

    def __init__(
        self,
        on_press: Callable[[], None],
        on_release: Callable[[], None],
        *,
        stream: IO[str] | None = None,
        paused: Callable[[], bool] = lambda: False,
    ) -> None:
        self.on_press = on_press
        self.on_release = on_release
        self.stream = stream or sys.stdin
        self.paused = paused

    def run(self) -> None:
        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd) if os.isatty(fd) else None
        try:
            if saved is not None:
                tty.setcbreak(fd)
            self._loop(fd)
        finally:
            if saved is not None:
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def _loop(self, fd: int) -> None:
        while True:
            if self.paused():  # e.g. an approval is being asked in this terminal
                time.sleep(0.1)
                continue
            key = wait_key(fd, 0.2)
            if key is None:
                continue
            if key in ("", "q", "\x04"):
                return
            if key not in ("\n", "\r"):
                continue
            self.on_press()
            self._until_release(fd)
            self.on_release()

    def _until_release(self, fd: int) -> None:
        key = wait_key(fd, FIRST_REPEAT_S)
        if key is None:  # no repeat: a tap, so talk until the next tap
            while wait_key(fd, None) not in ("\n", "\r", "", "\x04"):
                pass
            return
        while wait_key(fd, REPEAT_GAP_S) is not None:
            pass
