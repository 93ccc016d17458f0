"""Questions typed the way people type (bench/question_set_heldout.py) that the read path got wrong:
each is answered from the real memory of the personal corpus, by fields or a quote (the scripted
model would only say an invented value), and judged like the benchmark judges it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.agent.loop import Agent
from app.config import Settings
from app.events import ActionProposed, AnswerChecked, ApprovalRequested, FinalAnswer
from bench.question_set import judge
from bench.question_set_heldout import questions
from tests.agent.scripted import ScriptedModel

INVENTED = "It is 9999 [1]."


@pytest.fixture
def agent(corpus_memory, tmp_path: Path) -> Agent:
    return Agent(ScriptedModel([INVENTED] * 20), memory=corpus_memory, settings=Settings(), cwd=tmp_path)


def _answer(agent: Agent, corpus, text: str):
    question = next(q for q in questions(corpus) if q.text == text)
    turn = agent.ask(text, conversation_id=f"heldout-{abs(hash(text))}", timeout=60)
    assert isinstance(turn.final, FinalAnswer), turn.events[-3:]
    assert not any(isinstance(e, ActionProposed | ApprovalRequested) for e in turn.events), text
    final = turn.final
    return final, judge(question, final.text, [(c.source_type, c.title) for c in final.citations], corpus)


@pytest.mark.parametrize("text", [
    "how do I reach the plumber",  # a role and "reach": the plumber's card, not an empty answer
    "what's jordan's email",  # a lower-case name: the card's e-mail field, not its "Contact:" line
    "what time do I fly to Lisbon",  # "fly" finds the event "Flight SB 2212 to Lisbon"
    "When is the plumber coming?",  # "plumber" finds "Boiler service (Williams Plumbing)"
    "remind me what my seat is on the Lisbon flight",  # a question, not a reminder to add
    "how much do I owe for electricity",  # the electricity bill, not "I owe you $24"
    "by when do I have to pick up my prescription",  # a question (read path), the pickup-by date
    "How much is the dental plan next year?",  # an amount, not the dentist appointment
    "any allergies I should know about?",  # "allergies" finds "Allergic to penicillin"
    "lasagna oven temp",  # a lookup phrase (read path), not a model answer without a source
])
def test_a_heldout_question_is_answered_from_its_source(agent: Agent, corpus, text: str) -> None:
    final, verdict = _answer(agent, corpus, text)
    assert verdict.correct and verdict.cited and not verdict.unsupported, (text, final.text)
    assert "9999" not in final.text


def test_a_passage_that_does_not_hold_what_was_asked_is_not_quoted(agent: Agent, corpus) -> None:
    """"What's my blood type?": "… for blood pressure" shares a word, and is not the answer."""
    final, verdict = _answer(agent, corpus, "What's my blood type?")
    assert verdict.correct and "couldn't find" in final.text and "Lisinopril" not in final.text


def test_another_kind_of_the_thing_asked_is_said_as_such(agent: Agent, corpus) -> None:
    """"car insurance policy number" with only renters insurance on file: not found, and the renters
    policy shown as what it is, with its source."""
    final, verdict = _answer(agent, corpus, "what's my car insurance policy number")
    assert verdict.correct, final.text
    assert final.text.startswith("I couldn't find a car insurance policy number")
    assert "renters insurance" in final.text and "HX-552-0981" in final.text
    assert [c.title for c in final.citations] == ["Insurance"] or len(final.citations) == 1


def test_who_is_my_manager_is_read_from_the_card(agent: Agent, corpus) -> None:
    """It went to the answer model (65 s on a loaded machine, past the bench's timeout: an empty
    answer); the card that carries the role answers it at once."""
    turn = agent.ask("Who is my manager?", conversation_id="heldout-manager", timeout=60)
    assert isinstance(turn.final, FinalAnswer) and turn.final.text.startswith("Jordan Lee is in your contacts")
    assert [e.method for e in turn.events if isinstance(e, AnswerChecked)] == ["contact"]
