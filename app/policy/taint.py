"""Taint: remember which untrusted sources (mail, messages, web, foreign files) are in the context.

While any is present, every action with side effects asks, and the request names the sources.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.events import Citation


def citation_label(citation: Citation) -> str:
    title = citation.title or citation.path or citation.item_id
    return f"{citation.source_type}: {title}"[:120]


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
