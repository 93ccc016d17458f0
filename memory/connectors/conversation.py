"""Conversation memory: facts the user states ("remember that my pharmacy is ...").

The user said it, so it is trusted. The same sentence remembered twice is one item.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from memory.items import Item

KIND = "conversation"


def fact_item(text: str, *, source: str = "conversation", title: str = "") -> Item:
    text = " ".join(text.split())
    key = hashlib.sha256(f"{source}\x00{text.lower()}".encode()).hexdigest()[:24]
    return Item(
        key=key,
        kind=KIND,
        source_type=source if source in ("conversation",) else "conversation",
        title=title or (text[:60] + ("…" if len(text) > 60 else "")),
        units=(text,),
        date=datetime.now(UTC),
        trusted=True,
        path=f"conversation:{source}",
    )
