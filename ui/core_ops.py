"""The heavy half of :class:`ui.services.Services`, Qt-free: everything that touches the model, the
memory, the agent or the audit log of an :class:`app.core.HearthCore`.

It runs in the core host process (:mod:`ui.core_host`, the app's default) or, when a core is
injected (tests, scripts), in the app's own process. Every method may block. ``emit(item)`` sends
progress (events, import progress) back to whoever made the call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import events as ev

Emit = Callable[[Any], None]


def _drop(_item: Any) -> None:
    pass


class CoreOps:
    """Named operations over one core (every method may block; all are thread-safe)."""

    def __init__(self, core: Any) -> None:
        self.core = core

    # --- model -------------------------------------------------------------------------------

    def load_model(self, emit: Emit = _drop) -> str:
        """Load (importing the embedded default on first run) and return the model's name."""
        model = self.core.model
        model.ensure_loaded()
        return str(model.name)

    def warm_up(self, emit: Emit = _drop) -> bool:
        """Open the memory and build the agent now, so the first turn does not pay for it."""
        _ = self.core.agent
        return True

    def use_model(self, name: str, emit: Emit = _drop) -> str:
        model = self.core.model
        model.use_model(name)
        self.core.settings.model.name = name
        return name

    def import_gguf(self, path: str, emit: Emit = _drop) -> str:
        from app.runtime.gguf_import import import_gguf

        target = import_gguf(Path(path), self.core.paths.models_dir, progress=lambda p, m="": emit(("progress", p, m)))
        return Path(target).name

    def pull_model(self, repo: str, emit: Emit = _drop) -> str:
        from app.runtime.pull import pull_model

        return Path(pull_model(self.core.paths, repo)).name

    def update_settings(self, settings: Any, emit: Emit = _drop) -> bool:
        """Take the person's new settings in place (the agent and model hold the same object)."""
        current = self.core.settings
        for f in dataclasses.fields(current):
            setattr(current, f.name, getattr(settings, f.name))
        return True

    # --- turns -------------------------------------------------------------------------------

    def start_turn(self, text: str, conversation_id: str, source: str = "text") -> Any:
        """A Turn (iterable of events, ``cancel()``); iterate it on the caller's thread."""
        return self.core.agent.start_turn(text, conversation_id=conversation_id, source=source)

    def forget_conversation(self, conversation_id: str, emit: Emit = _drop) -> bool:
        model = getattr(self.core, "_model", None)
        if model is not None and hasattr(model, "forget_conversation"):
            model.forget_conversation(conversation_id)
        return True

    # --- voice: answering early while the key is held ------------------------------------------

    def can_answer_early(self, text: str, emit: Emit = _drop) -> bool:
        """Whether a voice request may be answered before the key is up: a plain question only
        (the pre-router offers it no tools, so no action or approval can be reached)."""
        from voice.answerer import AgentAnswerer

        agent = self.core.agent
        if not hasattr(agent, "tools"):
            return False
        return AgentAnswerer(agent).can_speculate(text)

    def warm_conversation(self, conversation_id: str, emit: Emit = _drop) -> bool:
        """Prefill a plain question's prompt for this conversation into the model's cache."""
        warm = getattr(self.core.agent, "warm", None)
        if callable(warm):
            warm(conversation_id)
        return True

    def message_count(self, conversation_id: str, emit: Emit = _drop) -> int | None:
        store = getattr(self.core.agent, "conversations", None)
        return None if store is None else int(store.count(conversation_id))

    def truncate_conversation(self, conversation_id: str, count: int, emit: Emit = _drop) -> bool:
        """Drop what an early answer that was never shown added to the conversation."""
        store = getattr(self.core.agent, "conversations", None)
        if store is not None:
            store.truncate(conversation_id, count)
        return True

    # --- memory ------------------------------------------------------------------------------

    def _memory(self) -> Any:
        memory = self.core.memory
        if memory is None:
            raise ev.HearthError("the memory is turned off for this session")
        return memory

    def memory_overview(self, emit: Emit = _drop) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        memory = self._memory()
        return memory.stats(), memory.sources()

    def search(self, query: str, filters: dict[str, Any] | None = None, emit: Emit = _drop) -> list[ev.Citation]:
        clean = {k: v for k, v in (filters or {}).items() if v not in (None, "", ())}
        return list(self._memory().search(query, **clean))

    def forget(self, what: dict[str, Any], emit: Emit = _drop) -> int:
        return int(self._memory().forget(**{k: v for k, v in what.items() if v not in (None, "")}))

    def compact_memory(self, emit: Emit = _drop) -> ev.IngestFinished:
        """Rebuild the vector index without the forgotten chunks' vectors."""
        return self._memory().compact(on_event=emit)

    def wipe_memory(self, emit: Emit = _drop) -> int:
        """Forget everything: every source, then every remaining source type (facts, conversations)."""
        memory = self._memory()
        fn = getattr(memory, "wipe", None)
        if callable(fn):
            return int(fn() or 0)
        removed = 0
        for source in memory.sources():
            if source.get("path"):
                removed += int(memory.forget(source_path=source["path"]) or 0)
        for source_type in memory.stats().get("chunks_by_source_type") or {}:
            removed += int(memory.forget(source_type=source_type) or 0)
        return removed

    def item_text(self, item_id: str, emit: Emit = _drop) -> str:
        return str(self._memory().item_text(item_id))

    def ingest(self, path: str, kind: str | None = None, emit: Emit = _drop) -> ev.IngestFinished:
        return self._memory().ingest_path(Path(path), kind=kind, on_event=emit)

    # --- audit -------------------------------------------------------------------------------

    def audit_entries(self, limit: int = 200, emit: Emit = _drop) -> list[dict[str, Any]]:
        audit = self.core.audit
        fn = getattr(audit, "read", None)
        if not callable(fn):
            return []
        result = fn()
        rows = getattr(result, "entries", result)
        return [r if isinstance(r, dict) else dict(r.__dict__) for r in rows][-limit:]

    def undo(self, action_id: str, emit: Emit = _drop) -> Any:
        core = self.core
        fn = getattr(core, "undo", None)
        if callable(fn):
            return fn(action_id)
        from app.audit import undo_action

        agent = core.agent
        return undo_action(core.audit, action_id, getattr(agent, "tools", None), getattr(agent, "context", None))

    def shutdown(self, emit: Emit = _drop) -> bool:
        if hasattr(self.core, "shutdown"):
            self.core.shutdown()
        return True
