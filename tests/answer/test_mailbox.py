"""Questions about the mailbox itself ("Any mail from Priya?", "Who emailed me yesterday?") are a
filter on the mails' sender and date fields. Before, the reader searched for the words, found
nothing that said "mail from Priya", and answered "I couldn't find that" while her mail was there.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.agent.loop import Agent
from app.answer import mailbox
from app.config import Settings
from app.events import FinalAnswer, LookupStep
from bench import question_set, question_set_heldout

TODAY = dt.date(2026, 12, 4)  # a Friday


@pytest.mark.parametrize(("text", "sender", "senders_only", "lo", "hi"), [
    ("Any mail from Priya?", "Priya", False, dt.date(2026, 11, 5), TODAY),
    ("any new emails?", "", False, dt.date(2026, 11, 28), TODAY),
    ("Did Mom email me?", "Mom", False, dt.date(2026, 11, 5), TODAY),
    ("Who emailed me this week?", "", True, dt.date(2026, 11, 30), TODAY),
    ("who sent me mail yesterday?", "", True, dt.date(2026, 12, 3), dt.date(2026, 12, 3)),
    ("Did Jordan email me last week?", "Jordan", False, dt.date(2026, 11, 23), dt.date(2026, 11, 29)),
    ("Do I have any emails from Tom Becker?", "Tom Becker", False, dt.date(2026, 11, 5), TODAY),
])
def test_read(text: str, sender: str, senders_only: bool, lo: dt.date, hi: dt.date) -> None:
    asked = mailbox.read(text, TODAY)
    assert asked is not None, text
    assert (asked.sender, asked.senders_only, asked.span.lo, asked.span.hi) == (sender, senders_only, lo, hi)


@pytest.mark.parametrize("text", [
    "What did Priya say in her mail about the photos?", "Email Priya that I'm late", "What is Priya's email?",
    "How much is my electricity bill?", "Send mail to Tom about the rent",
    "Is there any mail about the boiler?", "Any mail from Tom about the rent?", "Did Tom email me about the rent?",
])
def test_not_mailbox_questions(text: str) -> None:
    assert mailbox.read(text, TODAY) is None


def test_no_question_of_either_set_is_taken(tmp_path: Path) -> None:
    from bench.personal_corpus import build

    corpus = build(tmp_path / "corpus", TODAY)
    texts = [q.text for q in question_set.questions(corpus) + question_set_heldout.questions(corpus)
             if "mail from" not in q.text.lower()]
    assert [t for t in texts if mailbox.read(t, TODAY) is not None] == []


@pytest.fixture
def agent(model_service, corpus_memory, tmp_path: Path) -> Agent:
    return Agent(model_service, memory=corpus_memory, settings=Settings(), cwd=tmp_path)


@pytest.mark.parametrize(("question", "expect", "sources"), [
    ("Any mail from Priya?", ("Photos from the ceramics class",), 1),
    ("Did Mom email me?", ("Christmas plans", "Linda Rivera"), 1),  # "Mom" is Linda Rivera's card
    ("Who emailed me yesterday?", ("Bright Smile Dental: “Appointment reminder”",), None),
])
def test_real_mailbox(agent: Agent, question: str, expect: tuple[str, ...], sources: int | None) -> None:
    turn = agent.ask(question, conversation_id=f"mb-{abs(hash(question))}", timeout=120)
    final = turn.final
    assert isinstance(final, FinalAnswer) and final.checked == "mailbox", final
    assert all(e in final.text for e in expect), final.text
    assert all(c.source_type == "mail" for c in final.citations) and final.citations
    if sources is not None:
        assert len(final.citations) == sources
    assert any(isinstance(e, LookupStep) and e.lookup == "mail_filter" for e in turn.events)


def test_no_mail_from_someone_says_so_without_sources(agent: Agent) -> None:
    final = agent.ask("Any mail from Noah?", conversation_id="mb-noah", timeout=120).final
    assert isinstance(final, FinalAnswer) and final.citations == ()
    assert final.text == "I couldn't find any mail from Noah in the last 30 days in your mailbox."
