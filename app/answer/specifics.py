"""The specifics an answer states: what must be true to the sources (numbers, dates, times,
amounts, codes, phone numbers, e-mail addresses, proper names).

Each :class:`Specific` keeps the text as written and a normal form to compare with the sources.
Spans are taken most specific first (an e-mail address before the name inside it, a phone number
before its digits, an amount before its number), so nothing is counted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.answer import textnorm as tn

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w-])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])?\d{3}[\s.-]\d{4}(?![\w-])")
AMOUNT = re.compile(r"(?:[$€£]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:dollars|euros|pounds|usd|eur|gbp)\b)",
                    re.I)
CODE = re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])"
                  r"|(?<![\w-])\d+(?:-\d+){2,}(?![\w-])|\b[A-Z]{2}\s\d{3,4}\b|#\d{4,}")
MARKER = re.compile(r"\[\d+\]")
URL = re.compile(r"https?://\S+")
NAME = re.compile(r"\b[A-Z][a-z\u00e0-\u00ff]+(?:[-'][A-Z]?[a-z\u00e0-\u00ff]+)*\b|\b[A-Z]{2,}\b")

# Capitalised words that are not names: sentence openers, the answers' own words, titles.
COMMON = tn.wordset("""
a about according actually after again all also although am an and another any anything are as at based be
because before but by can could did do does done during each either even every for from good great has have he
her here hers him his how however i if in is it its just last let like many may maybe me might more most my
next no none not note nothing now of off ok okay on once one only or other our out over perhaps please rather
regarding she should since so some sorry still such sure than thank thanks that the their them then there these
they this those though to today tomorrow tonight too unfortunately until up us very was we well were what
when where whereas which while who whom whose why will with would yes yesterday yet you your yours hello hi hey
dear best regards cheers sincerely event when where contact phone mail email e-mail address subject date
organization title birthday nickname web repeats status organizer attendees messages message calendar notes
note source sources quote quoted found couldn confirm confirmed could't couldn't i'm i've i'd it's that's
there's here's you're don't doesn't didn't isn't aren't wasn't won't can't dr mr mrs ms st ave avenue street
road apt suite am pm a.m p.m all-day daily weekly monthly yearly every reminder upcoming first second third
fourth fifth etc booked booking appointment meeting call dinner lunch breakfast yoga team general summary
""")


NAME_AFTER = re.compile(r"'s\b|\s+[A-Z][a-z]")  # "Smith's", "John Smith": a name even at the start


def _opens_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \"“'([")
    return not before or before[-1] in ".!?:\n"


@dataclass(frozen=True)
class Specific:
    kind: str  # "email", "phone", "amount", "code", "date", "time", "weekday", "number", "name"
    text: str
    start: int


def _take(pattern: re.Pattern[str], text: str, taken: list[tuple[int, int]]) -> list[re.Match[str]]:
    out = []
    for m in pattern.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        out.append(m)
        taken.append(m.span())
    return out


def extract(text: str) -> list[Specific]:
    """Every specific in ``text``, in order of position."""
    taken: list[tuple[int, int]] = [m.span() for m in MARKER.finditer(text)] + [m.span() for m in URL.finditer(text)]
    found: list[Specific] = []

    def add(kind: str, pattern: re.Pattern[str]) -> None:
        found.extend(Specific(kind, m.group(0).strip(), m.start()) for m in _take(pattern, text, taken))

    add("email", EMAIL)
    add("phone", PHONE)
    add("amount", AMOUNT)
    add("time", tn.TIME_AMPM)
    add("time", tn.TIME_24)
    add("date", tn.ISO_DATE)
    add("date", tn.MONTH_DAY)
    add("date", tn.DAY_MONTH)
    add("code", CODE)
    add("weekday", tn.WEEKDAY)
    add("number", tn.NUMBER)
    for m in _take(NAME, text, taken):
        word = m.group(0)
        if word.lower() in COMMON or word.lower() in tn.MONTHS or word.lower() in tn.WEEKDAYS:
            continue
        if _opens_sentence(text, m.start()) and not NAME_AFTER.match(text, m.end()):
            continue  # "Call her …", "Write to …": a capital that only opens a sentence
        found.append(Specific("name", word, m.start()))
    return sorted(found, key=lambda s: s.start)
