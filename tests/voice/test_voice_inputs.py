"""Hard inputs through STT and the full pipeline: no crash, no invented words, clear errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from voice_speech import pad, piper, save, stems, words

from app.events import FinalTranscript, PartialTranscript
from voice.errors import AudioFileError
from voice.pipeline import VoicePipeline
from voice.wav_io import WavSink, WavSource, read_audio

pytestmark = pytest.mark.slow
SR = 16000


def run_file(stt, tts, audio: np.ndarray, **source_kwargs) -> tuple[FinalTranscript, list]:  # noqa: ANN001
    events: list = []
    sink = WavSink(None, tts.sample_rate)
    pipeline = VoicePipeline(stt, tts, None, sink, listener=events.append, cue_sounds=False)
    try:
        final = pipeline.talk(WavSource(audio, **source_kwargs))
    finally:
        pipeline.close()
    return final, events


def test_silence_gives_no_transcript(stt, tts) -> None:  # noqa: ANN001
    final, events = run_file(stt, tts, np.zeros(3 * SR, np.float32), speed=8.0)
    assert final.no_speech and final.text == ""
    assert not [e for e in events if isinstance(e, PartialTranscript)]


@pytest.mark.parametrize("kind", ["white", "pink", "hum"])
def test_noise_gives_no_invented_words(stt, tts, kind: str) -> None:  # noqa: ANN001
    rng = np.random.default_rng(7)
    n = 4 * SR
    if kind == "white":
        audio = 0.2 * rng.standard_normal(n)
    elif kind == "pink":
        audio = np.cumsum(rng.standard_normal(n))
        audio = 0.3 * (audio - np.convolve(audio, np.ones(400) / 400, "same")) / 20
    else:
        t = np.arange(n) / SR
        audio = 0.3 * np.sin(2 * np.pi * 50 * t) + 0.1 * np.sin(2 * np.pi * 150 * t)
    final, _ = run_file(stt, tts, audio.astype(np.float32), speed=8.0)
    assert final.no_speech, final.text
    # And directly through STT, without the streaming layer:
    assert stt.transcribe(audio.astype(np.float32)).no_speech


def test_clipped_speech_is_still_understood(stt, tts) -> None:  # noqa: ANN001
    speech = pad(piper(tts, "Turn off the lights in the living room"))
    clipped = np.clip(speech * 6.0, -0.5, 0.5) * 2.0  # hard clipping at full scale
    final, _ = run_file(stt, tts, clipped.astype(np.float32), speed=8.0)
    assert {"light", "living", "room"} <= stems(final.text)


def test_8khz_stereo_file_is_decoded_mixed_and_resampled(stt, tts, tmp_path: Path) -> None:  # noqa: ANN001
    mono = tmp_path / "mono.wav"
    save(mono, pad(piper(tts, "What is the capital of France")))
    stereo = tmp_path / "stereo8k.wav"
    subprocess.run(["sox", str(mono), "-r", "8000", "-c", "2", str(stereo)], check=True)
    audio = read_audio(stereo)
    assert audio.ndim == 1 and abs(audio.size / SR - read_audio(mono).size / SR) < 0.05
    final, _ = run_file(stt, tts, audio, speed=8.0)
    assert {"capital", "france"} <= stems(final.text)


def test_empty_missing_and_corrupt_files_are_clear_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioFileError, match="empty"):
        read_audio(empty)
    with pytest.raises(AudioFileError, match="not found"):
        read_audio(tmp_path / "missing.wav")
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk" * 3)
    with pytest.raises(AudioFileError, match="decode"):
        read_audio(corrupt)


def test_header_only_wav_is_no_speech(stt, tts, tmp_path: Path) -> None:  # noqa: ANN001
    header_only = save(tmp_path / "zero.wav", np.zeros(0, np.float32))
    final, _ = run_file(stt, tts, read_audio(header_only))
    assert final.no_speech


def test_ten_minute_file_is_transcribed_in_bounded_time(stt, tts) -> None:  # noqa: ANN001
    """Ten minutes, mostly silence and noise with two phrases: VAD keeps the work bounded."""
    rng = np.random.default_rng(3)
    first = pad(piper(tts, "Remind me to call my mother tonight"))
    last = pad(piper(tts, "Where did I put my passport"))
    total = 10 * 60 * SR
    audio = (0.003 * rng.standard_normal(total)).astype(np.float32)
    audio[5 * SR : 5 * SR + first.size] += first
    audio[total - 10 * SR : total - 10 * SR + last.size] += last
    import time

    started = time.monotonic()
    final, _ = run_file(stt, tts, audio, realtime=False, block_s=0.5)
    elapsed = time.monotonic() - started
    heard = set(words(final.text))
    assert {"mother", "tonight"} <= heard and {"passport"} <= heard, final.text
    assert len(words(final.text)) <= 16  # nothing invented in the ten minutes between
    assert elapsed < 120  # a sanity bound (not a speed target): silence is skipped, not decoded
