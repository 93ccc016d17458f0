"""Scripted stand-ins for widget-level unit tests only (the real flows use the real core)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from app import events as ev


class ScriptedTurn:
    def __init__(self, agent: ScriptedAgent, text: str, conversation_id: str, source: str) -> None:
        self.turn_id = uuid.uuid4().hex[:8]
        self.agent = agent
        self.text = text
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def __iter__(self):
        yield ev.TurnStarted(turn_id=self.turn_id, text=self.text)
        if self.agent.citations:
            yield ev.MemoryRetrieved(turn_id=self.turn_id, citations=tuple(self.agent.citations))
        if self.agent.action is not None:
            tool, arguments, tier = self.agent.action
            request = ev.ApprovalRequested(
                turn_id=self.turn_id, action_id=uuid.uuid4().hex[:8], tool=tool, arguments=arguments,
                arguments_hash="h", tier=tier, explanation=f"Run {tool}", preview=self.agent.preview,
                untrusted_sources=self.agent.untrusted, can_allow_always=tier == "reversible",
            )
            yield request
            decision = self.agent.approver(request) if self.agent.approver else None
            self.agent.decisions.append(decision)
            yield ev.ApprovalDecided(turn_id=self.turn_id, action_id=request.action_id,
                                     decision=getattr(decision, "decision", "denied"))
        answer = ""
        for word in self.agent.reply.split(" "):
            if self._cancel.is_set():
                yield ev.TurnCancelled(turn_id=self.turn_id)
                return
            piece = word + " "
            answer += piece
            yield ev.Token(request_id="r", text=piece)
            time.sleep(self.agent.delay)
        yield ev.FinalAnswer(turn_id=self.turn_id, text=answer.strip(), citations=tuple(self.agent.citations))


class ScriptedAgent:
    def __init__(self, reply: str = "Hello **there**, friend.", delay: float = 0.0) -> None:
        self.reply = reply
        self.delay = delay
        self.citations: list[ev.Citation] = []
        self.action: tuple[str, dict[str, Any], str] | None = None
        self.preview = ""
        self.untrusted: tuple[str, ...] = ()
        self.approver = None
        self.decisions: list[Any] = []
        self.turns: list[ScriptedTurn] = []

    def start_turn(self, text: str, *, conversation_id: str = "default", source: str = "text") -> ScriptedTurn:
        turn = ScriptedTurn(self, text, conversation_id, source)
        self.turns.append(turn)
        return turn


class FakeModel:
    name = "scripted"

    def add_listener(self, listener) -> None:
        self.listener = listener

    def ensure_loaded(self) -> None:
        self.listener(ev.ModelReady(name=self.name, path="", device="cpu"))


class FakeCore:
    def __init__(self, agent: ScriptedAgent | None = None) -> None:
        self.agent = agent or ScriptedAgent()
        self.model = FakeModel()
        self.memory = None
        self.audit = None
        self.approver = None

    def shutdown(self) -> None:
        pass


class ScriptedChatModel:
    """A ChatModel whose replies are written in advance (drives the real Agent deterministically)."""

    name = "scripted"
    supports_tools = False

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)

    def generate(self, request):  # noqa: ANN001, ANN201
        text = self.replies.pop(0) if self.replies else "Action: answer\nNothing more."
        if request.assistant_prefix and text.startswith(request.assistant_prefix):
            text = text[len(request.assistant_prefix):]
        return _Generation(request.request_id or "g", text)

    def count_tokens(self, text: str) -> int:
        return len(text.split())


class _Generation:
    def __init__(self, request_id: str, text: str) -> None:
        self.request_id = request_id
        self.text = text

    def __iter__(self):
        yield ev.GenerationStarted(request_id=self.request_id, prompt_tokens=10)
        for i in range(0, len(self.text), 4):
            yield ev.Token(request_id=self.request_id, text=self.text[i:i + 4])
        yield self.result()

    def cancel(self) -> None:
        pass

    def result(self, timeout: float | None = None) -> ev.GenerationDone:
        return ev.GenerationDone(request_id=self.request_id, text=self.text, finish_reason="stop", prompt_tokens=10,
                                 cached_tokens=0, generation_tokens=len(self.text) // 4, time_to_first_token_s=0.0,
                                 prompt_tps=0.0, generation_tps=0.0, peak_memory_gb=0.0)
