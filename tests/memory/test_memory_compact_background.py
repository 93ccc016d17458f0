"""Compaction beside a live store: searches go on while it copies, a write makes it copy again,
and in the app it runs by itself in the background once writing is quiet."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from memory_corpus import TOPICS, write_topic_docs

from app.config import MemorySettings
from app.core import HearthCore
from app.events import IngestProgress
from app.paths import get_paths
from memory import api, compact, idle_compactor, store


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a store too large for forget to compact at once; copies go a few chunks a page."""
    monkeypatch.setattr(api, "AUTO_COMPACT_CHUNKS", 0)
    monkeypatch.setattr(compact, "PAGE", 8)


def _fill(memory, tmp_path: Path, notes: int = 12) -> None:  # noqa: ANN001
    memory.ingest_path(write_topic_docs(tmp_path / "docs", notes))


def _forget_one(memory, topic: int) -> str:  # noqa: ANN001
    (victim,) = memory.search(TOPICS[topic], k=1)
    assert memory.forget(item_id=victim.item_id) == 1
    return victim.chunk_id


def _copies_started(events: list) -> int:
    return sum(1 for e in events if isinstance(e, IngestProgress) and e.done == 0)


def _collections(memory) -> list[str]:  # noqa: ANN001
    return sorted(c.name for c in memory.client.list_collections())


def test_a_search_does_not_wait_for_the_copy(mem, tmp_path: Path, large: None) -> None:
    _fill(mem, tmp_path)
    _forget_one(mem, 0)
    answers: list[list[str]] = []

    def search_elsewhere(event) -> None:  # noqa: ANN001 - called on the compacting thread
        if isinstance(event, IngestProgress) and 0 < event.done < event.total and not answers:
            found: list[str] = []
            other = threading.Thread(target=lambda: found.extend(c.snippet for c in mem.search(TOPICS[3], k=1)))
            other.start()
            other.join(20)  # were the memory's lock held while copying, this search would wait for it
            answers.append(found)

    report = mem.compact(on_event=search_elsewhere)
    assert answers and answers[0] and "TOPIC3" in answers[0][0], answers
    assert report.removed == 1 and mem.vectors_pending() == 0


def test_a_search_does_not_wait_while_the_old_collection_is_deleted(
    mem, tmp_path: Path, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(mem, tmp_path)
    _forget_one(mem, 0)
    monkeypatch.setattr(compact, "PAGE", 2)
    monkeypatch.setattr(compact, "PAUSE_S", 0.05)  # deleting the old collection takes a second
    monkeypatch.setattr(compact, "RETIRE_AT_ONCE", 0)  # a page at a time, as in a large store
    real_retire = compact.retire
    times: dict[str, float] = {}

    def retire_beside_a_search(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        def search() -> None:
            mem.search(TOPICS[3], k=1)
            times["searched"] = time.monotonic()

        other = threading.Thread(target=search)
        other.start()
        done = real_retire(*args, **kwargs)
        times["retired"] = time.monotonic()
        other.join(20)
        return done

    monkeypatch.setattr(compact, "retire", retire_beside_a_search)
    assert mem.compact().removed == 1
    assert times["searched"] < times["retired"], "the search waited for the whole deletion"
    assert _collections(mem) == [store.COLLECTION]


def test_a_write_during_the_copy_makes_it_copy_again(mem, tmp_path: Path, large: None) -> None:
    _fill(mem, tmp_path)
    forgotten = _forget_one(mem, 1)
    total = mem.collection.count()
    events: list = []

    def write_once(event) -> None:  # noqa: ANN001
        events.append(event)
        if isinstance(event, IngestProgress) and event.done and _copies_started(events) == 1 and len(events) == 2:
            mem.remember("The spare fuse is in the blue tin under the stairs.")

    report = mem.compact(on_event=write_once)
    assert _copies_started(events) == 2  # the first copy missed the new fact, so it was made again
    assert report.updated == total + 1 and mem.collection.count() == total + 1
    assert "blue tin" in mem.search("where is the spare fuse", k=1)[0].snippet
    assert mem.collection.get(ids=[forgotten])["ids"] == []
    assert mem.vectors_pending() == 0 and _collections(mem) == [store.COLLECTION]


def test_a_compaction_that_keeps_being_written_to_gives_way_or_finishes_under_the_lock(
    mem, tmp_path: Path, large: None
) -> None:
    _fill(mem, tmp_path)
    _forget_one(mem, 2)
    before = mem.collection.id
    facts = iter(f"Locker {n} holds the winter tyres." for n in range(100))
    copies: list = []

    def keep_writing(event) -> None:  # noqa: ANN001
        copies.append(event)
        if isinstance(event, IngestProgress) and event.done == 0 and _copies_started(copies) <= api.COPY_ATTEMPTS:
            threading.Thread(target=lambda: mem.remember(next(facts))).start()
            time.sleep(0.5)  # the write lands while this copy is being made

    with pytest.raises(api.CompactionDeferred):
        mem.compact(on_event=keep_writing, yield_to_writes=True)
    assert _copies_started(copies) == api.COPY_ATTEMPTS
    # gave way: nothing changed, the vector is still counted, no half copy is left
    assert mem.collection.id == before and mem.vectors_pending() == 1
    assert _collections(mem) == [store.COLLECTION]

    copies.clear()
    report = mem.compact(on_event=keep_writing)  # asked for by the user: the last copy holds the lock
    assert _copies_started(copies) == api.COPY_ATTEMPTS + 1
    assert report.removed == 1 and mem.vectors_pending() == 0 and mem.collection.id != before
    assert mem.collection.count() == report.updated
    facts_stored = mem.collection.get(where={"source_type": "conversation"}, include=[])["ids"]
    assert len(facts_stored) == api.COPY_ATTEMPTS * 2  # every write made during the copies is kept


def test_an_ingest_that_drops_chunks_scrubs_their_text_and_counts_their_vectors(
    mem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "notes"
    docs.mkdir()
    (docs / "alarm.txt").write_text("The old alarm code is QUOKKA-7731.")
    (docs / "gone.txt").write_text("The hidden safe is behind the MARMOT-0458 painting.")
    (docs / "stays.txt").write_text("The bins go out on Wednesday night.")
    mem.ingest_path(docs)
    monkeypatch.setattr(api, "AUTO_COMPACT_CHUNKS", 0)
    (docs / "alarm.txt").write_text("The new alarm code is WALLABY-1190.")
    (docs / "gone.txt").unlink()
    report = mem.ingest_path(docs)
    assert (report.updated, report.removed) == (1, 1)
    assert mem.vectors_pending() == 2  # the changed note's old chunk and the vanished note's
    for path in (mem.store_dir).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"QUOKKA" not in data and b"MARMOT" not in data, path
    assert "WALLABY" in mem.search("alarm code", k=1)[0].snippet
    monkeypatch.setattr(api, "AUTO_COMPACT_CHUNKS", 5000)
    (docs / "stays.txt").write_text("The bins go out on Thursday night now.")
    mem.ingest_path(docs)  # a small store: compacted at once, the earlier two included
    assert mem.vectors_pending() == 0


def test_the_app_compacts_by_itself_once_writing_is_quiet(
    hearth_home: Path, tmp_path: Path, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idle_compactor, "QUIET_S", 1.0)
    monkeypatch.setattr(idle_compactor, "POLL_S", 0.1)
    core = HearthCore(paths=get_paths(), compact_in_background=True)
    core.settings.memory = MemorySettings(embedding="onnx")
    try:
        memory = core.memory
        _fill(memory, tmp_path)
        forgotten = _forget_one(memory, 4)
        assert memory.vectors_pending() == 1 and memory.stats()["compacting"]
        deadline = time.monotonic() + 60
        while memory.vectors_pending() and time.monotonic() < deadline:
            memory.search(TOPICS[1], k=1)  # searching is not writing: it does not hold compaction off
            time.sleep(0.05)
        assert memory.vectors_pending() == 0, memory._idle_compactor.last_error
        assert memory.collection.get(ids=[forgotten])["ids"] == []
        deadline = time.monotonic() + 10
        while memory.stats()["compacting"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not memory.stats()["compacting"]
    finally:
        core.shutdown()


def test_writes_hold_the_background_compaction_off(hearth_home: Path, tmp_path: Path, large: None) -> None:
    memory = api.open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        _fill(memory, tmp_path)
        compactor = idle_compactor.IdleCompactor(memory, quiet_s=1.5)
        memory._idle_compactor = compactor
        _forget_one(memory, 5)
        for n in range(6):  # a write every half second: never quiet for 1.5 s
            memory.remember(f"Reminder {n}: water the fern.")
            time.sleep(0.5)
        assert memory.vectors_pending() == 1 and compactor.running
        deadline = time.monotonic() + 30
        while memory.vectors_pending() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert memory.vectors_pending() == 0, compactor.last_error
    finally:
        memory.close()


def test_closing_stops_a_background_copy_and_loses_nothing(
    hearth_home: Path, tmp_path: Path, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compact, "PAGE", 2)
    settings = MemorySettings(embedding="onnx")
    memory = api.open_memory(get_paths(), settings)
    _fill(memory, tmp_path)
    _forget_one(memory, 0)
    total = memory.collection.count()
    copying = threading.Event()

    def slow(event) -> None:  # noqa: ANN001
        if isinstance(event, IngestProgress) and event.done:
            copying.set()
            time.sleep(0.3)

    memory._idle_compactor = idle_compactor.IdleCompactor(memory, slow, quiet_s=0.0)
    memory._idle_compactor.poke()
    assert copying.wait(30)
    started = time.monotonic()
    memory.close()
    assert time.monotonic() - started < 10
    assert not memory._idle_compactor.running
    memory = api.open_memory(get_paths(), settings)
    try:
        assert memory.collection.count() == total and memory.vectors_pending() == 1
        assert _collections(memory) == [store.COLLECTION]
        assert "TOPIC1" in memory.search(TOPICS[1], k=1)[0].snippet
    finally:
        memory.close()
