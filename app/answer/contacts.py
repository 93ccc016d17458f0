"""Contact answers from the vCard's own fields (phone, e-mail, address, birthday, company, title)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.answer.passages import fields_of

# question field -> (card field, how a sentence names it)
FIELDS = {
    "reach": ("tel", "phone number"),  # and the e-mail address with it
    "phone": ("tel", "phone number"),
    "email": ("email", "e-mail address"),
    "address": ("adr", "address"),
    "birthday": ("bday", "birthday"),
    "org": ("org", "company"),
    "title": ("title", "job title"),
}
_TEXT_LABELS = {"tel": "Phone", "email": "E-mail", "adr": "Address", "bday": "Birthday", "org": "Organization",
                "title": "Title", "note": "Note"}


def card_fields(record: Any) -> dict[str, str]:
    """A card's fields; an older store without them is read from the card's text."""
    fields = fields_of(record.meta)
    if fields:
        return fields
    text = " ".join(record.text.split())
    out = {"name": str(record.meta.get("title", ""))}
    for key, label in _TEXT_LABELS.items():
        m = re.search(rf"\b{label}: (.*?)(?= [A-Z][a-z-]+: |$)", text)
        if m:
            out[key] = m.group(1)
    return out


def birthday_text(value: str) -> str:
    """``April 12, 1991`` from ``1991-04-12``; ``--0412`` (no year) as ``April 12``."""
    m = re.match(r"^(\d{4}|--)-?(\d{2})-?(\d{2})", value.strip())
    if not m:
        return value
    month, day_ = int(m.group(2)), int(m.group(3))
    try:
        name = dt.date(2000, month, day_).strftime("%B %-d")
    except ValueError:
        return value
    return f"{name}, {m.group(1)}" if m.group(1).isdigit() else name


def value_text(field: str, value: str) -> str:
    if field == "bday":
        return birthday_text(value)
    return value


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def answer(field: str, cards: list[tuple[dict[str, str], str]]) -> tuple[str, bool]:
    """The sentence for ``field`` of these cards (each with its marker); and whether any card had it."""
    key, label = FIELDS[field]
    parts = []
    found = False
    for fields, mark in cards:
        name = fields.get("name", "This contact")
        value = fields.get(key, "")
        if value:
            found = True
            values = [value_text(key, v.strip()) for v in value.split("; ") if v.strip()]
            said = values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]
            email = fields.get("email", "").split("; ")[0].strip() if field == "reach" else ""
            also = f" (e-mail {email})" if email else ""
            parts.append(f"{possessive(name)} {label} is {said}{also} {mark}")
        else:
            parts.append(f"{possessive(name)} contact card has no {label} {mark}")
    if not found:
        who = " or ".join(f.get("name", "") for f, _ in cards)
        return f"I couldn't find a {label} for {who} in your contacts (the card has none) " + \
            " ".join(m for _, m in cards) + ".", False
    if len(cards) > 1:
        first = cards[0][0].get("name", "").split()[0]
        same = all(f.get("name", "").split()[:1] == [first] for f, _ in cards)
        lead = f"You have {len(cards)} contacts called {first}: " if same else ""
        return lead + "; ".join(parts) + ".", True
    return parts[0] + ".", True
