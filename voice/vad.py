"""Voice activity: Silero VAD (bundled inside faster-whisper, offline) and a cheap energy gate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voice.interfaces import CAPTURE_RATE


@dataclass(frozen=True)
class SpeechSpan:
    start: int  # sample index at 16 kHz
    end: int


def speech_spans(audio: np.ndarray, *, threshold: float = 0.5, min_speech_ms: int = 200) -> list[SpeechSpan]:
    """Where Silero VAD hears speech in 16 kHz mono audio."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.size < CAPTURE_RATE // 10:
        return []
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=threshold,
        min_speech_duration_ms=min_speech_ms,
        min_silence_duration_ms=300,
        speech_pad_ms=100,
    )
    return [SpeechSpan(int(s["start"]), int(s["end"])) for s in get_speech_timestamps(audio, options)]


def has_speech(audio: np.ndarray) -> bool:
    return bool(speech_spans(audio))


def is_quiet(audio: np.ndarray, *, floor_db: float = -50.0) -> bool:
    """True for digital silence or near it (cheaper than running the VAD)."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.size == 0:
        return True
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    return rms <= 10 ** (floor_db / 20)


class EnergyEndpointer:
    """Follows the frame energy of a stream to guess when the speaker has paused.

    Only a trigger (for early partial transcription); Silero decides what is speech.
    """

    def __init__(self, *, frame_s: float = 0.02, margin_db: float = 12.0) -> None:
        self._frame = int(frame_s * CAPTURE_RATE)
        self._margin = margin_db
        self._noise_db = -60.0
        self._pending = np.zeros(0, dtype=np.float32)
        self.samples = 0
        self.last_voiced = -1  # sample index of the end of the last loud frame

    def feed(self, block: np.ndarray) -> None:
        data = np.concatenate([self._pending, np.asarray(block, dtype=np.float32)])
        n_frames = data.size // self._frame
        for k in range(n_frames):
            frame = data[k * self._frame : (k + 1) * self._frame]
            db = 10 * np.log10(float(np.mean(np.square(frame, dtype=np.float64))) + 1e-12)
            self.samples += self._frame
            if db > max(self._noise_db + self._margin, -45.0):
                self.last_voiced = self.samples
            # Track the noise floor slowly upwards (steady noise), quickly downwards.
            rate = 0.01 if db > self._noise_db else 0.5
            self._noise_db += rate * (db - self._noise_db)
        self._pending = data[n_frames * self._frame :]

    def paused_for(self) -> float:
        """Seconds since the last loud frame (inf if none yet)."""
        if self.last_voiced < 0:
            return float("inf")
        return (self.samples - self.last_voiced) / CAPTURE_RATE
