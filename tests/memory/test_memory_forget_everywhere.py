"""Forgetting an item takes its text out of everything under HEARTH_HOME: the memory's files, the
conversations (the prompt that carried it, a citation of it, an answer or a tool output that
repeated it, SQLite's -wal and -shm files included), the audit log and the log files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from memory_corpus import make_mail, write_mbox
from memory_files import grep_files, surroundings

from app.agent.loop import Agent
from app.audit import AuditLog
from app.config import MemorySettings, Settings
from app.conversations import ConversationStore
from app.derived import PLACEHOLDER
from app.paths import get_paths
from app.scrub import MARK, Fragments

sys.path.insert(0, str(Path(__file__).parents[1] / "agent"))
from scripted import ScriptedModel  # noqa: E402

TOKEN = "QUOKKA7731VELD"
NOTE = f"The code for the garden shed padlock is {TOKEN}, and the spare key hangs behind the blue watering can."


@pytest.fixture(autouse=True)
def onnx_embeddings(hearth_home: Path) -> None:
    config = hearth_home / "config"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text('[memory]\nembedding = "onnx"\n', encoding="utf-8")


def test_forget_item_leaves_no_trace_anywhere_under_hearth_home(hearth_home: Path, tmp_path: Path) -> None:
    from app.cli import main
    from memory.api import open_memory

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "shed.txt").write_text(NOTE, encoding="utf-8")
    (notes / "bins.txt").write_text("The recycling bins go out on Wednesday evening.", encoding="utf-8")
    mbox = write_mbox(tmp_path / "m.mbox", [make_mail("Shed keys", "Did you find the shed keys yet?",
                                                      sender="Eve <eve.quokka@example.com>")])
    memory = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        memory.ingest_path(notes)
        memory.ingest_path(mbox)
        (mail,) = memory.search("Did Eve find the shed keys?", k=1, source_types="mail")
        (hit,) = memory.search("shed padlock code", k=1)
        assert TOKEN in hit.snippet
        model = ScriptedModel([f"Action: answer\nThe padlock code is {TOKEN}.",
                               f'Action: read_file\nArguments: {{"path": "{notes}/shed.txt"}}',
                               "Action: answer\nThe note says where the spare key hangs.",
                               "Action: answer\nOn Wednesday evening."])
        agent = Agent(model, memory=memory, settings=Settings(), cwd=tmp_path, preroute=False)
        assert agent.ask("What is the code for the shed padlock?", conversation_id="c-shed", timeout=30).final
        assert agent.ask(f"Read the file {notes}/shed.txt", conversation_id="c-shed", timeout=30).final
        # an unrelated question still retrieved the note and stored it with the prompt
        assert agent.ask("When do the bins go out?", conversation_id="c-bins", timeout=30).final
        assert memory.forget(item_id=mail.item_id) == 1  # the mail made c-shed untrusted, under its label
    finally:
        memory.close()
    assert grep_files(hearth_home, "eve.quokka@example.com") == [], surroundings(hearth_home, "eve.quokka@example.com")
    assert ConversationStore().load("c-shed")["untrusted_sources"]  # still marked untrusted, without the name
    ConversationStore().append("c-title", {"role": "user", "content": f"my padlock code is {TOKEN}"})
    logs = get_paths().logs_dir
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "hearth.log").write_text(f"turn answered: The padlock code is {TOKEN}.\nother line\n", encoding="utf-8")
    store = ConversationStore()
    assert store.load("c-bins")["messages"][0]["cited"]  # references are kept with the message
    before = {cid: store.count(cid) for cid in ("c-shed", "c-bins")}
    store.close()
    assert {"audit/audit.jsonl", "logs/hearth.log"} <= set(grep_files(hearth_home, TOKEN))
    assert any(name.startswith("data/conversations/") for name in grep_files(hearth_home, TOKEN))

    assert main(["memory", "forget", "--item", hit.item_id]) == 0

    assert grep_files(hearth_home, TOKEN) == [], surroundings(hearth_home, TOKEN)
    assert grep_files(hearth_home, "blue watering can") == [], surroundings(hearth_home, "blue watering can")
    store = ConversationStore()
    assert {cid: store.count(cid) for cid in ("c-shed", "c-bins")} == before  # nothing else went
    bins = store.load("c-bins")["messages"]
    assert bins[0]["content"] == "When do the bins go out?" and "prompt" not in bins[0]
    assert bins[-1]["content"] == "On Wednesday evening."
    shed = store.load("c-shed")["messages"]
    assert shed[1]["content"] == PLACEHOLDER  # the answer that cited the note
    assert [m["role"] for m in shed if m.get("removed")] == ["assistant", "action", "assistant", "tool", "assistant"]
    assert bins[-1]["citations"] and all(c["item_id"] != hit.item_id for c in bins[-1]["citations"])
    assert all(c["item_id"] != hit.item_id for m in shed for c in m.get("citations", []))
    assert "other line" in (logs / "hearth.log").read_text()
    read = [e for e in AuditLog().read().entries if e.get("tool") == "read_file"]
    assert read and all(e["removed"] for e in read)  # the action that read the note, in the audit log too
    assert {e["kind"] for e in read} >= {"proposal", "result"}


def test_fragments_cut_identifying_words_and_long_runs_only() -> None:
    cut = Fragments([NOTE]).cut
    assert cut(f"It is {TOKEN}.") == f"It is {MARK}."
    assert cut("The spare key hangs behind the blue watering can, it said.") == f"{MARK}, it said."
    assert cut("The code for the front door is 1234.") == "The code for the front door is 1234."


def test_fragments_keep_only_what_is_stored_elsewhere() -> None:
    """Forgetting a big source holds only the pieces that occur in conversations and logs."""
    stored = [f"The padlock code is {TOKEN}.", "unrelated words about the weather today and tomorrow"]
    fragments = Fragments([NOTE, "Another forgotten note with ID ABC12345 and many more words in it"], within=stored)
    assert fragments.words == {TOKEN.lower()} and fragments.runs == set()
    assert fragments.cut(stored[0]) == f"The padlock code is {MARK}."
