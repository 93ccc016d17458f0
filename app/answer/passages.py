"""Passages: what an answer reads and cites. Not a 300-character snippet but the whole short
item (a mail, a chat-day, a card, a note), or for a long one the chunk that matched with its
neighbours, under a heading with the local, human date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from app.events import Citation

WHOLE_ITEM_CHARS = 2400  # an item up to this long is read whole
FIELD_PREFIX = "f_"
# labels our connectors write inside one unit ("Contact: X E-mail: … Phone: …"): line breaks again
LABELS = re.compile(r"\s(?=(?:E-mail|Phone|Organization|Title|Birthday|Address|Web|Nickname|Note|When|Where|"
                    r"Organizer|Attendees|Repeats|Status|From|To|Date|Subject): )")


@dataclass
class Passage:
    citation: Citation
    text: str
    heading: str
    fields: dict[str, str] = field(default_factory=dict)
    extra: str = ""  # the structured fields rendered in local time: also backs an answer

    @property
    def source_type(self) -> str:
        return self.citation.source_type

    def support_text(self) -> str:
        people = " ".join(self.citation.people)
        return "\n".join(x for x in (self.heading, self.citation.title, people, self.text, self.extra) if x)

    def lines(self) -> list[str]:
        """The passage's text as lines, the fields of a card or an event each on its own line."""
        out: list[str] = []
        for line in self.text.splitlines():
            out.extend(part.strip() for part in LABELS.split(line) if part.strip())
        return out


def local_date(value: str | dt.datetime | None, *, with_time: bool = False) -> str:
    """``Wednesday 2 December 2026`` (``, 14:05`` with the time) in the user's time zone."""
    if not value:
        return ""
    when = value if isinstance(value, dt.datetime) else _parse(value)
    if when is None:
        return ""
    when = when.astimezone()
    text = when.strftime("%A %-d %B %Y")
    return f"{text}, {when.strftime('%H:%M')}" if with_time else text


def _parse(value: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.astimezone()


def fields_of(meta: dict[str, Any]) -> dict[str, str]:
    return {k[len(FIELD_PREFIX):]: str(v) for k, v in meta.items() if k.startswith(FIELD_PREFIX)}


def heading(citation: Citation, fields: dict[str, str]) -> str:
    when = local_date(citation.date)
    kind = citation.source_type
    if kind == "mail":
        sender = fields.get("sender", "").split(" <")[0] or "someone"
        return f"Mail from {sender}, “{fields.get('subject') or citation.title}”, {when}"
    if kind == "message":
        chat = fields.get("chat") or citation.title.removeprefix("Messages with ").split(" on ")[0]
        return f"Messages with {chat}, {when}"
    if kind == "calendar":
        return f"Calendar: {fields.get('summary') or citation.title}"
    if kind == "contact":
        return f"Contact card: {fields.get('name') or citation.title}"
    if kind == "conversation":
        return f"Something you asked me to remember, {when}"
    name = citation.path.rsplit("/", 1)[-1] or citation.title
    return f"Note “{name}”" + (f", {when}" if when else "")


def _dedupe(chunks: list[str]) -> str:
    seen: set[str] = set()
    lines = []
    for chunk in chunks:
        for line in chunk.splitlines():
            if line.strip() and line not in seen:
                seen.add(line)
                lines.append(line)
    return "\n".join(lines)


def build(memory: Any, citation: Citation) -> Passage:
    """The passage for one search result: the whole short item, or the matched chunk ± 1."""
    records = []
    try:
        records = memory.item_chunks(citation.item_id)
    except Exception:
        records = []
    if not records:
        return Passage(citation, citation.snippet, heading(citation, {}))
    fields = fields_of(records[0].meta)
    texts = [r.text for r in records]
    if sum(len(t) for t in texts) > WHOLE_ITEM_CHARS:
        at = next((i for i, r in enumerate(records) if r.chunk_id == citation.chunk_id), 0)
        texts = texts[max(0, at - 1): at + 2]
    return Passage(citation, _dedupe(texts), heading(citation, fields), fields)


def from_record(record: Any, citation: Citation) -> Passage:
    """A passage for a chunk found by metadata (a calendar occurrence, a contact card)."""
    fields = fields_of(record.meta)
    return Passage(citation, _dedupe([record.text]), heading(citation, fields), fields)
