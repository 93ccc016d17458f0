"""The sandbox's cost per command: ``/bin/sh -c true`` bare and inside the active sandbox (with the
rules auto-approved commands get), interleaved, medians side by side.

    .venv/bin/python bench/sandbox.py [--reps 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from app.policy import sandbox
from app.policy.sandbox.run import hidden_paths


def _time(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=40)
    args = parser.parse_args()
    backend = sandbox.active()
    if backend is None:
        raise SystemExit(f"no sandbox works here: {sandbox.describe()}")
    inner = ["/bin/sh", "-c", "true"]
    bare: list[float] = []
    boxed: list[float] = []
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as scratch:
        wrapped = sandbox.wrap(inner, scope=sandbox.Scope(), cwd=Path(scratch), scratch=Path(scratch), backend=backend)
        for _ in range(args.reps):
            bare.append(_time(inner))
            boxed.append(_time(wrapped))
    b, s = statistics.median(bare), statistics.median(boxed)
    print(json.dumps({"sandbox": sandbox.describe(), "reps": args.reps, "bare_ms": round(b * 1000, 2),
                      "sandboxed_ms": round(s * 1000, 2), "ratio": round(s / b, 2),
                      "hidden_stores": len(hidden_paths(sandbox.Scope()))}))


if __name__ == "__main__":
    main()
