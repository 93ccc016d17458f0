"""The macOS pieces that can be checked anywhere: the .icns built from the app icon, the
Info.plist keys, and the entitlements file."""

from __future__ import annotations

import plistlib
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging" / "macos"))

import make_icons  # noqa: E402  (tests calling it take pytest-qt's qapp: one QApplication per process)
from info_plist import info_plist  # noqa: E402

APP_ICON = ROOT / "assets" / "icons" / "app-icon.svg"


def test_icns_holds_every_size_as_png(qapp, tmp_path: Path) -> None:
    assert make_icons.main([str(APP_ICON), str(tmp_path)]) == 0
    data = (tmp_path / "Hearth.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    entries = {}
    offset = 8
    while offset < len(data):
        kind, length = data[offset : offset + 4], struct.unpack(">I", data[offset + 4 : offset + 8])[0]
        entries[kind] = data[offset + 8 : offset + length]
        offset += length
    assert offset == len(data)
    assert set(entries) == {t for t, _ in make_icons.ICNS_TYPES}
    for kind, size in make_icons.ICNS_TYPES:
        png = entries[kind]
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) == (size, size), kind
    # The icon is drawn, not blank: the 256 px PNG has opaque pixels in the middle.
    from PySide6.QtGui import QImage

    image = QImage(str(tmp_path / "hearth-256.png"))
    assert image.pixelColor(128, 128).alpha() == 255
    assert image.pixelColor(1, 1).alpha() == 0  # rounded corner stays transparent


def test_missing_icon_fails_clearly(qapp, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "macos" / "make_icons.py"), str(tmp_path / "nope.svg"), str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "is missing" in result.stderr
    assert not (tmp_path / "Hearth.icns").exists()


def test_info_plist_has_the_privacy_strings_and_menu_bar_flag() -> None:
    plist = info_plist("1.2.3")
    assert plist["CFBundleIdentifier"] == "org.hearth.Hearth"
    assert plist["CFBundleShortVersionString"] == "1.2.3"
    assert plist["NSMicrophoneUsageDescription"].strip()
    assert "Calendar" in plist["NSAppleEventsUsageDescription"]
    assert plist["LSUIElement"] is False
    assert info_plist("1.2.3", menu_bar_only=True)["LSUIElement"] is True
    plistlib.dumps(plist)  # every value is plist-serialisable


def test_entitlements_allow_microphone_and_apple_events() -> None:
    entitlements = plistlib.loads((ROOT / "packaging" / "macos" / "entitlements.plist").read_bytes())
    assert entitlements["com.apple.security.device.audio-input"] is True
    assert entitlements["com.apple.security.automation.apple-events"] is True
