"""Mail: mbox (Gmail Takeout included), Maildir, and .eml files.

One message is one item (so a chunk never mixes two mails): a header unit (from, to, date,
subject), the body's paragraphs as plain text (HTML stripped), then the text of small
attachments. Mail is written by third parties, so it is never trusted.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import mailbox
import re
from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from app.policy import secret_stores
from memory.connectors import Scan
from memory.extract import (
    MAX_FILE_BYTES,
    Unreadable,
    decode_text,
    docx_paragraphs,
    html_to_text,
    paragraphs,
    pdf_pages,
)
from memory.items import Item, Skip

ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024  # attachments' text only where cheap
MAX_MESSAGE_BYTES = 30 * 1024 * 1024


def _addresses(msg: EmailMessage, *headers: str) -> list[str]:
    values: list[str] = []
    for header in headers:
        values.extend(str(v) for v in msg.get_all(header, []) or [])
    people = []
    for name, addr in email.utils.getaddresses(values):
        name = name.strip().strip('"')
        addr = addr.strip().lower()
        if name and addr:
            people.append(f"{name} <{addr}>")
        elif addr or name:
            people.append(addr or name)
    return people


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return str(content)


def _attachment_text(part: EmailMessage) -> str:
    name = part.get_filename() or "attachment"
    ctype = part.get_content_type()
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or len(payload) > ATTACHMENT_MAX_BYTES:
        return ""
    lowered = name.lower()
    try:
        if ctype == "application/pdf" or lowered.endswith(".pdf"):
            text = "\n".join(pdf_pages(payload)[1])
        elif lowered.endswith(".docx"):
            text = "\n".join(docx_paragraphs(payload)[1])
        elif ctype == "text/html" or lowered.endswith((".html", ".htm")):
            text = html_to_text(decode_text(payload))[1]
        elif ctype.startswith("text/") or lowered.endswith((".txt", ".md")):
            text = decode_text(payload)
        else:
            return ""
    except Unreadable:
        return ""
    return f"Attachment {name}:\n{text}" if text.strip() else ""


def _body_and_attachments(msg: EmailMessage) -> tuple[str, list[str]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        ctype = part.get_content_type()
        if disposition == "attachment" or (part.get_filename() and ctype not in ("text/plain", "text/html")):
            text = _attachment_text(part)  # type: ignore[arg-type]
            if text:
                attachments.append(text)
        elif ctype == "text/plain":
            plain.append(_part_text(part))  # type: ignore[arg-type]
        elif ctype == "text/html":
            html.append(html_to_text(_part_text(part))[1])  # type: ignore[arg-type]
    body = "\n\n".join(plain) if any(p.strip() for p in plain) else "\n\n".join(html)
    return body, attachments


def _clean_id(value: str | None) -> str:
    return (value or "").strip().strip("<>").strip()


def _thread(msg: EmailMessage, subject: str) -> str:
    gmail = str(msg.get("X-GM-THRID", "") or "").strip()
    if gmail:
        return f"gm:{gmail}"
    refs = str(msg.get("References", "") or "").split()
    if refs:
        return _clean_id(refs[0])
    reply = _clean_id(str(msg.get("In-Reply-To", "") or ""))
    if reply:
        return reply
    return "subj:" + re.sub(r"^((re|fwd?|aw|sv)\s*:\s*)+", "", subject.strip(), flags=re.I).lower()


def message_item(raw: bytes, kind: str, where: str) -> Item:
    """One raw RFC 5322 message as an item; ``where`` is the mbox/Maildir/.eml it came from."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise Unreadable(f"message too large ({len(raw) // (1024 * 1024)} MB)")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(msg, EmailMessage):
        raise Unreadable("not a mail message")
    try:
        subject = str(msg.get("Subject", "") or "").strip()
    except Exception:
        subject = ""
    date: datetime | None = None
    try:
        date_header = msg.get("Date")
        date = email.utils.parsedate_to_datetime(str(date_header)) if date_header else None
    except (TypeError, ValueError, IndexError):
        date = None
    senders = _addresses(msg, "From")
    recipients = _addresses(msg, "To", "Cc")
    if not senders and not recipients and not subject and not msg.get("Message-ID"):
        raise Unreadable("no mail headers (not a mail message)")
    body, attachments = _body_and_attachments(msg)
    header = "\n".join(
        line
        for line in (
            f"From: {', '.join(senders)}" if senders else "",
            f"To: {', '.join(recipients)}" if recipients else "",
            f"Date: {date.isoformat()}" if date else "",
            f"Subject: {subject}" if subject else "",
        )
        if line
    )
    message_id = _clean_id(str(msg.get("Message-ID", "") or ""))
    key = message_id or "sha:" + hashlib.sha256(raw).hexdigest()
    people = tuple(dict.fromkeys(senders + recipients))
    return Item(
        key=key,
        kind=kind,
        source_type="mail",
        title=subject or "(no subject)",
        units=(header, *paragraphs(body), *attachments),
        date=date,
        people=people,
        trusted=False,
        path=f"{where}#{message_id}" if message_id else where,
        thread=_thread(msg, subject),
        fields=tuple((k, v) for k, v in (("sender", ", ".join(senders)), ("subject", subject)) if v),
    )


def _looks_like_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\r\n")
    return head.startswith(b"From ")


def scan_mbox(path: Path) -> Scan:
    where = str(path.resolve())
    try:
        if not _looks_like_mbox(path):
            return Scan(
                0,
                iter([Skip(where, "not an mbox file (it must start with a 'From ' line)", keep=where)]),
                complete=False,
            )
        box = mailbox.mbox(str(path), create=False)
        keys = list(box.keys())
    except (OSError, mailbox.Error) as exc:
        return Scan(0, iter([Skip(where, f"cannot read mbox: {exc}", keep=where)]), complete=False)

    def entries() -> Iterator[Item | Skip]:
        for number, key in enumerate(keys, 1):
            try:
                yield message_item(box.get_bytes(key), "mbox", where)
            except (Unreadable, ValueError, LookupError, UnicodeError, IndexError, TypeError) as exc:
                yield Skip(f"{where} message {number}", str(exc) or type(exc).__name__)
        box.close()

    return Scan(len(keys), entries())


def scan_maildir(path: Path) -> Scan:
    where = str(path.resolve())
    if not all((path / sub).is_dir() for sub in ("cur", "new")):
        return Scan(
            0, iter([Skip(where, "not a Maildir (no cur/ and new/ folders)", keep=where)]), complete=False
        )
    try:
        box = mailbox.Maildir(str(path), factory=None, create=False)
        keys = list(box.keys())
    except (OSError, mailbox.Error) as exc:
        return Scan(0, iter([Skip(where, f"cannot read Maildir: {exc}", keep=where)]), complete=False)

    def entries() -> Iterator[Item | Skip]:
        for key in keys:
            try:
                yield message_item(box.get_bytes(key), "maildir", where)
            except (OSError, Unreadable, ValueError, LookupError, UnicodeError, IndexError, TypeError) as exc:
                yield Skip(f"{where}/{key}", str(exc) or type(exc).__name__, keep=f"{where}#")

    return Scan(len(keys), entries())


def scan_eml(path: Path) -> Scan:
    """``.eml`` files: one, or every one under a folder, less secret stores and links into them."""
    secrets = secret_stores.Matcher()
    found = sorted(path.rglob("*.eml")) if path.is_dir() else [path]
    files = [f for f in found if not secrets.find(f)]
    refused = [f for f in found if f not in files]

    def entries() -> Iterator[Item | Skip]:
        for file in refused:
            yield Skip(str(file), "a secret store (keys, passwords, tokens): never read into memory")
        for file in files:
            where = str(file.resolve())
            try:
                if file.stat().st_size > MAX_FILE_BYTES:
                    raise Unreadable("too large")
                yield message_item(file.read_bytes(), "eml", where)
            except PermissionError:
                yield Skip(where, "permission denied", keep=where)
            except (OSError, Unreadable, ValueError, LookupError, UnicodeError, IndexError, TypeError) as exc:
                yield Skip(where, str(exc) or type(exc).__name__, keep=where)

    return Scan(len(found), entries())
