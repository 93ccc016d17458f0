"""Requests typed as people type them: places after commas, quick adds, bare hours, a weekday that
is today. Each of these was wrong before (issue #18, items 1-2); the held-out benchmark
(bench/action_set_heldout.py) measures the same kinds on the real agent and models."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.agent import actions, arguments, intent, when
from app.agent.people import Directory, Person

FRIDAY = dt.datetime(2026, 12, 4, 10, 0)
THURSDAY = dt.datetime(2026, 12, 3, 10, 0)
TOOLS = ["create_event", "create_reminder", "draft_mail", "send_mail", "remember", "write_file", "move_file",
         "delete_files", "run_command", "read_file", "list_files", "search_files"]
PEOPLE = Directory([Person("Priya Raman", ("priya.raman@example.com",)),
                    Person("Helen Park", ("frontdesk@brightsmile.example",))])


def _tools() -> list:
    from app.config import Settings
    from app.tools.registry import ToolRegistry, default_tools

    return list(ToolRegistry(default_tools(Settings())))


def test_a_place_after_a_comma_is_the_location_not_part_of_the_title() -> None:
    text = "Lunch with Sam, Café Luna, Friday at noon"
    assert intent.action_tool(text, TOOLS) == "create_event"
    assert arguments.extract("create_event", text, now=THURSDAY).fields == {
        "title": "Lunch with Sam", "location": "Café Luna", "start": "2026-12-04T12:00"}
    assert arguments.extract("create_event", "Add flu shot to my calendar: January 6, 9:15 AM, Greenleaf Pharmacy",
                             now=THURSDAY).fields == {"title": "Flu shot", "location": "Greenleaf Pharmacy",
                                                      "start": "2027-01-06T09:15"}
    # a comma that is not followed by a name stays out of the location
    assert "location" not in arguments.extract("create_event", "Add yoga to my calendar, Friday at 9",
                                               now=THURSDAY).fields


@pytest.mark.parametrize(("text", "fields"), [
    ("Monday 3pm dentist", {"title": "Dentist", "start": "2026-12-07T15:00"}),
    ("new event Monday at 9 haircut", {"title": "Haircut", "start": "2026-12-07T09:00"}),
    ("design review Tuesday 13:30-14:15", {"title": "Design review", "start": "2026-12-08T13:30",
                                           "end": "2026-12-08T14:15"}),
    ("Block next week Tuesday 9-11am for deep work", {"title": "Deep work", "start": "2026-12-08T09:00",
                                                      "end": "2026-12-08T11:00"}),
    ("Book club at Porter Square Books on Thursday 18:00-20:00",
     {"title": "Book club", "location": "Porter Square Books", "start": "2026-12-10T18:00", "end": "2026-12-10T20:00"}),
    ("dinner with Priya Monday 7:30pm, Lupa Trattoria",
     {"title": "Dinner with Priya", "location": "Lupa Trattoria", "start": "2026-12-07T19:30"}),
    ("Add car inspection on 2026-12-18 at 8:30", {"title": "Car inspection", "start": "2026-12-18T08:30"}),
])
def test_a_quick_add_without_calendar_words_is_an_event(text: str, fields: dict) -> None:
    assert intent.action_tool(text, TOOLS) == "create_event"
    assert arguments.extract("create_event", text, now=FRIDAY).fields == fields


@pytest.mark.parametrize("text", [
    "The bins go out on Wednesday night.", "My flight leaves Monday at 6:40", "Dinner is at 7:30 pm.",
    "Sounds good, Friday at 3 works", "Friday at 3", "Tomorrow at 9", "I'm free Friday at 3", "Good morning.",
    "Count from 1 to 50.", "Open the report I was reading this morning", "Dinner tonight at 7?",
    "Your flight to Oslo departs at 07:00.", "Wed, 02 Dec 2026 14:05:00 +0000",
])
def test_chat_that_mentions_a_time_is_not_an_event(text: str) -> None:
    assert intent.action_tool(text, TOOLS) == ""


def test_other_phrasings_people_use() -> None:
    cases = [
        ("Don't let me forget to pick up the dry cleaning on Wednesday", "create_reminder",
         {"title": "Pick up the dry cleaning", "due": "2026-12-09"}),
        ("Remind me next week Tuesday at 8am to put the bins out", "create_reminder",
         {"title": "Put the bins out", "due": "2026-12-08T08:00"}),
        ("new note in ~/notes/ideas.md: a birdhouse for the balcony", "write_file",
         {"path": "~/notes/ideas.md", "content": "a birdhouse for the balcony"}),
        ("jot down that the wifi router is in the hall closet", "remember",
         {"text": "the wifi router is in the hall closet"}),
        ("email Priya that I'm running late", "draft_mail",
         {"to": ["priya.raman@example.com"], "subject": "I'm running late", "body": "I'm running late"}),
        ("mail Helen: I need to reschedule my cleaning", "draft_mail",
         {"to": ["frontdesk@brightsmile.example"], "subject": "I need to reschedule my cleaning",
          "body": "I need to reschedule my cleaning"}),
        ("write to Priya about the gallery opening", "draft_mail",
         {"to": ["priya.raman@example.com"], "subject": "The gallery opening"}),
        ("drop Priya an email about the gallery opening", "draft_mail",
         {"to": ["priya.raman@example.com"], "subject": "The gallery opening"}),
        ("add Parents evening to the calendar on 17 December 18:00-19:30", "create_event",
         {"title": "Parents evening", "start": "2026-12-17T18:00", "end": "2026-12-17T19:30"}),
        ("calendar: vet appointment for Biscuit on the 19th at 11", "create_event",
         {"title": "Vet appointment for Biscuit", "start": "2026-12-19T11:00"}),
        ("ping me at 4pm tomorrow to start dinner", "create_reminder", {"title": "Start dinner", "due": "2026-12-05T16:00"}),
        ("in ~/Documents/notes/car.md write: tyres 2.4 bar", "write_file",
         {"path": "~/Documents/notes/car.md", "content": "tyres 2.4 bar"}),
        ("save a note called ~/notes/books.md with: The Overstory, Piranesi", "write_file",
         {"path": "~/notes/books.md", "content": "The Overstory, Piranesi"}),
        ("remember this: the garage code is 2580", "remember", {"text": "the garage code is 2580"}),
        ("For future reference, my passport number ends in 4471", "remember",
         {"text": "my passport number ends in 4471"}),
    ]
    for text, tool, fields in cases:
        assert intent.action_tool(text, TOOLS) == tool, text
        assert arguments.extract(tool, text, now=FRIDAY, directory=PEOPLE).fields == fields, text


def test_a_bare_hour_is_read_as_people_mean_it() -> None:
    def start(text: str) -> str:
        stated = when.find_when(text, FRIDAY)
        assert stated is not None, text
        return stated.start_text()

    assert start("dentist Monday at 9") == "2026-12-07T09:00"  # 9 in the morning
    assert start("dentist Monday at 3") == "2026-12-07T15:00"  # 3 in the afternoon
    assert start("coffee tomorrow at 4 at Blue Bottle") == "2026-12-05T16:00"
    assert start("meeting on the 15th from 2 to 3") == "2026-12-15T14:00"
    assert start("call on the 11th at 10") == "2026-12-11T10:00"  # not November: "11" is a day here
    assert start("Monday at 9 Haircut") == "2026-12-07T09:00"  # a capitalised title is not a street
    assert when.find_when("meet at 9 Elm Street", FRIDAY) is None  # a house number, not a time
    assert when.find_when("dinner at 12 Baker St", FRIDAY) is None


def test_a_weekday_named_on_that_weekday_asks_which_and_the_answer_completes_it() -> None:
    tools = _tools()
    asked = actions.plan("Lunch with Sam, Café Luna, Friday at noon", tools, now=FRIDAY)
    assert asked is not None and asked.draft.ask == "Today (Fri 4 Dec) or next Friday (11 Dec)?"
    for reply, start in [("Today", "2026-12-04T12:00"), ("next Friday", "2026-12-11T12:00"),
                         ("the 11th", "2026-12-11T12:00")]:
        done = actions.follow_up(asked.pending(), reply, tools, now=FRIDAY)
        assert done is not None and not done.draft.ask, reply
        assert done.draft.fields == {"title": "Lunch with Sam", "location": "Café Luna", "start": start}, reply
    reminder = actions.plan("Remind me to call mum on Friday", tools, now=FRIDAY)
    assert reminder is not None and reminder.draft.ask.startswith("Today (Fri 4 Dec)")
    # today's 9:00 has passed at 10:00: next Friday, as said, with no question
    passed = actions.plan("Dentist on Friday at 9", tools, now=FRIDAY)
    assert passed is not None and not passed.draft.ask and passed.draft.fields["start"] == "2026-12-11T09:00"
    # a weekday with its date, or "this Friday", says which: no question
    for said in ("Dentist on Friday the 11th at 3", "Dentist this Friday at 3"):
        dated = actions.plan(said, tools, now=FRIDAY)
        assert dated is not None and not dated.draft.ask, said
    # another day: no question
    thursday = actions.plan("Dentist on Friday at 9", tools, now=THURSDAY)
    assert thursday is not None and not thursday.draft.ask and thursday.draft.fields["start"] == "2026-12-04T09:00"


def test_the_which_day_question_goes_through_the_agent_and_the_reply_proposes_the_call(tmp_path: Path) -> None:
    """The real agent and conversation store: the question ends the first turn with nothing proposed,
    the one-word reply proposes the same event on the day chosen. No model is needed for either."""
    from app.agent.loop import Agent
    from app.config import Settings
    from app.policy.approval import ApprovalDecision

    from .scripted import ScriptedModel

    today = when.now_local()
    model = ScriptedModel([])
    proposals: list = []

    def deny(request):  # type: ignore[no-untyped-def]
        proposals.append(request)
        return ApprovalDecision("denied")

    agent = Agent(model, settings=Settings(), cwd=tmp_path, approver=deny)
    first = agent.ask(f"Lunch with Sam, Café Luna, {today:%A} at 11:59 PM", conversation_id="c", timeout=20)
    assert first.final is not None and first.final.text.startswith(f"Today ({today:%a} {today.day} {today:%b}) or next")
    assert not proposals
    second = agent.ask("today", conversation_id="c", timeout=20)
    assert second.final is not None and len(proposals) == 1
    assert proposals[0].tool == "create_event"
    assert dict(proposals[0].arguments) == {"title": "Lunch with Sam", "location": "Café Luna",
                                            "start": f"{today.date().isoformat()}T23:59"}
    assert not model.requests


def test_a_reply_that_looks_like_a_quick_add_still_answers_the_question(tmp_path: Path) -> None:
    """"next Friday at 11:59 PM instead" has the shape of a quick add ("Instead" at a time), but after
    "Today … or next Friday …?" it is the answer: the waiting event is proposed on the day chosen."""
    from app.agent.loop import Agent
    from app.config import Settings
    from app.policy.approval import ApprovalDecision

    from .scripted import ScriptedModel

    today = when.now_local()
    proposals: list = []
    agent = Agent(ScriptedModel([]), settings=Settings(), cwd=tmp_path,
                  approver=lambda r: proposals.append(r) or ApprovalDecision("denied"))
    agent.ask(f"Lunch with Sam, Café Luna, {today:%A} at 11:59 PM", conversation_id="c", timeout=20)
    agent.ask(f"next {today:%A} at 11:59 PM instead", conversation_id="c", timeout=20)
    later = today.date() + dt.timedelta(days=7)
    assert [dict(p.arguments) for p in proposals] == [{"title": "Lunch with Sam", "location": "Café Luna",
                                                       "start": f"{later.isoformat()}T23:59"}]
    # with no question waiting, the same words are a quick add of their own
    assert intent.action_tool(f"next {today:%A} at 11:59 PM instead", TOOLS) == "create_event"
