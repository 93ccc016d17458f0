"""Shared test set-up: every test gets its own HEARTH_HOME, Qt runs offscreen, no network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

# A session-wide home holding the imported default model, so it is converted once per run.
_SESSION_HOME = Path(os.environ.get("HEARTH_TEST_SESSION_HOME", "/tmp/hearth-test-session")).resolve()


@pytest.fixture(autouse=True)
def hearth_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HEARTH_HOME for each test."""
    home = tmp_path / "hearth-home"
    monkeypatch.setenv("HEARTH_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def session_home() -> Path:
    """A HEARTH_HOME shared by the whole run (the imported default model lives here)."""
    _SESSION_HOME.mkdir(parents=True, exist_ok=True)
    return _SESSION_HOME
