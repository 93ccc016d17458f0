"""Quitting: a Quit menu item with the platform's key (Ctrl+Q, ⌘Q on macOS); closing the window
quits when no tray icon is left to reach Hearth by, and hides it when there is one."""

from __future__ import annotations

import pytest
from fakes import FakeCore
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from app.paths import get_paths


@pytest.fixture
def shell(themed_qapp, qtbot, monkeypatch):  # noqa: ANN001
    from ui.app import HearthApp

    app = HearthApp(themed_qapp, paths=get_paths().ensure(), core=FakeCore(), start_hotkey=False)
    qtbot.addWidget(app.main)
    quits: list[str] = []
    monkeypatch.setattr(app, "quit", lambda: quits.append("quit"))  # the test's QApplication lives on
    app.quits = quits
    yield app
    app.center.close()


def test_the_menu_has_quit_on_the_platform_key(shell, qtbot) -> None:
    action = shell.main.quit_action
    assert action.text() == "Quit Hearth"
    keys = [k.toString() for k in action.shortcuts()]
    assert QKeySequence("Ctrl+Q").toString() in keys  # ⌘Q is Qt's Ctrl on macOS
    assert action in shell.main.menuBar().actions()[0].menu().actions()
    shell.main.show()
    qtbot.waitExposed(shell.main)
    shell.main.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shell.main)
    qtbot.keyClick(shell.main.composer.edit, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert shell.quits == ["quit"]


def test_closing_the_window_without_a_tray_quits(shell, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(shell.tray, "shown", lambda: False)  # offscreen: no system tray
    shell.main.show()
    qtbot.waitExposed(shell.main)
    shell.main.close()
    assert shell.quits == ["quit"]


def test_closing_the_window_with_a_tray_hides_it(shell, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(shell.tray, "shown", lambda: True)
    notes: list[str] = []
    monkeypatch.setattr(shell.tray, "notify", lambda title, message: notes.append(message))
    shell.main.show()
    qtbot.waitExposed(shell.main)
    shell.main.close()
    assert shell.quits == [] and not shell.main.isVisible()
    assert notes and "quit" in notes[0].lower()
    assert any(a.text() == "Quit Hearth" for a in shell.tray.menu.actions())
