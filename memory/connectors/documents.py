"""Documents: a folder (or one file) of .txt, .md, .pdf, .docx and .html (a folder's mail,
calendar and contact files go to their own connectors).

One file is one item; its paragraphs (pages for PDF) are the units. The user added the folder as
their own, so a note (text, Markdown, Word) in it is trusted, unless something says someone else
wrote it: a downloads or mail folder, a cloned repository, the quarantine flag, another owner, an
unpacked archive's date; saved web pages and PDFs are never trusted (:mod:`app.policy.provenance`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from app.policy import provenance, secret_stores
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

KIND = "documents"
EXTENSIONS = {".txt", ".text", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm"}


_SECRET = "a secret store (keys, passwords, tokens): never read into memory"


def _files(root: Path, problems: list[Skip]) -> list[Path]:
    """The files under ``root``, less hidden ones and secret stores (and links into them): a search
    of memory must not answer with a key (:mod:`app.policy.secret_stores`)."""
    secrets = secret_stores.Matcher()
    if secrets.find(root):
        problems.append(Skip(str(root), _SECRET))
        return []
    if root.is_file():
        return [root]
    found: list[Path] = []

    def onerror(exc: OSError) -> None:
        problems.append(
            Skip(
                str(exc.filename or root),
                f"cannot list folder: {exc.strerror or exc}",
                keep=str(exc.filename or ""),
            )
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in [d for d in dirnames if secrets.find(Path(dirpath) / d)]:
            dirnames.remove(d)
            problems.append(Skip(str(Path(dirpath) / d), _SECRET))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            if secrets.find(Path(dirpath) / name):
                problems.append(Skip(str(Path(dirpath) / name), _SECRET))
                continue
            found.append(Path(dirpath) / name)
    return found


def read_document(path: Path, repos: provenance.RepoCache | None = None) -> Item:
    """One file as an item; raises :class:`Unreadable` with the reason."""
    ext = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"too large ({size // (1024 * 1024)} MB > {MAX_FILE_BYTES // (1024 * 1024)} MB)")
        data = path.read_bytes()
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except PermissionError as exc:
        raise Unreadable("permission denied") from exc
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from exc
    title = ""
    if ext == ".pdf":
        title, units = pdf_pages(data)
    elif ext == ".docx":
        title, units = docx_paragraphs(data)
    elif ext in (".html", ".htm"):
        title, text = html_to_text(decode_text(data))
        units = paragraphs(text)
    else:
        text = decode_text(data)
        units = paragraphs(text)
        if ext in (".md", ".markdown"):
            for line in text.splitlines():
                if line.startswith("#"):
                    title = line.lstrip("#").strip()
                    break
    if not any(u.strip() for u in units):
        raise Unreadable("no text in it")
    resolved = str(path.resolve())
    return Item(
        key=resolved,
        kind=KIND,
        source_type="document",
        title=title or path.name,
        units=tuple(units),
        date=mtime,
        trusted=path.suffix.lower() in provenance.OWN_FORMATS and not provenance.someone_elses(Path(resolved), repos),
        path=resolved,
    )


def _other_kinds() -> dict[str, Callable[[Path], Scan]]:
    """Files in a folder that another connector reads: mail, calendars and contacts."""
    from memory.connectors import calendar, contacts, mail

    return {".mbox": mail.scan_mbox, ".eml": mail.scan_eml, ".ics": calendar.scan,
            ".vcf": contacts.scan, ".vcard": contacts.scan}


def scan(root: Path) -> Scan:
    """A document, or a folder: its documents, and its .mbox/.eml/.ics/.vcf files through their
    own connectors (so adding a folder misses none of what Hearth can read)."""
    problems: list[Skip] = []
    files = _files(root, problems)
    others = _other_kinds() if root.is_dir() else {}

    def entries() -> Iterator[Item | Skip]:
        yield from problems
        repos: provenance.RepoCache = {}  # each folder's repository is looked up once per scan
        for path in files:
            ext = path.suffix.lower()
            if ext in others:
                inner = others[ext](path)
                yield from inner.entries
                if not inner.complete:
                    result.complete = False  # a file read only in part: keep what it held before
                continue
            if ext not in EXTENSIONS:
                yield Skip(str(path), f"unsupported file type ({ext or 'no extension'})")
                continue
            try:
                yield read_document(path, repos)
            except Unreadable as exc:
                yield Skip(str(path), str(exc), keep=str(path.resolve()))

    result = Scan(total=len(files), entries=entries(), complete=not problems)
    return result
