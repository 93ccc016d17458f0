"""The grounding check: every specific in an answer must occur in a cited passage, the question
or the conversation, compared in normal form (a phone number by its digits, a date however it is
written, a time as minutes after midnight, an amount as its number, a code without separators, a
name case-insensitively). An answer with an unsupported specific is not shown as fact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.answer import specifics as sp
from app.answer import textnorm as tn


class Support:
    """One text that may back an answer (a passage, the question, the conversation), indexed once."""

    def __init__(self, text: str, today: dt.date | None = None) -> None:
        today = today or dt.date.today()
        self.text = text
        self.folded = tn.fold(text)
        self.alnum = tn.alnum(text)
        self.words = {w.lower() for w in tn.words(self.folded)}
        self.stems = {tn.stem(w) for w in self.words}
        self.numbers = tn.numbers(text.replace("#", " "))
        self.dates = tn.dates(text)
        self.times = tn.times(text)
        self.weekdays = tn.weekdays(text) | {w for w in (tn.weekday_of(m, d, today) for m, d in self.dates)
                                             if w is not None}
        runs = [tn.digits(m.group(0)) for m in sp.PHONE.finditer(text)]
        runs += [r for r in (tn.digits(x) for x in text.replace("-", " ").split()) if len(r) >= 7]
        runs += [tn.digits(x) for x in tn.NUMBER.findall(text.replace(" ", "")) if len(tn.digits(x)) >= 7]
        self.phone_tails = {r[-7:] for r in runs if len(r) >= 7}

    def holds(self, specific: sp.Specific) -> bool:
        kind, text = specific.kind, specific.text
        if kind == "email":
            return text.lower() in self.folded
        if kind == "phone":
            return tn.digits(text)[-7:] in self.phone_tails
        if kind in ("amount", "number"):
            found = tn.NUMBER.search(text)
            return bool(found) and tn.number_key(found.group(0)) in self.numbers  # type: ignore[union-attr]
        if kind == "code":
            return tn.alnum(text) in self.alnum
        if kind == "date":
            return bool(tn.dates(text) & self.dates)
        if kind == "time":
            return bool(tn.times(text) & self.times)
        if kind == "weekday":
            return bool(tn.weekdays(text) & self.weekdays)
        if kind == "name":
            word = tn.fold(text)
            return word in self.words or tn.stem(word) in self.stems or (len(word) > 3 and word in self.folded)
        return True


@dataclass
class Check:
    """What a grounding check found: the unsupported specifics, and which sources backed the rest."""

    unsupported: list[sp.Specific] = field(default_factory=list)
    backed_by: dict[int, set[int]] = field(default_factory=dict)  # specific position -> source indices

    @property
    def ok(self) -> bool:
        return not self.unsupported

    def sources_used(self) -> set[int]:
        return {i for found in self.backed_by.values() for i in found}


def check(answer: str, sources: Sequence[Support], context: Sequence[Support] = ()) -> Check:
    """Check ``answer`` against ``sources`` (indexed, e.g. the passages) and ``context`` (the
    question and the conversation: they back a specific but are not cited)."""
    result = Check()
    for specific in sp.extract(answer):
        backers = {i for i, source in enumerate(sources) if source.holds(specific)}
        if backers:
            result.backed_by[specific.start] = backers
        elif not any(c.holds(specific) for c in context):
            result.unsupported.append(specific)
    return result
