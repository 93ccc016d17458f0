""""Summarize my messages with Marco" lists each day's messages from him, quoted and cited.

Before, it was one quote of one day (the ladder): the recycling day and the Celtics game were left out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.agent.loop import Agent
from app.answer import chats
from app.config import Settings
from app.events import FinalAnswer


@pytest.mark.parametrize(("question", "who"), [
    ("Summarize my messages with Marco.", "Marco"), ("recap my texts with Priya", "Priya"),
    ("Can you summarise the conversation with Mom?", "Mom"), ("What did Marco say?", ""),
    ("Summarize the mail from Jordan", ""), ("Summarize my messages with Marco about the ladder", ""),
])
def test_asked_about(question: str, who: str) -> None:
    assert chats.asked_about(question) == who


@pytest.fixture
def agent(model_service, corpus_memory, tmp_path: Path) -> Agent:
    return Agent(model_service, memory=corpus_memory, settings=Settings(), cwd=tmp_path)


def test_a_chat_summary_covers_every_day(agent: Agent) -> None:
    final = agent.ask("Summarize my messages with Marco.", conversation_id="chat-digest", timeout=120).final
    assert isinstance(final, FinalAnswer) and final.checked == "chat", final
    for said in ("ladder", "4821", "recycling pickup moved to Wednesdays", "Celtics"):
        assert said in final.text, final.text
    assert "Thanks Marco" not in final.text  # the user's own replies are not "what Marco wrote"
    assert len(final.citations) == 3 and {c.source_type for c in final.citations} == {"message"}


def test_mom_is_her_card_and_nobody_gets_an_honest_no(agent: Agent) -> None:
    final = agent.ask("Summarize my messages with Mom", conversation_id="chat-mom", timeout=120).final
    assert "Linda Rivera" in final.text and "knee surgery" in final.text
    none = agent.ask("Summarize my messages with Noah", conversation_id="chat-noah", timeout=120).final
    assert none.text.startswith("I couldn't find any messages from Noah") and none.citations == ()
