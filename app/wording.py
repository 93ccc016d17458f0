"""Words that depend on the platform, so Linux users are not told about "this Mac"."""

from __future__ import annotations

import sys

THIS_COMPUTER = "this Mac" if sys.platform == "darwin" else "this computer"
# Where the status icon lives: the macOS menu bar, or the system tray elsewhere.
TRAY = "menu bar" if sys.platform == "darwin" else "system tray"
# The background-only mode's setting, in the platform's words (Linux has no Dock).
TRAY_ONLY = ("Live in the menu bar only (no Dock icon or main window at start)" if sys.platform == "darwin"
             else "Live in the system tray only (no main window at start)")
# Where passwords are kept: the macOS keychain, or the desktop's keyring (Secret Service) elsewhere.
KEYCHAIN = "keychain" if sys.platform == "darwin" else "keyring"
