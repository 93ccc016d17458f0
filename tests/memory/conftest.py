"""Memory test fixtures: a real store in the test's private HEARTH_HOME, ONNX embeddings."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # memory_corpus

from app.config import MemorySettings  # noqa: E402
from app.paths import get_paths  # noqa: E402


@pytest.fixture
def settings() -> MemorySettings:
    return MemorySettings(embedding="onnx")


@pytest.fixture
def mem(hearth_home: Path, settings: MemorySettings) -> Iterator:
    from memory.api import open_memory

    memory = open_memory(get_paths(), settings)
    yield memory
    memory.close()


def grep_files(folder: Path, token: str) -> list[str]:
    """Every file under ``folder`` whose raw bytes contain ``token`` (UTF-8 or UTF-16)."""
    hits = []
    needles = (token.encode("utf-8"), token.encode("utf-16-le"))
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(n in data for n in needles):
                hits.append(str(path.relative_to(folder)))
    return hits
