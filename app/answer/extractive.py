"""Extractive answers: the sentence(s) of the best passage that hold what was asked, quoted with
their source. Deterministic, immediate, and true to the source by construction.

A sentence is scored by the question's content words it shares (a word in the passage's heading
counts half), by whether it holds the kind of value asked for (an amount for "how much", a time
for "what time", a code for "what is the code"), and by its passage's search rank. A passage that
lacks a name the question mentions ("my flight to Tokyo") is not an answer to it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from app.answer import specifics as sp
from app.answer import textnorm as tn
from app.answer import wordforms
from app.answer.passages import Passage
from app.answer.questions import STOP, Question

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(\[])")
# a title before a name is not a sentence's end ("Prescribed by Dr. Amir Haddad.")
ABBREVIATION = re.compile(r"(?:^|\s)(?:Dr|Mr|Mrs|Ms|Mx|Prof|St|Jr|Sr|No|Mt)\.$")
MESSAGE_LINE = re.compile(r"^\[(\d{1,2}:\d{2})\] ([^:]{1,60}): (.*)$")
HEADER_LINE = re.compile(r"^(From|To|Date|Subject|Event|When|Repeats|Status|Organizer|Attendees|Contact): ")
# words that say little about which passage answers
GENERIC = frozenset(tn.stem(w) for w in tn.wordset("""
appointment meeting event message messages mail email e-mail note notes calendar contact number phone call text
thing stuff new old today tomorrow week weekend month year morning evening night soon later going get got send
sent write wrote tell told about said say says name
"""))
# verbs a question uses around what it asks about ("how much do I *owe* for electricity", "who's
# *bringing* Wingspan"): they count less than the thing asked about, and a passage that shares
# only such a verb with the question does not answer it
VERBS = frozenset(tn.stem(w) for w in tn.wordset("""
owe pay paid need bring take make fly flying leave arrive pick meet see reach keep put buy use want start
finish happen go come coming know remember forget expect sign lend lent borrow get live work collect give
"""))
KIND_FOR = {
    "amount": ("amount", "number"), "time": ("time",), "date": ("date", "weekday", "time"),
    "code": ("code", "number"), "name": ("name",),
    "count": ("number",), "phone": ("phone",), "email": ("email",),
}


SAID = re.compile(r"\b(say|said|says|write|wrote|tell|told|text|texted|mail|mailed)\b", re.I)
HINTS = (("message", re.compile(r"\b(messages?|texts?|texted|chats?|imessages?)\b", re.I)),
         ("mail", re.compile(r"\b(e-?mails?|mails?|inbox)\b", re.I)),
         ("document", re.compile(r"\b(notes?|files?|documents?)\b", re.I)),
         ("calendar", re.compile(r"\b(calendar|schedule)\b", re.I)))


def source_hint(text: str) -> str:
    """The source type a question names ("my messages with Marco"), or ''."""
    return next((kind for kind, pattern in HINTS if pattern.search(text)), "")


@dataclass(frozen=True)
class Quote:
    passage: Passage
    sentences: tuple[str, ...]
    speaker: str  # who wrote it, for a message
    score: float
    # (what was asked, what the passage is about) when it is about another kind of the thing:
    # ("car insurance policy number", "renters insurance"); the quote then is not the answer
    instead: tuple[str, str] | None = None

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass(frozen=True)
class _Candidate:
    passage: Passage
    rank: int
    unit: int  # which line of the passage
    index: int  # which sentence of that line
    sentence: str
    speaker: str


def _units(passage: Passage) -> list[tuple[str, list[str]]]:
    """(speaker, sentences) for each line of the passage; header lines are left out."""
    out = []
    for line in passage.lines():
        speaker = ""
        m = MESSAGE_LINE.match(line)
        if m:
            speaker, line = m.group(2), m.group(3)
        elif passage.source_type in ("mail", "calendar", "contact") and HEADER_LINE.match(line):
            continue
        elif line.startswith("#"):
            line = _after_heading(line, passage.citation.title)
            if not line:
                continue
        out.append((speaker, sentences_of(line)))
    return out


def sentences_of(line: str) -> list[str]:
    """The line's sentences; a split after "Dr." or "Mr." is joined again."""
    out: list[str] = []
    for part in (p.strip() for p in SENTENCE.split(line)):
        if not part:
            continue
        if out and ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


_HEADING_WORDS = 8


def _after_heading(line: str, title: str) -> str:
    """A Markdown heading line without its heading. A stored chunk may have lost the line break
    after it ("# Bike The bike lock code sits …"), so the text that follows is kept: after the
    note's title when the heading is the title, else from the first capitalised word that follows."""
    rest = line.lstrip("#").strip()
    if title and rest.casefold().startswith(title.casefold()) and rest[len(title):].strip()[:1].isupper():
        return rest[len(title):].strip()
    words = rest.split()
    for n in range(1, min(_HEADING_WORDS, len(words))):
        if words[n][:1].isupper():
            return " ".join(words[n:])
    return ""


# "*which game* is Priya bringing", "the *friend who* lent me …": the kind of thing asked for,
# which the answer names by its own name ("Wingspan"), not by the kind
CATEGORY = re.compile(r"^\s*(?:which|what)\s+([a-z][\w-]*)\s+(?:is|are|was|were|am|do|does|did|will|have|has)\b"
                      r"|\b([a-z][\w-]*)\s+(?:who|that|whose)\b")


def categories(question: Question) -> set[str]:
    """The stems of the words that name the kind of thing asked for, not what it is about."""
    return {tn.stem(w) for m in CATEGORY.finditer(tn.fold(question.text)) for w in m.groups() if w}


@dataclass(frozen=True)
class _Concept:
    """One thing the question asks about: its stem (found also as another form of the word or a
    synonym, which count a little less) and its weight."""

    term: str
    weight: float

    def found(self, words: set[str]) -> float:
        return wordforms.found(self.term, words)


def _concepts(question: Question) -> list[_Concept]:
    """The question's content words as concepts; the first thing it asks about (the focus: "what
    *seat*", "how much is the *copay*") counts most; names count little, since every candidate
    holds them; a verb ("owe", "bring") counts less than a thing the question is about."""
    names = {tn.stem(n) for n in question.names}
    things = [t for t in question.terms if t not in names and t not in GENERIC and t not in VERBS]
    focus = things[0] if things else ""
    out = []
    for term in question.terms:
        weight = (0.5 if term in names else 0.4 if term in GENERIC else (0.6 if things else 1.0) if term in VERBS
                  else 1.5 if term == focus else 1.0)
        out.append(_Concept(term, weight))
    return out


def _stems(text: str) -> set[str]:
    return stems_of(text)


def stems_of(text: str) -> set[str]:
    return {tn.stem(w) for w in tn.words(tn.fold(text))}


def _has_kind(sentence: str, wants: str) -> bool:
    kinds = KIND_FOR.get(wants)
    if not kinds:
        return True
    return any(s.kind in kinds for s in sp.extract(sentence))


Aliases = dict[str, tuple[str, ...]]


def names_present(question: Question, passage: Passage, aliases: Aliases | None = None) -> bool:
    """Every name the question mentions (or another name for it: "Mom" is the card of Linda
    Rivera) occurs in the passage (its text, heading or people); "Lisbon" also as "Lisboa"."""
    support = passage.support_text()
    stems, folded = _stems(support), tn.fold(support)
    for name in question.names:
        forms = (name, *(aliases or {}).get(name, ()))
        if not any(_name_in(tn.fold(f), stems, folded) for f in forms):
            return False
    return True


def _name_in(name: str, stems: set[str], folded: str) -> bool:
    if tn.stem(name) in stems or name in folded:
        return True
    prefix = name[: max(4, len(name) - 1)]
    return len(name) >= 5 and any(s.startswith(prefix) for s in stems)


def _covers(question: Question, passage: Passage) -> bool:
    """The passage holds what the question is about (all of it, or all but one of three or more
    things): "my blood type" is not answered by "… for blood pressure", "the name of my cat" not
    by a passage that only says "name", and a passage that shares only a verb ("owe") with "how
    much do I owe for electricity" does not answer it (with nothing but verbs to go by, "who lent me
    the …", the verbs are what it is about)."""
    kinds = categories(question)  # "which *game*": the answer names the game, not the word
    topic = [c for c in _concepts(question) if c.weight >= 1.0 and c.term not in kinds]
    if not topic:
        return True
    words = _stems(passage.support_text())
    found = sum(1 for c in topic if c.found(words))
    return found >= len(topic) - (1 if len(topic) >= 3 else 0)


def _candidates(question: Question, passages: list[Passage], aliases: Aliases | None) -> list[_Candidate]:
    out = []
    for rank, passage in enumerate(passages):
        if not names_present(question, passage, aliases):
            continue
        for u, (speaker, sentences) in enumerate(_units(passage)):
            for i, sentence in enumerate(sentences):
                out.append(_Candidate(passage, rank, u, i, sentence, speaker))
    return out


def _idf(concepts: list[_Concept], candidates: list[_Candidate]) -> list[_Concept]:
    """A concept found in many candidate sentences tells less about which one answers."""
    sentences = [_stems(c.sentence) for c in candidates]
    out = []
    for concept in concepts:
        count = sum(1 for words in sentences if concept.found(words))
        out.append(_Concept(concept.term, concept.weight / (1.0 + math.log(count)) if count > 1 else concept.weight))
    return out


GIVEN = 1.5  # a value the question itself states ("the person who owes me $24") found in the sentence


def _score(c: _Candidate, concepts: list[_Concept], given: frozenset[str] = frozenset()) -> float:
    words = _stems(c.sentence) | (_stems(c.speaker) if c.speaker else set())
    head = _stems(c.passage.heading + " " + c.passage.citation.title)
    score = 0.0
    for concept in concepts:
        inside = concept.found(words)
        score += concept.weight * (inside or 0.5 * concept.found(head))
    if given and given & _values(c.sentence):
        score += GIVEN
    return score


def _values(text: str) -> frozenset[str]:
    """The amounts, codes, numbers, phones and e-mail addresses a text states, in normal form."""
    return frozenset(tn.alnum(s.text) for s in sp.extract(text) if s.kind not in ("name", "weekday"))


def _kind_bonus(sentence: str, wants: str) -> float:
    kinds = KIND_FOR.get(wants)
    if not kinds:
        return 0.0
    found = {s.kind for s in sp.extract(sentence) if s.kind != "name" or s.start > 0}  # not a capital opener
    return 1.0 if kinds[0] in found else 0.5 if found & set(kinds) else 0.0


def best(question: Question, passages: list[Passage], *, wants: str = "", min_score: float = 1.0,
         aliases: Aliases | None = None) -> Quote | None:
    """The best-supported quote for the question, or None when no passage answers it."""
    wants = wants or question.wants
    candidates = [c for c in _candidates(question, passages, aliases) if _covers(question, c.passage)]
    base = _concepts(question)
    concepts = _idf(base, candidates)
    typed = wants in KIND_FOR
    given = _values(question.text)
    scored = []
    for c in candidates:
        ranked = _score(c, concepts, given)
        if ranked <= 0:
            continue
        scored.append((ranked + _kind_bonus(c.sentence, wants) - 0.1 * c.rank, _score(c, base, given), c))
    if not scored:
        return None
    scored.sort(key=lambda p: -p[0])
    score, matched, top = scored[0]
    if matched < min_score * (0.6 if typed and _has_kind(top.sentence, wants) else 1.0):
        return None
    sentences = [top.sentence]
    if typed and not _has_kind(top.sentence, wants):
        # the value may sit in the next sentence of the same line ("... is ready. Your copay is $12.50.")
        unit = _units(top.passage)[top.unit][1]
        nxt = unit[top.index + 1] if top.index + 1 < len(unit) else ""
        if not (nxt and _has_kind(nxt, wants)):
            return None
        sentences.append(nxt)
    return Quote(top.passage, tuple(sentences), top.speaker, score, _other_kind(question, top))


# words that end what a question names ("car insurance policy number *for* …")
_PHRASE_ENDS = STOP - {"number", "time", "day", "date", "kind", "sort"}


def _other_kind(question: Question, c: _Candidate) -> tuple[str, str] | None:
    """A sentence about another kind of the thing asked for: "car insurance" asked, "Renters
    insurance" said, and the passage says "car" nowhere. Two words the question puts side by
    side ("car insurance") where the sentence has the second after a word the question lacks."""
    asked = [w.strip("'-") for w in tn.words(tn.fold(question.text))]
    stems = {tn.stem(w) for w in asked}
    support = _stems(c.passage.support_text())
    said = tn.words(c.sentence)
    for i in range(len(asked) - 1):
        first, second = asked[i], asked[i + 1]
        if first in STOP or second in STOP or first in question.names or len(first) < 3:
            continue
        if wordforms.found(tn.stem(first), support) or tn.stem(first) in GENERIC:
            continue
        for j in range(1, len(said)):
            before = tn.fold(said[j - 1])
            if tn.stem(said[j]) == tn.stem(second) and before not in STOP and tn.stem(before) not in stems:
                end = i
                while end + 1 < len(asked) and asked[end + 1] not in _PHRASE_ENDS:
                    end += 1
                found = f"{said[j - 1]} {said[j]}"
                return " ".join(asked[i: end + 1]), found if j > 1 else found[0].lower() + found[1:]
    return None


def summary(question: Question, passages: list[Passage], limit: int = 3, aliases: Aliases | None = None) -> list[Quote]:
    """For "what did Mom say", "summarise …": the best passage's best sentences, in its order (only
    the named person's own lines, when they wrote some)."""
    candidates = [c for c in _candidates(question, passages[:5], aliases) if len(c.sentence.split()) >= 3]
    concepts = _idf(_concepts(question), candidates)
    forms = {tn.fold(f) for n in question.names for f in (n, *(aliases or {}).get(n, ()))}
    by_passage: dict[int, list[tuple[float, _Candidate]]] = {}
    for c in candidates:
        score = _score(c, concepts) + 0.2 * len(sp.extract(c.sentence))
        by_passage.setdefault(c.rank, []).append((score, c))
    if not by_passage:
        return []
    def weight(rank: int) -> float:
        passage = by_passage[rank][0][1].passage
        said = sum(sorted((s for s, _ in by_passage[rank]), reverse=True)[:limit])
        head = sum(c.weight * c.found(_stems(passage.heading)) for c in concepts)
        if hint and passage.source_type != hint:
            said *= 0.3
        elif not hint and SAID.search(question.text) and passage.source_type not in ("mail", "message"):
            said *= 0.5
        return said + head - 0.1 * rank

    hint = source_hint(question.text)
    rank = max(by_passage, key=weight)
    picked = by_passage[rank]
    own = [(s, c) for s, c in picked if c.speaker and tn.fold(c.speaker) in forms]
    picked = own or picked
    top = sorted(picked, key=lambda p: -p[0])[:limit]
    floor = 0.5 * top[0][0]
    keep = [c for s, c in picked if (s, c) in top and s > 0 and s >= floor]
    if not keep:
        return []
    speakers = {c.speaker for c in keep}
    speaker = speakers.pop() if len(speakers) == 1 else ""
    return [Quote(keep[0].passage, tuple(c.sentence for c in keep), speaker, sum(s for s, _ in top))]


def render_other_kind(quote: Quote, mark: str) -> str:
    """"I couldn't find a car insurance policy number. What I found is about renters insurance: …"."""
    assert quote.instead is not None
    asked, found = quote.instead
    article = "an" if asked[:1] in "aeiou" else "a"
    shown = render(quote, mark)
    return (f"I couldn't find {article} {asked} in your sources. What I found is about {found}: "
            f"{shown[0].lower()}{shown[1:]}")


def render(quote: Quote, mark: str) -> str:
    """The quote as shown: its source in words, then the sentences in quotation marks, then the marker."""
    p = quote.passage
    said = quote.text.rstrip()
    if quote.speaker and quote.speaker != "Me":
        lead = f"{quote.speaker} wrote ({p.heading}):"
    elif quote.speaker == "Me":
        lead = f"You wrote ({p.heading}):"
    elif p.source_type == "mail":
        lead = f"The {p.heading[0].lower()}{p.heading[1:]} says:"
    elif p.source_type == "document":
        lead = f"Your {p.heading[0].lower()}{p.heading[1:]} says:"
    elif p.source_type == "calendar":
        lead = f"Your calendar (“{p.heading.removeprefix('Calendar: ')}”) says:"
    elif p.source_type == "contact":
        lead = f"Your {p.heading[0].lower()}{p.heading[1:]} says:"
    else:
        lead = f"From {p.heading}:"
    return f"{lead} “{said}” {mark}"
