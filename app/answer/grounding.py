"""Specifics in an answer (phones, e-mails, amounts, times, dates, codes, names) and whether sources hold them.

An answer may only state a specific that occurs, after normalisation, in the texts it rests on: the
cited passages, the user's question and the conversation so far. :func:`unsupported` returns the
ones that do not, so the caller can refuse to show them as fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for m in names}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?" \
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"

_MARKER = re.compile(r"\[\d+\]")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w/-])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])?\d{3}[\s.-]\d{4}(?![\w/-])")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})(?:,?\s+(\d{{4}}))?", re.I)
_SLASH_DATE = re.compile(r"(?<![\w/])(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?(?![\w/])")
_TIME = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\b|(?<![\d:])(\d{1,2}):(\d{2})\b", re.I)
_CODE = re.compile(r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+\b|"
                   r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{3,}\b")
_NUMBER = re.compile(r"(\$|€|£)?\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|[A-Z]\.))+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“]\s*)$")
_TITLE = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof|St)\.\s*$")

# Capitalised words that are not names (greetings, days, months, pronouns, sentence openers).
COMMON = frozenset(["the", "a", "an", "i", "you", "your", "my", "we", "our", "he", "she", "they", "it", "this", "that", "these", "those", "there", "here", "hello", "hi", "hey", "dear", "thanks", "thank", "yes", "no", "not", "sure", "okay", "ok", "please", "sorry", "so", "and", "but", "or", "if", "when", "where", "what", "who", "why", "how", "which", "is", "are", "was", "were", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow", "yesterday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "mr", "mrs", "ms", "dr", "according", "based", "unfortunately", "however", "also", "note", "your", "calendar", "contacts", "notes", "mail", "messages"])


@dataclass(frozen=True)
class Specific:
    """One checkable fact in a text: its kind, the words as written and a normalised key."""

    kind: str  # "phone" | "email" | "date" | "time" | "code" | "amount" | "number" | "name"
    text: str
    key: str


def _date_key(month: int, day: int, year: str | None) -> str:
    if year and len(year) == 2:
        year = "20" + year
    return f"{year or '*'}-{month:02d}-{day:02d}"


def _time_key(hour: int, minute: int, half: str) -> str:
    half = half.lower()
    if half == "p" and hour < 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def _number_key(digits: str) -> str:
    value = digits.replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value.lstrip("0") or "0"


def extract(text: str) -> list[Specific]:
    """The specifics stated in ``text``, in order of kind (each span is claimed by one kind only)."""
    text = _MARKER.sub(" ", text)
    found: list[Specific] = []
    taken = [False] * len(text)

    def claim(match: re.Match[str], kind: str, key: str) -> None:
        if any(taken[match.start():match.end()]):
            return
        for i in range(match.start(), match.end()):
            taken[i] = True
        found.append(Specific(kind, match.group(0).strip(), key))

    for m in _EMAIL.finditer(text):
        claim(m, "email", m.group(0).lower())
    for m in _ISO_DATE.finditer(text):
        if 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
            claim(m, "date", _date_key(int(m.group(2)), int(m.group(3)), m.group(1)))
    for m in _PHONE.finditer(text):
        claim(m, "phone", re.sub(r"\D", "", m.group(0)))
    for m in _MONTH_DAY.finditer(text):
        if 1 <= int(m.group(2)) <= 31:
            claim(m, "date", _date_key(MONTHS[m.group(1).lower().rstrip(".")], int(m.group(2)), m.group(3)))
    for m in _DAY_MONTH.finditer(text):
        if 1 <= int(m.group(1)) <= 31:
            claim(m, "date", _date_key(MONTHS[m.group(2).lower().rstrip(".")], int(m.group(1)), m.group(3)))
    for m in _SLASH_DATE.finditer(text):
        if 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
            claim(m, "date", _date_key(int(m.group(1)), int(m.group(2)), m.group(3)))
    for m in _TIME.finditer(text):
        if m.group(3):
            hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
        else:
            hour, minute, half = int(m.group(4)), int(m.group(5)), ""
        if hour <= 24 and minute < 60:
            claim(m, "time", _time_key(hour, minute, half))
    for m in _CODE.finditer(text):
        claim(m, "code", m.group(0).replace("-", "").upper())
    for m in _NUMBER.finditer(text):
        digits = m.group(2)
        if not m.group(1) and "." not in digits and "," not in digits and len(digits) == 1:
            continue  # "3 things", list markers: too common to be a claim about the user's data
        if text[m.end():m.end() + 1].isalpha() and not m.group(1):
            continue  # part of a word-like token ("2nd", "x86")
        claim(m, "amount" if m.group(1) else "number", _number_key(digits))
    for m in _NAME.finditer(text):
        words = m.group(0).replace("-", " ").split()
        before = text[:m.start()]
        if _SENTENCE_START.search(before) and not _TITLE.search(before):
            words = words[1:]  # the first word may be capitalised only because it opens a sentence
        while words and words[0].lower().rstrip(".") in COMMON:
            words = words[1:]
        while words and words[-1].lower().rstrip(".") in COMMON:
            words = words[:-1]
        if len(words) >= 2:
            name = " ".join(words)
            found.append(Specific("name", name, name.lower()))
    return found


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _squash(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


class Support:
    """What a set of texts holds, prepared once so many answers can be checked against it."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.text = "\n".join(t for t in texts if t)
        self.lower = self.text.lower()
        self.words = set(re.findall(r"[a-z]+", self.lower))
        self.squashed = _squash(self.text)
        self.specifics = extract(self.text)
        self.keys = {(s.kind, s.key) for s in self.specifics}
        self.phones = {s.key for s in self.specifics if s.kind == "phone"}
        self.numbers = {s.key for s in self.specifics if s.kind in ("amount", "number")}
        self.dates = {s.key for s in self.specifics if s.kind == "date"}
        self.times = {s.key for s in self.specifics if s.kind == "time"}

    def holds(self, specific: Specific) -> bool:
        """Whether the texts state this specific (normalised, so 555-0199 matches (555) 0199)."""
        kind, key = specific.kind, specific.key
        if kind == "email":
            return key in self.lower
        if kind == "phone":
            return any(p.endswith(key) or (len(p) >= 7 and key.endswith(p)) for p in self.phones)
        if kind == "date":
            year, rest = key.split("-", 1)
            return any(d.endswith(rest) and (year == "*" or d.startswith(("*", year))) for d in self.dates)
        if kind == "time":
            hour, minute = key.split(":")
            # "4:15" without am/pm matches 16:15 in the sources; an hour alone matches the same hour
            twelve = f"{(int(hour) + 12) % 24:02d}:{minute}"
            return key in self.times or (int(hour) < 12 and twelve in self.times and ("m" not in specific.text.lower()))
        if kind == "code":
            return key in self.squashed
        if kind in ("amount", "number"):
            return key in self.numbers or key in self.dates_and_times_digits()
        if kind == "name":
            return all(word in self.words for word in re.findall(r"[a-z]+", key))
        return (kind, key) in self.keys

    def dates_and_times_digits(self) -> set[str]:
        """Bare numbers that sources state inside dates, times and phones (a year, a day, a phone part)."""
        out: set[str] = set()
        for s in self.specifics:
            if s.kind in ("date", "time", "phone", "code"):
                out.update(_number_key(n) for n in re.findall(r"\d+", s.text))
        return out


def unsupported(answer: str, sources: Iterable[str]) -> list[Specific]:
    """The specifics in ``answer`` that none of ``sources`` holds, without repeats."""
    support = Support(sources)
    out: list[Specific] = []
    for specific in extract(answer):
        if not support.holds(specific) and all(s.key != specific.key for s in out):
            out.append(specific)
    return out
