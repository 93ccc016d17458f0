"""Linux users are not told that things stay on "this Mac"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_mac_wording_outside_the_platform_word() -> None:
    hits = subprocess.run(["grep", "-rn", "this Mac", "ui", "app", "memory", "voice", "--include=*.py"],
                          cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    assert [h for h in hits if not h.startswith("app/wording.py")] == []


def test_no_mac_only_words_anywhere_a_linux_user_reads() -> None:
    """Prompts, help texts and settings too: no "own Mac", no Dock on Linux."""
    hits = subprocess.run(["grep", "-rnE", r"(this|your|own) Mac\b|Dock icon", "ui", "app", "memory", "voice",
                           "assets/prompts", "--include=*.py", "--include=*.md"],
                          cwd=ROOT, capture_output=True, text=True).stdout.splitlines()
    assert [h for h in hits if not h.startswith("app/wording.py")] == []


def test_the_tray_and_keychain_words() -> None:
    from app.wording import KEYCHAIN, TRAY

    mac = sys.platform == "darwin"
    assert (("menu bar", "keychain") if mac else ("system tray", "keyring")) == (TRAY, KEYCHAIN)


def test_the_platform_word() -> None:
    from app.wording import THIS_COMPUTER

    assert ("this Mac" if sys.platform == "darwin" else "this computer") == THIS_COMPUTER
