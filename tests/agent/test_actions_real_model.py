"""Explicit action requests through the real agent, the real default models and a real memory.

The memory holds the contact cards of the shared personal corpus (ONNX embeddings); every approval
is denied, so nothing runs. Only public names are imported, so the same file runs on older code.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.agent.loop import Agent
from app.config import MemorySettings, Settings
from app.events import ActionProposed, FinalAnswer
from app.paths import get_paths
from app.policy.approval import ApprovalDecision

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench import personal_corpus  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture
def corpus_memory(hearth_home: Path, tmp_path: Path):
    from memory.api import open_memory

    corpus = personal_corpus.build(tmp_path / "corpus", dt.date.today())
    mem = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    mem.ingest_path(corpus.vcf)
    yield mem
    mem.close()


def _denied_turn(model_service, memory, text: str, tmp_path: Path):
    settings = Settings()
    settings.model.max_tokens = 200
    agent = Agent(model_service, memory=memory, settings=settings, cwd=tmp_path,
                  approver=lambda r: ApprovalDecision("denied"))
    turn = agent.ask(text, conversation_id=f"actions-{time.time_ns()}", timeout=900)
    proposals = [e for e in turn.events if isinstance(e, ActionProposed)]
    return turn, proposals


def test_a_date_in_the_request_is_the_calls_start_in_the_users_time_zone(model_service, corpus_memory, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: the user's today is often not UTC's
    time.tzset()
    try:
        turn, proposals = _denied_turn(model_service, corpus_memory,
                                       "Add an event to my calendar: Dentist tomorrow at 4:15 PM", tmp_path)
        tomorrow = dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date() + dt.timedelta(days=1)
        assert [(p.tool, p.arguments.get("start")) for p in proposals] == [
            ("create_event", f"{tomorrow.isoformat()}T16:15")]
        assert proposals[0].arguments["title"] == "Dentist"
        assert isinstance(turn.final, FinalAnswer) and "did not add" in turn.final.text
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert os.environ.get("TZ") is None


def test_a_name_becomes_the_contacts_address_and_a_denial_is_the_end(model_service, corpus_memory,
                                                                      tmp_path: Path) -> None:
    turn, proposals = _denied_turn(model_service, corpus_memory,
                                   "Draft an email to Priya about the gallery opening on Saturday", tmp_path)
    assert len(proposals) == 1, [(p.tool, p.arguments) for p in proposals]  # denied: never proposed again
    call = proposals[0]
    assert call.tool == "draft_mail" and call.arguments["to"] == ["priya.raman@example.com"]
    body = call.arguments["body"]  # the model wrote only its middle, checked
    assert call.arguments["subject"] == "The gallery opening on Saturday"
    assert body.startswith("Hi Priya,\n\n") and body.endswith("\n\nBest,"), body
    assert "gallery opening" in body.lower() and "{" not in body and "<" not in body
    from app.answer import grounding, specifics
    request = grounding.Support("Draft an email to Priya about the gallery opening on Saturday")
    assert [s.text for s in specifics.extract(body) if not request.holds(s)] == [], body
    assert turn.final is not None and "did not save the draft" in turn.final.text
    assert not any(e.kind == "Token" and "{" in getattr(e, "text", "") for e in turn.events)


def test_an_ambiguous_name_is_asked_and_the_answer_completes_the_same_action(model_service, corpus_memory,
                                                                              tmp_path: Path) -> None:
    settings = Settings()
    agent = Agent(model_service, memory=corpus_memory, settings=settings, cwd=tmp_path,
                  approver=lambda r: ApprovalDecision("denied"))
    first = agent.ask("Draft an email to Alex saying the design doc is updated", conversation_id="alex", timeout=600)
    assert not any(isinstance(e, ActionProposed) for e in first.events)
    assert first.final is not None and "Alex Morgan" in first.final.text and "Alex Chen" in first.final.text
    second = agent.ask("Alex Chen", conversation_id="alex", timeout=600)
    proposals = [e for e in second.events if isinstance(e, ActionProposed)]
    assert [(p.tool, p.arguments["to"], p.arguments["body"]) for p in proposals] == [
        ("draft_mail", ["alex.chen@acme-robotics.example"], "Hi Alex,\n\nThe design doc is updated.\n\nBest,")]
    third = agent.ask("Alex Chen", conversation_id="alex", timeout=600)  # the action is over: nothing waits
    assert not any(isinstance(e, ActionProposed) for e in third.events)


@pytest.mark.parametrize("text", ["Let Linda know by email that I will be late tonight",
                                  "I want the dinner with Linda in my calendar",
                                  "A reminder about the boiler would help"])
def test_a_call_the_model_writes_whole_shows_no_specific_nothing_holds(model_service, corpus_memory, tmp_path: Path,
                                                                      text: str) -> None:
    """Requests the pre-router does not recognise: the model writes the whole call. Whatever it
    writes, the proposal's free text states no specific that neither the request nor the cited
    contact cards hold, and it carries no day or time the request does not state."""
    from app.answer import grounding, specifics

    turn, proposals = _denied_turn(model_service, corpus_memory, text, tmp_path)
    assert len(proposals) <= 1
    cited = [c.snippet for e in turn.events if e.kind == "MemoryRetrieved" for c in e.citations]  # type: ignore[attr-defined]
    supports = [grounding.Support(t) for t in (text, *cited)]
    for call in proposals:
        for key in ("title", "subject", "body", "notes", "content", "text", "location"):
            value = str(call.arguments.get(key, ""))
            invented = [s.text for s in specifics.extract(value) if s.kind != "name" or s.start > 0
                        if not any(h.holds(s) for h in supports)]
            assert invented == [], (call.tool, key, value)
        assert not any(call.arguments.get(k) for k in ("start", "end", "due")), call.arguments  # no day was said
