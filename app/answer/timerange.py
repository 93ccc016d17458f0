"""Time ranges in a question: "today", "tomorrow", "this week", "next week", "this weekend",
"next Tuesday", "on Friday", "this month", "in the next 3 days", "on December 8".

A week runs Monday to Sunday; "this week" is what is left of it (today to Sunday). A weekday
name ("on Friday", "next Friday") is the first such day after today, or today itself for a bare
"Friday" said on a Friday.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.answer import textnorm as tn


@dataclass(frozen=True)
class TimeRange:
    lo: dt.date
    hi: dt.date
    label: str  # how an answer names it: "today", "this week (Fri 4 – Sun 6 December)"

    def days(self) -> int:
        return (self.hi - self.lo).days + 1


def _span(lo: dt.date, hi: dt.date) -> str:
    if lo == hi:
        return lo.strftime("%A %-d %B")
    if lo.month == hi.month:
        return f"{lo.strftime('%a %-d')} – {hi.strftime('%a %-d %B')}"
    return f"{lo.strftime('%a %-d %B')} – {hi.strftime('%a %-d %B')}"


_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(today|tonight|this (morning|afternoon|evening))\b"), "today"),
    (re.compile(r"\btomorrow\b"), "tomorrow"),
    (re.compile(r"\byesterday\b"), "yesterday"),
    (re.compile(r"\bthis weekend\b|\bon the weekend\b|\bover the weekend\b"), "this weekend"),
    (re.compile(r"\bnext weekend\b"), "next weekend"),
    (re.compile(r"\bthis week\b|\brest of the week\b"), "this week"),
    (re.compile(r"\bnext week\b"), "next week"),
    (re.compile(r"\blast week\b"), "last week"),
    (re.compile(r"\bthis month\b"), "this month"),
    (re.compile(r"\bnext month\b"), "next month"),
]
_NEXT_N = re.compile(r"\b(?:in|over|during) the (?:next|coming) (\d{1,2}|two|three|four|five|six|seven|ten|fourteen) days\b")
_WEEKDAY_RE = re.compile(rf"\b(next|this|on|coming)?\s*{_WEEKDAY}\b")
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10, "fourteen": 14}


def parse(question: str, today: dt.date) -> TimeRange | None:
    """The range a question names, or None."""
    text = tn.fold(question)
    for pattern, name in _RULES:
        if pattern.search(text):
            return _named(name, today)
    m = _NEXT_N.search(text)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _COUNTS[m.group(1)]
        hi = today + dt.timedelta(days=n)
        return TimeRange(today, hi, f"the next {n} days ({_span(today, hi)})")
    m = _WEEKDAY_RE.search(text)
    if m:
        target = tn.WEEKDAYS[m.group(2)]
        ahead = (target - today.weekday()) % 7
        if ahead == 0 and m.group(1) in ("next", "coming"):
            ahead = 7
        day = today + dt.timedelta(days=ahead)
        return TimeRange(day, day, day.strftime("%A %-d %B"))
    dates = sorted(tn.dates(question))
    if dates:
        month, day_of_month = dates[0]
        for year in (today.year, today.year + 1):
            try:
                day = dt.date(year, month, day_of_month)
            except ValueError:
                return None
            if day >= today - dt.timedelta(days=60):
                return TimeRange(day, day, day.strftime("%A %-d %B"))
    return None


def _named(name: str, today: dt.date) -> TimeRange:
    monday = today - dt.timedelta(days=today.weekday())
    if name == "today":
        return TimeRange(today, today, "today")
    if name == "tomorrow":
        day = today + dt.timedelta(days=1)
        return TimeRange(day, day, f"tomorrow ({day.strftime('%A %-d %B')})")
    if name == "yesterday":
        day = today - dt.timedelta(days=1)
        return TimeRange(day, day, f"yesterday ({day.strftime('%A %-d %B')})")
    if name == "this week":
        hi = monday + dt.timedelta(days=6)
        return TimeRange(today, hi, f"this week ({_span(today, hi)})")
    if name == "next week":
        lo = monday + dt.timedelta(days=7)
        return TimeRange(lo, lo + dt.timedelta(days=6), f"next week ({_span(lo, lo + dt.timedelta(days=6))})")
    if name == "last week":
        lo = monday - dt.timedelta(days=7)
        return TimeRange(lo, lo + dt.timedelta(days=6), f"last week ({_span(lo, lo + dt.timedelta(days=6))})")
    if name in ("this weekend", "next weekend"):
        saturday = monday + dt.timedelta(days=5 + (7 if name == "next weekend" else 0))
        lo = max(saturday, today)
        hi = saturday + dt.timedelta(days=1)
        return TimeRange(lo, hi, f"{name} ({_span(lo, hi)})")
    if name == "this month":
        nxt = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return TimeRange(today, nxt - dt.timedelta(days=1), f"this month ({today.strftime('%B')})")
    nxt = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    end = (nxt + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return TimeRange(nxt, end, f"next month ({nxt.strftime('%B')})")
