"""The shared personal corpus: deterministic, the promised sizes, and its files are what memory reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bench.personal_corpus import build

TODAY = dt.date(2026, 3, 11)


def _bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_day_same_bytes(tmp_path: Path) -> None:
    a, b = build(tmp_path / "a", TODAY), build(tmp_path / "b", TODAY)
    assert _bytes(a.root) == _bytes(b.root)
    assert a.facts == b.facts


def test_sizes_and_ground_truth(tmp_path: Path) -> None:
    corpus = build(tmp_path / "c", TODAY)
    assert len(corpus.mails) == 30 and len(corpus.messages) == 40 and len(corpus.events) == 18
    assert len(corpus.contacts) == 12 and len(corpus.notes) == 11
    assert len({m.chat for m in corpus.messages}) == 4
    assert sum(c.first == "Alex" for c in corpus.contacts) == 2  # the ambiguous first name
    assert "555-0199" in corpus.contact("Priya Raman").phones[0]
    assert any(e.rrule for e in corpus.events) and any(e.tzid for e in corpus.events)
    dentist = corpus.event("Dentist appointment")
    assert dentist.start.date() > TODAY and dentist.start.weekday() == 1
    week = corpus.events_between(TODAY, TODAY + dt.timedelta(days=6))
    assert {"Team standup", "Yoga class"} <= {e.summary for _, e in week}  # recurrences expanded
    assert "RRULE:FREQ=WEEKLY" in corpus.ics.read_text()
