"""Voice latency: end of speech -> first answer sample, before/after/sequential, in one run.

A spoken question (Piper speech, then a pause of RELEASE_AFTER_S before the key is released, like
a person) is fed through a WAV source paced in real time, answered by the real default model,
and spoken to a sink that plays in real time. Three ways, alternating question by question, on
the same loaded models:

- ``before``: the streaming pipeline as it was (answer started at release, first piece may end
  only at a comma, no prompt warm-up): ``VoicePipeline(speculate=False, warm=False,
  first_break_words=0)``;
- ``after``: the pipeline with its defaults (speculative answer from the pause while the key is
  held, first piece may also end before "and/but/because/...", prompt warmed at the press).
  Both use Whisper's full 30 s window, the default (the cut window of voice.whisper_short
  misheard cut-up clips under load; its real-time factor is still reported);
- ``sequential``: full transcript after release, then the full answer, then full synthesis
  (with the same, current, components as ``after``).

Every run is the first question of a fresh conversation (its own conversation id, so no run
profits from another's prompt cache): the first question of a voice session.

``--answerer model`` answers with the model directly (``ModelAnswerer``, max MAX_TOKENS tokens);
``--answerer agent`` goes through the real agent (``HearthCore(...).agent``, memory off,
``AgentAnswerer``, the agent's max_tokens set to MAX_TOKENS); ``both`` gives one row each.

The eight QUESTIONS are everyday voice-assistant questions fixed before any of these figures
were measured (the first three are the earlier bench's), never tuned to the results.

Reports per question and medians: end of speech -> first audio for each way, the ratios
after/sequential (goal <= 0.35) and before/sequential, time to first audio (goal < 1.5 s), the
breakdown, and STT/TTS real-time factors.
Usage: ``.venv/bin/python bench/voice.py [--reps 1] [--answerer model|agent|both] [--json]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUESTIONS = [
    "What is the capital of France?",
    "Give me a tip for sleeping better.",
    "What is a good name for a cat?",
    "How long should I boil an egg?",
    "What can I cook for dinner tonight?",
    "Why is the sky blue?",
    "How do I make a cup of green tea?",
    "What should I pack for a weekend trip?",
]
RELEASE_AFTER_S = 0.3  # the key goes up this long after the last word
MAX_TOKENS = 64
MODES = ("before", "after", "sequential")
_ids = itertools.count(1)


def load_model():  # noqa: ANN201
    from app.config import Settings
    from app.paths import get_paths
    from app.runtime.registry import ensure_default_model
    from app.runtime.service import ModelService

    model_dir = ensure_default_model(get_paths())
    service = ModelService(settings=Settings(), model_name=str(model_dir))
    service.ensure_loaded()
    return service


def make_answerer(kind: str, service: Any) -> Any:  # noqa: ANN401
    from voice.answerer import AgentAnswerer, ModelAnswerer

    if kind == "model":
        return ModelAnswerer(service, max_tokens=MAX_TOKENS)
    from app.config import Settings
    from app.core import HearthCore

    settings = Settings()
    settings.model.max_tokens = MAX_TOKENS
    return AgentAnswerer(HearthCore(settings=settings, use_memory=False, model=service).agent)


def speech_for(tts, text: str) -> tuple[np.ndarray, int]:  # noqa: ANN001
    """16 kHz question audio and the sample index where the speech ends."""
    from voice.resample import resample

    audio = resample(tts.synthesize_all(text), tts.sample_rate, 16000)
    lead = np.zeros(int(0.3 * 16000), np.float32)
    tail = np.zeros(int(RELEASE_AFTER_S * 16000), np.float32)
    return np.concatenate([lead, audio, tail]), lead.size + audio.size


def streaming(stt, tts, answerer, audio: np.ndarray, speech_end: int, *, before: bool) -> dict:  # noqa: ANN001
    from voice.pipeline import VoicePipeline
    from voice.wav_io import WavSink, WavSource

    sink = WavSink(None, tts.sample_rate, realtime=True)
    options: dict[str, Any] = {"speculate": False, "warm": False, "first_break_words": 0} if before else {}
    pipeline = VoicePipeline(
        stt, tts, answerer, sink, cue_sounds=False, conversation_id=f"bench-{next(_ids)}", **options
    )
    source = WavSource(audio)
    try:
        final = pipeline.talk(source, wait_reply=False)
        deadline = time.monotonic() + 60
        while not sink.write_times and time.monotonic() < deadline and not pipeline.wait_reply(0.005):
            pass
    finally:
        pipeline.close()  # the first sample is what is measured: stop the rest of the answer
    m = pipeline.metrics
    end_of_speech = source.time_of_sample(speech_end - 1) or m.released_at
    first = sink.write_times[0][0] if sink.write_times else float("nan")
    start = m.speculation_at if m.speculated else m.transcript_at
    return {
        "text": final.text,
        "first_audio_s": first - end_of_speech,
        "release_to_first_audio_s": first - m.released_at,
        "release_to_transcript_s": m.transcript_at - m.released_at,
        "answer_start_after_speech_s": start - end_of_speech,
        "answer_start_to_first_token_s": m.first_token_at - start,
        "first_token_to_first_sentence_s": m.first_sentence_at - m.first_token_at,
        "first_sentence_to_first_audio_s": first - m.first_sentence_at,
        "reused_partial": m.reused_partial,
        "speculated": m.speculated,
        "speculations": m.speculations,
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
    turn = answerer.start_turn(transcript.text, conversation_id=f"bench-{next(_ids)}", source="voice")
    answer = "".join(e.text for e in turn if isinstance(e, Token))
    speech = tts.synthesize_all(answer)
    sink = WavSink(None, tts.sample_rate, realtime=True)
    sink.write(speech[: int(0.02 * tts.sample_rate)])
    first = sink.write_times[0][0]
    return {
        "text": transcript.text,
        "first_audio_s": first - end_of_speech,
        "release_to_first_audio_s": first - released,
        "answer": answer,
    }


def rtf(stt, tts, audio: np.ndarray) -> tuple[float, float]:  # noqa: ANN001
    t = stt.transcribe(audio)
    started = time.monotonic()
    speech = tts.synthesize_all("The weather tomorrow will be mild, with a light breeze in the afternoon.")
    tts_rtf = (time.monotonic() - started) / (speech.size / tts.sample_rate)
    return t.rtf, tts_rtf


def _median(runs: list[dict], key: str) -> float:
    values = [r[key] for r in runs if r.get(key) == r.get(key)]  # NaN-free
    return round(statistics.median(values), 3) if values else float("nan")


def measure(kind: str, stt, old_stt, tts, service, clips, reps: int) -> dict:  # noqa: ANN001
    answerer = make_answerer(kind, service)
    runs: dict[str, list[dict]] = {mode: [] for mode in MODES}
    per_question: list[dict] = []
    for _ in range(reps):
        for i, (clip, end) in enumerate(clips):
            row: dict[str, Any] = {"q": i, "question": QUESTIONS[i]}
            for mode in MODES:
                if mode == "sequential":
                    r = sequential(stt, tts, answerer, clip, end)
                elif mode == "before":
                    r = streaming(old_stt, tts, answerer, clip, end, before=True)
                else:
                    r = streaming(stt, tts, answerer, clip, end, before=False)
                runs[mode].append(r)
                row[mode] = round(r["first_audio_s"], 3)
                if mode == "after":
                    row["first_piece"] = r["first_piece"]
                    row["speculated"] = r["speculated"]
                if mode == "sequential":
                    row["answer"] = r["answer"]
            per_question.append(row)
            print(
                f"  [{kind}] q{i}: before {row['before']:.2f} s, after {row['after']:.2f} s, "
                f"sequential {row['sequential']:.2f} s (speculated={row['speculated']}) "
                f"{QUESTIONS[i]!r} -> {row['first_piece']!r}",
                file=sys.stderr,
            )
    med = {mode: _median(runs[mode], "first_audio_s") for mode in MODES}
    breakdown_keys = (
        "release_to_transcript_s",
        "answer_start_after_speech_s",
        "answer_start_to_first_token_s",
        "first_token_to_first_sentence_s",
        "first_sentence_to_first_audio_s",
    )
    return {
        "answerer": kind,
        "runs_per_way": len(runs["after"]),
        "first_audio_s": med,
        "ratio_after_over_sequential": round(med["after"] / med["sequential"], 3),
        "ratio_before_over_sequential": round(med["before"] / med["sequential"], 3),
        "per_question_ratio_after_over_sequential": round(
            statistics.median(r["after"] / r["sequential"] for r in per_question), 3
        ),
        "breakdown_s": {
            mode: {key: _median(runs[mode], key) for key in breakdown_keys} for mode in ("before", "after")
        },
        "after_speculated": sum(r["speculated"] for r in runs["after"]),
        "after_speculations_started": sum(r["speculations"] for r in runs["after"]),
        "per_question": per_question,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reps", type=int, default=1, help="rounds over the questions")
    parser.add_argument("--answerer", choices=("model", "agent", "both"), default="model")
    parser.add_argument("--questions", type=int, default=len(QUESTIONS), help="use only the first N")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HEARTH_HOME", tempfile.mkdtemp(prefix="hearth-bench-"))

    from voice.answerer import ModelAnswerer
    from voice.stt import SpeechToText
    from voice.tts import TextToSpeech

    stt, short_stt, tts = SpeechToText(), SpeechToText(short_window=True), TextToSpeech()
    old_stt = stt  # both rows use the default (full) window
    service = load_model()
    kinds = ["model", "agent"] if args.answerer == "both" else [args.answerer]
    try:
        clips = [speech_for(tts, q) for q in QUESTIONS[: args.questions]]
        warm = ModelAnswerer(service, max_tokens=8)
        list(warm.start_turn("Hello", conversation_id="warm"))  # first-call compilation out of the way
        rtfs = [(*rtf(stt, tts, clip), rtf(short_stt, tts, clip)[0]) for clip, _ in clips]
        rows = [measure(kind, stt, old_stt, tts, service, clips, args.reps) for kind in kinds]
    finally:
        service.shutdown()
    result = {
        "cpu_count": os.cpu_count(),
        "load_avg_1m": os.getloadavg()[0],
        "release_after_speech_s": RELEASE_AFTER_S,
        "max_tokens": MAX_TOKENS,
        "goal_ratio": 0.35,
        "goal_first_audio_s": 1.5,
        "stt_rtf": round(statistics.median(r[0] for r in rtfs), 3),
        "stt_rtf_short_window": round(statistics.median(r[2] for r in rtfs), 3),
        "tts_rtf": round(statistics.median(r[1] for r in rtfs), 3),
        "rows": rows,
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            if key != "rows":
                print(f"{key:30} {value}")
        for row in rows:
            print(f"\n== answerer: {row['answerer']} ({row['runs_per_way']} runs per way)")
            for key, value in row.items():
                if key not in ("answerer", "per_question", "runs_per_way"):
                    print(f"{key:40} {value}")
            print("per question (end of speech -> first audio, s): before / after / sequential")
            for q in row["per_question"]:
                print(f"  q{q['q']} {q['before']:5.2f} {q['after']:5.2f} {q['sequential']:5.2f}  "
                      f"{q['question']!r} -> first piece {q['first_piece']!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
