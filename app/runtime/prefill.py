"""Prompt reading (prefill) that a Stop interrupts within a fraction of a second, on any model.

mlx_lm reads a prompt in fixed steps and can only be stopped between them, and a step's cost is
set by the model and the machine's load: 64 tokens took 0.3 s for SmolLM2-135M on an idle
2-core CPU, 0.8 s under load and several seconds for Qwen2.5-0.5B, and a smaller step reads
each token more slowly (the weights are packed for every matrix product). So here the prompt is
read in steps of 64-128 tokens sized from the measured speed of the last one, and each
transformer layer of a step is evaluated on its own with a Stop check after it: a Stop waits
for one layer, not one step (``bench/stop.py`` compares this with the fixed 64-token step, both
models side by side).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

FIRST_STEP = 64  # tokens in the first step, before any speed is known
# Never below 64: a smaller step costs nearly as much (every matrix product packs the whole weight
# matrix; 16 tokens of the 0.5B model took half as long as 64), and with steps allowed down to 16
# the 0.5B model read its prompt at 0.59x the speed of fixed 64-token steps (bench/stop.py).
MIN_STEP = 64
MAX_STEP = 128  # past this a step reads no faster (bench/stop.py), and its layers get slower
LAYER_SECONDS = 0.1  # the aim for one layer of one step: the longest a Stop waits


class StoppedReading(Exception):
    """Raised inside prompt reading when the caller asked it to stop."""


class StepSizer:
    """Sizes the next prefill step so that one layer of it takes about ``LAYER_SECONDS``."""

    def __init__(self, first: int = FIRST_STEP, least: int = MIN_STEP, most: int = MAX_STEP,
                 aim: float = LAYER_SECONDS) -> None:
        self.size = first
        self.least, self.most, self.aim = least, most, aim
        self.sizes: list[int] = []  # every step taken, for benchmarks and tests

    def record(self, tokens: int, slowest_layer_s: float) -> None:
        """The last step read ``tokens`` tokens and its slowest layer took ``slowest_layer_s``."""
        self.sizes.append(tokens)
        if slowest_layer_s > 0:
            wanted = int(tokens * self.aim / slowest_layer_s)
            self.size = max(self.least, min(self.most, wanted))


class FixedSteps(StepSizer):
    """mlx_lm's way: every step the same size (for ``bench/stop.py``'s side-by-side)."""

    def __init__(self, size: int) -> None:
        super().__init__(first=size, least=size, most=size)


def transformer_layers(model: Any) -> list[Any] | None:
    """The model's own list of transformer blocks (mutable in place), or None if not found.

    mlx_lm's ``model.layers`` is sometimes a copy (a pipeline slice); the list stored on the
    inner module is the one its forward pass iterates.
    """
    for holder in (getattr(model, "model", None), getattr(model, "language_model", None), model):
        if isinstance(holder, dict):  # mlx.nn.Module is a dict of its children
            layers = holder.get("layers")
            if isinstance(layers, list) and layers:
                return layers
    return None


class _Checked:
    """A transformer block that is evaluated at once, then lets the caller stop the read."""

    def __init__(self, block: Any, after: Callable[[], None]) -> None:
        self.block = block
        self.after = after

    def __getattr__(self, name: str) -> Any:  # the forward pass reads the block's own settings
        return getattr(self.block, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import mlx.core as mx

        out = self.block(*args, **kwargs)
        mx.eval(out)
        self.after()
        return out


def prefill(model: Any, cache: list[Any], tokens: Sequence[int], *, stop: Callable[[], bool],
            sizer: StepSizer | None = None, stream: Any = None, per_layer: bool = True) -> None:
    """Feed ``tokens`` into ``cache`` (all of them; the caller keeps the last one back for the
    first generated token). Raises :class:`StoppedReading` at the first check after ``stop()``
    turns true: between layers (``per_layer``) and between steps. Runs on the model's thread."""
    import mlx.core as mx

    sizer = sizer or StepSizer()
    layers = transformer_layers(model) if per_layer else None
    originals = list(layers) if layers is not None else []
    slowest = [0.0]
    mark = [0.0]

    def checkpoint() -> None:
        now = time.perf_counter()
        slowest[0] = max(slowest[0], now - mark[0])
        mark[0] = now
        if stop():
            raise StoppedReading

    if layers is not None:
        layers[:] = [_Checked(block, checkpoint) for block in originals]
    try:
        with mx.stream(stream if stream is not None else mx.default_stream(mx.default_device())):
            done = 0
            while done < len(tokens):
                if stop():
                    raise StoppedReading
                size = min(sizer.size, len(tokens) - done)
                slowest[0] = 0.0
                mark[0] = started = time.perf_counter()
                model(mx.array(list(tokens[done:done + size]))[None], cache=cache)
                mx.eval([c.state for c in cache])
                if layers is None:
                    slowest[0] = time.perf_counter() - started
                done += size
                sizer.record(size, slowest[0])
                mx.clear_cache()
    finally:
        if layers is not None:
            layers[:] = originals
