"""A global hotkey on macOS through Carbon's RegisterEventHotKey (ctypes; no extra package).

Carbon hot keys work without the Accessibility permission and are delivered to the application's
event target on the main run loop, which Qt's Cocoa event loop drives. The callback therefore runs
on the main (GUI) thread.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

from ui.hotkeys import HotkeyError, parse

# Carbon modifier bits and virtual key codes (Events.h).
_MODIFIERS = {"cmd": 1 << 8, "shift": 1 << 9, "alt": 1 << 11, "ctrl": 1 << 12}
_KEYCODES = {
    "a": 0, "s": 1, "d": 2, "f": 3, "h": 4, "g": 5, "z": 6, "x": 7, "c": 8, "v": 9, "b": 11, "q": 12,
    "w": 13, "e": 14, "r": 15, "y": 16, "t": 17, "1": 18, "2": 19, "3": 20, "4": 21, "6": 22, "5": 23,
    "9": 25, "7": 26, "8": 28, "0": 29, "o": 31, "u": 32, "i": 34, "p": 35, "l": 37, "j": 38, "k": 40,
    "n": 45, "m": 46, "return": 36, "enter": 36, "tab": 48, "space": 49, "escape": 53, "esc": 53,
    "f1": 122, "f2": 120, "f3": 99, "f4": 118, "f5": 96, "f6": 97, "f7": 98, "f8": 100, "f9": 101,
    "f10": 109, "f11": 103, "f12": 111,
}
_K_EVENT_CLASS_KEYBOARD = 0x6B657962  # 'keyb'
_K_EVENT_HOTKEY_PRESSED = 5
_SIGNATURE = 0x48525448  # 'HRTH'


class _EventTypeSpec(ctypes.Structure):
    _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]


class _EventHotKeyID(ctypes.Structure):
    _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]


_Handler = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
_next_id = [1]


class MacHotkey:
    """Registers ``sequence`` (e.g. "Alt+Space", i.e. ⌥Space) with the Carbon event manager."""

    def __init__(self, sequence: str, callback: Callable[[], None]) -> None:
        self.sequence = sequence
        self.callback = callback
        combo = parse(sequence)
        keycode = _KEYCODES.get(combo.key.lower())
        if keycode is None:
            raise HotkeyError(f"the key {combo.key!r} cannot be used for a global hotkey")
        path = ctypes.util.find_library("Carbon")
        if not path:
            raise HotkeyError("the Carbon framework is not available")
        carbon = ctypes.CDLL(path)
        self._carbon = carbon
        carbon.GetApplicationEventTarget.restype = ctypes.c_void_p
        carbon.InstallEventHandler.argtypes = [ctypes.c_void_p, _Handler, ctypes.c_uint32,
                                               ctypes.POINTER(_EventTypeSpec), ctypes.c_void_p,
                                               ctypes.POINTER(ctypes.c_void_p)]
        carbon.RegisterEventHotKey.argtypes = [ctypes.c_uint32, ctypes.c_uint32, _EventHotKeyID,
                                               ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_void_p)]
        carbon.UnregisterEventHotKey.argtypes = [ctypes.c_void_p]
        carbon.RemoveEventHandler.argtypes = [ctypes.c_void_p]
        target = carbon.GetApplicationEventTarget()
        spec = _EventTypeSpec(_K_EVENT_CLASS_KEYBOARD, _K_EVENT_HOTKEY_PRESSED)
        self._handler = _Handler(self._on_event)  # keep a reference: Carbon calls it later
        self._handler_ref = ctypes.c_void_p()
        status = carbon.InstallEventHandler(target, self._handler, 1, ctypes.byref(spec), None,
                                            ctypes.byref(self._handler_ref))
        if status != 0:
            raise HotkeyError(f"cannot listen for hotkeys (Carbon error {status})")
        self._id = _next_id[0]
        _next_id[0] += 1
        mask = sum(_MODIFIERS[m] for m in combo.modifiers)
        self._ref = ctypes.c_void_p()
        status = carbon.RegisterEventHotKey(keycode, mask, _EventHotKeyID(_SIGNATURE, self._id), target, 0,
                                            ctypes.byref(self._ref))
        if status != 0:
            carbon.RemoveEventHandler(self._handler_ref)
            raise HotkeyError(f"{sequence} is already taken by another application (Carbon error {status})")

    def _on_event(self, _call_ref: int, _event: int, _user: int) -> int:
        try:
            self.callback()
        except Exception:  # noqa: BLE001
            pass
        return 0

    def stop(self) -> None:
        if self._ref:
            self._carbon.UnregisterEventHotKey(self._ref)
            self._ref = ctypes.c_void_p()
        if self._handler_ref:
            self._carbon.RemoveEventHandler(self._handler_ref)
            self._handler_ref = ctypes.c_void_p()
