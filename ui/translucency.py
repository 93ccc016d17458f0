"""Whether a see-through window (the quick prompt's soft shadow) shows what is behind it.

It does on macOS, Windows and Wayland, and on X11 while a compositing manager runs. On X11
without one (a plain Xvfb, some tiling window managers) the see-through part is drawn black, so
the quick prompt is drawn as a plain panel instead.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

from PySide6.QtGui import QGuiApplication


@functools.cache
def available() -> bool:
    if QGuiApplication.platformName() != "xcb":
        return True
    running = _x11_compositor_running()
    return True if running is None else running


def _x11_compositor_running() -> bool | None:
    """Whether the ``_NET_WM_CM_S<screen>`` selection has an owner (None when X cannot be asked)."""
    try:
        x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    except OSError:
        return None
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultScreen.argtypes = [ctypes.c_void_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XGetSelectionOwner.restype = ctypes.c_ulong
    x.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x.XOpenDisplay(None)
    if not display:
        return None
    try:
        atom = x.XInternAtom(display, f"_NET_WM_CM_S{x.XDefaultScreen(display)}".encode(), 0)
        return bool(x.XGetSelectionOwner(display, atom))
    finally:
        x.XCloseDisplay(display)
