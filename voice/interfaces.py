"""The two audio interfaces: devices and WAV files implement the same ones.

A source delivers 16 kHz mono float32 blocks from :meth:`AudioSource.start` until
:meth:`AudioSource.stop` (the push-to-talk release) or until it runs out. A sink takes mono
float32 blocks at its own rate and plays them; :meth:`AudioSink.write` returns roughly when the
block has been handed to the speaker, and :meth:`AudioSink.abort` drops whatever is still
buffered (barge-in).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import numpy as np

CAPTURE_RATE = 16_000  # what Whisper wants


class AudioSource(Protocol):
    sample_rate: int

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def blocks(self) -> Iterator[np.ndarray]:
        """Yield captured blocks until stopped (then drained) or exhausted."""
        ...

    def close(self) -> None: ...


class AudioSink(Protocol):
    sample_rate: int

    def write(self, samples: np.ndarray) -> None: ...

    def abort(self) -> None: ...

    def close(self) -> None: ...
