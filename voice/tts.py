"""Text-to-speech with Piper (bundled en_US-joe-medium), one sentence at a time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from voice.errors import VoiceModelError
from voice.models import voice_model_path
from voice.text_clean import clean_for_speech


class TextToSpeech:
    """A loaded Piper voice. :meth:`synthesize` yields float32 mono chunks at :attr:`sample_rate`."""

    def __init__(self, voice: str = "", *, threads: int = 2, length_scale: float | None = None) -> None:
        path = voice_model_path(voice)
        try:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig, SynthesisConfig

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            config = PiperConfig.from_dict(json.loads(path.with_name(path.name + ".json").read_text("utf-8")))
            self._voice: Any = PiperVoice(
                config=config,
                session=onnxruntime.InferenceSession(
                    str(path), sess_options=options, providers=["CPUExecutionProvider"]
                ),
            )
            self._syn_config = SynthesisConfig(length_scale=length_scale)
        except Exception as exc:
            raise VoiceModelError(f"Could not load the Piper voice {path}: {exc}") from exc
        self.voice_path = path
        self.sample_rate = int(self._voice.config.sample_rate)
        self._lock = threading.Lock()
        self.synth_seconds = 0.0
        self.audio_seconds = 0.0

    def synthesize(self, text: str) -> Iterator[np.ndarray]:
        """Speak ``text`` (cleaned first); yields nothing when nothing in it can be spoken."""
        cleaned = clean_for_speech(text)
        if not cleaned:
            return
        chunks = self._voice.synthesize(cleaned, syn_config=self._syn_config)
        while True:
            # The lock is held per chunk, never across a yield: a consumer may drop us (barge-in).
            with self._lock:
                started = time.monotonic()
                chunk = next(chunks, None)
                if chunk is None:
                    return
                audio = np.asarray(chunk.audio_float_array, dtype=np.float32).reshape(-1)
                self.synth_seconds += time.monotonic() - started
                self.audio_seconds += audio.size / self.sample_rate
            yield audio

    def synthesize_all(self, text: str) -> np.ndarray:
        parts = list(self.synthesize(text))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    @property
    def rtf(self) -> float:
        return self.synth_seconds / self.audio_seconds if self.audio_seconds else 0.0
