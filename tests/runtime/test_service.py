"""ModelService with the real default model: thread ownership, streaming, cache, cancel, limits."""

from __future__ import annotations

import threading

import pytest

from app.events import ContextUsed, ErrorEvent, GenerationDone, GenerationStarted, Token
from app.runtime.api import GenerationRequest

pytestmark = pytest.mark.slow

CAPITAL = [{"role": "user", "content": "What is the capital of France?"}]


def _collect(handle):
    return list(handle)


def test_generation_from_another_thread_streams_typed_events(model_service):
    events: list = []

    def worker() -> None:
        events.extend(model_service.generate(GenerationRequest(messages=CAPITAL, max_tokens=24)))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(120)
    kinds = [type(e) for e in events]
    assert kinds[0] is ContextUsed and kinds[1] is GenerationStarted and kinds[-1] is GenerationDone
    assert Token in kinds
    done = events[-1]
    text = "".join(e.text for e in events if isinstance(e, Token))
    assert text == done.text
    assert "Paris" in text
    assert done.generation_tokens > 0 and done.generation_tps > 0 and done.time_to_first_token_s > 0
    assert model_service._thread.name == "hearth-mlx"
    assert threading.current_thread() is not model_service._thread


def test_prompt_cache_prefills_only_new_tokens_and_changes_nothing(model_service):
    history = list(CAPITAL)
    first = model_service.generate(GenerationRequest(messages=history, max_tokens=20, conversation_id="c1")).result()
    assert first.cached_tokens == 0
    history += [{"role": "assistant", "content": first.text}, {"role": "user", "content": "And of Germany?"}]
    cached = model_service.generate(GenerationRequest(messages=history, max_tokens=20, conversation_id="c1")).result()
    uncached = model_service.generate(GenerationRequest(messages=history, max_tokens=20)).result()
    # Turn 2 reuses everything turn 1 left in the cache: its prompt and its answer.
    assert cached.cached_tokens >= first.prompt_tokens
    assert cached.prompt_tokens - cached.cached_tokens < 20
    assert uncached.cached_tokens == 0
    # Greedy decoding gives the same answer whether or not the cache was reused.
    assert cached.text == uncached.text


def test_cancel_stops_generation(model_service):
    handle = model_service.generate(
        GenerationRequest(messages=[{"role": "user", "content": "Write a long story about a dragon."}], max_tokens=400)
    )
    tokens = 0
    for event in handle:
        if isinstance(event, Token):
            tokens += 1
            if tokens == 3:
                handle.cancel()
    done = handle.result()
    assert done.finish_reason == "cancelled"
    assert done.generation_tokens < 50


def test_max_tokens_and_stop_strings(model_service):
    done = model_service.generate(
        GenerationRequest(messages=[{"role": "user", "content": "Count from 1 to 50."}], max_tokens=7)
    ).result()
    assert done.finish_reason == "length" and done.generation_tokens == 7
    full = model_service.generate(GenerationRequest(messages=CAPITAL, max_tokens=24)).result().text
    stop_word = "Paris"
    stopped = model_service.generate(GenerationRequest(messages=CAPITAL, max_tokens=24, stop=(stop_word,))).result()
    assert stopped.finish_reason == "stop"
    assert stopped.text == full[: full.index(stop_word)]


def test_long_conversation_is_trimmed_to_the_context_window(model_service):
    old_limit = model_service.settings.model.context_limit
    model_service.settings.model.context_limit = 256
    try:
        history = [{"role": "system", "content": "You are helpful."}]
        for i in range(30):
            history += [
                {"role": "user", "content": f"Tell me fact number {i} about the sea."},
                {"role": "assistant", "content": "The sea is large and full of salty water and fish."},
            ]
        history.append({"role": "user", "content": "What is the capital of France?"})
        events = list(model_service.generate(GenerationRequest(messages=history, max_tokens=16)))
    finally:
        model_service.settings.model.context_limit = old_limit
    used = next(e for e in events if isinstance(e, ContextUsed))
    assert used.trimmed_tokens > 0 and used.tokens <= 256 - 16
    assert isinstance(events[-1], GenerationDone)


def test_a_missing_model_is_one_clear_error(tmp_path):
    from app.config import Settings
    from app.events import HearthError
    from app.runtime.service import ModelService

    seen: list = []
    service = ModelService(settings=Settings(), model_name="no-such-model", listener=seen.append)
    try:
        events = list(service.generate(GenerationRequest(messages=CAPITAL)))
        assert isinstance(events[-1], ErrorEvent)
        assert "no model named 'no-such-model'" in events[-1].message
        with pytest.raises(HearthError):
            service.ensure_loaded()
    finally:
        service.shutdown()


def test_stop_matcher_holds_back_partial_matches():
    from app.runtime.stops import StopMatcher

    matcher = StopMatcher(("</tool>",))
    out = "".join(matcher.feed(p) for p in ["Hello </t", "oo", "l> never"])
    assert out == "Hello " and matcher.stopped
    plain = StopMatcher(("STOP",))
    text = "".join(plain.feed(p) for p in ["ST", "ring theory"]) + plain.flush()
    assert text == "STring theory" and not plain.stopped


def test_process_exits_cleanly_in_the_middle_of_a_generation(default_model_dir, tmp_path):
    """MLX aborts ("terminate called without an active exception") if its thread is torn down
    during interpreter finalization; the service must finish or cancel its work before that."""
    import subprocess
    import sys

    script = tmp_path / "exit_mid_generation.py"
    script.write_text(
        "from app.config import Settings\n"
        "from app.runtime.api import GenerationRequest\n"
        "from app.runtime.service import ModelService\n"
        f"service = ModelService(settings=Settings(), model_name={str(default_model_dir)!r})\n"
        "handle = service.generate(GenerationRequest(messages=[{'role': 'user', 'content': 'Write a long story.'}], max_tokens=300))\n"
        "for _, _event in zip(range(8), handle):\n"
        "    pass\n"
        "print('leaving while the model is still generating')\n"
    )
    for _ in range(3):  # the crash was intermittent: try it a few times
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "terminate called" not in result.stderr


def test_cancel_while_reading_a_long_prompt_stops_before_any_token(model_service):
    """Stop during prompt reading takes effect between prompt chunks, not after the whole prompt
    (it used to wait out the prefill, 8-11 s on a CPU, and then produce a first token)."""
    notes = " ".join(f"Note {i}: the parcel for flat {i} is at the front desk until Friday." for i in range(160))
    handle = model_service.generate(GenerationRequest(
        messages=[{"role": "user", "content": f"{notes}\nSummarise these notes."}], max_tokens=40,
        conversation_id="long-prefill"))
    for event in handle:
        if isinstance(event, GenerationStarted):
            assert event.prompt_tokens - event.cached_tokens > 1500  # several prompt chunks to read
            handle.cancel()
    done = handle.result()
    assert done.finish_reason == "cancelled"
    assert done.generation_tokens == 0  # stopped while reading: no token was ever produced
    again = model_service.generate(GenerationRequest(messages=CAPITAL, max_tokens=24,
                                                     conversation_id="long-prefill")).result()
    assert "Paris" in again.text  # the half-read cache was dropped, not reused
