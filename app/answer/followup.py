"""A follow-up question's "it": the thing Hearth's last answer was about, named in the question.

"When is my dentist appointment?" … "And where is it?" used to reach the read path as "where is
it", which nothing in the memory matches, so the model answered from the conversation and the
answer was labelled general knowledge, with a state added. Resolved, it reads "where is Dentist
appointment", which the calendar answers from the event's own fields, with its source.

Only short questions whose own words name nothing are resolved, and only to what the last answer
cited from the calendar or the contacts (their titles are names) or, failing that, to the topic
of the last question. A question that names its own subject is left as it is.
"""

from __future__ import annotations

import re
from typing import Any

from app.answer import extractive
from app.answer import textnorm as tn

_POSSESSIVE = {"its": True, "his": True, "her": True, "their": True, "it": False, "that": False, "this": False,
               "him": False, "them": False, "he": False, "she": False, "they": False}
PERSONAL = frozenset({"his", "her", "him", "he", "she"})  # a person, never an event
PRONOUN = re.compile(r"\b(its|his|her|their|it|that|this|him|them|he|she|they)\b", re.I)
LEAD = re.compile(r"^(and|so|ok|okay|also|then)\b[\s,]*", re.I)
QUESTION_HEAD = re.compile(
    r"^(and |so |also )?(when|where|what|who|which|how( much| many| long| far)?)"
    r"( is| are| was| were| do| does| did|'s| time is| day is)?( my| the| our)?\s+", re.I)
FILLER = tn.wordset("""
when where what who which how much many long far is are was were do does did the a an my our me i you
and so also then it its his her their that this him them he she they there at on in of for to about
time day date place address number phone email again else exactly what's where's when's who's how's
due cost costs start starts end ends open opens close closes begin begins happen located leave leaves arrive arrives
""")
MAX_WORDS = 7


def resolve(question: str, messages: list[dict[str, Any]]) -> str:
    """``question`` with its pronoun replaced by what the conversation's last answer was about, or
    ``question`` unchanged."""
    said = question.strip()
    found = PRONOUN.search(said)
    asking = QUESTION_HEAD.match(LEAD.sub("", said)) or LEAD.match(said)  # "where is it?", "and her email?"
    rest = LEAD.sub("", PRONOUN.sub(" ", said)).strip(" ?!.,")
    if found is None or len(said.split()) > MAX_WORDS or not asking or not rest or _names_something(said):
        return question
    word = found.group(1).lower()
    subject = _subject(messages, person=word in PERSONAL)
    if not subject:
        return question
    name = f"{subject}'s" if _POSSESSIVE[word] else subject
    return LEAD.sub("", said[:found.start()] + name + said[found.end():], count=1)


def _names_something(question: str) -> bool:
    """The question has a content word of its own ("where is the party?")."""
    own = [w for w in tn.words(tn.fold(PRONOUN.sub(" ", question))) if w not in FILLER]
    return any(tn.stem(w) not in extractive.GENERIC for w in own)


def _subject(messages: list[dict[str, Any]], *, person: bool = False) -> str:
    """What the last exchange was about: the calendar event or contact the last answer cited (for
    "he"/"she": the contact, or else the sender of the mail or message it cited), else the last
    question's own topic words."""
    answer = next((m for m in reversed(messages) if m.get("role") == "assistant" and not m.get("tool")), None)
    if answer is None:
        return ""
    cited = [c for c in answer.get("citations") or [] if isinstance(c, dict)]
    kinds = ("contact",) if person else ("calendar", "contact")
    for citation in cited:
        title = str(citation.get("title", "")).strip()
        if citation.get("source_type") in kinds and title:
            return title
    if person:
        for citation in cited:
            if citation.get("source_type") in ("mail", "message") and citation.get("people"):
                name = str(citation["people"][0]).split("<", 1)[0].strip().strip('"')
                if name:
                    return name
        return ""
    asked = next((str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), "")
    topic = QUESTION_HEAD.sub("", asked.strip().rstrip("?!. "), count=1)
    if not topic or topic == asked.strip().rstrip("?!. ") or len(topic.split()) > 5 or PRONOUN.search(topic):
        return ""
    return topic
