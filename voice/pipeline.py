"""The push-to-talk voice session: capture → streaming STT → answerer → sentences → TTS → sink.

``press(source)`` starts listening (and barges in on a reply under way), ``release()`` ends the
utterance, takes the final transcript (mostly done already) and starts the answer; sentences of
the answer are synthesised and played as soon as they are complete, while the answer is still
being generated. Everything is reported through ``listener`` as ``app.events`` events.

Speculation: when the speaker pauses while still holding the key and the transcript covers all
that was said, the answer is started at once (generated and synthesised, nothing played and no
event shown). At release it is kept if the final transcript is the same text, else dropped
(silently; the answerer forgets it) and the final transcript is answered as usual. Voice heard
again also drops it. Only answerers that say ``can_speculate(text)`` (no tools, so no approval
or action can be reached before the release) are asked early.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.events import (
    ApprovalRequested,
    BargeIn,
    ErrorEvent,
    Event,
    FinalAnswer,
    FinalTranscript,
    ListeningStarted,
    ListeningStopped,
    PartialTranscript,
    SpeakingFinished,
    SpeakingStarted,
    Token,
)
from app.policy.display_text import hidden_in
from voice.answerer import Answerer, Turn
from voice.cues import load_cue
from voice.errors import VoiceError
from voice.interfaces import CAPTURE_RATE, AudioSink, AudioSource
from voice.playback import Speaker
from voice.sentences import SentenceSplitter
from voice.streaming_stt import StreamingTranscriber
from voice.stt import SpeechToText
from voice.tts import TextToSpeech

Listener = Callable[[Event], None]
_END = "\x00end"


def approval_question(event: ApprovalRequested) -> str:
    """What Hearth says when an action needs approval; the decision is never taken by voice."""
    what = (event.explanation or f"use the {event.tool} tool").strip().rstrip(".")
    if what[:1].isupper() and not what[:2].isupper():
        what = what[0].lower() + what[1:]
    warning = " Careful: it contains hidden characters." if hidden_in([event.explanation, event.arguments]) else ""
    return f"I need your approval to {what}.{warning} Please check the approval panel."


GENERAL_SPOKEN = "That was general knowledge from the model, not from your data, so it may be wrong."

@dataclass
class UtteranceMetrics:
    """Monotonic timestamps of one utterance and its reply (for the benchmark and tests)."""

    pressed_at: float = 0.0
    released_at: float = 0.0
    transcript_at: float = 0.0
    first_token_at: float = 0.0
    first_sentence_at: float = 0.0
    first_audio_at: float = 0.0
    reply_done_at: float = 0.0
    audio_seconds: float = 0.0
    stt_passes: int = 0
    reused_partial: bool = False
    speculations: int = 0  # answers started while the key was held
    speculated: bool = False  # the reply that played was one of them
    speculation_at: float = 0.0  # when that reply started
    sentences: list[str] = field(default_factory=list)


@dataclass
class _Reply:
    epoch: int
    text: str
    speculative: bool = False
    turn: Turn | None = None
    started_at: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)  # its turn was followed to the end
    committed: threading.Event = field(default_factory=threading.Event)  # may be shown and played
    decided: threading.Event = field(default_factory=threading.Event)  # committed or cancelled
    cancelled: bool = False
    held: list[Event] = field(default_factory=list)  # events kept back until the commit
    marks: dict[str, float] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class VoicePipeline:
    def __init__(
        self,
        stt: SpeechToText,
        tts: TextToSpeech,
        answerer: Answerer | None,
        sink: AudioSink,
        *,
        listener: Listener | None = None,
        cue_sounds: bool = True,
        speak_replies: bool = True,
        conversation_id: str = "voice",
        speculate: bool = True,
        warm: bool = True,
        first_clause_words: int = 4,
        first_break_words: int = 6,
    ) -> None:
        if sink.sample_rate != tts.sample_rate:
            raise VoiceError(
                f"The sink plays {sink.sample_rate} Hz but the voice speaks {tts.sample_rate} Hz"
            )
        self.stt = stt
        self.tts = tts
        self.answerer = answerer
        self.sink = sink
        self.listener = listener
        self.cue_sounds = cue_sounds
        self.speak_replies = speak_replies
        self.conversation_id = conversation_id
        self.speculate = speculate
        self.warm = warm
        self.first_clause_words = first_clause_words
        self.first_break_words = first_break_words
        self._warmed = False
        self.metrics = UtteranceMetrics()
        self.speaker = Speaker(sink, on_sentence=self._on_sentence_played, on_finished=self._on_reply_played)
        self._synth_queue: queue.Queue[tuple[_Reply, str] | None] = queue.Queue()
        self._synth_thread = threading.Thread(target=self._synth_loop, name="voice-tts", daemon=True)
        self._synth_thread.start()
        self._lock = threading.RLock()
        self._source: AudioSource | None = None
        self._capture: threading.Thread | None = None
        self._transcriber: StreamingTranscriber | None = None
        self._reply: _Reply | None = None
        self._speaking_epoch: int | None = None

    # --- events ------------------------------------------------------------------------------

    def emit(self, event: Event) -> None:
        if self.listener is not None:
            try:
                self.listener(event)
            except Exception:  # a broken listener must not take the voice loop down
                pass

    # --- push-to-talk ------------------------------------------------------------------------

    @property
    def listening(self) -> bool:
        return self._source is not None

    @property
    def busy(self) -> bool:
        """A reply is being generated or spoken."""
        reply = self._reply
        return reply is not None and not reply.done.is_set()

    def press(self, source: AudioSource) -> None:
        """Push-to-talk pressed: stop any reply at once, then listen to ``source``."""
        with self._lock:
            if self._source is not None:
                return
            self.barge_in()
            self.metrics = UtteranceMetrics(pressed_at=time.monotonic())
            self.emit(ListeningStarted())
            if self.cue_sounds:
                self.speaker.cue(load_cue("start", self.sink.sample_rate))
            self._warm_up()
            speculating = self.speculate and callable(getattr(self.answerer, "can_speculate", None))
            self._transcriber = StreamingTranscriber(
                self.stt,
                on_partial=lambda text: self.emit(PartialTranscript(text=text)),
                on_endpoint=self._on_endpoint if speculating else None,
                on_resume=self._on_resume if speculating else None,
            )
            self._source = source
            source.start()
            self._capture = threading.Thread(
                target=self._capture_loop, args=(source, self._transcriber), name="voice-capture", daemon=True
            )
            self._capture.start()

    def _warm_up(self) -> None:
        """Once per session: let the answerer prefill its fixed prompt while the user speaks."""
        warm = getattr(self.answerer, "warm", None)
        if self._warmed or not self.warm or not callable(warm):
            return
        self._warmed = True

        def run() -> None:
            try:
                warm(conversation_id=self.conversation_id)
            except Exception:  # only a speed-up: the turn itself reports real failures
                pass

        threading.Thread(target=run, name="voice-warm", daemon=True).start()

    def _on_endpoint(self, text: str, upto: int) -> None:
        """The speaker paused with the key held: start answering what was said (held back)."""
        with self._lock:
            if self._source is None or self.answerer is None:
                return
            current = self._reply
            if current is not None and current.speculative and not current.cancelled:
                if current.text == text:
                    return
                self._drop(current)
            try:
                allowed = bool(self.answerer.can_speculate(text))  # type: ignore[attr-defined]
            except Exception:
                allowed = False
            if not allowed:
                return
            self.metrics.speculations += 1
            self._start_reply(text, speculative=True)

    def _on_resume(self) -> None:
        """Voice again after a pause: what was started early may no longer be the question."""
        reply = self._reply  # no lock: this runs on the capture thread, which release() joins
        if reply is not None and reply.speculative and not reply.committed.is_set():
            self._drop(reply)

    def _drop(self, reply: _Reply) -> None:
        """Cancel an uncommitted speculative reply; nothing of it was shown or played."""
        if reply.cancelled:
            return
        reply.cancelled = True
        reply.decided.set()
        if reply.turn is not None:
            try:
                reply.turn.cancel()
            except Exception:
                pass
        reply.done.set()

    def _commit(self, reply: _Reply) -> None:
        """The final transcript is what was answered early: show its events and let it play."""
        m = self.metrics
        m.speculated = True
        m.speculation_at = reply.started_at
        with reply.lock:
            for name, value in reply.marks.items():
                setattr(m, name, value)
            m.sentences.extend(reply.sentences)
            held, reply.held = reply.held, []
            for event in held:
                self.emit(event)
            reply.committed.set()
        reply.decided.set()

    def _capture_loop(self, source: AudioSource, transcriber: StreamingTranscriber) -> None:
        try:
            for block in source.blocks():
                transcriber.add(block)
        except Exception as exc:
            self.emit(ErrorEvent(stage="audio", message=f"Audio capture failed: {exc}"))

    def wait_source_end(self, timeout: float | None = None) -> bool:
        """Wait until the source has delivered everything (file sources end on their own)."""
        capture = self._capture
        if capture is None:
            return True
        capture.join(timeout)
        return not capture.is_alive()

    def release(self) -> FinalTranscript:
        """Push-to-talk released: finish the transcript and start answering it."""
        with self._lock:
            source, transcriber, capture = self._source, self._transcriber, self._capture
            if source is None or transcriber is None or capture is None:
                return FinalTranscript(text="", no_speech=True)
            source.stop()
            capture.join()
            self.metrics.released_at = time.monotonic()
            self._source = self._capture = self._transcriber = None
        audio_s = transcriber.audio().size / CAPTURE_RATE
        self.emit(ListeningStopped(duration_s=audio_s))
        if self.cue_sounds:
            self.speaker.cue(load_cue("stop", self.sink.sample_rate))
        try:
            transcript = transcriber.finish()
        except Exception as exc:
            self.emit(ErrorEvent(stage="stt", message=f"Speech recognition failed: {exc}"))
            return FinalTranscript(text="", no_speech=True)
        m = self.metrics
        m.transcript_at = time.monotonic()
        m.audio_seconds = audio_s
        m.stt_passes = transcriber.passes
        m.reused_partial = transcriber.reused_partial
        final = FinalTranscript(text=transcript.text, no_speech=transcript.no_speech)
        early = self._reply
        if early is None or not early.speculative or early.committed.is_set() or early.cancelled:
            early = None
        if early is not None and not transcript.no_speech and early.text == transcript.text:
            self.emit(final)
            self._commit(early)
            return final
        if early is not None:
            self._drop(early)
        self.emit(final)
        if not transcript.no_speech and self.answerer is not None:
            self._start_reply(transcript.text)
        return final

    def talk(
        self, source: AudioSource, *, wait_reply: bool = True, timeout: float | None = None
    ) -> FinalTranscript:
        """Hold the key for the whole of a (file) source, release, and (by default) await the reply."""
        self.press(source)
        self.wait_source_end()
        final = self.release()
        if wait_reply:
            self.wait_reply(timeout)
        return final

    # --- reply -------------------------------------------------------------------------------

    def _start_reply(self, text: str, *, speculative: bool = False) -> None:
        assert self.answerer is not None
        previous = self._reply
        if previous is not None and previous.speculative and previous.cancelled:
            previous.finished.wait(10)  # the answerer has forgotten it before the next turn starts
        epoch = self.speaker.new_epoch()
        reply = _Reply(epoch=epoch, text=text, speculative=speculative)
        if not speculative:
            reply.committed.set()
            reply.decided.set()
        with self._lock:
            self._reply = reply
        try:
            reply.turn = self.answerer.start_turn(text, conversation_id=self.conversation_id, source="voice")
        except Exception as exc:
            if not speculative:
                self.emit(ErrorEvent(stage="agent", message=f"Could not start the answer: {exc}"))
            reply.cancelled = speculative
            reply.decided.set()
            reply.done.set()
            reply.finished.set()
            return
        threading.Thread(target=self._respond, args=(reply,), name="voice-respond", daemon=True).start()

    def _show(self, reply: _Reply, event: Event) -> None:
        """Emit an event of the reply, or hold it back until a speculative reply is committed."""
        with reply.lock:
            if not reply.committed.is_set():
                reply.held.append(event)
                return
        self.emit(event)

    def _mark(self, reply: _Reply, name: str) -> None:
        with reply.lock:
            if name not in reply.marks:
                reply.marks[name] = time.monotonic()
                if reply.committed.is_set():
                    setattr(self.metrics, name, reply.marks[name])

    def _respond(self, reply: _Reply) -> None:
        try:
            self._follow(reply)
        finally:
            if reply.speculative:
                self._await_decision(reply)  # an early answer may be dropped after it has ended
            if reply.cancelled and reply.speculative:
                discard = getattr(self.answerer, "discard", None)
                if callable(discard):
                    try:
                        discard(reply.turn)
                    except Exception:
                        pass
            reply.finished.set()

    def _follow(self, reply: _Reply) -> None:
        """Follow the turn's events; cut its tokens into sentences and queue them for speech."""
        # The first piece may end at a comma (or before "and", "but"...), so the voice starts
        # before a long first sentence ends.
        splitter = SentenceSplitter(
            first_clause_words=self.first_clause_words, first_break_words=self.first_break_words
        )
        spoke_tokens = False
        general = False  # the answer is the model's general knowledge: said so after it
        assert reply.turn is not None
        events = iter(reply.turn)
        try:
            for event in events:
                if reply.cancelled:
                    break
                self._show(reply, event)
                if isinstance(event, Token):
                    self._mark(reply, "first_token_at")
                    spoke_tokens = True
                    for sentence in splitter.feed(event.text):
                        self._say(reply, sentence)
                elif isinstance(event, ApprovalRequested):
                    for sentence in splitter.flush():
                        self._say(reply, sentence)
                    self._say(reply, approval_question(event))
                elif isinstance(event, FinalAnswer):
                    general = event.checked == "general"
                    if not spoke_tokens:
                        splitter.feed(event.text)
                elif isinstance(event, ErrorEvent):
                    self._say(reply, "Sorry, something went wrong.")
        except Exception as exc:
            if not reply.cancelled:
                self._show(reply, ErrorEvent(stage="agent", message=f"The answer failed: {exc}"))
        finally:
            close = getattr(events, "close", None)
            if reply.cancelled and close is not None:
                try:
                    close()  # a generator-backed turn stops here (cancel() already told it)
                except Exception:
                    pass
        if not reply.cancelled:
            for sentence in splitter.flush():
                self._say(reply, sentence)
            if general:  # the window shows this under the answer; a listener hears it
                self._say(reply, GENERAL_SPOKEN)
            self._synth_queue.put((reply, _END))

    def _say(self, reply: _Reply, sentence: str) -> None:
        if reply.cancelled or not self.speak_replies:
            return
        self._mark(reply, "first_sentence_at")
        with reply.lock:
            reply.sentences.append(sentence)
            if reply.committed.is_set():
                self.metrics.sentences.append(sentence)
        self._synth_queue.put((reply, sentence))

    def _synth_loop(self) -> None:
        while True:
            item = self._synth_queue.get()
            if item is None:
                return
            reply, sentence = item
            if reply.cancelled:
                continue
            if sentence == _END:
                self._await_decision(reply)
                if reply.cancelled:
                    continue
                self.speaker.end(reply.epoch)
                continue
            first = True
            try:
                for chunk in self.tts.synthesize(sentence):
                    self._await_decision(reply)  # synthesised ahead, played only once kept
                    if reply.cancelled:
                        break
                    self.speaker.play(chunk, epoch=reply.epoch, sentence=sentence if first else "")
                    first = False
            except Exception as exc:
                self.emit(ErrorEvent(stage="tts", message=f"Speech synthesis failed: {exc}"))

    @staticmethod
    def _await_decision(reply: _Reply) -> None:
        while not reply.decided.wait(0.5) and not reply.cancelled:
            pass

    def _on_sentence_played(self, sentence: str) -> None:
        reply = self._reply
        if reply is not None and not self.metrics.first_audio_at:
            self.metrics.first_audio_at = self.speaker.first_audio_at.get(reply.epoch, time.monotonic())
        self._speaking_epoch = self.speaker.epoch
        self.emit(SpeakingStarted(sentence=sentence))

    def _on_reply_played(self, epoch: int) -> None:
        reply = self._reply
        if reply is None or reply.epoch != epoch:
            return
        if self._speaking_epoch == epoch:
            self._speaking_epoch = None
            self.emit(SpeakingFinished(interrupted=False))
        self.metrics.reply_done_at = time.monotonic()
        reply.done.set()

    def wait_reply(self, timeout: float | None = None) -> bool:
        reply = self._reply
        return True if reply is None else reply.done.wait(timeout)

    def barge_in(self) -> bool:
        """Stop speaking at once and cancel the answer under way; True if there was one."""
        with self._lock:
            reply = self._reply
            if reply is None or reply.done.is_set():
                return False
            if not reply.committed.is_set():  # answered early, never shown: drop it silently
                self._drop(reply)
                return False
            reply.cancelled = True
            was_speaking = self.speaker.stop()
            if reply.turn is not None:
                try:
                    reply.turn.cancel()
                except Exception:
                    pass
            self.emit(BargeIn())
            if was_speaking or self._speaking_epoch == reply.epoch:
                self._speaking_epoch = None
                self.emit(SpeakingFinished(interrupted=True))
            reply.done.set()
            return True

    def close(self) -> None:
        self.barge_in()
        with self._lock:
            if self._source is not None:
                self._source.stop()
        self._synth_queue.put(None)
        self.speaker.wait_idle(2)
        self.speaker.close()
        self._synth_thread.join(timeout=2)
