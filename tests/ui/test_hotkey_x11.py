"""The X11 global hotkey: under a private Xvfb, register Alt+Space, press it with xdotool, and the
quick prompt opens."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
from fakes import FakeCore

from ui.hotkeys import parse
from ui.hotkeys.x11 import X11Hotkey


def test_parse_understands_mac_and_pc_spellings():
    assert parse("Alt+Space").modifiers == {"alt"} and parse("Alt+Space").key == "Space"
    assert parse("⌥Space").modifiers == {"alt"}
    assert parse("Ctrl+Shift+H").modifiers == {"ctrl", "shift"}


@pytest.fixture
def xvfb():
    if not shutil.which("Xvfb") or not shutil.which("xdotool"):
        pytest.skip("Xvfb and xdotool are needed for the X11 hotkey test (packaging/setup.sh --dev)")
    display = f":{90 + os.getpid() % 400}"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(f"/tmp/.X11-unix/X{display[1:]}"):
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.skip("Xvfb did not start")
    yield display
    proc.terminate()
    proc.wait(5)


def test_alt_space_opens_the_quick_prompt(themed_qapp, qtbot, xvfb):
    from ui.app import HearthApp

    app = HearthApp(themed_qapp, core=FakeCore(), start_hotkey=False)
    qtbot.addWidget(app.quick)
    hotkey = X11Hotkey("Alt+Space", app.hotkey_pressed.emit, display=xvfb)
    try:
        assert not app.quick.isVisible()
        subprocess.run(["xdotool", "key", "alt+space"], env={**os.environ, "DISPLAY": xvfb}, check=True)
        qtbot.waitUntil(app.quick.isVisible, timeout=5000)
    finally:
        hotkey.stop()
        app.center.close()


def test_a_taken_hotkey_is_a_clear_error(xvfb):
    from ui.hotkeys import HotkeyError

    first = X11Hotkey("Alt+Space", lambda: None, display=xvfb)
    try:
        with pytest.raises(HotkeyError, match="already taken"):
            X11Hotkey("Alt+Space", lambda: None, display=xvfb)
    finally:
        first.stop()
