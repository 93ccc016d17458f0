"""iMessage handles become contact names: from .vcf cards in memory and the macOS AddressBook."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from memory_corpus import write_chat_db

from memory.contacts_index import ContactBook, address_books, from_address_book
from memory.filters import build_where, person_keys, query_key

WHEN = datetime(2024, 6, 3, 18, 0, tzinfo=UTC)

VCF = """BEGIN:VCARD\r
VERSION:3.0\r
FN:Anna Berg\r
N:Berg;Anna;;;\r
TEL;TYPE=CELL:(555) 123-4567\r
EMAIL:anna.berg@example.org\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
FN:Tom Lind\r
TEL:+44 20 7946 0958\r
END:VCARD\r
"""


def write_address_book(path: Path, people: list[tuple[str, str, str, list[str], list[str]]]) -> Path:
    """A small SQLite file with the Contacts app's schema: (first, last, org, phones, emails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE ZABCDRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZFIRSTNAME VARCHAR,
                                  ZLASTNAME VARCHAR, ZORGANIZATION VARCHAR, ZNICKNAME VARCHAR);
        CREATE TABLE ZABCDPHONENUMBER (Z_PK INTEGER PRIMARY KEY, ZOWNER INTEGER, ZFULLNUMBER VARCHAR,
                                       ZLABEL VARCHAR);
        CREATE TABLE ZABCDEMAILADDRESS (Z_PK INTEGER PRIMARY KEY, ZOWNER INTEGER, ZADDRESS VARCHAR,
                                        ZADDRESSNORMALIZED VARCHAR);
        """
    )
    for pk, (first, last, org, phones, emails) in enumerate(people, 1):
        con.execute(
            "INSERT INTO ZABCDRECORD (Z_PK, Z_ENT, ZFIRSTNAME, ZLASTNAME, ZORGANIZATION) VALUES (?,?,?,?,?)",
            (pk, 22, first or None, last or None, org or None),
        )
        for phone in phones:
            con.execute("INSERT INTO ZABCDPHONENUMBER (ZOWNER, ZFULLNUMBER) VALUES (?,?)", (pk, phone))
        for email in emails:
            con.execute("INSERT INTO ZABCDEMAILADDRESS (ZOWNER, ZADDRESS) VALUES (?,?)", (pk, email))
    con.commit()
    con.close()
    return path


# -- logic ---------------------------------------------------------------------------------


def test_phone_numbers_match_however_they_are_written() -> None:
    book = ContactBook()
    book.add("Anna Berg", "(555) 123-4567")
    book.add("Lars Nilsson", "070-123 45 67")  # Swedish, with the trunk 0
    book.add("Tom Lind", "+44 20 7946 0958")
    book.add("Eve Ek", "eve@Example.org")
    assert book.name_for("+15551234567") == "Anna Berg"
    assert book.name_for("555.123.4567") == "Anna Berg"
    assert book.name_for("+46701234567") == "Lars Nilsson"
    assert book.name_for("0044 20 7946 0958") == "Tom Lind"
    assert book.name_for("EVE@example.org") == "Eve Ek"
    assert book.name_for("+15550000000") == "" and book.name_for("nobody@example.org") == ""
    assert book.label("+15551234567") == "Anna Berg <+15551234567>"
    assert book.label("+15550000000") == "+15550000000"


def test_a_shared_tail_is_ambiguous_unless_the_full_number_matches() -> None:
    book = ContactBook()
    book.add("Ann One", "+1 555 123 4567")
    book.add("Ann Two", "+46 555 123 4567")  # same last 9 digits, another country
    assert book.name_for("+15551234567") == "Ann One"
    assert book.name_for("+465551234567") == "Ann Two"
    assert book.name_for("555 123 4567") == ""  # no country code: could be either, so nobody


def test_person_keys_and_filters_normalise_phone_numbers() -> None:
    keys = person_keys(["Anna Berg <+1 (555) 123-4567>"])
    assert {"anna berg", "anna", "berg", "+15551234567", "#551234567"} <= set(keys)
    assert query_key("555-123-4567") == query_key("+1 555 123 4567") == "#551234567"
    assert query_key("  Anna Berg ") == "anna berg"
    digest = hashlib.sha256(b"anna berg").hexdigest()[:16]
    assert build_where(person="Anna Berg") == {"people_index": {"$contains": digest}}
    assert build_where(person="Anna Berg", source_types=["message"]) == {
        "people_index": {"$contains": f"message:{digest}"}
    }
    both = build_where(person="Anna Berg", source_types=["mail", "message"], since="2024-01-01")
    assert (
        both is not None
        and {
            "$or": [
                {"people_index": {"$contains": f"mail:{digest}"}},
                {"people_index": {"$contains": f"message:{digest}"}},
            ]
        }
        in both["$and"]
    )


# -- the real store ------------------------------------------------------------------------


def test_handles_resolve_after_contacts_arrive(mem, tmp_path: Path) -> None:
    chat = write_chat_db(
        tmp_path / "chat.db",
        {
            "": [
                ("+15551234567", "Shall we book the cabin at Lake Siljan for July?", WHEN, False),
                ("+15551234567", "Yes, I will pay the deposit", WHEN, True),
            ]
        },
    )
    assert mem.ingest_path(chat, kind="imessage").added == 1
    (before,) = mem.search("cabin booking", k=1, person="+15551234567")
    assert before.people == ("+15551234567",) and "+15551234567" in before.title
    assert mem.search("cabin booking", k=3, person="Anna") == []

    vcf = tmp_path / "contacts.vcf"
    vcf.write_text(VCF, encoding="utf-8")
    assert mem.ingest_path(vcf).added == 2
    again = mem.ingest_path(chat, kind="imessage")
    assert (again.added, again.updated) == (0, 1)  # the names are part of the item's content

    for person in ("Anna", "Anna Berg", "berg", "+15551234567", "(555) 123-4567", "555.123.4567"):
        hits = mem.search("cabin booking", k=3, person=person, source_types=["message"])
        assert [h.title for h in hits] == ["Messages with Anna Berg on " + hits[0].title[-10:]], person
        assert hits[0].people == ("Anna Berg <+15551234567>",)
    assert "Anna Berg: Shall we book the cabin" in mem.item_text(hits[0].item_id)
    assert mem.search("cabin booking", k=3, person="Tom Lind", source_types=["message"]) == []
    several = mem.search(
        "cabin booking", k=3, person="anna berg", source_types=["mail", "message", "contact"]
    )
    assert {h.source_type for h in several} == {"message", "contact"}
    assert mem.search("cabin booking", k=3, person="anna berg", source_types=["mail", "document"]) == []
    # the card itself is found by its number too
    (card,) = mem.search("phone number", k=1, person="+1 555 123 4567", source_types=["contact"])
    assert card.title == "Anna Berg"
    # unchanged since: a third ingest is a no-op
    assert mem.ingest_path(chat, kind="imessage").updated == 0

    # forgetting by a differently written number holds for the next ingest too
    assert mem.forget(person="555-123-4567", source_type="message") == 1
    assert mem.search("cabin", k=3, source_types=["message"]) == []
    back = mem.ingest_path(chat, kind="imessage")
    assert back.added == 0 and any("forgotten earlier" in r for r in back.skipped_reasons)


def test_macos_address_book_read_only(mem, tmp_path: Path, fake_home: Path) -> None:
    root = fake_home / "Library" / "Application Support" / "AddressBook"
    book_file = write_address_book(
        root / "Sources" / "5E0C-LOCAL" / "AddressBook-v22.abcddb",
        [
            ("Lars", "Nilsson", "", ["070-123 45 67"], ["lars@example.se"]),
            ("", "", "Ferry Company", ["+46 8 555 000 12"], []),
            ("Nameless", "", "", [], []),
        ],
    )
    write_address_book(root / "AddressBook-v22.abcddb", [("Mia", "Holm", "", [], ["mia@example.se"])])
    os.chmod(book_file, 0o444)
    before = book_file.read_bytes()
    assert address_books() == [root / "AddressBook-v22.abcddb", book_file]
    assert from_address_book(book_file).name_for("+46701234567") == "Lars Nilsson"

    chat = write_chat_db(
        tmp_path / "chat.db",
        {
            "": [("+46701234567", "The ferry leaves Vaxholm at 09:15 on Saturday", WHEN, False)],
            "Trip planning": [
                ("mia@example.se", "I packed the tent", WHEN, False),
                ("+46855500012", "Your ferry ticket 4471 is confirmed", WHEN, False),
            ],
        },
    )
    assert mem.ingest_path(chat, kind="imessage").added == 2
    (lars,) = mem.search("ferry time", k=1, person="Lars", source_types=["message"])
    assert lars.title.startswith("Messages with Lars Nilsson on ") and lars.people == (
        "Lars Nilsson <+46701234567>",
    )
    (trip,) = mem.search("tent", k=1, person="mia holm")
    assert trip.title.startswith("Messages with Trip planning")  # a chat's own name stays
    assert set(trip.people) == {"Mia Holm <mia@example.se>", "Ferry Company <+46855500012>"}
    assert mem.search("ticket", k=1, person="ferry company")[0].item_id == trip.item_id
    assert book_file.read_bytes() == before  # read-only: not a byte changed


def test_a_damaged_address_book_names_nobody(mem, tmp_path: Path, fake_home: Path) -> None:
    junk = fake_home / "Library" / "Application Support" / "AddressBook" / "AddressBook-v22.abcddb"
    junk.parent.mkdir(parents=True)
    junk.write_bytes(b"SQLite format 3\x00 but not really")
    chat = write_chat_db(
        tmp_path / "chat.db", {"": [("+15557654321", "See you at the station", WHEN, False)]}
    )
    assert mem.ingest_path(chat, kind="imessage").added == 1
    (hit,) = mem.search("station", k=1)
    assert hit.people == ("+15557654321",)
