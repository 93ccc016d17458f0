"""The Chroma side: an embedded ``PersistentClient`` in the memory folder (telemetry off), or a
``chromadb.HttpClient`` to a Chroma server; one collection, same code path for both.

:func:`purge_forgotten` removes deleted text from the embedded store's files: the write-ahead
rows of ``embeddings_queue`` that still carry it, stale full-text index segments, free pages, and
the never-used slots of the vector index files (:mod:`memory.vector_files`).
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
from app.private import private_dir
from memory import vector_files
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
    private_dir(store_dir)
    try:
        return chromadb.PersistentClient(path=str(store_dir), settings=chroma_settings())
    except Exception as exc:
        raise HearthError(f"cannot open the memory store at {store_dir}: {exc}") from exc


def open_collection(client: Any, ef: HearthEmbeddingFunction, name: str = COLLECTION) -> Any:
    try:
        return client.get_or_create_collection(
            name,
            embedding_function=ef,  # never Chroma's default (which would download a model)
            metadata={"hnsw:space": "cosine"},
        )
    except Exception as exc:
        raise HearthError(f"cannot open the memory collection: {exc}") from exc


class CollectionHandle:
    """The collection behind a handle that compaction re-points at the rebuilt collection, so a
    long job holding it (an ingest, a reindex) carries on with the new one.

    ``writes`` counts the writes made through it: compaction takes the memory's lock only a page
    at a time while it copies, and swaps its copy in only if that count has not moved meanwhile."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)

    def _write(self, verb: str, kwargs: dict[str, Any]) -> Any:
        self.writes += 1
        return getattr(self.target, verb)(**kwargs)

    def add(self, **kwargs: Any) -> Any:
        return self._write("add", kwargs)

    def upsert(self, **kwargs: Any) -> Any:
        return self._write("upsert", kwargs)

    def update(self, **kwargs: Any) -> Any:
        return self._write("update", kwargs)

    def delete(self, **kwargs: Any) -> Any:
        return self._write("delete", kwargs)


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
    vector_files.scrub_unused_slots(store_dir)


def _read(con: sqlite3.Connection, sql: str, params: list[Any]) -> list[Any]:
    """Every row, with the statement finished at once: a reader left mid-statement would hold
    a shared lock, and Chroma's store (rollback journal) could not write until it went away."""
    cursor = con.execute(sql, params)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


class PeopleIndex:
    """The person filter's index rows, read straight from the embedded store's SQLite file.

    Chroma's filtered query first materialises every chunk id that matches (about 15 ms plus
    2.8 µs per match at 100k chunks). Two indexed reads here let :meth:`memory.api.Memory.search`
    do better for a common person: ``share`` (how many chunks mention them, 0.1 ms) and
    ``holders`` (which of the nearest candidates mention them, a few ms for 1,000). Read-only
    and only a shortcut: both return None for a server store or a file without the expected
    tables (another Chroma version), and search then runs Chroma's filtered query.
    """

    def __init__(self, store_dir: Path | None, collection_id: str) -> None:
        self._db = store_dir / SQLITE_FILE if store_dir is not None else None
        self._collection_id = collection_id
        self._con: sqlite3.Connection | None = None
        self._segment = ""
        self._total: tuple[int, int] | None = None  # (data_version, chunk count)

    def _connection(self) -> sqlite3.Connection | None:
        if self._con is None and self._db is not None:
            # search runs under Memory's lock, so one connection serves every thread
            con = sqlite3.connect(f"{self._db.as_uri()}?mode=ro", uri=True, check_same_thread=False)
            try:
                # memory-mapped reads: the first lookups of 2,000 candidates took 150 ms through
                # read() calls, 10 ms mapped (the pages are usually in the OS cache already)
                con.execute("PRAGMA mmap_size = 1073741824")
                con.execute("PRAGMA cache_size = -32000")  # 32 MB
                rows = _read(
                    con,
                    "SELECT id FROM segments WHERE collection = ? AND scope = 'METADATA'",
                    [self._collection_id],
                )
            except sqlite3.Error:
                rows = []
            if len(rows) != 1:
                con.close()
                self._give_up()
                return None
            self._con, self._segment = con, str(rows[0][0])
        return self._con

    def share(self, key: str, values: list[str]) -> float | None:
        """The fraction of stored chunks whose ``key`` array holds any of ``values`` (the store
        holds one collection, so the array rows are counted without joining their chunks)."""
        try:
            con = self._connection()
            if con is None or not values:
                return None
            marks = ",".join("?" * len(values))
            ((matches,),) = _read(
                con,
                f"SELECT count(*) FROM embedding_metadata_array WHERE key = ? AND string_value IN ({marks})",
                [key, *values],
            )
            total = self._chunk_total(con)
        except sqlite3.Error:
            self._give_up()
            return None
        return matches / total if total else None

    def _chunk_total(self, con: sqlite3.Connection) -> int:
        """How many chunks the store holds: counted (1-3 ms at 100k) only after another
        connection committed, which ``PRAGMA data_version`` tells (this one never writes)."""
        ((version,),) = _read(con, "PRAGMA data_version", [])
        if self._total is None or self._total[0] != version:
            ((total,),) = _read(con, "SELECT count(*) FROM embeddings WHERE segment_id = ?", [self._segment])
            self._total = (version, int(total))
        return self._total[1]

    def holders(self, key: str, values: list[str], ids: list[str]) -> set[str] | None:
        """Which of the chunk ``ids`` have any of ``values`` in their ``key`` array."""
        try:
            con = self._connection()
            if con is None:
                return None
            found: set[str] = set()
            for start in range(0, len(ids), 900):  # SQLite's bound-parameter limit is 999 on old builds
                part = ids[start : start + 900]
                rows = _read(
                    con,
                    "SELECT e.embedding_id FROM embeddings e"
                    " JOIN embedding_metadata_array a INDEXED BY embedding_metadata_array_id_key"
                    " ON a.id = e.id"
                    f" WHERE e.segment_id = ? AND e.embedding_id IN ({','.join('?' * len(part))})"
                    f" AND a.key = ? AND a.string_value IN ({','.join('?' * len(values))})",
                    [self._segment, *part, key, *values],
                )
                found.update(str(r[0]) for r in rows)
            return found
        except sqlite3.Error:
            self._give_up()
            return None

    def _give_up(self) -> None:
        """Not a layout this reads (or it failed once): search uses Chroma's filter from now on."""
        self.close()
        self._db = None

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        self._total = None
