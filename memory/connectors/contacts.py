"""Contacts: .vcf address books (vCard 2.1, 3.0, 4.0). One card is one item.

The address book is the user's own, so contacts are trusted; cards from a file that came from
someone else (a card saved from a mail, a download: :mod:`app.policy.provenance`) are not. A card's
``people`` are its name, then its e-mail addresses and phone numbers (what maps iMessage handles to
names).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from app.policy import provenance
from memory.connectors import Scan
from memory.connectors.contentlines import Component, parse, unescape, walk
from memory.extract import MAX_FILE_BYTES, Unreadable, decode_text
from memory.filters import is_phone
from memory.items import Item, Skip

KIND = "vcf"


def _values(card: Component, name: str) -> list[str]:
    return [unescape(p.value) for p in card.all(name) if p.value.strip()]


def _name(card: Component) -> str:
    full = card.text("FN")
    if full:
        return full
    parts = [unescape(p) for p in (card.get("N").value.split(";") if card.get("N") else [])]  # type: ignore[union-attr]
    if len(parts) >= 2:
        return " ".join(x for x in (parts[1], parts[0]) if x).strip()
    return card.text("ORG") or ""


def card_item(card: Component, where: str) -> Item:
    name = _name(card)
    emails = [e.lower() for e in _values(card, "EMAIL")]
    if not name and not emails:
        raise Unreadable("contact without a name or e-mail")
    lines = [f"Contact: {name or emails[0]}"]
    fields = [("name", name or emails[0])]  # values joined by "; ", as in the text
    for label, prop in (
        ("E-mail", "EMAIL"),
        ("Phone", "TEL"),
        ("Organization", "ORG"),
        ("Title", "TITLE"),
        ("Birthday", "BDAY"),
        ("Address", "ADR"),
        ("Web", "URL"),
        ("Nickname", "NICKNAME"),
    ):
        values = _values(card, prop)
        if prop in ("ORG", "ADR"):
            values = [
                ", ".join(x.strip() for x in v.replace("\n", " ").split(";") if x.strip()) for v in values
            ]
        if values:
            lines.append(f"{label}: {'; '.join(values)}")
            fields.append((prop.lower(), "; ".join(values)))
    units = ["\n".join(lines)]
    note = card.text("NOTE")
    if note:
        units.append(f"Note: {note}")
        fields.append(("note", note))
    uid = card.text("UID")
    key = uid or hashlib.sha256(f"{name}|{','.join(emails)}".encode()).hexdigest()[:20]
    phones = [t.strip() for t in _values(card, "TEL") if is_phone(t)]
    # the name first, then every address and number: memory.contacts_index maps iMessage handles
    # back to this name, and a person filter by number finds the card
    people = tuple(dict.fromkeys(([name] if name else []) + emails + phones))
    return Item(
        key=key,
        kind=KIND,
        source_type="contact",
        title=name or emails[0],
        units=tuple(units),
        people=people,
        trusted=True,
        path=f"{where}#{key}",
        fields=tuple(fields),
    )


def scan(path: Path) -> Scan:
    where = str(path.resolve())
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise Unreadable("too large")
        cards = walk(parse(decode_text(path.read_bytes())), "VCARD")
    except (OSError, Unreadable) as exc:
        return Scan(0, iter([Skip(where, f"cannot read contacts: {exc}", keep=where)]), complete=False)
    if not cards:
        return Scan(0, iter([Skip(where, "not a vCard file (no BEGIN:VCARD)", keep=where)]), complete=False)

    foreign = provenance.someone_elses(path.resolve())

    def entries() -> Iterator[Item | Skip]:
        for number, card in enumerate(cards, 1):
            try:
                item = card_item(card, where)
                yield replace(item, trusted=False) if foreign else item
            except Unreadable as exc:
                yield Skip(f"{where} card {number}", str(exc))

    return Scan(len(cards), entries())
