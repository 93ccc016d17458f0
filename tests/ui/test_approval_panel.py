"""The approval panel with a scripted agent (the agent's own tests cover its gate; here: the UI).

Approve, deny, edit-then-approve, always-allow only where allowed, keyboard operation, and
closing the panel counting as a denial.
"""

from __future__ import annotations

import json

import pytest
from fakes import FakeCore, ScriptedAgent
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ui.app import HearthApp


@pytest.fixture
def scripted(themed_qapp, qtbot, tmp_path):
    agent = ScriptedAgent("Done, the file is written.")
    agent.action = ("write_file", {"path": "~/notes/a.md", "content": "hello"}, "reversible")
    agent.preview = "--- a.md\n+++ a.md\n@@ -0,0 +1 @@\n+hello"
    agent.untrusted = ("mail: “Invoice” from billing@example.com",)
    core = FakeCore(agent)
    app = HearthApp(themed_qapp, core=core, start_hotkey=False)
    agent.approver = app.center
    qtbot.addWidget(app.main)
    yield app, agent
    app.center.close()


def _pending_card(app, qtbot):
    qtbot.waitUntil(lambda: bool(app.main.approvals.list.cards), timeout=5000)
    return app.main.approvals.list.first_card()


def test_card_shows_exactly_what_would_run(scripted, qtbot):
    app, agent = scripted
    app.main.send("write the note")
    card = _pending_card(app, qtbot)
    assert json.loads(card.arguments.toPlainText()) == {"path": "~/notes/a.md", "content": "hello"}
    assert card.arguments.isReadOnly()
    assert "+hello" in card.preview.toPlainText()
    assert "billing@example.com" in card.untrusted_label.text()
    assert card.badge.tier == "reversible"
    assert not card.approve_button.isDefault() and not card.approve_button.autoDefault()
    card.approve_button.click()
    qtbot.waitUntil(lambda: not app.main.runner.busy, timeout=5000)
    assert agent.decisions[0].decision == "approved"
    assert "file is written" in app.main.view.current().text()


def test_deny_by_keyboard_escape(scripted, qtbot):
    app, agent = scripted
    app.main.send("write the note")
    card = _pending_card(app, qtbot)
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(agent.decisions), timeout=5000)
    assert agent.decisions[0].decision == "denied"


def test_keyboard_tab_reaches_approve_and_space_presses_it(scripted, qtbot):
    app, agent = scripted
    app.main.send("write the note")
    card = _pending_card(app, qtbot)
    card.approve_button.setFocus()
    qtbot.keyClick(card.approve_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(agent.decisions), timeout=5000)
    assert agent.decisions[0].decision == "approved"


def test_edit_then_approve_sends_the_edited_arguments(scripted, qtbot):
    app, agent = scripted
    app.main.send("write the note")
    card = _pending_card(app, qtbot)
    card.edit_button.click()
    assert not card.arguments.isReadOnly()
    card.arguments.setPlainText("{not json")
    card.approve_button.click()
    assert card.error.isVisible() and not agent.decisions  # bad JSON is refused, nothing runs
    card.arguments.setPlainText(json.dumps({"path": "~/notes/b.md", "content": "hello"}))
    card.approve_button.click()
    qtbot.waitUntil(lambda: bool(agent.decisions), timeout=5000)
    assert agent.decisions[0].decision == "edited"
    assert agent.decisions[0].edited_arguments == {"path": "~/notes/b.md", "content": "hello"}


def test_always_allow_only_where_the_tier_allows(scripted, qtbot):
    app, agent = scripted
    agent.action = ("send_mail", {"to": "sam@example.com"}, "external")
    app.main.send("mail sam")
    card = _pending_card(app, qtbot)
    assert not card.always_button.isVisibleTo(card)
    card.deny_button.click()
    qtbot.waitUntil(lambda: not app.main.runner.busy, timeout=5000)
    agent.action = ("write_file", {"path": "x"}, "reversible")
    app.main.send("write x")
    card = _pending_card(app, qtbot)
    assert card.always_button.isVisibleTo(card)
    card.always_button.click()
    qtbot.waitUntil(lambda: len(agent.decisions) == 2, timeout=5000)
    assert agent.decisions[1].allow_always is True


def test_closing_the_panel_denies(scripted, qtbot):
    app, agent = scripted
    app.main.send("write the note")
    _pending_card(app, qtbot)
    app.main.approvals.close()
    qtbot.waitUntil(lambda: bool(agent.decisions), timeout=5000)
    assert agent.decisions[0].decision == "denied"


def test_hidden_characters_are_shown_escaped_with_a_warning(themed_qapp, qtbot, tmp_path):
    """Issue #19: a right-to-left override made `rm -rf ~/Documents` read like `cat note.txt`."""
    from app.audit import AuditLog
    from app.config import Settings
    from app.paths import get_paths
    from app.policy.approval import ApprovalDecision, Gate
    from app.policy.taint import Taint
    from app.tools import shell_tool
    from app.tools.base import ToolContext
    from ui.approval_panel import ApprovalCard
    from ui.approvals import ApprovalCenter

    command = "rm -rf ~/Documents #\u202etxt.eton tac"
    asked = []
    paths = get_paths().ensure()
    gate = Gate(context=ToolContext(paths, Settings(), None, tmp_path), audit=AuditLog(paths=paths),
                approver=lambda r: asked.append(r) or ApprovalDecision("denied"), timeout_s=5)
    gate.review(turn_id="t", action_id="a-1", tool=shell_tool.TOOL, arguments={"command": command},
                taint=Taint(), emit=lambda e: None)
    center = ApprovalCenter()
    decided = []
    waiter = __import__("threading").Thread(target=lambda: decided.append(center.wait_for(asked[0])))
    waiter.start()
    qtbot.waitUntil(lambda: center.get("a-1") is not None, timeout=5000)
    card = ApprovalCard(asked[0], center)
    qtbot.addWidget(card)
    card.show()
    shown = card.arguments.toPlainText()
    assert "\u202e" not in shown and "#⟨U+202E⟩txt.eton tac" in shown
    assert card.hidden_warning is not None and card.hidden_warning.isVisible()
    assert "hidden characters" in card.hidden_warning.text()
    assert "hidden characters" in card.findChild(QLabel, "ReasonText").text()
    # Opening the editor and approving without a change approves the original bytes, not the escapes.
    card.edit_button.click()
    card.approve()
    waiter.join(5)
    assert decided and decided[0].decision == "approved" and decided[0].edited_arguments is None


def test_short_arguments_are_shown_whole_without_scrolling(themed_qapp, qtbot, tmp_path):
    """An event's four lines of arguments fit their box (the closing brace was cut off before)."""
    agent = ScriptedAgent("OK.")
    agent.action = ("create_event", {"title": "Dentist", "start": "2026-12-15T16:15"}, "reversible")
    app = HearthApp(themed_qapp, core=FakeCore(agent), start_hotkey=False)
    agent.approver = app.center
    qtbot.addWidget(app.main)
    app.main.resize(1320, 900)
    app.main.show()
    app.main.send("add the dentist")
    card = _pending_card(app, qtbot)
    qtbot.waitUntil(lambda: card.arguments.isVisible(), timeout=5000)
    qtbot.wait(100)
    box = card.arguments
    assert box.toPlainText().count("\n") == 3
    assert box.verticalScrollBar().maximum() == 0, "the arguments scroll although they are four lines"
    app.center.close()


def test_a_mails_preview_is_shown_whole_down_to_its_sign_off(themed_qapp, qtbot, tmp_path):
    """The draft's last line (the user's name under "Best,") was scrolled out of a 220 px box."""
    agent = ScriptedAgent("OK.")
    body = "Hi Dana,\n\nI wanted to talk to you about my parental leave dates. What would be a good time?\n\nBest,\nSam Rivera"
    agent.action = ("draft_mail", {"to": ["dana.ortiz@acme-robotics.example"], "subject": "My parental leave dates",
                                   "body": body}, "reversible")
    agent.preview = ("From: sam.rivera@example.com\nTo: dana.ortiz@acme-robotics.example\n"
                     f"Subject: My parental leave dates\n\n{body}")
    app = HearthApp(themed_qapp, core=FakeCore(agent), start_hotkey=False)
    agent.approver = app.center
    qtbot.addWidget(app.main)
    app.main.resize(1320, 900)
    app.main.show()
    app.main.send("email Dana")
    card = _pending_card(app, qtbot)
    qtbot.waitUntil(lambda: card.preview.isVisible(), timeout=5000)
    qtbot.wait(100)
    assert card.preview.verticalScrollBar().maximum() == 0, "the mail's preview scrolls"
    app.center.close()
