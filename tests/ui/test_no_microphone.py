"""With no input device the mic button is off and says why in the app's words; pressing to talk
anyway (the talk key, the tray) explains the same thing instead of turning red and then failing
with the command line's advice."""

from __future__ import annotations

from fakes import FakeCore

from app.paths import get_paths


def test_no_microphone_turns_the_mic_off_with_a_clear_message(themed_qapp, qtbot, monkeypatch) -> None:
    from ui.app import HearthApp
    from ui.voice_control import NO_MICROPHONE
    from voice import audio_io

    monkeypatch.setattr(audio_io, "list_devices", lambda: [  # a machine with speakers but no microphone
        {"name": "HDMI", "index": 0, "max_input_channels": 0, "max_output_channels": 2}])
    app = HearthApp(themed_qapp, paths=get_paths().ensure(), core=FakeCore(), start_hotkey=False)
    qtbot.addWidget(app.main)
    try:
        composer = app.main.composer
        assert composer.talk_button.isEnabled()
        app.check_microphone()
        qtbot.waitUntil(lambda: not composer.talk_button.isEnabled(), timeout=10_000)
        assert composer.talk_button.toolTip() == NO_MICROPHONE
        assert NO_MICROPHONE in composer.hint.text()

        app.voice.press()  # the talk key or the tray's Push to talk
        qtbot.waitUntil(lambda: app.main.partial.text() == NO_MICROPHONE, timeout=10_000)
        assert app.main.voice_state == "idle"  # never shown as listening
        assert "--in" not in app.main.partial.text() and "output" not in app.main.partial.text()
        app.voice.release()
    finally:
        app.center.close()


def test_voice_errors_use_the_apps_words() -> None:
    from ui.voice_control import NO_MICROPHONE, NO_SPEAKER, gui_wording
    from voice.errors import NoAudioDeviceError

    assert gui_wording(NoAudioDeviceError("No audio output device; use --out FILE")) == NO_SPEAKER
    assert gui_wording(NoAudioDeviceError("No audio input device; use --in FILE")) == NO_MICROPHONE
    assert gui_wording(RuntimeError("stream failed; use --in FILE instead")) == "stream failed"
