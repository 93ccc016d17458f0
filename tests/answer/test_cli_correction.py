"""``hearth ask`` streams the model's words as they come, so a refused answer gets a correction line after them."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.agent.loop import Agent
from app.answer.check import NOT_FOUND
from app.cli import ask, main
from app.config import Settings
from tests.agent.scripted import ScriptedModel


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    replies: list[str] = []

    def build_agent(approver, *, use_memory, on_event):
        return Agent(ScriptedModel(replies), approver=approver, settings=Settings(), cwd=tmp_path), lambda: None

    monkeypatch.setattr(ask, "build_agent", build_agent)
    return replies


def test_an_unsupported_streamed_answer_is_followed_by_a_correction(scripted, capsys) -> None:
    scripted.append("Priya's phone number is 512-347-8960.")
    assert main(["ask", "I would like to have the phone number of Priya"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"Not confirmed — {NOT_FOUND}"


def test_a_supported_answer_gets_no_correction(scripted, capsys) -> None:
    scripted.append("Hello! How can I help?")
    assert main(["ask", "hi"]) == 0
    assert "Not confirmed" not in capsys.readouterr().out


def test_a_general_knowledge_answer_says_it_is_not_from_the_users_data(scripted, capsys) -> None:
    scripted.append("The capital of France is Paris.")
    assert main(["ask", "What is the capital of France?"]) == 0
    out = capsys.readouterr()
    assert "Paris" in out.out and "Not confirmed" not in out.out
    assert "General knowledge from the model, not from your data" in out.err


def test_a_calendar_answer_from_the_data_gets_neither_note(scripted, capsys, monkeypatch) -> None:
    from app.events import FinalAnswer, Token

    printer = ask.Printer(as_json=False)
    printer(Token(request_id="r", text="On your calendar today: nothing."))
    printer(FinalAnswer(turn_id="t", text="On your calendar today: nothing.", checked="calendar"))
    out = capsys.readouterr()
    assert "Not confirmed" not in out.out and "General knowledge" not in out.err
