"""The original of a remembered item that is not a file of its own: a message inside an mbox,
Maildir or .eml, found again by its Message-ID, read as headers and plain text.

A citation's ``path`` is ``<file>#<id>`` for such items (``mail.mbox#<message-id>``); a file
URL made from it leads nowhere, so the app shows the original in its own read-only viewer.
Mail is untrusted content: the body comes back as plain text (HTML reduced to its text), and
nothing in it is fetched or run.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from memory.extract import MAX_FILE_BYTES, decode_text, html_to_text

HEADERS = ("From", "To", "Cc", "Date", "Subject")


@dataclass(frozen=True)
class Original:
    """An item as its source holds it: a title, header lines (name, value) and a plain-text body."""

    title: str
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    date: str = ""  # ISO 8601, when the source has one
    where: str = ""  # the file it is in
    notes: tuple[str, ...] = field(default_factory=tuple)


def split_path(path: str) -> tuple[str, str]:
    """``"/x/mail.mbox#id@host"`` -> ``("/x/mail.mbox", "id@host")``; no fragment -> ``(path, "")``."""
    file, _, fragment = (path or "").partition("#")
    return file, fragment


def is_file_of_its_own(path: str) -> bool:
    """Whether a citation's path names an existing file that is the whole item (a document)."""
    file, fragment = split_path(path)
    return bool(file) and not fragment and Path(file).is_file()


def _clean_id(value: str | None) -> str:
    return (value or "").strip().strip("<>").strip()


def _plain_body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True)
        text = decode_text(payload) if isinstance(payload, bytes) else str(payload or "")
    if part.get_content_type() == "text/html":
        text = html_to_text(str(text))[1]
    return str(text).replace("\r\n", "\n").strip()


def message_original(raw: bytes, where: str) -> Original:
    """One RFC 5322 message as headers and plain text."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    headers: list[tuple[str, str]] = []
    for name in HEADERS:
        try:
            value = str(msg.get(name, "") or "").strip()
        except Exception:  # a malformed header is left out, not fatal
            value = ""
        if value:
            headers.append((name, " ".join(value.split())))
    date = ""
    try:
        date = parsedate_to_datetime(str(msg.get("Date"))).isoformat() if msg.get("Date") else ""
    except (TypeError, ValueError, IndexError):
        date = ""
    subject = dict(headers).get("Subject", "")
    attachments = [p.get_filename() for p in msg.iter_attachments() if p.get_filename()]
    notes = (f"Attachments (not opened): {', '.join(str(a) for a in attachments)}",) if attachments else ()
    return Original(title=subject or "(no subject)", headers=tuple(headers), body=_plain_body(msg), date=date,
                    where=where, notes=notes)


def _messages(file: Path) -> list[bytes]:
    if file.is_dir():  # a Maildir, or a folder of .eml files
        if (file / "cur").is_dir():
            maildir = mailbox.Maildir(str(file), factory=None, create=False)
            return [maildir.get_bytes(key) for key in maildir.iterkeys()]
        return [p.read_bytes() for p in sorted(file.rglob("*.eml"))]
    if file.suffix.lower() == ".eml":
        return [file.read_bytes()]
    box = mailbox.mbox(str(file), create=False)
    return [box.get_bytes(key) for key in box.iterkeys()]


def find_mail(path: str) -> Original | None:
    """The message a mail citation's path points at (``<mbox|maildir|eml>#<message-id>``), or None
    when the file is gone or no longer holds it. Reads the file: call it off the GUI thread."""
    file_name, message_id = split_path(path)
    file = Path(file_name)
    if not file_name or not file.exists():
        return None
    if file.is_file() and file.stat().st_size > 20 * MAX_FILE_BYTES:
        return None
    try:
        raws = _messages(file)
    except (OSError, mailbox.Error):
        return None
    for raw in raws:
        if not message_id and len(raws) == 1:
            return message_original(raw, file_name)
        head = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
        if _clean_id(str(head.get("Message-ID", ""))) == message_id:
            return message_original(raw, file_name)
    return None
