"""Short cue sounds for push-to-talk start and stop (committed under ``assets/sounds/``).

``python -m voice.cues`` regenerates the WAVs from :func:`make_cue`; if the files are missing
(an unusual install) the same tones are made in memory.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from voice.resample import resample

CUE_RATE = 22_050
SOUNDS_DIR = Path(__file__).resolve().parent.parent / "assets" / "sounds"
CUES = {"start": (660.0, 880.0), "stop": (880.0, 660.0)}  # two rising / falling notes


def make_cue(kind: str, sample_rate: int = CUE_RATE) -> np.ndarray:
    """Two soft 55 ms notes with short fades: audible, not startling (peak 0.3)."""
    notes = CUES[kind]
    length = int(0.055 * sample_rate)
    t = np.arange(length) / sample_rate
    fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.008)
    parts = [0.3 * np.sin(2 * np.pi * f * t) * fade for f in notes]
    return np.concatenate(parts).astype(np.float32)


@lru_cache(maxsize=8)
def load_cue(kind: str, sample_rate: int) -> np.ndarray:
    """The cue at ``sample_rate``: from assets/sounds when present, else generated."""
    path = SOUNDS_DIR / f"{kind}.wav"
    if path.exists():
        from voice.wav_io import load_wav_at

        return load_wav_at(path, sample_rate)
    return resample(make_cue(kind), CUE_RATE, sample_rate)


def main(argv: list[str] | None = None) -> int:
    from voice.wav_io import write_wav

    target = Path((argv or sys.argv[1:] or [str(SOUNDS_DIR)])[0])
    for kind in CUES:
        write_wav(target / f"{kind}.wav", make_cue(kind), CUE_RATE)
        print(target / f"{kind}.wav")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
