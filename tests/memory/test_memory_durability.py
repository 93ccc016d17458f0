"""kill -9 in the middle of an ingest, then again: no duplicates, nothing lost; and clean exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from app.config import MemorySettings
from app.paths import get_paths

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("memory_ingest_child.py")


def _corpus(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"note{i:04d}.txt").write_text(
            f"Note number {i}. Marker DURA{i:04d}X. " + "Some ordinary words about the day. " * (3 + i % 5),
            encoding="utf-8",
        )


def _child(folder: Path, mode: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(folder), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _check_complete(n: int) -> None:
    from memory.api import open_memory

    memory = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        got = memory.collection.get(include=["metadatas"])
        per_item: dict[str, list[dict]] = {}
        for meta in got["metadatas"]:
            per_item.setdefault(meta["item_id"], []).append(meta)
        assert len(per_item) == n
        for metas in per_item.values():  # one version per item, each chunk exactly once
            assert len({m["item_hash"] for m in metas}) == 1
            assert sorted(m["chunk"] for m in metas) == list(range(metas[0]["n_chunks"]))
        assert len(got["ids"]) == len(set(got["ids"])) == memory.collection.count()
        # the vector index holds every chunk too (not only the metadata): a query asking for
        # all of them returns all of them, and a stored vector finds its own chunk
        probe = memory.collection.get(limit=1, include=["embeddings"])["embeddings"][0]
        everything = memory.collection.query(query_embeddings=[probe], n_results=len(got["ids"]), include=[])
        assert set(everything["ids"][0]) == set(got["ids"])
        last = memory.collection.get(ids=[got["ids"][-1]], include=["embeddings"])["embeddings"][0]
        nearest = memory.collection.query(query_embeddings=[last], n_results=1, include=["distances"])
        assert nearest["ids"][0][0] == got["ids"][-1] and nearest["distances"][0][0] < 1e-3
    finally:
        memory.close()


def test_kill_9_mid_ingest_then_resume(tmp_path: Path) -> None:
    n = 240
    folder = tmp_path / "notes"
    _corpus(folder, n)
    proc = _child(folder, "batch")
    stored_at_kill = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        parts = line.split()
        if parts[0] == "progress" and int(parts[2]) >= 64:
            stored_at_kill = int(parts[2])
            os.kill(proc.pid, signal.SIGKILL)
            break
        assert parts[0] != "done", "the ingest finished before it could be killed"
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL and 0 < stored_at_kill < n

    rerun = _child(folder, "batch")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    done = [line for line in out.splitlines() if line.startswith("done")][0].split()
    added = int(done[1])
    assert added <= n - stored_at_kill + 32 and added > 0  # what was acknowledged was not redone
    _check_complete(n)
    from memory.state import State

    # items half-written at the kill are completed, not counted twice
    assert State(get_paths().memory_dir).sources()[str(folder.resolve())]["items"] == n


def test_clean_exit_below_sync_threshold_survives(tmp_path: Path) -> None:
    folder = tmp_path / "few"
    _corpus(folder, 30)  # far fewer than hnsw:sync_threshold
    proc = _child(folder, "exit-without-close")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    _check_complete(30)
