"""A follow-up's "it" is what the last answer was about, so the data answers it with its source.

Before, "And where is it?" after the dentist question was answered by the model from the
conversation, labelled general knowledge, with a state the data never named.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.agent.loop import Agent
from app.answer.followup import resolve
from app.config import Settings
from app.events import FinalAnswer

DENTIST = [{"role": "user", "content": "When is my dentist appointment?"},
           {"role": "assistant", "content": "…", "citations": [{"source_type": "calendar",
                                                                  "title": "Dentist appointment"}]}]
PRIYA = [{"role": "user", "content": "What is Priya's phone number?"},
         {"role": "assistant", "content": "…", "citations": [{"source_type": "contact", "title": "Priya Raman"}]}]
PRIYA_MAIL = [{"role": "user", "content": "Any mail from Priya?"},
              {"role": "assistant", "content": "…", "citations": [
                  {"source_type": "mail", "title": "Photos from the ceramics class",
                   "people": ["Priya Raman <priya.raman@example.com>", "Sam Rivera <sam.rivera@example.com>"]}]}]
BILL = [{"role": "user", "content": "How much is my electricity bill?"},
        {"role": "assistant", "content": "…", "citations": [{"source_type": "mail", "title": "Your electricity bill"}]}]


@pytest.mark.parametrize(("history", "question", "resolved"), [
    (DENTIST, "And where is it?", "where is Dentist appointment?"),
    (DENTIST, "when is it again", "when is Dentist appointment again"),
    (PRIYA, "and her email?", "Priya Raman's email?"),
    (PRIYA, "What's her address?", "What's Priya Raman's address?"),
    (BILL, "when is it due?", "when is electricity bill due?"),
    (PRIYA_MAIL, "What did she say?", "What did Priya Raman say?"),  # "she": the mail's sender
    (PRIYA, "and what did she say?", "what did Priya Raman say?"),
])
def test_resolved(history, question: str, resolved: str) -> None:
    assert resolve(question, history) == resolved


@pytest.mark.parametrize(("history", "question"), [
    (DENTIST, "Where is the party?"),  # names its own subject
    (DENTIST, "Is that right?"),  # not a question about a thing
    (DENTIST, "and that?"),  # nothing left to ask
    (DENTIST, "What did she say?"),  # "she" is a person; the last answer named only an event
    ([], "where is it?"),  # nothing before it
    (DENTIST, "What is the capital of France and what is its population today?"),  # long: its own subject
])
def test_left_alone(history, question: str) -> None:
    assert resolve(question, history) == question


@pytest.fixture
def agent(model_service, corpus_memory, tmp_path: Path) -> Agent:
    return Agent(model_service, memory=corpus_memory, settings=Settings(), cwd=tmp_path)


def test_follow_ups_in_a_real_conversation(agent: Agent) -> None:
    conversation = "follow-ups"
    for question, expect, kind in [("When is my dentist appointment?", "9:30 AM", "calendar"),
                                   ("And where is it?", "123 Harbor Avenue", "calendar"),
                                   ("What is Priya's phone number?", "555-0199", "contact"),
                                   ("and her email?", "priya.raman@example.com", "contact")]:
        final = agent.ask(question, conversation_id=conversation, timeout=120).final
        assert isinstance(final, FinalAnswer) and expect in final.text, (question, final)
        assert final.checked == kind and final.citations, (question, final)
        assert any(c.source_type == kind for c in final.citations)
    users = [m["content"] for m in agent.conversations.load(conversation)["messages"] if m["role"] == "user"]
    assert users[1] == "And where is it?" and users[3] == "and her email?"  # the user's own words are kept
