"""Dates and times a request states, resolved in the user's time zone against today.

The words that name a date or a time are found first ("December 15, 2026", "Saturday, January 9",
"tomorrow", "next Tuesday", "at 4:15 PM", "from 9:30 to 10:15 AM", "for 45 minutes"); each date
phrase is then resolved by ``dateparser`` (future dates preferred, relative to now) and each time
by its own numbers. Resolving a whole sentence at once is what small models and ``search_dates``
both get wrong ("tomorrow at 9" came back as 04:15, "on Friday at 10" as the tenth of October).

Times are the user's wall-clock times in the machine's time zone: a 9 AM appointment stays 09:00,
never 17:00 UTC. ``dateparser`` is asked for English only and never for language detection, so it
neither guesses nor reaches for anything outside its own package.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
WEEKDAY = (r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|"
           r"sat(?:urday)?|sun(?:day)?)")
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+\d{4})?"
_DAY_MONTH = rf"(?:{MONTH}\s+\d{{1,2}}{_ORD}{_YEAR}|\d{{1,2}}{_ORD}\s+(?:of\s+)?{MONTH}{_YEAR})"

# One date phrase each; longest first, so "Saturday, January 9" wins over "Saturday".
# Days people name rather than number (fixed dates only; the next one on or after today).
HOLIDAYS = {"christmas eve": "December 24", "christmas day": "December 25", "christmas": "December 25",
            "new year's eve": "December 31", "new years eve": "December 31", "new year's day": "January 1",
            "new years day": "January 1", "valentine's day": "February 14", "valentines day": "February 14",
            "halloween": "October 31", "independence day": "July 4", "the fourth of july": "July 4"}
_HOLIDAY = "|".join(re.escape(h).replace("'", "['’]?") for h in sorted(HOLIDAYS, key=len, reverse=True))
_DATES = [
    rf"\b(?:{_HOLIDAY})\b",
    rf"\b(?:(?:this|next|coming)\s+)?{WEEKDAY},?\s+(?:the\s+)?{_DAY_MONTH}\b",
    rf"\b{_DAY_MONTH}\b",
    rf"\b{WEEKDAY},?\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)\b",  # "Friday the 11th": the day of the month decides
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"(?<![\d/])\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\d/])",
    r"\b(?:the\s+)?day\s+after\s+tomorrow\b",
    r"\b(?:today|tonight|tomorrow)\b",
    rf"\b(?:next\s+week(?:['’]s)?\s+(?:on\s+)?{WEEKDAY}|{WEEKDAY}\s+(?:of\s+)?next\s+week)\b",
    rf"\b(?:this|next|coming)\s+{WEEKDAY}\b",
    rf"\b{WEEKDAY}\b",
    r"\bin\s+(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:days?|weeks?)\b",
    r"\b(?:on\s+)?the\s+\d{1,2}(?:st|nd|rd|th)\b",
]
_DATE_RE = [re.compile(p, re.I) for p in _DATES]

_AMPM = r"(?P<{n}>a\.?\s?m\.?|p\.?\s?m\.?)"
_CLOCK = r"(?P<{h}>\d{{1,2}})(?::(?P<{m}>[0-5]\d))?"


def _clock(h: str, m: str, ap: str) -> str:
    return _CLOCK.format(h=h, m=m) + r"(?:\s*" + _AMPM.format(n=ap) + r"(?![a-z]))?"


_NAMED = r"(?P<{n}>noon|midday|midnight)"
_RANGE = re.compile(
    r"\b(?:from\s+|between\s+)?(?:" + _clock("h1", "m1", "a1") + "|" + _NAMED.format(n="n1") + r")"
    r"\s*(?:-|–|—|to|till|until|and)\s*"
    r"(?:" + _clock("h2", "m2", "a2") + "|" + _NAMED.format(n="n2") + r")(?![\d:/])",
    re.I,
)
_AT_TIME = re.compile(
    r"(?:\b(?:at|@|by|from|starting(?:\s+at)?)\s+)?(?:" + _clock("h", "m", "a") + "|" + _NAMED.format(n="n") + r")"
    r"(?:\s*o'?clock)?(?![\d:/])",
    re.I,
)
_UNTIL = re.compile(r"\b(?:until|till|ending\s+at|ends?\s+at|to)\s+(?:" + _clock("h", "m", "a") + "|"
                    + _NAMED.format(n="n") + r")(?![\d:/])", re.I)
_PART_OF_DAY = re.compile(r"\b(?:in\s+the\s+|this\s+|tomorrow\s+)?(morning|afternoon|evening|night)\b", re.I)
_PART_HOURS = {"morning": 9, "afternoon": 15, "evening": 18, "night": 20}

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "half an": 0.5, "half a": 0.5, "a half": 0.5}
_DURATION = re.compile(
    r"\bfor\s+(?P<n>\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|half\s+an?)\s*"
    r"(?P<unit>hours?|hrs?|h|minutes?|mins?|m)\b(?P<half>\s+and\s+a\s+half)?"
    r"(?:\s+and\s+(?P<n2>\d+)\s*(?:minutes?|mins?))?",
    re.I,
)


@dataclass
class When:
    """What a request says about time: a start (date, maybe a time), maybe an end."""

    start: dt.datetime
    has_time: bool
    end: dt.datetime | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)  # where in the text it was said
    # A weekday named bare on that very weekday ("on Friday", said on a Friday): today or a week on.
    # ``start`` is the later one; the caller asks which (see :func:`which_day_question`).
    choices: tuple[dt.date, dt.date] | None = None
    unclear: str = ""  # the words that named it ("Friday")

    def start_text(self) -> str:
        """``2026-12-15T16:15`` (wall-clock time in the user's zone), or ``2026-12-15`` for a day."""
        return self.start.strftime("%Y-%m-%dT%H:%M") if self.has_time else self.start.strftime("%Y-%m-%d")

    def end_text(self) -> str:
        return self.end.strftime("%Y-%m-%dT%H:%M") if self.end is not None else ""


def now_local() -> dt.datetime:
    """The current wall-clock time in the user's time zone (naive: the zone is the machine's)."""
    return dt.datetime.now().astimezone().replace(tzinfo=None)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given spans replaced by spaces (positions stay the same)."""
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def resolve_date(phrase: str, now: dt.datetime) -> dt.date | None:
    """One date phrase ("Saturday, January 9", "next Tuesday", "tomorrow") as a date on or after today."""
    ordinal = re.fullmatch(rf"(?:on\s+)?(?:{WEEKDAY},?\s+)?(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)", phrase.strip(), re.I)
    if ordinal:  # "the 11th": that day of this month, or of the next month that has it
        return _next_day_of_month(now.date(), int(ordinal.group(1)))
    cleaned = re.sub(r"^\s*(?:on|the)\s+", "", phrase.strip(), flags=re.I)
    cleaned = HOLIDAYS.get(cleaned.lower().replace("’", "'"), HOLIDAYS.get(cleaned.lower().replace("’", ""), cleaned))
    cleaned = re.sub(r"\bcoming\b", "next", cleaned, flags=re.I)
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    if cleaned.lower() == "tonight":
        return now.date()
    next_week = re.fullmatch(rf"next\s+week(?:['’]s)?\s+(?:on\s+)?({WEEKDAY})|({WEEKDAY})\s+(?:of\s+)?next\s+week",
                             cleaned, re.I)
    if next_week:  # the named day of next calendar week (weeks start on Monday)
        named = (next_week.group(1) or next_week.group(2)).lower()
        weekday = next(i for i, d in enumerate(_WEEKDAY_NAMES) if named.startswith(d[:2]) and d.startswith(named[:3]))
        monday = now.date() + dt.timedelta(days=7 - now.weekday())
        return monday + dt.timedelta(days=weekday)
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now, "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "MDY"}
    import dateparser  # imported on first use: about half a second

    parsed = dateparser.parse(cleaned, languages=["en"], settings=settings)  # type: ignore[arg-type]
    if parsed is None:
        return None
    day = parsed.date()
    if re.fullmatch(r"\d{1,2}", cleaned) is None and day < now.date() and not re.search(r"\d{4}", cleaned):
        # a month and day already past this year means next year's
        try:
            day = day.replace(year=day.year + 1)
        except ValueError:
            return None
    return day


def _next_day_of_month(today: dt.date, day: int) -> dt.date | None:
    month = today.replace(day=1)
    for _ in range(13):
        try:
            candidate = month.replace(day=day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return None


def _hour(h: str, m: str | None, ap: str | None, named: str | None, *, bare_ok: bool) -> tuple[int, int] | None:
    """(hour, minute) on a 24-hour clock; a bare hour with no am/pm is read as people say it:
    1-7 in the afternoon or evening, 8-11 in the morning, 12 at noon."""
    if named:
        return (0, 0) if named.lower() == "midnight" else (12, 0)
    if not h:
        return None
    hour, minute = int(h), int(m or 0)
    if ap:
        if not 1 <= hour <= 12:
            return None
        pm = ap.lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
        return hour, minute
    if hour > 23:
        return None
    if m is None and not bare_ok:
        return None
    if 1 <= hour <= 7:
        hour += 12
    return hour, minute


def _apply_part(hour: int, minute: int, part: str, explicit: bool) -> tuple[int, int]:
    if explicit:
        return hour, minute
    if part in ("morning",) and hour >= 12 and hour != 12:
        return hour - 12, minute
    if part in ("afternoon", "evening", "night") and hour < 12:
        return hour + 12, minute
    return hour, minute


def find_times(text: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None, list[tuple[int, int]]]:
    """(start time, end time, spans) of the clock times a request states."""
    spans: list[tuple[int, int]] = []
    start = end = None
    part_match = _PART_OF_DAY.search(text)
    part = part_match.group(1).lower() if part_match else ""
    match = _RANGE.search(text)
    if match:
        g = match.groupdict()
        end_ap = g["a2"]
        start_ap = g["a1"] or end_ap
        t2 = _hour(g["h2"], g["m2"], end_ap, g["n2"], bare_ok=True)
        t1 = _hour(g["h1"], g["m1"], start_ap, g["n1"], bare_ok=True)
        if t1 and t2 and not g["a1"] and end_ap and t1 > t2:  # "11 to 1 pm": the start is in the morning
            t1 = _hour(g["h1"], g["m1"], "am", g["n1"], bare_ok=True)
        if t1 and t2 and not (g["h1"] and g["h1"].isdigit() and len(g["h1"]) <= 2 and _looks_like_count(text, match)):
            explicit = bool(g["a1"] or g["a2"])
            start = _apply_part(*t1, part, explicit)
            end = _apply_part(*t2, part, explicit)
            spans.append(match.span())
    if start is None:
        for match in _AT_TIME.finditer(text):
            g = match.groupdict()
            said_at = match.group(0)[:1].isalpha() or match.group(0).startswith("@")
            if _overlaps(match.span(), spans) or _inside_date(text, match.span()):
                continue
            bare_ok = said_at and _bare_hour_is_time(text, match.end())
            t = _hour(g["h"], g["m"], g["a"], g["n"], bare_ok=bare_ok)
            if t is None:
                continue
            start = _apply_part(*t, part, bool(g["a"] or g["n"]))
            spans.append(match.span())
            break
    if start is not None and end is None:
        for match in _UNTIL.finditer(text):
            if _overlaps(match.span(), spans):
                continue
            g = match.groupdict()
            t = _hour(g["h"], g["m"], g["a"], g["n"], bare_ok=True)
            if t is not None:
                end = _apply_part(*t, part, bool(g["a"] or g["n"]))
                spans.append(match.span())
                break
    if start is None and part_match and part:
        start = (_PART_HOURS[part], 0)
        spans.append(part_match.span(1))
    elif part_match and part and (part_match.group(0).lower() != part or _next_to(text, part_match.span(), spans)):
        spans.append(part_match.span())  # "at 7 in the evening", "Monday evening at 7"; not "Parents evening"
    return start, end, spans


def _next_to(text: str, span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    """Whether only spaces and commas stand between ``span`` and one of ``others``."""
    for a, b in others:
        gap = text[span[1]:a] if span[1] <= a else text[b:span[0]]
        if not gap.strip(" ,"):
            return True
    return False


def _looks_like_count(text: str, match: re.Match[str]) -> bool:
    """'2 to 3 people' is a count, not a time range."""
    after = text[match.end():match.end() + 12].lower()
    return bool(re.match(r"\s*(people|persons|guests|items|times|days|weeks|hours|minutes)\b", after))


_STREET = r"(?:st|street|rd|road|ave|avenue|ln|lane|dr|drive|way|blvd|boulevard|pl|place|ct|court|sq|square)"


def _bare_hour_is_time(text: str, end: int) -> bool:
    """After "at 9": the hour is a time unless a street or a count follows ("at 9 Elm Street",
    "at 12 people"); "at 9 haircut" and "at 9 to water the plants" are times."""
    after = text[end:end + 30]
    if re.match(rf"\s+(?:(?-i:[A-Z])[\w'’-]*\s+){{1,3}}{_STREET}\b", text[end:end + 60], re.I):
        return False  # a street follows: a house number
    return re.match(r"\s*(?:[%$€£/]|(?:people|persons|guests|items|percent|dollars?|euros?|pounds?|kg|km|miles?|"
                    rf"minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times?|floor|main|north|south|east|"
                    rf"west|{_STREET}|[a-z]?\d)\b)", after, re.I) is None


def _inside_date(text: str, span: tuple[int, int]) -> bool:
    """A number that is part of a date ("January 9", "9 January", "12/15") is not a time."""
    for pattern in _DATE_RE:
        for match in pattern.finditer(text):
            if match.start() <= span[0] and span[1] <= match.end():
                return True
            if match.start() < span[1] and span[0] < match.end() and not text[span[0]:span[1]].strip().lower(
            ).startswith(("at", "@", "from", "by", "starting")):
                return True
    return False


def find_date(text: str, now: dt.datetime) -> tuple[dt.date | None, tuple[int, int] | None]:
    """The first date phrase in ``text`` that resolves, and its span."""
    found: list[tuple[int, int, dt.date]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_RE:
        for match in pattern.finditer(text):
            if _overlaps(match.span(), taken):
                continue
            day = resolve_date(match.group(0), now)
            if day is not None:
                found.append((match.start(), match.end(), day))
                taken.append(match.span())
    if not found:
        return None, None
    start, end, day = min(found)
    return day, (start, end)


def find_duration(text: str) -> tuple[dt.timedelta | None, tuple[int, int] | None]:
    match = _DURATION.search(text)
    if not match:
        return None, None
    raw = " ".join(match.group("n").lower().split())
    amount = float(_NUMBER_WORDS.get(raw, 0) or (raw if raw.replace(".", "", 1).isdigit() else 0))
    if match.group("half"):
        amount += 0.5
    unit = match.group("unit").lower()
    minutes = amount * 60 if unit.startswith("h") else amount
    if match.group("n2"):
        minutes += int(match.group("n2"))
    if minutes <= 0:
        return None, None
    return dt.timedelta(minutes=minutes), match.span()


def find_when(text: str, now: dt.datetime | None = None) -> When | None:
    """The date and time a request states, or None when it states none.

    A time without a date is today's if it is still ahead, else tomorrow's; a date without a time
    is a whole day (``has_time`` False). An end comes from a range ("from 9:30 to 10:15 AM"), an
    "until 5", or a duration ("for 45 minutes").
    """
    now = now or now_local()
    day, date_span = find_date(text, now)
    rest = _blank(text, [date_span]) if date_span else text
    start_t, end_t, time_spans = find_times(rest)
    duration, duration_span = find_duration(_blank(rest, time_spans))
    if day is None and start_t is None:
        return None
    spans = [s for s in [date_span, *time_spans, duration_span] if s]
    if start_t is None:
        assert day is not None
        start = dt.datetime.combine(day, dt.time())
        end = start + duration if duration else None
        return When(start, False, end, sorted(spans), *_same_weekday(text, date_span, now, None))
    if day is None:
        day = now.date()
        if dt.datetime.combine(day, dt.time(*start_t)) <= now:
            day += dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(*start_t))
    choices, unclear = _same_weekday(text, date_span, now, dt.time(*start_t))
    end = None
    if end_t is not None:
        end = dt.datetime.combine(day, dt.time(*end_t))
        if end <= start:
            end += dt.timedelta(days=1)
    elif duration is not None:
        end = start + duration
    return When(start, True, end, sorted(spans), choices, unclear)


def _same_weekday(text: str, span: tuple[int, int] | None, now: dt.datetime,
                  at: dt.time | None) -> tuple[tuple[dt.date, dt.date] | None, str]:
    """Today and a week on, when the date is a bare weekday that is today's and today's is still ahead."""
    if span is None:
        return None, ""
    said = re.sub(r"^\s*on\s+", "", text[span[0]:span[1]], flags=re.I).strip()
    named = said.lower()
    if not re.fullmatch(WEEKDAY, named, re.I) or not _WEEKDAY_NAMES[now.weekday()].startswith(named[:3]):
        return None, ""
    today = now.date()
    if at is not None and dt.datetime.combine(today, at) <= now:
        return None, ""  # today's has passed: a week on, as said
    return (today, today + dt.timedelta(days=7)), said


def which_day_question(stated: When) -> str:
    """"Today (Fri 4 Dec) or next Friday (11 Dec)?" for a weekday named on that weekday."""
    assert stated.choices is not None
    today, later = stated.choices
    return f"Today ({today:%a} {today.day} {today:%b}) or next {later:%A} ({later.day} {later:%b})?"


def which_day_answer(answer: str, stated: When) -> str:
    """The user's answer to :func:`which_day_question` as a date phrase (ISO when it picks one)."""
    assert stated.choices is not None
    today, later = stated.choices
    if re.search(r"\b(?:today|tonight|this|first|earlier|now)\b", answer, re.I):
        return today.isoformat()
    if re.search(r"\b(?:next|later|second|week)\b", answer, re.I):
        return later.isoformat()
    return answer


def spoken(when: dt.datetime, has_time: bool = True) -> str:
    """``Tuesday 15 December 2026 at 16:15``: how a person reads it back."""
    day = f"{when:%A} {when.day} {when:%B %Y}"
    return f"{day} at {when:%H:%M}" if has_time else day


def parse_iso(text: str) -> tuple[dt.datetime, bool] | None:
    """A tool's ``2026-12-15T16:15`` or ``2026-12-15`` back as (naive local time, has a time)."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value, "T" in text or " " in text.strip()
