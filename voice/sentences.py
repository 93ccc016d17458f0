"""Cut streamed text into sentences as it arrives, so each can be spoken at once.

A boundary is ``.``, ``!``, ``?`` (or a run of them, with closing quotes) followed by
whitespace and then a character that opens a sentence; so "$29.99", "e.g. this", "Dr. Smith"
and "3. items" do not split, and nothing is cut until the next word has begun to arrive.
Blank lines always split. :meth:`SentenceSplitter.flush` returns the rest at the end.

With ``first_clause_words`` set, the *first* piece of a reply may also end at a comma, colon or
semicolon once it has that many words, so the voice can start before a long opening sentence
is complete. With ``first_break_words`` set, a first piece without such a mark may also end
before a joining word ("and", "but", "because", "which", "so", ...) or after a dash, once it has
that many words. Later sentences are always whole.
"""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "e.g", "i.e", "eg", "ie",
    "approx", "no", "vol", "fig", "inc", "ltd", "co", "corp", "dept", "est", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu",
    "fri", "sat", "sun", "a.m", "p.m", "u.s", "u.k", "ph.d", "min", "max", "ave", "rd", "blvd",
}  # fmt: skip
# Abbreviations that often end a sentence: split after them when a capital follows.
SOFT_ABBREVIATIONS = {"etc", "a.m", "p.m", "inc", "ltd", "co", "corp"}

_CLOSERS = "\"')]}\u201d\u2019"
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_CLAUSE = re.compile(r"[,;:](?=\s+\S)")
# Where a spoken first piece can pause naturally: before a joining word, or after a dash.
_BREAK = re.compile(
    r"\s+(?=(?:and|but|because|which|so|or|while|although|though|whereas|since|then)\s+\S)"
    r"|(?<=\s[-\u2013\u2014])(?=\s+\S)|(?<=\w[\u2013\u2014])(?=\w)"
)


class SentenceSplitter:
    """Feed text pieces; get back the sentences they complete."""

    def __init__(self, *, min_chars: int = 2, first_clause_words: int = 0, first_break_words: int = 0) -> None:
        self._buffer = ""
        self._min_chars = min_chars
        self._first_clause_words = first_clause_words
        self._first_break_words = first_break_words
        self._emitted = 0

    def feed(self, text: str) -> list[str]:
        self._buffer += text
        return self._drain()

    def flush(self) -> list[str]:
        """The sentences left at the end of the stream (including an unterminated last one)."""
        out = self._drain()
        rest = self._buffer.strip()
        self._buffer = ""
        if rest:
            out.append(rest)
        return out

    def reset(self) -> None:
        """Forget pending text (barge-in)."""
        self._buffer = ""
        self._emitted = 0

    def _drain(self) -> list[str]:
        out: list[str] = []
        while True:
            cut = self._find_boundary()
            if cut is None:
                return out
            sentence = self._buffer[:cut].strip()
            self._buffer = self._buffer[cut:].lstrip()
            if len(sentence) >= self._min_chars or any(c.isalnum() for c in sentence):
                out.append(sentence)
                self._emitted += 1

    def _find_boundary(self) -> int | None:
        text = self._buffer
        sentence_end = self._find_sentence_end(text)
        if self._emitted == 0:
            cuts = [
                self._find_first_cut(text, sentence_end, _CLAUSE, self._first_clause_words, 1),
                self._find_first_cut(text, sentence_end, _BREAK, self._first_break_words, 0),
            ]
            found = [cut for cut in cuts if cut is not None]
            if found:
                return min(found)
        return sentence_end

    @staticmethod
    def _find_first_cut(text: str, limit: int | None, pattern: re.Pattern[str], words: int, after: int) -> int | None:
        """The first match of ``pattern`` before ``limit`` with at least ``words`` words before it."""
        if not words:
            return None
        stop = len(text) if limit is None else limit
        for match in pattern.finditer(text, 0, stop):
            if len(text[: match.start()].split()) >= words:
                return match.start() + after
        return None

    def _find_sentence_end(self, text: str) -> int | None:
        blank = text.find("\n\n")
        i = 0
        while i < len(text):
            if blank != -1 and i >= blank:
                return blank
            char = text[i]
            if char in ".!?":
                end = i + 1
                while end < len(text) and (text[end] in ".!?" or text[end] in _CLOSERS):
                    end += 1
                if end >= len(text):
                    return None  # wait: the next character decides (flush() takes the rest)
                if not text[end].isspace():
                    i = end
                    continue
                nxt = end
                while nxt < len(text) and text[nxt].isspace():
                    nxt += 1
                if nxt >= len(text):
                    return None  # only whitespace so far: wait for the next word to start
                if self._is_boundary(text, i, end, text[nxt]):
                    return end
                i = end
                continue
            i += 1
        if blank != -1:
            return blank
        return None

    def _is_boundary(self, text: str, mark: int, end: int, next_char: str) -> bool:
        if text[mark] in "!?":
            return True
        if next_char.islower():
            return False  # "e.g. this", "approx. ten": a sentence does not start in lower case
        if text[mark:end].startswith("..."):
            return True
        match = _WORD_BEFORE.search(text[:mark])
        word = match.group(1).lower().rstrip(".") if match else ""
        if word in ABBREVIATIONS:
            return word in SOFT_ABBREVIATIONS and next_char.isupper()
        if match and len(match.group(1)) == 1 and match.group(1).isupper():
            return False  # an initial: "J. Smith"
        before = text[:mark].rstrip()
        if before[-1:].isdigit() and next_char.isdigit():
            return False
        if before[-1:].isdigit() and len(before) >= 1:
            # "1. First" in a list: a bare number before the dot at the start of a line.
            line = before.rsplit("\n", 1)[-1].strip()
            if line.isdigit():
                return False
        return True
