"""Metadata for stored chunks and Chroma ``where`` filters over it (source type, dates, person)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from app.events import HearthError
from memory.items import SOURCE_TYPES, Item, to_utc

DateLike = datetime | date | str | int | float | None


def person_keys(people: tuple[str, ...] | list[str]) -> list[str]:
    """Lower-case handles a person can be found by: full name, each name part, address."""
    keys: dict[str, None] = {}
    for person in people:
        match = re.match(r"^(.*?)\s*<([^>]+)>$", person.strip())
        name, addr = (match.group(1), match.group(2)) if match else ("", person.strip())
        if "@" not in addr and not re.match(r"^[+\d][\d\s().-]+$", addr):
            name, addr = addr, ""
        for value in (name, addr):
            value = value.strip().strip('"').lower()
            if value:
                keys[value] = None
        local = addr.split("@", 1)[0] if "@" in addr else ""
        for part in re.split(r"[\s,]+", name.lower()) + re.split(r"[._+-]+", local.lower()):
            if len(part) > 1 and not part.isdigit():
                keys[part] = None
    return list(keys)


def to_timestamp(value: DateLike, *, end_of_day: bool = False) -> int | None:
    """Seconds since the epoch; a bare date means its start (or its end for an upper bound)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                value = date.fromisoformat(text)
            else:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise HearthError(f"not a date: {text!r} (use YYYY-MM-DD)") from exc
    if isinstance(value, datetime):
        aware = to_utc(value)
        assert aware is not None
        return int(aware.timestamp())
    if isinstance(value, date):
        moment = datetime.combine(value, time.max if end_of_day else time.min)
        return int(moment.astimezone().timestamp())
    raise HearthError(f"not a date: {value!r}")


def chunk_metadata(item: Item, root: str, index: int, total: int) -> dict[str, Any]:
    when = to_utc(item.date)
    meta: dict[str, Any] = {
        "item_id": item.item_id,
        "item_hash": item.content_hash,
        "chunk": index,
        "n_chunks": total,
        "source_type": item.source_type,
        "kind": item.kind,
        "root": root,
        "path": item.path,
        "title": item.title[:500],
        "date": when.isoformat() if when else "",
        "ts": int(when.timestamp()) if when else 0,
        "trusted": bool(item.trusted),
        "group": item.group or item.item_id,
        "thread": item.thread,
    }
    if item.people:
        meta["people"] = list(item.people)
        meta["people_keys"] = person_keys(item.people)
    return meta


def build_where(
    *,
    source_types: list[str] | tuple[str, ...] | str | None = None,
    since: DateLike = None,
    until: DateLike = None,
    person: str | None = None,
    item_id: str | None = None,
    source_path: str | None = None,
) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if isinstance(source_types, str):
        source_types = [source_types]
    if source_types:
        unknown = [s for s in source_types if s not in SOURCE_TYPES]
        if unknown:
            raise HearthError(f"unknown source type {unknown[0]!r}: use one of {', '.join(SOURCE_TYPES)}")
        clauses.append({"source_type": {"$in": list(source_types)}})
    lo, hi = to_timestamp(since), to_timestamp(until, end_of_day=True)
    if lo is not None:
        clauses.append({"ts": {"$gte": lo}})
    if hi is not None:
        clauses.append({"ts": {"$lte": hi}})
    if lo is not None or hi is not None:
        clauses.append({"ts": {"$gt": 0}})  # undated things are outside every date range
    if person:
        clauses.append({"people_keys": {"$contains": person.strip().lower()}})
    if item_id:
        clauses.append({"item_id": item_id})
    if source_path:
        clauses.append({"root": source_path})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def now_utc() -> datetime:
    return datetime.now(UTC)
