"""Which passage answers a question, from the words alone: word forms, verbs against the thing asked
about, the kind of thing asked for, a value the question states, and a passage about another kind
of the thing. Unit tests of the logic on hand-made passages (the real-memory tests are in
test_heldout_reads.py)."""

from __future__ import annotations

import datetime as dt

from app.answer import contacts, extractive, questions
from app.answer.passages import Passage
from app.events import Citation

TODAY = dt.date(2026, 12, 4)


def passage(kind: str, title: str, text: str, heading: str = "") -> Passage:
    citation = Citation(item_id=title, chunk_id=f"{title}#0", source_type=kind, title=title, snippet=text[:80],
                        path="", date="2026-12-01T09:00:00+00:00", people=(), score=1.0)
    return Passage(citation, text, heading or title)


AISHA = passage("message", "Messages with Climbing crew",
                "[09:00] Aisha Khan: Thanks Sam, I owe you $24 for my pass.", "Messages with Climbing crew")
BILL = passage("mail", "Your electricity bill is ready",
               "Subject: Your electricity bill is ready\nHi Sam, your December statement is ready.\n"
               "Amount due: $84.17, due on December 15. Account number 30-118-442.",
               "Mail from City Power & Light, “Your electricity bill is ready”")
MEDS = passage("document", "Medications", "# Medications\nLisinopril 10 mg, one tablet every morning, for blood "
                                          "pressure.\nAllergic to penicillin (rash).", "Note “medications.md”")
MEDS_WITH_DOCTOR = passage("document", "Medications", "# Medications\nLisinopril 10 mg, one tablet every morning, "
                                                      "for blood pressure. Prescribed by Dr. Amir Haddad.",
                           "Note “medications.md”")
INSURANCE = passage("document", "Insurance", "# Insurance\nRenters insurance with Evergreen Mutual, policy number "
                                             "HX-552-0981. It renews every year on March 1.", "Note “insurance.md”")
GAMES = passage("message", "Messages with Priya Raman",
                "[18:02] Priya Raman: I'll bring Wingspan so we can play after.", "Messages with Priya Raman")


def best(text: str, *passages: Passage) -> extractive.Quote | None:
    return extractive.best(questions.read(text, TODAY), list(passages))


def test_word_forms_are_one_word() -> None:
    from app.answer import wordforms

    assert wordforms.same_word("allergy", "allergic") and wordforms.same_word("plumber", "plumb")
    assert wordforms.found("fly", {"flight", "sb"}) > 0  # a synonym: no shared beginning
    assert not wordforms.same_word("contact", "contain") and not wordforms.same_word("pass", "password")
    assert not wordforms.same_word("department", "departure")
    assert wordforms.root("allergy") == "allerg"


def test_a_passage_that_shares_only_a_verb_is_not_the_answer() -> None:
    quote = best("how much do I owe for electricity", AISHA, BILL)
    assert quote is not None and quote.passage is BILL and "$84.17" in quote.text
    assert best("how much do I owe for electricity", AISHA) is None


def test_a_word_in_another_form_is_found() -> None:
    quote = best("any allergies I should know about?", MEDS)
    assert quote is not None and quote.text == "Allergic to penicillin (rash)."
    shots = passage("document", "Health", "# Health\nVaccinated against tetanus in May 2024.", "Note “health.md”")
    quote = best("any notes on my vaccinations?", shots)
    assert quote is not None and "tetanus" in quote.text


def test_the_thing_asked_about_must_be_in_the_passage() -> None:
    assert best("What's my blood type?", MEDS) is None
    assert best("What's my blood pressure medication?", MEDS) is not None


def test_another_kind_of_the_thing_is_marked_as_such() -> None:
    quote = best("what's my car insurance policy number", INSURANCE)
    assert quote is not None and quote.instead == ("car insurance policy number", "renters insurance")
    shown = extractive.render_other_kind(quote, "[1]")
    assert shown.startswith("I couldn't find a car insurance policy number in your sources. What I found is about "
                            "renters insurance: your note")
    plain = best("what's my insurance policy number", INSURANCE)
    assert plain is not None and plain.instead is None and "HX-552-0981" in plain.text


def test_the_kind_of_thing_asked_for_need_not_be_named() -> None:
    """"Which game": the message names the game ("Wingspan"), never the word "game"."""
    quote = best("Which game is Priya bringing?", GAMES)
    assert quote is not None and "Wingspan" in quote.text


def test_a_value_the_question_states_finds_its_sentence() -> None:
    quote = extractive.best(questions.read("Who is the person who owes me $24?", TODAY), [BILL, AISHA], wants="any")
    assert quote is not None and quote.passage is AISHA


def test_how_do_i_reach_asks_for_the_phone_and_email() -> None:
    q = questions.read("how do I reach the plumber", TODAY)
    assert q.contact_field == "reach"
    text, found = contacts.answer("reach", [({"name": "Noah Williams", "tel": "+1 781-555-0193",
                                              "email": "noah@williamsplumbing.example"}, "[1]")])
    assert found and text == "Noah Williams' phone number is +1 781-555-0193 (e-mail noah@williamsplumbing.example) [1]."


def test_a_lower_case_possessive_may_be_a_name() -> None:
    assert questions.read("what's jordan's email", TODAY).maybe_names == ("Jordan",)
    assert questions.read("what's today's date and who's coming", TODAY).maybe_names == ()


def test_an_event_answers_only_what_it_is_about() -> None:
    from app.answer.reader import event_is_about

    def about(text: str, event: str) -> bool:
        return event_is_about(questions.read(text, TODAY), event)

    assert about("what time do I fly to Lisbon", "Flight SB 2212 to Lisbon")
    assert about("When is the plumber coming?", "Boiler service (Williams Plumbing) Noah Williams services the boiler")
    assert about("when am I seeing the dentist", "Dentist appointment")
    assert about("where's the car service", "Car service Eastside Subaru")
    assert not about("where's the spare car key", "Car service Eastside Subaru")  # it shares only "car"
    assert not about("what time do I fly to Lisbon", "Call with the Lisbon office")


def test_a_title_before_a_name_does_not_end_a_sentence() -> None:
    """"Who is my doctor?" was answered “Prescribed by Dr.”, the name cut off."""
    assert extractive.sentences_of("Lisinopril 10 mg. Prescribed by Dr. Amir Haddad. Take it daily.") == [
        "Lisinopril 10 mg.", "Prescribed by Dr. Amir Haddad.", "Take it daily."]
    quote = best("Who is my doctor?", MEDS_WITH_DOCTOR)
    assert quote is not None and quote.text == "Prescribed by Dr. Amir Haddad."


def test_who_is_my_role_reads_the_card() -> None:
    from app.answer.reader import WHO_IS_ROLE

    assert WHO_IS_ROLE.match("who is my manager?") and WHO_IS_ROLE.match("who's the plumber")
    assert not WHO_IS_ROLE.match("who is the friend who is bringing wingspan?")
