"""ModelAnswerer's history logic with early (speculative) turns, on a scripted chat model.

Logic only: the real model answers voice turns in test_voice_real_model.py.
"""

from __future__ import annotations

from app.events import GenerationDone, Token
from app.runtime.api import GenerationRequest
from app.runtime.generation import GenerationHandle
from voice.answerer import ModelAnswerer


class ScriptedModel:
    name = "scripted"

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.requests: list[GenerationRequest] = []

    def generate(self, request: GenerationRequest) -> GenerationHandle:
        self.requests.append(request)
        handle = GenerationHandle(f"r{len(self.requests)}")
        handle.put(Token(request_id=handle.request_id, text=self.answer))
        handle.put(GenerationDone(
            request_id=handle.request_id, text=self.answer, finish_reason="stop", prompt_tokens=1,
            cached_tokens=0, generation_tokens=1, time_to_first_token_s=0.0, prompt_tps=0.0,
            generation_tps=0.0, peak_memory_gb=0.0,
        ))
        handle.end()
        return handle

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def contents(request: GenerationRequest) -> list[tuple[str, str]]:
    return [(m["role"], m["content"]) for m in request.messages[1:]]


def test_a_discarded_early_turn_leaves_no_trace_in_the_history() -> None:
    model = ScriptedModel("Paris.")
    answerer = ModelAnswerer(model)
    list(answerer.start_turn("Capital of France?", conversation_id="c"))
    early = answerer.start_turn("What is the", conversation_id="c")
    list(early)  # it even finished before it was dropped
    answerer.discard(early)
    list(answerer.start_turn("What is the time?", conversation_id="c"))
    assert contents(model.requests[-1]) == [
        ("user", "Capital of France?"),
        ("assistant", "Paris."),
        ("user", "What is the time?"),
    ]
    answerer.discard(early)  # twice, or a turn it does not know: harmless
    answerer.discard(None)


def test_a_kept_turn_stays_and_warm_prefills_the_same_conversation() -> None:
    model = ScriptedModel("Fine.")
    answerer = ModelAnswerer(model)
    assert answerer.can_speculate("anything")
    list(answerer.start_turn("How are you?", conversation_id="c"))
    answerer.warm(conversation_id="c")
    warm = model.requests[-1]
    assert warm.max_tokens == 1 and warm.conversation_id == "voice-c"
    assert warm.messages[0]["role"] == "system"
    assert contents(warm) == [("user", "How are you?"), ("assistant", "Fine."), ("user", "")]
    list(answerer.start_turn("And today?", conversation_id="c"))
    assert contents(model.requests[-1]) == [("user", "How are you?"), ("assistant", "Fine."), ("user", "And today?")]
    assert model.requests[-1].conversation_id == "voice-c"


def test_warm_sends_what_the_next_turn_sends_but_its_question() -> None:
    model = ScriptedModel("An answer.")
    answerer = ModelAnswerer(model)
    for i in range(6):  # past the 8-message history window
        list(answerer.start_turn(f"Question {i}?", conversation_id="c"))
    answerer.warm(conversation_id="c")
    list(answerer.start_turn("Question 6?", conversation_id="c"))
    warm, turn = model.requests[-2:]
    assert warm.max_tokens == 1 and warm.conversation_id == turn.conversation_id
    assert contents(warm)[:-1] == contents(turn)[:-1] and contents(warm)[-1] == ("user", "")
