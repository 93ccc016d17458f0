"""Markers and citations: an answer carries ``[n]`` markers, where n is the 1-based index into the
``citations`` of its FinalAnswer, and only the sources the answer used are attached, numbered in
the order the answer first uses them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.answer.passages import Passage
from app.events import Citation

MARKER = re.compile(r"\s?\[(\d{1,2})\]")


class Cited:
    """The sources an answer cites, numbered as first used."""

    def __init__(self) -> None:
        self._order: list[str] = []  # chunk ids
        self._by_id: dict[str, Citation] = {}

    def mark(self, passage: Passage) -> str:
        """``[n]`` for this passage (numbering it on first use)."""
        return f"[{self.number(passage.citation)}]"

    def number(self, citation: Citation) -> int:
        key = citation.item_id or citation.chunk_id
        if key not in self._by_id:
            self._by_id[key] = citation
            self._order.append(key)
        return self._order.index(key) + 1

    def citations(self) -> tuple[Citation, ...]:
        return tuple(self._by_id[k] for k in self._order)


def renumber(sentence: str, passages: list[Passage], cited: Cited, extra: Iterable[int] = ()) -> str:
    """The model's ``[i]`` (prompt numbering) as final numbers; markers that point nowhere dropped;
    ``extra`` passages (those that back the sentence's specifics) marked too when not already."""
    used: list[int] = []

    def swap(m: re.Match[str]) -> str:
        i = int(m.group(1)) - 1
        if 0 <= i < len(passages):
            used.append(i)
            return " " + cited.mark(passages[i])
        return ""

    text = MARKER.sub(swap, sentence).strip()
    missing = [i for i in sorted(set(extra)) if i not in used]
    if missing:
        tail = "".join(cited.mark(passages[i]) for i in missing)
        stripped = text.rstrip()
        end = len(stripped) - len(stripped.rstrip(".!?"))
        text = (stripped[: len(stripped) - end] if end else stripped) + " " + tail + (stripped[-end:] if end else "")
    return text
