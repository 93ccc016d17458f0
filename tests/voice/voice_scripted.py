"""Scripted answerers for voice pipeline unit tests (the real model has its own tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from app.events import ApprovalRequested, Event, FinalAnswer, Token, TurnCancelled, TurnStarted


class ScriptedTurn:
    """A turn that streams scripted tokens with a delay, like a model would; cancel() stops it."""

    def __init__(self, tokens: list[str], delay: float, extra: list[Event] | None = None,
                 checked: str = "model") -> None:
        self.tokens = tokens
        self.checked = checked
        self.delay = delay
        self.extra = extra or []
        self.cancelled = threading.Event()
        self.finished = threading.Event()
        self.cancelled_at: float | None = None
        self.started_at: float | None = None
        self.generated = 0

    def cancel(self) -> None:
        self.cancelled_at = time.monotonic()
        self.cancelled.set()

    def __iter__(self) -> Iterator[Event]:
        self.started_at = time.monotonic()
        try:
            yield TurnStarted(turn_id="t1", text="", source="voice")
            yield from self.extra
            for token in self.tokens:
                if self.cancelled.wait(self.delay):
                    yield TurnCancelled(turn_id="t1")
                    return
                self.generated += 1
                yield Token(request_id="r1", text=token)
            yield FinalAnswer(turn_id="t1", text="".join(self.tokens), checked=self.checked)
        finally:
            self.finished.set()


class ScriptedAnswerer:
    """Unit-test answerer: records what it was asked and answers with a script."""

    def __init__(self, text: str = "", *, delay: float = 0.02, extra: list[Event] | None = None,
                 checked: str = "model") -> None:
        self.text = text
        self.checked = checked
        self.delay = delay
        self.extra = extra
        self.asked: list[tuple[str, str]] = []
        self.turns: list[ScriptedTurn] = []

    def start_turn(
        self, text: str, *, conversation_id: str = "default", source: str = "text"
    ) -> ScriptedTurn:
        self.asked.append((text, source))
        tokens = [piece + " " for piece in self.text.split(" ")] if self.text else []
        turn = ScriptedTurn(tokens, self.delay, self.extra, self.checked)
        self.turns.append(turn)
        return turn


class SpeculatingAnswerer(ScriptedAnswerer):
    """A scripted answerer that allows answers to start before the release, and records drops."""

    def __init__(self, text: str = "", *, allow: bool = True, **kwargs: object) -> None:
        super().__init__(text, **kwargs)  # type: ignore[arg-type]
        self.allow = allow
        self.asked_at: list[float] = []
        self.discarded: list[ScriptedTurn] = []
        self.warmed: list[str] = []

    def start_turn(
        self, text: str, *, conversation_id: str = "default", source: str = "text"
    ) -> ScriptedTurn:
        self.asked_at.append(time.monotonic())
        return super().start_turn(text, conversation_id=conversation_id, source=source)

    def can_speculate(self, text: str) -> bool:
        return self.allow

    def discard(self, turn: ScriptedTurn) -> None:
        self.discarded.append(turn)

    def warm(self, *, conversation_id: str = "default") -> None:
        self.warmed.append(conversation_id)


def approval_event() -> ApprovalRequested:
    return ApprovalRequested(
        turn_id="t1",
        action_id="a1",
        tool="send_email",
        arguments={"to": "sam@example.com"},
        arguments_hash="h",
        tier="external",
        explanation="Send an email to sam@example.com",
    )
