"""The agent never shows an unsupported specific as fact: it quotes the passage, or says it found nothing.

The memory is the real one (ONNX embeddings, a contact card and a note ingested from files); the model
is scripted so the test can make it invent a phone number, as the real small model did (issue 13).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.agent.loop import Agent
from app.answer.check import NOT_FOUND
from app.config import MemorySettings, Settings
from app.events import Token
from app.paths import get_paths
from tests.agent.scripted import ScriptedModel

CARD = """BEGIN:VCARD\r
VERSION:3.0\r
FN:Priya Shah\r
N:Shah;Priya;;;\r
TEL;TYPE=CELL:555-0199\r
EMAIL:priya@example.com\r
END:VCARD\r
"""
QUESTION = "What is Priya's phone number?"
# neither a question nor a short lookup phrase: the agent loop answers it, and checks the answer
REQUEST = "I would like to have the phone number of Priya"


@pytest.fixture
def memory(hearth_home: Path, tmp_path: Path):
    from memory.api import open_memory

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "priya.vcf").write_text(CARD)
    (corpus / "lunch.md").write_text("Lunch with Priya on Friday was fun. She loved the tacos at Rosa's.\n")
    mem = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    mem.ingest_path(corpus)
    mem.ingest_path(tmp_path / "priya.vcf")
    yield mem
    mem.close()


def ask(memory, reply: str, question: str = QUESTION, tmp_path: Path | None = None):
    agent = Agent(ScriptedModel([reply]), memory=memory, settings=Settings(), cwd=tmp_path or Path.cwd())
    turn = agent.ask(question, timeout=30)
    assert turn.final is not None, [e.kind for e in turn.events]
    return turn, turn.final


def test_a_question_is_answered_from_the_card_and_the_model_never_gets_to_invent(memory, tmp_path: Path) -> None:
    turn, final = ask(memory, "Priya's phone number is 512-347-8960.", tmp_path=tmp_path)
    streamed = "".join(e.text for e in turn.events if isinstance(e, Token))
    assert "555-0199" in final.text and "512-347-8960" not in streamed + final.text
    assert [c.source_type for c in final.citations] == ["contact"] and final.text.rstrip(".").endswith("[1]")


def test_an_invented_phone_number_is_replaced_by_the_card_quoted_with_its_marker(memory, tmp_path: Path) -> None:
    turn, final = ask(memory, "Priya's phone number is 512-347-8960.", question=REQUEST, tmp_path=tmp_path)
    card = next(i for i, c in enumerate(final.citations, 1) if c.source_type == "contact")
    assert "512-347-8960" in "".join(e.text for e in turn.events if isinstance(e, Token))  # it did stream
    assert final.checked == "quote"
    assert final.text.startswith("I couldn't confirm “512-347-8960” in your data.")
    assert "555-0199" in final.text and final.text.endswith(f"[{card}]")
    assert "512-347-8960" not in final.text.split("in your data.", 1)[1]  # named only as not confirmed


def test_a_correct_answer_is_kept_as_the_model_wrote_it(memory, tmp_path: Path) -> None:
    _, final = ask(memory, "Priya's phone number is 555-0199.", question=REQUEST, tmp_path=tmp_path)
    assert final.checked == "model" and final.text == "Priya's phone number is 555-0199."


def test_with_no_sources_an_invented_specific_becomes_an_honest_not_found(tmp_path: Path, hearth_home: Path) -> None:
    _, final = ask(None, "Your dentist appointment is on Dec 15 at 4:15 PM with Dr. Alan Smith.",
                   question="dentist details", tmp_path=tmp_path)
    assert final.checked == "not_found" and final.text == NOT_FOUND


def test_the_shown_answer_is_what_the_conversation_keeps(memory, tmp_path: Path) -> None:
    agent = Agent(ScriptedModel(["Call her at 512-347-8960."]), memory=memory, settings=Settings(), cwd=tmp_path)
    agent.ask(REQUEST, timeout=30)
    saved = agent.conversations.load("default")["messages"]
    assert saved[-1]["role"] == "assistant" and saved[-1]["content"].startswith("I couldn't confirm")

