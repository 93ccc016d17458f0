"""Transcribe while push-to-talk is held, so that little is left to do at release.

Whenever the speaker pauses (energy gate) or another second of audio has come in, the
not-yet-committed audio is transcribed again and reported as a partial transcript. Long
utterances are committed piecewise at Silero-detected pauses, so no single pass grows without
bound. At release, if the last partial already covers everything Silero calls speech, it *is*
the final transcript; otherwise only the uncommitted tail is transcribed.

A pass made at a pause reports ``on_endpoint(text, upto)``: the transcript of everything heard so
far, which the pipeline may start answering speculatively while the key is still held. When voice
is heard again after such an endpoint, ``on_resume()`` says the speculation is stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from voice.interfaces import CAPTURE_RATE
from voice.stt import SpeechToText, Transcript
from voice.vad import EnergyEndpointer, speech_spans

SR = CAPTURE_RATE


class StreamingTranscriber:
    def __init__(
        self,
        stt: SpeechToText,
        *,
        on_partial: Callable[[str], None] | None = None,
        on_endpoint: Callable[[str, int], None] | None = None,
        on_resume: Callable[[], None] | None = None,
        partial_every_s: float = 1.5,
        pause_s: float = 0.25,
        commit_after_s: float = 20.0,
    ) -> None:
        self._stt = stt
        self._on_partial = on_partial
        self._on_endpoint = on_endpoint
        self._on_resume = on_resume
        self._endpoint_at: int | None = None  # audio the last endpoint covered, until voice resumes
        self._every = int(partial_every_s * SR)
        self._pause_s = pause_s
        self._commit_after = int(commit_after_s * SR)
        self._blocks: list[np.ndarray] = []
        self._n = 0
        self._committed: list[str] = []
        self._committed_upto = 0
        self._hypothesis: tuple[str, int] | None = None  # (text, audio samples it covers)
        self._last_pass_at = 0
        self._endpointer = EnergyEndpointer()
        self._cond = threading.Condition()
        self._finished = False
        self._thread = threading.Thread(target=self._run, name="voice-stt-stream", daemon=True)
        self._thread.start()
        self.passes = 0
        self.reused_partial = False

    # --- feeding -----------------------------------------------------------------------------

    def add(self, block: np.ndarray) -> None:
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        resumed = False
        with self._cond:
            self._blocks.append(block)
            self._n += block.size
            self._endpointer.feed(block)
            if self._endpoint_at is not None and self._endpointer.last_voiced > self._endpoint_at:
                self._endpoint_at = None
                resumed = True
            self._cond.notify()
        if resumed and self._on_resume is not None:
            self._on_resume()

    def audio(self, start: int = 0, end: int | None = None) -> np.ndarray:
        with self._cond:
            if len(self._blocks) > 1:
                self._blocks = [np.concatenate(self._blocks)]
            whole = self._blocks[0] if self._blocks else np.zeros(0, dtype=np.float32)
        return whole[start:end]

    # --- background passes -------------------------------------------------------------------

    def _due(self) -> bool:
        new = self._n - self._last_pass_at
        if new <= 0:
            return False
        if new >= self._every:
            return True
        # The speaker paused after saying something new: transcribe now, release may be near.
        return (
            self._endpointer.paused_for() >= self._pause_s
            and self._endpointer.last_voiced > self._last_pass_at
        )

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._finished and not self._due():
                    self._cond.wait(0.1)
                if self._finished:
                    return
                upto = self._n
                self._last_pass_at = upto
            self._pass(upto)

    def _pass(self, upto: int) -> None:
        start = self._committed_upto
        if upto - start > self._commit_after:
            self._commit(upto)
            start = self._committed_upto
        result = self._stt.transcribe(self.audio(start, upto))
        self.passes += 1
        with self._cond:
            if start != self._committed_upto:
                return
            self._hypothesis = (result.text, upto)
        text = self._join(result.text)
        if self._on_partial is not None and text:
            self._on_partial(text)
        if self._on_endpoint is not None and text:
            with self._cond:
                # An endpoint: this pass covers all the voice heard so far, and a pause follows it.
                endpoint = (
                    not self._finished
                    and self._endpointer.last_voiced <= upto
                    and self._endpointer.paused_for() >= self._pause_s
                )
                if endpoint:
                    self._endpoint_at = upto
            if endpoint:
                self._on_endpoint(text, upto)

    def _commit(self, upto: int) -> None:
        """Fix the text of the audio before the last pause, so later passes stay short."""
        start = self._committed_upto
        length = upto - start
        spans = speech_spans(self.audio(start, upto))
        cut = length - SR  # no speech at all: drop the silence, keep the last second
        if spans:
            gaps = [
                (prev.end + nxt.start) // 2
                for prev, nxt in zip(spans, spans[1:], strict=False)
                if nxt.start - prev.end >= int(0.2 * SR) and nxt.start < length - 2 * SR
            ]
            if gaps:
                cut = gaps[-1]
            elif spans[-1].end < length - SR:
                cut = spans[-1].end
            # else: one long stretch of speech without a pause; cut a second before the end
        cut = max(cut, 0)
        text = ""
        if spans and cut > 0:
            text = self._stt.transcribe(self.audio(start, start + cut)).text
            self.passes += 1
        with self._cond:
            if text:
                self._committed.append(text)
            self._committed_upto = start + cut
            self._hypothesis = None

    def _join(self, tail: str) -> str:
        return " ".join(t for t in [*self._committed, tail] if t).strip()

    # --- release -----------------------------------------------------------------------------

    def finish(self) -> Transcript:
        """Stop listening and return the final transcript (waits for a pass in flight)."""
        with self._cond:
            self._finished = True
            self._cond.notify_all()
        self._thread.join()
        total = self._n
        audio_s = total / SR
        start = self._committed_upto
        tail = self.audio(start, total)
        spans = speech_spans(tail)
        hypothesis = self._hypothesis
        if not spans:
            text = self._join("")
            return Transcript(text, not text, 0.0, audio_s)
        last_speech = start + spans[-1].end
        if hypothesis is not None and hypothesis[1] >= min(last_speech, total):
            self.reused_partial = True
            text = self._join(hypothesis[0])
            return Transcript(text, not text, 0.0, audio_s)
        result = self._stt.transcribe(tail, check_vad=False)
        self.passes += 1
        text = self._join(result.text)
        return Transcript(text, not text, result.seconds, audio_s, result.dropped)
