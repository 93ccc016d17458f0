"""Piper output: right rate, real sound, one clip per sentence, nothing for unspeakable text."""

from __future__ import annotations

import numpy as np
import pytest
from voice_speech import stems, words

from voice.sentences import SentenceSplitter

pytestmark = pytest.mark.slow


def test_voice_rate_and_audio_is_not_silent(tts) -> None:  # noqa: ANN001
    assert tts.sample_rate == 22050  # en_US-joe-medium
    audio = tts.synthesize_all("Hello, I am Hearth, your local assistant.")
    seconds = audio.size / tts.sample_rate
    assert audio.dtype == np.float32
    assert 1.0 < seconds < 6.0
    assert float(np.sqrt(np.mean(audio**2))) > 0.05
    assert float(np.max(np.abs(audio))) <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "🎉🎉", "\x00\x07", "你好世界", "... !!!"])
def test_unspeakable_text_gives_no_audio_and_no_error(tts, text: str) -> None:  # noqa: ANN001
    assert tts.synthesize_all(text).size == 0


def test_emoji_and_control_characters_do_not_change_the_speech(tts) -> None:  # noqa: ANN001
    plain = tts.synthesize_all("Good morning.")
    noisy = tts.synthesize_all("Good 🌞 morning.\x07")
    assert abs(plain.size - noisy.size) < 0.15 * tts.sample_rate


def test_tricky_text_is_spoken_sentence_by_sentence_and_understood(tts, stt) -> None:  # noqa: ANN001
    from voice.resample import resample

    text = "It costs $29.99, e.g. a bargain. Dr. Smith agrees."
    splitter = SentenceSplitter()
    sentences = splitter.feed(text) + splitter.flush()
    assert sentences == ["It costs $29.99, e.g. a bargain.", "Dr. Smith agrees."]
    clips = [tts.synthesize_all(s) for s in sentences]
    assert all(c.size > 0.5 * tts.sample_rate for c in clips)
    heard = stt.transcribe(resample(clips[1], tts.sample_rate, 16000)).text
    assert {"smith", "agree"} <= stems(heard)
    heard = stt.transcribe(resample(clips[0], tts.sample_rate, 16000)).text
    assert any(w.startswith("cost") for w in words(heard)) and ("29" in heard or "twenty" in words(heard))
