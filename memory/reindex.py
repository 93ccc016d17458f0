"""Keeping the vector index in step with the embedding model and the metadata schema.

:func:`reindex` re-embeds every stored chunk from its stored text (title and chunk, through the
same :func:`memory.chunking.embed_text` as ingestion) with the current back end and writes the new
vectors over the old ones with ``collection.update`` in batches: after switching the embedding
back end or model, or when the vector index looks damaged. It works the same on the embedded store
and a Chroma server (no segment files are touched), and it is safe to kill: every batch is
committed before the next, each chunk is stamped with the run's id, and a run that finds an
unfinished run's marker (``memory_dir/reindex.json``) continues it, skipping the chunks already
done. ``update`` (not ``upsert``) never brings back a chunk forgotten while the run was going.

:func:`migrate` brings older stores' metadata to the current schema without re-embedding (the
person filter's ``people_index``, see :mod:`memory.filters`); ``Memory`` runs it when it opens a
store whose ``index-schema.json`` is older, and :func:`reindex` does it on the way.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.events import Event, IngestFinished, IngestProgress, guarded
from app.fileio import atomic_write_text
from memory.chunking import embed_text
from memory.filters import INDEX_KEY, LEGACY_KEY, people_index
from memory.store import pages

SCHEMA_FILE = "index-schema.json"
SCHEMA_VERSION = 2  # 1: plain people_keys filtered with $contains; 2: people_index digests
RUN_FILE = "reindex.json"
RUN_KEY = "reindex_run"  # chunk metadata: the id of the reindex run that last embedded it
BATCH = 256
SOURCE = "reindex"


def metadata_changes(meta: dict[str, Any]) -> dict[str, Any]:
    """The metadata a chunk needs to match the current schema (``None`` removes a key)."""
    changes: dict[str, Any] = {}
    if LEGACY_KEY in meta:
        changes[LEGACY_KEY] = None
    people = [str(p) for p in meta.get("people") or ()]
    if people:
        want = people_index(people, str(meta.get("source_type", "")))
        if list(meta.get(INDEX_KEY) or ()) != want:
            changes[INDEX_KEY] = want
    return changes


def all_ids(collection: Any) -> list[str]:
    """Every chunk id in the collection, sorted (paged, nothing else loaded)."""
    return sorted({chunk_id for page in pages(collection, include=[]) for chunk_id in page["ids"]})


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def schema_version(folder: Path) -> int:
    return int(_read(folder / SCHEMA_FILE).get("version", 1))


def _mark_schema(folder: Path) -> None:
    atomic_write_text(folder / SCHEMA_FILE, json.dumps({"version": SCHEMA_VERSION, "at": _now()}))


def migrate(collection: Any, folder: Path, lock: threading.RLock, batch: int = 1000) -> int:
    """Update older chunks' metadata to the current schema (no re-embedding); returns chunks changed.

    Runs once per store: the marker file says the store is current. Killed half-way, it simply
    runs again on the next open (each update is idempotent).
    """
    if schema_version(folder) >= SCHEMA_VERSION:
        return 0
    changed = 0
    with lock:
        ids = all_ids(collection) if collection.count() else []
        for start in range(0, len(ids), batch):
            got = collection.get(ids=ids[start : start + batch], include=["metadatas"])
            updates = [
                (chunk_id, changes)
                for chunk_id, meta in zip(got["ids"], got["metadatas"] or [], strict=False)
                if (changes := metadata_changes(meta or {}))
            ]
            if updates:
                collection.update(ids=[u[0] for u in updates], metadatas=[u[1] for u in updates])
                changed += len(updates)
    _mark_schema(folder)
    return changed


def reindex(
    collection: Any,
    embed: Callable[[list[str]], Any],
    lock: threading.RLock,
    folder: Path,
    on_event: Callable[[Event], None] | None = None,
    batch: int | None = None,
) -> IngestFinished:
    """Re-embed every chunk from its stored text and write the vectors back (resumable)."""
    batch = batch or BATCH

    emit = guarded(on_event)
    run_file = folder / RUN_FILE
    previous = _read(run_file)
    resuming = bool(previous.get("run")) and not previous.get("finished")
    run = str(previous["run"]) if resuming else uuid.uuid4().hex[:12]
    started = str(previous.get("started", "")) if resuming else _now()
    if not resuming:
        atomic_write_text(run_file, json.dumps({"run": run, "started": started}))
    with lock:
        ids = all_ids(collection)
    total = len(ids)
    done = reembedded = already = 0
    emit(IngestProgress(source=SOURCE, done=0, total=total, current=""))
    for start in range(0, total, batch):
        with lock:
            got = collection.get(ids=ids[start : start + batch], include=["documents", "metadatas"])
        todo_ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        for chunk_id, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=False):
            meta = meta or {}
            if meta.get(RUN_KEY) == run:
                already += 1
                continue
            todo_ids.append(chunk_id)
            texts.append(embed_text(str(meta.get("title", "")), doc or ""))
            metas.append({**metadata_changes(meta), RUN_KEY: run})
        if todo_ids:
            vectors = embed(texts)
            with lock:  # update, not upsert: a chunk forgotten meanwhile stays forgotten
                collection.update(ids=todo_ids, embeddings=vectors, metadatas=metas)
            reembedded += len(todo_ids)
        done += len(got["ids"])
        emit(IngestProgress(source=SOURCE, done=done, total=total, current=f"{done} of {total} chunks"))
    atomic_write_text(run_file, json.dumps({"run": run, "started": started, "finished": _now()}))
    _mark_schema(folder)
    reasons = (f"{already} already re-embedded by the interrupted run this one finished",) if already else ()
    finished = IngestFinished(
        source=SOURCE, added=0, updated=reembedded, removed=0, skipped=already, skipped_reasons=reasons
    )
    emit(finished)
    return finished
