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


def test_the_platform_word() -> None:
    from app.wording import THIS_COMPUTER

    assert ("this Mac" if sys.platform == "darwin" else "this computer") == THIS_COMPUTER
