"""The question set over the real memory and real embeddings, answered by the read path.

These are the deterministic parts (calendar and contact fields, quotes, honest not-found): the
fast model is loaded but, as the answer model is the fast one here, never asked to phrase.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.agent.loop import Agent
from app.config import Settings
from app.events import ActionProposed, AnswerChecked, ApprovalRequested, FinalAnswer, LookupStep, Token
from bench.question_set import corpus_support, judge, questions


@pytest.fixture
def agent(model_service, corpus_memory, tmp_path: Path) -> Agent:
    return Agent(model_service, memory=corpus_memory, settings=Settings(), cwd=tmp_path)


def ask(agent: Agent, text: str):
    turn = agent.ask(text, conversation_id=f"q-{abs(hash(text))}", timeout=120)
    assert isinstance(turn.final, FinalAnswer), turn.events[-3:]
    return turn


def test_the_question_set(agent: Agent, corpus) -> None:
    """≥ 90% right, a supporting passage cited, no unsupported specific, every "none" honest."""
    from app.answer.grounding import Support

    support = Support(corpus_support(corpus))
    qs = questions(corpus)
    assert len(qs) >= 60 and sum(q.kind == "none" for q in qs) >= 8
    wrong, uncited, invented = [], [], []
    for q in qs:
        turn = ask(agent, q.text)
        final = turn.final
        verdict = judge(q, final.text, [(c.source_type, c.title) for c in final.citations], corpus, support)
        if not verdict.correct:
            wrong.append((q.text, final.text))
        if not verdict.cited:
            uncited.append((q.text, [c.title for c in final.citations]))
        if verdict.unsupported:
            invented.append((q.text, verdict.unsupported))
        assert not any(isinstance(e, ActionProposed | ApprovalRequested) for e in turn.events), q.text
        assert "".join(e.text for e in turn.events if isinstance(e, Token)).strip() == final.text.strip()
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", final.text)}
        assert markers == set(range(1, len(final.citations) + 1)), (q.text, final.text, final.citations)
    assert not invented, invented
    assert not [w for w in wrong if questions_kind(qs, w[0]) == "none"], wrong
    assert len(wrong) <= len(qs) // 10, wrong
    assert len(uncited) <= len(qs) // 10, uncited


def questions_kind(qs, text: str) -> str:
    return next(q.kind for q in qs if q.text == text)


def test_priya_phone_comes_from_her_card(agent: Agent) -> None:
    """Issue 13: "512-347-8960" was invented; the card says 555-0199."""
    turn = ask(agent, "What is Priya's phone number?")
    text = turn.final.text
    assert "555-0199" in text and "[1]" in text
    numbers = re.findall(r"\+?[\d][\d\s().-]{6,}\d", text)
    assert all(n.replace(" ", "").endswith("555-0199") for n in numbers), numbers
    assert [c.source_type for c in turn.final.citations] == ["contact"]
    assert turn.final.citations[0].title == "Priya Raman"
    steps = [e for e in turn.events if isinstance(e, LookupStep)]
    assert steps and steps[0].lookup == "contact_lookup"


def test_this_weeks_calendar_is_a_read_not_create_event(agent: Agent, corpus) -> None:
    """Issue 13: the welcome screen's first suggestion became an approval to create an event."""
    turn = ask(agent, "What's on my calendar this week?")
    assert not any(isinstance(e, ActionProposed | ApprovalRequested) for e in turn.events)
    assert [e.method for e in turn.events if isinstance(e, AnswerChecked)] == ["calendar"]
    import datetime as dt

    today = corpus.today
    sunday = today + dt.timedelta(days=6 - today.weekday())
    for when, event in corpus.events_between(today, sunday):
        assert event.summary in turn.final.text
        assert when.astimezone().strftime("%-I:%M %p") in turn.final.text or event.all_day
    assert all(c.source_type == "calendar" for c in turn.final.citations)


def test_dentist_appointment_from_the_events_fields(agent: Agent, corpus) -> None:
    """Issue 13: two hidden searches with a garbage query, then "Hello! How can I help you today?"."""
    turn = ask(agent, "When is my dentist appointment?")
    start = corpus.event("Dentist appointment").start
    text = turn.final.text
    assert start.strftime("%A %-d %B") in text and start.strftime("%-I:%M %p") in text
    assert "Bright Smile Dental" in text and "Hello" not in text
    steps = [e for e in turn.events if isinstance(e, LookupStep)]
    assert steps and all(s.query in ("", turn.final.text) or s.query in "When is my dentist appointment?"
                         for s in steps)


def test_pharmacy_mail_is_quoted_with_the_detail_and_no_markup(agent: Agent) -> None:
    """Issue 13: two minutes of looping text about the FDA, with <data> markup in the answer."""
    turn = ask(agent, "What did the pharmacy say about my prescription?")
    text = turn.final.text
    assert "Lisinopril 10 mg" in text and "ready for pickup" in text
    assert "Greenleaf Pharmacy" in text and "[1]" in text
    for markup in ("<data", "</data", "Premise:", "Action:", "<|", "user:", "assistant:"):
        assert markup not in text
    assert [c.title for c in turn.final.citations] == ["Your prescription update"]


def test_a_question_nothing_answers_is_honest(agent: Agent) -> None:
    for text in ("What is my passport number?", "When is my flight to Tokyo?", "What is my sister's phone number?"):
        turn = ask(agent, text)
        assert turn.final.text.startswith("I couldn't find"), turn.final.text
        assert not re.search(r"\d{3}", turn.final.text)


def test_a_person_only_in_messages_gets_their_card(agent: Agent) -> None:
    turn = ask(agent, "What's the email of the person who owes me $24?")
    assert "aisha.khan@example.com" in turn.final.text
    kinds = [c.source_type for c in turn.final.citations]
    assert kinds == ["message", "contact"], turn.final.citations
