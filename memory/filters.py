"""Metadata for stored chunks and Chroma ``where`` filters over it (source type, dates, person)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from app.events import HearthError
from memory.chunking import CHUNKING, TITLE_CHARS
from memory.items import SOURCE_TYPES, Item, to_utc

DateLike = datetime | date | str | int | float | None


PHONE = re.compile(r"^\+?[\d\s().\-/]+$")
PHONE_TAIL = 9  # national numbers differ in front (trunk 0, country code), never in the last 9 digits
INDEX_KEY = "people_index"  # digests of person keys, plain and per source type (see people_index)
LEGACY_KEY = "people_keys"  # the plain keys older stores kept (filtered with a slow $contains)
FIELD_PREFIX = "f_"  # an item's structured fields in chunk metadata (see Item.fields)


def is_phone(value: str) -> bool:
    """A phone number as people write it: digits, spaces, dashes, dots, parentheses, a leading +."""
    value = value.strip()
    return bool(PHONE.match(value)) and sum(c.isdigit() for c in value) >= 5


def phone_number(value: str) -> str:
    """``+15551234567`` from ``+1 (555) 123-4567``; without a country code, the digits alone."""
    digits = "".join(c for c in value if c.isdigit())
    if value.strip().startswith("00") and len(digits) > 4:
        return "+" + digits[2:]
    return ("+" + digits) if value.strip().startswith("+") else digits


def phone_tail(value: str) -> str:
    """The part of a number that every way of writing it shares: ``#`` + its last 9 digits."""
    digits = "".join(c for c in value if c.isdigit())
    return "#" + digits[-PHONE_TAIL:]


def split_person(person: str) -> tuple[str, str]:
    """``("Anna Berg", "+15551234567")`` from ``Anna Berg <+15551234567>``; a bare name or address too."""
    match = re.match(r"^(.*?)\s*<([^>]+)>$", person.strip())
    name, addr = (match.group(1), match.group(2)) if match else ("", person.strip())
    if "@" not in addr and not is_phone(addr):
        name, addr = addr, ""
    return name.strip().strip('"').strip(), addr.strip()


def person_keys(people: tuple[str, ...] | list[str]) -> list[str]:
    """Lower-case handles a person can be found by: full name, each name part, address.

    A phone number gives its compact form (``+15551234567``) and its tail (``#551234567``), so
    any way of writing the number finds it (see :func:`query_key`).
    """
    keys: dict[str, None] = {}
    for person in people:
        name, addr = split_person(person)
        phone = is_phone(addr) if addr else False
        for value in (name, phone_number(addr) if phone else addr):
            value = value.strip().strip('"').lower()
            if value:
                keys[value] = None
        if phone:
            keys[phone_tail(addr)] = None
        local = addr.split("@", 1)[0] if "@" in addr else ""
        for part in re.split(r"[\s,]+", name.lower()) + re.split(r"[._+-]+", local.lower()):
            if len(part) > 1 and not part.isdigit():
                keys[part] = None
    return list(keys)


def query_key(person: str) -> str:
    """The key a person filter looks up: lower-cased, and a phone number by its tail."""
    value = person.strip().strip('"').strip()
    if is_phone(value):
        return phone_tail(value)
    return value.lower()


def key_digest(key: str) -> str:
    """Short digest of a person key: what the index stores (names stay out of the filter index)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def people_index(people: tuple[str, ...] | list[str], source_type: str) -> list[str]:
    """The ``people_index`` array: ``d`` and ``source_type:d`` for the digest ``d`` of every key.

    A person filter is then one indexed ``$contains`` (with the source type folded in), instead
    of ``$contains`` over plain keys AND-ed with a source-type clause that makes Chroma
    materialise every chunk of that type first.
    """
    out: list[str] = []
    for key in person_keys(people):
        d = key_digest(key)
        out += [d, f"{source_type}:{d}"]
    return out


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
        "chunking": CHUNKING,
        "source_type": item.source_type,
        "kind": item.kind,
        "root": root,
        "path": item.path,
        "title": item.title[:TITLE_CHARS],
        "date": when.isoformat() if when else "",
        "ts": int(when.timestamp()) if when else 0,
        "trusted": bool(item.trusted),
        "group": item.group or item.item_id,
        "thread": item.thread,
    }
    for name, value in item.fields:
        if value:
            meta[FIELD_PREFIX + name] = value
    if item.people:
        meta["people"] = list(item.people)
        meta[INDEX_KEY] = people_index(item.people, item.source_type)
    return meta


@dataclass(frozen=True)
class Criteria:
    """A search filter, normalised once: what :func:`build_where` and :func:`matcher` both obey."""

    source_types: tuple[str, ...] = ()
    lo: int | None = None
    hi: int | None = None
    person: str = ""  # the digest of the person's query key

    @property
    def empty(self) -> bool:
        return not (self.source_types or self.lo is not None or self.hi is not None or self.person)


def criteria(
    *,
    source_types: list[str] | tuple[str, ...] | str | None = None,
    since: DateLike = None,
    until: DateLike = None,
    person: str | None = None,
) -> Criteria:
    if isinstance(source_types, str):
        source_types = [source_types]
    types = tuple(dict.fromkeys(source_types or ()))
    unknown = [s for s in types if s not in SOURCE_TYPES]
    if unknown:
        raise HearthError(f"unknown source type {unknown[0]!r}: use one of {', '.join(SOURCE_TYPES)}")
    key = query_key(person) if person else ""
    return Criteria(
        source_types=types,
        lo=to_timestamp(since),
        hi=to_timestamp(until, end_of_day=True),
        person=key_digest(key) if key else "",
    )


def index_values(c: Criteria) -> list[str]:
    """The ``people_index`` entries any of which a chunk must hold to match the person filter."""
    if not c.person:
        return []
    return [f"{s}:{c.person}" for s in c.source_types] if c.source_types else [c.person]


def build_where(
    *,
    source_types: list[str] | tuple[str, ...] | str | None = None,
    since: DateLike = None,
    until: DateLike = None,
    person: str | None = None,
    item_id: str | None = None,
    source_path: str | None = None,
) -> dict[str, Any] | None:
    """A Chroma ``where`` for the filter (``None`` when there is nothing to filter on)."""
    c = criteria(source_types=source_types, since=since, until=until, person=person)
    clauses: list[dict[str, Any]] = []
    if c.person:
        # the source type rides in the person's index entry: one indexed lookup
        typed = [{INDEX_KEY: {"$contains": value}} for value in index_values(c)]
        clauses.append(typed[0] if len(typed) == 1 else {"$or": typed})
    elif c.source_types:
        clauses.append({"source_type": {"$in": list(c.source_types)}})
    if c.lo is not None:
        clauses.append({"ts": {"$gte": c.lo}})
    if c.hi is not None:
        clauses.append({"ts": {"$lte": c.hi}})
    if c.lo is not None or c.hi is not None:
        clauses.append({"ts": {"$gt": 0}})  # undated things are outside every date range
    if item_id:
        clauses.append({"item_id": item_id})
    if source_path:
        clauses.append({"root": source_path})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def matcher(c: Criteria) -> Callable[[dict[str, Any]], bool]:
    """The same filter as :func:`build_where` (without item/path), tested on one chunk's metadata."""

    def match(meta: dict[str, Any]) -> bool:
        if c.source_types and meta.get("source_type") not in c.source_types:
            return False
        if c.lo is not None or c.hi is not None:
            ts = meta.get("ts")
            if not isinstance(ts, int) or ts <= 0:
                return False
            if (c.lo is not None and ts < c.lo) or (c.hi is not None and ts > c.hi):
                return False
        if c.person:
            index = meta.get(INDEX_KEY) or ()
            if c.source_types:
                return any(f"{s}:{c.person}" in index for s in c.source_types)
            return c.person in index
        return True

    return match


def now_utc() -> datetime:
    return datetime.now(UTC)
