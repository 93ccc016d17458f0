"""Greetings, thanks, "what can you do?", the clock and live-data questions get Hearth's own words.

Before, "Hi! What can you do?" was answered with a quote about Dad's knee surgery, "thanks!" with
"I couldn't find that" and four sources, and "What's the weather in Lisbon right now?" with an
invented "sunny with a mild breeze" shown as fact.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.agent.loop import Agent
from app.answer import smalltalk
from app.config import Settings
from app.events import FinalAnswer, GenerationStarted, LookupStep, MemoryRetrieved
from bench import question_set, question_set_heldout

NOW = dt.datetime(2026, 12, 4, 9, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(("text", "kind"), [
    ("Hi! What can you do?", "capabilities"), ("what can you do", "capabilities"), ("help", "capabilities"),
    ("Who are you?", "capabilities"), ("Hello, Horace. What can you do?", "capabilities"), ("hi", "hello"), ("Good morning, Hearth!", "hello"),
    ("thanks!", "thanks"), ("great, thanks", "thanks"), ("Thank you so much.", "thanks"), ("ok", "ack"),
    ("n", "ack"), ("What time is it?", "time"), ("what's the date today", "date"),
    ("What's the weather in Lisbon right now?", "live"), ("Will it rain tomorrow?", "live"),
    ("Is my flight delayed?", "live"), ("what's the latest news", "live"),
])
def test_kinds(text: str, kind: str) -> None:
    got = smalltalk.reply(text, now=NOW)
    assert got is not None and got.kind == kind, (text, got)


@pytest.mark.parametrize("text", [
    "What did Priya say about the weather?", "any news from Priya?", "help me write a note to ~/x.md",
    "Thanks Priya for the photos, reply to her", "When is my flight?", "What time is the team standup?",
    "Remind me to check the forecast at 7", "ok add lunch with Sam tomorrow at noon",
])
def test_requests_and_data_questions_are_not_smalltalk(text: str) -> None:
    assert smalltalk.reply(text, now=NOW) is None


def test_no_question_of_either_set_is_taken(tmp_path: Path) -> None:
    from bench.personal_corpus import build

    corpus = build(tmp_path / "corpus", NOW.date())
    texts = [q.text for q in question_set.questions(corpus) + question_set_heldout.questions(corpus)]
    assert [t for t in texts if smalltalk.reply(t, now=NOW) is not None] == []


def test_clock_answers_from_the_clock() -> None:
    assert smalltalk.reply("What time is it?", now=NOW).text == "It's 9:05 AM on Friday 4 December."
    lisbon = smalltalk.reply("what time is it in Tokyo", now=NOW)
    assert lisbon is not None and lisbon.text == "It's 6:05 PM in Tokyo (Asia/Tokyo)."
    assert "don't know which time zone" in smalltalk.reply("what time is it in Narnia", now=NOW).text
    assert smalltalk.reply("What day is it?", now=NOW).text == "Today is Friday 4 December 2026."


def test_capabilities_say_what_the_memory_holds() -> None:
    text = smalltalk.capabilities(("mail", "calendar", "contact"))
    assert "mail, calendar and contacts" in text and "approval" in text and "no internet" in text
    assert "empty so far" in smalltalk.capabilities(())


@pytest.fixture
def agent(model_service, corpus_memory, tmp_path: Path) -> Agent:
    return Agent(model_service, memory=corpus_memory, settings=Settings(), cwd=tmp_path)


def test_a_session_opening(agent: Agent) -> None:
    """The real agent over the real corpus: no search, no model, no sources, Hearth's own words."""
    conversation = "smalltalk"
    for text, expect in [("Hi! What can you do?", "I'm Hearth"),
                         ("What's the weather in Lisbon right now?", "no internet access"),
                         ("thanks!", "You're welcome.")]:
        turn = agent.ask(text, conversation_id=conversation, timeout=60)
        final = turn.final
        assert isinstance(final, FinalAnswer) and expect in final.text, (text, final)
        assert final.checked == "hearth" and final.citations == ()
        assert not any(isinstance(e, LookupStep | MemoryRetrieved | GenerationStarted) for e in turn.events)
    messages = agent.conversations.load(conversation)["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"] * 3
    assert "mail" in messages[1]["content"] and "calendar" in messages[1]["content"]


def test_capabilities_render_as_a_list() -> None:
    """The window renders answers as Markdown: the three things Hearth does are list items."""
    import markdown

    html = markdown.markdown(smalltalk.capabilities(("mail",)), extensions=["sane_lists"])
    assert html.count("<li>") == 3
