"""Whisper with the encoder window cut to the clip (voice.whisper_short): same words, less work."""

from __future__ import annotations

import numpy as np
import pytest
from voice_speech import PHRASES, edit_distance, pad, piper, stems, words

from voice.stt import SpeechToText
from voice.whisper_short import FULL_WINDOW, Segment, window_frames

pytestmark = pytest.mark.slow


def test_window_is_twice_the_clip_at_least_the_minimum_at_most_thirty_seconds() -> None:
    rule = {"ratio": 2.0, "step_s": 1.0, "min_window_s": 10.0}
    assert window_frames(250, **rule) == 1000
    assert window_frames(620, **rule) == 1300
    assert window_frames(1400, **rule) == 2800
    assert window_frames(1600, **rule) == FULL_WINDOW
    assert window_frames(5000, **rule) == FULL_WINDOW


@pytest.fixture(scope="module")
def full_window_stt() -> SpeechToText:
    return SpeechToText(short_window=False)


@pytest.fixture(scope="module")
def short_window_stt() -> SpeechToText:
    return SpeechToText(short_window=True)


def test_short_window_hears_the_same_words_as_the_full_window(short_window_stt, tts, full_window_stt) -> None:  # noqa: ANN001
    stt = short_window_stt
    assert stt._short is not None  # it takes the short path
    errors = {"short": 0, "full": 0}
    total = 0
    for phrase in PHRASES:
        audio = pad(piper(tts, phrase))
        ref = words(phrase)
        total += len(ref)
        errors["short"] += edit_distance(ref, words(stt.transcribe(audio).text))
        errors["full"] += edit_distance(ref, words(full_window_stt.transcribe(audio).text))
    # The same audio to both: at most a few words more wrong over the 20 phrases (~140 words).
    assert errors["short"] <= errors["full"] + 3, errors
    # And not garbled: within the 10% goal of test_voice_wer. Which words tiny.en mishears moves
    # with the CPU's instruction set (CTranslate2's and ONNX Runtime's kernels): 4 to 9 errors
    # were seen on the same audio, on AVX2, AVX-512 and CI's machine.
    assert errors["short"] / total < 0.10, errors


class _Looping:
    """A decoder whose output loops (as Whisper does in a too-short window)."""

    def fits(self, audio: np.ndarray, sample_rate: int) -> bool:
        return True

    def decode(self, audio: np.ndarray) -> Segment:
        return Segment("Turn off the lights. " * 30, -0.1, 0.01, 9.5)


def test_a_looping_short_decode_falls_back_to_the_full_window(tts) -> None:  # noqa: ANN001
    stt = SpeechToText()
    stt._short = _Looping()  # the logic under test: what happens with a bad short decode
    text = stt.transcribe(pad(piper(tts, "Turn off the lights in the living room"))).text
    assert {"light", "living", "room"} <= stems(text) and len(words(text)) < 12
