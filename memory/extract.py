"""Plain text out of the formats people keep: text (UTF-8/UTF-16), Markdown, HTML, PDF, DOCX.

Each function raises :class:`Unreadable` with a short reason a person understands; callers skip
the item and go on.
"""

from __future__ import annotations

import io
import re
import warnings

MAX_FILE_BYTES = 20 * 1024 * 1024  # bigger files are skipped as "too large"


class Unreadable(Exception):
    """This content cannot be turned into text; the message says why."""


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is refused, never garbled."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Unreadable("invalid UTF-16 text") from exc
    if b"\x00" in data[:8192]:
        raise Unreadable("binary content, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"not UTF-8 text (invalid byte at offset {exc.start}); re-save it as UTF-8") from exc


def html_to_text(html: str) -> tuple[str, str]:
    """(title, text) of an HTML page: scripts and styles dropped, block structure kept as lines."""
    from bs4 import BeautifulSoup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    for tag in soup(["script", "style", "noscript", "template", "head", "title"]):
        tag.extract()
    text = soup.get_text("\n")
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return title, text.strip()


def pdf_pages(data: bytes) -> tuple[str, list[str]]:
    """(title, text of each page) of a PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    if not reader.decrypt(""):
                        raise Unreadable("encrypted PDF")
                except Exception as exc:
                    raise Unreadable("encrypted PDF") from exc
            title = ""
            try:
                meta = reader.metadata
                title = str(meta.title or "") if meta else ""
            except Exception:
                title = ""
            pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise Unreadable(f"damaged PDF ({type(exc).__name__})") from exc
    if not any(pages):
        raise Unreadable("PDF without a text layer (scanned?)")
    return title, pages


def docx_paragraphs(data: bytes) -> tuple[str, list[str]]:
    """(title, paragraphs and table rows) of a Word .docx file."""
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Unreadable(f"damaged .docx ({type(exc).__name__})") from exc
    except Exception as exc:  # python-docx raises its own PackageNotFoundError etc.
        raise Unreadable(f"not a readable .docx ({type(exc).__name__})") from exc
    paras = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                paras.append(" | ".join(cells))
    title = (document.core_properties.title or "").strip()
    return title, paras


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
