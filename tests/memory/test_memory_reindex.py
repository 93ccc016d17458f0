"""``Memory.reindex``: every chunk re-embedded from its stored text; kill -9 safe; older stores migrate."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from memory_corpus import TOPICS, make_mail, write_mbox, write_topic_docs

from app.cli import main
from app.config import MemorySettings
from app.events import IngestFinished, IngestProgress
from app.paths import get_paths
from memory import reindex as reindex_module
from memory.filters import INDEX_KEY, LEGACY_KEY, person_keys

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("memory_reindex_child.py")

def _fill(mem, tmp_path: Path, notes: int = 0) -> None:
    mem.ingest_path(write_topic_docs(tmp_path / "docs", notes))
    mbox = write_mbox(
        tmp_path / "m.mbox",
        [
            make_mail(
                "Dentist",
                "Your dentist appointment is on the 14th at 09:00.",
                sender="Dr Zhou <zhou@clinic.example>",
            )
        ],
    )
    mem.ingest_path(mbox)


def _scramble(collection) -> None:
    """Overwrite every vector with noise: what a damaged index or a foreign model looks like."""
    ids = collection.get(include=[])["ids"]
    noise = np.random.default_rng(0).normal(size=(len(ids), 384)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    collection.update(ids=ids, embeddings=noise)


def _assert_vectors_fresh(mem) -> None:
    """Every stored vector is the current model's embedding of that chunk's text."""
    got = mem.collection.get(include=["documents", "metadatas", "embeddings"])
    texts = [
        reindex_module.embed_text(m["title"], d)
        for d, m in zip(got["documents"], got["metadatas"], strict=True)
    ]
    fresh = np.asarray(mem.embedding_function(texts), dtype=np.float32)
    stored = np.asarray(got["embeddings"], dtype=np.float32)
    cos = (fresh * stored).sum(axis=1) / np.linalg.norm(fresh, axis=1) / np.linalg.norm(stored, axis=1)
    assert cos.min() > 0.98, cos.min()  # batch-mates shift int8 activations a little (>= 0.989 seen)


def _topic_hits(mem) -> int:
    return sum(
        1
        for i, topic in enumerate(TOPICS)
        if f"TOPIC{i}" in mem.search(topic, k=1, source_types=["document"])[0].snippet
    )


def test_reindex_reembeds_every_chunk(mem, tmp_path: Path) -> None:
    _fill(mem, tmp_path)
    ids_before = sorted(mem.collection.get(include=[])["ids"])
    # vectors written by ingest are what reindex computes from the stored text
    _assert_vectors_fresh(mem)
    _scramble(mem.collection)
    assert _topic_hits(mem) < len(TOPICS)  # the damage is visible to search
    with pytest.raises(AssertionError):
        _assert_vectors_fresh(mem)

    events: list = []
    report = mem.reindex(on_event=events.append)
    assert isinstance(report, IngestFinished) and report.source == "reindex"
    assert (report.updated, report.skipped, report.added, report.removed) == (len(ids_before), 0, 0, 0)
    assert isinstance(events[0], IngestProgress) and events[-1] == report
    progress = [e for e in events if isinstance(e, IngestProgress)]
    assert progress[-1].done == progress[-1].total == len(ids_before)
    assert sorted(mem.collection.get(include=[])["ids"]) == ids_before
    _assert_vectors_fresh(mem)
    assert _topic_hits(mem) == len(TOPICS)
    (dentist,) = mem.search("when is the dentist", k=1, person="Dr Zhou")
    assert dentist.title == "Dentist"
    # a second run starts afresh (the first finished) and changes nothing but the vectors' run stamp
    again = mem.reindex()
    assert again.updated == len(ids_before) and again.skipped == 0


def test_kill_9_mid_reindex_then_run_again(hearth_home: Path, tmp_path: Path) -> None:
    from memory.api import open_memory

    memory = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    _fill(memory, tmp_path, notes=90)
    total = memory.collection.count()
    _scramble(memory.collection)
    memory.close()

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(CHILD)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    done_at_kill = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        parts = line.split()
        assert parts[0] != "done", "the reindex finished before it could be killed"
        if parts[0] == "progress" and int(parts[1]) >= 24:
            done_at_kill = int(parts[1])
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL and 0 < done_at_kill < total

    memory = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        assert memory.collection.count() == total  # the store is usable and nothing is lost
        report = memory.reindex()
        assert report.skipped >= done_at_kill and report.updated + report.skipped == total
        assert any("interrupted run" in r for r in report.skipped_reasons)
        got = memory.collection.get(include=["metadatas"])
        assert len(got["ids"]) == len(set(got["ids"])) == total
        assert len({m[reindex_module.RUN_KEY] for m in got["metadatas"]}) == 1  # all from one run
        _assert_vectors_fresh(memory)
        assert _topic_hits(memory) == len(TOPICS)
    finally:
        memory.close()


def test_older_store_migrates_metadata_without_reembedding(hearth_home: Path, tmp_path: Path) -> None:
    from memory.api import open_memory

    paths = get_paths()
    memory = open_memory(paths, MemorySettings(embedding="onnx"))
    _fill(memory, tmp_path)
    # make it look like a store written before people_index: plain people_keys, no marker
    got = memory.collection.get(include=["metadatas"])
    legacy = [
        (i, {LEGACY_KEY: person_keys(m["people"]), INDEX_KEY: None})
        for i, m in zip(got["ids"], got["metadatas"], strict=True)
        if m.get("people")
    ]
    assert legacy
    memory.collection.update(ids=[i for i, _ in legacy], metadatas=[m for _, m in legacy])
    (paths.memory_dir / reindex_module.SCHEMA_FILE).unlink()
    vectors = memory.collection.get(include=["embeddings"])["embeddings"]
    assert memory.search("dentist", k=1, person="zhou@clinic.example") == []  # the old schema misses
    memory.close()

    memory = open_memory(paths, MemorySettings(embedding="onnx"))
    try:
        (hit,) = memory.search("dentist", k=1, person="zhou@clinic.example", source_types=["mail"])
        assert hit.title == "Dentist"
        metas = memory.collection.get(include=["metadatas"])["metadatas"]
        assert not any(LEGACY_KEY in m for m in metas)
        assert np.array_equal(
            np.asarray(memory.collection.get(include=["embeddings"])["embeddings"]), np.asarray(vectors)
        )
        marker = json.loads((paths.memory_dir / reindex_module.SCHEMA_FILE).read_text())
        assert marker["version"] == reindex_module.SCHEMA_VERSION
    finally:
        memory.close()


def test_cli_reindex(hearth_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = hearth_home / "config"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text('[memory]\nembedding = "onnx"\n', encoding="utf-8")
    note = tmp_path / "n.txt"
    note.write_text("The spare key is under the blue flowerpot.", encoding="utf-8")
    assert main(["memory", "ingest", str(note)]) == 0
    capsys.readouterr()
    assert main(["memory", "reindex"]) == 0
    assert "re-embedded 1 of 1 chunk(s) with onnx" in capsys.readouterr().out
    assert main(["memory", "reindex", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["event"] == "IngestFinished" and report["updated"] == 1 and report["embedding"] == "onnx"


def test_a_chunk_forgotten_during_reindex_stays_forgotten(
    mem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from memory_files import grep_files, surroundings

    _fill(mem, tmp_path)
    total = mem.collection.count()
    victim_chunk = max(mem.collection.get(include=[])["ids"])  # in the last batch: ids go in order
    got = mem.collection.get(ids=[victim_chunk], include=["documents", "metadatas"])
    victim_item, victim_text = got["metadatas"][0]["item_id"], got["documents"][0]
    monkeypatch.setattr(reindex_module, "BATCH", 2)
    forgotten: list[int] = []
    embed = mem._embed

    def forget_while_embedding(texts: list[str]):  # noqa: ANN202 - what the embedder returns
        # the worst moment: after the batch was read, before its vectors are written
        if any(t.endswith(victim_text) for t in texts) and not forgotten:
            forgotten.append(mem.forget(item_id=victim_item))
        return embed(texts)

    monkeypatch.setattr(mem, "_embed", forget_while_embedding)
    report = mem.reindex()
    assert forgotten == [1] and report.updated == total
    assert mem.collection.get(ids=[victim_chunk])["ids"] == []  # update does not bring it back
    assert mem.collection.count() == total - 1
    folder = get_paths().memory_dir
    assert grep_files(folder, victim_text) == [], surroundings(folder, victim_text)


def test_ingest_embeds_exactly_what_reindex_would(
    mem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One embed-text rule for both (a long title is cut as in the stored metadata)."""
    embedded: list[str] = []
    real = mem._embed
    monkeypatch.setattr(mem, "_embed", lambda texts: (embedded.extend(texts), real(texts))[1])
    _fill(mem, tmp_path)
    mem.remember("My pharmacy is the one on Elm Street.", title="A very long title " * 40)
    got = mem.collection.get(include=["documents", "metadatas"])
    expected = [
        reindex_module.embed_text(m["title"], d)
        for d, m in zip(got["documents"], got["metadatas"], strict=True)
    ]
    assert sorted(embedded) == sorted(expected)
