"""WAV (or any audio file) source paced in real time, and a WAV sink: the devices' interfaces.

Tests, the benchmark and ``hearth voice --in question.wav --out answer.wav`` drive the very
pipeline a microphone feeds through these.
"""

from __future__ import annotations

import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from voice.errors import AudioFileError
from voice.interfaces import CAPTURE_RATE
from voice.resample import float_to_int16, resample

BLOCK_S = 0.02


def read_audio(path: str | Path, sample_rate: int = CAPTURE_RATE) -> np.ndarray:
    """Decode an audio file to mono float32 at ``sample_rate``; clear errors for bad files."""
    path = Path(path)
    if not path.exists():
        raise AudioFileError(f"Audio file not found: {path}")
    if path.stat().st_size == 0:
        raise AudioFileError(f"Audio file is empty: {path}")
    try:
        from faster_whisper.audio import decode_audio

        audio = decode_audio(str(path), sampling_rate=sample_rate)
    except Exception as exc:  # PyAV raises many types for corrupt input
        raise AudioFileError(f"Could not decode audio file {path}: {exc}") from exc
    return np.asarray(audio, dtype=np.float32)


class WavSource:
    """Delivers a file's audio in blocks, paced like a microphone (``speed`` > 1 runs faster).

    ``realtime=False`` delivers as fast as the consumer takes it (for long files in tests).
    """

    def __init__(
        self,
        audio: np.ndarray,
        *,
        realtime: bool = True,
        speed: float = 1.0,
        block_s: float = BLOCK_S,
        name: str = "<array>",
    ) -> None:
        self.sample_rate = CAPTURE_RATE
        self.name = name
        self._audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        self._realtime = realtime
        self._speed = speed
        self._block = max(1, int(block_s * CAPTURE_RATE))
        self._stopped = threading.Event()
        self._started_at: float | None = None
        self.exhausted = threading.Event()
        self.delivered_at: list[float] = []  # monotonic time each block was handed over

    @classmethod
    def from_file(cls, path: str | Path, **kwargs: object) -> WavSource:
        return cls(read_audio(path), name=str(path), **kwargs)  # type: ignore[arg-type]

    @property
    def duration_s(self) -> float:
        return self._audio.size / CAPTURE_RATE

    def start(self) -> None:
        self._stopped.clear()
        self._started_at = time.monotonic()

    def stop(self) -> None:
        self._stopped.set()

    def time_of_sample(self, index: int) -> float | None:
        """When (monotonic) the block holding sample ``index`` was delivered."""
        block = index // self._block
        if block < len(self.delivered_at):
            return self.delivered_at[block]
        return None

    def blocks(self) -> Iterator[np.ndarray]:
        if self._started_at is None:
            self.start()
        assert self._started_at is not None
        for begin in range(0, self._audio.size, self._block):
            if self._stopped.is_set():
                return
            chunk = self._audio[begin : begin + self._block]
            if self._realtime:
                due = self._started_at + (begin + chunk.size) / CAPTURE_RATE / self._speed
                delay = due - time.monotonic()
                if delay > 0 and self._stopped.wait(delay):
                    return
            self.delivered_at.append(time.monotonic())
            yield chunk
        self.exhausted.set()

    def close(self) -> None:
        self.stop()


class WavSink:
    """Collects played audio (and writes it to ``path`` on close).

    With ``realtime=True`` :meth:`write` takes as long as playing the block would, like a
    speaker; :meth:`abort` makes a write in progress return at once.
    """

    def __init__(self, path: str | Path | None, sample_rate: int, *, realtime: bool = False) -> None:
        self.path = Path(path) if path else None
        self.sample_rate = sample_rate
        self._realtime = realtime
        self._chunks: list[np.ndarray] = []
        self._lock = threading.Lock()
        self._aborted = threading.Event()
        self._play_until = 0.0  # monotonic time the written audio finishes playing
        self.write_times: list[tuple[float, int]] = []  # (monotonic, samples) per write
        self.closed = False

    def write(self, samples: np.ndarray) -> None:
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        if samples.size == 0:
            return
        self._aborted.clear()
        if self._realtime:
            now = time.monotonic()
            start = max(now, self._play_until)
            # Hand the block over when the previous one has (almost) finished playing.
            delay = start - now - 0.005
            if delay > 0 and self._aborted.wait(delay):
                return
            self._play_until = max(time.monotonic(), self._play_until) + samples.size / self.sample_rate
        with self._lock:
            self._chunks.append(samples.copy())
            self.write_times.append((time.monotonic(), samples.size))

    def abort(self) -> None:
        self._aborted.set()
        self._play_until = time.monotonic()

    def audio(self) -> np.ndarray:
        with self._lock:
            if not self._chunks:
                return np.zeros(0, dtype=np.float32)
            return np.concatenate(self._chunks)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.path is not None:
            write_wav(self.path, self.audio(), self.sample_rate)


def write_wav(path: str | Path, audio: np.ndarray, sample_rate: int) -> None:
    """Write mono float audio as 16-bit PCM WAV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(float_to_int16(np.asarray(audio, dtype=np.float32)).tobytes())


def load_wav_at(path: str | Path, sample_rate: int) -> np.ndarray:
    """Read a small PCM WAV (e.g. a cue sound) and resample it to ``sample_rate``."""
    with wave.open(str(path), "rb") as handle:
        rate = handle.getframerate()
        channels = handle.getnchannels()
        width = handle.getsampwidth()
        raw = handle.readframes(handle.getnframes())
    if width != 2:
        raise AudioFileError(f"{path}: only 16-bit PCM WAV is supported here")
    data = np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768.0
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    return resample(data, rate, sample_rate)
