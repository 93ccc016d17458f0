"""Specifics in an answer and whether its sources hold them (normalised: phones, dates, times, amounts)."""

from __future__ import annotations

from app.answer.grounding import extract, unsupported


def kinds(text: str) -> dict[str, str]:
    return {s.text: f"{s.kind}:{s.key}" for s in extract(text)}


def test_phones_and_emails_are_normalised() -> None:
    assert kinds("Call (512) 555-0199 or 555.0100, mail Priya@Example.com [2].") == {
        "(512) 555-0199": "phone:5125550199", "555.0100": "phone:5550100", "Priya@Example.com": "email:priya@example.com"}


def test_amounts_numbers_dates_times_and_codes() -> None:
    found = kinds("Pay $1,234.50 by Dec 15, 2026 at 4:15 PM; flight LH455 on 2026-12-16 at 16:15, "
                  "ref AB-12X9, due 12/20, 15 December 2026, 3.5 mg, 42 pills.")
    assert found == {
        "$1,234.50": "amount:1234.5", "Dec 15, 2026": "date:2026-12-15", "4:15 PM": "time:16:15",
        "LH455": "code:LH455", "2026-12-16": "date:2026-12-16", "16:15": "time:16:15", "AB-12X9": "code:AB12X9",
        "12/20": "date:*-12-20", "15 December 2026": "date:2026-12-15", "3.5": "number:3.5", "42": "number:42"}


def test_names_are_multi_word_capitalised_spans_without_sentence_openers_or_common_words() -> None:
    found = [s.text for s in extract("Hello Priya Shah. You met Dr. Alan Smith at Blue Bottle Coffee on Monday. "
                                     "The Weather is nice. Here are 3 tips.") if s.kind == "name"]
    assert found == ["Priya Shah", "Alan Smith", "Blue Bottle Coffee"]


def test_an_invented_phone_is_unsupported_and_the_real_one_is_supported() -> None:
    card = ["Priya Shah. Phone: (512) 555-0199. Email: priya@example.com."]
    assert [s.text for s in unsupported("Priya's number is 512-347-8960.", card)] == ["512-347-8960"]
    assert unsupported("Priya's number is 555-0199, or priya@example.com [1].", card) == []


def test_dates_and_times_match_across_formats() -> None:
    event = ["Dentist, starts 2026-12-15T16:15, Dr. Lee, 100 Main St"]
    assert unsupported("Your dentist is on December 15 at 4:15 PM with Dr. Lee.", event) == []
    assert unsupported("It is on 12/15/2026 at 16:15.", event) == []
    assert [s.text for s in unsupported("It is on Dec 16 at 5 PM.", event)] == ["Dec 16", "5 PM"]


def test_names_amounts_and_codes_must_occur_in_the_sources() -> None:
    sources = ["Your refill of lisinopril costs $12.00, order RX-4471.", "Who did I meet? Shah, Priya"]
    assert unsupported("Priya Shah paid $12 for order RX4471.", sources) == []
    assert [s.text for s in unsupported("So Maria Lopez paid $15 for order RX-9999.", sources)] == \
        ["RX-9999", "$15", "Maria Lopez"]


def test_an_answer_without_specifics_passes_anything() -> None:
    assert unsupported("Sure, happy to help with that.", []) == []
