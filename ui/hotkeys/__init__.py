"""Global hotkeys (work while Hearth is in the background): native per platform.

``create(sequence, callback)`` returns a started :class:`Hotkey` or raises :class:`HotkeyError`
with one clear sentence. The callback runs on a background thread; callers hop to the GUI thread
themselves (the app connects it to a queued signal).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class HotkeyError(Exception):
    """The hotkey could not be registered (taken, unsupported, no display)."""


class Hotkey(Protocol):
    sequence: str

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Combo:
    """A parsed shortcut: modifier names (lower case) and the key name (X11 keysym spelling)."""

    modifiers: frozenset[str]
    key: str


_MODIFIER_ALIASES = {
    "alt": "alt", "option": "alt", "opt": "alt", "⌥": "alt",
    "ctrl": "ctrl", "control": "ctrl", "⌃": "ctrl",
    "shift": "shift", "⇧": "shift",
    "meta": "cmd", "cmd": "cmd", "command": "cmd", "super": "cmd", "⌘": "cmd",
}


def parse(sequence: str) -> Combo:
    """Parse "Alt+Space", "Ctrl+Shift+H", "⌥Space" into a :class:`Combo`."""
    text = sequence.strip()
    for symbol in "⌥⌃⇧⌘":
        text = text.replace(symbol, symbol + "+")
    parts = [p.strip() for p in text.split("+") if p.strip()]
    if not parts:
        raise HotkeyError("the hotkey is empty")
    modifiers: set[str] = set()
    for part in parts[:-1]:
        name = _MODIFIER_ALIASES.get(part.lower())
        if name is None:
            raise HotkeyError(f"unknown modifier {part!r} in {sequence!r}")
        modifiers.add(name)
    key = parts[-1]
    if key.lower() in _MODIFIER_ALIASES:
        raise HotkeyError(f"{sequence!r} has no key besides its modifiers")
    return Combo(frozenset(modifiers), key)


def create(sequence: str, callback: Callable[[], None]) -> Hotkey:
    """Register ``sequence`` system-wide and start listening."""
    if sys.platform == "darwin":
        from ui.hotkeys.macos import MacHotkey

        return MacHotkey(sequence, callback)
    if sys.platform.startswith("linux"):
        from ui.hotkeys.x11 import X11Hotkey

        return X11Hotkey(sequence, callback)
    raise HotkeyError(f"global hotkeys are not supported on {sys.platform}")
