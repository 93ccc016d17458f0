"""Exact pieces of a request: paths as typed, mail addresses, `commands`, quoted or "that says:" text.

Each finder returns the piece exactly as the user wrote it, with where it stands, so a caller can
copy it into a tool call and leave the rest of the sentence for the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int


_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»"}
_TRAILING = ".,;:!?)]}>\"'”’"
# A path starts with ~, ./, ../ or / (not inside a word, an address or a URL) and runs to a space.
_PATH = re.compile(r"(?<![\w@:/.~-])(?:~[\w.-]*(?=/|\s|$|[,;:!?)])|\.{1,2}(?=/)|(?=/[\w.~-]))/?[^\s\"'`<>|;,]*")
_FILE_NAME = re.compile(
    r"(?<![\w/@.~-])[\w][\w.-]*\.(?:txt|md|markdown|pdf|docx?|xlsx?|csv|json|ya?ml|toml|py|sh|log|html?|png|jpe?g|"
    r"gif|zip|tar|gz|mp3|wav|mp4|mov|ics|vcf|eml|key|pages|numbers|rtf|odt)\b",
    re.I,
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?<![.])")
_BACKTICKS = re.compile(r"`([^`\n]+)`")
_CONTENT_MARKER = re.compile(
    r"(?:\b(?:that|which)\s+(?:says|reads|said)|\bsaying|\bwith\s+the\s+(?:text|content|words|line|body)|"
    r"\bcontaining|\bthat\s+contains|\bwith\s+the\s+message|\btelling\s+(?:him|her|them|me)(?:\s+that)?|"
    r"\bwith\s+(?:this|the following)\s+(?:text|content)?)\s*[:,-]?\s+",
    re.I,
)


def _strip_trailing(text: str) -> str:
    """A sentence's punctuation after a path is not part of it ("… to /tmp/x.txt.")."""
    while len(text) > 1 and text[-1] in _TRAILING:
        text = text[:-1]
    return text


def quoted(text: str) -> list[Span]:
    """Text between quotes ("…", '…', “…”), the quotes left out; an apostrophe inside a word is not a quote."""
    found: list[Span] = []
    i = 0
    while i < len(text):
        ch = text[i]
        close = _QUOTES.get(ch)
        opens = close is not None and (i == 0 or not text[i - 1].isalnum())
        if opens and close is not None:
            j = i + 1
            while j < len(text):
                if text[j] == close and (j + 1 == len(text) or not text[j + 1].isalnum() or close == '"'):
                    break
                j += 1
            if j < len(text) and j > i + 1:
                found.append(Span(text[i + 1 : j], i + 1, j))
                i = j + 1
                continue
        i += 1
    return found


def paths(text: str) -> list[Span]:
    """Paths as typed: ``~/Documents/notes/x.md`` keeps its ``~``, ``/tmp/x.txt`` its leading slash.

    A quoted path may hold spaces; a bare file name with a known extension (``report.pdf``) counts too.
    """
    found: list[Span] = []
    for q in quoted(text):
        if re.match(r"^(?:~|\.{1,2})?/", q.text) or (q.text == "~"):
            found.append(q)
    for match in _PATH.finditer(text):
        raw = _strip_trailing(match.group(0))
        if not raw or raw in ("/", ".", ".."):
            continue
        if raw.startswith("//") or any(s.start <= match.start() < s.end + 1 for s in found):
            continue
        found.append(Span(raw, match.start(), match.start() + len(raw)))
    for match in _FILE_NAME.finditer(text):
        inside = [*emails(text), *found]
        if not any(e.start <= match.start() < e.end for e in inside):
            found.append(Span(match.group(0), match.start(), match.end()))
    return sorted(found, key=lambda s: s.start)


def emails(text: str) -> list[Span]:
    """Mail addresses exactly as written."""
    return [Span(m.group(0), m.start(), m.end()) for m in EMAIL.finditer(text)]


def commands(text: str) -> list[Span]:
    """Commands the user put in backticks."""
    return [Span(m.group(1), m.start(1), m.end(1)) for m in _BACKTICKS.finditer(text)]


def content(text: str) -> Span | None:
    """The text after "that says:", "saying", "with the text", … copied verbatim (quotes around it
    dropped); None when the request has no such marker."""
    match = _CONTENT_MARKER.search(text)
    if not match:
        return None
    start = match.end()
    body = text[start:]
    stripped = body.strip()
    lead = len(body) - len(body.lstrip())
    if stripped and stripped[0] in _QUOTES:
        inner = quoted(stripped)
        if inner and inner[0].start == 1:
            q = inner[0]
            return Span(q.text, start + lead + q.start, start + lead + q.end)
    stripped = stripped.rstrip()
    if not stripped:
        return None
    return Span(stripped, start + lead, start + lead + len(stripped))


def after_colon(text: str, head: re.Pattern[str]) -> Span | None:
    """What follows ``head`` and a colon ("Remember: …", "Add a reminder: …")."""
    match = head.search(text)
    if not match:
        return None
    rest = text[match.end():]
    colon = re.match(r"\s*:\s*", rest)
    if not colon:
        return None
    start = match.end() + colon.end()
    value = text[start:].strip()
    return Span(value, start, start + len(value)) if value else None
