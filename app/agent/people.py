"""People named in a request, resolved through the user's contacts to mail addresses.

"Priya" is the one contact whose first name is Priya; "Alex" with two Alexes is a question back to
the user, never a guess; an address the user typed is kept exactly as typed. A contact card that
came from someone else (not the user's own address book) is untrusted: the address it gives is
named as such in the approval panel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Person:
    name: str
    emails: tuple[str, ...] = ()
    trusted: bool = True

    @property
    def email(self) -> str:
        return self.emails[0] if self.emails else ""

    def label(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass
class Resolved:
    """The addresses for a recipient phrase, or what is unclear about it."""

    addresses: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    ambiguous: dict[str, list[Person]] = field(default_factory=dict)  # a name -> the contacts it could be
    unknown: list[str] = field(default_factory=list)  # names with no contact (or no address)

    def question(self) -> str:
        """What to ask the user, or '' when every recipient is clear."""
        parts = []
        for name, options in self.ambiguous.items():
            listed = " or ".join(p.label() for p in options)
            parts.append(f"Which {name} do you mean: {listed}?")
        for name in self.unknown:
            parts.append(f"I don't have a mail address for {name} in your contacts. What is it?")
        return " ".join(parts)


_WORD = re.compile(r"[A-Za-z][\w'’.-]*")


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


class Directory:
    """The user's contacts, searchable by full name, first name or last name."""

    def __init__(self, people: Iterable[Person] = ()) -> None:
        self.people = [p for p in people if p.name.strip()]

    def __len__(self) -> int:
        return len(self.people)

    def matches(self, name: str) -> list[Person]:
        """Contacts called ``name``: a full-name match first, else a first- or last-name match."""
        key = _norm(name)
        if not key:
            return []
        full = [p for p in self.people if _norm(p.name) == key]
        if full:
            return full
        parts = key.split()
        if len(parts) == 1:
            first = [p for p in self.people if _norm(p.name).split()[:1] == parts]
            if first:
                return first
            return [p for p in self.people if len(_norm(p.name).split()) > 1 and _norm(p.name).split()[-1] == key]
        return [p for p in self.people if _norm(p.name).startswith(key + " ")]

    def names_in(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of every contact name (full, first or last) written in ``text``."""
        found: list[tuple[int, int, str]] = []
        words = list(_WORD.finditer(text))
        i = 0
        while i < len(words):
            taken = False
            for size in (3, 2, 1):
                group = words[i : i + size]
                if len(group) < size:
                    continue
                phrase = text[group[0].start() : group[-1].end()].rstrip(".'’")
                if size == 1 and not (phrase[:1].isupper() or self._is_known_word(phrase)):
                    continue
                if self.matches(phrase):
                    found.append((group[0].start(), group[0].start() + len(phrase), phrase))
                    i += size
                    taken = True
                    break
            if not taken:
                i += 1
        return found

    def _is_known_word(self, word: str) -> bool:
        key = _norm(word)
        return any(key in _norm(p.name).split() for p in self.people)


def directory_from(memory: Any) -> Directory:
    """The contacts in memory (none without a memory, or when it cannot list them)."""
    lister = getattr(memory, "contacts", None)
    if not callable(lister):
        return Directory()
    try:
        cards = lister()
    except Exception:
        return Directory()
    people = []
    for card in cards or []:
        if isinstance(card, Person):
            people.append(card)
        elif isinstance(card, dict):
            people.append(Person(str(card.get("name", "")), tuple(str(e) for e in card.get("emails", ()) or ()),
                                 bool(card.get("trusted", True))))
    return Directory(people)


# What a mail is for, said right after its recipients: "to thank her for dinner", "thanking her …".
PURPOSE_VERB = (r"(?:say|tell|ask|let|thank|invite|remind|check|confirm|apologi[sz]e|congratulate|welcome|follow\s+up|"
                r"wish|see|find\s+out|share|update|inform|request|cancel|reschedule|arrange|offer|suggest|propose|"
                r"explain|mention|give|get|send|book|plan|warn|remember|return|borrow|introduce|catch\s+up)")
_PURPOSE_ING = (r"(?:say|tell|ask|lett|thank|invit|remind|check|confirm|apologi[sz]|congratulat|welcom|wish|inform|"
                r"request|updat|offer|suggest|propos|explain|mention|shar|warn|introduc)ing")
_STOP = re.compile(
    rf"\b(?:saying|that\s+says|that|about|regarding|re|to\s+{PURPOSE_VERB}|{_PURPOSE_ING}|"
    r"by\s+(?:e-?mail|mail)|via\s+(?:e-?mail|mail)|"
    r"with\s+(?:the\s+)?(?:subject|title|text|message|body)|subject|titled|and\s+(?:say|tell|ask)|"
    r"on|at|tomorrow|today|tonight|this|next|if|whether|when|because|so|for|re:)\b|[:;,.!?\"“]",
    re.I,
)
_JOINERS = re.compile(r"\s*(?:,|\band\b|&|\bplus\b)\s*", re.I)
_PRONOUNS = {"me", "myself", "him", "her", "them", "everyone", "everybody", "us", "you"}


def recipient_phrase(text: str, start: int) -> tuple[str, int, int]:
    """The words naming the recipients from ``start`` (just after "to", "email", …) up to where
    the message itself begins ("saying", "about", a colon, …)."""
    rest = text[start:]
    end = len(rest)
    for match in _STOP.finditer(rest):
        word = match.group(0).lower()
        if word in (",",) and re.match(r",\s*(?:and\s+)?[A-Z]", rest[match.start():]):
            continue  # "Priya, Marco and Aisha": a list, not the end
        if word == "." and re.search(r"\w@[\w-]*$", rest[: match.start()]) and rest[match.end():match.end() + 1].isalnum():
            continue  # the dot of an address
        end = match.start()
        break
    phrase = rest[:end]
    return phrase.strip(), start + (len(phrase) - len(phrase.lstrip())), start + len(phrase.rstrip())


def resolve(phrase: str, directory: Directory, typed_emails: Iterable[str] = ()) -> Resolved:
    """Addresses for a recipient phrase: typed addresses exactly, names through the contacts."""
    out = Resolved()
    from app.agent.spans import EMAIL

    typed = [e for e in typed_emails]
    for address in EMAIL.findall(phrase):
        if address not in out.addresses:
            out.addresses.append(address)
    remainder = EMAIL.sub(" ", phrase)
    for part in _JOINERS.split(remainder):
        name = re.sub(r"^\s*(?:my\s+|the\s+)?", "", part).strip(" .'’\"")
        if not name or name.lower() in _PRONOUNS:
            continue
        options = directory.matches(name)
        with_mail = [p for p in options if p.email]
        if len(with_mail) == 1:
            person = with_mail[0]
            out.people.append(person)
            if person.email not in out.addresses:
                out.addresses.append(person.email)
        elif len(with_mail) > 1:
            out.ambiguous[name] = with_mail
        elif name[:1].isupper() or options:
            out.unknown.append(name)
    for address in typed:
        if address not in out.addresses and address in phrase:
            out.addresses.append(address)
    return out
