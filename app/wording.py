"""Words that depend on the platform, so Linux users are not told about "this Mac"."""

from __future__ import annotations

import sys

THIS_COMPUTER = "this Mac" if sys.platform == "darwin" else "this computer"
