""""remind me what …", "by when …" and "lasagna oven temp" are reads (the read path answers them);
"remind me to …" and "remind me when I get home to …" stay reminders."""

from __future__ import annotations

import pytest

from app.agent.intent import action_tool, is_question, tools_to_offer
from app.answer.questions import is_read_request

TOOLS = ["create_event", "create_reminder", "draft_mail", "remember", "list_files", "read_file"]


@pytest.mark.parametrize("text", [
    "remind me what my seat is on the Lisbon flight",
    "Remind me where I parked",
    "remind me when my flight leaves",
    "Remind me how to reset the router",
    "by when do I have to pick up my prescription",
    "At what time does the pharmacy close",
    "for how long is the hotel booked",
])
def test_a_question_in_another_shape_is_a_read(text: str) -> None:
    assert is_question(text)
    assert action_tool(text, TOOLS) == ""
    assert set(tools_to_offer(text, TOOLS)) <= {"list_files", "read_file"}


@pytest.mark.parametrize("text", [
    "Remind me to call mum tomorrow at 6",
    "remind me at 5 to take the bins out",
    "remind me when I get home to call Mom",
    "Remind me tomorrow at 9 what the dentist said",
])
def test_a_reminder_stays_a_reminder(text: str) -> None:
    assert not is_question(text)
    assert action_tool(text, TOOLS) == "create_reminder"


def test_a_short_lookup_phrase_is_a_read() -> None:
    """"lasagna oven temp" went to the agent loop (a model answer, 74 s, no source)."""
    assert is_read_request("lasagna oven temp") and is_read_request("tyre pressure")
    assert not is_read_request("set the oven temp to 200") and not is_read_request("Add lasagna oven temp to my notes")
