"""``embedding = "auto"``: use the back end measured faster on this machine.

The first time, both back ends embed the same small batch (after a warm-up) and the faster one
is remembered in the cache folder, keyed by platform and ONNX graph version, so later starts
cost nothing. Both compute the same model (cosine > 0.99 between them), so a change of choice
never strands old vectors.
Where MLX cannot be imported, ONNX is the answer without measuring.
"""

from __future__ import annotations

import importlib.util
import json
import platform
import time
from pathlib import Path
from typing import Any

from app.private import private_dir
from memory.embeddings import BACKENDS, get_encoder
from memory.onnx_bert import FORMAT

SAMPLE = [
    f"Note {i}: call the dentist about the appointment on Tuesday and pick up the prescription from the pharmacy."
    for i in range(48)
]


def measure(backend: str | Any, texts: list[str] = SAMPLE, repeats: int = 1) -> float:
    """Sentences per second of ``backend`` (a name, or an encoder) on ``texts`` (after a warm-up)."""
    encoder = get_encoder(backend) if isinstance(backend, str) else backend
    encoder.encode(texts[:8])
    start = time.perf_counter()
    for _ in range(repeats):
        encoder.encode(texts)
    return len(texts) * repeats / (time.perf_counter() - start)


def platform_key() -> str:
    """What the choice depends on: OS, CPU, Python, and which ONNX graph runs (a new one re-measures)."""
    return f"{platform.system()}-{platform.machine()}-py{platform.python_version()}-{FORMAT}"


def choose(setting: str, cache_dir: Path | None) -> str:
    if setting in BACKENDS:
        return setting
    if importlib.util.find_spec("mlx") is None:
        return "onnx"
    cache = (cache_dir / "memory-embedding-choice.json") if cache_dir else None
    key = platform_key()
    if cache and cache.exists():
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("platform") == key and data.get("backend") in BACKENDS:
                return str(data["backend"])
        except (OSError, ValueError):
            pass
    speeds = {}
    for backend in BACKENDS:
        try:
            speeds[backend] = measure(backend)
        except Exception:
            speeds[backend] = 0.0
    best = max(speeds, key=lambda b: speeds[b])
    if cache:
        try:
            private_dir(cache.parent)
            cache.write_text(
                json.dumps({"platform": key, "backend": best, "sentences_per_s": speeds}), encoding="utf-8"
            )
        except OSError:
            pass
    return best
