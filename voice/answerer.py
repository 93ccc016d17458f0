"""What answers a voice turn: the Agent (:class:`AgentAnswerer`), or a chat model directly.

An *answerer* is anything with ``start_turn(text, *, conversation_id, source) -> Turn``, where a
turn is iterable for ``app.events`` events and has ``cancel()``: exactly the Agent's interface.
:class:`ModelAnswerer` gives a bare :class:`app.runtime.api.ChatModel` that interface.

Optional, for speed: ``can_speculate(text)`` (may this be answered before the key is released:
no tool, hence no approval or action, can be reached), ``discard(turn)`` (forget a speculative
turn that was dropped, as if never asked) and ``warm(conversation_id=...)`` (prefill the fixed
part of the prompt into the model's per-conversation cache).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
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
        # turn -> (conversation, its history and last turn before it), to undo a discarded turn
        self._before: dict[int, tuple[str, list[Message], ModelTurn | None]] = {}
        self._lock = threading.Lock()

    def can_speculate(self, text: str) -> bool:
        return True  # a bare model has no tools: nothing can act before the release

    def warm(self, *, conversation_id: str = "default") -> None:
        """Prefill the system prompt (and history) into this conversation's prompt cache."""
        with self._lock:
            history = self._history_for(conversation_id, "")
        messages: list[Message] = [{"role": "system", "content": self.system_prompt}, *history]
        request = GenerationRequest(messages=messages, max_tokens=1, conversation_id=f"voice-{conversation_id}")
        self.model.generate(request).result(60)

    def discard(self, turn: ModelTurn | None) -> None:
        """Forget a dropped speculative turn: the history is as it was before it."""
        with self._lock:
            before = self._before.pop(id(turn), None)
            if before is None:
                return
            conversation_id, history, last = before
            if self._last.get(conversation_id) is turn:
                self._history[conversation_id] = history
                if last is None:
                    self._last.pop(conversation_id, None)
                else:
                    self._last[conversation_id] = last

    def start_turn(self, text: str, *, conversation_id: str = "default", source: str = "voice") -> ModelTurn:
        with self._lock:
            return self._start(text, conversation_id, source)

    def _history_for(self, conversation_id: str, text: str) -> list[Message]:
        """The history a turn asking ``text`` sends: the last answer (or a cancelled question
        dropped), the question, the last 8 messages. Changes nothing (call with the lock)."""
        history = list(self._history.get(conversation_id, []))
        previous = self._last.get(conversation_id)
        if previous is not None and previous.answer:
            history.append({"role": "assistant", "content": previous.answer})
        elif previous is not None and history and history[-1]["role"] == "user":
            history.pop()  # an unanswered (cancelled) question is not kept
        history.append({"role": "user", "content": text})
        return history[-8:]

    def _start(self, text: str, conversation_id: str, source: str) -> ModelTurn:
        saved = (conversation_id, list(self._history.get(conversation_id, [])), self._last.get(conversation_id))
        history = self._history[conversation_id] = self._history_for(conversation_id, text)
        messages: list[Message] = [{"role": "system", "content": self.system_prompt}, *history]
        request = GenerationRequest(
            messages=messages, max_tokens=self.max_tokens, conversation_id=f"voice-{conversation_id}"
        )
        turn = ModelTurn(self.model, request, text, source)
        self._last[conversation_id] = turn
        self._before.clear()  # only the latest turn can still be discarded
        self._before[id(turn)] = saved
        return turn


class AgentAnswerer:
    """The real agent behind a voice turn, with the optional speed-ups the pipeline uses.

    Only a *plain question* is answered speculatively: with the agent's word-based pre-router on,
    a request whose own words ask for no action gets no tools offered, so no approval and no
    action can be reached before the release. A dropped speculative turn is cancelled and its
    messages removed from the conversation, as if it had never been asked.

    ``_start``, ``_count`` and ``_truncate`` reach the agent; the desktop app, whose agent runs in
    another process, overrides them (and ``can_speculate``/``warm``) to go through its core ops.
    """

    def __init__(self, agent: Any, *, speculate: bool = True) -> None:
        self.agent = agent
        self.speculate = speculate
        self._before: dict[int, tuple[str, int]] = {}  # turn -> (conversation, messages before it)

    def start_turn(self, text: str, *, conversation_id: str = "default", source: str = "voice") -> Turn:
        try:
            count: int | None = self._count(conversation_id)
        except Exception:
            count = None  # cannot be undone then: it is only ever dropped if it can be
        turn = self._start(text, conversation_id, source)
        self._before.clear()  # only the latest turn can still be dropped
        if count is not None:
            self._before[id(turn)] = (conversation_id, count)
        return turn

    def can_speculate(self, text: str) -> bool:
        from app.agent import intent

        if not self.speculate or not getattr(self.agent, "preroute", False):
            return False
        return not intent.tools_to_offer(text, [tool.name for tool in self.agent.tools])

    def discard(self, turn: Turn | None) -> None:
        """Wait for the cancelled turn to end, then drop what it added to the conversation."""
        before = self._before.pop(id(turn), None)
        if turn is None or before is None:
            return
        wait: Callable[[float], bool] | None = getattr(turn, "wait", None)
        if wait is not None and not wait(10):
            return  # still running: leave the conversation alone rather than race the turn
        self._truncate(*before)

    def warm(self, *, conversation_id: str = "default") -> None:
        """Prefill the agent's plain-chat prompt (system prompt and history) into the cache."""
        self.agent.warm(conversation_id)

    def _start(self, text: str, conversation_id: str, source: str) -> Turn:
        turn: Turn = self.agent.start_turn(text, conversation_id=conversation_id, source=source)
        return turn

    def _count(self, conversation_id: str) -> int | None:
        store = getattr(self.agent, "conversations", None)
        return None if store is None else int(store.count(conversation_id))

    def _truncate(self, conversation_id: str, count: int) -> None:
        self.agent.conversations.truncate(conversation_id, count)


def full_text(events: Iterable[Event]) -> str:
    """The answer a finished turn gave (its FinalAnswer, else its tokens)."""
    tokens: list[str] = []
    for event in events:
        if isinstance(event, FinalAnswer):
            return event.text
        if isinstance(event, Token):
            tokens.append(event.text)
    return "".join(tokens)
