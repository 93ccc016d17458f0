"""Per-conversation KV caches, so each turn prefills only the tokens it adds.

A conversation keeps the token ids its cache holds. On the next turn the new prompt is compared
with them: the common prefix is reused, anything past it is trimmed from the cache, and only the
rest is fed to the model (mlx-lm's ``make_prompt_cache`` / ``trim_prompt_cache``).
"""

from __future__ import annotations

import importlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class CachedConversation:
    cache: list[Any]
    tokens: list[int] = field(default_factory=list)


def common_prefix(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class PromptCachePool:
    """An LRU of conversation caches, owned by the model thread."""

    def __init__(self, model: Any, max_conversations: int = 4) -> None:
        self._model = model
        self._max = max_conversations
        self._items: OrderedDict[str, CachedConversation] = OrderedDict()
        self._cache_mod = importlib.import_module("mlx_lm.models.cache")

    def fresh(self) -> list[Any]:
        return self._cache_mod.make_prompt_cache(self._model)

    def prepare(self, conversation_id: str | None, prompt: list[int]) -> tuple[list[Any], list[int], int]:
        """Return (cache, tokens to feed, tokens reused) for this prompt."""
        if conversation_id is None:
            return self.fresh(), prompt, 0
        entry = self._items.pop(conversation_id, None)
        if entry is None or not self._cache_mod.can_trim_prompt_cache(entry.cache):
            entry = CachedConversation(self.fresh())
        reuse = common_prefix(entry.tokens, prompt)
        reuse = min(reuse, len(prompt) - 1)  # the model must see at least one new token
        excess = len(entry.tokens) - reuse
        if excess > 0:
            self._cache_mod.trim_prompt_cache(entry.cache, excess)
        entry.tokens = list(prompt)
        self._items[conversation_id] = entry
        while len(self._items) > self._max:
            self._items.popitem(last=False)
        return entry.cache, prompt[reuse:], reuse

    def record(self, conversation_id: str | None, generated: list[int]) -> None:
        """Note the tokens generation appended to the conversation's cache."""
        if conversation_id is not None and conversation_id in self._items:
            self._items[conversation_id].tokens.extend(generated)

    def drop(self, conversation_id: str) -> None:
        self._items.pop(conversation_id, None)

    def clear(self) -> None:
        self._items.clear()
