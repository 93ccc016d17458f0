"""``hearth voice`` says clearly what is missing before loading any model."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from voice.audio_io import list_devices


@pytest.mark.skipif(bool(list_devices()), reason="this machine has an audio device")
def test_no_device_is_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voice"]) == 1
    assert "No audio input device found; use --in FILE or text mode" in capsys.readouterr().err


def test_bad_input_files_are_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert main(["voice", "--in", str(empty)]) == 1
    assert "Audio file is empty" in capsys.readouterr().err
    assert main(["voice", "--in", str(tmp_path / "nope.wav")]) == 1
    assert "Audio file not found" in capsys.readouterr().err
