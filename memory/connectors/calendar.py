"""Calendar: .ics files (RFC 5545), recurring events expanded with ``dateutil.rrule``.

One occurrence is one item, so date filters find "what happened on the 3rd". Recurring series are
expanded only inside a window around today (a year back, a year ahead, at most 200 per series);
occurrences of one series share a ``group`` so search shows the series once. Moved or cancelled
occurrences (RECURRENCE-ID, EXDATE) are honoured. An invitation (an event with an ORGANIZER) was
written by someone else and is not trusted, nor is any event of a calendar file that came from
someone else (an invitation saved from a mail, a download); the user's own events are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr

from app.policy import provenance
from memory.connectors import Scan
from memory.connectors.contentlines import Component, Prop, parse, unescape, walk
from memory.extract import MAX_FILE_BYTES, Unreadable, decode_text
from memory.items import Item, Skip

KIND = "ics"
WINDOW_BACK = timedelta(days=365)
WINDOW_AHEAD = timedelta(days=365)
MAX_OCCURRENCES = 200


def parse_dt(prop: Prop | None) -> datetime | None:
    """DATE, floating, UTC and TZID date-times, all as aware datetimes (floating = local time)."""
    if prop is None:
        return None
    value = prop.value.strip()
    try:
        if prop.params.get("VALUE", "").upper() == "DATE" or (len(value) == 8 and value.isdigit()):
            d = datetime.strptime(value[:8], "%Y%m%d")
            return d.astimezone()
        if value.endswith("Z"):
            return datetime.strptime(value[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        naive = datetime.strptime(value[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        return None
    tzid = prop.params.get("TZID")
    if tzid:
        try:
            return naive.replace(tzinfo=ZoneInfo(tzid))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return naive.astimezone()


def _is_all_day(prop: Prop | None) -> bool:
    return bool(prop and (prop.params.get("VALUE", "").upper() == "DATE" or len(prop.value.strip()) == 8))


def _person(prop: Prop) -> str:
    name = prop.params.get("CN", "").strip()
    addr = prop.value.strip()
    if addr.lower().startswith("mailto:"):
        addr = addr[7:]
    addr = addr.lower()
    if name and addr:
        return f"{name} <{addr}>"
    return name or addr


def _multi_dates(props: list[Prop]) -> set[datetime]:
    out = set()
    for prop in props:
        for part in prop.value.split(","):
            dt = parse_dt(Prop(prop.name, part, prop.params))
            if dt:
                out.add(dt.astimezone(UTC))
    return out


def _occurrences(event: Component, start: datetime, now: datetime) -> list[datetime]:
    rule = event.get("RRULE")
    if rule is None:
        return [start]
    exdates = _multi_dates(event.all("EXDATE"))
    lo, hi = now - WINDOW_BACK, now + WINDOW_AHEAD
    try:
        text = rule.value.strip()
        if "UNTIL=" in text and start.tzinfo is not None:
            # dateutil wants UNTIL aware when DTSTART is: a bare date or floating UNTIL becomes UTC
            parts = []
            for part in text.split(";"):
                if part.upper().startswith("UNTIL="):
                    until = part.split("=", 1)[1]
                    if len(until) == 8:
                        until += "T235959Z"
                    elif not until.endswith("Z"):
                        until += "Z"
                    part = f"UNTIL={until}"
                parts.append(part)
            text = ";".join(parts)
        rrule = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise Unreadable(f"bad RRULE {rule.value!r}: {exc}") from exc
    found = []
    for occurrence in rrule.between(lo, hi, inc=True):
        if occurrence.astimezone(UTC) in exdates:
            continue
        found.append(occurrence)
        if len(found) >= MAX_OCCURRENCES:
            break
    return found


def _event_items(event: Component, where: str, now: datetime, moved: set[tuple[str, datetime]]) -> list[Item]:
    start_prop = event.get("DTSTART")
    start = parse_dt(start_prop)
    if start is None:
        raise Unreadable("event without a valid DTSTART")
    end = parse_dt(event.get("DTEND"))
    duration = (end - start) if end else None
    uid = event.text("UID") or f"{event.text('SUMMARY')}@{start.isoformat()}"
    summary = event.text("SUMMARY") or "(untitled event)"
    organizer = event.get("ORGANIZER")
    people = [_person(p) for p in ([organizer] if organizer else []) + event.all("ATTENDEE")]
    people = [p for p in dict.fromkeys(people) if p]
    recurrence_id = parse_dt(event.get("RECURRENCE-ID"))
    all_day = _is_all_day(start_prop)
    occurrences = [start] if recurrence_id else _occurrences(event, start, now)
    items = []
    for when in occurrences:
        if not recurrence_id and (uid, when.astimezone(UTC)) in moved:
            continue  # this occurrence was moved or changed by its own VEVENT
        occ_key = (recurrence_id or when).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        stamp = when.date().isoformat() if all_day else when.strftime("%Y-%m-%d %H:%M %Z").strip()
        lines = [
            f"Event: {summary}",
            f"When: {stamp}" + (f" (for {duration})" if duration and not all_day else ""),
        ]
        if event.text("LOCATION"):
            lines.append(f"Where: {event.text('LOCATION')}")
        if organizer:
            lines.append(f"Organizer: {_person(organizer)}")
        if len(people) > (1 if organizer else 0):
            lines.append("Attendees: " + ", ".join(people[1 if organizer else 0 :]))
        if event.get("RRULE") and not recurrence_id:
            lines.append(f"Repeats: {unescape(event.get('RRULE').value)}")  # type: ignore[union-attr]
        if event.text("STATUS"):
            lines.append(f"Status: {event.text('STATUS').lower()}")
        units = ["\n".join(lines)]
        description = event.text("DESCRIPTION")
        if description:
            units.extend(p for p in description.split("\n\n") if p.strip())
        ends = when + duration if duration else None
        fields = (
            ("summary", summary),
            ("start", when.date().isoformat() if all_day else when.isoformat()),
            ("end", (ends.date().isoformat() if all_day else ends.isoformat()) if ends else ""),
            ("all_day", "1" if all_day else ""),
            ("location", event.text("LOCATION")),
            ("tzid", start_prop.params.get("TZID", "") if start_prop else ""),
            ("rrule", event.get("RRULE").value.strip() if event.get("RRULE") and not recurrence_id else ""),  # type: ignore[union-attr]
            ("status", event.text("STATUS").lower()),
        )
        items.append(
            Item(
                key=f"{uid}|{occ_key}",
                kind=KIND,
                source_type="calendar",
                title=summary,
                units=tuple(units),
                date=when,
                people=tuple(people),
                trusted=organizer is None,
                path=f"{where}#{uid}",
                group=f"cal:{uid}",
                fields=tuple((k, v) for k, v in fields if v),
            )
        )
    return items


def scan(path: Path, now: datetime | None = None) -> Scan:
    where = str(path.resolve())
    now = now or datetime.now(UTC)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise Unreadable("too large")
        roots = parse(decode_text(path.read_bytes()))
    except (OSError, Unreadable) as exc:
        return Scan(0, iter([Skip(where, f"cannot read calendar: {exc}", keep=where)]), complete=False)
    calendars = walk(roots, "VCALENDAR")
    if not calendars:
        return Scan(
            0, iter([Skip(where, "not an iCalendar file (no BEGIN:VCALENDAR)", keep=where)]), complete=False
        )
    events = walk(calendars, "VEVENT")
    moved = set()
    for event in events:
        rid = parse_dt(event.get("RECURRENCE-ID"))
        if rid:
            moved.add((event.text("UID"), rid.astimezone(UTC)))

    foreign = provenance.someone_elses(path.resolve())  # e.g. an invitation saved from a mail

    def entries() -> Iterator[Item | Skip]:
        for number, event in enumerate(events, 1):
            try:
                for item in _event_items(event, where, now, moved):
                    yield replace(item, trusted=False) if foreign else item
            except (Unreadable, ValueError, TypeError, OverflowError) as exc:
                yield Skip(
                    f"{where} event {number} ({event.text('SUMMARY')})",
                    str(exc),
                    keep=f"{where}#{event.text('UID')}",
                )

    return Scan(len(events), entries())


__all__ = ["scan", "parse_dt", "date"]
