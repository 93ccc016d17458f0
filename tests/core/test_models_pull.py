"""`hearth models pull` over real HTTP, against a hub on loopback serving the default model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fake_hub import serve_model

REPO = "mlx-community/Hearth-Test-Model"


def _hearth(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=300, env=env
    )


def _online_env(endpoint: str) -> dict[str, str]:
    env = {**os.environ, "HF_ENDPOINT": endpoint, "HF_HUB_DISABLE_TELEMETRY": "1"}
    for flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):  # the user asked for this download
        env.pop(flag, None)
    return env


@pytest.mark.slow
def test_pull_downloads_a_model_that_then_answers(default_model_dir: Path, tmp_path: Path) -> None:
    from app.paths import get_paths

    with serve_model(REPO, default_model_dir) as (endpoint, log):
        env = _online_env(endpoint)
        pulled = _hearth(env, "models", "pull", REPO, "--name", "pulled")
        assert pulled.returncode == 0, pulled.stderr[-2000:]
    assert any(line.startswith("GET /api/models/") for line in log)
    assert any("/resolve/" in line and line.endswith("model.safetensors") for line in log)

    models = get_paths().models_dir
    target = models / "pulled"
    assert (target / "config.json").is_file() and (target / "model.safetensors").is_file()
    assert not (target / ".cache").exists() and not list(models.glob(".pull-*"))
    original = (default_model_dir / "model.safetensors").read_bytes()
    assert (target / "model.safetensors").read_bytes() == original

    assert "pulled" in _hearth(env, "models", "list").stdout
    assert _hearth(env, "models", "use", "pulled").returncode == 0
    asked = _hearth(env, "ask", "--json", "--no-memory", "What is the capital of France?")
    assert asked.returncode == 0, asked.stderr[-2000:]
    finals = [json.loads(x) for x in asked.stdout.splitlines() if x.startswith("{")]
    answer = [e["text"] for e in finals if e.get("event") == "FinalAnswer"]
    assert answer and "paris" in answer[-1].lower(), answer


def test_pull_of_a_repo_the_hub_does_not_have_leaves_nothing_behind(tmp_path: Path) -> None:
    from app.paths import get_paths

    empty = tmp_path / "empty"
    empty.mkdir()
    with serve_model("someone/else", empty) as (endpoint, _):
        result = _hearth(_online_env(endpoint), "models", "pull", REPO)
    assert result.returncode == 1
    assert result.stderr == f"hearth: could not download {REPO}: the hub has no such model (check the name)\n"
    assert not list(get_paths().models_dir.glob(".pull-*"))


def test_pull_of_a_repo_that_is_not_an_mlx_model_is_refused(tmp_path: Path) -> None:
    from app.paths import get_paths

    folder = tmp_path / "not-a-model"
    folder.mkdir()
    (folder / "README.txt").write_text("just text")
    with serve_model(REPO, folder) as (endpoint, _):
        result = _hearth(_online_env(endpoint), "models", "pull", REPO, "--name", "nope")
    assert result.returncode == 1 and "no config.json: not an mlx-lm model" in result.stderr
    models = get_paths().models_dir
    assert not (models / "nope").exists() and not list(models.glob(".pull-*"))
