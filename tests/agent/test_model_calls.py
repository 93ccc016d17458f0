"""A call the model writes whole (a request the pre-router does not recognise) is checked before
the panel shows it: no invented phone number, birthday, address or date reaches the proposal.

The agent's logic with a scripted model (test_actions_real_model.py runs the real models)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from app.agent import modelcall
from app.agent.loop import Agent
from app.agent.people import Directory, Person
from app.config import Settings
from app.events import ApprovalRequested

from .scripted import ScriptedModel

NOW = dt.datetime(2026, 12, 4, 10, 0)
PEOPLE = Directory([Person("Priya Raman", ("priya.raman@example.com",))])


class _Contacts:
    def contacts(self) -> list[dict]:
        return [{"name": p.name, "emails": list(p.emails)} for p in PEOPLE.people]

    def search(self, text: str, k: int = 5) -> list:
        return []


def _proposed(request: str, call: str, context: object = None) -> tuple[list[ApprovalRequested], str]:
    proposals: list[ApprovalRequested] = []

    def deny(req: ApprovalRequested) -> str:
        proposals.append(req)
        return "deny"

    agent = Agent(ScriptedModel([call, "Action: answer\nOK."]), memory=context or _Contacts(), settings=Settings(),
                  cwd=Path.cwd(), approver=deny)  # type: ignore[arg-type]
    turn = agent.ask(request, conversation_id="c", timeout=20)
    assert turn.final is not None
    return proposals, turn.final.text


def test_a_model_written_mail_loses_the_phone_number_and_birthday_it_invented(hearth_home: Path) -> None:
    body = ("Hi Priya,\n\nThe slides are ready. Call me at 415-555-0123 if anything is unclear. "
            "Happy early birthday on March 3!\n\nBest,\nSam")
    call = "Action: draft_mail\nArguments: " + json.dumps(
        {"to": ["priya.raman@example.com"], "subject": "Slides for March 3", "body": body})
    proposals, _said = _proposed("Let Priya know by email that the slides are ready", call)
    assert len(proposals) == 1
    args = proposals[0].arguments
    assert args["to"] == ["priya.raman@example.com"]
    assert "415-555-0123" not in args["body"] and "March 3" not in args["body"]
    assert "The slides are ready." in args["body"] and args["body"].startswith("Hi Priya,")
    assert args["subject"] == "Slides"


def test_a_model_written_event_keeps_no_invented_place_or_end(hearth_home: Path) -> None:
    call = "Action: create_event\nArguments: " + json.dumps(
        {"title": "Dinner with Linda at 42 Elm Street", "start": "2026-12-11T19:00", "end": "2025-12-11T21:00"})
    proposals, _said = _proposed("I want the dinner with Linda on December 11 at 7 PM in my calendar", call)
    assert len(proposals) == 1
    args = proposals[0].arguments
    assert args["title"] == "Dinner with Linda" and args["start"] == "2026-12-11T19:00"
    assert "end" not in args  # the request states no end: the model's (in 2025) is left out


def test_a_model_written_event_with_no_stated_day_is_a_question_not_a_proposal(hearth_home: Path) -> None:
    call = "Action: create_event\nArguments: " + json.dumps({"title": "Dinner with Linda", "start": "2025-06-01T19:00"})
    proposals, said = _proposed("I want the dinner with Linda in my calendar", call)
    assert not proposals and said.startswith("When is “Dinner with Linda”?")


def test_a_title_keeps_no_day_time_or_cited_address() -> None:
    card = "Noah Williams, Williams Plumbing, 42 Elm Street, Somerville, MA 02143"
    wrote = {"title": "Plumber on Friday at 10 AM, 42 Elm Street, Somerville, MA, 02143", "start": "2026-12-04T10:00Z"}
    fixed = modelcall.check("create_event", wrote, "I need the plumber on my calendar Friday at 10 AM", cited=[card],
                            required=["title", "start"], now=NOW)
    assert fixed.arguments == {"title": "Plumber", "start": "2026-12-11T10:00"}
    # what the 0.5B wrote for a request with no day at all: a looping title and start, then a question
    wrote = {"title": " dinner with Linda in my calendar, 12/14/2026, 1:00 PM, 1:30 PM, Linda Rivera, Priya Raman, 1",
             "start": "2026-12-14 1:00 PM, 2026-12-14 1:30 PM, Linda Rivera, Priya,"}
    asked = modelcall.check("create_event", wrote, "I want the dinner with Linda in my calendar",
                            required=["title", "start"], now=NOW)
    assert asked.arguments == {"title": "dinner with Linda"}
    assert asked.ask == "When is “dinner with Linda”? Tell me the day and time."


def test_what_the_request_or_context_holds_is_kept() -> None:
    fixed = modelcall.check("create_reminder", {"title": "Pay Tom $450 rent", "due": "2026-12-15T09:00"},
                            "I need a reminder about the rent", ["The rent to Tom is $450, due December 15 at 9 AM"],
                            required=["title"], now=NOW)  # the user said it earlier in the conversation
    assert fixed.arguments == {"title": "Pay Tom $450 rent", "due": "2026-12-15T09:00"} and not fixed.dropped
    cited = modelcall.check("create_reminder", {"title": "Pay Tom $450 rent", "due": "2026-12-15T09:00"},
                            "I need a reminder about the rent to Tom", cited=["Tom: the rent is $450, due December 15 "
                                                                              "at 9 AM"], required=["title"], now=NOW)
    assert cited.arguments == {"title": "Pay Tom", "due": "2026-12-15T09:00"}  # a mail's amount is not a title
    invented = modelcall.check("create_reminder", {"title": "Pay Tom $450 rent", "due": "2026-12-15T09:00"},
                               "I need a reminder about the rent", required=["title"], now=NOW)
    assert invented.arguments == {"title": "Pay"}  # "Tom", "$450" and the due day: nothing holds them
    note = modelcall.check("write_file", {"path": "~/n.md", "content": "Buy milk. The code is 4412.\nCall Ana."},
                           "Put buy milk into ~/n.md", now=NOW)
    assert note.arguments["content"] == "Buy milk." and note.dropped


def test_a_recipient_nothing_holds_is_the_contact_the_request_names() -> None:
    wrote = {"to": ["Priya Raman@example.com, Alex Chen@acme-robotics.example], "], "subject": "Slides", "body": "Hi."}
    fixed = modelcall.check("draft_mail", wrote, "Let Priya know by email that the slides are ready",
                            required=["to", "subject", "body"], now=NOW, directory=PEOPLE)
    assert fixed.arguments["to"] == ["priya.raman@example.com"] and not fixed.ask and fixed.dropped
    nobody = modelcall.check("draft_mail", {**wrote, "to": ["x@invented.example"]}, "Send the slides by email",
                             required=["to", "subject", "body"], now=NOW, directory=PEOPLE)
    assert "to" not in nobody.arguments and nobody.ask.startswith("Who should the mail go to?")


def test_recipients_are_the_contacts_the_request_names_not_every_cited_card() -> None:
    people = Directory([*PEOPLE.people, Person("Linda Rivera", ("linda.rivera@example.org",)),
                        Person("Jordan Lee", ("jordan.lee@acme-robotics.example",))])
    cards = ["Linda Rivera <linda.rivera@example.org>", "Jordan Lee <jordan.lee@acme-robotics.example>"]
    wrote = {"to": ["linda.rivera@example.org", "jordan.lee@acme-robotics.example", "linda.rivera@example.org"],
             "subject": "Late", "body": "I will be late tonight."}
    fixed = modelcall.check("send_mail", wrote, "Let Linda know by email I will be late tonight", cited=cards,
                            required=["to", "subject", "body"], now=NOW, directory=people)
    assert fixed.arguments["to"] == ["linda.rivera@example.org"]
    unnamed = modelcall.check("send_mail", {**wrote, "to": ["jordan.lee@acme-robotics.example"]},
                              "Reply to that mail by email: I will be late", cited=cards,
                              required=["to", "subject", "body"], now=NOW, directory=people)
    assert unnamed.arguments["to"] == ["jordan.lee@acme-robotics.example"]  # named by no one: the context holds it


def test_hearths_own_name_and_the_texts_own_line_break_are_kept() -> None:
    """"hello from Hearth\\n" is not invented (the assistant's own name) and is kept byte for byte;
    the UI's action-card tests were asked "what should the content be?" instead."""


    got = modelcall.check("write_file", {"path": "~/x.md", "content": "hello from Hearth\n"}, "Write a note",
                          required=("path", "content"))
    assert got.ask == "" and got.arguments["content"] == "hello from Hearth\n"
    empty = modelcall.check("write_file", {"path": "~/x.md", "content": "Call Priya on 555-0199."}, "Write a note",
                            required=("path", "content"))
    assert empty.ask.startswith("What should it say?") and "write_file" not in empty.ask
