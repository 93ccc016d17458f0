"""The quick prompt's soft shadow needs a see-through window; on X11 without a compositing manager
that part is drawn black, so there it is a plain panel with no see-through margin."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from fakes import FakeCore

from app.paths import get_paths


@pytest.mark.parametrize("see_through", [True, False])
def test_the_quick_prompt_is_see_through_only_where_that_can_be_shown(themed_qapp, qtbot, monkeypatch,
                                                                      see_through) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    from ui import translucency
    from ui.app import HearthApp

    monkeypatch.setattr(translucency, "available", lambda: see_through)
    app = HearthApp(themed_qapp, paths=get_paths().ensure(), core=FakeCore(), start_hotkey=False)
    qtbot.addWidget(app.main)
    quick = app.quick
    assert quick.testAttribute(Qt.WidgetAttribute.WA_TranslucentBackground) is see_through
    assert (quick.frame.graphicsEffect() is not None) is see_through
    assert (quick.layout().contentsMargins().left() > 0) is see_through  # the shadow's margin
    app.center.close()


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run")
def test_a_bare_x_server_has_no_compositor(tmp_path) -> None:  # noqa: ANN001
    """Under Xvfb (no compositing manager) the real X11 check says no."""
    import sys

    script = ("from PySide6.QtWidgets import QApplication; a = QApplication([]); "
              "from ui import translucency; print(a.platformName(), translucency.available())")
    done = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env={**__import__("os").environ, "QT_QPA_PLATFORM": "xcb"})
    assert done.stdout.split()[-2:] == ["xcb", "False"], done.stdout + done.stderr


def test_no_empty_approval_bar_under_an_answer(themed_qapp, qtbot) -> None:  # noqa: ANN001
    from fakes import ScriptedAgent

    from ui.app import HearthApp

    app = HearthApp(themed_qapp, paths=get_paths().ensure(), core=FakeCore(ScriptedAgent("The basil goes by the window.")),
                    start_hotkey=False)
    qtbot.addWidget(app.main)
    quick = app.quick
    quick.open()
    quick.input.setText("Where does the basil go?")
    quick.submit()
    qtbot.waitUntil(lambda: not quick.runner.busy, timeout=10_000)
    assert quick.answer.source() == "The basil goes by the window."
    assert not quick.approvals.isVisibleTo(quick)
    app.center.close()
