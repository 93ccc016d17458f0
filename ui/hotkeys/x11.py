"""A global hotkey on X11 through Xlib's XGrabKey (ctypes; no extra package).

The grab is made on the root window of our own display connection, for every combination of the
Caps Lock and Num Lock states, and a daemon thread waits for the key presses.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import threading
from collections.abc import Callable

from ui.hotkeys import HotkeyError, parse

SHIFT, LOCK, CONTROL, MOD1, MOD2, MOD4 = 1, 2, 4, 8, 16, 64
KEY_PRESS = 2
_MASKS = {"shift": SHIFT, "ctrl": CONTROL, "alt": MOD1, "cmd": MOD4}
_KEY_NAMES = {"space": "space", "return": "Return", "enter": "Return", "esc": "Escape", "escape": "Escape",
              "tab": "Tab", "backspace": "BackSpace", "delete": "Delete", "up": "Up", "down": "Down",
              "left": "Left", "right": "Right", "home": "Home", "end": "End"}

_ErrorHandler = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def _xlib() -> ctypes.CDLL:
    name = ctypes.util.find_library("X11") or "libX11.so.6"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise HotkeyError(f"libX11 is not available: {exc}") from exc
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XDefaultRootWindow.restype = ctypes.c_ulong
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XStringToKeysym.restype = ctypes.c_ulong
    lib.XStringToKeysym.argtypes = [ctypes.c_char_p]
    lib.XKeysymToKeycode.restype = ctypes.c_ubyte
    lib.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    lib.XGrabKey.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int,
                             ctypes.c_int, ctypes.c_int]
    lib.XUngrabKey.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_ulong]
    lib.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
    lib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.XFlush.argtypes = [ctypes.c_void_p]
    lib.XPending.argtypes = [ctypes.c_void_p]
    lib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.XConnectionNumber.argtypes = [ctypes.c_void_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XSetErrorHandler.restype = ctypes.c_void_p
    lib.XSetErrorHandler.argtypes = [ctypes.c_void_p]
    return lib


def keysym_name(key: str) -> str:
    if len(key) == 1:
        return key.lower()
    return _KEY_NAMES.get(key.lower(), key)


class X11Hotkey:
    """Grabs ``sequence`` (e.g. "Alt+Space") on the X display and calls ``callback`` on each press."""

    def __init__(self, sequence: str, callback: Callable[[], None], display: str | None = None) -> None:
        self.sequence = sequence
        self.callback = callback
        display_name = display or os.environ.get("DISPLAY")
        if not display_name:
            raise HotkeyError("no X display (DISPLAY is not set): global hotkeys need X11")
        combo = parse(sequence)
        self._x = _xlib()
        self._display = self._x.XOpenDisplay(display_name.encode())
        if not self._display:
            raise HotkeyError(f"cannot open the X display {display_name}")
        keysym = self._x.XStringToKeysym(keysym_name(combo.key).encode())
        keycode = self._x.XKeysymToKeycode(self._display, keysym) if keysym else 0
        if not keycode:
            self._x.XCloseDisplay(self._display)
            raise HotkeyError(f"the key {combo.key!r} is not on this keyboard")
        self._keycode = keycode
        self._mask = sum(_MASKS[m] for m in combo.modifiers)
        self._root = self._x.XDefaultRootWindow(self._display)
        self._grab()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="hearth-hotkey-x11", daemon=True)
        self._thread.start()

    def _variants(self) -> list[int]:
        return [self._mask | extra for extra in (0, LOCK, MOD2, LOCK | MOD2)]

    def _grab(self) -> None:
        failed: list[int] = []

        def on_error(_display: int, _event: int) -> int:
            failed.append(1)
            return 0

        handler = _ErrorHandler(on_error)
        previous = self._x.XSetErrorHandler(ctypes.cast(handler, ctypes.c_void_p))
        try:
            for mask in self._variants():
                self._x.XGrabKey(self._display, self._keycode, mask, self._root, 0, 1, 1)  # GrabModeAsync
            self._x.XSync(self._display, 0)
        finally:
            self._x.XSetErrorHandler(previous)
        if failed:
            self._ungrab()
            self._x.XCloseDisplay(self._display)
            raise HotkeyError(f"{self.sequence} is already taken by another application")

    def _ungrab(self) -> None:
        for mask in self._variants():
            self._x.XUngrabKey(self._display, self._keycode, mask, self._root)
        self._x.XSync(self._display, 0)

    def _loop(self) -> None:
        fd = self._x.XConnectionNumber(self._display)
        event = (ctypes.c_long * 24)()
        while not self._stop.is_set():
            readable, _, _ = select.select([fd], [], [], 0.1)
            if not readable and not self._x.XPending(self._display):
                continue
            while self._x.XPending(self._display):
                self._x.XNextEvent(self._display, ctypes.byref(event))
                kind = ctypes.cast(ctypes.byref(event), ctypes.POINTER(ctypes.c_int))[0]
                if kind == KEY_PRESS:
                    try:
                        self.callback()
                    except Exception:  # noqa: BLE001 - a failing callback must not end the listener
                        pass
        self._ungrab()
        self._x.XCloseDisplay(self._display)

    def stop(self) -> None:
        if not self._stop.is_set():
            self._stop.set()
            self._thread.join(2.0)
