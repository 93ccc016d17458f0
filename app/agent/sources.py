"""Which retrieved sources an answer is shown with: the ones it cites with ``[n]`` markers, or,
for an answer without markers, the ones it shares several content words with. A passage that was
retrieved but not used (a contact card beside a story, a note beside "2 + 2 is 4") is not
attached, so a source card means the answer came from it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.answer.check import NOT_FOUND
from app.events import Citation

_MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_WORD = re.compile(r"[^\W\d_]{3,}")
_COMMON_WORDS = """the and for from with about are was were been this that these those there their they them
you your yours what when where who which why how can could would will should have has had not but all any
some one two its his her him she our out into over than then also just only very more most said here"""
COMMON = frozenset(_COMMON_WORDS.split())
SHARED_WORDS = 2  # content words an unmarked answer must share with a passage to be shown with it


def cited_numbers(answer: str, count: int) -> list[int]:
    """The ``[n]`` / ``[1, 3]`` markers in ``answer`` that name one of ``count`` sources, in order."""
    numbers: list[int] = []
    for match in _MARKER.finditer(answer or ""):
        for n in (int(x) for x in re.split(r"\s*,\s*", match.group(1))):
            if 1 <= n <= count and n not in numbers:
                numbers.append(n)
    return numbers


def content_words(text: str) -> set[str]:
    """Content words, lower-cased, a plural's "s" dropped."""
    words = {w.lower() for w in _WORD.findall(text)} - COMMON
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words}


def relevant(answer: str, citations: Sequence[Citation]) -> list[int]:
    """1-based positions of the sources ``answer`` is shown with (see the module docstring)."""
    if not citations or not answer.strip() or answer.strip().startswith(NOT_FOUND):
        return []
    marked = cited_numbers(answer, len(citations))
    if marked:
        return sorted(marked)
    said = content_words(answer)
    return [n for n, c in enumerate(citations, start=1)
            if len(said & content_words(f"{c.title} {c.snippet} {' '.join(c.people)}")) >= SHARED_WORDS]
