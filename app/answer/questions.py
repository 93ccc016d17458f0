"""What a question asks, read deterministically from its words: the kind of answer it wants, a
time range, whether it is about the calendar or a contact's card, the names it mentions, and the
content words a passage must share with it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.agent import intent
from app.answer import textnorm as tn
from app.answer import timerange

# words that carry no topic: question words, pronouns, verbs of asking
STOP = tn.wordset("""
a about all am an and any anything are as at be been being by can could did do does doing for from get got had
has have having he her hers him his how i i'd i'll i'm i've if in into is it it's its me mine my myself no not
of on or our ours out please she should so some tell than that that's the their them then there there's these
they this those to up us was we were what what's whats when when's where where's which who who's whom whose why
will with would you your yours say said says know show give find look let remind anyone someone something thing
things right now ever again also just more most much many time day date number kind sort like next last going
""")
TIME_WORDS = tn.wordset("today tomorrow tonight yesterday week weekend month year morning evening night")
CONTACT_FIELDS = {
    # "how do I reach the plumber": how to get hold of someone (the phone, and the e-mail with it)
    "reach": re.compile(r"\bhow (do|can|could|should|would|will) (i|we) (reach|contact|get (hold of|in touch with))\b"),
    "phone": re.compile(r"\b(phone|cell|mobile|telephone|number to call|call (him|her|them)|text (him|her|them)|"
                        r"reach (him|her|them))\b|\bnumber\b"),
    "email": re.compile(r"\be-?mail( address)?\b"),
    "address": re.compile(r"\b(home )?address\b|\bwhere (does|do) \w+ live\b|\blive[sd]?\b"),
    "birthday": re.compile(r"\bbirthday\b|\bborn\b|\bdate of birth\b"),
    "org": re.compile(r"\bwhere does \w+ work\b|\b(company|employer)\b|\bwork for\b"),
    "title": re.compile(r"\b(job|job title|role|position)\b"),
}
# "number" asks for a phone only when no other kind of number is named
OTHER_NUMBERS = re.compile(r"\b(confirmation|reservation|booking|policy|ticket|account|flight|rx|prescription|"
                           r"plate|frame|order|tracking|claims?|passport|membership|seat|room|code|combination|"
                           r"licen[cs]e)\b")
CALENDAR_WORDS = re.compile(
    r"\b(calendar|schedule|agenda|diary|plans?|planned|busy|free|booked|events?|meetings?|appointments?|"
    r"on my plate|what do i have|do i have (anything|something|any)|what am i doing|what's on|whats on|"
    r"what is on|what's happening|what is happening|anything on|what's up)\b")
EVENT_QUESTION = re.compile(r"^\s*(when|what time|what day|where|at what time|which day|is my|do i have)\b")
PRONOUNS = re.compile(r"\b(i|me|my|mine|myself|we|our|us|i'm|i've|i'd)\b", re.I)
ASKING = re.compile(r"^\s*(please\s+)?((can|could|would) you\s+)?(tell|show|give|remind) me\b", re.I)  # not "my" data
POSSESSIVE = re.compile(r"\b(?!(?:What|Who|Where|When|How|That|It|Here|There|Which|Why|Let)'s)[A-Z][a-z]+'s\b")
SUMMARY = re.compile(r"\b(summar\w*|catch me up|what'?s new|what happened|overview|recap|what did (\w+ ){1,5}"
                     r"(say|write|tell|mention)|what has \w+ (said|written)|what was \w+ saying)\b")

WANTS: list[tuple[str, re.Pattern[str]]] = [
    ("amount", re.compile(r"\bhow much\b|\b(cost|price|amount|pay|paid|owe[sd]?|bill|total|copay|fee|charge)\b")),
    ("time", re.compile(r"\bwhat time\b|\bat what time\b|\bhow late\b|\bhow early\b")),
    ("date", re.compile(r"^\s*when\b|\bwhat (day|date)\b|\bwhich day\b|\bwhen (is|was|are|were|do|does|did)\b")),
    ("place", re.compile(r"^\s*where\b|\bwhat (place|restaurant|address|location)\b")),
    ("person", re.compile(r"^\s*who\b|\bwhose\b|\bwhich (person|friend|colleague)\b")),
    ("name", re.compile(r"^\s*which\b|^\s*what (book|game|restaurant|film|movie|show|song|university|school|"
                        r"hotel|airline|name)\b")),
    ("code", re.compile(r"\b(code|password|combination|confirmation|reservation|policy|ticket|plate|pin|number|"
                        r"seat|room|gate)\b")),
    ("count", re.compile(r"\bhow many\b")),
    ("yesno", re.compile(r"^\s*(do|does|did|is|are|am|was|were|have|has)\b")),
]


@dataclass(frozen=True)
class Question:
    text: str
    wants: str  # see WANTS, "summary" or "any"
    terms: tuple[str, ...]  # content-word stems
    names: tuple[str, ...]  # capitalised words (possible people, places), as written
    range: timerange.TimeRange | None
    calendar_range: bool  # "what's on my calendar this week": list the events in the range
    contact_field: str  # "reach", "phone", "email", "address", "birthday", "org", "title" or ""
    personal: bool  # about the user's own life ("my", "I", "Priya's"); a contact's name is checked later
    # lower-case possessives, capitalised ("what's jordan's email": "Jordan"): a name only if a card has it
    maybe_names: tuple[str, ...] = ()


def names_in(text: str) -> tuple[str, ...]:
    """Capitalised words other than the first (or the first when it is a possessive name)."""
    found = []
    for i, m in enumerate(re.finditer(r"\b[A-Z][a-zA-Z\u00c0-\u024f-]+(?:'s)?", text)):
        word = m.group(0).removesuffix("'s")
        if i == 0 and m.start() == len(text) - len(text.lstrip()) and not m.group(0).endswith("'s"):
            continue
        if word.lower() in STOP or word.lower() in tn.MONTHS or word.lower() in tn.WEEKDAYS or word == "I":
            continue
        found.append(word)
    return tuple(dict.fromkeys(found))


LOWER_POSSESSIVE = re.compile(r"(?<![\w'])([a-z][a-z-]+)'s\b")


def possessives_in(text: str) -> tuple[str, ...]:
    """Lower-case possessive words that may be names ("jordan's", "marco's"), capitalised; not
    "what's", "today's" or a month's or weekday's name."""
    found = []
    for m in LOWER_POSSESSIVE.finditer(text.replace("\u2019", "'")):
        word = m.group(1)
        if word in STOP or word in tn.MONTHS or word in tn.WEEKDAYS or word in TIME_WORDS:
            continue
        found.append(word.capitalize())
    return tuple(dict.fromkeys(found))


def terms_of(text: str) -> tuple[str, ...]:
    out = []
    for word in tn.words(tn.fold(text)):
        word = word.strip("'-")
        if word in STOP or len(word) < 2 or word in tn.WEEKDAYS:
            continue
        out.append(tn.stem(word))
    return tuple(dict.fromkeys(out))


def _wants(folded: str) -> str:
    if SUMMARY.search(folded):
        return "summary"
    for name, pattern in WANTS:
        if pattern.search(folded):
            return name
    return "any"


def _contact_field(folded: str) -> str:
    for name, pattern in CONTACT_FIELDS.items():
        if not pattern.search(folded):
            continue
        if name == "phone" and not re.search(r"\b(phone|cell|mobile|telephone|call|text|reach)\b", folded) \
                and OTHER_NUMBERS.search(folded):
            continue
        if name == "address" and re.search(r"\be-?mail\b", folded):
            continue
        return name
    return ""


def read(text: str, today: dt.date | None = None) -> Question:
    """Everything the read path needs to know about a question, from its words alone."""
    today = today or dt.date.today()
    folded = tn.fold(text)
    span = timerange.parse(text, today)
    calendar_range = span is not None and bool(CALENDAR_WORDS.search(folded)) and not SUMMARY.search(folded)
    return Question(
        text=text,
        wants=_wants(folded),
        terms=terms_of(text),
        names=names_in(text),
        range=span,
        calendar_range=calendar_range,
        contact_field=_contact_field(folded),
        personal=bool(PRONOUNS.search(ASKING.sub("", text)) or POSSESSIVE.search(text)),
        maybe_names=possessives_in(text),
    )


READ_REQUEST = re.compile(r"^\s*(please\s+)?(summari[sz]e|recap|catch me up|look up|find out|give me a summary|"
                          r"go through)\b", re.I)


# a short request that names what it wants and nothing to do: "Priya phone number", "dentist address please"
LOOKUP_NOUNS = re.compile(r"\b(phone|number|e-?mail address|address|birthday|code|password|combination|pin|"
                          r"confirmation|reservation|policy|ticket|plate|seat|copay|bill|price|cost|temp|"
                          r"temperature|pressure|dose|size|hours)\b", re.I)
ACTION_VERBS = tn.wordset("""add send email e-mail mail write delete remove move copy rename run create make set change
remind draft open call text book cancel remember forget save put schedule reply forward update install""")
LOOKUP_MAX_WORDS = 8


def is_read_request(text: str) -> bool:
    """An imperative that only reads ("Summarise my messages with Marco", "Look up Priya's number"),
    or a short lookup phrase with no verb of action ("Priya phone number", "Marco garage code")."""
    if READ_REQUEST.match(text):
        return True
    words = re.findall(r"[\w'-]+", text.lower())
    return (1 < len(words) <= LOOKUP_MAX_WORDS and words[0] not in ACTION_VERBS
            and not ACTION_VERBS & set(words[:2]) and bool(LOOKUP_NOUNS.search(text)))


def is_question(text: str) -> bool:
    """A question (a read): the agent's own test, so routing and the read path agree."""
    return intent.is_question(text)
