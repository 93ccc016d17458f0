"""Builders for small, real-format test inputs: mbox, Maildir, .eml, chat.db, .ics, .vcf, documents."""

from __future__ import annotations

import sqlite3
import zlib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from bench.personal_corpus import CHAT_DB_SCHEMA

APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)

# one sentence per note, each easy to find again by searching for it
TOPICS = [
    "The boiler service is booked for Tuesday morning",
    "Tomatoes go into the greenhouse in late May",
    "The car insurance renews on the first of March",
    "Grandma's birthday dinner is at the harbour restaurant",
    "The library books are due back next Friday",
    "Passport renewal needs two photos and the old passport",
]


def write_topic_docs(folder: Path, notes: int = 0) -> Path:
    """A folder of one note per topic (marked TOPIC<i>) and ``notes`` filler notes of varied length."""
    folder.mkdir()
    for i, topic in enumerate(TOPICS):
        (folder / f"topic{i}.txt").write_text(f"{topic}. Marker TOPIC{i}.", encoding="utf-8")
    for i in range(notes):
        (folder / f"note{i:03d}.txt").write_text(
            f"Note {i} about ordinary things. " + "Words about the day and the week. " * (2 + i % 4),
            encoding="utf-8",
        )
    return folder


def make_mail(
    subject: str,
    body: str,
    *,
    sender: str = "Alice Smith <alice@example.com>",
    to: str = "Me <me@example.com>",
    date: datetime | None = None,
    html: str | None = None,
    attachment: tuple[str, bytes, str] | None = None,
    headers: dict[str, str] | None = None,
    msgid: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date or datetime(2024, 3, 5, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = msgid or make_msgid(domain="example.com")
    for key, value in (headers or {}).items():
        msg[key] = value
    if html is not None and not body:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    if attachment:
        name, data, ctype = attachment
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def write_mbox(path: Path, messages: list[EmailMessage]) -> Path:
    with path.open("wb") as handle:
        for msg in messages:
            raw = msg.as_bytes().replace(b"\nFrom ", b"\n>From ")
            handle.write(b"From MAILER-DAEMON Tue Mar  5 09:30:00 2024\n" + raw + b"\n\n")
    return path


def write_maildir(root: Path, messages: list[EmailMessage]) -> Path:
    import mailbox

    box = mailbox.Maildir(str(root), create=True)
    for msg in messages:
        box.add(msg.as_bytes())
    box.close()
    return root


def apple_ns(when: datetime) -> int:
    return int((when - APPLE_EPOCH).total_seconds() * 1e9)


def attributed_body(text: str) -> bytes:
    """An NSAttributedString archived the way Messages does (typedstream), holding ``text``."""
    data = text.encode("utf-8")
    length = bytes([len(data)]) if len(data) < 128 else b"\x81" + len(data).to_bytes(2, "little")
    return (
        b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00"
        b"\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+"
        + length
        + data
        + b"\x86\x84\x02iI\x01\x05\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84\x01i\x01\x92\x84\x96\x96"
        b"\x1d__kIMMessagePartAttributeName\x86\x92\x84\x84\x84\x08NSNumber\x00\x84\x84\x07NSValue\x00\x94\x84\x01*"
        b"\x84\x99\x99\x00\x86\x86\x86"
    )


def write_chat_db(
    path: Path, chats: dict[str, list[tuple[str, str, datetime, bool]]], *, new_style: bool = True
) -> Path:
    """chats: display name -> [(handle, text, when, from_me)]. New-style rows keep text in attributedBody."""
    con = sqlite3.connect(path)
    con.executescript(CHAT_DB_SCHEMA)
    handles: dict[str, int] = {}
    for n, (name, msgs) in enumerate(chats.items()):
        cur = con.execute(
            "INSERT INTO chat (guid, chat_identifier, display_name, service_name) VALUES (?,?,?,?)",
            (f"iMessage;-;chat{n}", msgs[0][0], name, "iMessage"),
        )
        chat_id = cur.lastrowid
        for m, (handle, text, when, from_me) in enumerate(msgs):
            if handle not in handles:
                handles[handle] = con.execute(
                    "INSERT INTO handle (id, service) VALUES (?, 'iMessage')", (handle,)
                ).lastrowid  # type: ignore[assignment]
            body = attributed_body(text) if new_style and m % 2 == 0 else None
            cur = con.execute(
                "INSERT INTO message (guid, text, attributedBody, handle_id, date, is_from_me, service) VALUES (?,?,?,?,?,?,?)",
                (
                    f"msg-{n}-{m}",
                    None if body else text,
                    body,
                    0 if from_me else handles[handle],
                    apple_ns(when),
                    int(from_me),
                    "iMessage",
                ),
            )
            con.execute(
                "INSERT INTO chat_message_join (chat_id, message_id) VALUES (?,?)", (chat_id, cur.lastrowid)
            )
    con.commit()
    con.close()
    return path


def write_pdf(path: Path, lines: list[str], title: str = "") -> Path:
    """A tiny, valid one-page PDF with a real text layer."""
    content = (
        "BT /F1 12 Tf 72 720 Td 14 TL "
        + " ".join(f"({line.replace('(', '').replace(')', '')}) '" for line in lines)
        + " ET"
    )
    stream = zlib.compress(content.encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + title.encode("latin-1") + b") >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def write_docx(path: Path, paragraphs: list[str], title: str = "") -> Path:
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for para in paragraphs:
        document.add_paragraph(para)
    document.save(str(path))
    return path
