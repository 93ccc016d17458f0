"""Shared test set-up: every test gets its own HEARTH_HOME, Qt runs offscreen, no network.

Session fixtures import the embedded default model once per run and share one ModelService.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
# Mechanics tests run on SmolLM2 alone; answer-quality tests name the answer model themselves.
os.environ.setdefault("HEARTH_ANSWER_MODEL", "")


@pytest.fixture(autouse=True)
def hearth_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HEARTH_HOME for each test, and a private HOME and XDG folders too, so nothing a
    test does (the Trash, ~/.ics files, keyrings) can touch the real user's files."""
    home = tmp_path / "hearth-home"
    monkeypatch.setenv("HEARTH_HOME", str(home))
    user_home = tmp_path / "user-home"
    user_home.mkdir()
    monkeypatch.setenv("HOME", str(user_home))
    for var, sub in (("XDG_DATA_HOME", ".local/share"), ("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache")):
        monkeypatch.setenv(var, str(user_home / sub))
    return home


@pytest.fixture
def fake_home(hearth_home: Path) -> Path:
    """The private HOME every test runs with (set up by ``hearth_home``)."""
    return Path(os.environ["HOME"])


@pytest.fixture(scope="session")
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A HEARTH_HOME shared by the whole run (the imported default model lives here)."""
    return tmp_path_factory.mktemp("session-home")


@pytest.fixture(scope="session")
def default_model_dir(session_home: Path) -> Path:
    """The embedded SmolLM2 default, imported from its GGUF once per test run."""
    from app.runtime.registry import ensure_default_model

    paths = _paths_for(session_home)
    return ensure_default_model(paths)


@pytest.fixture(scope="session")
def model_service(default_model_dir: Path) -> Iterator[object]:
    """One ModelService (one MLX thread) on the default model, shared by the run."""
    from app.config import Settings
    from app.runtime.service import ModelService

    service = ModelService(
        paths=_paths_for(default_model_dir.parent.parent),
        settings=Settings(),
        model_name=str(default_model_dir),
    )
    service.ensure_loaded()
    yield service
    service.shutdown()


def _paths_for(home: Path):  # noqa: ANN202 - a Paths, imported lazily
    from app.paths import HOME_ENV, get_paths

    old = os.environ.get(HOME_ENV)
    os.environ[HOME_ENV] = str(home)
    try:
        return get_paths()
    finally:
        if old is None:
            del os.environ[HOME_ENV]
        else:
            os.environ[HOME_ENV] = old
