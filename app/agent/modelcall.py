"""A call the model wrote whole (a request the pre-router does not recognise), checked before the
panel shows it, the way the planned path checks the fields a model fills.

Its free text (a mail's subject and body, a title, a note, a fact to remember) keeps no specific
(a date, time, amount, phone number, address, name or e-mail address) that the request, the
conversation or the cited context does not hold: an invented sentence is dropped, a title or
subject is cut before the invented part. Its dates (start, end, due) and recipients (to) are the
request's (:func:`app.agent.arguments.correct`) or something the conversation or context holds;
anything else is left out, and a required one left out becomes a question back to the user.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.agent import arguments, when
from app.agent.people import Directory
from app.answer import grounding
from app.answer import specifics as sp

# Fields a model writes in its own words: one phrase (cut at an invention) or running text (sentences dropped).
PHRASES = {"create_event": ("title", "location"), "create_reminder": ("title",), "draft_mail": ("subject",),
           "send_mail": ("subject",)}
TEXTS = {"create_event": ("notes",), "create_reminder": ("notes",), "draft_mail": ("body",), "send_mail": ("body",),
         "write_file": ("content",), "remember": ("text",)}
WHEN_FIELDS = {"create_event": ("start", "end"), "create_reminder": ("due",)}
_GENERIC = {"create_event": "Event", "create_reminder": "Reminder"}
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)\s*")
_CALENDAR_WORDS = re.compile(r"\s+(?:in|on|to|into)\s+(?:my|the)\s+(?:calendar|agenda|diary|reminders)\b", re.I)
_TRAILING = re.compile(r"(?:\s+(?:at|on|in|with|for|from|to|by|and|of|the|a|an)\b|[\s,;:(\-–—])+$", re.I)


@dataclass
class Checked:
    """The call as it may be shown, what was taken out of it, and a question when it cannot be proposed."""

    arguments: dict[str, Any]
    dropped: list[str] = field(default_factory=list)
    ask: str = ""


def _supports(request: str, context: Sequence[str], today: dt.date) -> list[grounding.Support]:
    return [grounding.Support(t, today) for t in (request, *context) if t]


def _invented(text: str, supports: list[grounding.Support]) -> sp.Specific | None:
    """The first specific in ``text`` that no support holds. A capital that opens ``text`` is its
    first word, not a name ("Pay Tom …": "Tom" is checked, "Pay" is not)."""
    opening = len(text) - len(text.lstrip())
    return next((s for s in sp.extract(text) if not (s.kind == "name" and s.start == opening and "'" not in
                                                       text[s.start + len(s.text): s.start + len(s.text) + 1])
                 and not any(h.holds(s) for h in supports)), None)


def _phrase(value: str, supports: list[grounding.Support], *, when_words: bool = False) -> str:
    """``value`` up to the word holding its first invented specific ("Dinner at 42 Elm Street" ->
    "Dinner"); with ``when_words`` (a title) also up to its first day or time (the call's start or
    due holds those) or comma (a list follows), and without "in my calendar"."""
    found = _invented(value, supports)
    starts = [found.start] if found is not None else []
    if when_words:
        starts += [s.start for s in sp.extract(value) if s.kind in ("date", "time", "weekday")]
    end = min(starts, default=len(value))
    end = value.rfind(" ", 0, end) + 1 if 0 < end < len(value) and not value[end - 1].isspace() else end
    if when_words and "," in value[:end]:
        end = value.index(",")
    kept = value if end == len(value) else _TRAILING.sub("", value[:end]).strip()
    return _CALENDAR_WORDS.sub("", kept).strip() if when_words else kept


def _text(value: str, supports: list[grounding.Support]) -> str:
    """``value`` without its sentences that state an invented specific (line breaks kept)."""
    lines = []
    for line in value.split("\n"):
        kept = [s for s in _SENTENCE.findall(line) if s.strip() and _invented(s, supports) is None]
        lines.append("".join(kept).rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _named_addresses(directory: Directory | None, texts: Sequence[str]) -> set[str]:
    """The addresses of the contacts the texts name ("Priya" -> Priya Raman's, when she is the only Priya)."""
    found: set[str] = set()
    for text in texts if directory else ():
        for _start, _end, name in directory.names_in(text):  # type: ignore[union-attr]
            people = [p for p in directory.matches(name) if p.email]  # type: ignore[union-attr]
            if len(people) == 1:
                found.update(e.lower() for e in people[0].emails)
    return found


def _when_held(value: str, request: str, supports: list[grounding.Support], now: dt.datetime) -> bool:
    """A date (and time) the request or the context holds, in a year that is this one's next
    occurrence or one they state (never a year in the past the model made up)."""
    shown = value.replace("T", " ")
    if not shown.strip() or _invented(shown, supports) is not None:
        return False
    year = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if year is None:
        return False
    try:
        day = dt.date(int(year.group(1)), int(year.group(2)), int(year.group(3)))
    except ValueError:
        return False
    stated_year = any(year.group(1) in s.text for s in supports)
    return stated_year or now.date() <= day <= now.date() + dt.timedelta(days=366)


OWN_NAME = "Hearth"  # the assistant's own name is no invented specific ("hello from Hearth")


def check(tool: str, args: dict[str, Any], request: str, context: Sequence[str] = (), *,
          cited: Sequence[str] = (), required: Sequence[str] = (), now: dt.datetime | None = None,
          directory: Directory | None = None) -> Checked:
    """``args`` as the model wrote them for ``request``, with every invented specific taken out.

    ``context``: what the user said besides (earlier turns, the sender's name); ``cited``: the
    passages and tool results of this turn, which may back a body, a note, a date or a recipient
    but not a title or subject (a contact card's address is not what the user asked to call it).
    ``required``: the tool's required fields.
    """
    now = now or when.now_local()
    fixed, _changes = arguments.correct(tool, dict(args), request, now=now, directory=directory)
    stated = arguments.extract(tool, request, now=now, directory=directory).fields
    said = _supports(request, [*context, OWN_NAME], now.date())
    context = [*context, *cited]
    named = _named_addresses(directory, [request, *context])
    recipients = {str(a).lower() for a in (fixed.get("to") or []) if str(a).lower() in named or "to" in stated}
    names = [p.name for p in (directory.people if directory else []) if any(e.lower() in recipients for e in p.emails)]
    supports = _supports(request, [*context, *names, OWN_NAME], now.date())
    out = Checked(fixed)
    for key in WHEN_FIELDS.get(tool, ()):
        value = fixed.get(key)
        if value is None or key in stated:
            continue
        if not _when_held(str(value), request, supports, now):
            del fixed[key]
            out.dropped.append(f"{key}: {value!r} (not in your request)")
    if tool in ("draft_mail", "send_mail") and "to" not in stated and fixed.get("to"):
        to = list(dict.fromkeys(fixed["to"] if isinstance(fixed["to"], list) else [fixed["to"]]))
        # the contacts the request names ("Let Linda know …") are the recipients when it names any;
        # only a request that names no one takes an address from the conversation or the context
        asked = _named_addresses(directory, [request])
        held = [a for a in to if str(a).lower() in asked or str(a).lower() in request.lower()] if asked else \
            [a for a in to if str(a).lower() in named or any(str(a).lower() in s.text.lower() for s in supports)]
        held = held or sorted(asked)
        if held != fixed["to"]:
            out.dropped.append(f"to: {[a for a in to if a not in held]!r} (not in your request)")
            if held:
                fixed["to"] = held
            else:
                del fixed["to"]
    for key in PHRASES.get(tool, ()):
        value = fixed.get(key)
        if isinstance(value, str) and value != stated.get(key):
            kept = _phrase(value, said, when_words=key == "title")
            if kept != value:
                out.dropped.append(f"{key}: {value!r}")
                if kept or key in required:
                    fixed[key] = kept or _GENERIC.get(tool, "")
                else:
                    del fixed[key]
    for key in TEXTS.get(tool, ()):
        value = fixed.get(key)
        if isinstance(value, str) and value != stated.get(key):
            kept = _text(value, supports)
            if kept.strip() != value.strip():  # only what was dropped changes it (a trailing newline stays)
                out.dropped.append(f"{key}: {value!r}")
                fixed[key] = kept
    out.ask = _question(tool, fixed, required)
    return out


def _question(tool: str, fixed: dict[str, Any], required: Sequence[str]) -> str:
    missing = [k for k in required if fixed.get(k) in (None, "", [])]
    if not missing:
        return ""
    if "start" in missing:
        title = str(fixed.get("title") or "the event")
        return f"When is “{title}”? Tell me the day and time." if fixed.get("title") else "When is it? Tell me the day and time."
    if "to" in missing:
        return "Who should the mail go to? Give me a name from your contacts or an address."
    if missing[0] in ("content", "text", "body", "note", "fact"):
        return "What should it say? Tell me the words and I'll prepare it."
    return f"I need one more thing first: what should the {missing[0].replace('_', ' ')} be?"
