"""UI test fixtures: one themed QApplication (pytest-qt's), and one real core per session built on
the shared default-model service, so the model is loaded once per run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def themed_qapp(qapp):  # noqa: ANN001 - pytest-qt's QApplication
    from ui import theme

    theme.apply(qapp, "light")
    return qapp


@pytest.fixture(scope="session")
def real_core(model_service, session_home: Path) -> Iterator[object]:
    """The real core (model, memory, agent, audit) on the session's HEARTH_HOME."""
    from app.config import Settings
    from app.paths import HOME_ENV, get_paths

    old = os.environ.get(HOME_ENV)
    os.environ[HOME_ENV] = str(session_home)
    try:
        paths = get_paths().ensure()
    finally:
        if old is None:
            del os.environ[HOME_ENV]
        else:
            os.environ[HOME_ENV] = old
    settings = Settings()
    settings.model.max_tokens = 48
    settings.agent.max_steps = 2  # the 135M model likes to call tools; keep real turns short
    from app.core import HearthCore

    core = HearthCore(paths=paths, settings=settings, model=model_service)  # the session's loaded model
    yield core
    core.shutdown()


@pytest.fixture
def hearth(themed_qapp, real_core, qtbot):  # noqa: ANN001
    """A HearthApp on the real core, without the global hotkey; torn down after the test."""
    from ui.app import HearthApp

    app = HearthApp(themed_qapp, paths=real_core.paths, settings=real_core.settings, core=real_core,
                    start_hotkey=False)
    # pytest-qt closes the window after each test; with no tray that quits the app, whose shutdown
    # would close the session's shared core (its memory closed for every later test).
    app.main.closed.disconnect(app._on_main_closed)
    qtbot.addWidget(app.main)
    qtbot.addWidget(app.quick)
    yield app
    app.center.close()
    app.main.runner.cancel()
    app.quick.runner.cancel()
    qtbot.waitUntil(lambda: not app.main.runner.busy and not app.quick.runner.busy, timeout=30000)
