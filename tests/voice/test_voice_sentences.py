"""Sentence splitting of streamed tokens, and text cleaning before synthesis."""

from __future__ import annotations

import pytest

from voice.sentences import SentenceSplitter
from voice.text_clean import clean_for_speech


def split_streamed(text: str, *, step: int = 1, **kwargs: int) -> list[str]:
    splitter = SentenceSplitter(**kwargs)
    out: list[str] = []
    for i in range(0, len(text), step):
        out += splitter.feed(text[i : i + step])
    return out + splitter.flush()


TRICKY = (
    "It costs $29.99, e.g. a bargain. Dr. Smith agrees! Does Mr. Jones? "
    "J. R. R. Tolkien wrote it in 1937. Version 2.5 is out... Try it. "
    "Use approx. three cups, i.e. enough. It ends at 5 p.m. Then we go."
)
EXPECTED = [
    "It costs $29.99, e.g. a bargain.",
    "Dr. Smith agrees!",
    "Does Mr. Jones?",
    "J. R. R. Tolkien wrote it in 1937.",
    "Version 2.5 is out...",
    "Try it.",
    "Use approx. three cups, i.e. enough.",
    "It ends at 5 p.m.",
    "Then we go.",
]


@pytest.mark.parametrize("step", [1, 3, 7, 1000])
def test_tricky_text_splits_only_at_real_sentence_ends(step: int) -> None:
    assert split_streamed(TRICKY, step=step) == EXPECTED


def test_nothing_is_cut_before_the_next_word_begins() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("It costs $29.") == []  # could still become $29.99
    assert splitter.feed("99 ") == []
    assert splitter.feed("total. ") == []  # the next word decides
    assert splitter.feed("And") == ["It costs $29.99 total."]
    assert splitter.flush() == ["And"]


def test_blank_lines_and_unterminated_tail() -> None:
    assert split_streamed("First line\n\nSecond part without a stop") == [
        "First line",
        "Second part without a stop",
    ]
    assert split_streamed("") == []
    assert split_streamed("   ") == []


def test_first_piece_may_end_at_a_clause_when_asked() -> None:
    text = "The moon is a rocky body that orbits Earth, but it is not a planet. It has no air, only dust."
    assert split_streamed(text, first_clause_words=4) == [
        "The moon is a rocky body that orbits Earth,",
        "but it is not a planet.",
        "It has no air, only dust.",
    ]
    # Short openings and numbers with commas are not cut.
    assert split_streamed("Yes, 1,000 people came. Good.", first_clause_words=4) == [
        "Yes, 1,000 people came.",
        "Good.",
    ]


def test_first_piece_without_a_comma_may_end_before_a_joining_word_or_after_a_dash() -> None:
    kwargs = {"first_clause_words": 4, "first_break_words": 6}
    assert split_streamed(
        "Try to keep a regular sleep schedule because your body likes routine. Eat and sleep well.",
        **kwargs,
    ) == [
        "Try to keep a regular sleep schedule",
        "because your body likes routine.",
        "Eat and sleep well.",  # later sentences stay whole
    ]
    assert split_streamed("I think the best name is Luna \u2014 it is short and sweet.", **kwargs) == [
        "I think the best name is Luna \u2014",
        "it is short and sweet.",
    ]
    # The earlier of a comma and a joining word wins; too few words before it: no cut.
    assert split_streamed("A good name for a cat is Whiskers, which suits a playful cat and more.", **kwargs) == [
        "A good name for a cat is Whiskers,",
        "which suits a playful cat and more.",
    ]
    assert split_streamed("Use salt and pepper and then stir it well.", **kwargs) == [
        "Use salt and pepper and then stir it well."
    ]
    # Words that merely start like one ("android", "sofa") are not joining words.
    assert split_streamed("My old phone is an android phone sofa bed.", **kwargs) == [
        "My old phone is an android phone sofa bed."
    ]
    # Off by default.
    assert split_streamed("Try to keep a regular sleep schedule because it helps. Yes.") == [
        "Try to keep a regular sleep schedule because it helps.",
        "Yes.",
    ]


def test_reset_forgets_pending_text() -> None:
    splitter = SentenceSplitter()
    splitter.feed("Half a sent")
    splitter.reset()
    assert splitter.flush() == []


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Hello 👋 **world**!", "Hello world!"),
        ("🎉🎉🎉", ""),
        ("", ""),
        ("\x00\x07\x1b[31m", "[31m"),
        ("Café au lait, 你好, привет.", "Café au lait,,."),
        ("See [the docs](https://example.com) or https://x.y/z now", "See the docs or a link now"),
        ("Tom & Jerry \u2014 classic\u2026", "Tom and Jerry, classic..."),
    ],
)
def test_clean_for_speech(raw: str, clean: str) -> None:
    assert clean_for_speech(raw) == clean


def test_only_punctuation_or_symbols_is_unspeakable() -> None:
    assert clean_for_speech("... !!! ✔✔") == ""


def test_source_markers_are_not_read_aloud() -> None:
    """"[1]" links a source in the window; spoken, it was "one"."""
    from voice.text_clean import clean_for_speech

    said = clean_for_speech("Your dentist appointment is on Tuesday at 9:30 AM, Boston [1]. The code is 4821 [2, 3].")
    assert said == "Your dentist appointment is on Tuesday at 9:30 AM, Boston. The code is 4821."
    assert clean_for_speech("Read [the docs](http://x) or list [a]") == "Read the docs or list [a]"
