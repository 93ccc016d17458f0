"""Every action shows inline in the chat as a card: what ran (tool and key arguments), its
result or failure, Undo where the audit log can undo it, a denial as denied; and the cards come
back when the conversation is reopened.

The real Agent, gate, tools, audit log and conversation store run here; only the model's replies
are written in advance (the small default model cannot be relied on to propose an action).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import FakeCore, ScriptedChatModel

from app.paths import get_paths


def _app(themed_qapp, qtbot, replies: list[str]):  # noqa: ANN001
    from app.agent.loop import Agent
    from app.audit import AuditLog
    from app.config import Settings
    from ui.app import HearthApp

    paths = get_paths().ensure()
    core = FakeCore()
    app = HearthApp(themed_qapp, paths=paths, core=core, start_hotkey=False)
    core.audit = AuditLog(paths=paths)
    core.agent = Agent(ScriptedChatModel(replies), approver=app.center, audit=core.audit, settings=Settings(),
                       paths=paths)
    qtbot.addWidget(app.main)
    return app


def _write_call(target: Path, content: str = "hello from Hearth\n") -> str:
    return "Action: write_file\nArguments: " + json.dumps({"path": str(target), "content": content})


@pytest.fixture
def target(tmp_path: Path):  # noqa: ANN201
    path = Path.home() / f".cache/hearth-ui-cards-{tmp_path.name}.txt"
    path.unlink(missing_ok=True)
    yield path
    path.unlink(missing_ok=True)


def _reopen(app, qtbot):  # noqa: ANN001, ANN202
    """Leave the conversation and open it again from the store, as a person would."""
    main = app.main
    conversation_id = main.conversation_id
    main.new_conversation()
    assert not main.view.answers
    main.open_conversation(conversation_id, "Again")
    qtbot.waitUntil(lambda: any(a.cards for a in main.view.answers), timeout=10_000)
    return next(a for a in main.view.answers if a.cards)


def test_an_approved_action_shows_what_ran_and_can_be_undone_from_its_card(themed_qapp, qtbot, target) -> None:
    # the model would write the file again after it succeeded: no second proposal reaches the person
    app = _app(themed_qapp, qtbot, [_write_call(target), _write_call(target, "hello again\n"),
                                    "Action: answer\nI wrote the note."])
    try:
        main = app.main
        main.send("Write a note")
        qtbot.waitUntil(lambda: bool(main.approvals.list.cards), timeout=30_000)
        answer = main.view.current()
        card = next(iter(answer.cards.values()))
        assert card.status == "waiting" and card.status_label.text() == "Waiting for your approval"
        main.approvals.list.first_card().approve_button.click()
        qtbot.waitUntil(lambda: not main.runner.busy, timeout=30_000)
        assert target.read_text() == "hello from Hearth\n"
        assert card.status == "done" and card.status_label.text() == "Done"
        assert "write_file" in card.tool_label.text()
        assert target.name in card.args_label.text() and str(target) in card.args_label.toolTip()
        assert card.undo_button.isVisibleTo(answer) and card.output_label.text()
        said = answer.text()
        assert said.strip() and "write_file" not in said  # the outcome in words follows its card
        assert len(answer.cards) == 1 and not main.approvals.list.cards  # proposed once, not again

        card.undo_button.click()
        qtbot.waitUntil(lambda: card.status == "undone", timeout=10_000)
        assert not target.exists() and not card.undo_button.isVisibleTo(answer)

        again = _reopen(app, qtbot)
        stored = next(iter(again.cards.values()))
        assert "write_file" in stored.tool_label.text() and target.name in stored.args_label.text()
        assert stored.status == "undone"  # the audit log says so, and no Undo is offered twice
        assert not stored.undo_button.isVisibleTo(again)
        assert again.text() == said and len(again.cards) == 1
    finally:
        app.center.close()


def test_a_denied_action_shows_as_denied_now_and_after_reopening(themed_qapp, qtbot, target) -> None:
    app = _app(themed_qapp, qtbot, [_write_call(target), "Action: answer\nAll right, I did not write it."])
    try:
        main = app.main
        main.send("Write a note")
        qtbot.waitUntil(lambda: bool(main.approvals.list.cards), timeout=30_000)
        main.approvals.list.first_card().deny_button.click()
        qtbot.waitUntil(lambda: not main.runner.busy, timeout=30_000)
        assert not target.exists()
        card = next(iter(main.view.current().cards.values()))
        assert card.status == "denied" and card.status_label.text() == "Denied"
        assert "denied" in card.output_label.text() and not card.undo_button.isVisibleTo(card)
        again = _reopen(app, qtbot)
        stored = next(iter(again.cards.values()))
        assert stored.status == "denied" and stored.status_label.text() == "Denied"
    finally:
        app.center.close()


def test_a_failed_action_says_why_in_the_chat(themed_qapp, qtbot, tmp_path) -> None:
    folder = Path.home() / f".cache/hearth-ui-cards-dir-{tmp_path.name}"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        app = _app(themed_qapp, qtbot, [_write_call(folder), "Action: answer\nThat did not work."])
        main = app.main
        main.send("Write a note")
        qtbot.waitUntil(lambda: bool(main.approvals.list.cards) or not main.runner.busy, timeout=30_000)
        if main.approvals.list.cards:
            main.approvals.list.first_card().approve_button.click()
        qtbot.waitUntil(lambda: not main.runner.busy, timeout=30_000)
        card = next(iter(main.view.current().cards.values()))
        assert card.status in ("failed", "denied"), card.state
        assert card.output_label.text().strip()  # the reason reaches the person
        again = _reopen(app, qtbot)
        assert next(iter(again.cards.values())).status == card.status
        app.center.close()
    finally:
        folder.rmdir()


def test_the_quick_prompt_shows_the_card_and_its_undo_works_there(themed_qapp, qtbot, target) -> None:
    app = _app(themed_qapp, qtbot, [_write_call(target), "Action: answer\nI wrote the note."])
    try:
        quick = app.quick
        quick.open()
        quick.input.setText("Write a note")
        quick.submit()
        qtbot.waitUntil(lambda: bool(quick.approvals.cards), timeout=30_000)
        quick.approvals.first_card().approve_button.click()
        qtbot.waitUntil(lambda: not quick.runner.busy, timeout=30_000)
        card = next(iter(quick.steps.cards.values()))
        assert card.status == "done" and target.exists()
        card.undo_button.click()
        qtbot.waitUntil(lambda: card.status == "undone", timeout=10_000)
        assert not target.exists()
    finally:
        app.center.close()


def test_a_commands_output_is_shown_in_the_monospace_font_and_a_sentence_is_not(themed_qapp, qtbot) -> None:
    """`ls -la`'s columns line up as in a terminal; a denial's sentence stays in the text font."""
    from PySide6.QtGui import QFontInfo

    from ui import theme
    from ui.step_cards import ActionCard

    listing = "total 12\ndrwxr-xr-x 3 sam sam 4096 Dec  4 08:22 .\ndrwxr-xr-x 2 sam sam 4096 Dec  4 08:22 notes"
    ran = ActionCard({"action_id": "a1", "tool": "run_command", "arguments": {"command": "ls -la"},
                      "status": "done", "ok": True, "output": listing})
    denied = ActionCard({"action_id": "a2", "tool": "run_command", "arguments": {"command": "ls -la"},
                         "status": "denied", "by": "user"})
    for card in (ran, denied):
        qtbot.addWidget(card)
        card.show()
    mono = QFontInfo(ran.output_label.font())
    assert ran.output_label.text() == listing
    assert mono.family() == QFontInfo(theme_font(theme.mono_font_family())).family()
    assert QFontInfo(denied.output_label.font()).family() != mono.family()


def theme_font(family: str):  # noqa: ANN201
    from PySide6.QtGui import QFont

    return QFont(family)
