"""Conversation store benchmark: the time to append one message to a conversation that already
holds N, for this checkout's store (SQLite, one transaction per append) and an older one loaded
from git (``--old REV``, default the last one-JSON-file-per-conversation store), interleaved in one
run, plus the time to load the whole conversation. Reports medians and the old/new ratio.

Usage: .venv/bin/python bench/conversations.py [--old 32a7953] [--sizes 10,100,1000] [--reps 20]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.paths import get_paths  # noqa: E402

MESSAGE = {"role": "user", "content": "What is on my calendar this week? " * 4, "prompt": "x" * 1500}


def _old_store_class(rev: str) -> Any:
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:app/conversations.py"], check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "old_conversations.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_conversations", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ConversationStore


def _measure(store: Any, size: int, reps: int) -> tuple[float, float]:
    cid = f"c{size}"
    for _ in range(size):
        store.append(cid, MESSAGE)
    appends, loads = [], []
    for _ in range(reps):
        t = time.perf_counter()
        store.append(cid, MESSAGE)
        appends.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.load(cid)
        loads.append(time.perf_counter() - t)
    return statistics.median(appends), statistics.median(loads)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", default="32a7953", help="git revision of the older store")
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--json")
    args = parser.parse_args()
    from app.conversations import ConversationStore

    old_class = _old_store_class(args.old)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as home:
            os.environ["HEARTH_HOME"] = home
            paths = get_paths().ensure()
            new = _measure(ConversationStore(paths), size, args.reps)
            old = _measure(old_class(paths), size, args.reps)
        rows.append({"messages": size, "append_new_ms": new[0] * 1e3, "append_old_ms": old[0] * 1e3,
                     "load_new_ms": new[1] * 1e3, "load_old_ms": old[1] * 1e3})
        r = rows[-1]
        print(f"{size:>5} messages: append {r['append_old_ms']:.2f} → {r['append_new_ms']:.2f} ms "
              f"(old/new {r['append_old_ms'] / r['append_new_ms']:.1f}x), load {r['load_old_ms']:.2f} → "
              f"{r['load_new_ms']:.2f} ms (old/new {r['load_old_ms'] / r['load_new_ms']:.1f}x)")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
