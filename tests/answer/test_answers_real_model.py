"""The real fast model phrasing answers from the passages: whatever it says, no unsupported
specific reaches the user, and the answer still holds the right value (its words or the quote)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.agent.loop import Agent
from app.answer.grounding import Support
from app.config import Settings
from app.events import AnswerChecked, Token
from bench.question_set import corpus_support, judge, questions

ASKED = ("What is the door code for Marco's garage?", "How much is my electricity bill?",
         "What is my prescription number?", "What is my passport number?")


@pytest.mark.parametrize("text", ASKED)
def test_real_model_answers_are_grounded(text: str, model_service, corpus_memory, corpus, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_ANSWER_PHRASING", "model")
    settings = Settings()
    agent = Agent(model_service, memory=corpus_memory, settings=settings, cwd=tmp_path)
    turn = agent.ask(text, conversation_id=f"real-{abs(hash(text))}", timeout=300)
    final = turn.final
    assert final is not None, turn.events[-3:]
    q = next(q for q in questions(corpus) if q.text == text)
    verdict = judge(q, final.text, [(c.source_type, c.title) for c in final.citations], corpus,
                    Support(corpus_support(corpus)))
    method = [e.method for e in turn.events if isinstance(e, AnswerChecked)]
    print(f"\n{text} -> [{method}] {final.text}")
    assert verdict.correct and not verdict.unsupported, (final.text, verdict)
    assert "".join(e.text for e in turn.events if isinstance(e, Token)).strip() == final.text.strip()
