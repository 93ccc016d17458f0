"""The pre-router offers tools only for action requests, and only the matching family."""

from __future__ import annotations

import pytest

from app.agent.intent import is_question, tools_to_offer

ALL = ["list_files", "read_file", "search_files", "write_file", "move_file", "delete_files", "run_command",
       "open_url", "open_app", "create_event", "create_reminder", "draft_mail", "send_mail", "remember", "forget"]


@pytest.mark.parametrize("question", [
    "What is the capital of France?",
    "Give me three tips for sleeping better.",
    "Hi!",
    "Explain how a rainbow forms.",
    "Translate 'good morning' into Spanish.",
    "Who wrote Pride and Prejudice?",
    "How many days are there in a leap year?",
])
def test_questions_get_a_plain_answer(question):
    assert tools_to_offer(question, ALL) == []


@pytest.mark.parametrize(("request_text", "expected"), [
    ("What is in ~/Projects?", {"list_files"}),
    ("Delete ~/Downloads/old.zip", {"delete_files"}),
    ("Read notes.txt", {"read_file"}),
    ("Write a note", {"write_file"}),
    ("Remind me to call mum tomorrow at 6", {"create_reminder"}),
    ("Schedule a meeting with Sam on Friday at 10", {"create_event"}),
    ("Send an email to ana@example.com saying I'm late", {"send_mail", "draft_mail"}),
    ("Remember that my pharmacy is on Elm Street", {"remember"}),
    ("Run the command `ls -la` in the terminal", {"run_command"}),
    ("Open https://example.org", {"open_url"}),
])
def test_action_requests_offer_their_family(request_text, expected):
    offered = set(tools_to_offer(request_text, ALL))
    assert expected <= offered
    assert "send_mail" not in offered or "mail" in request_text.lower() or "@" in request_text


def test_unknown_tools_are_offered_with_any_action():
    assert "new_tool" in tools_to_offer("Delete report.pdf", [*ALL, "new_tool"])
    assert tools_to_offer("What is two plus two?", [*ALL, "new_tool"]) == []


@pytest.mark.parametrize("question", [
    "What's on my calendar this week?",
    "When is my dentist appointment?",
    "Do I have a meeting tomorrow?",
    "Is there anything on my schedule on Friday?",
    "What did the pharmacy say about my prescription?",
    "Who sent me the mail about the flight?",
    "What is Priya's phone number?",
    "What is in ~/Projects?",
    "Did I remember to send the invoice to Sam?",
])
def test_questions_are_never_offered_an_action(question):
    """Issue #13: the welcome screen's first suggestion became a create-event proposal."""
    assert is_question(question)
    offered = set(tools_to_offer(question, ALL))
    assert offered <= {"list_files", "read_file", "search_files", "search_memory"}, offered


@pytest.mark.parametrize("request_text", [
    "Add an event to my calendar: Dentist on December 15, 2026 at 4:15 PM",
    "Remind me to call mum tomorrow at 6",
    "Could you send an email to ana@example.com saying I'm late?",
    "Can you delete ~/Downloads/old.zip?",
    "Please schedule a meeting with Sam on Friday at 10",
    "Write a note to ~/Documents/notes/x.md that says: buy milk",
])
def test_action_requests_are_not_questions(request_text):
    assert not is_question(request_text)
    assert set(tools_to_offer(request_text, ALL)) - {"list_files", "read_file", "search_files"}
