"""A mail's body built from what the request says, not from a model's imagination.

"Draft an email to Priya saying the slides are ready" becomes::

    Hi Priya,

    The slides are ready.

    Best,
    Sam

The greeting names the recipients by their first names (from the contact cards), the middle is the
user's own words copied ("saying …"), and the sign-off carries the user's name when one is set
(``[mail] sender_name``). For "Email Priya about the gallery opening" a model writes only the
middle: one or two plain sentences about the topic, which :func:`checked_sentences` keeps only
while they state no specific (a date, time, amount, number, name, address) that the request does
not, and no markup, role tag or echoed instruction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.answer import grounding
from app.answer import specifics as sp
from app.answer import textnorm as tn

_GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening))\b", re.I)
_SIGN_OFF = re.compile(r"(?:^|\n|[.!?]\s+)(?:best|thanks|thank\s+you|cheers|regards|kind\s+regards|best\s+wishes|"
                       r"warmly|love|yours|sincerely)\b[^.!?\n]{0,40}[,.!]?\s*(?:\n[^\n]{0,40})?$", re.I)
# What a model's text must never carry into a mail: markup, chat-role tags, the prompt's own words.
_MARKUP = re.compile(r"<[^>]*>|```|\{|\}|\[/?\w*\]|^\s*#|\*\*|(?:^|\n)\s*(?:system|user|assistant|request|topic|"
                     r"write|sentences|subject|body|json)\s*:", re.I)
_ECHO = re.compile(r"\b(?:as an ai|language model|the (?:request|topic|user) (?:says|is|asks)|write (?:an?|the|one|two) "
                   r"|one or two sentences|no greeting|sign-?off|placeholder|\[(?:name|your name|date)\])", re.I)
_SENTENCE = re.compile(r"(.+?(?:[.!?]+(?=\s|$)|$))(\s*)", re.S)
MAX_SENTENCES = 2
MAX_CHARS = 320


def first_name(name: str) -> str:
    """"Priya Raman" -> "Priya"; an address's local part is never used as a name."""
    return name.split()[0] if name.strip() and "@" not in name else ""


def greeting(first_names: list[str]) -> str:
    names = [n for n in first_names if n]
    if not names:
        return "Hi,"
    if len(names) == 1:
        return f"Hi {names[0]},"
    return f"Hi {', '.join(names[:-1])} and {names[-1]},"


def sign_off(sender: str) -> str:
    return f"Best,\n{sender.strip()}" if sender.strip() else "Best,"


def as_sentence(text: str) -> str:
    """The user's words as a sentence: a capital first letter and a closing stop, nothing else changed."""
    text = text.strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if _SIGN_OFF.search(text) or text[-1] in ".!?…\"”')" else text + "."


def compose(middle: str, *, first_names: list[str], sender: str = "") -> str:
    """Greeting, ``middle`` and sign-off; a middle that already greets or signs off keeps its own."""
    middle = middle.strip()
    parts = [] if _GREETING.match(middle) else [greeting(first_names)]
    parts.append(middle)
    if not _SIGN_OFF.search(middle):
        parts.append(sign_off(sender))
    return "\n\n".join(p for p in parts if p)


def _clean(sentence: str) -> bool:
    return not _MARKUP.search(sentence) and not _ECHO.search(sentence)


# Words a plain mail may use that no topic states (courtesy, the verbs of asking and planning).
COURTESY = tn.wordset("""
a about after again all also am an and any anything are as ask asking at available be before but by can chance
come coming could did do does doing done for free from get getting glad go going good great had has have hear
help here hi hope how i i'd i'll i'm if in is it it's its join just know let like love make me more my need
next not of on or our out please plan question questions quick quickly re reach reaching regarding see send
share should so some soon sure talk tell thank thanks that the there these think this thoughts time to touch
up update us want wanted was we well were what when whenever which will wish with work works would you you're
your yours
""")
_GREETING_CLAUSE = re.compile(r"^\s*(?:hi|hello|hey|dear)\b[^,.!?]{0,40}[,!]\s*", re.I)


def _content_words(text: str) -> set[str]:
    return {tn.stem(w) for w in tn.words(tn.fold(text)) if w not in COURTESY and not w.isdigit()}


def _whose_flipped(sentence: str, request: str) -> bool:
    """"my parental leave" said as "your parental leave", "his ladder" as "my ladder": the model
    turned whose it is around."""
    mine = {w.lower() for w in re.findall(r"\bmy\s+(\w+)", request, re.I)}
    theirs = {w.lower() for w in re.findall(r"\b(?:his|her|their)\s+(\w+)", request, re.I)}
    return (any(w.lower() in mine for w in re.findall(r"\byour\s+(\w+)", sentence, re.I))
            or any(w.lower() in theirs for w in re.findall(r"\bmy\s+(\w+)", sentence, re.I)))


def checked_sentences(text: str, *, request: str, topic: str = "", context: Sequence[str] = ()) -> str:
    """The model's sentences up to the first that is not plain and honest: at most
    :data:`MAX_SENTENCES`, no repeat, no markup or echoed instruction, no greeting or sign-off of
    its own, no specific (date, time, amount, number, name, address) that neither ``request`` nor
    ``context`` (the recipients' names, the sender) states, and no word beyond courtesy that the
    request does not say (a small model invents gifts and weddings). When no kept sentence says
    the topic, the topic's own sentence comes first (:func:`about_sentence`)."""
    supports = [grounding.Support(request), *(grounding.Support(c) for c in context if c)]
    said = _content_words(request)
    kept: list[str] = []
    seen: set[str] = set()
    text = _GREETING_CLAUSE.sub("", text.strip(), count=1)
    for sentence, _gap in _SENTENCE.findall(text[:1].upper() + text[1:]):
        sentence = " ".join(sentence.split())
        if not sentence:
            continue
        key = tn.fold(sentence)
        if key in seen or len(kept) >= MAX_SENTENCES:
            break
        if _SIGN_OFF.fullmatch(sentence) or not _clean(sentence):
            break
        if any(not any(s.holds(found) for s in supports) for found in sp.extract(sentence)):
            break
        if _content_words(sentence) - said or len(" ".join([*kept, sentence])) > MAX_CHARS:
            break
        if _whose_flipped(sentence, request):
            break
        seen.add(key)
        kept.append(sentence)
    if topic and not any(_content_words(k) & _content_words(topic) for k in kept):
        kept = [about_sentence(topic), *kept][:MAX_SENTENCES]
    return " ".join(k for k in kept if k)


# "asking if …" -> "ask if …": a purpose said as what the user wants to do.
_PURPOSE_VERB = re.compile(r"^(?:to\s+)?(ask|tell|let|wish|thank|invit|remind|check|confirm|apologi[sz]|congratulat|"
                           r"welcom|follow)(?:e|es|s|ing|ed)?\b\s*", re.I)
_OBJECT_NEXT = {"for", "to", "about", "that", "if", "whether", "with", "on", "at", "in", "know", "a", "an", "the"}
_SUBJECTS = {"ask": "A quick question", "check": "A quick question", "confirm": "A quick question",
             "thank": "Thank you", "invit": "An invitation", "remind": "A reminder", "congratulat": "Congratulations",
             "apologis": "Sorry", "apologiz": "Sorry", "wish": "Best wishes", "welcom": "Welcome"}


def _to_you(text: str) -> str:
    """The recipient spoken to: "borrow his ladder" -> "borrow your ladder", "thank her for" -> "thank you for"."""
    words = text.split(" ")
    for i, word in enumerate(words):
        bare = word.lower().strip(".,!?")
        tail = word[len(word.rstrip(".,!?")):]
        following = words[i + 1].lower() if i + 1 < len(words) else ""
        if bare in ("his", "their", "hers", "theirs"):
            words[i] = ("your" if bare in ("his", "their") else "yours") + tail
        elif bare in ("him", "them"):
            words[i] = "you" + tail
        elif bare == "her":
            words[i] = ("you" if not following or following in _OBJECT_NEXT or tail else "your") + tail
    return " ".join(words)


def purpose_parts(topic: str) -> tuple[str, str]:
    """(verb, the rest) of a purpose ("asking if I can …" -> ("ask", "if I can …")); ("", topic) for a plain topic."""
    match = _PURPOSE_VERB.match(topic.strip())
    if not match:
        return "", topic.strip()
    verb = match.group(1).lower()
    rest = topic.strip()[match.end():]
    if verb == "let":
        rest = re.sub(r"^(?:him|her|them|you)\s+know\s+(?:that\s+)?", "", rest, flags=re.I)
    verb = {"invit": "invite", "apologis": "apologise", "apologiz": "apologize", "congratulat": "congratulate",
            "welcom": "welcome"}.get(verb, verb)
    return verb, rest


def about_sentence(topic: str) -> str:
    """The sentence used when the model's text does not pass: the topic in the user's own words
    ("I wanted to get in touch about the gallery opening.", "I wanted to ask if I can borrow your
    ladder again.")."""
    topic = topic.strip().rstrip(".!?")
    if not topic:
        return ""
    verb, rest = purpose_parts(topic)
    if verb:
        if verb == "let":
            return f"I wanted to let you know that {_to_you(rest)}."
        return f"I wanted to {verb} {_to_you(rest)}.".replace("to ask you if", "to ask if")
    return f"I wanted to get in touch about {lower_start(topic)}."


def purpose_subject(topic: str) -> str:
    """A subject line for a mail whose purpose is all the request says ("A quick question", "Thank you")."""
    verb, rest = purpose_parts(topic)
    key = next((k for k in _SUBJECTS if verb.startswith(k[:5])), "")
    if key:
        return _SUBJECTS[key]
    words = rest.split()
    subject = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    return subject[:1].upper() + subject[1:]


_PLAIN_OPENERS = {"the", "my", "a", "an", "our", "your", "this", "that", "some", "next", "last"}


def lower_start(text: str) -> str:
    """"The gallery opening" -> "the gallery opening"; "Priya's party" keeps its capital."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first.lower() in _PLAIN_OPENERS else text
