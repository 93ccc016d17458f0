""""Summarize my messages with Marco": the chat itself, day by day, in the person's own words.

The reader used to answer this with one quote of one day (the ladder), leaving out the recycling
day and the Celtics game; the answer model's summaries of chats failed the grounding check or
said less. A chat is already short and dated: Hearth lists each day's messages from that person,
quoted and cited, which is a summary nothing in it can be invented in.
"""

from __future__ import annotations

import re
from typing import Any

from app.answer.passages import local_date

ASK = re.compile(
    r"^(?:please\s+|can you\s+|could you\s+)?(?:summari[sz]e|recap|sum up|go over|catch me up on|show me)\s+"
    r"(?:my\s+|the\s+|our\s+)?(?:recent\s+|latest\s+)?(?:messages|texts|text messages|chats?|conversations?|texting)"
    r"\s+(?:with|from)\s+(?P<who>[^?.!]+?)\s*[?.!]*$", re.I)
LINE = re.compile(r"^\[(?P<time>\d{1,2}:\d{2})\]\s*(?P<who>[^:]+):\s*(?P<text>.+)$")
MAX_DAYS = 8
MAX_LINES = 3
MAX_CHARS = 160


def asked_about(question: str) -> str:
    """The person whose chat the question asks to summarise, or ""."""
    m = ASK.match(" ".join(question.split()))
    who = m.group("who").strip() if m else ""
    # "… with Marco about the ladder" asks what was said about something: the reader's question
    return "" if len(who.split()) > 3 or re.search(r"\b(about|regarding|on|that|since|from|in)\b", who, re.I) else who


def theirs(record: Any, names: list[str]) -> list[str]:
    """The lines of one day's chat that the person wrote (their words, not "Me")."""
    wanted = [n.lower() for n in names if n]
    out = []
    for line in record.text.splitlines():
        m = LINE.match(line.strip())
        if m is None or m.group("who").strip().lower() == "me":
            continue
        sender = m.group("who").strip().lower()
        if any(w in sender or sender in w for w in wanted):
            text = m.group("text").strip()
            out.append(text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rstrip() + "…")
    return out


def digest(person: str, days: list[tuple[Any, list[str]]], marks: list[str]) -> str:
    """The answer: one line per day, newest last, each with its marker."""
    if not days:
        return f"I couldn't find any messages from {person} in your messages."
    count = f"{len(days)} day{'s' if len(days) != 1 else ''}"
    lines = []
    for (record, said), mark in zip(days, marks, strict=False):
        shown = said[:MAX_LINES]
        more = " …" if len(said) > MAX_LINES else ""
        quoted = " ".join(f"“{s}”" for s in shown)
        lines.append(f"- {local_date(str(record.meta.get('date', '')))}: {quoted}{more} {mark}")
    return "\n".join([f"What {person} wrote to you ({count}):", "", *lines])
