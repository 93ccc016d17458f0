"""Voice fixtures: the real Whisper and Piper models, loaded once per run, and speech helpers."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def stt():  # noqa: ANN201
    from voice.stt import SpeechToText

    return SpeechToText()


@pytest.fixture(scope="session")
def tts():  # noqa: ANN201
    from voice.tts import TextToSpeech

    return TextToSpeech()


@pytest.fixture(scope="session")
def tts_slow():  # noqa: ANN201
    from voice.tts import TextToSpeech

    return TextToSpeech(length_scale=1.25)
