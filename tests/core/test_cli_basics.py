"""The hearth command: version, doctor, models — run as a user would, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _hearth(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=timeout)


def test_version():
    result = _hearth("--version")
    assert result.returncode == 0 and result.stdout.startswith("hearth 0.")


def test_doctor_reports_every_part_with_a_status():
    result = _hearth("doctor", "--json")
    checks = [json.loads(line) for line in result.stdout.splitlines()]
    names = {c["name"] for c in checks}
    assert {"mlx", "MLX device", "bundled llm", "bundled stt", "bundled tts", "config file", "keychain"} <= names
    assert all(c["status"] in {"ok", "warn", "problem"} and c["detail"] for c in checks)
    assert result.returncode == (1 if any(c["status"] == "problem" for c in checks) else 0)
    if sys.platform.startswith("linux"):
        blas = next(c for c in checks if c["name"] == "BLAS")
        assert blas["status"] == "ok" and "OpenBLAS" in blas["detail"], blas
        decoding = next(c for c in checks if c["name"] == "Decoding")
        assert decoding["status"] == "ok" and "GEMV" in decoding["detail"], decoding


def test_doctor_says_when_blas_preload_is_off(monkeypatch: pytest.MonkeyPatch):
    if not sys.platform.startswith("linux"):
        pytest.skip("the OpenBLAS preload is Linux-only")
    monkeypatch.setenv("HEARTH_BLAS", "reference")
    result = _hearth("doctor")
    assert "reference BLAS" in result.stdout and "HEARTH_BLAS=reference" in result.stdout


@pytest.mark.slow
def test_models_import_use_list_remove(tmp_path):
    from app.bundled import bundled_path

    gguf = bundled_path("llm")
    assert gguf is not None
    imported = _hearth("models", "import", str(gguf), "--name", "smol-copy")
    assert imported.returncode == 0, imported.stderr
    assert _hearth("models", "use", "smol-copy").returncode == 0
    listing = _hearth("models", "list").stdout
    assert "* smol-copy" in listing
    missing = _hearth("models", "use", "nope")
    assert missing.returncode == 1 and missing.stderr.startswith("hearth: no model named 'nope'")
    assert _hearth("models", "remove", "smol-copy").returncode == 0
    assert "smol-copy" not in _hearth("models", "list").stdout
    assert "SmolLM2-135M-Instruct" in _hearth("doctor").stdout


def test_pull_without_network_is_one_clear_line():
    result = _hearth("models", "pull", "mlx-community/SmolLM2-135M-Instruct-4bit", timeout=120)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "could not download" in result.stderr


def test_a_reader_that_goes_away_is_no_traceback():
    """`hearth models list | head -1`: the pipe closes before hearth writes; it stops quietly."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before hearth prints a thing
    try:
        done = subprocess.run(
            [sys.executable, "-m", "app", "models", "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 141
