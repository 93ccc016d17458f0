"""Dates as a person reads them: local time, words for today and yesterday, never raw ISO text.

Qt-free, so the same wording can be tested without a display.
"""

from __future__ import annotations

import datetime as dt


def parse(value: str) -> tuple[dt.datetime, bool] | None:
    """``value`` (ISO 8601, a date or a date-time, any offset) as local time, and whether it
    carries a time of day; None when it is not a date."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime(day.year, day.month, day.day), False
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)  # naive times are taken as local already
    return when, True


def human(value: str, now: dt.datetime | None = None, *, empty: str = "") -> str:
    """"today 14:05", "yesterday 09:12", "Tue 3 Dec, 14:05", "Tue 3 Dec 2025, 14:05", or for a
    date without a time "Tue 3 Dec 2025"; text that is not a date comes back unchanged."""
    parsed = parse(value)
    if parsed is None:
        return value.strip() if value and value.strip() else empty
    when, timed = parsed
    today = (now or dt.datetime.now()).date()
    clock = f"{when:%H:%M}"
    days = (today - when.date()).days
    if timed and days == 0:
        return f"today {clock}"
    if timed and days == 1:
        return f"yesterday {clock}"
    if not timed and days in (0, 1, -1):
        return ("today", "yesterday", "tomorrow")[(0, 1, -1).index(days)]
    day = f"{when:%a} {when.day} {when:%b}"
    if when.year != today.year:
        day += f" {when.year}"
    return f"{day}, {clock}" if timed else day
