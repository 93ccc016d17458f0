"""Taint: remember which untrusted sources (mail, messages, web, foreign files) are in the context.

While any is present, every action with side effects asks, and the request names the sources.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.events import Citation

# What an untrusted item of each kind is, in the words the model and the approval see. Only items
# that are not the user's own get a label: the user's notes, files, events and cards are trusted
# (see app.policy.provenance), so the warning appears only when someone else's words are in context.
_KIND_WORDS = {
    "mail": "mail",
    "message": "messages",
    "calendar": "invitation",
    "contact": "contact card",
    "document": "file",
    "conversation": "remembered fact",
    "web": "web page",
}
_WHY_UNTRUSTED = {
    "mail": "written by someone else",
    "message": "written by someone else",
    "calendar": "an invitation from someone else",
    "contact": "a card from someone else",
    "document": "a file from someone else",
    "conversation": "remembered while untrusted content was in the conversation",
    "web": "a web page",
}


def citation_label(citation: Citation) -> str:
    """The untrusted-source label of a memory item: its kind, who it is from, its title."""
    title = citation.title or citation.path or citation.item_id
    kind = _KIND_WORDS.get(citation.source_type, citation.source_type or "item")
    sender = citation.people[0] if citation.source_type in ("mail", "message") and citation.people else ""
    return (f"{kind} from {sender}: {title}" if sender else f"{kind}: {title}")[:120]


def untrusted_note(citation: Citation) -> str:
    """Why an item is untrusted, for the model's prompt ('' for the user's own)."""
    if citation.trusted:
        return ""
    return _WHY_UNTRUSTED.get(citation.source_type, "not from the user") + ": untrusted"


class Taint:
    """The set of untrusted sources seen in one conversation's context."""

    def __init__(self, sources: Iterable[str] = ()) -> None:
        self._sources: list[str] = []
        self.add(sources)

    def add(self, sources: Iterable[str]) -> None:
        for source in sources:
            if source and source not in self._sources:
                self._sources.append(source)

    def add_citations(self, citations: Iterable[Citation]) -> None:
        self.add(citation_label(c) for c in citations if not c.trusted)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(self._sources)

    def __bool__(self) -> bool:
        return bool(self._sources)
