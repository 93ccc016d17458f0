"""The read-only lookups a question may run: a memory search, a calendar range, an event series,
a contact lookup. Each one is shown to the user as a :class:`LookupStep` saying what was looked at
(never a model-written query), and none can change anything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from app.answer.timerange import TimeRange
from app.events import Citation, Event, LookupStep

EVERYWHERE = "your mail, messages, calendar, contacts and notes"
SOURCE_NAMES = {"mail": "your mail", "message": "your messages", "calendar": "your calendar",
                "contact": "your contacts", "document": "your notes and files"}


class Lookups:
    """The lookups of one turn, on one memory, each announced through ``emit``."""

    def __init__(self, memory: Any, emit: Callable[[Event], None], turn_id: str) -> None:
        self.memory = memory
        self.emit = emit
        self.turn_id = turn_id

    def _step(self, lookup: str, label: str, query: str, found: int) -> None:
        self.emit(LookupStep(turn_id=self.turn_id, lookup=lookup, label=label, query=query, found=found))

    def search(self, query: str, *, k: int = 6, source_types: tuple[str, ...] | None = None,
               person: str | None = None, quiet: bool = False) -> list[Citation]:
        """The best passages for ``query`` (the user's own words)."""
        if self.memory is None:
            return []
        found = list(self.memory.search(query, k=k, source_types=list(source_types) if source_types else None,
                                        person=person))
        if not quiet:
            where = " and ".join(SOURCE_NAMES.get(s, s) for s in source_types) if source_types else EVERYWHERE
            label = f"Searched {where}" + (f" for {person}" if person else "")
            self._step("memory_search", label, query, len(found))
        return found

    def calendar_range(self, span: TimeRange) -> list[Any]:
        """Every event occurrence starting within the range (by the events' own dates)."""
        if self.memory is None:
            return []
        rows = self.memory.records(source_types="calendar", since=span.lo, until=span.hi)
        self._step("calendar_range", f"Looked at your calendar for {span.label}", "", len(rows))
        return rows

    def calendar_series(self, group: str, title: str) -> list[Any]:
        """Every stored occurrence of one event (a series shares its group)."""
        rows = self.memory.records(source_types="calendar", group=group) if self.memory is not None else []
        self._step("calendar_event", f"Looked up “{title}” in your calendar", "", len(rows))
        return rows

    def contact(self, person: str) -> list[Any]:
        """The contact cards that carry this name (or address, or number)."""
        rows = self.memory.records(source_types="contact", person=person) if self.memory is not None else []
        self._step("contact_lookup", f"Looked up {person} in your contacts", person, len(rows))
        return rows

    def citation(self, record: Any) -> Citation:
        return self.memory.citation(record)


def today() -> dt.date:
    return dt.date.today()
