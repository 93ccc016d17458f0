"""A deterministic extractive answer: the sentence(s) of the best cited passage that hold what was asked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.answer.grounding import extract

_WORD = re.compile(r"[a-z0-9]+")
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])|\n+")
_ABBREVIATION = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof|St|Jr|Sr|No|vs|etc|e\.g|i\.e|[A-Z])\.$")
STOPWORDS = frozenset(["a", "an", "the", "of", "to", "in", "on", "at", "for", "from", "by", "with", "about", "and", "or", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "my", "me", "i", "you", "your", "what", "whats", "when", "where", "who", "whom", "whose", "which", "why", "how", "much", "many", "is", "there", "any", "it", "its", "this", "that", "these", "those", "can", "could", "would", "will", "should", "tell", "say", "said", "please", "give", "find", "show", "know", "get", "have", "has", "had", "our", "we", "us"])

# Question words -> the kinds of specific that answer them.
WANTED = (
    (re.compile(r"\b(phone|number|call|text|mobile|cell)\b", re.I), {"phone"}),
    (re.compile(r"\b(e-?mail|address)\b", re.I), {"email"}),
    (re.compile(r"\b(when|date|day|time|what time|until|deadline|due)\b", re.I), {"date", "time"}),
    (re.compile(r"\b(how much|cost|price|amount|pay|paid|owe|total|bill|balance)\b", re.I), {"amount", "number"}),
    (re.compile(r"\b(how many|number of|count)\b", re.I), {"number"}),
    (re.compile(r"\b(code|confirmation|booking|reference|flight|order)\b", re.I), {"code", "number"}),
    (re.compile(r"\b(who|whom|whose)\b", re.I), {"name", "phone", "email"}),
)


@dataclass(frozen=True)
class Quote:
    """Sentences quoted from one passage: ``index`` is its 0-based position among the passages."""

    index: int
    text: str


def _stem(word: str) -> str:
    for suffix in ("'s", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def keywords(text: str) -> set[str]:
    """The question's content words, lower-cased and crudely stemmed."""
    return {_stem(w) for w in _WORD.findall(text.lower().replace("'s", "")) if w not in STOPWORDS}


def wanted_kinds(question: str) -> set[str]:
    """The kinds of specific that would answer ``question`` (empty when it asks for none in particular)."""
    kinds: set[str] = set()
    for pattern, found in WANTED:
        if pattern.search(question):
            kinds |= found
    return kinds


def sentences(passage: str) -> list[str]:
    """The passage split into sentences (a line without punctuation is a sentence of its own)."""
    out: list[str] = []
    for piece in (s.strip() for s in _SENTENCES.split(passage) if s and s.strip()):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += " " + piece  # "Dr. Lee" is one sentence
        else:
            out.append(piece)
    return out


# Words that say what kind of fact is wanted, not what it is about: sharing only these is no match
# ("my dentist's phone number" is not answered by Priya's card because both mention a phone), so a
# passage must share at least one other word with the question to be quoted.
GENERIC = frozenset({"phone", "number", "call", "text", "mobile", "cell", "email", "mail", "address", "date", "day",
                     "time", "cost", "price", "amount", "pay", "paid", "total", "code", "name"})


def _score(sentence: str, words: set[str], kinds: set[str]) -> float:
    overlap = len(words & keywords(sentence))
    if overlap == 0:
        return 0.0
    bonus = 2.0 if kinds and any(s.kind in kinds for s in extract(sentence)) else 0.0
    return overlap + bonus


def best_quote(question: str, passages: Sequence[str]) -> Quote | None:
    """The best-scoring sentence over all passages (ties go to the higher-ranked passage), or ``None``.

    A sentence scores by how many of the question's words it shares, plus a bonus when it holds the
    kind of specific the question asks for (a phone for "number", a date for "when"). When the next
    sentence of the same passage also scores, it is quoted too, so a fact split over two is kept.
    """
    words, kinds = keywords(question), wanted_kinds(question)
    best: tuple[float, int, int] | None = None
    split = [sentences(p) for p in passages]
    topical = words - GENERIC
    for index, parts in enumerate(split):
        if topical and not topical & keywords(passages[index]):
            continue  # the passage is about something else
        for position, sentence in enumerate(parts):
            score = _score(sentence, words, kinds)
            if score > 0 and (best is None or score > best[0]):
                best = (score, index, position)
    if best is None:
        return None
    _, index, position = best
    parts = split[index]
    chosen = [parts[position]]
    if position + 1 < len(parts) and _score(parts[position + 1], words, kinds) > 0:
        chosen.append(parts[position + 1])
    return Quote(index=index, text=" ".join(chosen))
