"""A scripted ChatModel for unit tests of the agent's logic: replies are given in advance."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from app.events import Event, GenerationDone, GenerationStarted, Token
from app.runtime.api import GenerationRequest

Reply = str | Callable[[GenerationRequest], str]


class ScriptedGeneration:
    def __init__(self, request_id: str, text: str, gate: threading.Event | None = None) -> None:
        self.request_id = request_id
        self.text = text
        self._cancelled = threading.Event()
        self._gate = gate

    def __iter__(self) -> Iterator[Event]:
        yield GenerationStarted(request_id=self.request_id, prompt_tokens=10)
        pieces = [self.text[i : i + 4] for i in range(0, len(self.text), 4)]
        sent = []
        for piece in pieces:
            if self._gate is not None:
                self._gate.wait(5)
            if self._cancelled.is_set():
                break
            sent.append(piece)
            yield Token(request_id=self.request_id, text=piece)
        yield GenerationDone(request_id=self.request_id, text="".join(sent),
                             finish_reason="cancelled" if self._cancelled.is_set() else "stop",
                             prompt_tokens=10, cached_tokens=0, generation_tokens=len(sent),
                             time_to_first_token_s=0.0, prompt_tps=0.0, generation_tps=0.0, peak_memory_gb=0.0)

    def cancel(self) -> None:
        self._cancelled.set()

    def result(self, timeout: float | None = None) -> GenerationDone:
        done = None
        for event in self:
            if isinstance(event, GenerationDone):
                done = event
        assert done is not None
        return done


class ScriptedModel:
    """Answers each request with the next scripted reply (the text after any assistant prefix)."""

    name = "scripted"
    supports_tools = False

    def __init__(self, replies: list[Reply], gate: threading.Event | None = None) -> None:
        self.replies = list(replies)
        self.requests: list[GenerationRequest] = []
        self.gate = gate

    def generate(self, request: GenerationRequest) -> ScriptedGeneration:
        self.requests.append(request)
        reply = self.replies.pop(0) if self.replies else "Action: answer\n(no more script)"
        text = reply(request) if callable(reply) else reply
        if request.assistant_prefix and text.startswith(request.assistant_prefix):
            text = text[len(request.assistant_prefix) :]
        return ScriptedGeneration(request.request_id, text, self.gate)

    def count_tokens(self, text: str) -> int:
        return len(text.split())
