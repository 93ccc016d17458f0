"""The extractive answer: the sentence of the best passage that holds what was asked, deterministically."""

from __future__ import annotations

from app.answer.extractive import best_quote, sentences

CARD = "Priya Shah. Works at Acme. Phone: 555-0199."
LUNCH = "Lunch with Priya on Friday was fun. She loved the tacos."


def test_the_sentence_with_the_asked_kind_of_specific_wins() -> None:
    quote = best_quote("What is Priya's phone number?", [LUNCH, CARD])
    assert quote is not None and quote.index == 1 and "555-0199" in quote.text


def test_when_questions_prefer_a_sentence_with_a_date() -> None:
    passage = "Dentist reminder. Your dentist appointment with Dr. Lee is on Dec 15 at 4:15 PM. Bring your card."
    quote = best_quote("When is my dentist appointment?", [passage])
    assert quote is not None and quote.text == "Your dentist appointment with Dr. Lee is on Dec 15 at 4:15 PM."


def test_no_overlap_means_no_quote_and_it_is_deterministic() -> None:
    assert best_quote("What is the capital of France?", [LUNCH, CARD]) is None
    assert best_quote("Priya phone", [CARD, CARD]) == best_quote("Priya phone", [CARD, CARD])
    assert best_quote("Priya phone", [CARD, CARD]).index == 0  # type: ignore[union-attr]


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert sentences("Met Dr. Lee at 5. Then home.") == ["Met Dr. Lee at 5.", "Then home."]


def test_sharing_only_the_kind_of_fact_is_no_match() -> None:
    """Priya's card does not answer a question about the dentist's phone, though both say "phone"."""
    assert best_quote("What is my dentist's phone number?", [CARD]) is None
    assert best_quote("What is Priya's phone number?", [CARD]) is not None
