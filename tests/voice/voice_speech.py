"""Test speech made at test time with Piper and espeak-ng (nothing big is committed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from voice.interfaces import CAPTURE_RATE
from voice.resample import resample
from voice.wav_io import read_audio, write_wav

PHRASES = [
    "What is the weather like tomorrow",
    "Remind me to call my mother tonight",
    "Send an email to John about the meeting",
    "How long does it take to boil an egg",
    "Play some relaxing music in the kitchen",
    "What time does the library close today",
    "Add milk and bread to my shopping list",
    "Tell me a joke about cats",
    "How far is the moon from the earth",
    "Turn off the lights in the living room",
    "What did Sarah say about the project",
    "Find the document about the budget",
    "Schedule a meeting with the design team on Friday",
    "What is the capital of France",
    "Summarize my notes from yesterday",
    "Open the report I was reading this morning",
    "How do I make a cup of green tea",
    "Read me the latest message from my brother",
    "Set a timer for ten minutes",
    "Where did I put my passport",
]

# (name, engine, options): several voices and speeds.
VOICES = [
    ("piper-joe", "piper", 1.0),
    ("piper-joe-slow", "piper", 1.25),
    ("espeak-gb-rp", "espeak", ("en-gb-x-rp", 140)),
    ("espeak-us-fast", "espeak", ("en-us", 175)),
]
_NUMBERS = dict(
    enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
)


def espeak(text: str, path: Path, voice: str = "en-us", speed: int = 160) -> np.ndarray:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
    return read_audio(path)


def piper(tts: object, text: str) -> np.ndarray:
    audio = tts.synthesize_all(text)  # type: ignore[attr-defined]
    return resample(audio, tts.sample_rate, CAPTURE_RATE)  # type: ignore[attr-defined]


def pad(audio: np.ndarray, before_s: float = 0.3, after_s: float = 0.4) -> np.ndarray:
    silence = np.zeros
    return np.concatenate(
        [
            silence(int(before_s * CAPTURE_RATE), np.float32),
            audio,
            silence(int(after_s * CAPTURE_RATE), np.float32),
        ]
    ).astype(np.float32)


def save(path: Path, audio: np.ndarray, rate: int = CAPTURE_RATE) -> Path:
    write_wav(path, audio, rate)
    return path


def words(text: str) -> list[str]:
    """Normalised words for WER: case, punctuation and digits-vs-words do not count."""
    import re

    from voice.stt import normalise_words

    text = re.sub(r"\b(\d{1,2})\b", lambda m: _NUMBERS.get(int(m.group(1)), m.group(1)), text)
    return normalise_words(text.replace("-", " ")).split()


def stems(text: str) -> set[str]:
    """The words heard, plural and singular alike: which of the two tiny.en writes for the same
    audio moves with the CPU's instruction set ("lights" on AVX-512, "light" on AVX2)."""
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words(text)}


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]
