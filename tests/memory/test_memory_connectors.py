"""Connectors on real formats, no store involved."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from memory_corpus import (
    attributed_body,
    make_mail,
    write_chat_db,
    write_docx,
    write_maildir,
    write_mbox,
    write_pdf,
)

from memory.connectors import calendar, contacts, documents, imessage, mail
from memory.items import Item, Skip


def _items(scan) -> list[Item]:
    return [e for e in scan.entries if isinstance(e, Item)]


def _split(scan) -> tuple[list[Item], list[Skip]]:
    entries = list(scan.entries)
    return [e for e in entries if isinstance(e, Item)], [e for e in entries if isinstance(e, Skip)]


def test_mbox_headers_thread_html_and_attachment(tmp_path: Path) -> None:
    msgs = [
        make_mail(
            "Dinner on Friday",
            "Shall we meet at Luigi's at 7?\n\nBring the kids.",
            headers={"X-GM-THRID": "1234567890", "X-Gmail-Labels": "Inbox,Important"},
            attachment=("menu.txt", b"Pizza margherita and tiramisu", "text/plain"),
        ),
        make_mail(
            "Re: Dinner on Friday",
            "",
            html="<html><body><p>Yes! <b>7pm</b> works.</p><script>evil()</script></body></html>",
            sender="Bob <bob@example.com>",
            to="Alice Smith <alice@example.com>, me@example.com",
            headers={"X-GM-THRID": "1234567890"},
        ),
    ]
    items = _items(mail.scan_mbox(write_mbox(tmp_path / "Takeout.mbox", msgs)))
    assert [i.title for i in items] == ["Dinner on Friday", "Re: Dinner on Friday"]
    first, second = items
    assert first.thread == second.thread == "gm:1234567890"
    assert first.people[0] == "Alice Smith <alice@example.com>"
    assert "Me <me@example.com>" in first.people
    assert first.date == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    text = "\n".join(first.units)
    assert "Luigi's" in text and "Attachment menu.txt" in text and "tiramisu" in text
    assert "Subject: Dinner on Friday" in first.units[0]
    reply = "\n".join(second.units)
    assert "7pm" in reply and "<b>" not in reply and "evil()" not in reply
    assert not first.trusted and first.source_type == "mail"
    assert first.path.endswith("Takeout.mbox#" + first.key)


def test_corrupt_and_binary_mbox_are_skipped_with_reasons(tmp_path: Path) -> None:
    binary = tmp_path / "junk.mbox"
    binary.write_bytes(os.urandom(4096))
    scan = mail.scan_mbox(binary)
    items, skips = _split(scan)
    assert not items and "not an mbox" in skips[0].reason and not scan.complete
    broken = tmp_path / "broken.mbox"
    good = make_mail("Still readable", "The good message survives.").as_bytes()
    broken.write_bytes(
        b"From x Tue Mar  5 09:30:00 2024\n\xff\xfe\x00garbage without headers\n\nFrom y Tue Mar  5 09:30:00 2024\n"
        + good
    )
    items, skips = _split(mail.scan_mbox(broken))
    assert [i.title for i in items] == ["Still readable"]
    assert skips and "no mail headers" in skips[0].reason


def test_maildir_and_eml(tmp_path: Path) -> None:
    box = write_maildir(tmp_path / "Mail", [make_mail("One", "first body"), make_mail("Two", "second body")])
    assert sorted(i.title for i in _items(mail.scan_maildir(box))) == ["One", "Two"]
    _, skips = _split(mail.scan_maildir(tmp_path))
    assert "not a Maildir" in skips[0].reason
    eml = tmp_path / "note.eml"
    eml.write_bytes(
        make_mail("Invoice", "Your invoice is attached", sender="billing@shop.example").as_bytes()
    )
    (item,) = _items(mail.scan_eml(eml))
    assert item.title == "Invoice" and item.people[0] == "billing@shop.example"


def test_imessage_chat_db_text_and_attributed_body(tmp_path: Path) -> None:
    day = datetime(2024, 6, 1, 15, 0, tzinfo=UTC)
    db = write_chat_db(
        tmp_path / "chat.db",
        {
            "Mom": [
                ("+15551234567", "Did you call the plumber?", day, False),
                ("+15551234567", "Yes, he comes Thursday", day + timedelta(minutes=3), True),
                ("+15551234567", "Great, thanks ❤️", day + timedelta(minutes=5), False),
                ("+15551234567", "Next day hello", day + timedelta(days=1), False),
            ]
        },
    )
    items = _items(imessage.scan(db))
    assert len(items) == 2  # one item per chat per day
    first = items[0]
    assert first.source_type == "message" and not first.trusted
    assert first.people == ("+15551234567",)
    assert "Mom" in first.title
    lines = first.units
    assert len(lines) == 3 and "Did you call the plumber?" in lines[0]  # decoded from attributedBody
    assert lines[1].endswith("Me: Yes, he comes Thursday")
    assert "❤️" in lines[2]


def test_attributed_body_long_text() -> None:
    text = "x" * 300 + " the end"
    assert imessage.decode_attributed_body(attributed_body(text)) == text
    assert imessage.decode_attributed_body(b"") == ""
    assert imessage.decode_attributed_body(b"garbage") == ""


def test_imessage_not_a_chat_db(tmp_path: Path) -> None:
    junk = tmp_path / "chat.db"
    junk.write_bytes(b"not sqlite at all" * 100)
    _, skips = _split(imessage.scan(junk))
    assert "cannot read the Messages database" in skips[0].reason or "not an iMessage" in skips[0].reason


ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:weekly-1\r
DTSTART;TZID=Europe/Paris:{weekly_start}\r
DTEND;TZID=Europe/Paris:{weekly_end}\r
RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=6\r
EXDATE;TZID=Europe/Paris:{weekly_exdate}\r
SUMMARY:Piano lesson with\r
  Mrs. Keller\r
LOCATION:Music school\\, room 4\r
DESCRIPTION:Bring the Czerny book.\\nPay for March.\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:weekly-1\r
RECURRENCE-ID;TZID=Europe/Paris:{weekly_moved}\r
DTSTART;TZID=Europe/Paris:{weekly_moved_to}\r
SUMMARY:Piano lesson (moved)\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:daily-standup\r
DTSTART:{daily_start}\r
RRULE:FREQ=DAILY;UNTIL={daily_until}\r
SUMMARY:Standup\r
ORGANIZER;CN=Boss:mailto:boss@work.example\r
ATTENDEE;CN=Me:mailto:me@example.com\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:bday\r
DTSTART;VALUE=DATE:{bday}\r
RRULE:FREQ=YEARLY\r
SUMMARY:Anna's birthday\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:monthly\r
DTSTART:{monthly}\r
RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=3\r
SUMMARY:Book club\r
END:VEVENT\r
BEGIN:VEVENT\r
SUMMARY:broken\r
DTSTART:not-a-date\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_ics_recurrence_expansion(tmp_path: Path) -> None:
    now = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    path = tmp_path / "cal.ics"
    path.write_text(
        ICS.format(
            weekly_start="20240305T170000",
            weekly_end="20240305T180000",
            weekly_exdate="20240307T170000",
            weekly_moved="20240319T170000",
            weekly_moved_to="20240320T180000",
            daily_start="20240304T080000Z",
            daily_until="20240308T080000Z",
            bday="19900310",
            monthly="20240101T190000Z",
        ),
        encoding="utf-8",
    )
    items, skips = _split(calendar.scan(path, now=now))
    by_uid: dict[str, list[Item]] = {}
    for item in items:
        by_uid.setdefault(item.group, []).append(item)
    piano = sorted(by_uid["cal:weekly-1"], key=lambda i: i.date)
    # every 2nd week Tue+Thu, 6 occurrences: Mar 5, 7, 19, 21, Apr 2, 4; EXDATE Mar 7; Mar 19 moved to Mar 20
    assert [i.date.strftime("%m-%d %H:%M") for i in piano] == [
        "03-05 17:00",
        "03-20 18:00",
        "03-21 17:00",
        "04-02 17:00",
        "04-04 17:00",
    ]
    assert piano[0].title == "Piano lesson with Mrs. Keller"  # folded line unfolded
    assert "Where: Music school, room 4" in piano[0].units[0]
    assert "Pay for March." in "\n".join(piano[0].units)
    assert piano[1].title == "Piano lesson (moved)"
    assert piano[0].trusted  # the user's own event
    standup = by_uid["cal:daily-standup"]
    assert len(standup) == 5 and not standup[0].trusted  # an invitation: someone else wrote it
    assert "Boss <boss@work.example>" in standup[0].people
    bdays = by_uid["cal:bday"]
    assert {i.date.year for i in bdays} == {
        2023,
        2024,
    }  # yearly, only inside the window (a year back, a year ahead)
    club = sorted(by_uid["cal:monthly"], key=lambda i: i.date)
    assert [i.date.strftime("%m-%d") for i in club] == ["01-01", "02-05", "03-04"]  # first Mondays
    assert any("DTSTART" in s.reason for s in skips)


VCF = """BEGIN:VCARD\r
VERSION:3.0\r
FN:Dr. Maria Zhou\r
N:Zhou;Maria;;Dr.;\r
EMAIL;TYPE=work:maria.zhou@clinic.example\r
TEL;TYPE=cell:+1 555 0100\r
ORG:City Dental Clinic\r
NOTE:Dentist. Prefers appointments\r
  on Tuesday mornings.\r
UID:card-1\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:2.1\r
N:Müller;Hans\r
NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Neighbour, has the =\r
spare key=C3=BC\r
TEL;CELL:+49 170 1234567\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:4.0\r
TEL:+1 000\r
END:VCARD\r
"""


def test_vcf_cards(tmp_path: Path) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(VCF, encoding="utf-8")
    items, skips = _split(contacts.scan(path))
    assert [i.title for i in items] == ["Dr. Maria Zhou", "Hans Müller"]
    maria = items[0]
    assert maria.trusted and maria.source_type == "contact"
    assert "maria.zhou@clinic.example" in maria.people
    text = "\n".join(maria.units)
    assert "Tuesday mornings" in text and "City Dental Clinic" in text and "+1 555 0100" in text
    assert "spare keyü" in "\n".join(items[1].units)
    assert len(skips) == 1


def test_documents_formats_and_bad_files(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "notes.md").write_text(
        "# Garden plan\n\nPlant tomatoes in May.\n\nWater daily.", encoding="utf-8"
    )
    (docs / "sub" / "plain.txt").write_text("The boiler code is 4471.", encoding="utf-8")
    (docs / "page.html").write_text(
        "<html><head><title>Recipe</title><style>p{}</style></head><body><p>Mix flour and eggs.</p></body></html>",
        encoding="utf-8",
    )
    write_pdf(
        docs / "lease.pdf", ["Lease agreement", "Rent is due on the first of the month."], title="Lease"
    )
    write_docx(docs / "cv.docx", ["Curriculum vitae", "Worked at Acme as an engineer."], title="My CV")
    (docs / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(100))
    (docs / "binary.txt").write_bytes(b"abc\x00\x01\x02" * 100)
    (docs / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (docs / "empty.md").write_text("   \n", encoding="utf-8")
    (docs / "dangling.txt").symlink_to(tmp_path / "missing-target")
    (docs / "fake.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (docs / ".hidden.txt").write_text("hidden", encoding="utf-8")
    items, skips = _split(documents.scan(docs))
    titles = sorted(i.title for i in items)
    assert titles == ["Garden plan", "Lease", "My CV", "Recipe", "plain.txt"]
    text = {i.title: "\n".join(i.units) for i in items}
    assert "Rent is due" in text["Lease"] and "Acme" in text["My CV"] and "Mix flour" in text["Recipe"]
    assert "p{}" not in text["Recipe"]
    reasons = {Path(s.what).name: s.reason for s in skips}
    assert "unsupported" in reasons["image.png"]
    assert "binary" in reasons["binary.txt"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "no text" in reasons["empty.md"]
    assert "cannot read" in reasons["dangling.txt"]
    assert "PDF" in reasons["fake.pdf"]
    # The user's own notes are trusted; a saved web page and a PDF carry someone else's words.
    assert {i.title: i.trusted for i in items} == {
        "Garden plan": True, "plain.txt": True, "My CV": True, "Recipe": False, "Lease": False}


def test_huge_file_skipped(tmp_path: Path, monkeypatch) -> None:
    import memory.connectors.documents as docmod

    monkeypatch.setattr(docmod, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000, encoding="utf-8")
    _, skips = _split(documents.scan(big))
    assert "too large" in skips[0].reason
