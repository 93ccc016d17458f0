"""Microphone and speaker through sounddevice (PortAudio), behind the source/sink interfaces."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from voice.errors import NoAudioDeviceError
from voice.interfaces import CAPTURE_RATE
from voice.resample import resample, to_mono

NO_INPUT = "No audio input device found; use --in FILE or text mode"
NO_OUTPUT = "No audio output device found; use --out FILE or text mode"


def _sd() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # PortAudio library missing
        raise NoAudioDeviceError(f"Audio is unavailable ({exc}); use --in FILE or text mode") from exc
    return sounddevice


def list_devices() -> list[dict[str, Any]]:
    """Every device PortAudio reports (empty when there is none or PortAudio is missing)."""
    try:
        sd = _sd()
        return [dict(d, index=i) for i, d in enumerate(sd.query_devices())]
    except Exception:
        return []


def find_device(wanted: str, *, kind: str) -> int:
    """Resolve a configured device (index or part of its name; empty = default) to an index."""
    channels_key = "max_input_channels" if kind == "input" else "max_output_channels"
    devices = [d for d in list_devices() if d.get(channels_key, 0) > 0]
    missing = NO_INPUT if kind == "input" else NO_OUTPUT
    if not devices:
        raise NoAudioDeviceError(missing)
    if not wanted:
        sd = _sd()
        default = sd.default.device[0 if kind == "input" else 1]
        if isinstance(default, int) and default >= 0 and any(d["index"] == default for d in devices):
            return default
        return int(devices[0]["index"])
    if wanted.isdigit():
        if any(d["index"] == int(wanted) for d in devices):
            return int(wanted)
        raise NoAudioDeviceError(f"No audio {kind} device with index {wanted}")
    for device in devices:
        if wanted.lower() in str(device.get("name", "")).lower():
            return int(device["index"])
    names = ", ".join(str(d.get("name")) for d in devices)
    raise NoAudioDeviceError(f"No audio {kind} device matching {wanted!r} (have: {names})")


class MicrophoneSource:
    """Captures 16 kHz mono from an input device between start() and stop()."""

    def __init__(self, device: str = "", *, block_s: float = 0.02) -> None:
        sd = _sd()
        self._index = find_device(device, kind="input")
        info = sd.query_devices(self._index)
        self.sample_rate = CAPTURE_RATE
        self._device_rate = CAPTURE_RATE
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue()
        self._stream: Any = None
        try:
            sd.check_input_settings(device=self._index, samplerate=CAPTURE_RATE, channels=1)
        except Exception:
            self._device_rate = int(info.get("default_samplerate") or 48_000)
        self._block = max(1, int(block_s * self._device_rate))
        self._lock = threading.Lock()

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        block = to_mono(np.array(indata, dtype=np.float32))
        self._queue.put(resample(block, self._device_rate, CAPTURE_RATE))

    def start(self) -> None:
        sd = _sd()
        with self._lock:
            self._queue = queue.Queue()
            self._stream = sd.InputStream(
                device=self._index,
                samplerate=self._device_rate,
                channels=1,
                dtype="float32",
                blocksize=self._block,
                callback=self._callback,
            )
            self._stream.start()

    def stop(self) -> None:
        with self._lock:
            if self._stream is not None:
                self._stream.stop()
                self._stream.close()
                self._stream = None
            self._queue.put(None)

    def blocks(self) -> Iterator[np.ndarray]:
        while True:
            block = self._queue.get()
            if block is None:
                return
            yield block

    def close(self) -> None:
        self.stop()


class SpeakerSink:
    """Plays mono float32 at ``sample_rate`` on an output device; abort() cuts it off at once."""

    def __init__(self, sample_rate: int, device: str = "") -> None:
        sd = _sd()
        self.sample_rate = sample_rate
        self._index = find_device(device, kind="output")
        self._stream = sd.OutputStream(
            device=self._index, samplerate=sample_rate, channels=1, dtype="float32", latency="low"
        )
        self._stream.start()
        self._lock = threading.Lock()

    def write(self, samples: np.ndarray) -> None:
        data = np.asarray(samples, dtype=np.float32).reshape(-1, 1)
        with self._lock:
            if not self._stream.active:
                self._stream.start()
            self._stream.write(data)

    def abort(self) -> None:
        # abort() drops what PortAudio still holds; restart so the next reply can play.
        self._stream.abort()
        self._stream.start()

    def close(self) -> None:
        self._stream.close()
