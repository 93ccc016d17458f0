"""The read path's stream guard on the agent loop's own replies (plain chat, the answer after a
tool): the user sees whole, clean sentences only — never prompt markup or role tags, never a reply
that loops or starts a new turn of its own, never Hearth's instructions recited back, never a
sentence that only talks about "the source" — and the generation stops as soon as it goes wrong.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.answer.guard import MARKUP, StreamGuard
from app.answer.phrase import instruction_grams, says_nothing, without_echo

ECHO = "echo"  # why a reply was stopped when it started reciting Hearth's instructions


class ReplyGuard:
    """Feed it the reply's text as it streams (after the tool-call syntax is held back); it returns
    what may be shown now, and ``stopped`` says when to stop the generation and why."""

    def __init__(self, instructions: Iterable[str], max_chars: int) -> None:
        self._guard = StreamGuard(max_chars=max_chars)
        self._echo = instruction_grams(*(MARKUP.sub("", text) for text in instructions))  # as the guard sees them
        self._echoed = False
        self.sentences: list[str] = []
        self._breaks: dict[int, bool] = {}  # shown sentence -> a line break follows it

    @property
    def stopped(self) -> str:
        return ECHO if self._echoed else self._guard.stopped

    @property
    def text(self) -> str:
        """Everything shown so far: the reply as the user saw it."""
        return "".join(self._joined(i, s) for i, s in enumerate(self.sentences))

    def _joined(self, i: int, sentence: str) -> str:
        """The sentence with what goes before it: nothing first, a line break where the model
        broke the line (a poem, a list), else a space."""
        return sentence if i == 0 else ("\n" if self._breaks.get(i - 1) else " ") + sentence

    def feed(self, piece: str) -> str:
        return "" if self._echoed else self._show(self._guard.feed(piece))

    def flush(self) -> str:
        return "" if self._echoed else self._show(self._guard.flush())

    def _show(self, sentences: list[str]) -> str:
        first = len(self._guard.shown) - len(sentences)  # their places in the stream guard's list
        text = ""
        for at, sentence in enumerate(sentences, start=first):
            kept = without_echo(sentence, self._echo)
            if kept != sentence:
                self._echoed = True  # a model reciting its instructions has lost the thread
            if kept and not says_nothing(kept):
                self._breaks[len(self.sentences)] = at in self._guard.line_ends
                text += self._joined(len(self.sentences), kept)
                self.sentences.append(kept)
            if self._echoed:
                break
        return text
