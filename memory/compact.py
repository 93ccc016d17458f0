"""Compaction: rebuild the collection so forgotten chunks' vectors leave the vector index.

Chroma's HNSW index only marks a deleted vector: the slot keeps its 384 floats (searches still
route through deleted nodes), and an embedding says something about the text it came from.
Compaction copies every live chunk (id, stored vector, text, metadata; nothing is re-embedded)
into a new collection, renames the old one aside and the new one into its place, deletes the
old one and removes its segment's folder. About 1.5-2 ms a chunk (bench/memory.py).

Nothing holds the memory's lock for long, so searches (and the user) need not wait: the copy
and the deletion of the old collection take it a page at a time, and the swap is two renames.
The memory swaps the copy in only if nothing was written meanwhile, else copies again
(:meth:`memory.api.Memory.compact`).

kill -9 safe: the old collection is set aside only after the copy is complete, so on the next
open :func:`finish_interrupted` drops a half-made copy (the old collection is still in place),
completes the rename (the old one is already aside), or deletes what was set aside.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from app.events import Event, HearthError, IngestProgress
from memory import store

NEXT = store.COLLECTION + "_compacting"
RETIRED = store.COLLECTION + "_retired"
SOURCE = "compact"
# Chunks a page. A page holds the memory's lock while it is read and written (adding 500 cost
# 0.4 s at 100k chunks), so a search waits for at most one page; PAUSE_S between pages lets a
# waiting search take the lock (a thread that releases a lock and takes it again at once
# usually wins it back).
PAGE = 100
PAUSE_S = 0.005
# Deleting a whole collection costs about 80 ms per 1,000 chunks (3.1 s at 40k), a page at a
# time about 5 times that: up to this many chunks, the old collection goes at once.
RETIRE_AT_ONCE = 5000


def _exists(client: Any, name: str) -> bool:
    try:
        client.get_collection(name)
    except Exception:
        return False
    return True


def finish_interrupted(client: Any) -> None:
    """Complete or undo a compaction that a crash cut short (call before opening the collection)."""
    try:
        if _exists(client, NEXT):
            if _exists(client, store.COLLECTION):
                client.delete_collection(NEXT)  # the copy was unfinished: the original is intact
            else:
                client.get_collection(NEXT).modify(name=store.COLLECTION)  # the copy was whole
        if _exists(client, RETIRED):
            if _exists(client, store.COLLECTION):
                client.delete_collection(RETIRED)  # replaced, and not yet deleted
            else:  # never left by Hearth; the safe reading is that it is the only store
                client.get_collection(RETIRED).modify(name=store.COLLECTION)
    except Exception as exc:
        raise HearthError(f"cannot finish an interrupted compaction of the memory store: {exc}") from exc


class CompactionStopped(HearthError):
    """The copy was abandoned (the memory is closing); the store is unchanged."""


def copy_live_chunks(
    client: Any,
    collection: Any,
    ef: Any,
    emit: Callable[[Event], None],
    stop: Callable[[], bool] = lambda: False,
    hold: Callable[[], AbstractContextManager[Any]] = nullcontext,
    pause: bool = True,
) -> Any:
    """Copy every chunk into a fresh collection beside the live one; returns the copy.

    Each page is read and written inside ``hold()`` (the memory's lock), released between pages
    (with a pause, unless ``pause`` is False) so that searches and writes go on; :func:`swap_in`
    makes the copy the memory's collection, :func:`drop_copy` throws it away. The lock matters
    beyond Hearth's own consistency: Chroma's SQLite (bundled in its Rust library) and Python's
    are two copies of SQLite in one process that do not see each other's locks, so no Chroma
    call may overlap the store's own SQLite reads and scrubs.
    """
    with hold():
        drop_copy(client)
        fresh = store.open_collection(client, ef, NEXT)
        total = collection.count()
    done = 0
    emit(IngestProgress(source=SOURCE, done=0, total=total, current=""))
    while True:
        if stop():
            with hold():
                drop_copy(client)
            raise CompactionStopped("compaction stopped before it finished; the store is unchanged")
        with hold():
            page = collection.get(limit=PAGE, offset=done, include=["embeddings", "documents", "metadatas"])
            if page["ids"]:
                fresh.add(
                    ids=page["ids"],
                    embeddings=page["embeddings"],
                    documents=page["documents"],
                    metadatas=page["metadatas"],
                )
        done += len(page["ids"])
        emit(IngestProgress(source=SOURCE, done=done, total=total, current=""))
        if len(page["ids"]) < PAGE:
            return fresh
        if pause:
            time.sleep(PAUSE_S)


def drop_copy(client: Any) -> None:
    """Delete a compaction copy, if there is one."""
    if _exists(client, NEXT):
        client.delete_collection(NEXT)


def swap_in(client: Any, live: Any, fresh: Any, ef: Any) -> Any:
    """Make the copy the memory's collection and set the old one aside for :func:`retire`
    (call with no write since the copy began); returns the new collection. Renames only, so
    it is quick: deleting a large collection at once holds Chroma (and searches) for seconds."""
    copied, total = fresh.count(), live.count()
    if copied != total:
        drop_copy(client)
        raise HearthError(f"compaction copied {copied} of {total} chunks; the store is unchanged")
    if _exists(client, RETIRED):
        client.delete_collection(RETIRED)
    live.modify(name=RETIRED)
    fresh.modify(name=store.COLLECTION)
    return client.get_collection(store.COLLECTION, embedding_function=ef)


def retire(
    client: Any,
    stop: Callable[[], bool] = lambda: False,
    hold: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> bool:
    """Delete the collection :func:`swap_in` set aside: a page of chunks at a time inside
    ``hold()``, then the emptied collection; a small one at once. False if stopped first (the
    next open finishes)."""
    with hold():
        if not _exists(client, RETIRED):
            return True
        old = client.get_collection(RETIRED)
        if old.count() <= RETIRE_AT_ONCE:
            client.delete_collection(RETIRED)
            return True
    while True:
        if stop():
            return False
        with hold():
            ids = old.get(limit=PAGE, include=[])["ids"]
            if ids:
                old.delete(ids=ids)
        if len(ids) < PAGE:
            break
        time.sleep(PAUSE_S)
    with hold():
        client.delete_collection(RETIRED)
    return True


def remove_orphan_segments(store_dir: Path) -> list[str]:
    """Delete segment folders that no segment row names any more (what a deleted collection
    leaves behind); returns their names."""
    db = store_dir / store.SQLITE_FILE
    if not db.exists():
        return []
    con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        known = {str(row[0]) for row in con.execute("SELECT id FROM segments")}
    except sqlite3.Error as exc:
        raise HearthError(f"compaction could not read the store's segments: {exc}") from exc
    finally:
        con.close()
    removed = []
    for folder in sorted(p for p in store_dir.iterdir() if p.is_dir()):
        if folder.name not in known and (folder / "header.bin").exists():
            shutil.rmtree(folder)
            removed.append(folder.name)
    return removed
