"""No runaway answers: a streamed answer is cut into sentences, prompt markup never passes, and
the generation is stopped when it repeats itself, starts a new turn of its own, or runs past a
sane length for a question."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# markup of prompts and chat templates: removed wherever it appears
MARKUP = re.compile(r"</?\s*data\b[^>]*>|<\|[^|>]{1,40}\|>|</?tool_call>|</?(?:s|think)>|\[/?INST\]|<<SYS>>|<</SYS>>",
                    re.I)
# a line that starts a new turn or a tool step: the answer is over at that point
TURN_LINE = re.compile(r"<\|(?:im_end|im_start|endoftext|eot_id|end)\|>|(?:^|\n|(?<=[.!?\]])\s)\s*(?:user|assistant|"
                       r"system|human|ai|question|premise|action|arguments|observation|thought|sources?|context)\s*:",
                       re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')\]]*(?:\s*\[\d{1,2}\])*\s+|\n+")
MAX_CHARS = 700
MAX_CHARS_SUMMARY = 1400


def _loops(text: str) -> bool:
    """Some run of four words comes back three times."""
    words = text.lower().split()
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - 3):
        gram = tuple(words[i : i + 4])
        seen[gram] = seen.get(gram, 0) + 1
        if seen[gram] >= 3:
            return True
    return False


def _norm(sentence: str) -> str:
    """A sentence compared without its markers, case or spacing."""
    return " ".join(re.sub(r"\[\d+\]", "", sentence).lower().split()).strip(".!?:;,\"'“”‘’()[] ")


def clean(text: str) -> str:
    """The answer without prompt markup or a trailing new turn."""
    m = TURN_LINE.search(text)
    return MARKUP.sub("", text[: m.start()] if m else text)


@dataclass
class StreamGuard:
    """Feed it the model's pieces; it hands back whole, clean sentences, and says when to stop."""

    max_chars: int = MAX_CHARS
    buffer: str = ""
    shown: list[str] = field(default_factory=list)
    line_ends: set[int] = field(default_factory=set)  # shown sentences the model ended with a line break
    stopped: str = ""  # why the generation should stop ("repeating", "new turn", "too long"), or ""
    _total: int = 0
    _grams: dict[tuple[str, ...], int] = field(default_factory=dict)
    _earlier: set[str] = field(default_factory=set)

    def feed(self, piece: str) -> list[str]:
        if self.stopped:
            return []
        self.buffer += piece
        turn = TURN_LINE.search(self.buffer)
        if turn:
            self.buffer = MARKUP.sub("", self.buffer[: turn.start()])
            self.stopped = "new turn"
            return self._take(final=True)
        out = self._take(final=False)
        if len(self.buffer) > 160 and _loops(self.buffer):  # a sentence that never ends
            self.stopped, self.buffer = "repeating", ""
        elif self._total + len(self.buffer) > self.max_chars:
            self.stopped, self.buffer = "too long", ""
        return out

    def remember(self, earlier: Iterable[str]) -> None:
        """Sentences said in earlier answers: saying one again stops the answer as repeating
        (a follow-up, "And what is its population?", that a small model answers with its last answer)."""
        for text in earlier:
            self._earlier.update(n for n in (_norm(s) for s in SENTENCE_END.split(MARKUP.sub("", text))) if n)

    def flush(self) -> list[str]:
        return self._take(final=True)

    def _take(self, *, final: bool) -> list[str]:
        text = MARKUP.sub("", self.buffer)
        out: list[str] = []
        while True:
            m = SENTENCE_END.search(text)
            if not m:
                break
            sentence, text = text[: m.end()].strip(), text[m.end():]
            if sentence and not self._accept(sentence, out):
                text = ""
                break
            if sentence and "\n" in m.group():
                self.line_ends.add(len(self.shown) - 1)
        self.buffer = text
        if final and text.strip() and not self.stopped or final and text.strip() and self.stopped == "new turn":
            self._accept(text.strip(), out)
            self.buffer = ""
        return out

    def _accept(self, sentence: str, out: list[str]) -> bool:
        norm = _norm(sentence)
        if norm in self._earlier or any(norm == _norm(s) for s in self.shown + out):
            self.stopped = "repeating"
            return False
        words = norm.split()
        for i in range(len(words) - 3):
            gram = tuple(words[i : i + 4])
            self._grams[gram] = self._grams.get(gram, 0) + 1
            if self._grams[gram] >= 3:
                self.stopped = "repeating"
                return False
        if self._total + len(sentence) > self.max_chars:
            self.stopped = "too long"
            return False
        self._total += len(sentence) + 1
        out.append(sentence)
        self.shown.append(sentence)
        return True
