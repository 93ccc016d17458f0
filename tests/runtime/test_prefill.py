"""Stop while the model reads its prompt: the read ends after the layer it was in, counted in
layers and steps (no timing), with the real default model; and the step sizes follow the speed."""

from __future__ import annotations

import pytest

from app.events import GenerationStarted
from app.runtime import service as service_mod
from app.runtime.api import GenerationRequest
from app.runtime.prefill import StepSizer, StoppedReading, prefill, transformer_layers

NOTES = " ".join(f"Note {i}: the parcel for flat {i} is at the front desk until Friday." for i in range(60))
LONG = [{"role": "user", "content": f"{NOTES}\nSummarise these notes."}]
CAPITAL = [{"role": "user", "content": "What is the capital of France?"}]


class _Counted:
    """Counts calls of one transformer block; ``on_call(n)`` runs before the n-th call overall."""

    def __init__(self, block, counter: list[int], on_call) -> None:
        self.block, self.counter, self.on_call = block, counter, on_call

    def __getattr__(self, name):
        return getattr(self.block, name)

    def __call__(self, *args, **kwargs):
        self.counter[0] += 1
        self.on_call(self.counter[0])
        return self.block(*args, **kwargs)


def _count_layers(model, on_call):
    layers = transformer_layers(model)
    assert layers, "the default model's transformer blocks were not found"
    originals = list(layers)
    counter = [0]
    layers[:] = [_Counted(block, counter, on_call) for block in originals]
    return layers, originals, counter


def _read_with_stop_at(model_service, stop_at_layer: int, per_layer: bool) -> tuple[int, int, int, int]:
    """Read a long prompt; Stop is pressed as layer ``stop_at_layer`` starts. Returns (layers run
    after the Stop, tokens in the cache, prompt tokens, transformer layers)."""
    loaded = model_service.ensure_loaded()
    tokens = loaded.tokenizer.encode(LONG[0]["content"], add_special_tokens=False)

    def job() -> tuple[int, int, int, int]:
        pressed = [0]  # the layer call during which Stop was pressed

        def press(n: int) -> None:
            if n >= stop_at_layer and not pressed[0]:
                pressed[0] = n

        layers, originals, counter = _count_layers(loaded.model, press)
        cache = model_service._pool.fresh()
        try:
            with pytest.raises(StoppedReading):
                prefill(loaded.model, cache, tokens, stop=lambda: pressed[0] > 0, sizer=StepSizer(first=64),
                        per_layer=per_layer)
            assert list(transformer_layers(loaded.model) or []) == layers  # its own wrappers are gone
        finally:
            layers[:] = originals
        return counter[0] - pressed[0], cache[0].offset, len(tokens), len(originals)

    return model_service._call(job, 600)


def test_a_stop_mid_step_ends_the_read_after_the_layer_it_was_in(model_service):
    depth = len(transformer_layers(model_service.ensure_loaded().model) or [])
    after, cached, total, layers = _read_with_stop_at(model_service, depth + 3, per_layer=True)  # in step 2
    assert after == 0  # not one more layer ran after the Stop
    assert 0 < cached < total  # the read stopped part-way through the prompt
    # Checked only between steps (mlx_lm's way, Hearth's before), the rest of the step still runs:
    after_old, _, _, _ = _read_with_stop_at(model_service, depth + 3, per_layer=False)
    assert after_old == layers - 3


def test_cancel_mid_prompt_ends_the_generation_without_another_layer(model_service):
    """Through the service: Stop pressed (from the model thread, so the moment is exact) as the
    first step's third layer starts; no layer runs after it and no token is produced."""
    loaded = model_service.ensure_loaded()
    handle_box: list = []
    pressed: list[int] = []

    def on_call(n: int) -> None:
        if n == 3 and handle_box:
            handle_box[0].cancel()
            pressed.append(n)

    layers, originals, counter = model_service._call(lambda: _count_layers(loaded.model, on_call), 60)
    try:
        handle = model_service.generate(GenerationRequest(messages=LONG, max_tokens=40, conversation_id="mid-read"))
        handle_box.append(handle)
        started = [e for e in handle if isinstance(e, GenerationStarted)]
        done = handle.result()
    finally:
        model_service._call(lambda: layers.__setitem__(slice(None), originals), 60)
    assert started and started[0].prompt_tokens > 600
    assert pressed == [3] and counter[0] == 3  # the layer in progress finished; nothing after it
    assert done.finish_reason == "cancelled" and done.generation_tokens == 0
    again = model_service.generate(GenerationRequest(messages=CAPITAL, max_tokens=24,
                                                     conversation_id="mid-read")).result()
    assert "Paris" in again.text  # the half-read cache was dropped, not reused


def test_steps_follow_the_measured_speed_within_bounds():
    sizer = StepSizer(first=64, least=16, most=128, aim=0.1)
    sizer.record(64, 0.4)  # a layer of 64 tokens took 0.4 s: aim for a quarter of that
    assert sizer.size == 16
    sizer.record(16, 0.4)  # slower still: never below the floor, where a step stops being cheaper
    assert sizer.size == 16
    sizer.record(16, 0.01)  # fast: grow, up to the ceiling
    assert sizer.size == 128
    assert sizer.sizes == [64, 16, 16]


def test_the_service_reads_prompts_in_measured_steps(model_service, monkeypatch):
    """A full read through the service goes through the sizer, and the answer is unchanged."""
    sizers: list[StepSizer] = []

    def sizer() -> StepSizer:
        sizers.append(StepSizer(first=32))
        return sizers[-1]

    monkeypatch.setattr(service_mod, "PREFILL_SIZER", sizer)
    done = model_service.generate(GenerationRequest(messages=CAPITAL, max_tokens=24)).result()
    assert "Paris" in done.text
    assert sizers and sum(sizers[0].sizes) == done.prompt_tokens - 1  # the last token starts the answer
