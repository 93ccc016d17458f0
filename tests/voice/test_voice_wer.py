"""Word error rate through the full pipeline (paced WAV source, streaming STT) on synthetic speech.

Twenty phrases, each spoken by two of four voices: Piper joe at two speeds and espeak-ng with two
voices and speeds. The bundled Whisper tiny.en must get under 10% WER over the whole set.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from voice_speech import PHRASES, VOICES, edit_distance, espeak, pad, piper, words

from voice.pipeline import VoicePipeline
from voice.wav_io import WavSink, WavSource

pytestmark = pytest.mark.slow


def test_word_error_rate_under_ten_percent(stt, tts, tts_slow, tmp_path: Path) -> None:  # noqa: ANN001
    sink = WavSink(None, tts.sample_rate)
    pipeline = VoicePipeline(stt, tts, None, sink, cue_sounds=False)
    per_voice: dict[str, list[int]] = {}
    misses = []
    try:
        for i, phrase in enumerate(PHRASES):
            for name, engine, option in (VOICES[i % 4], VOICES[(i + 1) % 4]):
                if engine == "piper":
                    audio = piper(tts if option == 1.0 else tts_slow, phrase)
                else:
                    audio = espeak(phrase, tmp_path / f"{i}.wav", *option)
                final = pipeline.talk(WavSource(pad(audio), speed=10.0))
                ref, hyp = words(phrase), words(final.text)
                errors = edit_distance(ref, hyp)
                counts = per_voice.setdefault(name, [0, 0])
                counts[0] += errors
                counts[1] += len(ref)
                if errors:
                    misses.append(f"{name}: {phrase!r} -> {final.text!r}")
    finally:
        pipeline.close()
    total_errors = sum(c[0] for c in per_voice.values())
    total_words = sum(c[1] for c in per_voice.values())
    wer = total_errors / total_words
    report = {name: round(e / n, 3) for name, (e, n) in per_voice.items()}
    print(f"WER {wer:.3f} per voice {report}\n" + "\n".join(misses))
    assert len(per_voice) == 4
    assert wer < 0.10, (wer, report, misses)
    assert all(e / n < 0.25 for e, n in per_voice.values()), report
