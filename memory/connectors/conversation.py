"""Conversation memory: facts the user states ("remember that my pharmacy is ...").

What the user said is trusted; a fact remembered while untrusted content (mail, messages, web,
foreign files) was in the context keeps that content's trust. The same sentence remembered twice
with the same trust is one item.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from memory.items import Item

KIND = "conversation"


def fact_item(text: str, *, source: str = "conversation", title: str = "", trusted: bool = True) -> Item:
    text = " ".join(text.split())
    trust = "" if trusted else "\x00untrusted"  # never merged into, or over, the user's own fact
    key = hashlib.sha256(f"{source}\x00{text.lower()}{trust}".encode()).hexdigest()[:24]
    return Item(
        key=key,
        kind=KIND,
        source_type=source if source in ("conversation",) else "conversation",
        title=title or (text[:60] + ("…" if len(text) > 60 else "")),
        units=(text,),
        date=datetime.now(UTC),
        trusted=trusted,
        path=f"conversation:{source}",
    )
