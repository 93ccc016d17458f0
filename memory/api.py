"""The memory's one entry point: ``open_memory()`` returns a :class:`Memory`.

Everything else in Hearth (agent, UI, CLI) codes against this interface. A Memory owns its store
for the life of the process (a file lock keeps a second Hearth out); close it when done.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from app.config import MemorySettings, load_settings
from app.events import Citation, Event, HearthError, IngestFinished, guarded
from app.paths import Paths, get_paths
from app.private import private_dir, tighten
from memory import compact, contacts_index, reindex, store, vector_files
from memory.connectors import conversation, imessage
from memory.embed_choice import choose
from memory.embeddings import HearthEmbeddingFunction
from memory.filters import (
    INDEX_KEY,
    Criteria,
    DateLike,
    build_where,
    criteria,
    index_values,
    is_phone,
    matcher,
    query_key,
    to_timestamp,
)
from memory.idle_compactor import IdleCompactor
from memory.ingest import Ingestor
from memory.items import SOURCE_TYPES
from memory.lock import MemoryLock, MemoryLocked
from memory.share import MemoryServer, SharedMemory
from memory.sources import KINDS, detect_kind, scan_path
from memory.state import State, digest

SNIPPET_CHARS = 300
POSTFILTER_CANDIDATES = 128  # a broad filter first filters this many nearest chunks (0: never)
# A person filter takes the smallest of these pools of nearest chunks that should hold 3 x k of
# the person's chunks (their share of the store x the pool); rarer people go to Chroma's filter.
PERSON_POOLS = (256, 1024, 2048)
PERSON_EXPECTED = 3
STORE_SUBDIR = "chroma"
# a forget or ingest that deletes chunks compacts at once (1.5-2 ms a chunk) when at most this
# many remain; a larger store keeps the deleted vectors, marked deleted and counted, until
# ``compact`` (the app's background compactor, or the user)
AUTO_COMPACT_CHUNKS = 5000
COPY_ATTEMPTS = 3  # copies made beside a store that is being written to, before giving way


class CompactionDeferred(HearthError):
    """A compaction gave way to writes; nothing changed and the vectors are still counted."""


class Record(NamedTuple):
    """One stored chunk: its id, its text and its metadata (structured fields as ``f_<name>``)."""

    chunk_id: str
    text: str
    meta: dict[str, Any]


def _group(meta: dict[str, Any]) -> str:
    return str(meta.get("group") or meta.get("item_id"))


def _rows(result: Any) -> list[tuple[str, str, dict[str, Any], float]]:
    """(id, document, metadata, distance) of a one-query Chroma result."""
    return [
        (chunk_id, doc or "", meta or {}, float(dist))
        for chunk_id, doc, meta, dist in zip(
            result["ids"][0],
            result["documents"][0],
            result["metadatas"][0],
            result["distances"][0],
            strict=False,
        )
    ]


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1].rstrip() + "…"


class Memory:
    """The user's life context: search it, add to it, forget parts of it."""

    def __init__(self, paths: Paths, settings: MemorySettings, *, serve: bool = True) -> None:
        self.paths = paths
        self.settings = settings
        self.folder = paths.memory_dir
        self.store_dir = self.folder / STORE_SUBDIR
        private_dir(self.folder)
        self._file_lock = MemoryLock(self.folder).acquire()
        self._lock = threading.RLock()
        self._compacting = threading.Lock()
        self._closing = threading.Event()
        self._idle_compactor: IdleCompactor | None = None
        self._closed = False
        try:
            self.backend = choose(settings.embedding, paths.cache_dir)
            self.embedding_function = HearthEmbeddingFunction(self.backend)
            self.client = store.make_client(self.store_dir, settings)
            compact.finish_interrupted(self.client)
            self.collection = store.CollectionHandle(
                store.open_collection(self.client, self.embedding_function)
            )
            self.people_index = self._people_index()
            # older stores: bring the person-filter metadata up to date (no re-embedding; once)
            reindex.migrate(self.collection, self.folder, self._lock)
            tighten(self.folder)  # files Chroma and SQLite made with the default 0644: the user's alone
        except BaseException:
            self._file_lock.release()
            raise
        self.state = State(self.folder)
        self._server: MemoryServer | None = None
        if serve:  # other Hearth processes (the CLI while the app runs) use it through this one
            try:
                self._server = MemoryServer(self, self.folder)
            except (OSError, HearthError):
                self._server = None

    def _people_index(self) -> store.PeopleIndex:
        embedded = self.settings.backend == "embedded"
        return store.PeopleIndex(self.store_dir if embedded else None, str(self.collection.id))

    # -- reading ---------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        k: int = 4,
        source_types: list[str] | tuple[str, ...] | str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        person: str | None = None,
    ) -> list[Citation]:
        """The ``k`` best chunks for ``query`` (one per item or event series), as citations.

        A person filter is one indexed ``$contains`` on ``people_index`` in Chroma's filtered
        query. A filter without a person (source types, dates) is broad, and Chroma's filtered
        query with a plain metadata field costs 145 ms at 100k chunks (measured), so the nearest
        ``POSTFILTER_CANDIDATES`` chunks are fetched unfiltered and filtered here first: when they
        hold ``k`` items those are exactly the filtered best (any better match would be among
        them); otherwise the filtered query runs. A person filter (without dates) takes the same
        shortcut when the person is common: Chroma's filter costs about 15 ms plus 2.8 µs per
        matching chunk at 100k, so the nearest chunks are checked against the person's index
        rows instead (see :meth:`_common_person_rows`).
        """
        self._check_open()
        if not query.strip() or k <= 0:
            return []
        chosen = criteria(source_types=source_types, since=since, until=until, person=person)
        where = build_where(source_types=source_types, since=since, until=until, person=person)
        want = max(k * 4, 10)
        vector = self.embedding_function([query])
        rows: list[tuple[str, str, dict[str, Any], float]] | None = None
        include = ["documents", "metadatas", "distances"]
        with self._lock:
            # no count() first: it costs a SQL count (6 ms at 100k chunks), and Chroma returns
            # fewer results, not an error, when asked for more than it holds
            if chosen.person and chosen.lo is None and chosen.hi is None:
                rows = self._common_person_rows(chosen, vector, k, want)
            elif where is not None and not chosen.person and want < POSTFILTER_CANDIDATES:
                wide = _rows(
                    self.collection.query(
                        query_embeddings=vector, n_results=POSTFILTER_CANDIDATES, include=include
                    )
                )
                match = matcher(chosen)
                kept = [row for row in wide if match(row[2])]
                if len(wide) < POSTFILTER_CANDIDATES or len({_group(r[2]) for r in kept}) >= k:
                    rows = kept
            if rows is None:
                rows = _rows(
                    self.collection.query(
                        query_embeddings=vector, n_results=want, where=where, include=include
                    )
                )
        citations: list[Citation] = []
        groups: set[str] = set()
        for chunk_id, doc, meta, dist in rows:
            group = _group(meta)
            if group in groups:
                continue
            groups.add(group)
            citations.append(self._citation(chunk_id, doc, meta, 1.0 - dist))
            if len(citations) >= k:
                break
        return citations

    def _common_person_rows(
        self, chosen: Criteria, vector: Any, k: int, want: int
    ) -> list[tuple[str, str, dict[str, Any], float]] | None:
        """The best chunks of a common person, from a pool of nearest chunks (ids only) checked
        against the person's index rows; None when Chroma's filtered query should answer (a rare
        person, a pool holding fewer than ``k`` of their items, or no index to read)."""
        values = index_values(chosen)
        share = self.people_index.share(INDEX_KEY, values)
        pool = next((n for n in PERSON_POOLS if share and share * n >= PERSON_EXPECTED * k), 0)
        if not pool:
            return None
        near = self.collection.query(query_embeddings=vector, n_results=pool, include=["distances"])
        ids, distances = near["ids"][0], near["distances"][0]
        holders = self.people_index.holders(INDEX_KEY, values, ids)
        if holders is None:
            return None
        kept = [(i, float(d)) for i, d in zip(ids, distances, strict=False) if i in holders]
        rows: list[tuple[str, str, dict[str, Any], float]] = []
        groups: set[str] = set()
        for start in range(0, len(kept), want):  # documents and metadata of the kept ones only
            part = kept[start : start + want]
            got = self.collection.get(ids=[i for i, _ in part], include=["documents", "metadatas"])
            found = dict(zip(got["ids"], zip(got["documents"], got["metadatas"], strict=False), strict=False))
            for chunk_id, dist in part:
                if chunk_id in found:
                    doc, meta = found[chunk_id]
                    rows.append((chunk_id, doc or "", meta or {}, dist))
                    groups.add(_group(meta or {}))
            if len(groups) >= k:
                return rows
        return rows if len(ids) < pool else None  # a pool short of full held every chunk

    def citation(self, record: Record, score: float = 1.0) -> Citation:
        """The citation for a chunk found by :meth:`records` or :meth:`item_chunks`."""
        return self._citation(record.chunk_id, record.text, record.meta, score)

    @staticmethod
    def _citation(chunk_id: str, doc: str, meta: dict[str, Any], score: float) -> Citation:
        return Citation(
            chunk_id=chunk_id,
            item_id=str(meta.get("item_id", "")),
            source_type=str(meta.get("source_type", "")),
            title=str(meta.get("title", "")),
            date=str(meta.get("date", "")),
            snippet=_snippet(doc),
            path=str(meta.get("path", "")),
            people=tuple(str(p) for p in (meta.get("people") or ())),
            trusted=bool(meta.get("trusted", False)),
            score=round(score, 4),
        )

    def records(
        self,
        *,
        source_types: list[str] | tuple[str, ...] | str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        person: str | None = None,
        group: str | None = None,
        contains: str | None = None,
        limit: int = 2000,
    ) -> list[Record]:
        """Stored chunks chosen by metadata alone (no query, no ranking): a calendar's events in a
        date range, a person's contact cards, the occurrences of one event series, the chunks whose
        text ``contains`` a word. Dates filter on each item's own date (an event occurrence's start)."""
        self._check_open()
        where = build_where(source_types=source_types, since=since, until=until, person=person)
        if group:
            where = {"group": group} if where is None else {"$and": [where, {"group": group}]}
        out: list[Record] = []
        with self._lock:
            found: dict[str, Any] = {"where_document": {"$contains": contains}} if contains else {}
            for page in store.pages(self.collection, where=where, include=["documents", "metadatas"], **found):
                for chunk_id, doc, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=False):
                    out.append(Record(chunk_id, doc or "", dict(meta or {})))
                if len(out) >= limit:
                    break
        return out[:limit]

    def item_chunks(self, item_id: str) -> list[Record]:
        """One item's chunks in order, with their metadata."""
        self._check_open()
        with self._lock:
            got = self.collection.get(where={"item_id": item_id}, include=["documents", "metadatas"])
        rows = [Record(i, d or "", dict(m or {})) for i, d, m in
                zip(got["ids"], got["documents"], got["metadatas"], strict=False)]
        return sorted(rows, key=lambda r: int(r.meta.get("chunk", 0)))

    def contacts(self) -> list[dict[str, Any]]:
        """Every contact card: ``{"name", "emails", "phones", "trusted", "item_id"}`` (for turning a
        name in a request into an address)."""
        self._check_open()
        cards = {"$and": [{"source_type": "contact"}, {"chunk": 0}]}
        found: list[dict[str, Any]] = []
        with self._lock:
            for page in store.pages(self.collection, where=cards, include=["metadatas"]):
                for meta in page["metadatas"] or []:
                    people = [str(p) for p in meta.get("people") or ()]
                    emails = [p for p in people if "@" in p]
                    phones = [p for p in people if "@" not in p and is_phone(p)]
                    names = [p for p in people if p not in emails and p not in phones]
                    name = names[0] if names else str(meta.get("title", ""))
                    if name:
                        found.append({"name": name, "emails": emails, "phones": phones,
                                      "trusted": bool(meta.get("trusted", False)),
                                      "item_id": str(meta.get("item_id", ""))})
        return found

    def item_text(self, item_id: str) -> str:
        """The full stored text of one item, its chunks in order (overlaps included)."""
        self._check_open()
        with self._lock:
            got = self.collection.get(where={"item_id": item_id}, include=["documents", "metadatas"])
        parts = sorted(
            zip(got["metadatas"], got["documents"], strict=False), key=lambda p: int(p[0].get("chunk", 0))
        )
        return "\n".join(doc for _, doc in parts)

    # -- writing ---------------------------------------------------------------------------
    def remember(self, text: str, *, source: str = "conversation", title: str = "", trusted: bool = True) -> str:
        """Store a fact; returns its item id. ``trusted=False`` when it may come from untrusted content
        (remembered while a mail or a web page was in the context): it stays untrusted when retrieved."""
        self._check_open()
        if not text.strip():
            raise HearthError("nothing to remember: the text is empty")
        item = conversation.fact_item(text, source=source, title=title, trusted=trusted)
        from memory.connectors import Scan

        ingestor = Ingestor(self.collection, self._embed, self._lock, {})
        root = "conversation"
        with self._lock:
            # one item at a time: feed it through the same path as every connector, without a sweep
            ingestor.run(root, Scan(1, iter([item]), complete=False))
        return item.item_id

    def ingest_path(
        self, path: str | Path, *, kind: str | None = None, on_event: Callable[[Event], None] | None = None
    ) -> IngestFinished:
        """Ingest a folder or file (incremental: unchanged items are skipped)."""
        self._check_open()
        target = Path(path).expanduser()
        if kind is not None and kind not in KINDS:
            raise HearthError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
        if not target.exists():
            raise HearthError(f"no such file or folder: {target}")
        kind = kind or detect_kind(target)
        root = str(target.resolve())
        ingestor = Ingestor(self.collection, self._embed, self._lock, self.state.tombstones(), on_event)
        started = time.time()
        if kind == "imessage":  # handles become contact names (ingested .vcf cards, macOS Contacts)
            with self._lock:
                book = contacts_index.load(self.collection)
            scan = imessage.scan(target, contacts=book)
        else:
            scan = scan_path(target, kind)
        try:
            finished = ingestor.run(root, scan)
        finally:  # what a changed or vanished item left behind goes as a forgotten one does
            self._after_delete(ingestor.deleted)
        self.state.record_source(
            root,
            {
                "kind": kind,
                "last_ingest": datetime.now(UTC).isoformat(timespec="seconds"),
                "seconds": round(time.time() - started, 2),
                "added": finished.added,
                "updated": finished.updated,
                "removed": finished.removed,
                "skipped": finished.skipped,
                "items": ingestor.items_stored,
            },
        )
        tighten(self.folder)  # a new collection's files are the user's alone at once
        return finished

    def _after_delete(self, ids: list[str]) -> None:
        """Chunks were deleted: scrub their text at once; compact a small store now, a large
        one in the background (if on) or on request."""
        if not ids:
            return
        with self._lock:
            self._deleted(ids)
            small = self.collection.count() <= AUTO_COMPACT_CHUNKS
        if small:
            self.compact()
        elif self._idle_compactor is not None:
            self._idle_compactor.poke()

    def _embed(self, texts: list[str]) -> Any:
        return self.embedding_function(texts)

    def reindex(self, *, on_event: Callable[[Event], None] | None = None) -> IngestFinished:
        """Re-embed every stored chunk with the current back end and rewrite the vector index.

        For after a change of embedding back end or model, or a damaged vector index. Resumable:
        killed half-way, the next call finishes the job (see :mod:`memory.reindex`).
        """
        self._check_open()
        return reindex.reindex(self.collection, self._embed, self._lock, self.folder, on_event)

    # -- forgetting ------------------------------------------------------------------------
    def forget(
        self,
        *,
        item_id: str | None = None,
        source_type: str | None = None,
        person: str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        source_path: str | None = None,
    ) -> int:
        """Delete matching chunks and scrub their text from the store's files; returns chunks removed.

        Forgetting by item, person or date is remembered (as ids and digests, never text) so a
        later ingest of the same source does not bring it back.
        """
        self._check_open()
        if not any(v not in (None, "") for v in (item_id, source_type, person, since, until, source_path)):
            raise HearthError(
                "say what to forget: an item, a source type, a person, a date range or a source path"
            )
        if source_path:
            source_path = (
                str(Path(source_path).expanduser().resolve())
                if source_path != "conversation"
                else source_path
            )
        where = build_where(
            source_types=source_type,
            since=since,
            until=until,
            person=person,
            item_id=item_id,
            source_path=source_path,
        )
        with self._lock:
            ids: list[str] = []
            texts: list[str] = []  # to take out of conversations and logs too (app.scrub)
            roots_items: set[tuple[str, str]] = set()  # (source root, item id) of every match
            files: set[str] = set()  # the forgotten items' own paths (a tool that read one read the item)
            for page in store.pages(self.collection, where=where, include=["metadatas", "documents"]):
                ids.extend(page["ids"])
                texts.extend(doc for doc in page.get("documents") or [] if doc)
                roots_items.update(
                    (str(m.get("root", "")), str(m.get("item_id"))) for m in page["metadatas"] or []
                )
                files.update(str(m.get("path") or "") for m in page["metadatas"] or [])
            item_ids = {i for _, i in roots_items}
            for start in range(0, len(ids), 1000):
                self.collection.delete(ids=ids[start : start + 1000])
            rule = None
            if person or since or until:
                rule = {
                    "source_types": [source_type] if source_type else None,
                    "person": digest(query_key(person)) if person else None,  # the key it matched
                    "since": to_timestamp(since),
                    "until": to_timestamp(until, end_of_day=True),
                }
            if item_id or rule:
                self.state.add_tombstones(sorted(item_ids | ({item_id} if item_id else set())), rule)
            self.state.count_forgotten_items(Counter(root for root, _ in roots_items))
            if source_path:
                self.state.drop_source(source_path)
        self._after_delete(ids)
        if ids:
            self._scrub_elsewhere(item_ids, texts, files)
        return len(ids)

    def _scrub_elsewhere(self, item_ids: set[str], texts: list[str], files: set[str]) -> None:
        """Forgotten text also leaves the conversations, the audit log and the logs."""
        from app.scrub import scrub_home

        try:
            scrub_home(self.paths, item_ids, texts, files)
        except Exception as exc:
            raise HearthError(f"forgotten from the memory, but not from the conversations and logs: {exc}") from exc

    def _deleted(self, ids: list[str]) -> None:
        """After chunks were deleted (under the lock): scrub their text out of the store's files
        at once, and count their vectors, which stay in the vector index until compaction."""
        self.state.set_vectors_pending(self.state.vectors_pending() + len(ids))
        if self.settings.backend == "embedded":
            store.purge_forgotten(self.store_dir, ids)

    def vectors_pending(self) -> int:
        """Forgotten chunks whose vectors are still in the vector index, marked deleted."""
        return self.state.vectors_pending()

    def compact(
        self, on_event: Callable[[Event], None] | None = None, *, yield_to_writes: bool = False
    ) -> IngestFinished:
        """Rebuild the collection from its live chunks so no forgotten vector stays in the vector
        index (see :mod:`memory.compact`); ``removed`` counts the vectors dropped.

        The copy holds the memory's lock only a page at a time, so searches, ingests and forgets
        go on between pages; it is swapped in only if nothing was written since it began, else
        made again. After :data:`COPY_ATTEMPTS` copies it is made under the lock, or, with
        ``yield_to_writes``, :class:`CompactionDeferred` is raised and nothing changes.
        """
        self._check_open()
        emit = guarded(on_event)
        with self._compacting:  # one compaction at a time; always taken before self._lock
            with self._open_lock():
                nothing_to_do = self.state.vectors_pending() == 0
                chunks = self.collection.count()
            if nothing_to_do:
                finished = IngestFinished(
                    source=compact.SOURCE, added=0, updated=chunks, removed=0, skipped=0
                )
                emit(finished)
                return finished
            for _ in range(COPY_ATTEMPTS):
                with self._open_lock():
                    writes, live = self.collection.writes, self.collection.target
                fresh = compact.copy_live_chunks(
                    self.client,
                    live,
                    self.embedding_function,
                    emit,
                    stop=self._closing.is_set,
                    hold=self._open_lock,
                )
                with self._open_lock():
                    swapped = self.collection.writes == writes and self.collection.target is live
                    if swapped:
                        finished = self._swap_in(fresh)
                    else:
                        compact.drop_copy(self.client)
                if swapped:
                    return self._finish(finished, emit)  # not under the lock: it takes it by pages
            if yield_to_writes:
                raise CompactionDeferred("the memory kept being written to; compaction will try again later")
            with self._open_lock():
                fresh = compact.copy_live_chunks(
                    self.client, self.collection.target, self.embedding_function, emit, pause=False
                )
                finished = self._swap_in(fresh)
            return self._finish(finished, emit)

    @contextmanager
    def _open_lock(self) -> Iterator[None]:
        """The memory's lock, for a memory that is still open."""
        with self._lock:
            self._check_open()
            yield

    def _swap_in(self, fresh: Any) -> IngestFinished:
        """Make the compaction copy the memory's collection (under the lock)."""
        pending = self.state.vectors_pending()
        self.people_index.close()
        self.collection.target = compact.swap_in(
            self.client, self.collection.target, fresh, self.embedding_function
        )
        self.people_index = self._people_index()
        if self.settings.backend == "embedded":
            vector_files.scrub_unused_slots(self.store_dir)  # the new index's first, unsaved slots
        self.state.set_vectors_pending(0)
        return IngestFinished(
            source=compact.SOURCE, added=0, updated=self.collection.count(), removed=pending, skipped=0
        )

    def _finish(self, finished: IngestFinished, emit: Callable[[Event], None]) -> IngestFinished:
        """Delete the replaced collection a page at a time, then its segment folder."""
        if compact.retire(self.client, stop=self._closing.is_set, hold=self._open_lock):
            with self._open_lock():
                if self.settings.backend == "embedded":
                    compact.remove_orphan_segments(self.store_dir)
        emit(finished)
        return finished

    def compact_in_background(self, listener: Callable[[Event], None] | None = None) -> None:
        """From now on, compact by itself once writing has been quiet for a while, whenever
        forgotten vectors wait (for a long-lived process: the desktop app)."""
        self._check_open()
        if self._idle_compactor is None:
            self._idle_compactor = IdleCompactor(self, listener)
        self._idle_compactor.poke()

    @property
    def compacting(self) -> bool:
        """A background compaction is under way (or waiting for writes to quieten)."""
        return self._idle_compactor is not None and self._idle_compactor.running

    # -- overview --------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        self._check_open()
        with self._lock:
            by_type = {}
            for source_type in SOURCE_TYPES:
                got = self.collection.get(where={"source_type": source_type}, include=[])
                if got["ids"]:
                    by_type[source_type] = len(got["ids"])
            chunks = self.collection.count()
        disk = 0
        if self.settings.backend == "embedded" and self.store_dir.exists():
            disk = sum(f.stat().st_size for f in self.store_dir.rglob("*") if f.is_file())
        return {
            "backend": self.settings.backend,
            "location": str(self.store_dir)
            if self.settings.backend == "embedded"
            else f"http://{self.settings.server_host}:{self.settings.server_port}",
            "embedding": f"all-MiniLM-L6-v2 ({self.backend})",
            "chunks": chunks,
            "chunks_by_source_type": by_type,
            "sources": len(self.state.sources()),
            "disk_bytes": disk,
            "vectors_pending": self.state.vectors_pending(),
            "compacting": self.compacting,
        }

    def sources(self) -> list[dict[str, Any]]:
        return [{"path": root, **info} for root, info in sorted(self.state.sources().items())]

    # -- lifetime --------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise HearthError("the memory is closed")

    def close(self) -> None:
        """Let go of the store and the lock. Every acknowledged write is already on disk."""
        if self._closed:
            return
        self._closing.set()  # a compaction copying beside the store stops at its next page
        if self._server is not None:
            self._server.close()  # first: a peer's call in flight finishes before the store closes
            self._server = None
        if self._idle_compactor is not None:
            self._idle_compactor.stop()
        with self._compacting, self._lock:
            if self._closed:
                return
            self._closed = True
            self.collection = None  # type: ignore[assignment]  # closed: every later use fails loudly
            self.client = None
            self.people_index.close()
            try:
                from chromadb.api.client import SharedSystemClient

                SharedSystemClient.clear_system_cache()
            except Exception:
                pass
            tighten(self.folder)  # what this session's writes created
            self._file_lock.release()

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_memory(paths: Paths | None = None, settings: MemorySettings | None = None) -> Memory | SharedMemory:
    """Open (creating if needed) the user's memory, or, when another Hearth process holds it
    (the app, while a ``hearth`` command runs), use it through that process. Raises
    :class:`MemoryLocked` only when the process that holds it does not answer."""
    paths = paths or get_paths()
    if settings is None:
        settings = load_settings(paths).memory
    try:
        return Memory(paths, settings)
    except MemoryLocked as locked:
        try:
            return SharedMemory(paths, settings)
        except HearthError:
            raise locked from None
