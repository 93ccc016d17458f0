"""The last check on a tool turn's answer (app.answer.check): kept, quoted or honestly not found."""

from __future__ import annotations

from app.answer.check import NOT_FOUND, check_answer
from app.events import Citation

CARD = Citation(chunk_id="c1", item_id="card-priya", source_type="contact", title="Priya Shah", date="",
                snippet="Contact: Priya Shah\nOrganization: Acme\nPhone: 555-0199")
LUNCH = Citation(chunk_id="n1", item_id="note-lunch", source_type="document", title="Lunch", date="2026-11-20",
                 snippet="Lunch with Priya on Friday was fun. She loved the tacos.")


def test_an_answer_whose_specifics_are_in_the_sources_is_kept() -> None:
    shown = check_answer("Priya's number is 555-0199 [1].", "What is Priya's phone number?", [CARD])
    assert (shown.text, shown.checked) == ("Priya's number is 555-0199 [1].", "model")


def test_an_invented_phone_is_replaced_by_the_card_that_holds_the_real_one() -> None:
    shown = check_answer("Priya's number is 512-347-8960.", "What is Priya's phone number?", [LUNCH, CARD])
    assert shown.checked == "quote"
    assert "512-347-8960" in shown.text and "couldn't confirm" in shown.text
    assert "555-0199" in shown.text and shown.text.endswith("[2]")


def test_a_card_that_only_shares_the_kind_of_fact_is_not_quoted() -> None:
    shown = check_answer("Your dentist's number is 555-0123.", "What is my dentist's phone number?", [CARD])
    assert (shown.text, shown.checked) == (NOT_FOUND, "not_found")


def test_the_conversation_backs_a_specific() -> None:
    shown = check_answer("Your number is 555-0100.", "What is my number?", [], ["call me on 555-0100"])
    assert shown.checked == "model"
