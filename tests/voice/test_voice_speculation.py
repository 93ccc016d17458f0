"""Answers started while the key is still held: kept when the final transcript matches, dropped
(never shown, never played, forgotten by the answerer) when it does not. Real Whisper and Piper;
scripted answers."""

from __future__ import annotations

import time

import numpy as np
import pytest
from voice_scripted import ScriptedAnswerer, SpeculatingAnswerer
from voice_speech import pad, piper, stems, words

from app.events import FinalTranscript, SpeakingStarted, Token, TurnStarted
from voice.interfaces import CAPTURE_RATE
from voice.pipeline import VoicePipeline
from voice.wav_io import WavSink, WavSource

pytestmark = pytest.mark.slow

ANSWER = "Paris is the capital of France. It is on the Seine."


def make(stt, tts, answerer, **options):  # noqa: ANN001, ANN003, ANN202
    events: list = []
    sink = WavSink(None, tts.sample_rate, realtime=True)
    pipeline = VoicePipeline(stt, tts, answerer, sink, listener=events.append, cue_sounds=False, **options)
    return pipeline, sink, events


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * CAPTURE_RATE), np.float32)


def test_a_pause_with_the_key_held_starts_the_answer_which_plays_only_after_release(stt, tts) -> None:  # noqa: ANN001
    answerer = SpeculatingAnswerer(ANSWER, delay=0.02)
    pipeline, sink, events = make(stt, tts, answerer)
    try:
        # The key stays down 1.5 s after the question: plenty for the pause to be noticed.
        final = pipeline.talk(WavSource(pad(piper(tts, "What is the capital of France"), after_s=1.5)), timeout=60)
        assert pipeline.speaker.wait_idle(30)
    finally:
        pipeline.close()
    m = pipeline.metrics
    assert {"capital", "france"} <= stems(final.text)
    assert answerer.asked == [(final.text, "voice")] and answerer.discarded == []
    assert answerer.asked_at[0] < m.released_at  # asked before the release...
    assert m.speculated and m.speculations == 1 and m.first_token_at < m.released_at
    # ...but nothing was shown before the final transcript, nor played before the release.
    kinds = [e.kind for e in events]
    assert kinds.index("FinalTranscript") < kinds.index("TurnStarted") < kinds.index("Token")
    assert min(t for t, _ in sink.write_times) >= m.released_at
    spoken = [e.sentence for e in events if isinstance(e, SpeakingStarted)]
    assert spoken == ["Paris is the capital of France.", "It is on the Seine."]
    assert "".join(e.text for e in events if isinstance(e, Token)).strip() == ANSWER
    assert answerer.warmed == ["voice"]  # the prompt was warmed once, at the press


def test_speech_after_the_pause_drops_the_early_answer_and_answers_the_whole_question(stt, tts) -> None:  # noqa: ANN001
    answerer = SpeculatingAnswerer(ANSWER, delay=0.05)
    pipeline, sink, events = make(stt, tts, answerer)
    first, second = piper(tts, "Remind me to call my mother"), piper(tts, "tonight at eight")
    audio = pad(np.concatenate([first, silence(1.2), second]), after_s=0.4)
    try:
        final = pipeline.talk(WavSource(audio), timeout=60)
        assert pipeline.speaker.wait_idle(30)
    finally:
        pipeline.close()
    assert {"mother", "tonight", "eight"} <= stems(final.text)
    assert pipeline.metrics.speculations >= 1
    # The early answer (to the first half) was cancelled and forgotten; only the full question
    # was answered in view of the listener.
    assert len(answerer.asked) >= 2 and answerer.asked[-1] == (final.text, "voice")
    early = answerer.turns[0]
    assert "eight" not in words(answerer.asked[0][0])
    assert early.cancelled.is_set() and early in answerer.discarded
    turns = [e for e in events if isinstance(e, TurnStarted)]
    assert len(turns) == 1
    finals = [e for e in events if isinstance(e, FinalTranscript)]
    assert [e.text for e in finals] == [final.text]
    assert [e.sentence for e in events if isinstance(e, SpeakingStarted)] == [
        "Paris is the capital of France.",
        "It is on the Seine.",
    ]


def test_no_speculation_when_the_answerer_does_not_allow_it_or_it_is_off(stt, tts) -> None:  # noqa: ANN001
    question = pad(piper(tts, "What is the capital of France"), after_s=1.2)
    for answerer, options in (
        (SpeculatingAnswerer(ANSWER, allow=False), {}),  # e.g. the request asks for an action
        (SpeculatingAnswerer(ANSWER), {"speculate": False, "warm": False}),
        (ScriptedAnswerer(ANSWER), {}),  # no can_speculate at all (the desktop app's answerer)
    ):
        pipeline, _, _ = make(stt, tts, answerer, **options)
        try:
            pipeline.talk(WavSource(question, speed=2.0), timeout=60)
            assert pipeline.speaker.wait_idle(30)
        finally:
            pipeline.close()
        assert not pipeline.metrics.speculated and pipeline.metrics.speculations == 0
        assert len(answerer.asked) == 1
        if isinstance(answerer, SpeculatingAnswerer):
            assert answerer.asked_at[0] >= pipeline.metrics.released_at
            assert answerer.warmed == ([] if options else ["voice"])


def test_closing_while_an_early_answer_runs_drops_it_silently(stt, tts) -> None:  # noqa: ANN001
    answerer = SpeculatingAnswerer(" ".join(["A long answer that goes on."] * 20), delay=0.05)
    pipeline, sink, events = make(stt, tts, answerer)
    source = WavSource(pad(piper(tts, "What is the capital of France"), after_s=3.0))
    try:
        pipeline.press(source)
        deadline = time.monotonic() + 20
        while not answerer.turns and time.monotonic() < deadline:
            time.sleep(0.02)
        assert answerer.turns, "no early answer was started during the pause"
    finally:
        pipeline.close()
    assert answerer.turns[0].cancelled.is_set() and answerer.turns[0].finished.wait(5)
    assert not any(e.kind in ("TurnStarted", "Token", "BargeIn", "SpeakingStarted") for e in events)
    assert sink.audio().size == 0
