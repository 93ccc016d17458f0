"""Voice latency: end of speech -> first answer sample, streaming vs sequential, in one run.

A spoken question (Piper, padded with a short pause before the key is released) is fed through a
WAV source paced in real time, answered by the real default model (ModelService), and spoken to
a sink that plays in real time. Two ways, alternating, on the same models:

- streaming: Hearth's pipeline (transcribe while held, sentences spoken while generating);
- sequential: full transcript after release, then the full answer, then full synthesis.

Reports both medians, their ratio (goal <= 0.35), STT and TTS real-time factors, and time to
first audio (goal < 1.5 s). Usage: ``.venv/bin/python bench/voice.py [--reps 3] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUESTIONS = [
    "What is the capital of France?",
    "Give me a tip for sleeping better.",
    "What is a good name for a cat?",
]
RELEASE_AFTER_S = 0.3  # the key goes up this long after the last word
MAX_TOKENS = 64


def load_model():  # noqa: ANN201
    from app.config import Settings
    from app.paths import get_paths
    from app.runtime.registry import ensure_default_model
    from app.runtime.service import ModelService

    model_dir = ensure_default_model(get_paths())
    service = ModelService(settings=Settings(), model_name=str(model_dir))
    service.ensure_loaded()
    return service


def speech_for(tts, text: str) -> tuple[np.ndarray, int]:  # noqa: ANN001
    """16 kHz question audio and the sample index where the speech ends."""
    from voice.resample import resample

    audio = resample(tts.synthesize_all(text), tts.sample_rate, 16000)
    lead = np.zeros(int(0.3 * 16000), np.float32)
    tail = np.zeros(int(RELEASE_AFTER_S * 16000), np.float32)
    return np.concatenate([lead, audio, tail]), lead.size + audio.size


def streaming(stt, tts, answerer, audio: np.ndarray, speech_end: int) -> dict:  # noqa: ANN001
    from voice.pipeline import VoicePipeline
    from voice.wav_io import WavSink, WavSource

    sink = WavSink(None, tts.sample_rate, realtime=True)
    pipeline = VoicePipeline(stt, tts, answerer, sink, cue_sounds=False)
    source = WavSource(audio)
    try:
        final = pipeline.talk(source, timeout=120)
    finally:
        pipeline.close()
    m = pipeline.metrics
    end_of_speech = source.time_of_sample(speech_end - 1) or m.released_at
    first = sink.write_times[0][0] if sink.write_times else float("nan")
    return {
        "text": final.text,
        "end_of_speech_to_first_audio_s": first - end_of_speech,
        "release_to_first_audio_s": first - m.released_at,
        "release_to_transcript_s": m.transcript_at - m.released_at,
        "transcript_to_first_token_s": m.first_token_at - m.transcript_at,
        "first_token_to_first_sentence_s": m.first_sentence_at - m.first_token_at,
        "reused_partial": m.reused_partial,
        "first_piece": m.sentences[0] if m.sentences else "",
    }


def sequential(stt, tts, answerer, audio: np.ndarray, speech_end: int) -> dict:  # noqa: ANN001
    from app.events import Token
    from voice.wav_io import WavSink, WavSource

    source = WavSource(audio)
    blocks = list(source.blocks())  # the key is held for the whole file, then released
    released = time.monotonic()
    end_of_speech = source.time_of_sample(speech_end - 1) or released
    transcript = stt.transcribe(np.concatenate(blocks))
    answer = "".join(e.text for e in answerer.start_turn(transcript.text, source="voice") if isinstance(e, Token))
    speech = tts.synthesize_all(answer)
    sink = WavSink(None, tts.sample_rate, realtime=True)
    sink.write(speech[: int(0.02 * tts.sample_rate)])
    first = sink.write_times[0][0]
    return {
        "text": transcript.text,
        "end_of_speech_to_first_audio_s": first - end_of_speech,
        "release_to_first_audio_s": first - released,
        "answer": answer,
    }


def rtf(stt, tts, audio: np.ndarray) -> tuple[float, float]:  # noqa: ANN001
    t = stt.transcribe(audio)
    started = time.monotonic()
    speech = tts.synthesize_all("The weather tomorrow will be mild, with a light breeze in the afternoon.")
    tts_rtf = (time.monotonic() - started) / (speech.size / tts.sample_rate)
    return t.rtf, tts_rtf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1, help="rounds over the questions")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HEARTH_HOME", tempfile.mkdtemp(prefix="hearth-bench-"))

    from voice.answerer import ModelAnswerer
    from voice.stt import SpeechToText
    from voice.tts import TextToSpeech

    stt, tts = SpeechToText(), TextToSpeech()
    service = load_model()
    stream_runs, seq_runs = [], []
    try:
        clips = [speech_for(tts, q) for q in QUESTIONS]
        warm = ModelAnswerer(service, max_tokens=8)
        list(warm.start_turn("Hello", conversation_id="warm"))  # first-call compilation out of the way
        rtfs = [rtf(stt, tts, clip) for clip, _ in clips]
        for _ in range(args.reps):
            for i, (clip, end) in enumerate(clips):
                # Fresh conversations each time, so neither side profits from the other's cache.
                stream_runs.append(streaming(stt, tts, ModelAnswerer(service, max_tokens=MAX_TOKENS), clip, end))
                seq_runs.append(sequential(stt, tts, ModelAnswerer(service, max_tokens=MAX_TOKENS), clip, end))
                print(f"  q{i}: streaming {stream_runs[-1]['end_of_speech_to_first_audio_s']:.2f} s, "
                      f"sequential {seq_runs[-1]['end_of_speech_to_first_audio_s']:.2f} s "
                      f"({stream_runs[-1]['text']!r} -> {stream_runs[-1]['first_piece']!r})", file=sys.stderr)
    finally:
        service.shutdown()
    s = statistics.median(r["end_of_speech_to_first_audio_s"] for r in stream_runs)
    q = statistics.median(r["end_of_speech_to_first_audio_s"] for r in seq_runs)
    result = {
        "cpu_count": os.cpu_count(),
        "load_avg_1m": os.getloadavg()[0],
        "runs": len(stream_runs),
        "release_after_speech_s": RELEASE_AFTER_S,
        "streaming_first_audio_s": round(s, 3),
        "streaming_release_to_first_audio_s": round(
            statistics.median(r["release_to_first_audio_s"] for r in stream_runs), 3
        ),
        "sequential_first_audio_s": round(q, 3),
        "ratio_streaming_over_sequential": round(s / q, 3),
        "goal_ratio": 0.35,
        "goal_first_audio_s": 1.5,
        "stt_rtf": round(statistics.median(r[0] for r in rtfs), 3),
        "tts_rtf": round(statistics.median(r[1] for r in rtfs), 3),
        "streaming_breakdown_s": {
            key: round(statistics.median(r[key] for r in stream_runs), 3)
            for key in ("release_to_transcript_s", "transcript_to_first_token_s", "first_token_to_first_sentence_s")
        },
        "streaming_reused_partial": sum(r["reused_partial"] for r in stream_runs),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:38} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
