"""Word forms that say the same thing to a question: "allergies" and "allergic", "plumber" and
"plumbing", "fly" and "flight". Words are compared as :func:`app.answer.textnorm.stem` stems; two
stems are forms of one word when one begins the other (five letters at least) or they share a long
beginning ("allerg-"); a few words that share no beginning are listed as synonyms."""

from __future__ import annotations

from collections.abc import Iterable

from app.answer import textnorm as tn

SYNONYMS = {
    "prescription": ("rx", "refill", "medication"), "medication": ("prescription", "rx", "tablet"),
    "medicine": ("prescription", "rx", "tablet", "medication"), "bill": ("statement", "amount", "due"),
    "cost": ("price", "total", "estimated"), "live": ("address", "moved"), "owe": ("due", "balance"),
    "password": ("password",), "dentist": ("dental", "dr"), "doctor": ("dr",), "flight": ("booking", "fly"),
    "fly": ("flight",), "lend": ("borrow",), "borrow": ("lend",), "allergic": ("allergy",), "allergy": ("allergic",),
    "oven": ("bake",), "pick": ("collect", "pickup"), "pickup": ("collect", "pick"), "collect": ("pick", "pickup"),
    "temperature": ("bake",), "temp": ("temperature", "bake"), "read": ("reading",), "reading": ("read",),
}
MIN_PREFIX = 5  # "plumb" begins "plumber"; "pass" does not make "password" the same word
MIN_SHARED = 6  # "allergy" and "allergic" share "allerg"
SHARED_PART = 0.75  # ... which is most of the longer word ("depart" is not most of "department")
FORM = 0.9  # how much another form of the word counts (the word itself counts 1)
SYNONYM = 0.8


def same_word(a: str, b: str) -> bool:
    """Two stems that are forms of one word."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= MIN_PREFIX and long_.startswith(short):
        return True
    shared = 0
    for x, y in zip(short, long_, strict=False):
        if x != y:
            break
        shared += 1
    return shared >= MIN_SHARED and shared >= SHARED_PART * len(long_)


_SYNONYM_STEMS = {tn.stem(k): tuple(dict.fromkeys(tn.stem(v) for v in vs)) for k, vs in SYNONYMS.items()}


def synonyms(term: str) -> tuple[str, ...]:
    """The stems of the term's synonyms (``term`` is a stem)."""
    return _SYNONYM_STEMS.get(term, ())


def forms(term: str) -> tuple[tuple[str, float], ...]:
    """The stem and its synonyms' stems, each with how much it counts."""
    return ((term, 1.0), *((s, SYNONYM) for s in synonyms(term) if s != term))


def found(term: str, words: Iterable[str]) -> float:
    """How well ``words`` (stems) hold ``term``: 1 itself, :data:`FORM` another form of it,
    :data:`SYNONYM` a synonym, 0 not at all."""
    words = words if isinstance(words, set | frozenset) else set(words)
    if term in words:
        return 1.0
    best = 0.0
    for stem_, factor in forms(term):
        if stem_ in words:
            best = max(best, factor)
    if best < FORM and any(same_word(term, w) for w in words):
        best = FORM
    return best


def has_form(term: str, words: Iterable[str]) -> bool:
    """``words`` hold the term itself or another form of it (not a synonym)."""
    return any(same_word(term, w) for w in words)


def root(term: str) -> str:
    """The beginning that the term's other forms share, for a literal lookup ("allergy" -> "allerg")."""
    for ending in ("ies", "ic", "y", "er", "ing", "ion", "al"):
        if term.endswith(ending) and len(term) - len(ending) >= MIN_PREFIX:
            return term[: -len(ending)]
    return term
