"""The grounding check, the specifics it reads, time ranges and question reading (unit tests)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.answer import grounding, questions, timerange
from app.answer.specifics import extract

CARD = grounding.Support("Contact: Priya Raman\nE-mail: priya.raman@example.com\nPhone: +1 415-555-0199")
MAIL = grounding.Support("Your refill of Lisinopril 10 mg (Rx #4471920) is ready. Collect it by Wednesday, "
                         "December 9. Your copay is $12.50. Rent of $1,850 is due. Dinner at 7:30, code QX7P2M.")


@pytest.mark.parametrize("answer", [
    "Priya Raman's phone number is +1 415-555-0199 [1].", "Her number is (415) 555-0199.", "Call 415.555.0199",
    "Write to Priya.Raman@example.com", "It's 555-0199.",
])
def test_the_same_value_written_differently_is_supported(answer: str) -> None:
    assert grounding.check(answer, [CARD]).ok


@pytest.mark.parametrize("answer", [
    "Your copay is 12.50 dollars.", "It is due on Dec 9th.", "Collect it by 9 December (a Wednesday).",
    "The rent is $1850.", "Dinner is at 7:30 pm.", "The code is qx7p2m.", "Rx 4471920, Lisinopril.",
])
def test_mail_values_in_other_forms_are_supported(answer: str) -> None:
    assert grounding.check(answer, [MAIL]).ok, grounding.check(answer, [MAIL]).unsupported


@pytest.mark.parametrize("answer, bad", [
    ("Priya's phone number is 512-347-8960.", "512-347-8960"),
    ("Your copay is $15.00.", "$15.00"),
    ("Collect it by Thursday, December 10.", "Thursday|December 10"),
    ("The FDA rejected it.", "FDA"),
    ("Dinner is at 8:15 pm.", "8:15 pm"),
    ("The code is QX7P2N.", "QX7P2N"),
])
def test_an_unsupported_specific_is_caught(answer: str, bad: str) -> None:
    found = grounding.check(answer, [CARD, MAIL]).unsupported
    assert [s.text.rstrip(".,") for s in found] == bad.split("|")


def test_the_question_and_the_conversation_back_a_specific_without_being_cited() -> None:
    check = grounding.check("Ada, your number is 555-0100.", [CARD],
                            [grounding.Support("My name is Ada"), grounding.Support("call me on 555-0100")])
    assert check.ok and check.sources_used() == set()


def test_specifics_are_read_most_specific_first() -> None:
    kinds = [(s.kind, s.text) for s in extract("Mail priya@x.example or call +1 415-555-0199 about $12.50 [1].")]
    assert kinds == [("email", "priya@x.example"), ("phone", "+1 415-555-0199"), ("amount", "$12.50")]


TODAY = dt.date(2026, 12, 4)  # a Friday


@pytest.mark.parametrize("text, lo, hi", [
    ("What's on my calendar today?", TODAY, TODAY),
    ("Anything tomorrow?", dt.date(2026, 12, 5), dt.date(2026, 12, 5)),
    ("What's on my calendar this week?", TODAY, dt.date(2026, 12, 6)),
    ("What do I have next week?", dt.date(2026, 12, 7), dt.date(2026, 12, 13)),
    ("What do I have next Tuesday?", dt.date(2026, 12, 8), dt.date(2026, 12, 8)),
    ("Am I free on Friday?", TODAY, TODAY),
    ("What about next Friday?", dt.date(2026, 12, 11), dt.date(2026, 12, 11)),
    ("What's on this weekend?", dt.date(2026, 12, 5), dt.date(2026, 12, 6)),
    ("Anything on December 24?", dt.date(2026, 12, 24), dt.date(2026, 12, 24)),
])
def test_time_ranges(text: str, lo: dt.date, hi: dt.date) -> None:
    span = timerange.parse(text, TODAY)
    assert span is not None and (span.lo, span.hi) == (lo, hi)


def test_reading_questions() -> None:
    week = questions.read("What's on my calendar this week?", TODAY)
    assert week.calendar_range and week.range is not None
    assert not questions.read("What did Mom say this week?", TODAY).calendar_range
    assert questions.read("What is Priya's phone number?").contact_field == "phone"
    assert questions.read("What's the confirmation number for my flight?").contact_field == ""
    assert questions.read("How much is my electricity bill?").wants == "amount"
    assert questions.read("What is the capital of France?").personal is False
    assert questions.read("Tell me a joke").personal is False
    assert questions.read("When is Aunt Rosa's birthday?").personal is True
    assert questions.is_read_request("Summarise my messages with Marco")
    assert not questions.is_read_request("Send Marco a message")
