"""Make model output speakable: no control characters, emoji, markup or scripts the voice lacks."""

from __future__ import annotations

import re
import unicodedata

_MARKDOWN = re.compile(r"(\*\*|__|\*|`+|^#+\s*|^\s*[-*+]\s+|^\s*>\s*)", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)")
_CITATION = re.compile(r"\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\]")  # "[1]", "[2, 3]": the window links them, a voice says nothing
_URL = re.compile(r"https?://\S+")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:])")
_REPLACE = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": ", ",
    "\u2014": ", ",
    "\u2026": "...",
    "&": " and ",
}
# Letters the English voice can say: Latin script (with accents). Other scripts are dropped
# rather than read out as character names or noise.
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")


def _keep(char: str) -> bool:
    category = unicodedata.category(char)
    if category.startswith("L"):
        return bool(_LATIN_LETTER.match(char))
    if category.startswith(("N", "P")) or char == " ":
        return True
    # Currency and a few maths signs the voice reads; other symbols (emoji, arrows) go.
    return char in "$€£¥%+=@#/"


def clean_for_speech(text: str) -> str:
    """Return the text a voice should read, or "" when nothing in it can be spoken."""
    text = unicodedata.normalize("NFKC", text)
    text = _LINK.sub(r"\1", text)
    text = _CITATION.sub("", text)
    text = _URL.sub(" a link ", text)
    text = _MARKDOWN.sub(" ", text)
    for old, new in _REPLACE.items():
        text = text.replace(old, new)
    # Control characters (tabs, newlines, escape codes) become spaces; everything else filtered.
    text = "".join(
        " " if unicodedata.category(c).startswith("C") or c.isspace() else (c if _keep(c) else " ")
        for c in text
    )
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", text)).strip()
    if not any(c.isalnum() for c in text):
        return ""
    return text
