"""The Chroma side: an embedded ``PersistentClient`` in the memory folder (telemetry off), or a
``chromadb.HttpClient`` to a Chroma server; one collection, same code path for both.

:func:`purge_forgotten` removes deleted text from the embedded store's files: the write-ahead
rows of ``embeddings_queue`` that still carry it, stale full-text index segments, and free pages.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings

from app.config import MemorySettings
from app.events import HearthError
from memory.embeddings import HearthEmbeddingFunction

COLLECTION = "hearth_memory"
PAGE = 5000  # rows per paged collection.get
DELETE_OP = 3  # embeddings_queue.operation of a delete
SQLITE_FILE = "chroma.sqlite3"


def chroma_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def make_client(store_dir: Path, settings: MemorySettings) -> Any:
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    if settings.backend == "server":
        try:
            return chromadb.HttpClient(
                host=settings.server_host, port=settings.server_port, settings=chroma_settings()
            )
        except Exception as exc:
            raise HearthError(
                f"cannot reach the Chroma server at {settings.server_host}:{settings.server_port}: {exc}"
            ) from exc
    if settings.backend != "embedded":
        raise HearthError(f"unknown memory backend {settings.backend!r}: use embedded or server")
    store_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        return chromadb.PersistentClient(path=str(store_dir), settings=chroma_settings())
    except Exception as exc:
        raise HearthError(f"cannot open the memory store at {store_dir}: {exc}") from exc


def open_collection(client: Any, ef: HearthEmbeddingFunction) -> Any:
    try:
        return client.get_or_create_collection(
            COLLECTION,
            embedding_function=ef,  # never Chroma's default (which would download a model)
            metadata={"hnsw:space": "cosine"},
        )
    except Exception as exc:
        raise HearthError(f"cannot open the memory collection: {exc}") from exc


def pages(collection: Any, page: int = PAGE, **get: Any) -> Iterator[dict[str, Any]]:
    """``collection.get(**get)`` a page at a time, until a short page."""
    offset = 0
    while True:
        result = collection.get(limit=page, offset=offset, **get)
        yield result
        if len(result["ids"]) < page:
            return
        offset += page


def purge_forgotten(store_dir: Path, ids: list[str]) -> None:
    """Scrub deleted chunks' text out of the embedded store's files (call after ``delete``)."""
    db = store_dir / SQLITE_FILE
    if not db.exists():
        return
    con = sqlite3.connect(db, timeout=60, isolation_level=None)
    try:
        con.execute("PRAGMA secure_delete=ON")
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            # The add/upsert rows carry document and metadata; the delete rows carry only the id
            # and must stay so that a vector index rebuilt from the log drops the vectors too.
            con.execute(
                f"DELETE FROM embeddings_queue WHERE operation != {DELETE_OP} AND id IN ({marks})", batch
            )
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "embedding_fulltext_search" in tables:
            con.execute("INSERT INTO embedding_fulltext_search(embedding_fulltext_search) VALUES('optimize')")
        con.execute("VACUUM")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError as exc:
        raise HearthError(f"forgetting could not scrub the store's files: {exc}") from exc
    finally:
        con.close()
