"""Questions about the mailbox itself, answered from the mails' own fields: who wrote, when, about what.

"Any mail from Priya?" and "Who emailed me this week?" are not similarity questions: a search for
their words finds nothing that says "mail from Priya", so the reader said "I couldn't find that"
while the mailbox held Priya's mail. They are a filter on sender and date, like a calendar range.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from app.answer import textnorm as tn
from app.answer import timerange
from app.answer.passages import local_date

_MAIL = r"(?:e-?mails?|mails?|messages? in my inbox)"
FROM = re.compile(rf"^(?:(?:did i get|do i have|have i got|is there|are there|any|show me|list)\s+)?(?:any\s+)?"
                  rf"(?:new\s+|recent\s+|unread\s+|latest\s+)?{_MAIL}\s+from\s+(?P<who>[^?!.,]+?)"
                  r"(?P<rest>\s+(?:this|last|today|yesterday|in|over|since|during)\b[^?!.]*)?\s*[?!.]*$", re.I)
DID = re.compile(r"^(?:has|did)\s+(?P<who>[a-z][\w.' -]{0,40}?)\s+(?:e-?mail(?:ed)?|mail(?:ed)?|written to|write to|"
                 r"wr[io]te to|sent)\s+me(?P<rest>\s+[^?!.]*)?\s*[?!.]*$", re.I)
WHO = re.compile(rf"^who\s+(?:has\s+)?(?:e-?mailed|mailed|wrote to|sent)\s+me(?:\s+(?:an?\s+)?{_MAIL})?"
                 r"(?P<rest>\s+[^?!.]*)?\s*[?!.]*$", re.I)
LATEST = re.compile(rf"^(?:(?:what|which)\s+{_MAIL}\s+(?:did i get|have i got|came in|arrived)|"
                    rf"(?:any|do i have any|did i get any|is there any)\s+(?:new\s+)?{_MAIL}|"
                    r"what'?s in my inbox|(?:show|list)(?: me)? my (?:new |recent |latest )?(?:e-?mails?|mail|inbox))"
                    r"(?P<rest>\s+[^?!.]*)?\s*[?!.]*$", re.I)
ABOUT = re.compile(r"\b(about|regarding|re|concerning|on|that|with|saying)\b", re.I)
DEFAULT_DAYS = 7
MAX_LISTED = 8


@dataclass(frozen=True)
class MailQuestion:
    sender: str  # "" for any sender
    span: timerange.TimeRange
    senders_only: bool  # "who emailed me": the people, each with their mails


def read(question: str, today: dt.date) -> MailQuestion | None:
    """The mailbox filter this question asks for, or None when it is not a question about the mailbox."""
    said = " ".join(question.split())
    for pattern, senders_only in ((FROM, False), (DID, False), (WHO, True), (LATEST, False)):
        m = pattern.match(said)
        if m is None:
            continue
        who = (m.groupdict().get("who") or "").strip()
        if who.lower() in ("me", "anyone", "anybody", "someone", "somebody", "you"):
            who = ""
        rest = m.group("rest") or ""
        if len(who.split()) > 3 or ABOUT.search(who) or rest.strip() and timerange.parse(rest, today) is None:
            return None  # "any mail from Tom about the rent": a question about what mail says, for the reader
        return MailQuestion(who, _past(rest, today, 30 if who else DEFAULT_DAYS), senders_only)
    return None


def _past(said: str, today: dt.date, days: int) -> timerange.TimeRange:
    """The range of days a mailbox question names, up to today (mail has arrived, not yet to come):
    "this week" is Monday to today. The label reads after "from Priya": "in the last 30 days",
    "this week (Mon 30 November – Fri 4 December)"."""
    span = timerange.parse(said, today) if said.strip() else None
    if span is not None and "this week" in tn.fold(said):
        span = timerange.TimeRange(today - dt.timedelta(days=today.weekday()), today, "this week")
    if span is None or span.lo > today:
        return timerange.TimeRange(today - dt.timedelta(days=days - 1), today, f"in the last {days} days")
    lo, hi = span.lo, min(span.hi, today)
    name = span.label.split(" (")[0]
    return timerange.TimeRange(lo, hi, name if lo == hi else f"{name} ({timerange._span(lo, hi)})")


def mails(memory: Any, ask: MailQuestion, people: list[str]) -> list[Any]:
    """One record per mail (its first chunk) matching the filter, newest first. ``people``: the
    names and addresses the sender may go by (a contact's name for "Mom")."""
    lo = dt.datetime.combine(ask.span.lo, dt.time.min).astimezone()
    hi = dt.datetime.combine(ask.span.hi, dt.time.max).astimezone()
    found: dict[str, Any] = {}
    for person in people or [""]:
        rows = memory.records(source_types="mail", person=person or None, since=lo, until=hi)
        for row in rows:
            item = str(row.meta.get("item_id", row.chunk_id))
            if person and not _sent_by(row.meta, person):
                continue  # a mail *to* them, or one that names them: not from them
            if item not in found or int(row.meta.get("chunk", 0)) < int(found[item].meta.get("chunk", 0)):
                found[item] = row
    return sorted(found.values(), key=lambda r: str(r.meta.get("date", "")), reverse=True)


def _sent_by(meta: dict[str, Any], person: str) -> bool:
    sender = tn.fold(str(meta.get("f_sender", "")))
    wanted = tn.fold(person)
    return bool(wanted) and (wanted in sender or all(w in sender for w in wanted.split()))


def sender_name(meta: dict[str, Any]) -> str:
    sender = str(meta.get("f_sender", "")).strip()
    name = sender.split("<", 1)[0].strip().strip('"')
    return name or sender.strip("<>") or "someone"


def listing(ask: MailQuestion, rows: list[Any], marks: list[str], who: str) -> str:
    """The answer: the mails (or the people) with their subjects and dates, each marked."""
    when = ask.span.label
    if not rows:
        whom = f" from {who}" if who else ""
        return f"I couldn't find any mail{whom} {when} in your mailbox."
    shown = rows[:MAX_LISTED]
    more = len(rows) - len(shown)
    if ask.senders_only:
        by: dict[str, list[str]] = {}
        for row, mark in zip(shown, marks, strict=False):
            by.setdefault(sender_name(row.meta), []).append(f"“{row.meta.get('title', '(no subject)')}” {mark}")
        head = f"{when[0].upper()}{when[1:]}, {len(by)} {'person' if len(by) == 1 else 'people'} wrote to you:"
        lines = [f"- {name}: {'; '.join(subjects)}" for name, subjects in by.items()]
    else:
        whom = f" from {sender_name(rows[0].meta) if who else ''}".rstrip() if who else ""
        count = f"{len(rows)} mail{'s' if len(rows) != 1 else ''}"
        head = f"{count}{whom} {when}:"
        lines = [(f"- “{row.meta.get('title', '(no subject)')}”" + ("" if who else f" from {sender_name(row.meta)}")
                  + f", {local_date(str(row.meta.get('date', '')))} {mark}") for row, mark in zip(shown, marks,
                                                                                                strict=False)]
    tail = [f"…and {more} more."] if more else []
    return "\n".join([head, "", *lines, *tail])
