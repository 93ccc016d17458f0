"""Approval text a person can trust: characters that hide or reorder text are shown as escapes.

A right-to-left override makes ``rm -rf ~/Documents`` read like ``cat note.txt``; a zero-width
space makes two different commands look the same; an escape sequence can rewrite the terminal.
Every approver (the panel, the terminal, the voice line) shows text through :func:`escape_hidden`,
which turns each such character into a visible ``⟨U+202E⟩``, and warns with
:data:`HIDDEN_WARNING`. Only the display changes: what runs stays byte-identical to what was
hashed and approved. :func:`hidden_characters` is what the gate uses to make such an action ask.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

HIDDEN_WARNING = (
    "This contains hidden characters (shown as ⟨U+…⟩): they can make text look different from what runs."
)

# Bidirectional controls: embeddings, overrides, isolates, marks.
BIDI = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C])
# Zero-width and invisible characters.
ZERO_WIDTH = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E, 0x2061, 0x2062, 0x2063, 0x2064,
                        0x00AD, 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5])
_KEEP = frozenset("\n\t")  # shown as themselves: line breaks and tabs are visible in every view
_ZWJ = 0x200D
_VARIATION_SELECTOR_16 = 0xFE0F


def _pictographic(ch: str) -> bool:
    cp = ord(ch)
    return cp >= 0x1F000 or 0x2600 <= cp <= 0x27BF or cp == _VARIATION_SELECTOR_16 or 0x1F3FB <= cp <= 0x1F3FF


def _is_hidden(text: str, i: int) -> bool:
    ch = text[i]
    cp = ord(ch)
    if ch in _KEEP:
        return False
    if cp == _ZWJ and 0 < i < len(text) - 1 and _pictographic(text[i - 1]) and _pictographic(text[i + 1]):
        return False  # joins an emoji sequence (👨‍👩‍👧): nothing is hidden
    if cp in BIDI or cp in ZERO_WIDTH:
        return True
    if 0xE0000 <= cp <= 0xE007F:  # tag characters: invisible ASCII
        return True
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"):
        return True
    return category == "Zs" and ch != " "  # no-break and other spaces that look like a space


def hidden_characters(text: str) -> list[str]:
    """The hidden characters in ``text``, as ``U+XXXX`` names, once each in order of appearance."""
    found = (f"U+{ord(text[i]):04X}" for i in range(len(text)) if _is_hidden(text, i))
    return list(dict.fromkeys(found))


def escape_hidden(text: str) -> str:
    """``text`` with every hidden character replaced by a visible ``⟨U+XXXX⟩``."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(f"⟨U+{ord(ch):04X}⟩" if _is_hidden(text, i) else ch for i, ch in enumerate(text))


_ESCAPE = re.compile(r"⟨U\+([0-9A-F]{4,6})⟩")


def unescape_hidden(text: str) -> str:
    """The inverse of :func:`escape_hidden`, for an edit box that showed escaped text."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def strings_in(value: Any) -> Iterable[str]:
    """Every string in a JSON-like value: keys and values, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def hidden_in(value: Any) -> list[str]:
    """The hidden characters anywhere in a JSON-like value (a tool call's arguments)."""
    return list(dict.fromkeys(name for text in strings_in(value) for name in hidden_characters(text)))
