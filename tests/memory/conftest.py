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
