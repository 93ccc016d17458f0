"""What the rest of Hearth needs from a chat model, as a Protocol.

The real implementation is :class:`app.runtime.service.ModelService` (one MLX thread serving a
queue); tests of agent logic drive the same interface with a scripted model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.events import Event, GenerationDone

Message = dict[str, Any]  # {"role": "system"|"user"|"assistant"|"tool", "content": str, ...}

# Built inside the model thread from the loaded tokenizer; each processor is mlx-lm's
# ``(tokens: mx.array, logits: mx.array) -> mx.array``.
LogitsProcessorFactory = Callable[[Any], Sequence[Callable[[Any, Any], Any]]]


@dataclass
class GenerationRequest:
    """One generation: the whole conversation so far, rendered with the model's chat template."""

    messages: list[Message]
    max_tokens: int = 512
    temperature: float = 0.0
    top_p: float = 1.0
    stop: tuple[str, ...] = ()
    # A conversation id keeps its KV cache between turns so each turn prefills only new tokens.
    conversation_id: str | None = None
    tools: list[dict[str, Any]] | None = None  # JSON schemas, for chat templates that support tools
    logits_processors: LogitsProcessorFactory | None = None
    # Text appended after the rendered prompt (e.g. the opening of a constrained tool call).
    assistant_prefix: str = ""
    request_id: str = ""
    # Which configured model runs it: "fast" (routing, actions, short replies) or "answer"
    # (answering questions; ``[model] answer`` in settings). A service holding one model, or an
    # answer model that is missing, runs every role on the fast model.
    model_role: str = "fast"
    extra: dict[str, Any] = field(default_factory=dict)


class Generation(Protocol):
    """A running generation: iterate it for events; cancel it from any thread."""

    request_id: str

    def __iter__(self) -> Iterator[Event]: ...

    def cancel(self) -> None: ...

    def result(self, timeout: float | None = None) -> GenerationDone:
        """Block until done (consuming remaining events) and return the final stats."""
        ...


class ChatModel(Protocol):
    name: str

    def generate(self, request: GenerationRequest) -> Generation: ...

    def count_tokens(self, text: str) -> int: ...
