"""Which connector reads a path: by the ``kind`` the caller names, or by looking at the path."""

from __future__ import annotations

from pathlib import Path

from app.events import HearthError
from memory.connectors import Scan, calendar, contacts, documents, imessage, mail

KINDS = ("documents", "mbox", "maildir", "eml", "ics", "vcf", "imessage")


def detect_kind(path: Path) -> str:
    if path.is_dir():
        if (path / "cur").is_dir() and (path / "new").is_dir():
            return "maildir"
        return "documents"
    suffix = path.suffix.lower()
    by_suffix = {".mbox": "mbox", ".eml": "eml", ".ics": "ics", ".vcf": "vcf", ".vcard": "vcf"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    if path.name == "chat.db":
        return "imessage"
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return "documents"
    if head.startswith(b"From "):
        return "mbox"
    if head.startswith(b"SQLite format 3"):
        return "imessage"
    if head.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
        return "ics"
    if head.lstrip().upper().startswith(b"BEGIN:VCARD"):
        return "vcf"
    return "documents"


def scan_path(path: Path, kind: str) -> Scan:
    if kind not in KINDS:
        raise HearthError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    if kind == "documents":
        return documents.scan(path)
    if kind == "mbox":
        return mail.scan_mbox(path)
    if kind == "maildir":
        return mail.scan_maildir(path)
    if kind == "eml":
        return mail.scan_eml(path)
    if kind == "ics":
        return calendar.scan(path)
    if kind == "vcf":
        return contacts.scan(path)
    return imessage.scan(path)
