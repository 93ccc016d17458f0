"""The personal corpus, ingested once per test run into a real memory (real embeddings)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.personal_corpus import Corpus, build


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("answers-home")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build(tmp_path_factory.mktemp("answers-corpus"), dt.date.today())


@pytest.fixture(scope="session")
def corpus_memory(corpus: Corpus, corpus_home: Path) -> Iterator[object]:
    """One memory holding the whole corpus, shared by the answer tests (opened once: it is locked)."""
    from app.config import Settings
    from app.paths import HOME_ENV, get_paths
    from memory.api import open_memory

    old = os.environ.get(HOME_ENV)
    os.environ[HOME_ENV] = str(corpus_home)
    try:
        paths = get_paths()
    finally:
        if old is None:
            del os.environ[HOME_ENV]
        else:
            os.environ[HOME_ENV] = old
    memory = open_memory(paths, Settings().memory)
    corpus.ingest(memory)
    yield memory
    memory.close()
