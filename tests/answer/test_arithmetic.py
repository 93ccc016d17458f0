"""Arithmetic is computed, never guessed: the model said 15% of 84.17 was 12.6975 (it is 12.6255)."""

from __future__ import annotations

import pytest

from app.answer import arithmetic, smalltalk


@pytest.mark.parametrize(("question", "said"), [
    ("What is 15% of 84.17?", "15% of 84.17 is 12.6255."),
    ("what's 12 * 7.5", "12 * 7.5 is 90."),
    ("240 divided by 3", "240 divided by 3 is 80."),
    ("What is 1,850 * 12?", "1,850 * 12 is 22,200."),
    ("How much is 84.17 minus 12.50?", "84.17 minus 12.50 is 71.67."),
    ("What is 0.1+0.2", "0.1+0.2 is 0.3."),
    ("what is 2^10", "2^10 is 1,024."),
    ("calculate (3+4)*5", "(3+4)*5 is 35."),
    ("what is 10 / 0", "10 / 0 has no answer: it divides by zero."),
])
def test_computed(question: str, said: str) -> None:
    assert arithmetic.answer(question) == said
    assert smalltalk.reply(question).kind == "math"


@pytest.mark.parametrize("question", [
    "What is 555-0199?", "what is 2026-12-04", "What is 12/25?", "What is 2**1000000",
    "What is my phone number?", "What is 4471920?", "What is __import__('os').system('id')",
    "How much is 2 + 2 in my notes?",
])
def test_not_arithmetic(question: str) -> None:
    assert arithmetic.answer(question) is None
