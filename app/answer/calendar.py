"""Calendar answers from the events' own fields: start, end, place and repetition, in local time
with the weekday. The sentences are templates; nothing in them comes from a model."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from app.answer.passages import Passage, fields_of, from_record
from app.answer.timerange import TimeRange

_DAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday",
         "SU": "Sunday"}
_NTH = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}
_WHERE = re.compile(r"\bWhere: (.*?)(?= (?:Organizer|Attendees|Repeats|Status): |$)")


@dataclass(frozen=True)
class Occurrence:
    summary: str
    start: dt.datetime  # local, aware (midnight for an all-day event)
    end: dt.datetime | None
    all_day: bool
    location: str
    rrule: str
    group: str
    record: Any

    @property
    def passage_key(self) -> str:
        return self.group


def _aware(value: str) -> dt.datetime | None:
    try:
        if len(value) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time.min).astimezone()
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.astimezone()).astimezone()


def occurrence(record: Any) -> Occurrence | None:
    """One stored occurrence as data; older stores without fields fall back to the item's date."""
    meta = record.meta
    fields = fields_of(meta)
    start = _aware(fields.get("start", "")) or _aware(str(meta.get("date", "")))
    if start is None:
        return None
    where = _WHERE.search(" ".join(record.text.split()))
    return Occurrence(
        summary=fields.get("summary") or str(meta.get("title", "")),
        start=start,
        end=_aware(fields.get("end", "")),
        all_day=bool(fields.get("all_day")),
        location=fields.get("location") or (where.group(1) if where else ""),
        rrule=fields.get("rrule", ""),
        group=str(meta.get("group") or meta.get("item_id")),
        record=record,
    )


def clock(when: dt.datetime) -> str:
    return when.strftime("%-I:%M %p")


def day(when: dt.datetime | dt.date) -> str:
    return when.strftime("%A %-d %B")


def when_text(o: Occurrence) -> str:
    """``Tuesday 8 December, 9:30 AM–10:30 AM``; ``Monday 14 December (all day)``."""
    if o.all_day:
        last = (o.end - dt.timedelta(days=1)) if o.end else o.start
        if last.date() > o.start.date():
            return f"{day(o.start)} – {day(last)} (all day)"
        return f"{day(o.start)} (all day)"
    text = f"{day(o.start)}, {clock(o.start)}"
    if o.end and o.end.date() == o.start.date():
        text += f"–{clock(o.end)}"
    return text


def repeats(rrule: str) -> str:
    """``every Tuesday``, ``every Monday, Wednesday and Friday``, ``on the first Wednesday of every month``."""
    parts = dict(p.split("=", 1) for p in rrule.upper().split(";") if "=" in p)
    freq, interval = parts.get("FREQ", ""), parts.get("INTERVAL", "1")
    every = "every" if interval == "1" else f"every {interval}"
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "WEEKLY" and days:
        names = [_DAYS.get(d[-2:], d) for d in days]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{every} {listed}" if interval == "1" else f"{every} weeks on {listed}"
    if freq == "MONTHLY" and days:
        m = re.match(r"([+-]?\d)?([A-Z]{2})", days[0])
        if m and m.group(1):
            return f"on the {_NTH.get(m.group(1).lstrip('+'), m.group(1))} {_DAYS.get(m.group(2), '')} of every month"
    return {"DAILY": "every day", "WEEKLY": "every week", "MONTHLY": "every month", "YEARLY": "every year"}.get(
        freq, "repeatedly")


def passage(o: Occurrence, citation: Any) -> Passage:
    """The occurrence's passage, with its local-time rendering as extra support."""
    p = from_record(o.record, citation)
    p.extra = f"{when_text(o)} {o.start.strftime('%A %B %-d %Y %H:%M')} {clock(o.start)}" + (
        f" {clock(o.end)} {o.end.strftime('%H:%M')}" if o.end else "") + (f" {repeats(o.rrule)}" if o.rrule else "")
    return p


def place_of(o: Occurrence) -> str:
    """``, at Summit Gym, Somerville``; the parts the title already names are not said twice."""
    folded = o.summary.casefold()
    parts = [p.strip() for p in o.location.split(",") if p.strip()]
    while parts and parts[0].casefold() in folded:
        parts.pop(0)
    if not parts:
        return ""
    return (", " if len(parts) < len(o.location.split(",")) else ", at ") + ", ".join(parts)


def line(o: Occurrence, mark: str) -> str:
    place = place_of(o)
    return f"- {when_text(o)}: {o.summary}{place} {mark}"


def range_answer(span: TimeRange, occurrences: list[Occurrence], marks: list[str]) -> str:
    if not occurrences:
        return f"Nothing is on your calendar for {span.label}."
    head = f"On your calendar for {span.label}:" if span.days() > 1 else f"On your calendar {span.label}:"
    # a blank line after the heading: Markdown renderers do not all let a list interrupt a paragraph
    return head + "\n\n" + "\n".join(line(o, m) for o, m in zip(occurrences, marks, strict=True))


def event_answer(o: Occurrence, mark: str, *, upcoming: bool) -> str:
    place = place_of(o)
    if o.rrule:
        at = "" if o.all_day else f" at {clock(o.start)}"
        nxt = "the next one is" if upcoming else "the last one was"
        return f"“{o.summary}” is {repeats(o.rrule)}{at}{place}; {nxt} on {day(o.start)} {mark}."
    if o.all_day:
        return f"“{o.summary}” {'is' if upcoming else 'was'} on {when_text(o)}{place} {mark}."
    until = f" (until {clock(o.end)})" if o.end and o.end.date() == o.start.date() else ""
    verb = "is" if upcoming else "was"
    return f"Your{' next' if upcoming else ''} “{o.summary}” {verb} on {day(o.start)} at {clock(o.start)}{until}{place} {mark}."


def pick(occurrences: list[Occurrence], now: dt.datetime) -> tuple[Occurrence, bool]:
    """The next occurrence that has not ended, else the latest one; and whether it is upcoming."""
    ordered = sorted(occurrences, key=lambda o: o.start)
    for o in ordered:
        if (o.end or o.start) >= now:
            return o, True
    return ordered[-1], False
