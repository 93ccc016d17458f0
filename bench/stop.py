"""Stop during prompt reading: how long a cancel takes to end a generation that is still reading a
long prompt, and what the prompt-reading step costs in prefill speed, side by side in one run.

mlx_lm reads a prompt in steps of ``prefill_step_size`` tokens and Hearth checks for a Stop
between steps (``app/runtime/service.py``, ``PREFILL_STEP``). The embedded SmolLM2-135M model,
a ~2,000-token prompt with no cache; for each step size: prefill tokens/s of a full read (prompt
tokens over the wall time to GenerationDone, one token generated), and the time from ``cancel()``
(sent right after GenerationStarted) to GenerationDone.

Usage: .venv/bin/python bench/stop.py [--reps 2] [--steps 64,128,256,2048]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOTES = " ".join(f"Note {i}: the parcel for flat {i} is at the front desk until Friday." for i in range(200))
MESSAGES = [{"role": "user", "content": f"{NOTES}\nSummarise these notes."}]


def _once(service, step: int, cancel: bool) -> tuple[float, float, int]:
    """(seconds from cancel or start to done, prefill tok/s, prompt tokens) for one generation."""
    from app.events import GenerationStarted
    from app.runtime import service as service_mod
    from app.runtime.api import GenerationRequest

    service_mod.PREFILL_STEP = step
    started = time.perf_counter()
    handle = service.generate(GenerationRequest(messages=MESSAGES, max_tokens=1))
    stop_at = started
    prompt = 0
    for event in handle:
        if isinstance(event, GenerationStarted):
            prompt = event.prompt_tokens
            if cancel:
                stop_at = time.perf_counter()
                handle.cancel()
    handle.result()
    elapsed = time.perf_counter() - stop_at
    return elapsed, (prompt / elapsed if not cancel else 0.0), prompt  # a full read: prompt tokens / wall time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--steps", default="64,128,256,2048")
    args = parser.parse_args()
    from app.runtime.service import ModelService

    service = ModelService()
    service.generate(__import__("app.runtime.api", fromlist=["GenerationRequest"]).GenerationRequest(
        messages=[{"role": "user", "content": "Hi"}], max_tokens=1)).result()  # load and warm
    steps = [int(s) for s in args.steps.split(",")]
    rows: dict[int, dict[str, list[float]]] = {s: {"stop": [], "tps": []} for s in steps}
    prompt = 0
    for _ in range(args.reps):
        for step in steps:  # interleaved, so load on the machine hits every size alike
            stop, _, prompt = _once(service, step, cancel=True)
            _, tps, _ = _once(service, step, cancel=False)
            rows[step]["stop"].append(stop)
            rows[step]["tps"].append(tps)
    base = statistics.median(rows[max(steps)]["stop"])
    base_tps = statistics.median(rows[max(steps)]["tps"])
    print(f"prompt: {prompt} tokens, medians of {args.reps}")
    print("step | cancel -> done | vs largest | prefill tok/s | vs largest")
    for step in steps:
        stop, tps = statistics.median(rows[step]["stop"]), statistics.median(rows[step]["tps"])
        print(f"{step:5d} | {stop:6.2f} s | {stop / base:5.2f} | {tps:7.1f} | {tps / base_tps:5.2f}")
    service.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
