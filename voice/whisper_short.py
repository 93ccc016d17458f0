"""One-window Whisper decoding with the encoder cut to the clip's length (plus a margin).

faster-whisper always pads the log-Mel features to Whisper's 30 s window, so the encoder costs
the same for a 2 s question as for 30 s of speech (about 0.2 s of the 0.3 s a pass takes on a
2-core CPU with tiny.en). CTranslate2 accepts a shorter window: ``ratio`` times the clip,
rounded up to ``step_s``, never under ``min_window_s``. Whisper was trained on mostly padded
windows: a window only a little longer than the speech makes it repeat itself in loops (seen on
the 80 test clips with 1 s of margin). 10 s windows: 5.2% word errors against 5.0% with 30 s on
80 mixed Piper/espeak clips, but 4.3% against 2.9% on 40 Piper clips; 15 s windows (the default)
made as many errors as 30 s on those 40 (7 words each), at about half the encoder's time. A
decode that still looks like a loop (compression ratio > 2.4) or that Whisper doubts is redone
by the caller with the full window.

The decoding itself is what faster-whisper does for one window without timestamps at
temperature 0 (same prompt, suppressed tokens, scores and no-speech probability), so the same
checks decide what is speech.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

FRAMES_PER_S = 100  # Whisper's log-Mel hop is 10 ms
FULL_WINDOW = 3000


@dataclass(frozen=True)
class Segment:
    """What the speech checks look at (the fields of a faster-whisper segment they use)."""

    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float


def window_frames(frames: int, *, ratio: float, step_s: float, min_window_s: float) -> int:
    want = max(int(frames * ratio), int(min_window_s * FRAMES_PER_S))
    step = max(1, int(step_s * FRAMES_PER_S))
    return min(FULL_WINDOW, math.ceil(want / step) * step)


class ShortWindowDecoder:
    """Decodes clips shorter than ``max_s`` with a shortened encoder window."""

    def __init__(
        self,
        whisper: Any,
        *,
        language: str = "en",
        beam_size: int = 1,
        ratio: float = 2.0,
        step_s: float = 1.0,
        min_window_s: float = 15.0,
        max_s: float = 14.0,
    ) -> None:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self._whisper = whisper
        self._tokenizer = Tokenizer(
            whisper.hf_tokenizer, whisper.model.is_multilingual, task="transcribe", language=language
        )
        self._prompt = [*self._tokenizer.sot_sequence, self._tokenizer.no_timestamps]
        self._suppress = list(get_suppressed_tokens(self._tokenizer, (-1,)) or ())
        self.beam_size = beam_size
        self.ratio = ratio
        self.step_s = step_s
        self.min_window_s = min_window_s
        self.max_s = max_s

    def fits(self, audio: np.ndarray, sample_rate: int = 16_000) -> bool:
        return audio.size <= self.max_s * sample_rate

    def decode(self, audio: np.ndarray) -> Segment:
        from faster_whisper.transcribe import get_compression_ratio, get_ctranslate2_storage

        features = self._whisper.feature_extractor(audio)
        frames = features.shape[-1]
        window = window_frames(
            frames, ratio=self.ratio, step_s=self.step_s, min_window_s=self.min_window_s
        )
        padded = np.zeros((features.shape[0], window), dtype=np.float32)
        padded[:, : min(frames, window)] = features[:, :window]
        encoded = self._whisper.model.encode(get_ctranslate2_storage(padded[None]), to_cpu=False)
        result = self._whisper.model.generate(
            encoded,
            [self._prompt],
            beam_size=self.beam_size,
            # A spoken window holds at most ~8 tokens a second: a longer decode is a loop.
            max_length=min(self._whisper.max_length, 32 + 8 * window // FRAMES_PER_S),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        text = self._tokenizer.decode(tokens).strip()
        avg_logprob = result.scores[0] * len(result.sequences_ids[0]) / (len(result.sequences_ids[0]) + 1)
        return Segment(text, float(avg_logprob), float(result.no_speech_prob), get_compression_ratio(text))
