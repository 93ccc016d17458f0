"""The voice pipeline answered by the real default model (SmolLM2 through ModelService)."""

from __future__ import annotations

import numpy as np
import pytest
from voice_speech import pad, piper, words

from app.events import FinalAnswer, SpeakingStarted, Token
from voice.answerer import ModelAnswerer
from voice.pipeline import VoicePipeline
from voice.wav_io import WavSink, WavSource

pytestmark = pytest.mark.slow


def test_spoken_question_gets_a_spoken_answer_from_the_real_model(stt, tts, model_service) -> None:  # noqa: ANN001
    events: list = []
    sink = WavSink(None, tts.sample_rate)
    answerer = ModelAnswerer(model_service, max_tokens=48)
    pipeline = VoicePipeline(stt, tts, answerer, sink, listener=events.append, cue_sounds=False)
    try:
        final = pipeline.talk(WavSource(pad(piper(tts, "What is the capital of France")), speed=2.0), timeout=180)
        assert pipeline.speaker.wait_idle(60)
    finally:
        pipeline.close()
    assert {"capital", "france"} <= set(words(final.text))
    tokens = "".join(e.text for e in events if isinstance(e, Token))
    answers = [e for e in events if isinstance(e, FinalAnswer)]
    assert answers and answers[0].text == tokens.strip() and tokens.strip()
    assert any(isinstance(e, SpeakingStarted) for e in events)
    audio = sink.audio()
    assert audio.size > 0.3 * tts.sample_rate and float(np.sqrt(np.mean(audio**2))) > 0.02
    m = pipeline.metrics
    assert m.released_at < m.transcript_at <= m.first_token_at <= m.first_sentence_at <= m.first_audio_at
