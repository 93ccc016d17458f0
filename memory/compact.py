"""Compaction: rebuild the collection so forgotten chunks' vectors leave the vector index.

Chroma's HNSW index only marks a deleted vector: the slot keeps its 384 floats (searches still
route through deleted nodes), and an embedding says something about the text it came from.
Compaction copies every live chunk (id, stored vector, text, metadata; nothing is re-embedded)
into a new collection, deletes the old one, renames the new one, removes the old segment's
folder and scrubs the SQLite file. About 1.3 ms a chunk (bench/memory.py).

The copy only reads the live collection, so searches (and the user) need not wait for it: the
memory swaps it in under its lock if nothing was written meanwhile, else copies again
(:meth:`memory.api.Memory.compact`).

kill -9 safe: the old collection is deleted only after the copy is complete, so on the next open
:func:`finish_interrupted` drops a half-made copy (the old collection is still there) or
completes the rename (the old one is already gone and the copy is whole).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.events import Event, HearthError, IngestProgress
from memory import store

NEXT = store.COLLECTION + "_compacting"
SOURCE = "compact"
# chunks a page. Chroma keeps the GIL through most of an add, so a search waits for the page in
# hand: at 20k chunks, pages of 2,000 held searches up to 1.1 s, 500 up to 0.7 s (p95 0.3 s)
# for 5% longer, 250 up to 0.3 s for 20% longer. A stop request waits for one page too.
PAGE = 500


def _exists(client: Any, name: str) -> bool:
    try:
        client.get_collection(name)
    except Exception:
        return False
    return True


def finish_interrupted(client: Any) -> None:
    """Complete or undo a compaction that a crash cut short (call before opening the collection)."""
    if not _exists(client, NEXT):
        return
    try:
        if _exists(client, store.COLLECTION):
            client.delete_collection(NEXT)  # the copy was unfinished: the original is intact
        else:
            client.get_collection(NEXT).modify(name=store.COLLECTION)  # the copy was whole
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
) -> Any:
    """Copy every chunk into a fresh collection beside the live one; returns the copy.

    Only reads the live collection, so searches go on meanwhile; :func:`swap_in` makes the copy
    the memory's collection, :func:`drop_copy` throws it away.
    """
    drop_copy(client)
    fresh = store.open_collection(client, ef, NEXT)
    total = collection.count()
    done = 0
    emit(IngestProgress(source=SOURCE, done=0, total=total, current=""))
    for page in store.pages(collection, page=PAGE, include=["embeddings", "documents", "metadatas"]):
        if stop():
            drop_copy(client)
            raise CompactionStopped("compaction stopped before it finished; the store is unchanged")
        if not page["ids"]:
            break
        fresh.add(
            ids=page["ids"],
            embeddings=page["embeddings"],
            documents=page["documents"],
            metadatas=page["metadatas"],
        )
        done += len(page["ids"])
        emit(IngestProgress(source=SOURCE, done=done, total=total, current=""))
    return fresh


def drop_copy(client: Any) -> None:
    """Delete a compaction copy, if there is one."""
    if _exists(client, NEXT):
        client.delete_collection(NEXT)


def swap_in(client: Any, live: Any, fresh: Any, ef: Any) -> Any:
    """Replace the memory's collection by the copy (call with no write since the copy began)."""
    copied, total = fresh.count(), live.count()
    if copied != total:
        drop_copy(client)
        raise HearthError(f"compaction copied {copied} of {total} chunks; the store is unchanged")
    client.delete_collection(store.COLLECTION)
    fresh.modify(name=store.COLLECTION)
    return client.get_collection(store.COLLECTION, embedding_function=ef)


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
