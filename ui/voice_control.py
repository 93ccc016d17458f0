"""Push-to-talk for the windows: builds the voice pipeline lazily (off the GUI thread) and forwards
press/release to it. Its events reach the windows through the bridge on the "voice" channel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from app import events as ev
from ui.services import Services
from voice.answerer import AgentAnswerer
from voice.errors import NoAudioDeviceError

SETTINGS_PAGE = "Settings → Voice"
NO_MICROPHONE = f"No microphone found. Connect one, or choose one in {SETTINGS_PAGE}."
NO_SPEAKER = "No speaker found: replies are shown here, not spoken."
MICROPHONE_PROBLEMS = ("No microphone found", "The microphone “")  # how microphone_problem() begins


def microphone_problem(wanted: str, devices: list[dict[str, Any]]) -> str:
    """Why push-to-talk cannot listen, in the app's words ("" when a microphone is there)."""
    inputs = [d for d in devices if d.get("max_input_channels", 0) > 0]
    if not inputs:
        return NO_MICROPHONE
    if wanted and not any(wanted.lower() in str(d.get("name", "")).lower() or wanted == str(d.get("index"))
                          for d in inputs):
        return f"The microphone “{wanted}” is not connected. Connect it, or choose another in {SETTINGS_PAGE}."
    return ""


def gui_wording(exc: BaseException) -> str:
    """A voice error as the app says it (the CLI's "use --in FILE" advice means nothing here)."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, NoAudioDeviceError):
        if "output" in text:
            return NO_SPEAKER
        if "input" in text or "Audio is unavailable" in text:
            return NO_MICROPHONE
    return text.split("; use --")[0]


class VoiceControl:
    """Thread-safe; every method returns at once, the work happens on a background thread.

    ``source_factory()`` gives the audio to listen to for one press (default: the microphone in
    the settings); ``sink_factory(sample_rate)`` where replies are played (default: the speaker).
    ``conversation()`` names the conversation voice turns join (the main window's current one,
    created if needed); ``open_conversation()`` the one open now, or "" (it creates nothing).
    """

    def __init__(self, services: Services, *, source_factory: Callable[[], Any] | None = None,
                 sink_factory: Callable[[int], Any] | None = None,
                 conversation: Callable[[], str] | None = None,
                 open_conversation: Callable[[], str] | None = None) -> None:
        self.services = services
        self.source_factory = source_factory
        self.sink_factory = sink_factory
        self.conversation = conversation or (lambda: "voice")
        self.open_conversation = open_conversation or self.conversation
        self._pipeline: Any = None
        self._lock = threading.Lock()
        self._pressed = threading.Event()
        self.paused = False

    def _post(self, event: ev.Event) -> None:
        self.services.post(event, "voice")

    def _build(self) -> Any:
        with self._lock:
            if self._pipeline is not None:
                return self._pipeline
            from voice.audio_io import SpeakerSink
            from voice.pipeline import VoicePipeline
            from voice.stt import SpeechToText
            from voice.tts import TextToSpeech

            settings = self.services.settings.voice
            stt = SpeechToText(settings.stt_model)
            tts = TextToSpeech(settings.voice)
            speak = settings.speak_replies and not self.paused
            if self.sink_factory is not None:
                sink = self.sink_factory(tts.sample_rate)
            else:
                try:
                    sink = SpeakerSink(tts.sample_rate, settings.output_device)
                except NoAudioDeviceError:  # listening still works; replies are read, not heard
                    from voice.wav_io import WavSink

                    sink, speak = WavSink(None, tts.sample_rate), False
                    self._post(ev.ErrorEvent(stage="tts", message=NO_SPEAKER))
            self._pipeline = VoicePipeline(
                stt,
                tts,
                _Answerer(self.services, self.conversation, self.open_conversation),
                sink,
                listener=self._post,
                cue_sounds=settings.cue_sounds,
                speak_replies=speak,
                conversation_id="voice",
            )
            return self._pipeline

    def microphone_problem(self) -> str:
        """Why pressing to talk would not work now ("" when it would). Blocks: call off the GUI thread."""
        if self.source_factory is not None:
            return ""
        from voice.audio_io import list_devices

        return microphone_problem(self.services.settings.voice.input_device, list_devices())

    def _run(self, fn) -> None:
        def target() -> None:
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - a missing microphone is reported, not raised
                self._pressed.clear()
                self._post(ev.ErrorEvent(stage="audio", message=gui_wording(exc)))

        threading.Thread(target=target, name="hearth-ui-voice", daemon=True).start()

    def press(self) -> None:
        if self._pressed.is_set():
            return
        self._pressed.set()

        def go() -> None:
            problem = self.microphone_problem()  # before anything listens or turns red
            if problem:
                self._pressed.clear()
                self._post(ev.ErrorEvent(stage="audio", message=problem))
                return
            pipeline = self._build()
            if not self._pressed.is_set():  # released before the models were ready
                return
            if self.source_factory is not None:
                source = self.source_factory()
            else:
                from voice.audio_io import MicrophoneSource

                source = MicrophoneSource(self.services.settings.voice.input_device)
            pipeline.press(source)

        self._run(go)

    @property
    def pipeline(self) -> Any:
        return self._pipeline

    def release(self) -> None:
        if not self._pressed.is_set():
            return
        self._pressed.clear()

        def go() -> None:
            pipeline = self._pipeline
            if pipeline is not None and pipeline.listening:
                pipeline.release()

        self._run(go)

    def toggle(self) -> None:
        """The tray's Push to talk: the first click listens, the second stops."""
        if self._pressed.is_set():
            self.release()
        else:
            self.press()

    def set_paused(self, paused: bool) -> None:
        """Pause voice: stop speaking replies (and whatever is being said now)."""
        self.paused = paused
        pipeline = self._pipeline
        if pipeline is not None:
            pipeline.speak_replies = self.services.settings.voice.speak_replies and not paused
            if paused:
                self._run(pipeline.barge_in)

    def close(self) -> None:
        pipeline = self._pipeline
        if pipeline is not None:
            pipeline.close()


class _Answerer(AgentAnswerer):
    """Voice turns go through the same agent as typed ones (so approvals still apply), reached
    through the app's core ops. The pipeline posts their events on the "voice" channel, holding
    back an early answer until the key is up and the final transcript matches; a dropped one
    leaves no trace in the conversation."""

    def __init__(self, services: Services, conversation: Callable[[], str],
                 open_conversation: Callable[[], str] | None = None) -> None:
        super().__init__(agent=None)
        self.services = services
        self.conversation = conversation
        self.open_conversation = open_conversation or conversation

    def start_turn(self, text: str, *, conversation_id: str = "voice", source: str = "voice") -> Any:
        return super().start_turn(text, conversation_id=self.conversation() or conversation_id, source=source)

    def can_speculate(self, text: str) -> bool:
        return self.services.can_answer_early(text)

    def warm(self, *, conversation_id: str = "voice") -> None:
        """At the press: prefill the open conversation's prompt (a press alone creates none)."""
        cid = self.open_conversation()
        if cid:
            self.services.warm_conversation(cid)

    def _start(self, text: str, conversation_id: str, source: str) -> Any:
        return self.services.start_turn(text, conversation_id, source)

    def _count(self, conversation_id: str) -> int | None:
        return self.services.message_count(conversation_id)

    def _truncate(self, conversation_id: str, count: int) -> None:
        self.services.truncate_conversation(conversation_id, count)
