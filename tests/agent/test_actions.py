"""Explicit action requests become the right call with the arguments the request states.

The logic of routing and extraction on its own; test_actions_real_model.py runs the same through
the real agent, the real default models and a real memory.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.agent import arguments, intent, when
from app.agent.people import Directory, Person

NOW = dt.datetime(2026, 12, 4, 10, 0)  # a Friday
TOOLS = ["create_event", "create_reminder", "draft_mail", "send_mail", "remember", "write_file", "move_file",
         "delete_files", "run_command", "read_file", "list_files", "search_files"]
PEOPLE = Directory([Person("Priya Raman", ("priya.raman@example.com",)), Person("Alex Morgan", ("alex.morgan@example.org",)),
                    Person("Alex Chen", ("alex.chen@acme-robotics.example",))])


# --- logic ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("request_text", "tool"), [
    ("Add an event to my calendar: Dentist on December 15, 2026 at 4:15 PM", "create_event"),
    ("Put lunch with Marco on my calendar for tomorrow at noon", "create_event"),
    ("Remind me to call mom on Sunday at 6 PM", "create_reminder"),
    ("Write a note to ~/Documents/notes/x.md that says: buy milk", "write_file"),
    ("Draft an email to Priya saying the slides are ready", "draft_mail"),
    ("Email Jordan about the cost estimate", "draft_mail"),
    ("Send an email to Priya saying hi", "send_mail"),
    ("Remember that my locker code is 4412", "remember"),
    ("Move ~/Downloads/report.pdf to ~/Documents/", "move_file"),
    ("Run `ls -la ~/Documents`", "run_command"),
    ("When is my dentist appointment?", ""),
    ("What did Priya say about the slides?", ""),
    ("Do I have anything on my calendar tomorrow?", ""),
    ("Remember when we went to Lisbon?", ""),
    ("Email from Priya about the lease: what did she say?", ""),
    ("Email from Priya about the lease", ""),
    ("Can you remind me to call mom tomorrow at 9?", "create_reminder"),
])
def test_an_explicit_request_selects_its_tool_and_a_question_none(request_text: str, tool: str) -> None:
    assert intent.action_tool(request_text, TOOLS) == tool


def test_dates_resolve_against_today_in_the_users_zone() -> None:
    def start(text: str) -> str:
        stated = when.find_when(text, NOW)
        assert stated is not None, text
        return stated.start_text() + (f"/{stated.end_text()}" if stated.end else "")

    assert start("Dentist on December 15, 2026 at 4:15 PM") == "2026-12-15T16:15"
    assert start("Yoga on Saturday, January 9 from 9:30 to 10:15 AM") == "2027-01-09T09:30/2027-01-09T10:15"
    assert start("call mom tomorrow at 9") == "2026-12-05T09:00"
    assert start("water the plants next Tuesday") == "2026-12-08"
    assert start("standup at 9:30 for 45 minutes") == "2026-12-05T09:30/2026-12-05T10:15"  # 9:30 has passed


def test_paths_and_said_text_are_copied_exactly() -> None:
    draft = arguments.extract("write_file", 'Write a note to /tmp/a b/x.md that says: "Keep  the spaces!"', now=NOW)
    assert draft.fields["path"] == "/tmp/a"  # an unquoted path ends at a space ...
    draft = arguments.extract("write_file", 'Write a note to "/tmp/a b/x.md" that says: "Keep  the spaces!"', now=NOW)
    assert draft.fields == {"path": "/tmp/a b/x.md", "content": "Keep  the spaces!"}  # ... a quoted one does not
    draft = arguments.extract("move_file", "Move ~/Downloads/q3.pdf to ~/Documents/work/", now=NOW)
    assert draft.fields == {"source": "~/Downloads/q3.pdf", "destination": "~/Documents/work/"}


def test_a_name_is_the_contacts_address_and_an_ambiguous_one_is_a_question() -> None:
    draft = arguments.extract("draft_mail", "Draft an email to Priya saying the slides are ready", directory=PEOPLE)
    assert draft.fields["to"] == ["priya.raman@example.com"] and draft.fields["body"] == "the slides are ready"
    draft = arguments.extract("draft_mail", "Draft an email to Alex saying hi", directory=PEOPLE)
    assert not draft.fields.get("to") and "Alex Morgan" in draft.ask and "Alex Chen" in draft.ask


def test_a_model_call_that_disagrees_with_the_request_is_corrected() -> None:
    text = "Add an event to my calendar: Dentist on December 15, 2026 at 4:15 PM"
    fixed, changes = arguments.correct("create_event", {"title": "Dentist", "start": "2025-12-15T16:00"}, text, now=NOW)
    assert fixed["start"] == "2026-12-15T16:15" and changes


class _Contacts:
    """Only the contact list (these tests are about folding an answer into a waiting action)."""

    def contacts(self) -> list[dict]:
        return [{"name": p.name, "emails": list(p.emails)} for p in PEOPLE.people]


def test_an_answer_to_hearths_question_completes_the_waiting_action() -> None:
    from app.agent import actions
    from app.config import Settings
    from app.tools.registry import ToolRegistry, default_tools

    tools = list(ToolRegistry(default_tools(Settings())))
    asked = actions.plan("Draft an email to Alex saying hi", tools, _Contacts(), now=NOW)
    assert asked is not None and asked.draft.ask and asked.draft.unclear == ["Alex"]
    messages = [{"role": "user", "content": "Draft an email to Alex saying hi"},
                {"role": "assistant", "content": asked.draft.ask, "pending_action": asked.pending()},
                {"role": "user", "content": "Chen"}]
    pending = actions.waiting(messages)
    assert pending is not None
    done = actions.follow_up(pending, "Chen", tools, _Contacts(), now=NOW)
    assert done is not None and done.draft.fields["to"] == ["alex.chen@acme-robotics.example"]
    when_asked = actions.plan("Add Dentist to my calendar", tools, now=NOW)
    assert when_asked is not None and when_asked.draft.ask.startswith("When is “Dentist”")
    done = actions.follow_up(when_asked.pending(), "December 15 at 4:15 PM", tools, now=NOW)
    assert done is not None and done.draft.fields == {"title": "Dentist", "start": "2026-12-15T16:15"}
    assert actions.is_cancel("never mind") and not actions.is_cancel("Alex Chen")
    assert actions.waiting([*messages, {"role": "assistant", "content": "Done."}, {"role": "user", "content": "x"}]) is None


def test_a_waiting_action_can_be_called_off_and_nothing_is_proposed(tmp_path) -> None:
    from app.agent.loop import Agent
    from app.config import Settings

    from .scripted import ScriptedModel

    model = ScriptedModel([])
    proposals: list = []
    agent = Agent(model, memory=_Contacts(), settings=Settings(), cwd=tmp_path,
                  approver=lambda r: proposals.append(r))
    agent.memory.search = lambda text, k=5: []  # type: ignore[attr-defined]
    first = agent.ask("Email Alex about the design doc", conversation_id="c", timeout=10)
    assert first.final is not None and "Which Alex" in first.final.text
    second = agent.ask("never mind", conversation_id="c", timeout=10)
    assert second.final is not None and second.final.text == "OK, I won't do it."
    assert not proposals and not model.requests  # no model was needed, nothing was proposed


@pytest.mark.parametrize(("request_text", "tool", "fields"), [
    ("Put my dentist appointment on the calendar for the 15th at 4:15pm", "create_event",
     {"title": "Dentist appointment", "start": "2026-12-15T16:15"}),
    ("Can you schedule a call with Jordan on Monday at 10?", "create_event",
     {"title": "Call with Jordan", "start": "2026-12-07T10:00"}),
    ("add coffee with Aisha to my calendar next Friday 8:30am-9:15am at Tatte", "create_event",
     {"title": "Coffee with Aisha", "start": "2026-12-11T08:30", "end": "2026-12-11T09:15", "location": "Tatte"}),
    ("Schedule dinner with Linda on Christmas Eve at 6 PM", "create_event",
     {"title": "Dinner with Linda", "start": "2026-12-24T18:00"}),
    ("remind me tomorrow morning to call the pharmacy", "create_reminder",
     {"title": "Call the pharmacy", "due": "2026-12-05T09:00"}),
    ("Create a reminder: pay rent on January 1", "create_reminder", {"title": "Pay rent", "due": "2027-01-01"}),
    ('Write "call the landlord" to ~/todo.txt', "write_file", {"path": "~/todo.txt", "content": "call the landlord"}),
    ("Move report.pdf from ~/Downloads to ~/Documents", "move_file",
     {"source": "~/Downloads/report.pdf", "destination": "~/Documents"}),
    ("Rename ~/notes/draft.md to final.md", "move_file", {"source": "~/notes/draft.md", "destination": "~/notes/final.md"}),
    ("Run `npm test` in ~/code/app", "run_command", {"command": "npm test", "cwd": "~/code/app"}),
    ("Don't forget that Marco has my ladder", "remember", {"text": "Marco has my ladder"}),
    ("I have a dentist appointment on Monday at 3, put it in my calendar", "create_event",
     {"title": "Dentist appointment", "start": "2026-12-07T15:00"}),
    ("Add a calendar event for my mom's birthday on December 14", "create_event",
     {"title": "Mom's birthday", "start": "2026-12-14"}),
])
def test_other_phrasings_of_the_same_requests(request_text: str, tool: str, fields: dict) -> None:
    assert intent.action_tool(request_text, TOOLS) == tool
    assert arguments.extract(tool, request_text, now=NOW, directory=PEOPLE).fields == fields


def test_the_outcome_says_who_did_not_approve() -> None:
    from app.agent import actions

    args = {"title": "Dentist", "start": "2026-12-15T16:15"}
    assert actions.outcome("create_event", args, approved=False, ok=False, output="cancelled by the user",
                           by="user") == ("OK, I did not add “Dentist” to your calendar on Tuesday 15 December 2026 "
                                          "at 4:15 PM, as you declined it.")
    assert "no one can approve it here" in actions.outcome("create_event", args, approved=False, ok=False,
                                                           output="cancelled by the user", by="no_approver")
    assert actions.outcome("write_file", {"path": "~/a.md"}, approved=True, ok=True, output="wrote") == \
        "Done: I wrote ~/a.md."


def test_a_model_written_mail_body_keeps_only_what_the_request_and_courtesy_say() -> None:
    from app.agent import actions

    draft = arguments.extract("draft_mail", "Email Priya about the gallery opening", directory=PEOPLE)
    assert draft.fields == {"to": ["priya.raman@example.com"], "subject": "The gallery opening"}
    assert draft.fill == ["body"]
    invented = json.dumps({"sentences": "Hi Priya, I hope you're doing well. I'm sending you a special gift today. "
                                        "I'm sending you a special gift today."})
    body = actions.filled(draft, invented, actions.MailShape(["Priya"], topic="the gallery opening"))["body"]
    assert body == ("Hi Priya,\n\nI wanted to get in touch about the gallery opening. I hope you're doing well."
                    "\n\nBest,")


FRIENDS = Directory([Person("Linda Rivera", ("linda.rivera@example.org",)), Person("Tom Becker", ("tom.becker@example.com",)),
                     Person("Marco Bellini", ("marco.bellini@example.net",)), Person("Dana Ortiz", ("dana@acme.example",)),
                     Person("Priya Raman", ("priya.raman@example.com",)), Person("Aisha Khan", ("aisha.khan@example.com",))])


@pytest.mark.parametrize(("request_text", "to", "body"), [
    # the recipient is the name; what follows says what the mail is for (a model writes its middle)
    ("Draft an email to Linda to thank her for dinner", ["linda.rivera@example.org"], None),
    ("Draft an email to Linda thanking her for dinner", ["linda.rivera@example.org"], None),
    ("Email Tom to ask whether the boiler is fixed", ["tom.becker@example.com"], None),
    ("Email Tom, to ask about the boiler", ["tom.becker@example.com"], None),
    ("Send Linda an email to invite her to lunch", ["linda.rivera@example.org"], None),
    ("email Priya and Aisha to ask about Saturday", ["priya.raman@example.com", "aisha.khan@example.com"], None),
    # … or is the mail's own words, copied
    ("Message Marco by email: the ladder is back", ["marco.bellini@example.net"], "the ladder is back"),
    ("write to Dana to say the keys are under the mat", ["dana@acme.example"], "the keys are under the mat"),
    ("email Priya to let her know that I'm running late", ["priya.raman@example.com"], "I'm running late"),
])
def test_the_recipient_is_the_name_and_the_rest_is_the_mails_purpose(request_text: str, to: list[str],
                                                                     body: str | None) -> None:
    assert intent.action_tool(request_text, TOOLS) in ("draft_mail", "send_mail")
    draft = arguments.extract("draft_mail", request_text, now=NOW, directory=FRIENDS)
    assert not draft.ask and draft.fields["to"] == to
    assert draft.fields.get("body") == body
