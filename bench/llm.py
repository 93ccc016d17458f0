"""Model runtime benchmark, everything measured side by side in one run.

1. Hearth's ModelService vs raw ``mlx_lm.stream_generate`` on the same model and prompt:
   time to first token and decode tokens/s (goal: Hearth's overhead under 5%).
2. Time to first token at turn 10 of a growing conversation divided by turn 1, with the prompt
   cache and without it (goal: near 1 with the cache).
3. Linux CPU set-up: OpenBLAS preload on vs off, float32 vs quantized weights, and the GEMV
   forwarder for one-row matmuls on vs off (each variant in its own process, since the preload
   is process-wide).

Usage: .venv/bin/python bench/llm.py [--reps 3] [--json bench/results/llm.json] [--gemv-only]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROMPT = (
    "You are helping me plan my week. I have a dentist appointment on Tuesday at 3pm, a team "
    "meeting every morning at 9, my sister's birthday on Friday, and I want to go running three "
    "times. Suggest a simple schedule for the week in a short list."
)
MAX_TOKENS = 64


def _model_dir() -> Path:
    from app.paths import get_paths
    from app.runtime.registry import ensure_default_model

    return ensure_default_model(get_paths())


def bench_overhead(service, loaded, reps: int) -> dict:
    from app.runtime.api import GenerationRequest

    gen_mod = importlib.import_module("mlx_lm.generate")
    sample_utils = importlib.import_module("mlx_lm.sample_utils")
    messages = [{"role": "user", "content": PROMPT}]
    tokens = loaded.tokenizer.encode(
        loaded.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False),
        add_special_tokens=False,
    )

    def raw() -> tuple[float, float]:
        # Raw mlx-lm, on the model thread too, so both sides run on the same thread and stream.
        def job():
            start = time.perf_counter()
            first = None
            last = None
            for response in gen_mod.stream_generate(
                loaded.model, loaded.tokenizer, tokens, max_tokens=MAX_TOKENS,
                sampler=sample_utils.make_sampler(temp=0.0),
            ):
                first = first or time.perf_counter()
                last = response
            return first - start, last.generation_tps

        return service._call(job, None)

    def hearth() -> tuple[float, float]:
        start = time.perf_counter()
        first = None
        handle = service.generate(GenerationRequest(messages=messages, max_tokens=MAX_TOKENS))
        for event in handle:
            if first is None and type(event).__name__ == "Token":
                first = time.perf_counter()
        done = handle.result()
        return (first or time.perf_counter()) - start, done.generation_tps

    raw()
    hearth()  # warm-up
    raws, hearths = [], []
    for _ in range(reps):  # interleaved, so machine noise hits both alike
        raws.append(raw())
        hearths.append(hearth())
    r_ttft = statistics.median(x[0] for x in raws)
    h_ttft = statistics.median(x[0] for x in hearths)
    r_tps = statistics.median(x[1] for x in raws)
    h_tps = statistics.median(x[1] for x in hearths)
    return {
        "raw_ttft_s": r_ttft, "hearth_ttft_s": h_ttft, "ttft_overhead": h_ttft / r_ttft - 1,
        "raw_decode_tps": r_tps, "hearth_decode_tps": h_tps, "decode_overhead": 1 - h_tps / r_tps,
    }


def bench_conversation(service, turns: int = 10) -> dict:
    from app.runtime.api import GenerationRequest

    results = {}
    for label, conversation_id in (("with_cache", "bench-conv"), ("without_cache", None)):
        history = [{"role": "system", "content": "You are Hearth, a helpful assistant. Answer briefly."}]
        ttfts = []
        for turn in range(turns):
            history.append({"role": "user", "content": f"Turn {turn + 1}: {PROMPT}"})
            done = service.generate(
                GenerationRequest(messages=history, max_tokens=48, conversation_id=conversation_id)
            ).result()
            ttfts.append(done.time_to_first_token_s)
            history.append({"role": "assistant", "content": done.text})
        results[label] = {
            "ttft_turn1_s": ttfts[0], "ttft_turn10_s": ttfts[-1], "ratio_turn10_over_turn1": ttfts[-1] / ttfts[0],
            "prompt_tokens_turn10": done.prompt_tokens, "cached_tokens_turn10": done.cached_tokens,
        }
    return results


def variant_worker(model_dir: str) -> None:
    """Run in a subprocess: prefill and decode speed under the current env's BLAS/precision.

    Uses ``generate_step`` directly so decode is timed over a fixed number of tokens (no stop on
    end-of-sequence). Quantized kernels on the CPU are very slow, so those variants get a shorter
    prompt; tokens/s stays comparable.
    """
    from app.runtime.blas import blas_status
    from app.runtime.loader import import_mlx, load_model_dir

    mx = import_mlx()
    loaded = load_model_dir(Path(model_dir))
    gen_mod = importlib.import_module("mlx_lm.generate")
    quantized = "float32" not in loaded.precision
    tokens = loaded.tokenizer.encode(PROMPT, add_special_tokens=False)[: 16 if quantized else 64]
    decode_tokens = 4 if quantized else 32
    best_prefill, best_decode = 0.0, 0.0
    for _ in range(1 if quantized else 3):
        start = time.perf_counter()
        steps = gen_mod.generate_step(mx.array(tokens), loaded.model, max_tokens=decode_tokens + 1)
        next(steps)
        prefill_done = time.perf_counter()
        for _ in steps:
            pass
        end = time.perf_counter()
        best_prefill = max(best_prefill, len(tokens) / (prefill_done - start))
        best_decode = max(best_decode, decode_tokens / (end - prefill_done))
    print(json.dumps({"prefill_tps": best_prefill, "decode_tps": best_decode, "prompt_tokens": len(tokens),
                      "blas": blas_status()[0] or "reference", "precision": loaded.precision}))


def bench_variants(model_dir: Path, only_gemv: bool = False) -> dict:
    if not sys.platform.startswith("linux"):
        return {"skipped": "the OpenBLAS preload only applies on Linux"}
    variants = {
        "reference_blas+quantized": {"HEARTH_BLAS": "reference", "HEARTH_CPU_PRECISION": "native"},
        "reference_blas+float32": {"HEARTH_BLAS": "reference", "HEARTH_CPU_PRECISION": "float32"},
        "openblas+quantized": {"HEARTH_BLAS": "openblas", "HEARTH_CPU_PRECISION": "native"},
        "openblas+float32, no GEMV forwarder": {
            "HEARTH_BLAS": "openblas", "HEARTH_CPU_PRECISION": "float32", "HEARTH_BLAS_GEMV": "off",
        },
        "openblas+float32 (Hearth default)": {"HEARTH_BLAS": "openblas", "HEARTH_CPU_PRECISION": "float32"},
    }
    if only_gemv:
        variants = {k: v for k, v in variants.items() if k.startswith("openblas+float32")}
    out = {}
    for name, env in variants.items():
        proc = subprocess.run(
            [sys.executable, __file__, "--variant-worker", str(model_dir)],
            env={**os.environ, **env}, capture_output=True, text=True, timeout=1800,
        )
        if proc.returncode != 0:
            out[name] = {"error": proc.stderr.strip().splitlines()[-1:]}
            continue
        out[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"variant {name}: {out[name]}", flush=True)
    base = out.get("reference_blas+quantized", {})
    best = out.get("openblas+float32 (Hearth default)", {})
    if "prefill_tps" in base and "prefill_tps" in best:
        out["speedup_prefill"] = best["prefill_tps"] / base["prefill_tps"]
        out["speedup_decode"] = best["decode_tps"] / base["decode_tps"]
    no_gemv = out.get("openblas+float32, no GEMV forwarder", {})
    if "decode_tps" in no_gemv and "decode_tps" in best:
        out["gemv_forwarder_decode_speedup"] = best["decode_tps"] / no_gemv["decode_tps"]
        out["gemv_forwarder_prefill_ratio"] = best["prefill_tps"] / no_gemv["prefill_tps"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "llm.json"))
    parser.add_argument("--variant-worker", help=argparse.SUPPRESS)
    parser.add_argument("--gemv-only", action="store_true", help="only the GEMV forwarder on/off variants")
    args = parser.parse_args()
    if args.variant_worker:
        variant_worker(args.variant_worker)
        return 0
    if args.gemv_only:
        os.environ.setdefault("HEARTH_HOME", tempfile.mkdtemp(prefix="hearth-bench-"))
        print(json.dumps(bench_variants(_model_dir(), only_gemv=True), indent=2))
        return 0
    os.environ.setdefault("HEARTH_HOME", tempfile.mkdtemp(prefix="hearth-bench-"))
    from app.config import Settings
    from app.runtime.service import ModelService

    model_dir = _model_dir()
    service = ModelService(settings=Settings(), model_name=str(model_dir))
    loaded = service.ensure_loaded()
    results: dict = {"device": f"{loaded.device}, {loaded.precision}"}
    results["overhead"] = bench_overhead(service, loaded, args.reps)
    print("overhead:", json.dumps(results["overhead"]), flush=True)
    results["conversation"] = bench_conversation(service)
    print("conversation:", json.dumps(results["conversation"]), flush=True)
    service.shutdown()
    results["linux_cpu_variants"] = bench_variants(model_dir)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
