"""The voice pipeline answered by the real default model (SmolLM2 through ModelService)."""

from __future__ import annotations

import numpy as np
import pytest
from voice_speech import pad, piper, stems, words

from app.events import FinalAnswer, SpeakingStarted, Token
from voice.answerer import AgentAnswerer, ModelAnswerer
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
    assert {"capital", "france"} <= stems(final.text)
    tokens = "".join(e.text for e in events if isinstance(e, Token))
    answers = [e for e in events if isinstance(e, FinalAnswer)]
    assert answers and answers[0].text == tokens.strip() and tokens.strip()
    assert any(isinstance(e, SpeakingStarted) for e in events)
    audio = sink.audio()
    assert audio.size > 0.3 * tts.sample_rate and float(np.sqrt(np.mean(audio**2))) > 0.02
    m = pipeline.metrics
    assert m.released_at < m.transcript_at <= m.first_token_at <= m.first_sentence_at <= m.first_audio_at


@pytest.fixture()
def voice_agent(model_service):  # noqa: ANN001, ANN201
    """The real agent (as `hearth voice` builds it, memory off) on the shared model."""
    from app.config import Settings
    from app.core import HearthCore

    settings = Settings()
    settings.model.max_tokens = 48  # a short spoken answer keeps the suite quick
    core = HearthCore(settings=settings, use_memory=False, model=model_service)
    return AgentAnswerer(core.agent)


def test_only_plain_questions_are_answered_before_the_release(voice_agent) -> None:  # noqa: ANN001
    assert voice_agent.can_speculate("What is the capital of France?")
    assert not voice_agent.can_speculate("Delete the report in my downloads folder")
    assert not voice_agent.can_speculate("Send an email to Sam about the meeting")
    assert not AgentAnswerer(voice_agent.agent, speculate=False).can_speculate("What is the capital of France?")


def test_a_spoken_question_through_the_agent_with_a_pause_midway(stt, tts, voice_agent) -> None:  # noqa: ANN001
    """The pause after "What is the capital" starts an early answer; speech resumes, so it is
    dropped and leaves no trace in the conversation; the whole question is answered and spoken."""
    events: list = []
    sink = WavSink(None, tts.sample_rate)
    pipeline = VoicePipeline(stt, tts, voice_agent, sink, listener=events.append, cue_sounds=False,
                             conversation_id="voice-test")
    pause = np.zeros(int(1.2 * 16000), np.float32)
    audio = pad(np.concatenate([piper(tts, "What is the capital"), pause, piper(tts, "of France")]), after_s=1.0)
    try:
        final = pipeline.talk(WavSource(audio), timeout=180)
        assert pipeline.speaker.wait_idle(60)
    finally:
        pipeline.close()
    # Both halves were heard (Whisper hears "of France" alone as "a France" or "a friend").
    assert "capital" in words(final.text) and len(words(final.text)) >= 5, final.text
    assert pipeline.metrics.speculations >= 1  # at least the early answer at the first pause
    answers = [e for e in events if isinstance(e, FinalAnswer)]
    assert len(answers) == 1 and answers[0].text.strip()
    assert sum(e.kind == "TurnStarted" for e in events) == 1
    assert any(isinstance(e, SpeakingStarted) for e in events)
    assert sink.audio().size > 0.3 * tts.sample_rate
    stored = voice_agent.agent.conversations.load("voice-test")["messages"]
    assert [(m["role"], m["content"]) for m in stored] == [("user", final.text), ("assistant", answers[0].text)]
