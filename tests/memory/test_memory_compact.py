"""Compaction: a forgotten chunk's vector leaves the vector index; a cut-short compaction heals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from memory_corpus import TOPICS, write_topic_docs

from app.cli import main
from app.config import MemorySettings
from app.events import IngestFinished, IngestProgress
from app.paths import get_paths
from memory import api, compact, store, vector_files


def _store_dir() -> Path:
    return get_paths().memory_dir / api.STORE_SUBDIR


def _drop_clients() -> None:
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def _precreate_collection(sync_threshold: int) -> None:
    """Hearth's collection, made before Hearth opens it, with a low save threshold so that the
    vector index reaches disk in a small test (Chroma's default saves every 1,000 writes)."""
    import chromadb

    client = chromadb.PersistentClient(path=str(_store_dir()), settings=store.chroma_settings())
    client.create_collection(
        store.COLLECTION,
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine", "batch_size": 10, "sync_threshold": sync_threshold}},
    )
    _drop_clients()


def _slots_holding(vector: np.ndarray) -> list[str]:
    """Vector index slots on disk whose vector is ``vector`` (cosine > 0.999), as 'segment:slot'."""
    unit = vector / np.linalg.norm(vector)
    found = []
    for header in _store_dir().glob("*/header.bin"):
        layout = vector_files.read_layout(header.parent)
        data = (header.parent / "data_level0.bin").read_bytes()
        links = layout.slot_bytes - 384 * 4 - 8
        for slot in range(min(layout.element_count, len(data) // layout.slot_bytes)):  # saved slots
            at = slot * layout.slot_bytes + links
            stored = np.frombuffer(data[at : at + 384 * 4], dtype=np.float32)
            norm = float(np.linalg.norm(stored))
            if norm > 0 and float(stored @ unit) / norm > 0.999:
                found.append(f"{header.parent.name}:{slot}")
    return found


def _fill(memory, tmp_path: Path, notes: int) -> None:
    memory.ingest_path(write_topic_docs(tmp_path / "docs", notes))


def test_forget_marks_the_vector_and_compact_drops_it(
    hearth_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "AUTO_COMPACT_CHUNKS", 0)  # as if the store were large
    _precreate_collection(sync_threshold=10)
    memory = api.open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        _fill(memory, tmp_path, notes=24)
        total = memory.collection.count()
        (victim,) = memory.search(TOPICS[2], k=1)
        assert "TOPIC2" in victim.snippet
        vector = np.asarray(
            memory.collection.get(ids=[victim.chunk_id], include=["embeddings"])["embeddings"][0]
        )
        assert _slots_holding(vector), "the index should be on disk before forgetting"
        assert memory.forget(item_id=victim.item_id) == 1
        before = [[c.chunk_id for c in memory.search(q, k=3)] for q in TOPICS]
        # the text is gone at once; the vector stays in its slot, marked deleted, and is counted
        assert _slots_holding(vector)
        assert memory.vectors_pending() == 1 and memory.stats()["vectors_pending"] == 1

        events: list = []
        report = memory.compact(on_event=events.append)
        assert isinstance(report, IngestFinished) and report.source == "compact"
        assert (report.updated, report.removed) == (total - 1, 1)
        progress = [e for e in events if isinstance(e, IngestProgress)]
        assert progress[-1].done == progress[-1].total == total - 1 and events[-1] == report
        assert _slots_holding(vector) == []
        assert memory.vectors_pending() == 0
        assert memory.collection.count() == total - 1
        assert [[c.chunk_id for c in memory.search(q, k=3)] for q in TOPICS] == before
        # the old collection's segment folder is gone; one vector index remains
        assert len(list(_store_dir().glob("*/header.bin"))) == 1
        memory.remember("After compaction, writes still work")
    finally:
        memory.close()
    memory = api.open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        assert memory.collection.count() == total
        assert "TOPIC4" in memory.search(TOPICS[4], k=1)[0].snippet
        assert memory.search("After compaction", k=1)[0].snippet.startswith("After compaction")
    finally:
        memory.close()


def test_compact_with_nothing_forgotten_changes_nothing(mem, tmp_path: Path) -> None:
    _fill(mem, tmp_path, notes=2)
    before, total = mem.collection.id, mem.collection.count()
    report = mem.compact()
    assert (report.updated, report.removed) == (total, 0) and mem.collection.id == before


def test_a_small_store_is_compacted_by_forget_itself(mem, tmp_path: Path) -> None:
    _fill(mem, tmp_path, notes=3)
    (victim,) = mem.search(TOPICS[0], k=1)
    collection_before = mem.collection.id
    assert mem.forget(item_id=victim.item_id) == 1
    assert mem.collection.id != collection_before  # rebuilt without the forgotten chunk
    assert mem.vectors_pending() == 0
    assert "TOPIC1" in mem.search(TOPICS[1], k=1)[0].snippet
    assert all("TOPIC0" not in c.snippet for c in mem.search(TOPICS[0], k=5))


def test_a_compaction_cut_short_is_undone_or_finished(hearth_home: Path, tmp_path: Path) -> None:
    import chromadb

    settings = MemorySettings(embedding="onnx")
    memory = api.open_memory(get_paths(), settings)
    _fill(memory, tmp_path, notes=4)
    total = memory.collection.count()
    memory.close()

    def raw_client():  # noqa: ANN202
        return chromadb.PersistentClient(path=str(_store_dir()), settings=store.chroma_settings())

    def clone(client, name: str, limit: int | None = None) -> None:  # noqa: ANN001
        got = client.get_collection(store.COLLECTION).get(
            limit=limit, include=["embeddings", "documents", "metadatas"]
        )
        client.create_collection(name, embedding_function=None).add(
            ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"], metadatas=got["metadatas"]
        )

    def reopens_whole(topic: int) -> None:
        _drop_clients()
        memory = api.open_memory(get_paths(), settings)
        try:
            assert memory.collection.name == store.COLLECTION
            assert memory.collection.count() == total
            assert f"TOPIC{topic}" in memory.search(TOPICS[topic], k=1)[0].snippet
        finally:
            memory.close()
        assert [c.name for c in raw_client().list_collections()] == [store.COLLECTION]

    # killed while copying: a partial copy beside the intact original
    clone(raw_client(), compact.NEXT, limit=3)
    reopens_whole(3)

    # killed after the original was deleted, before the rename (the first design's order)
    client = raw_client()
    clone(client, compact.NEXT)
    client.delete_collection(store.COLLECTION)
    reopens_whole(5)

    # killed after the renames, before the old collection was deleted: it goes on the next open
    clone(raw_client(), compact.RETIRED)
    reopens_whole(1)

    # killed between the two renames: the old one aside, the whole copy not yet in place
    client = raw_client()
    clone(client, compact.RETIRED)
    client.get_collection(store.COLLECTION).modify(name=compact.NEXT)
    reopens_whole(2)
    _drop_clients()


def test_cli_forget_tells_of_waiting_vectors_and_compact_drops_them(
    hearth_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(api, "AUTO_COMPACT_CHUNKS", 0)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The shed key hangs by the back door.")
    (docs / "b.txt").write_text("The bins go out on Wednesday night.")
    assert main(["memory", "ingest", str(docs)]) == 0
    capsys.readouterr()
    assert main(["memory", "search", "shed key", "-k", "1", "--json"]) == 0
    hit = json.loads(capsys.readouterr().out.splitlines()[0])
    assert main(["memory", "forget", "--item", hit["item_id"]]) == 0
    out = capsys.readouterr().out
    assert "forgot 1 chunk(s)" in out and "`hearth memory compact` drops them" in out
    assert main(["memory", "stats"]) == 0
    assert "deleted chunks' vectors awaiting `hearth memory compact`: 1" in capsys.readouterr().out
    assert main(["memory", "compact", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["source"] == "compact" and report["removed"] == 1 and report["updated"] == 1
    assert main(["memory", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["vectors_pending"] == 0
    # a changed note leaves its old chunk's vector behind too, and ingest says so
    (docs / "b.txt").write_text("The bins go out on Thursday night now.")
    assert main(["memory", "ingest", str(docs)]) == 0
    out = capsys.readouterr().out
    assert "1 updated" in out and "1 deleted chunk(s) still have their vector" in out


def test_a_broken_progress_listener_stops_nothing(mem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_event) -> None:  # noqa: ANN001 - any event
        raise RuntimeError("the progress display crashed")

    monkeypatch.setattr(api, "AUTO_COMPACT_CHUNKS", 0)
    _fill(mem, tmp_path, notes=2)
    assert mem.forget(item_id=mem.search(TOPICS[0], k=1)[0].item_id) == 1
    total = mem.collection.count()
    assert mem.compact(on_event=broken).removed == 1 and mem.vectors_pending() == 0
    assert mem.reindex(on_event=broken).updated == total
    assert "TOPIC1" in mem.search(TOPICS[1], k=1)[0].snippet
