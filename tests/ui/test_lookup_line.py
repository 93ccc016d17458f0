"""A question's read-only lookups show in the chat as the core words them, once."""

from __future__ import annotations


def test_a_lookup_shows_the_cores_phrase_and_what_it_found(themed_qapp) -> None:  # noqa: ANN001
    from ui.step_cards import LookupLine

    line = LookupLine({"lookup": "contact_lookup", "label": "Looked up Priya in your contacts", "found": 1})
    assert line.text() == "Looked up Priya in your contacts · 1 found"
    empty = LookupLine({"lookup": "memory_search", "label": "Searched your mail, messages, calendar, contacts and notes"})
    assert empty.text().endswith("notes · nothing found") and "Looked in" not in empty.text()
    assert LookupLine({"lookup": "memory_search", "found": 2}).text() == "Looked in memory_search · 2 found"


def test_an_answer_that_came_whole_from_the_data_shows_no_token_count(themed_qapp) -> None:  # noqa: ANN001
    from ui.turn_runner import StreamSpeed, TurnRunner

    runner = TurnRunner.__new__(TurnRunner)
    runner._gen_tokens, runner._tps, runner._speed, runner._general = 0, 0.0, StreamSpeed(), False
    runner._speed.token("answer")  # the whole answer in one piece
    assert runner._stats() == ""
    runner._gen_tokens, runner._tps = 40, 12.0
    assert runner._stats() == "40 tokens · 12 tok/s"
    runner._general = True  # nothing in the user's data backs a general-knowledge answer: the line says so
    assert runner._stats() == "General knowledge, not from your data · 40 tokens · 12 tok/s"
