"""Who a phone number or e-mail address belongs to: the user's contacts, as a lookup table.

Two sources, both the user's own address book: contacts already ingested into memory from .vcf
files, and, on macOS, the Contacts app's SQLite databases
(``~/Library/Application Support/AddressBook/**/AddressBook-v22.abcddb``), opened read-only.

Phone numbers match when they are the same number written differently: with a country code on
both sides the full international numbers must agree; otherwise the last 9 digits must (so
``+46 70 123 45 67`` is ``070-123 45 67``, and ``+1 (555) 123-4567`` is ``555.123.4567``). A tail
shared by two different names is ambiguous and resolves to nobody rather than to the wrong one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from memory.filters import is_phone, phone_number, phone_tail, split_person
from memory.store import pages

ADDRESS_BOOK_DIR = Path("~/Library/Application Support/AddressBook")
ADDRESS_BOOK_FILE = "AddressBook-v22.abcddb"


class ContactBook:
    """Handles (phone numbers, e-mail addresses) to display names."""

    def __init__(self) -> None:
        self._emails: dict[str, str] = {}
        self._numbers: dict[str, str] = {}  # +E.164 -> name
        self._tails: dict[str, set[str]] = {}  # last 9 digits -> names

    def __len__(self) -> int:
        return len(self._emails) + len(self._numbers) + len(self._tails)

    def add(self, name: str, handle: str) -> None:
        """Record that ``handle`` (an address or a number) belongs to ``name``."""
        name = " ".join(name.split())
        handle = handle.strip()
        if not name or not handle:
            return
        if "@" in handle:
            self._emails.setdefault(handle.lower(), name)
        elif is_phone(handle):
            number = phone_number(handle)
            if number.startswith("+"):
                self._numbers.setdefault(number, name)
            self._tails.setdefault(phone_tail(number), set()).add(name)

    def name_for(self, handle: str) -> str:
        """The contact's name for ``handle``, or '' when nobody (or more than one person) has it."""
        handle = handle.strip()
        if "@" in handle:
            return self._emails.get(handle.lower(), "")
        if not is_phone(handle):
            return ""
        number = phone_number(handle)
        if number.startswith("+") and number in self._numbers:
            return self._numbers[number]
        names = self._tails.get(phone_tail(number), set())
        return next(iter(names)) if len(names) == 1 else ""

    def label(self, handle: str) -> str:
        """``Anna Berg <+15551234567>`` when the handle is known, else the handle itself."""
        name = self.name_for(handle)
        return f"{name} <{handle.strip()}>" if name else handle.strip()

    def update(self, other: ContactBook) -> None:
        """Add every entry of ``other`` (entries already here win)."""
        for address, name in other._emails.items():
            self._emails.setdefault(address, name)
        for number, name in other._numbers.items():
            self._numbers.setdefault(number, name)
        for tail, names in other._tails.items():
            self._tails.setdefault(tail, set()).update(names)


def from_memory(collection: Any) -> ContactBook:
    """The contacts already ingested (from .vcf): each card's name and its addresses and numbers."""
    book = ContactBook()
    cards = {"$and": [{"source_type": "contact"}, {"chunk": 0}]}
    for page in pages(collection, where=cards, include=["metadatas"]):
        for meta in page["metadatas"] or []:
            add_card(book, [str(p) for p in meta.get("people") or ()])
    return book


def add_card(book: ContactBook, people: Iterable[str]) -> None:
    """One contact's ``people`` entries: its name (a bare name) and its addresses and numbers."""
    entries = [split_person(p) for p in people]
    names = [n for n, a in entries if n and not a]
    if not names:
        return
    for name, addr in entries:
        if addr:
            book.add(name or names[0], addr)


def address_books(home: Path | None = None) -> list[Path]:
    """The Contacts app's databases under ``~/Library/Application Support/AddressBook``."""
    root = (home / ADDRESS_BOOK_DIR.relative_to("~")) if home else ADDRESS_BOOK_DIR.expanduser()
    if not root.is_dir():
        return []
    found = [root / ADDRESS_BOOK_FILE] if (root / ADDRESS_BOOK_FILE).is_file() else []
    return found + sorted(root.glob(f"Sources/*/{ADDRESS_BOOK_FILE}"))


def open_read_only(path: Path, timeout: float = 2) -> sqlite3.Connection:
    """Open another app's SQLite database without ever writing to it (Contacts, Messages)."""
    try:
        con = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=timeout)
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return con
    except sqlite3.DatabaseError:
        # Both apps keep their files in WAL mode; without write access to its -shm file a
        # read-only open can fail. immutable=1 reads the main file as it is, never writing.
        return sqlite3.connect(f"file:{path.resolve()}?mode=ro&immutable=1", uri=True, timeout=timeout)


def from_address_book(path: Path) -> ContactBook:
    """Names, numbers and addresses from one ``AddressBook-v22.abcddb`` (an empty book if unreadable)."""
    book = ContactBook()
    try:
        con = open_read_only(path)
    except sqlite3.DatabaseError:
        return book
    try:
        people: dict[int, str] = {}
        for pk, first, last, org in con.execute(
            "SELECT Z_PK, ZFIRSTNAME, ZLASTNAME, ZORGANIZATION FROM ZABCDRECORD"
        ):
            name = " ".join(x.strip() for x in (first or "", last or "") if x and x.strip()) or (org or "")
            if name.strip():
                people[pk] = name.strip()
        for table, column in (("ZABCDPHONENUMBER", "ZFULLNUMBER"), ("ZABCDEMAILADDRESS", "ZADDRESS")):
            for owner, value in con.execute(f"SELECT ZOWNER, {column} FROM {table}"):
                if owner in people and value:
                    book.add(people[owner], str(value))
    except sqlite3.DatabaseError:
        pass  # not an address book after all, or a schema we do not know: no names from it
    finally:
        con.close()
    return book


def load(collection: Any, home: Path | None = None) -> ContactBook:
    """Every contact the user has: ingested .vcf cards first, then the macOS address books."""
    book = from_memory(collection)
    for path in address_books(home):
        book.update(from_address_book(path))
    return book
