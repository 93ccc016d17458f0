"""HearthCore: the one place the parts are wired together, for the CLI, the desktop app and tests.

Everything is built lazily on first use (opening the memory takes its lock; the model loads on
its own thread), so starting Hearth is quick and a command only pays for what it touches.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from app.config import Settings, load_settings
from app.events import Event
from app.paths import Paths, get_paths

Listener = Callable[[Event], None]


class HearthCore:
    """Lazily built ``model``, ``memory``, ``audit`` and ``agent``; ``shutdown()`` releases them."""

    def __init__(
        self,
        paths: Paths | None = None,
        settings: Settings | None = None,
        *,
        approver: Any = None,
        listener: Listener | None = None,
        use_memory: bool = True,
        model: Any = None,
        compact_in_background: bool = False,
        serve_model: bool = False,
    ) -> None:
        self.paths = paths or get_paths()
        self.settings = settings or load_settings(self.paths)
        self.approver = approver
        self.use_memory = use_memory
        self.compact_in_background = compact_in_background  # long-lived: the app's core
        # The app's core serves its model to `hearth ask`/`chat`; any other core uses a served one.
        self.serve_model = serve_model
        self._model_server: Any = None
        self._listeners: list[Listener] = [listener] if listener else []
        self._lock = threading.RLock()
        self._model: Any = model
        self._memory: Any = None
        self._agent: Any = None
        self._audit: Any = None

    def add_listener(self, listener: Listener) -> None:
        """Receive model-loading events (and any other core-wide events)."""
        with self._lock:
            self._listeners.append(listener)
            if self._model is not None and hasattr(self._model, "add_listener"):
                self._model.add_listener(listener)

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._make_model()
                for listener in self._listeners:
                    self._model.add_listener(listener)
            return self._model

    def _make_model(self) -> Any:
        """The running app's model when it serves one (no second copy loaded), else our own."""
        from app.runtime.service import ModelService
        from app.runtime.share import ModelServer, connect_model

        def local() -> ModelService:
            return ModelService(self.paths, self.settings)

        if not self.serve_model:
            remote = connect_model(self.paths.models_dir, local)
            if remote is not None:
                return remote
        model = local()
        if self.serve_model:
            try:
                self._model_server = ModelServer(model, self.paths.models_dir)
            except OSError:  # the model still works here; other processes load their own
                self._model_server = None
        return model

    @property
    def memory(self) -> Any:
        """The personal memory, or None when this core runs without it (``--no-memory``)."""
        with self._lock:
            if self._memory is None and self.use_memory:
                from memory.api import open_memory

                self._memory = open_memory(self.paths, self.settings.memory)
                if self.compact_in_background:
                    self._memory.compact_in_background()
            return self._memory

    @property
    def audit(self) -> Any:
        with self._lock:
            if self._audit is None:
                from app.audit import AuditLog

                self._audit = AuditLog(paths=self.paths)
            return self._audit

    @property
    def agent(self) -> Any:
        with self._lock:
            if self._agent is None:
                from app.agent.loop import Agent

                self._agent = Agent(
                    self.model,
                    memory=self.memory,
                    approver=self.approver,
                    audit=self.audit,
                    settings=self.settings,
                    paths=self.paths,
                )
            return self._agent

    def set_approver(self, approver: Any) -> None:
        with self._lock:
            self.approver = approver
            if self._agent is not None:
                self._agent.approver = approver

    def shutdown(self) -> None:
        with self._lock:
            if self._model_server is not None:
                self._model_server.close()
                self._model_server = None
            if self._memory is not None:
                self._memory.close()
                self._memory = None
            if self._model is not None and hasattr(self._model, "shutdown"):
                self._model.shutdown()
