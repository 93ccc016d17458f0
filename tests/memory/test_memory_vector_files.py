"""The vector index's unused slots: Chroma writes them from uninitialised memory; forget zeroes them."""

from __future__ import annotations

import ctypes
import ctypes.util
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from app.events import HearthError
from app.paths import get_paths
from memory import vector_files
from memory.store import chroma_settings

SLOT = 1676  # 384 floats, 32 level-0 links and their count, an 8-byte label
PERTURB = 0xA5  # glibc fills fresh allocations with the complement: 0x5A
M_PERTURB = -6  # mallopt parameter (malloc.h)


def _write_segment(folder: Path, max_elements: int, count: int, slot: int = SLOT) -> None:
    folder.mkdir(parents=True)
    header = struct.pack("<iQQQQQ", 1, 0, max_elements, count, slot, slot - 8)
    (folder / "header.bin").write_bytes(header.ljust(vector_files.HEADER_SIZE, b"\1"))
    stale = b"forgotten text " * (slot // 15 + 1)
    used = bytes(range(256)) * (slot // 256 + 1)
    (folder / "data_level0.bin").write_bytes(
        b"".join(used[:slot] for _ in range(count)) + stale[:slot] * (max_elements - count)
    )
    (folder / "length.bin").write_bytes(b"\x01\x02\x03\x04" * count + b"txt!" * (max_elements - count))


def _tails(folder: Path) -> tuple[bytes, bytes]:
    layout = vector_files.read_layout(folder)
    data = (folder / "data_level0.bin").read_bytes()[layout.element_count * layout.slot_bytes :]
    length = (folder / "length.bin").read_bytes()[layout.element_count * 4 :]
    return data, length


def test_scrub_zeroes_only_slots_past_the_count(tmp_path: Path) -> None:
    seg = tmp_path / "store" / "segment-a"
    _write_segment(seg, max_elements=12, count=5)
    before = (seg / "data_level0.bin").read_bytes()
    rewritten = vector_files.scrub_unused_slots(tmp_path / "store")
    assert rewritten == 7 * SLOT + 7 * 4
    after = (seg / "data_level0.bin").read_bytes()
    assert len(after) == len(before) and after[: 5 * SLOT] == before[: 5 * SLOT]
    assert _tails(seg) == (bytes(7 * SLOT), bytes(7 * 4))
    assert (seg / "length.bin").read_bytes()[:20] == b"\x01\x02\x03\x04" * 5
    assert vector_files.scrub_unused_slots(tmp_path / "store") == 0  # zero blocks are not written again


def test_an_unknown_layout_is_an_error_and_nothing_is_written(tmp_path: Path) -> None:
    seg = tmp_path / "store" / "segment-b"
    _write_segment(seg, max_elements=4, count=1, slot=SLOT)
    header = bytearray((seg / "header.bin").read_bytes())
    header[0] = 2  # a persistence version this code does not know
    (seg / "header.bin").write_bytes(bytes(header))
    before = (seg / "data_level0.bin").read_bytes()
    with pytest.raises(HearthError, match="layout"):
        vector_files.scrub_unused_slots(tmp_path / "store")
    assert (seg / "data_level0.bin").read_bytes() == before


@contextmanager
def _malloc_perturbed() -> Iterator[None]:
    """glibc fills every fresh allocation with 0x5A meanwhile: stale memory becomes visible."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is None or not hasattr(libc, "mallopt"):
        pytest.skip("needs glibc's mallopt")
    assert libc.mallopt(M_PERTURB, PERTURB) == 1
    try:
        yield
    finally:
        libc.mallopt(M_PERTURB, 0)


def _segments(store_dir: Path) -> list[Path]:
    return [h.parent for h in store_dir.glob("*/header.bin")]


def test_chroma_writes_stale_memory_and_loads_the_scrubbed_index(tmp_path: Path) -> None:
    import chromadb

    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(60, 384)).astype(np.float32)  # fewer than the first allocation (100)
    ids = [f"v{i:03d}" for i in range(60)]
    store = tmp_path / "chroma"
    client = chromadb.PersistentClient(path=str(store), settings=chroma_settings())
    with _malloc_perturbed():
        collection = client.create_collection(
            "vectors",
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine", "batch_size": 10, "sync_threshold": 20}},
        )
        for start in range(0, 60, 20):
            collection.add(ids=ids[start : start + 20], embeddings=vectors[start : start + 20])
    (seg,) = _segments(store)
    layout = vector_files.read_layout(seg)
    assert 0 < layout.element_count < layout.max_elements  # some slots are persisted, some unused
    data_tail, length_tail = _tails(seg)
    # the precondition: Chroma (1.5.9's hnswlib) wrote the unused slots from uninitialised memory
    assert data_tail.count(0x5A) > len(data_tail) // 2 and length_tail.count(0x5A) > 0

    queries = rng.normal(size=(20, 384)).astype(np.float32)
    expected = collection.query(query_embeddings=queries, n_results=5, include=["distances"])
    assert vector_files.scrub_unused_slots(store) > 0
    assert _tails(seg) == (bytes(len(data_tail)), bytes(len(length_tail)))
    del collection, client
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()

    # a fresh client loads the scrubbed files and answers exactly as before, and can grow
    client = chromadb.PersistentClient(path=str(store), settings=chroma_settings())
    collection = client.get_collection("vectors", embedding_function=None)
    got = collection.query(query_embeddings=queries, n_results=5, include=["distances"])
    assert got["ids"] == expected["ids"]
    assert np.allclose(got["distances"], expected["distances"], atol=1e-5)
    more = rng.normal(size=(200, 384)).astype(np.float32)
    collection.add(ids=[f"w{i:03d}" for i in range(200)], embeddings=more)
    assert collection.count() == 260
    near = collection.query(query_embeddings=more[:10], n_results=1)["ids"]
    assert near == [[f"w{i:03d}"] for i in range(10)]
    SharedSystemClient.clear_system_cache()


@pytest.mark.parametrize("compacts", [False, True], ids=["marks-deleted", "compacts"])
def test_forget_zeroes_the_unused_slots(
    hearth_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compacts: bool
) -> None:
    from memory_files import grep_files

    from app.config import MemorySettings
    from memory import api
    from memory.api import open_memory

    # a store too big to compact at once keeps its index; a small one gets a new one (created
    # inside forget, so its fresh slots must be scrubbed as well)
    monkeypatch.setattr(api, "AUTO_COMPACT_CHUNKS", 10_000 if compacts else 0)
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(6):
        (docs / f"note{i}.txt").write_text(f"Note {i}: the spare key VAULTKEY{i} is under the pot.")
    with _malloc_perturbed():
        memory = open_memory(get_paths(), MemorySettings(embedding="onnx"))
        try:
            memory.ingest_path(docs)
            (before,) = _segments(memory.store_dir)
            assert _tails(before)[0].count(0x5A) > 0  # stale memory on disk before forgetting
            (hit,) = memory.search("where is the spare key VAULTKEY3", k=1)
            assert memory.forget(item_id=hit.item_id) == 1
        except BaseException:
            memory.close()
            raise
    try:
        (after,) = _segments(memory.store_dir)
        assert (after == before) is not compacts
        data_tail, length_tail = _tails(after)
        assert data_tail == bytes(len(data_tail)) and length_tail == bytes(len(length_tail))
        assert grep_files(get_paths().memory_dir, "VAULTKEY3") == []
        assert len(memory.search("spare key", k=10)) == 5
        assert memory.vectors_pending() == (0 if compacts else 1)
    finally:
        memory.close()
