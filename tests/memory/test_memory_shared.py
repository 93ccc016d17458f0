"""The CLI while the app runs: the process that holds the memory (the app's core) serves it, and
a ``hearth`` command in another process reads and writes through it instead of failing with
"another Hearth is using the memory"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import MemorySettings
from app.paths import get_paths

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def onnx_embeddings(hearth_home: Path) -> None:
    config = hearth_home / "config"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text('[memory]\nembedding = "onnx"\n', encoding="utf-8")


def hearth(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``hearth ARGS`` in its own process, as a person would run it beside the app."""
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, start_new_session=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_memory_commands_work_through_the_process_that_holds_it(tmp_path: Path) -> None:
    from memory.api import open_memory

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "gate.txt").write_text("The side gate code is 4471, the bins go out on Thursday.", encoding="utf-8")
    owner = open_memory(get_paths(), MemorySettings(embedding="onnx"))  # the app's core, say
    try:
        owner.ingest_path(notes)
        found = hearth("memory", "search", "side gate code", "--json", "-k", "1")
        assert found.returncode == 0, found.stderr
        hit = json.loads(found.stdout.splitlines()[0])
        assert "4471" in hit["snippet"]
        remembered = hearth("memory", "remember", "My library card number is LIB-55821")
        assert remembered.returncode == 0, remembered.stderr
        assert "LIB-55821" in owner.search("library card number", k=1)[0].snippet  # written by the owner
        more = tmp_path / "more"
        more.mkdir()
        (more / "boiler.txt").write_text("The boiler was serviced in May by Ana.", encoding="utf-8")
        ingested = hearth("memory", "ingest", str(more))
        assert ingested.returncode == 0 and "1 added" in ingested.stdout, ingested.stderr
        forgotten = hearth("memory", "forget", "--item", hit["item_id"])
        assert forgotten.returncode == 0, forgotten.stderr
        assert all("4471" not in c.snippet for c in owner.search("side gate code", k=5))
    finally:
        owner.close()
    # the owner is gone: the next command simply takes the memory itself
    alone = hearth("memory", "search", "boiler", "--json", "-k", "1")
    assert alone.returncode == 0 and "serviced in May" in alone.stdout, alone.stderr


def test_a_shared_handle_takes_over_when_the_owner_leaves(tmp_path: Path) -> None:
    from memory.api import Memory, open_memory
    from memory.lock import MemoryLocked
    from memory.share import SharedMemory

    owner = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    with pytest.raises(MemoryLocked, match="another Hearth is using the memory"):
        Memory(get_paths(), MemorySettings(embedding="onnx"))  # the store itself still has one owner
    user = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    assert isinstance(user, SharedMemory) and user.shared
    item = user.remember("The spare key is under the third flower pot")
    assert "third flower pot" in owner.search("spare key", k=1)[0].snippet
    (row,) = user.item_chunks(item)  # what the read path asks of the memory works through the owner
    assert user.citation(row).item_id == item and row in user.records(source_types="conversation")
    assert user.contacts() == [] and user.stats()["chunks_by_source_type"] == {"conversation": 1}
    owner.close()
    assert "third flower pot" in user.search("spare key", k=1)[0].snippet
    assert not user.shared  # it holds the lock now
    user.close()


def test_every_public_method_of_the_memory_is_shared() -> None:
    from memory.api import Memory
    from memory.share import SharedMemory

    public = {name for name in dir(Memory) if not name.startswith("_")}
    assert public - set(dir(SharedMemory)) == set()


def test_a_peer_without_the_key_is_refused(tmp_path: Path) -> None:
    from memory.api import open_memory
    from memory.share import KEY_FILE, OwnerGone, call_owner

    owner = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        key_file = get_paths().memory_dir / KEY_FILE
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        address = key_file.read_text().split()[1]
        fake = tmp_path / "fake-memory"
        fake.mkdir()
        (fake / KEY_FILE).write_text(f"{'00' * 32}\n{address}\n")
        with pytest.raises((OwnerGone, Exception)) as refused:
            call_owner(fake, ("call", "stats", (), {}), None)
        assert "stats" not in str(refused.value)
        with pytest.raises(Exception, match="does not offer"):
            call_owner(get_paths().memory_dir, ("call", "close", (), {}), None)
    finally:
        owner.close()


@pytest.mark.slow
def test_hearth_ask_answers_while_another_process_holds_the_memory(
        default_model_dir: Path, hearth_home: Path, tmp_path: Path) -> None:
    from app.conversations import ConversationStore
    from memory.api import open_memory

    (hearth_home / "models").mkdir(parents=True)
    (hearth_home / "models" / default_model_dir.name).symlink_to(default_model_dir)
    with (hearth_home / "config" / "settings.toml").open("a") as settings:
        settings.write('[model]\nanswer = ""\n')  # the fast model answers: no second model to import
    owner = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        owner.remember("The plumber's name is Ana Duarte")
        plain = hearth("ask", "What is 2+2?", timeout=900)
        asked = hearth("ask", "--json", "What is the plumber's name?", timeout=900)
    finally:
        owner.close()
    for done in (plain, asked):
        assert done.returncode == 0, done.stderr
        assert "another Hearth" not in done.stderr and "answering without memory" not in done.stderr
    events = [json.loads(line) for line in asked.stdout.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events][-1] == "FinalAnswer"
    assert any(e["event"] == "LookupStep" and e["found"] for e in events)  # searched through the owner
    assert "Ana Duarte" in events[-1]["text"]
    assert len([c for c in ConversationStore().list() if c["id"].startswith("ask-")]) == 2
