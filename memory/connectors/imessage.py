"""Messages: the macOS iMessage/SMS database (``~/Library/Messages/chat.db``), opened read-only.

Tables used: message, handle, chat, chat_message_join. Newer macOS leaves ``message.text`` empty
and keeps the text in ``attributedBody`` (an NSAttributedString in Apple's typedstream format),
decoded here. One item is one chat's messages on one day; each message is a unit, so chunks
break between messages. Messages are written by other people: never trusted.

Handles are phone numbers and e-mail addresses; with a :class:`memory.contacts_index.ContactBook`
they become ``Anna Berg <+15551234567>`` in the item's people (so the name and the number both
find it) and ``Anna Berg`` in the text. The names are part of the content hash, so ingesting the
chat.db again after contacts arrive updates the items.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from memory.connectors import Scan
from memory.contacts_index import ContactBook, open_read_only
from memory.items import Item, Skip

KIND = "imessage"
DEFAULT_DB = Path("~/Library/Messages/chat.db").expanduser()
APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)
REQUIRED_TABLES = {"message", "handle", "chat", "chat_message_join"}


def apple_time(value: int | float | None) -> datetime | None:
    """Seconds (old macOS) or nanoseconds (10.13+) since 2001-01-01 UTC."""
    if not value:
        return None
    seconds = value / 1e9 if abs(value) > 1e11 else float(value)
    return APPLE_EPOCH + timedelta(seconds=seconds)


def decode_attributed_body(blob: bytes | None) -> str:
    """The plain string inside a typedstream-archived NSAttributedString ('' when absent)."""
    if not blob:
        return ""
    at = blob.find(b"NSString")
    if at < 0:
        return ""
    rest = blob[at + len(b"NSString") :]
    plus = rest.find(b"+")  # the C-string type marker that precedes the length
    if plus < 0 or plus + 1 >= len(rest):
        return ""
    rest = rest[plus + 1 :]
    marker = rest[0]
    if marker == 0x81:
        length, start = int.from_bytes(rest[1:3], "little"), 3
    elif marker == 0x82:
        length, start = int.from_bytes(rest[1:5], "little"), 5
    else:
        length, start = marker, 1
    return rest[start : start + length].decode("utf-8", "replace")


def _handles(people: dict[str, None]) -> list[str]:
    """The bare handles back from ``Name <handle>`` labels."""
    return [p[p.rfind("<") + 1 : -1] if p.endswith(">") and "<" in p else p for p in people]


def _connect(path: Path) -> sqlite3.Connection:
    con = open_read_only(path, timeout=5)
    con.row_factory = sqlite3.Row
    return con


def scan(path: Path | None = None, contacts: ContactBook | None = None) -> Scan:
    db = (path or DEFAULT_DB).expanduser()
    book = contacts or ContactBook()
    where = str(db.resolve())
    try:
        if not db.is_file():
            raise sqlite3.OperationalError("no such file")
        con = _connect(db)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables >= REQUIRED_TABLES:
            con.close()
            return Scan(
                0,
                iter(
                    [Skip(where, "not an iMessage chat.db (message/handle/chat tables missing)", keep=where)]
                ),
                complete=False,
            )
        columns = {r[1] for r in con.execute("PRAGMA table_info(message)")}
        body = "m.attributedBody" if "attributedBody" in columns else "NULL"
        rows = con.execute(
            f"""SELECT m.ROWID AS rowid, m.text AS text, {body} AS body, m.date AS date,
                       m.is_from_me AS from_me, h.id AS handle, c.guid AS chat_guid,
                       c.chat_identifier AS chat_identifier, c.display_name AS display_name
                FROM message m
                LEFT JOIN handle h ON h.ROWID = m.handle_id
                LEFT JOIN chat_message_join j ON j.message_id = m.ROWID
                LEFT JOIN chat c ON c.ROWID = j.chat_id
                ORDER BY c.ROWID, m.date, m.ROWID"""
        ).fetchall()
        con.close()
    except sqlite3.DatabaseError as exc:
        hint = (
            " (on macOS, give Hearth Full Disk Access)"
            if "authoriz" in str(exc) or "unable to open" in str(exc)
            else ""
        )
        return Scan(
            0,
            iter([Skip(where, f"cannot read the Messages database: {exc}{hint}", keep=where)]),
            complete=False,
        )

    days: dict[tuple[str, str], list[sqlite3.Row]] = {}
    for row in rows:
        when = apple_time(row["date"])
        chat = row["chat_guid"] or f"handle:{row['handle'] or 'unknown'}"
        day = when.astimezone().date().isoformat() if when else "undated"
        days.setdefault((chat, day), []).append(row)

    def entries() -> Iterator[Item | Skip]:
        for (chat, day), msgs in days.items():
            units = []
            people: dict[str, None] = {}
            for row in msgs:
                text = (row["text"] or "").strip() or decode_attributed_body(row["body"]).strip()
                text = text.replace("\ufffc", "").strip()  # attachment placeholders
                if not text:
                    continue
                handle = (row["handle"] or "").strip()
                who = "Me" if row["from_me"] else (book.name_for(handle) or handle or "Unknown")
                if not row["from_me"] and handle:
                    people[book.label(handle)] = None
                when = apple_time(row["date"])
                stamp = when.astimezone().strftime("%H:%M") if when else ""
                units.append(f"[{stamp}] {who}: {text}")
            if not units:
                continue
            first = msgs[0]
            name = (
                first["display_name"]
                or ", ".join(book.name_for(h) or h for h in _handles(people))
                or book.name_for(first["chat_identifier"] or "")
                or first["chat_identifier"]
                or "unknown"
            )
            yield Item(
                key=f"{chat}|{day}",
                kind=KIND,
                source_type="message",
                title=f"Messages with {name} on {day}",
                units=tuple(units),
                date=apple_time(first["date"]),
                people=tuple(people),
                trusted=False,
                path=f"{where}#{chat}",
                thread=chat,
                fields=(("chat", name),),
            )

    return Scan(len(days), entries())
