"""Incremental, resumable ingestion of one source into the collection.

Every item carries a content hash. A run compares the scan with what the store holds for that
source: unchanged items are skipped, changed ones replaced, new ones added, and items whose
source disappeared are removed (only when the whole source could be listed, and never items that
merely failed to read this time). Chunk ids are derived from the item id and its hash, so a run
killed half-way and started again upserts the same ids: no duplicates, nothing lost. What an
``upsert`` returned from is durable: Chroma commits it to its SQLite log before returning.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.events import Event, IngestFinished, IngestProgress, guarded
from memory.chunking import CHUNKING, chunk_target, chunk_units, embed_text, token_cost
from memory.connectors import Scan
from memory.filters import chunk_metadata, person_keys
from memory.items import Item, Skip, to_utc
from memory.state import digest
from memory.store import pages

BATCH_CHUNKS = 256
MAX_LISTED_REASONS = 50


@dataclass
class Stored:
    """What the store holds of one item under this source: chunk ids per content hash."""

    ids_by_hash: dict[str, list[str]] = field(default_factory=dict)
    n_by_hash: dict[str, int] = field(default_factory=dict)
    path: str = ""
    chunking: int = CHUNKING  # the oldest chunking rule among its chunks

    def complete(self, content_hash: str) -> bool:
        """All chunks of this content are stored, chunked by today's rule, and nothing else."""
        ids = self.ids_by_hash.get(content_hash, [])
        return (
            len(self.ids_by_hash) == 1
            and len(ids) == self.n_by_hash.get(content_hash, -1)
            and self.chunking >= CHUNKING
        )

    def ids_except(self, content_hash: str) -> list[str]:
        return [i for h, ids in self.ids_by_hash.items() if h != content_hash for i in ids]

    def all_ids(self) -> list[str]:
        return [i for ids in self.ids_by_hash.values() for i in ids]


def inventory(collection: Any, root: str) -> dict[str, Stored]:
    """Every stored item of ``root`` (paged, metadata only)."""
    stored: dict[str, Stored] = {}
    for page in pages(collection, where={"root": root}, include=["metadatas"]):
        for chunk_id, meta in zip(page["ids"], page["metadatas"] or [], strict=False):
            entry = stored.setdefault(str(meta["item_id"]), Stored(path=str(meta.get("path", ""))))
            h = str(meta["item_hash"])
            entry.ids_by_hash.setdefault(h, []).append(chunk_id)
            entry.n_by_hash[h] = int(meta.get("n_chunks", 0))
            entry.chunking = min(entry.chunking, int(meta.get("chunking", 1)))
    return stored


def tombstoned(item: Item, tombstones: dict[str, Any]) -> bool:
    if item.item_id in tombstones.get("items", ()):
        return True
    rules = tombstones.get("rules") or []
    if not rules:
        return False
    when = to_utc(item.date)
    ts = int(when.timestamp()) if when else 0
    people = {digest(k) for k in person_keys(item.people)}
    for rule in rules:
        if rule.get("source_types") and item.source_type not in rule["source_types"]:
            continue
        if rule.get("person") and rule["person"] not in people:
            continue
        if rule.get("since") is not None or rule.get("until") is not None:
            if ts <= 0:
                continue
            if rule.get("since") is not None and ts < rule["since"]:
                continue
            if rule.get("until") is not None and ts > rule["until"]:
                continue
        return True
    return False


class Ingestor:
    """Runs one scan into the collection; ``lock`` serialises writes with the rest of Memory."""

    def __init__(
        self,
        collection: Any,
        embed: Callable[[list[str]], Any],
        lock: threading.RLock,
        tombstones: dict[str, Any],
        on_event: Callable[[Event], None] | None = None,
        batch_chunks: int | None = None,
    ) -> None:
        self.collection = collection
        self.embed = embed
        self.lock = lock
        self.tombstones = tombstones
        self._emit = guarded(on_event)
        self.batch_chunks = batch_chunks or BATCH_CHUNKS
        self.chunks_written = 0
        self.items_stored = 0  # after run: how many items of the root the store holds
        self.deleted: list[str] = []  # chunk ids deleted (changed, forgotten or gone items)

    def run(self, root: str, scan: Scan) -> IngestFinished:
        with self.lock:
            stored = inventory(self.collection, root)
        held = set(stored)  # the root's items in the store once this run is over
        added = updated = removed = 0
        unchanged = forgotten = 0
        failures: list[Skip] = []
        keeps: list[str] = []
        seen: set[str] = set()
        batch_ids: list[str] = []
        batch_docs: list[str] = []
        batch_embed_text: list[str] = []
        batch_meta: list[dict[str, Any]] = []
        stale: list[str] = []
        cost = token_cost()
        done = 0
        last_emit = 0.0

        def flush() -> None:
            nonlocal stale
            if not batch_ids and not stale:
                return
            vectors = self.embed(batch_embed_text) if batch_ids else None  # outside the lock
            with self.lock:
                if batch_ids:
                    self.collection.upsert(
                        ids=list(batch_ids),
                        embeddings=vectors,
                        documents=list(batch_docs),
                        metadatas=list(batch_meta),
                    )
                if stale:
                    self.collection.delete(ids=stale)
                    self.deleted.extend(stale)
            self.chunks_written += len(batch_ids)
            batch_ids.clear()
            batch_docs.clear()
            batch_embed_text.clear()
            batch_meta.clear()
            stale = []

        for entry in scan.entries:
            done += 1
            if isinstance(entry, Skip):
                failures.append(entry)
                if entry.keep:
                    keeps.append(entry.keep)
                current = entry.what
            else:
                item = entry
                current = item.title
                item_id = item.item_id
                if item_id in seen:  # the same message twice in one source
                    continue
                seen.add(item_id)
                previous = stored.get(item_id)
                if tombstoned(item, self.tombstones):
                    forgotten += 1
                    if previous:
                        stale.extend(previous.all_ids())
                        held.discard(item_id)
                    continue
                content_hash = item.content_hash
                if previous and previous.complete(content_hash):
                    unchanged += 1
                    continue
                chunks = chunk_units(item.units, target=chunk_target(item.title, cost), cost=cost)
                if not chunks:
                    failures.append(Skip(item.path or item.title, "no text in it"))
                    continue
                ids = [f"{item_id}-{content_hash[:12]}-{index}" for index in range(len(chunks))]
                for index, (chunk_id, chunk) in enumerate(zip(ids, chunks, strict=True)):
                    batch_ids.append(chunk_id)
                    batch_docs.append(chunk)
                    batch_embed_text.append(embed_text(item.title, chunk))
                    batch_meta.append(chunk_metadata(item, root, index, len(chunks)))
                held.add(item_id)
                # stored and not rewritten now: other content, or this content chunked by an
                # older rule (into more chunks)
                if previous:
                    keep = set(ids)
                    stale.extend(i for i in previous.all_ids() if i not in keep)
                if previous and (previous.ids_except(content_hash) or previous.chunking < CHUNKING):
                    updated += 1
                else:
                    added += 1  # new, or completing a half-written item from a killed run
                if len(batch_ids) >= self.batch_chunks:
                    flush()
            now = time.monotonic()
            if now - last_emit > 0.2:
                last_emit = now
                self._emit(
                    IngestProgress(source=root, done=done, total=max(scan.total, done), current=current[:120])
                )
        flush()

        if scan.complete:
            gone: list[str] = []
            for item_id, prior in stored.items():
                if item_id in seen:
                    continue
                if any(
                    prior.path == k
                    or prior.path.startswith(k.rstrip("/") + "/")
                    or prior.path.startswith(k + "#")
                    or item_id == k
                    for k in keeps
                ):
                    continue
                gone.extend(prior.all_ids())
                held.discard(item_id)
                removed += 1
            if gone:
                with self.lock:
                    for start in range(0, len(gone), 1000):
                        self.collection.delete(ids=gone[start : start + 1000])
                    self.deleted.extend(gone)

        reasons = summarise(failures)
        if unchanged:
            reasons.insert(0, f"{unchanged} unchanged since the last ingest")
        if forgotten:
            reasons.insert(0, f"{forgotten} forgotten earlier (not stored again)")
        self.items_stored = len(held)
        finished = IngestFinished(
            source=root,
            added=added,
            updated=updated,
            removed=removed,
            skipped=unchanged + forgotten + len(failures),
            skipped_reasons=tuple(reasons),
        )
        self._emit(IngestProgress(source=root, done=done, total=max(scan.total, done), current=""))
        self._emit(finished)
        return finished


def summarise(failures: list[Skip]) -> list[str]:
    """One line per distinct reason; reasons shared by many entries are counted, not listed."""
    by_reason = Counter(f.reason for f in failures)
    lines: list[str] = []
    listed = 0
    for failure in failures:
        count = by_reason[failure.reason]
        if count == 0:
            continue
        if count > 3:
            lines.append(f"{count} × {failure.reason} (e.g. {failure.what})")
            by_reason[failure.reason] = 0
        elif listed < MAX_LISTED_REASONS:
            lines.append(f"{failure.what}: {failure.reason}")
            listed += 1
    if listed >= MAX_LISTED_REASONS:
        lines.append("… more skipped entries not listed")
    return lines
