"""Stop during prompt reading: how long a Stop takes to end a generation that is still reading a
long prompt, and what each way of reading costs in prefill speed, for both embedded models side by
side in one run.

Ways of reading (``app/runtime/prefill.py``; the service's ``PREFILL_SIZER`` / ``PREFILL_PER_LAYER``):
  fixed64   mlx_lm's fixed 64-token steps, Stop checked between steps (Hearth before)
  steps     steps sized from the last step's speed to take <= 0.15 s (floor 16), checked between steps
  layers    steps sized so one layer takes <= 0.1 s (64..128), Stop checked after every layer (Hearth now)

For each model and way: a ~1,000-token prompt with no cache; ``cancel()`` at a random moment
0.3-1.5 s into the read, and the time from it to GenerationDone (median and worst); the prefill
tokens/s of a full read (prompt tokens over the wall time to GenerationDone, one token generated).
Ways run interleaved, so load on the machine hits each alike.

Usage: .venv/bin/python bench/stop.py [--reps 2] [--stops 3] [--ways fixed64,steps,layers]
       [--models SmolLM2-135M-Instruct,Qwen2.5-Coder-0.5B-Instruct]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOTES = " ".join(f"Note {i}: the parcel for flat {i} is at the front desk until Friday." for i in range(60))
MESSAGES = [{"role": "user", "content": f"{NOTES}\nSummarise these notes."}]
MODELS = "SmolLM2-135M-Instruct,Qwen2.5-Coder-0.5B-Instruct"


def _ways() -> dict:
    from app.runtime.prefill import FixedSteps, StepSizer

    return {  # name -> (sizer factory, Stop checked after every layer)
        "fixed64": (lambda: FixedSteps(64), False),
        "steps": (lambda: StepSizer(first=64, least=16, most=2048, aim=0.15), False),
        "layers": (StepSizer, True),
    }


def _use(way: str) -> None:
    from app.runtime import service as service_mod

    service_mod.PREFILL_SIZER, service_mod.PREFILL_PER_LAYER = _ways()[way]


def _stop_once(service, delay: float) -> float:
    """Seconds from cancel() (``delay`` s after GenerationStarted) to the end of the generation."""
    from app.events import GenerationStarted
    from app.runtime.api import GenerationRequest

    handle = service.generate(GenerationRequest(messages=MESSAGES, max_tokens=1))
    for event in handle:
        if isinstance(event, GenerationStarted):
            break
    time.sleep(delay)
    stop_at = time.perf_counter()
    handle.cancel()
    done = handle.result()
    elapsed = time.perf_counter() - stop_at
    if done.finish_reason != "cancelled":
        raise RuntimeError(f"the read ended before the Stop ({delay:.2f} s); use a longer prompt")
    return elapsed


def _read_once(service) -> tuple[float, int]:
    """(prefill tokens/s of a full read, prompt tokens)."""
    from app.runtime.api import GenerationRequest

    started = time.perf_counter()
    done = service.generate(GenerationRequest(messages=MESSAGES, max_tokens=1)).result()
    return done.prompt_tokens / (time.perf_counter() - started), done.prompt_tokens


def _bench_model(name: str, ways: list[str], reps: int, stops: int, rng: random.Random) -> dict:
    from app.runtime.api import GenerationRequest
    from app.runtime.service import ModelService

    service = ModelService(model_name=name)
    service.generate(GenerationRequest(messages=[{"role": "user", "content": "Hi"}], max_tokens=1)).result()
    rows: dict[str, dict[str, list[float]]] = {w: {"stop": [], "tps": []} for w in ways}
    prompt = 0
    try:
        for _ in range(reps):
            for way in ways:
                _use(way)
                rows[way]["stop"] += [_stop_once(service, rng.uniform(0.3, 1.5)) for _ in range(stops)]
                tps, prompt = _read_once(service)
                rows[way]["tps"].append(tps)
    finally:
        service.shutdown()
    return {"prompt": prompt, "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--stops", type=int, default=3, help="Stops per way and rep")
    parser.add_argument("--ways", default="fixed64,steps,layers")
    parser.add_argument("--models", default=MODELS)
    args = parser.parse_args()
    ways = args.ways.split(",")
    rng = random.Random(14)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    for name in args.models.split(","):
        result = _bench_model(name, ways, args.reps, args.stops, rng)
        rows = result["rows"]
        base_tps = statistics.median(rows[ways[0]]["tps"])
        print(f"\n{name}: prompt {result['prompt']} tokens; {args.reps} reps x {args.stops} Stops")
        print(f"way | Stop -> done, median | worst | prefill tok/s | vs {ways[0]}")
        for way in ways:
            stop, tps = rows[way]["stop"], statistics.median(rows[way]["tps"])
            print(f"{way:8s} | {statistics.median(stop):5.2f} s | {max(stop):5.2f} s | {tps:6.1f} | "
                  f"{tps / base_tps:4.2f}", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
