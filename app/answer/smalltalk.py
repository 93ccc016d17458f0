"""Hearth's own words for what is neither a question about the user's data nor an action.

A greeting, a thank-you, "what can you do?", the time or date, and questions that need live data
(weather, news, prices) are answered here, deterministically, before the read path: a search of
the user's mail is no answer to "Hi!", and a small model asked about the weather invents it
("sunny with a mild breeze"). Hearth has no network, so it says so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from app.answer import arithmetic

_HELLO = r"(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening)|greetings)( there)?(,? hearth)?"
_THANKS = (r"((ok(ay)?|great|perfect|awesome|cool|nice|lovely|brilliant|that'?s (great|perfect|helpful|it)|"
           r"got it)[,!. ]*)?(thanks|thank you|thx|ty|cheers|many thanks|thanks a lot|thank you so much)"
           r"( (a lot|so much|very much|hearth))?")
_ACK = r"(ok(ay)?|k|y|n|yes|no|yep|nope|sure|cool|great|nice|perfect|alright|all right|got it|sounds good|good|fine|awesome|noted)"
_CAN = (r"(what can you do|what do you do|what are you( able to do)?|who are you|how can you help( me)?|"
        r"what can i ask( you)?|what can you help( me)? with|help|how do (i use|you work)|what is hearth|"
        r"what are your (features|abilities|capabilities)|tell me about yourself)")
_TAIL = r"[\s?!.,:)]*"
_NAMED = r"(?:[\s,]+[a-z]+)?"  # "Hello, Hearth" as Whisper hears it: "Hello, Horace"
HELLO = re.compile(rf"^{_HELLO}{_NAMED}{_TAIL}$", re.I)
THANKS = re.compile(rf"^{_THANKS}{_TAIL}$", re.I)
ACK = re.compile(rf"^{_ACK}{_TAIL}$", re.I)
CAN = re.compile(rf"^({_HELLO}{_NAMED}[\s!,.]*)?{_CAN}{_TAIL}$", re.I)
TIME_NOW = re.compile(r"^(what('s| is) the time|what time is it|(do you know|tell me) (what time it is|the time))"
                      r"( (now|right now))?( in (?P<place>[a-z .'-]+?))?" + _TAIL + "$", re.I)
DATE_NOW = re.compile(r"^(what('s| is) (the date|today'?s date)|what day is (it|today)|what('s| is) today|"
                      r"what date is it)( today)?" + _TAIL + "$", re.I)
LIVE = re.compile(
    r"\b(weather|forecast|(is it|will it) (rain|snow)|raining|snowing|temperature (outside|today|tomorrow|now)|"
    r"(latest|today'?s|breaking) news|what'?s (in )?the news|"
    r"stock (price|market)|share price|bitcoin|exchange rate|traffic (like|on|to|now)|"
    r"(is|are) (my )?flights? (delayed|on time|cancell?ed)|flight status)\b", re.I)
# a question about what someone wrote ("What did Priya say about the weather?") is about the data
ABOUT_DATA = re.compile(r"\b(say|said|says|wrote|write|mail|mails|email|emails|message|messages|note|notes|"
                        r"from|calendar|remind|reminder)\b", re.I)

NO_LIVE = ("I can't check that: Hearth has no internet access, so it has no live information such as "
           "the weather, news, prices or flight status. I can answer from your own mail, messages, "
           "calendar, contacts and notes.")
HELLO_REPLY = ("Hello! Ask me about your mail, messages, calendar, contacts or notes, or ask me to add "
               "an event, set a reminder, write a note or draft a mail.")
THANKS_REPLY = "You're welcome."
ACK_REPLY = "Okay."


@dataclass(frozen=True)
class Reply:
    text: str
    kind: str  # hello, thanks, ack, capabilities, time, date, math, live


def reply(text: str, *, now: dt.datetime | None = None,
          kinds: Callable[[], tuple[str, ...]] = tuple) -> Reply | None:
    """Hearth's own answer to ``text``, or None when it is a question or request for the read path or
    the agent. ``kinds`` gives the kinds of data in the memory (asked only for "what can you do?")."""
    said = " ".join(text.split())
    if not said or len(said) > 120:
        return None
    now = now or dt.datetime.now().astimezone()
    if CAN.match(said):
        return Reply(capabilities(kinds()), "capabilities")
    if HELLO.match(said):
        return Reply(HELLO_REPLY, "hello")
    if THANKS.match(said):
        return Reply(THANKS_REPLY, "thanks")
    if ACK.match(said):
        return Reply(ACK_REPLY, "ack")
    if (m := TIME_NOW.match(said)) is not None:
        return Reply(_time_in(now, m.group("place")), "time")
    if DATE_NOW.match(said):
        return Reply(f"Today is {now:%A} {now.day} {now:%B %Y}.", "date")
    computed = arithmetic.answer(said)
    if computed is not None:
        return Reply(computed, "math")
    if LIVE.search(said) and not ABOUT_DATA.search(said):
        return Reply(NO_LIVE, "live")
    return None


def capabilities(kinds: tuple[str, ...]) -> str:
    """What Hearth can do, with what the user's memory holds so far."""
    names = {"mail": "mail", "message": "messages", "calendar": "calendar", "contact": "contacts",
             "document": "documents", "conversation": "things you asked me to remember"}
    held = [names[k] for k in names if k in kinds]
    if held:
        have = f"Your memory now holds your {_listed(held)}."
    else:
        have = ("Your memory is empty so far: add folders, a mailbox, a calendar or contacts in Settings → "
                "Memory, or with `hearth memory ingest`.")
    return ("I'm Hearth, an assistant that runs entirely on this computer; nothing you tell me leaves it.\n\n"
            "- Ask me about your mail, messages, calendar, contacts and notes: each answer names its source, "
            "and when your data doesn't say, I tell you so.\n"
            "- Ask me to add an event, set a reminder, write a note, draft a mail, remember something, "
            "or find and move files: every action waits in an approval panel for your yes.\n"
            "- Hold the push-to-talk key to speak to me; I can read replies aloud.\n\n"
            f"{have} I have no internet access, so I can't look up live things like the weather or news.")


def _time_in(now: dt.datetime, place: str | None) -> str:
    if place:
        zone = zone_for(place)
        if zone is None:
            return f"I don't know which time zone {place.strip()} is in; here it is {_clock(now)}."
        there = now.astimezone(zoneinfo.ZoneInfo(zone))
        day = "" if there.date() == now.date() else f" on {there:%A}"
        return f"It's {_clock(there)}{day} in {place.strip().title()} ({zone})."
    return f"It's {_clock(now)} on {now:%A} {now.day} {now:%B}."


def _clock(when: dt.datetime) -> str:
    return when.strftime("%-I:%M %p")


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """City name (lower case, spaces) -> IANA zone, from the zones this machine has."""
    found: dict[str, str] = {}
    for zone in sorted(zoneinfo.available_timezones()):
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            found.setdefault(zone.rsplit("/", 1)[1].replace("_", " ").lower(), zone)
    return found


def zone_for(place: str) -> str | None:
    return _zones().get(" ".join(place.lower().split()))


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
