"""Push-to-talk from the window: pressing and releasing the mic button drives the real voice
pipeline (Whisper tiny.en, Piper) with a spoken WAV instead of the microphone, and the spoken turn
shows up in the conversation like a typed one (transcript as the user's message, then the answer)."""

from __future__ import annotations

import pytest
from fakes import FakeCore, ScriptedAgent
from PySide6.QtCore import Qt

pytestmark = pytest.mark.slow


def test_push_to_talk_button_drives_voice_and_shows_the_turn(themed_qapp, qtbot, tmp_path):
    from app import events as ev
    from app.config import Settings
    from app.paths import get_paths
    from ui.app import HearthApp
    from ui.conversation_view import UserBubble
    from voice.tts import TextToSpeech
    from voice.wav_io import WavSink, WavSource, write_wav

    settings = Settings()
    settings.voice.cue_sounds = False
    settings.voice.speak_replies = False
    tts = TextToSpeech(settings.voice.voice)
    wav = tmp_path / "question.wav"
    write_wav(wav, tts.synthesize_all("What time does the library open tomorrow?"), tts.sample_rate)

    agent = ScriptedAgent("The library opens at nine.")
    app = HearthApp(themed_qapp, paths=get_paths().ensure(), settings=settings, core=FakeCore(agent),
                    start_hotkey=False)
    qtbot.addWidget(app.main)
    sources: list[WavSource] = []

    def source() -> WavSource:
        sources.append(WavSource.from_file(wav, speed=3.0))
        return sources[-1]

    app.voice.source_factory = source
    app.voice.sink_factory = lambda rate: WavSink(None, rate)
    voice_events: list[ev.Event] = []
    app.bridge.voice.connect(lambda event, _channel: voice_events.append(event))
    tokens: list[str] = []
    app.bridge.token.connect(lambda event, channel: tokens.append(event.text) if channel == "voice" else None)
    try:
        button = app.main.composer.talk_button
        qtbot.mousePress(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(sources) and sources[0].exhausted.is_set(), timeout=120_000)
        qtbot.waitUntil(lambda: app.main.voice_state == "listening" or any(
            isinstance(e, ev.PartialTranscript) for e in voice_events), timeout=10_000)
        qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any(isinstance(e, ev.FinalTranscript) for e in voice_events), timeout=120_000)
        final = next(e for e in voice_events if isinstance(e, ev.FinalTranscript))
        assert "library" in final.text.lower()
        qtbot.waitUntil(lambda: app.main._voice_answer is not None and app.main._voice_answer.finished,
                        timeout=60_000)
        assert agent.turns and agent.turns[0].text == final.text  # the transcript went to the agent
        bubbles = app.main.view.findChildren(UserBubble)
        assert [b.label.source() for b in bubbles] == [final.text.strip()]
        assert app.main.view.current().text() == "The library opens at nine."
        assert "".join(tokens).strip() == "The library opens at nine."  # each token shown once
        assert app.main.conversation_id  # the turn joined a stored conversation
        assert any(isinstance(e, ev.ListeningStarted) for e in voice_events)
    finally:
        app.voice.close()
        app.center.close()
