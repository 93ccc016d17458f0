"""Forgetting an item also removes what was made from it: an answer the model phrased from the
note in other words (so no word of the note is in it) goes, found by the sources stored with it,
not by its words; and nothing of the note or the answer is left in any file under HEARTH_HOME:
the conversations' SQLite database and write-ahead log, the audit log, a log line that repeated
the answer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from memory_files import grep_files, surroundings

from app.agent.loop import Agent
from app.config import MemorySettings, Settings
from app.conversations import ConversationStore
from app.derived import PLACEHOLDER, Forgotten, derived
from app.events import AnswerChecked
from app.paths import get_paths

sys.path.insert(0, str(Path(__file__).parents[1] / "agent"))
from scripted import ScriptedModel  # noqa: E402

NOTE = ("Grandma Rosalind's secret lemon drizzle recipe: 340 grams of caster sugar, three unwaxed Amalfi lemons, "
        "baked for 45 minutes in the copper tin she brought back from Lisbon.")
SPECIFICS = ("Rosalind", "340 grams", "unwaxed", "Amalfi", "Lisbon", "copper", "caster")
OTHER = "The recycling bins go out on Wednesday evening, and the garden waste on Fridays."
QUESTION = "How do I make grandma's lemon drizzle?"
PARAPHRASE = "Stir plenty of sweetener with citrus fruit, then cook it slowly in the metallic pan."


@pytest.fixture(autouse=True)
def onnx_embeddings(hearth_home: Path) -> None:
    config = hearth_home / "config"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text('[memory]\nembedding = "onnx"\n', encoding="utf-8")


def _ask_and_forget(tmp_path: Path, hearth_home: Path, model: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Ingest two notes, ask about one (the answer model phrases it), forget that note with
    ``hearth memory forget --item``; returns the answer shown and how it was made."""
    from app.cli import main
    from memory.api import open_memory

    monkeypatch.setenv("HEARTH_ANSWER_PHRASING", "model")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "cake.txt").write_text(NOTE, encoding="utf-8")
    (notes / "bins.txt").write_text(OTHER, encoding="utf-8")
    memory = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        memory.ingest_path(notes)
        (hit,) = memory.search("lemon drizzle recipe", k=1)
        assert "Amalfi" in hit.snippet
        agent = Agent(model, memory=memory, settings=Settings(), cwd=tmp_path)
        turn = agent.ask(QUESTION, conversation_id="c-cake", timeout=600)
        assert turn.final is not None, turn.events[-3:]
        method = next(e.method for e in turn.events if isinstance(e, AnswerChecked))
        answer = turn.final.text
    finally:
        memory.close()
    stored = ConversationStore().load("c-cake")["messages"]
    assert stored[-1]["content"] == answer and hit.item_id in stored[-1]["sources"]
    assert any(name.startswith("data/conversations/") for name in grep_files(hearth_home, answer.split(" [")[0]))
    logs = get_paths().logs_dir
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "hearth.log").write_text(f"turn answered: {answer}\nother line\n", encoding="utf-8")

    assert main(["memory", "forget", "--item", hit.item_id]) == 0

    stored = ConversationStore().load("c-cake")["messages"]
    assert stored[0]["content"] == QUESTION  # the user's own words stay
    assert stored[-1]["content"] == PLACEHOLDER and not stored[-1].get("citations") and not stored[-1].get("sources")
    for word in SPECIFICS:
        assert grep_files(hearth_home, word) == [], surroundings(hearth_home, word)
    assert "other line" in (logs / "hearth.log").read_text(encoding="utf-8")
    return answer, method


def test_a_paraphrased_answer_leaves_with_the_note(tmp_path: Path, hearth_home: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    model = ScriptedModel([PARAPHRASE])
    answer, method = _ask_and_forget(tmp_path, hearth_home, model, monkeypatch)
    assert answer.startswith(PARAPHRASE), answer  # shown as the model said it: no word of the note in it
    for word in ("sweetener", "citrus", "metallic", "slowly", PARAPHRASE):
        assert grep_files(hearth_home, word) == [], surroundings(hearth_home, word)


def test_the_real_model_s_answer_leaves_with_the_note(tmp_path: Path, hearth_home: Path, model_service: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    answer, method = _ask_and_forget(tmp_path, hearth_home, model_service, monkeypatch)
    print(f"\n[{method}] {answer}")
    words = {w.strip(".,;:!?\"'“”()[]") for w in answer.split()}
    kept = set(QUESTION.lower().split()) | set(OTHER.lower().split())
    for word in sorted(w for w in words if len(w) >= 5 and w.lower() not in kept
                       and w.lower() not in str(tmp_path).lower()):  # the folder names stored as sources
        assert grep_files(hearth_home, word) == [], surroundings(hearth_home, word)
    assert grep_files(hearth_home, answer) == []


# -- which records came from a forgotten item (the decision alone) -------------------------------

def _cite(item: str, title: str, snippet: str) -> dict[str, Any]:
    return {"chunk_id": f"{item}-0", "item_id": item, "source_type": "document", "title": title, "date": "",
            "snippet": snippet, "path": f"/notes/{item}.txt"}


GONE = Forgotten.of({"cake"}, [NOTE], {"/notes/cake.txt"})


def test_the_decision_follows_stored_sources_calls_and_history() -> None:
    cake, bins = _cite("cake", "cake.txt", NOTE), _cite("bins", "bins.txt", OTHER)
    messages = [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "Hello! How can I help?", "citations": [bins]},  # never read the note
        {"role": "user", "content": "When do the bins go out?", "cited": ["cake", "bins"]},
        {"role": "assistant", "content": "On Wednesday evening.", "citations": [cake, bins]},  # read, not from it
        {"role": "user", "content": QUESTION},
        {"role": "lookup", "label": "Searched your mail, messages, calendar, contacts and notes", "found": 2},
        {"role": "assistant", "content": PARAPHRASE, "citations": [], "sources": ["cake", "bins"]},
        {"role": "user", "content": "Read /notes/cake.txt"},
        {"role": "assistant", "content": "(used read_file)", "tool": "read_file", "arguments": {"path": "/notes/cake.txt"}},
        {"role": "tool", "tool": "read_file", "content": NOTE},
        {"role": "action", "action_id": "a-1", "tool": "read_file", "arguments": {"path": "/notes/cake.txt"},
         "output": NOTE},
        {"role": "user", "content": "Where was the tin from?"},
        {"role": "assistant", "content": "It came from Lisbon."},  # said again from the history
        {"role": "user", "content": "What is 2 + 2?"},
        {"role": "assistant", "content": "2 + 2 is 4."},
    ]
    flags = derived(messages, GONE)
    assert [i for i, flag in enumerate(flags) if flag] == [6, 8, 9, 10, 12]


def test_an_answer_that_cites_the_note_goes_whatever_its_words() -> None:
    cake = _cite("cake", "cake.txt", NOTE)
    messages = [{"role": "user", "content": QUESTION},
                {"role": "assistant", "content": "Here is how [1].", "citations": [cake]}]
    assert derived(messages, GONE) == [False, True]
    unrelated = Forgotten.of({"other"}, [OTHER])
    assert derived(messages, unrelated) == [False, False]


VCF = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Priyanka Venkataraman\r\nN:Venkataraman;Priyanka;;;\r\n"
       "TEL;TYPE=CELL:(555) 014-9922\r\nEND:VCARD\r\n")


def _ics(day: str) -> str:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:dentist-1@test\r\n"
            f"DTSTART:{day}T161500\r\nDTEND:{day}T170000\r\nSUMMARY:Dentist with Dr Okonkwo\r\n"
            "LOCATION:Quillfeather Dental Studio\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def test_calendar_and_contact_answers_keep_their_sources_and_leave_with_them(tmp_path: Path,
                                                                             hearth_home: Path) -> None:
    """Template answers (no model) store their citations too, so forgetting the card and the event
    removes the answers, the lookup line that named the event, and every trace of both."""
    import datetime as dt

    from app.cli import main
    from memory.api import open_memory

    (tmp_path / "people.vcf").write_text(VCF, encoding="utf-8")
    day = (dt.date.today() + dt.timedelta(days=1)).strftime("%Y%m%d")
    (tmp_path / "cal.ics").write_text(_ics(day), encoding="utf-8")
    memory = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        memory.ingest_path(tmp_path / "people.vcf")
        memory.ingest_path(tmp_path / "cal.ics")
        agent = Agent(ScriptedModel([]), memory=memory, settings=Settings(), cwd=tmp_path)
        answers = {}
        for text in ("What is Priyanka's phone number?", "When is my dentist appointment?"):
            turn = agent.ask(text, conversation_id="c-kinds", timeout=60)
            assert turn.final is not None and turn.final.citations, turn.events[-3:]
            answers[text] = (turn.final.text, {c.item_id for c in turn.final.citations},
                             next(e.method for e in turn.events if isinstance(e, AnswerChecked)))
    finally:
        memory.close()
    assert [kind for _, _, kind in answers.values()] == ["contact", "calendar"]
    assert "014-9922" in answers["What is Priyanka's phone number?"][0]
    stored = [m for m in ConversationStore().load("c-kinds")["messages"] if m["role"] == "assistant"]
    assert [{c["item_id"] for c in m["citations"]} for m in stored] == [ids for _, ids, _ in answers.values()]
    assert grep_files(hearth_home, "Okonkwo") and grep_files(hearth_home, "014-9922")

    for _, ids, _ in answers.values():
        for item in ids:
            assert main(["memory", "forget", "--item", item]) == 0

    messages = ConversationStore().load("c-kinds")["messages"]
    assert [m["content"] for m in messages if m["role"] == "assistant"] == [PLACEHOLDER, PLACEHOLDER]
    for word in ("Okonkwo", "Quillfeather", "Venkataraman", "014-9922", "9922"):
        assert grep_files(hearth_home, word) == [], surroundings(hearth_home, word)
