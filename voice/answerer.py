"""What answers a voice turn: the Agent, or (until it is wired) a chat model directly.

An *answerer* is anything with ``start_turn(text, *, conversation_id, source) -> Turn``, where a
turn is iterable for ``app.events`` events and has ``cancel()``: exactly the Agent's interface.
:class:`ModelAnswerer` gives a bare :class:`app.runtime.api.ChatModel` that interface.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from app.events import (
    ErrorEvent,
    Event,
    FinalAnswer,
    GenerationDone,
    Token,
    TurnCancelled,
    TurnStarted,
)
from app.runtime.api import ChatModel, GenerationRequest, Message

VOICE_SYSTEM_PROMPT = (
    "You are Hearth, a helpful assistant speaking out loud. Answer in one to three short, "
    "plain sentences without lists or markup."
)


class Turn(Protocol):
    def __iter__(self) -> Iterator[Event]: ...

    def cancel(self) -> None: ...


class Answerer(Protocol):
    def start_turn(self, text: str, *, conversation_id: str = "default", source: str = "text") -> Turn: ...


class ModelTurn:
    """One generation, presented as an agent turn (TurnStarted, Token..., FinalAnswer)."""

    def __init__(self, model: ChatModel, request: GenerationRequest, text: str, source: str) -> None:
        self.turn_id = uuid.uuid4().hex[:12]
        self._model = model
        self._request = request
        self._text = text
        self._source = source
        self._cancelled = threading.Event()
        self._generation: Any = None
        self._lock = threading.Lock()
        self.answer = ""

    def cancel(self) -> None:
        self._cancelled.set()
        with self._lock:
            if self._generation is not None:
                self._generation.cancel()

    def __iter__(self) -> Iterator[Event]:
        yield TurnStarted(turn_id=self.turn_id, text=self._text, source=self._source)
        if self._cancelled.is_set():
            yield TurnCancelled(turn_id=self.turn_id)
            return
        with self._lock:
            self._generation = self._model.generate(self._request)
        parts: list[str] = []
        finish = "stop"
        for event in self._generation:
            if isinstance(event, Token):
                parts.append(event.text)
            elif isinstance(event, GenerationDone):
                finish = event.finish_reason
            if not isinstance(event, GenerationDone):
                yield event
            if isinstance(event, ErrorEvent):
                return
        self.answer = "".join(parts).strip()
        if self._cancelled.is_set() or finish == "cancelled":
            yield TurnCancelled(turn_id=self.turn_id)
        else:
            yield FinalAnswer(turn_id=self.turn_id, text=self.answer)


class ModelAnswerer:
    """Keeps a short history per conversation and streams the model's reply."""

    def __init__(
        self, model: ChatModel, *, system_prompt: str = VOICE_SYSTEM_PROMPT, max_tokens: int = 160
    ) -> None:
        self.model = model
        self.system_prompt = system_prompt
        self.max_tokens = max_tokens
        self._history: dict[str, list[Message]] = {}
        self._last: dict[str, ModelTurn] = {}

    def start_turn(self, text: str, *, conversation_id: str = "default", source: str = "voice") -> ModelTurn:
        history = self._history.setdefault(conversation_id, [])
        previous = self._last.get(conversation_id)
        if previous is not None and previous.answer:
            history.append({"role": "assistant", "content": previous.answer})
        elif previous is not None and history and history[-1]["role"] == "user":
            history.pop()  # an unanswered (cancelled) question is not kept
        history.append({"role": "user", "content": text})
        del history[:-8]
        messages: list[Message] = [{"role": "system", "content": self.system_prompt}, *history]
        request = GenerationRequest(
            messages=messages, max_tokens=self.max_tokens, conversation_id=f"voice-{conversation_id}"
        )
        turn = ModelTurn(self.model, request, text, source)
        self._last[conversation_id] = turn
        return turn


def full_text(events: Iterable[Event]) -> str:
    """The answer a finished turn gave (its FinalAnswer, else its tokens)."""
    tokens: list[str] = []
    for event in events:
        if isinstance(event, FinalAnswer):
            return event.text
        if isinstance(event, Token):
            tokens.append(event.text)
    return "".join(tokens)
