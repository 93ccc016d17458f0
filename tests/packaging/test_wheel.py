"""A plain wheel of Hearth carries what the code looks for next to it: assets and the C source."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_has_prompts_sounds_icons_and_the_gemv_source(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = tmp_path.glob("hearth-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    # The code finds these relative to its own package (app/agent/prompt.py, voice/cues.py, ui/theme.py).
    for prompt in (ROOT / "assets" / "prompts").glob("*.md"):
        assert f"assets/prompts/{prompt.name}" in names
    assert {"assets/sounds/start.wav", "assets/sounds/stop.wav", "assets/icons/app-icon.svg"} <= names
    assert "app/runtime/native/sgemm_gemv.c" in names  # so `gemv_shim.main()` can build it there
    assert not any(n.startswith(("tests/", "bench/")) or n.endswith(".so") for n in names)
