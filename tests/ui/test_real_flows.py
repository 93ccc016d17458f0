"""Real flows, offscreen, on the real core: the default model, the real memory, the real agent.

(The approval flow drives the real Agent, gate, tool and audit log with a model whose tool call is
written in advance, because the 135M default model cannot be relied on to propose one.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fakes import FakeCore, ScriptedChatModel
from PySide6.QtCore import Qt

from app.config import read_settings

pytestmark = pytest.mark.slow


def _finish(qtbot, runner, center, timeout=240_000):
    """Wait for a turn, denying any action the small model proposes (a person's choice)."""
    def done() -> bool:
        for request in center.pending():
            center.deny(request.action_id)
        return not runner.busy

    qtbot.waitUntil(done, timeout=timeout)


def test_type_a_prompt_and_see_the_streamed_answer(hearth, qtbot):
    main = hearth.main
    tokens: list[str] = []
    finals: list[str] = []
    main.runner.token.connect(tokens.append)
    main.runner.final.connect(lambda text, _citations: finals.append(text))
    main.load_model()
    qtbot.waitUntil(lambda: main.model_ready, timeout=120_000)
    main.composer.edit.setPlainText("Say hello in one short sentence.")
    main.composer.send_button.click()
    assert main.runner.busy and main.composer.stop_button.isVisibleTo(main)
    _finish(qtbot, main.runner, hearth.center)
    answer = main.view.current()
    assert len(tokens) > 1  # it streamed
    assert finals and finals[-1].strip()  # the agent's FinalAnswer reached the view
    assert answer.text().strip() and answer.finished
    assert answer.text() == finals[-1]
    assert "tokens" in answer.meta.text()
    assert answer.label.text()  # rendered
    assert any(c.title.startswith("Say hello") for c in hearth.services.conversations.list())


def test_quick_prompt_open_answer_hand_over_and_close(hearth, qtbot):
    quick = hearth.quick
    quick.open()
    assert quick.isVisible() and quick.input.hasFocus() or quick.input.isVisible()
    quick.input.setText("What is two plus two?")
    quick.submit()
    _finish(qtbot, quick.runner, hearth.center)
    assert quick.answer_text().strip(), (quick.status.text(), quick.answer.source(), quick.meta.text())
    assert quick.open_button.isEnabled()
    quick.hand_over()
    assert not quick.isVisible()
    assert hearth.main.isVisible()
    assert hearth.main.conversation_id
    assert hearth.main.view.answers and hearth.main.view.answers[-1].text().strip()
    quick.open()
    qtbot.keyClick(quick.input, Qt.Key.Key_Escape)
    assert not quick.isVisible()


def _real_agent_app(themed_qapp, qtbot, tmp_path: Path, target: Path):
    from app.agent.loop import Agent
    from app.audit import AuditLog
    from app.config import Settings
    from app.paths import get_paths
    from ui.app import HearthApp

    paths = get_paths().ensure()
    call = json.dumps({"path": str(target), "content": "hello from Hearth\n"})
    model = ScriptedChatModel([f"Action: write_file\nArguments: {call}", "Action: answer\nI wrote the note."])
    core = FakeCore()
    app = HearthApp(themed_qapp, paths=paths, core=core, start_hotkey=False)
    core.audit = AuditLog(paths=paths)
    core.agent = Agent(model, approver=app.center, audit=core.audit, settings=Settings(), paths=paths)
    qtbot.addWidget(app.main)
    return app


def test_approve_an_action_runs_it_and_activity_can_undo_it(themed_qapp, qtbot, tmp_path):
    target = Path.home() / f".cache/hearth-ui-test-{tmp_path.name}.txt"
    target.unlink(missing_ok=True)
    app = _real_agent_app(themed_qapp, qtbot, tmp_path, target)
    try:
        app.main.send("Write a note")
        qtbot.waitUntil(lambda: bool(app.main.approvals.list.cards), timeout=30_000)
        card = app.main.approvals.list.first_card()
        assert card.request.tool == "write_file"
        assert json.loads(card.arguments.toPlainText())["path"] == str(target)
        assert not target.exists()  # nothing ran before the decision
        card.approve_button.click()
        qtbot.waitUntil(lambda: not app.main.runner.busy, timeout=30_000)
        assert target.read_text() == "hello from Hearth\n"
        app.main.activity_dock.show()
        activity = app.main.activity
        qtbot.waitUntil(lambda: any(r.get("kind") == "result" for r in activity.rows), timeout=10_000)
        row = next(i for i, r in enumerate(activity.rows) if r.get("kind") == "result")
        activity.table.selectRow(row)
        assert activity.undo_button.isEnabled()
        activity.undo_selected()
        qtbot.waitUntil(lambda: not target.exists(), timeout=10_000)
    finally:
        app.center.close()
        target.unlink(missing_ok=True)


def test_deny_an_action_and_nothing_runs(themed_qapp, qtbot, tmp_path):
    target = Path.home() / f".cache/hearth-ui-test-{tmp_path.name}.txt"
    target.unlink(missing_ok=True)
    app = _real_agent_app(themed_qapp, qtbot, tmp_path, target)
    try:
        app.main.send("Write a note")
        qtbot.waitUntil(lambda: bool(app.main.approvals.list.cards), timeout=30_000)
        app.main.approvals.list.first_card().deny_button.click()
        qtbot.waitUntil(lambda: not app.main.runner.busy, timeout=30_000)
        assert not target.exists()
        decisions = [e for e in app.services.audit_entries() if e.get("kind") == "decision"]
        assert decisions and decisions[-1]["decision"] == "denied"
    finally:
        app.center.close()


def test_forget_a_memory_from_the_browser(hearth, qtbot, tmp_path):
    from ui.memory_browser import MemoryBrowser

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "boat.txt").write_text("The sailing boat Marigold is moored at pier seven in Harwich.")
    browser = MemoryBrowser(hearth.services, hearth.bridge)
    qtbot.addWidget(browser)
    browser.add_source(str(docs), "documents")
    qtbot.waitUntil(lambda: not browser.ingesting, timeout=120_000)
    assert "Added 1" in browser.progress_label.text(), browser.progress_label.text()
    qtbot.waitUntil(lambda: any(s.get("path") == str(docs.resolve()) for s in browser.sources), timeout=30_000)
    browser.query.setText("Where is the Marigold moored?")
    browser.search()
    qtbot.waitUntil(lambda: any("Marigold" in c.snippet for c in browser.results), timeout=30_000)
    row = next(i for i, c in enumerate(browser.results) if "Marigold" in c.snippet)
    browser.result_list.setCurrentRow(row)
    browser.forget_item(confirm=False)
    qtbot.waitUntil(lambda: browser.status.text().startswith("Forgot"), timeout=30_000)
    qtbot.waitUntil(lambda: not any("Marigold" in c.snippet for c in browser.results)
                    and browser.status.text().endswith(("found.", "Nothing found.")), timeout=30_000)
    assert not any("Marigold" in c.snippet for c in hearth.services.search("Marigold pier seven", k=10))


def test_erase_the_fingerprints_forgetting_leaves(hearth, qtbot, tmp_path, monkeypatch):
    from memory import api
    from ui.memory_browser import MemoryBrowser

    monkeypatch.setattr(api, "AUTO_COMPACT_CHUNKS", 0)  # as in a store too large to rebuild at once
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "boat.txt").write_text("The sailing boat Marigold is moored at pier seven in Harwich.")
    (docs / "bins.txt").write_text("The bins go out on Wednesday night.")
    browser = MemoryBrowser(hearth.services, hearth.bridge)
    qtbot.addWidget(browser)
    browser.add_source(str(docs), "documents")
    qtbot.waitUntil(lambda: not browser.ingesting, timeout=120_000)
    assert browser.compact_button.isHidden()
    def items_shown() -> str:  # the Items column of this folder's row (the core is shared by tests)
        table = browser.source_table
        rows = [r for r in range(table.rowCount()) if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == str(docs.resolve())]
        return table.item(rows[0], 1).text() if rows else ""

    qtbot.waitUntil(lambda: items_shown() == "2", timeout=30_000)
    browser.query.setText("Where is the Marigold moored?")
    browser.search()
    qtbot.waitUntil(lambda: any("Marigold" in c.snippet for c in browser.results), timeout=30_000)
    browser.result_list.setCurrentRow(next(i for i, c in enumerate(browser.results) if "Marigold" in c.snippet))
    browser.forget_item(confirm=False)
    qtbot.waitUntil(lambda: not browser.compact_button.isHidden(), timeout=30_000)
    assert "1 forgotten passage still leaves a search fingerprint" in browser.stats_label.text()
    assert items_shown() == "1"  # the source's items, after the forget
    browser.compact_button.click()
    qtbot.waitUntil(lambda: not browser.ingesting, timeout=60_000)
    assert re.fullmatch(r"Rebuilt the search index from [\d,]+ passages?: 1 fingerprint erased\.", browser.progress_label.text())
    qtbot.waitUntil(lambda: browser.compact_button.isHidden(), timeout=30_000)
    assert "fingerprint" not in browser.stats_label.text()
    assert "Wednesday" in hearth.services.search("when do the bins go out", k=1)[0].snippet


def test_the_browser_follows_a_background_compaction(hearth, qtbot, tmp_path, monkeypatch):
    from memory import api, idle_compactor
    from ui import memory_browser
    from ui.memory_browser import MemoryBrowser

    monkeypatch.setattr(api, "AUTO_COMPACT_CHUNKS", 0)
    monkeypatch.setattr(idle_compactor, "POLL_S", 0.1)
    monkeypatch.setattr(memory_browser, "COMPACTION_POLL_MS", 300)
    memory = hearth.services.core.memory
    memory._idle_compactor = idle_compactor.IdleCompactor(memory, quiet_s=3.0)  # as the app's core has
    try:
        docs = tmp_path / "docs"
        docs.mkdir()
        (docs / "gate.txt").write_text("The garden gate code is 4471 and sticks in the rain.")
        browser = MemoryBrowser(hearth.services, hearth.bridge)
        qtbot.addWidget(browser)
        browser.show()
        browser.add_source(str(docs), "documents")
        qtbot.waitUntil(lambda: not browser.ingesting, timeout=120_000)
        browser.query.setText("garden gate code")
        browser.search()
        qtbot.waitUntil(lambda: any("garden gate" in c.snippet for c in browser.results), timeout=30_000)
        browser.result_list.setCurrentRow(next(i for i, c in enumerate(browser.results) if "garden gate" in c.snippet))
        browser.forget_item(confirm=False)
        qtbot.waitUntil(lambda: "rebuilds it in the background" in browser.stats_label.text(), timeout=30_000)
        assert browser.compaction_poll.isActive()
        # nobody clicks anything: the core compacts by itself and the browser notices
        qtbot.waitUntil(lambda: "fingerprint" not in browser.stats_label.text(), timeout=60_000)
        assert browser.compact_button.isHidden() and not browser.compaction_poll.isActive()
        assert memory.vectors_pending() == 0
    finally:
        memory._idle_compactor.stop()
        memory._idle_compactor = None


def test_change_a_setting(hearth, qtbot):
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(hearth.services)
    qtbot.addWidget(dialog)
    dialog.show_page("General")
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData("dark"))
    dialog.max_tokens.setValue(300)
    changed: list[str] = []
    dialog.theme_changed.connect(changed.append)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    saved = read_settings(hearth.services.paths.config_file)
    assert saved.ui.theme == "dark" and saved.model.max_tokens == 300
    assert changed == ["dark"]
    hearth.services.settings.model.max_tokens = 48
    hearth.services.settings.ui.theme = "light"
