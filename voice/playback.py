"""The speaker worker: plays queued audio in small blocks so that a stop takes effect at once."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from voice.interfaces import AudioSink


@dataclass
class _Item:
    gen: int  # the stop() generation it was queued in; stale after a stop
    epoch: int
    kind: str  # "audio", "cue", "end"
    samples: np.ndarray | None = None
    sentence: str = ""


class Speaker:
    """Writes queued audio to a sink on its own thread, 20 ms at a time.

    Each reply has an *epoch* (a label for its callbacks); :meth:`stop` drops everything queued
    so far, cues included, and aborts what the sink still buffers.
    """

    def __init__(
        self,
        sink: AudioSink,
        *,
        block_s: float = 0.02,
        on_sentence: Callable[[str], None] | None = None,
        on_finished: Callable[[int], None] | None = None,
    ) -> None:
        self.sink = sink
        self._block = max(1, int(block_s * sink.sample_rate))
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._epoch = 0
        self._gen = 0
        self._lock = threading.Lock()
        self._on_sentence = on_sentence
        self._on_finished = on_finished
        self.first_audio_at: dict[int, float] = {}  # epoch -> monotonic time of first reply sample
        self.playing_epoch: int | None = None  # reply audio under way
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._run, name="voice-speaker", daemon=True)
        self._thread.start()

    @property
    def epoch(self) -> int:
        return self._epoch

    def new_epoch(self) -> int:
        with self._lock:
            self._epoch += 1
            return self._epoch

    def play(self, samples: np.ndarray, *, epoch: int, sentence: str = "") -> None:
        self._idle.clear()
        self._queue.put(_Item(self._gen, epoch, "audio", samples, sentence))

    def cue(self, samples: np.ndarray) -> None:
        self._idle.clear()
        self._queue.put(_Item(self._gen, self._epoch, "cue", samples))

    def end(self, epoch: int) -> None:
        """Mark the end of a reply: ``on_finished(epoch)`` runs once its audio has played."""
        self._idle.clear()
        self._queue.put(_Item(self._gen, epoch, "end"))

    def stop(self) -> bool:
        """Cut playback off now; True if reply audio was playing or queued."""
        with self._lock:
            was_playing = self.playing_epoch is not None
            self._gen += 1
            self.playing_epoch = None
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self.sink.abort()
        return was_playing

    def wait_idle(self, timeout: float | None = None) -> bool:
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while True:
            if self._queue.empty():
                self._idle.set()
            item = self._queue.get()
            if item is None:
                self._idle.set()
                return
            if item.gen != self._gen:
                continue
            if item.kind == "end":
                with self._lock:
                    if item.gen == self._gen:
                        self.playing_epoch = None
                if self._on_finished is not None:
                    self._on_finished(item.epoch)
                continue
            assert item.samples is not None
            if item.kind == "audio":
                with self._lock:
                    if item.gen != self._gen:
                        continue
                    self.playing_epoch = item.epoch
                if item.sentence and self._on_sentence is not None:
                    self._on_sentence(item.sentence)
            self._write(item)

    def _write(self, item: _Item) -> None:
        samples = item.samples
        assert samples is not None
        for begin in range(0, samples.size, self._block):
            if item.gen != self._gen:
                return
            if item.kind == "audio" and item.epoch not in self.first_audio_at:
                self.first_audio_at[item.epoch] = time.monotonic()
            self.sink.write(samples[begin : begin + self._block])
