"""What connectors produce: an :class:`Item` (one mail, one chat-day, one file...) or a :class:`Skip`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

SOURCE_TYPES = ("document", "mail", "message", "calendar", "contact", "conversation")


@dataclass(frozen=True)
class Item:
    """One retrievable unit of the user's life, with its provenance.

    ``units`` are the natural pieces the chunker must not cut across (paragraphs, messages);
    ``trusted`` is False for anything a third party wrote (mail, messages, files, web).
    """

    key: str  # stable within its kind: a Message-ID, a path, a chat guid + day
    kind: str  # the connector: documents, mbox, maildir, eml, ics, vcf, imessage, conversation
    source_type: str  # one of SOURCE_TYPES
    title: str
    units: tuple[str, ...]
    date: datetime | None = None
    people: tuple[str, ...] = ()
    trusted: bool = False
    path: str = ""
    group: str = ""  # results of one group (e.g. a recurring event's occurrences) are shown once
    thread: str = ""
    # structured fields an answer can be built from (an event's start and place, a card's phone
    # numbers, a mail's sender): stored in each chunk's metadata as ``f_<name>``
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def item_id(self) -> str:
        return item_id_for(self.kind, self.key)

    @property
    def content_hash(self) -> str:
        payload = {
            "t": self.title,
            "u": list(self.units),
            "d": self.date.isoformat() if self.date else "",
            "p": list(self.people),
            "tr": self.trusted,
            "pa": self.path,
            "g": self.group,
            "th": self.thread,
            "s": self.source_type,
        }
        if self.fields:  # only when present, so items without fields keep their stored hashes
            payload["f"] = [list(pair) for pair in self.fields]
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Skip:
    """Something that could not be read; ``keep`` names an item (or path) whose old copy must stay."""

    what: str
    reason: str
    keep: str = ""  # an item id, or a path prefix under which stored items must not be removed
    counted: bool = field(default=True)


def item_id_for(kind: str, key: str) -> str:
    family = "mail" if kind in ("mbox", "maildir", "eml") else kind
    return hashlib.sha256(f"{family}\x00{key}".encode()).hexdigest()[:24]


def to_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.astimezone()  # a floating local time: the user's own clock
    return value.astimezone(UTC)
