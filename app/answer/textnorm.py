"""Normal forms for comparing what an answer says with what a source says: dates, times,
weekdays, numbers, digits and words, however each side happens to write them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MONTHS = {
    name: n
    for n, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: n
    for n, names in enumerate(
        (("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thurs"),
         ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"))
    )
    for name in names
}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!:)", re.I)
DAY_MONTH = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b", re.I)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|"
                     r"sat|sun)s?\b\.?", re.I)
TIME_AMPM = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s?m\b\.?", re.I)
TIME_24 = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def fold(text: str) -> str:
    """Lower case, accents and typographic quotes and dashes made plain, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.lower().split())


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def alnum(text: str) -> str:
    """Letters and digits only, upper case: ``HX-552-0981`` and ``hx 552 0981`` are both ``HX5520981``."""
    return "".join(c for c in fold(text) if c.isalnum()).upper()


def number_key(text: str) -> str:
    """``1,850`` and ``1850.00`` are both ``1850``; ``12.50`` is ``12.5``."""
    raw = text.replace(",", "")
    if raw.count(".") > 1:
        return raw
    try:
        value = float(raw)
    except ValueError:
        return raw
    return str(int(value)) if value == int(value) else repr(value).rstrip("0")


def numbers(text: str) -> set[str]:
    return {number_key(m.group(0)) for m in NUMBER.finditer(text)}


def dates(text: str) -> set[tuple[int, int]]:
    """(month, day) of every date written in the text: ``December 8``, ``8 Dec``, ``2026-12-08``."""
    found: set[tuple[int, int]] = set()
    for m in MONTH_DAY.finditer(text):
        found.add((MONTHS[m.group(1).lower()[:3]], int(m.group(2))))
    for m in DAY_MONTH.finditer(text):
        found.add((MONTHS[m.group(2).lower()[:3]], int(m.group(1))))
    for m in ISO_DATE.finditer(text):
        found.add((int(m.group(2)), int(m.group(3))))
    return {(mo, d) for mo, d in found if 1 <= mo <= 12 and 1 <= d <= 31}


def iso_days(text: str) -> set[dt.date]:
    out = set()
    for m in ISO_DATE.finditer(text):
        try:
            out.add(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            pass
    return out


def weekdays(text: str) -> set[int]:
    return {WEEKDAYS[m.group(1).lower()] for m in WEEKDAY.finditer(text)}


def weekday_of(month: int, day: int, today: dt.date) -> int | None:
    """The weekday of a yearless date, in the year that puts it nearest to ``today``."""
    best = None
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            when = dt.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((when - today).days) < abs((best - today).days):
            best = when
    return best.weekday() if best else None


def times(text: str, *, ambiguous: bool = True) -> set[int]:
    """Minutes after midnight of every clock time: ``9:30 am`` 570, ``21:45`` 1305, ``4 pm`` 960.
    A bare ``7:30`` is also read as 19:30 when ``ambiguous`` (a source may mean either)."""
    found: set[int] = set()
    spans = []
    for m in TIME_AMPM.finditer(text):
        hour, minute = int(m.group(1)) % 12, int(m.group(2) or 0)
        if m.group(3).lower() == "p":
            hour += 12
        if hour < 24 and minute < 60:
            found.add(hour * 60 + minute)
        spans.append(m.span())
    for m in TIME_24.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour < 24 and minute < 60:
            found.add(hour * 60 + minute)
            if ambiguous and 1 <= hour < 12:
                found.add((hour + 12) * 60 + minute)
    if re.search(r"\bnoon\b", text, re.I):
        found.add(12 * 60)
    if re.search(r"\bmidnight\b", text, re.I):
        found.add(0)
    return found


_STEM_ENDINGS = ("ing", "ies", "ied", "es", "ed", "s", "'s")


def stem(word: str) -> str:
    """A crude English stem, enough to match "appointments" with "appointment", "owes" with "owe"."""
    word = fold(word).strip("'\".,;:!?()[]")
    if word.endswith("'s"):
        word = word[:-2]
    for ending in _STEM_ENDINGS:
        if len(word) > len(ending) + 2 and word.endswith(ending):
            word = word[: -len(ending)] + ("y" if ending in ("ies", "ied") else "")
            break
    # "close", "closes" and "closed" all end as "clos"
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


WORD = re.compile(r"[A-Za-z\u00c0-\u024f][\w\u00c0-\u024f'-]*")


def words(text: str) -> list[str]:
    return [m.group(0) for m in WORD.finditer(text)]


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of a word list."""
    return frozenset(text.split())
