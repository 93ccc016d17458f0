"""The conversation list reads and writes its database off the GUI thread (a write may wait on
another Hearth process's transaction), and says what it did at once."""

from __future__ import annotations

import threading

import pytest
from fakes import FakeCore


@pytest.fixture
def window(themed_qapp, qtbot, hearth_home, monkeypatch):  # noqa: ANN001
    from app.conversations import ConversationStore
    from app.paths import get_paths
    from ui.app import HearthApp

    on_gui: list[str] = []
    quiet = threading.local()  # the test's own reads are not the window's
    for name in ("list", "create", "rename", "delete", "load"):
        original = getattr(ConversationStore, name)

        def spy(self, *args, _original=original, _name=name, **kwargs):  # noqa: ANN001, ANN202
            if threading.current_thread() is threading.main_thread() and not getattr(quiet, "on", False):
                on_gui.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(ConversationStore, name, spy)
    app = HearthApp(themed_qapp, paths=get_paths().ensure(), core=FakeCore(), start_hotkey=False)
    app.main.closed.disconnect(app._on_main_closed)
    qtbot.addWidget(app.main)
    def stored() -> list[str]:
        quiet.on = True
        try:
            return [c.title for c in app.main.services.conversations.list()]
        finally:
            quiet.on = False

    yield app.main, on_gui, stored
    app.center.close()


def _titles(main) -> list[str]:  # noqa: ANN001
    return [main.conversation_list.item(i).text() for i in range(main.conversation_list.count())]


def test_new_rename_and_delete_never_touch_the_database_on_the_gui_thread(window, qtbot) -> None:  # noqa: ANN001
    main, on_gui, stored = window
    main.refresh_conversations()
    assert main.send("Plan the garden")
    assert "Plan the garden" in _titles(main)  # shown at once, written in the background
    qtbot.waitUntil(lambda: not main.runner.busy, timeout=30000)
    qtbot.waitUntil(lambda: "Plan the garden" in stored(), timeout=10000)
    main.conversation_list.setCurrentRow(_titles(main).index("Plan the garden"))
    main.rename_conversation("Garden, spring")
    assert main.title.text() == "Garden, spring"
    qtbot.waitUntil(lambda: _titles(main) == ["Garden, spring"], timeout=10000)
    main.conversation_list.setCurrentRow(0)
    main.delete_conversation(confirm=False)
    assert _titles(main) == []
    qtbot.waitUntil(lambda: stored() == [], timeout=10000)
    assert on_gui == [], on_gui
