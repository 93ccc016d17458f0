"""The steps of a turn, inline in the chat: a card per action (what ran, with its key arguments;
waiting, running, done, failed or denied; its output; Undo where the audit log can undo it) and a
quiet line per read-only lookup.

A card's state is the step record of :mod:`app.agent.steps`: live, events fold into it; on
reopening a conversation, the stored record draws the same card.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.agent import steps
from app.events import Event, TurnCancelled
from app.policy.display_text import escape_hidden
from ui import theme

# The arguments that say what an action is about, in the order they are shown.
KEY_ARGUMENTS = ("path", "paths", "source", "destination", "to", "recipient", "subject", "title", "start", "when",
                 "command", "app", "url", "query", "name", "text", "body", "content")
STATUS_TEXT = {
    "proposed": "Proposed",
    "waiting": "Waiting for your approval",
    "running": "Running…",
    "done": "Done",
    "failed": "Failed",
    "denied": "Denied",
    "cancelled": "Stopped",
    "undone": "Undone",
}
OUTPUT_LINES = 4


PATH_KEYS = ("path", "paths", "source", "destination")


def _short(value: Any, width: int = 70, middle: bool = False) -> str:
    """One line of at most ``width`` characters; ``middle`` keeps both ends (a path's file name)."""
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        value = ", ".join(value)  # paths: /a/x.txt, /b/y.txt (not a JSON list)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    if middle:  # a path: its whole file name, and as much of its folder as fits
        folder, _, name = text.rpartition("/")
        return folder[: max(12, width - len(name) - 2)] + "…/" + name if folder else text[: width - 1] + "…"
    return text[: width - 1] + "…"


def summarise_arguments(arguments: dict[str, Any], limit: int = 3) -> str:
    """The key arguments of a call as one line: ``path: /tmp/x.txt · content: hello…``."""
    keys = [k for k in KEY_ARGUMENTS if k in arguments] + [k for k in arguments if k not in KEY_ARGUMENTS]
    parts = [f"{k}: {_short(arguments[k], 80 if k in PATH_KEYS else 60, middle=k in PATH_KEYS)}"
             for k in keys[:limit] if arguments[k] not in (None, "", [], {})]
    if len(keys) > limit:
        parts.append(f"+{len(keys) - limit} more")
    return escape_hidden(" · ".join(parts))


# Tools whose output is a terminal's or a file's text: shown in the monospace font.
MONO_OUTPUT = frozenset({"run_command", "list_files", "read_file", "search_files"})


def _plain(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # tool arguments and outputs are data, never markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ActionCard(QFrame):
    """One action of a turn. ``undo_requested(action_id)`` asks the window to undo it."""

    undo_requested = Signal(str)

    def __init__(self, record: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ActionCard")
        self.state: dict[str, Any] = steps.new_action(str(record.get("action_id", ""))) | dict(record)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 10, 8)
        layout.setSpacing(3)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.icon = QLabel()
        self.icon.setFixedWidth(16)
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        self.tool_label = _plain("", "ActionTool")
        top.addWidget(self.tool_label, 1)
        self.status_label = QLabel("")
        self.status_label.setObjectName("ActionStatus")
        top.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.args_label = _plain("", "ActionArgs")
        layout.addWidget(self.args_label)
        self.output_label = _plain("", "ActionOutput")
        layout.addWidget(self.output_label)
        row = QHBoxLayout()
        row.setContentsMargins(0, 2, 0, 0)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setProperty("role", "flat")
        self.undo_button.setIcon(theme.icon("undo", theme.palette().accent, 14))
        self.undo_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.undo_button.clicked.connect(self._undo)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._undoing = False
        self._render()

    @property
    def action_id(self) -> str:
        return str(self.state.get("action_id", ""))

    @property
    def status(self) -> str:
        return str(self.state.get("status", ""))

    def apply(self, event: Event) -> None:
        steps.apply(self.state, event)
        self._render()

    def _undo(self) -> None:
        self._undoing = True
        self.undo_button.setEnabled(False)
        self.undo_button.setText("Undoing…")
        self.undo_requested.emit(self.action_id)

    def undone(self, message: str) -> None:
        self._undoing = False
        self.state.update(status="undone", undo_available=False, undo_message=message)
        self._render()

    def undo_failed(self, message: str) -> None:
        self._undoing = False
        self.state["undo_message"] = f"Could not undo: {message}"
        self._render()

    def _render(self) -> None:
        state = self.state
        status = self.status
        self.setProperty("status", status)
        self.style().unpolish(self)
        self.style().polish(self)
        p = theme.palette()
        colour = {"done": p.green, "failed": p.red, "denied": p.orange, "undone": p.text_secondary,
                  "waiting": p.orange}.get(status, p.text_secondary)
        icon = {"done": "check", "failed": "warning", "denied": "close", "undone": "undo", "cancelled": "stop",
                "waiting": "shield"}.get(status, "sparkle")
        self.icon.setPixmap(theme.pixmap(icon, 14, colour))
        explanation = str(state.get("explanation") or "").strip()
        tool = str(state.get("tool") or "action")
        self.tool_label.setText(escape_hidden(f"{explanation.rstrip('.')} · {tool}" if explanation else tool))
        text = STATUS_TEXT.get(status, status.title())
        if status == "denied" and state.get("by") not in ("", "user", None):
            text = "Not run"  # refused by the policy, a timeout or with no one to ask
        self.status_label.setText(text)
        self.status_label.setStyleSheet(f"color: {colour};")
        arguments = dict(state.get("arguments") or {})
        self.args_label.setText(summarise_arguments(arguments))
        self.args_label.setToolTip(escape_hidden(json.dumps(arguments, ensure_ascii=False, indent=1)[:3000]))
        self.args_label.setVisible(bool(self.args_label.text()))
        output = str(state.get("output") or "").strip()
        if status == "denied" and state.get("by") in ("", "user", None):
            output = "You denied this action; nothing was run."
        message = str(state.get("undo_message") or "")
        if message:
            output = f"{output}\n{message}".strip()
        lines = output.splitlines()
        shown = "\n".join(lines[:OUTPUT_LINES]) + ("\n…" if len(lines) > OUTPUT_LINES else "")
        self.output_label.setText(escape_hidden(shown))
        mono = status == "done" and str(state.get("tool") or "") in MONO_OUTPUT  # columns line up as in a terminal
        if self.output_label.property("mono") != mono:
            self.output_label.setProperty("mono", mono)
            self.output_label.style().unpolish(self.output_label)
            self.output_label.style().polish(self.output_label)
        self.output_label.setToolTip(escape_hidden(output[:2000]) if len(lines) > OUTPUT_LINES else "")
        self.output_label.setVisible(bool(shown))
        can_undo = status == "done" and bool(state.get("undo_available"))
        self.undo_button.setVisible(can_undo)
        if not self._undoing:
            self.undo_button.setEnabled(True)
            self.undo_button.setText("Undo")


class LookupLine(QFrame):
    """A read-only lookup, quietly: "Looked at your calendar for this week · 3 found"."""

    def __init__(self, record: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LookupLine")
        self.record = dict(record)
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 0, 0, 0)
        row.setSpacing(6)
        icon = QLabel()
        icon.setPixmap(theme.pixmap("search", 12, theme.palette().text_tertiary))
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignVCenter)
        # the core's label is a whole phrase ("Looked up Priya in your contacts"); older records had none
        said = str(record.get("label") or "").strip() or f"Looked in {record.get('lookup') or 'your memory'}"
        found = int(record.get("found", 0) or 0)
        self.label = _plain(f"{said} · {found} found" if found else f"{said} · nothing found", "LookupText")
        self.label.setText(escape_hidden(self.label.text()))
        row.addWidget(self.label, 1)

    def text(self) -> str:
        return self.label.text()


class StepsView(QWidget):
    """The steps of one turn, in order: action cards and lookup lines (hidden while there are none)."""

    undo_requested = Signal(str, object)  # action id, the ActionCard

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(6)
        self.cards: dict[str, ActionCard] = {}
        self.lookups: list[LookupLine] = []
        self.hide()

    def add_step(self, record: dict[str, Any]) -> QWidget | None:
        """Show a stored step record (an action card or a lookup line)."""
        widget = step_widget(record)
        if isinstance(widget, ActionCard):
            self._keep_card(widget)
        elif isinstance(widget, LookupLine):
            self.lookups.append(widget)
            self.box.addWidget(widget)
            self.show()
        return widget

    def _keep_card(self, card: ActionCard) -> None:
        self.cards[card.action_id or f"step-{len(self.cards)}"] = card
        card.undo_requested.connect(lambda action_id, c=card: self.undo_requested.emit(action_id, c))
        self.box.addWidget(card)
        self.show()

    def apply(self, event: Event) -> None:
        """A live event of the turn: a lookup line, or an action's card created or updated."""
        record = steps.lookup_record(event)
        if record is not None:
            self.add_step(record)
            return
        if isinstance(event, TurnCancelled):
            for card in self.cards.values():
                card.apply(event)
            return
        action_id = steps.action_id_of(event)
        if not action_id:
            return
        card = self.cards.get(action_id)
        if card is None:
            card = ActionCard(steps.new_action(action_id, str(getattr(event, "turn_id", ""))))
            self._keep_card(card)
        card.apply(event)

    def clear(self) -> None:
        for widget in [*self.cards.values(), *self.lookups]:
            widget.deleteLater()
        self.cards, self.lookups = {}, []
        self.hide()


def legacy_action(message: dict[str, Any]) -> dict[str, Any]:
    """A step record for a tool result stored before steps were recorded (status from its output)."""
    output = str(message.get("content", ""))
    status = "denied" if output.startswith("cancelled by the user") else (
        "failed" if output.startswith(("failed", "not run")) else "done")
    return steps.new_action("") | {"tool": str(message.get("tool", "")), "status": status, "output": output,
                                   "ok": status == "done", "by": "user" if status == "denied" else ""}


def step_widget(record: dict[str, Any]) -> QWidget | None:
    """The widget a stored step record draws (None for a record that is not a step)."""
    role = record.get("role")
    if role == steps.ACTION:
        return ActionCard(record)
    if role == steps.LOOKUP:
        return LookupLine(record)
    return None
