"""Speech-to-text with faster-whisper (bundled tiny.en, int8 on CPU), without hallucinations.

Silence and noise must give no transcript: audio without speech (Silero VAD) is never sent to
Whisper, and segments Whisper itself doubts (``no_speech_prob``, ``avg_logprob``, compression)
or that are its well-known inventions ("Thank you.") with low confidence are dropped.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from voice.errors import VoiceModelError
from voice.interfaces import CAPTURE_RATE
from voice.models import stt_model_path
from voice.vad import is_quiet, speech_spans

# Whisper's favourite inventions on silence, music and noise (SYSTRAN/faster-whisper#183, #465).
KNOWN_HALLUCINATIONS = {
    "thank you", "thank you very much", "thanks for watching", "thank you for watching",
    "thanks for watching and see you next time", "you", "bye", "bye bye", "so", "okay", "oh",
    "please subscribe", "subtitles by the amara org community", "i'm sorry", "hmm", "uh", "um",
    "the end", "music", "applause", "silence", "",
}  # fmt: skip
_NORMALISE = re.compile(r"[^a-z' ]+")
_BRACKETED = re.compile(r"[\[(♪*][^\])♪*]*[\])♪*]")


def normalise_words(text: str) -> str:
    return " ".join(_NORMALISE.sub(" ", text.lower()).split())


@dataclass(frozen=True)
class Transcript:
    text: str
    no_speech: bool
    seconds: float = 0.0  # processing time
    audio_seconds: float = 0.0
    dropped: tuple[str, ...] = field(default=())  # segments rejected as non-speech

    @property
    def rtf(self) -> float:
        return self.seconds / self.audio_seconds if self.audio_seconds else 0.0


class SpeechToText:
    """One loaded Whisper model; :meth:`transcribe` is thread-safe (calls are serialised)."""

    def __init__(
        self,
        model: str = "",
        *,
        cpu_threads: int = 2,
        compute_type: str = "int8",
        beam_size: int = 1,
        language: str = "en",
        short_window: bool = False,  # see voice.whisper_short: misheard cut-up clips under load
    ) -> None:
        path = stt_model_path(model)
        try:
            from faster_whisper import WhisperModel

            self._model: Any = WhisperModel(
                path, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads, local_files_only=True
            )
        except Exception as exc:
            raise VoiceModelError(f"Could not load the speech-to-text model {path}: {exc}") from exc
        self.model_path = path
        self.beam_size = beam_size
        self.language = language
        self._lock = threading.Lock()
        self._short: Any = None
        if short_window:
            from voice.whisper_short import ShortWindowDecoder

            try:
                self._short = ShortWindowDecoder(self._model, language=language, beam_size=beam_size)
            except Exception:  # an unusual model: the full 30 s window always works
                self._short = None

    def transcribe(self, audio: np.ndarray, *, check_vad: bool = True) -> Transcript:
        """Transcribe 16 kHz mono float32 audio; ``no_speech`` when nothing was said."""
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        seconds = audio.size / CAPTURE_RATE
        started = time.monotonic()
        if audio.size < CAPTURE_RATE // 10 or is_quiet(audio):
            return Transcript("", True, time.monotonic() - started, seconds)
        if check_vad and not speech_spans(audio):
            return Transcript("", True, time.monotonic() - started, seconds)
        # Clipped or hot input: scale down so Whisper's features are not saturated.
        peak = float(np.max(np.abs(audio)))
        if peak > 1.0:
            audio = audio / peak
        if self._short is not None:
            short = self._transcribe_short(audio)
            if short is not None:
                text = short.text if self._is_speech(short) else ""
                rejected = () if text or not short.text else (short.text,)
                return Transcript(text, not text, time.monotonic() - started, seconds, rejected)
        with self._lock:
            segments, _info = self._model.transcribe(
                audio,
                language=self.language,
                beam_size=self.beam_size,
                vad_filter=True,
                condition_on_previous_text=False,
                without_timestamps=True,
                temperature=0.0,
            )
            kept: list[str] = []
            dropped: list[str] = []
            for segment in segments:
                (kept if self._is_speech(segment) else dropped).append(segment.text.strip())
        text = " ".join(t for t in kept if t).strip()
        return Transcript(text, not text, time.monotonic() - started, seconds, tuple(dropped))

    def _transcribe_short(self, audio: np.ndarray) -> Any:
        """A short clip through a shortened encoder window (see voice.whisper_short); None when
        the full window must decide (a long clip, or a decode that loops or that Whisper doubts)."""
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        # What faster-whisper's vad_filter does: keep the speech, drop long silences.
        chunks = get_speech_timestamps(audio, VadOptions(max_speech_duration_s=30))
        if chunks:
            audio = np.concatenate(collect_chunks(audio, chunks)[0])
        if not self._short.fits(audio, CAPTURE_RATE):
            return None
        with self._lock:
            segment = self._short.decode(audio)
        if segment.compression_ratio > 2.4 or segment.avg_logprob < -1.0:
            return None
        return segment

    @staticmethod
    def _is_speech(segment: Any) -> bool:
        text = _BRACKETED.sub(" ", segment.text).strip()
        if not normalise_words(text):
            return False
        if segment.no_speech_prob > 0.6 and segment.avg_logprob < -0.7:
            return False
        if segment.avg_logprob < -1.0 or segment.compression_ratio > 2.4:
            return False
        if normalise_words(text) in KNOWN_HALLUCINATIONS:
            # Said for real only when Whisper is confident and hears speech.
            return segment.avg_logprob > -0.4 and segment.no_speech_prob < 0.3
        return True
