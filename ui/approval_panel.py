"""The approval panel: every pending action, exactly as it would run, for a person to decide.

Each card shows the plain-words explanation, the risk tier, the tool, the exact arguments (never
hidden or shortened), the preview, and the untrusted sources that were in context. Buttons:
Approve, Edit then approve, Deny, Always allow (only where the tier allows it). No button is a
default, nothing approves on a timer, and closing a card or the panel denies.
"""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import events as ev
from app.policy.display_text import HIDDEN_WARNING, escape_hidden, unescape_hidden
from ui import theme
from ui.approvals import ApprovalCenter
from ui.widgets import TierBadge, icon_button


def format_arguments(arguments: dict[str, Any]) -> str:
    """The exact arguments, as JSON, in full; hidden characters shown as ``⟨U+202E⟩``."""
    return escape_hidden(json.dumps(arguments, indent=2, ensure_ascii=False, default=str))


def preview_html(preview: str) -> str:
    """Colour a unified diff; show anything else (a mail, a command) as plain monospace text."""
    p = theme.palette()
    lines = escape_hidden(preview).split("\n")
    is_diff = any(line.startswith(("--- ", "+++ ", "@@")) for line in lines)
    out = []
    for line in lines:
        text = html.escape(line) or "&nbsp;"
        if is_diff and line.startswith("+") and not line.startswith("+++"):
            out.append(f'<span style="color:{p.green};">{text}</span>')
        elif is_diff and line.startswith("-") and not line.startswith("---"):
            out.append(f'<span style="color:{p.red};">{text}</span>')
        elif is_diff and line.startswith("@@"):
            out.append(f'<span style="color:{p.accent};">{text}</span>')
        else:
            out.append(text)
    mono = theme.mono_font_family()
    return f'<pre style="font-family:\'{mono}\'; font-size:12px; white-space:pre-wrap;">' + "\n".join(out) + "</pre>"


ARGUMENT_COLUMNS = 46  # characters of the 12 px monospace font in the panel's width, about


def _text_height(text: str, max_lines: int, min_lines: int) -> int:
    """Height for ``text`` in the style's 12 px monospace font: every line (wrapped ones counted as
    they wrap), between ``min_lines`` and ``max_lines``, plus padding, border and margins."""
    font = QFont(theme.mono_font_family())
    font.setPixelSize(12)
    shown = sum(max(1, -(-len(line) // ARGUMENT_COLUMNS)) for line in text.split("\n"))
    lines = min(max_lines, max(min_lines, shown))
    return lines * QFontMetrics(font).lineSpacing() + 2 * 6 + 2 * 1 + 2 * 4 + 4  # padding, border, margin, slack


def arguments_height(text: str, compact: bool = False) -> int:
    """The arguments box: whole up to 12 lines (6 compact); the rest scrolls."""
    return _text_height(text, 12 if not compact else 6, 2)


def preview_height(preview: str, compact: bool = False) -> int:
    """The preview: a whole short mail or event up to 22 lines (7 compact), the rest scrolls; a
    one-line move stays one line high instead of a tall empty box."""
    return _text_height(preview, 22 if not compact else 7, 1)


def _field_label(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setObjectName("FieldLabel")
    return label


class ApprovalCard(QFrame):
    """One pending action. Emits nothing itself: it resolves the request through the center."""

    decided = Signal(str, str)  # action_id, decision

    def __init__(self, request: ev.ApprovalRequested, center: ApprovalCenter, compact: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request = request
        self.center = center
        self.setObjectName("ApprovalCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"Approval needed: {escape_hidden(request.explanation)}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)

        top = QHBoxLayout()
        top.setSpacing(8)
        self.badge = TierBadge(request.tier)
        top.addWidget(self.badge)
        tool = QLabel(request.tool)
        tool.setObjectName("ToolName")
        top.addWidget(tool)
        top.addStretch(1)
        close = icon_button("close", "Dismiss (denies this action)", 12)
        close.clicked.connect(self.deny)
        top.addWidget(close)
        layout.addLayout(top)

        explanation = QLabel(escape_hidden(request.explanation or f"Run {request.tool}"))
        explanation.setTextFormat(Qt.TextFormat.PlainText)
        explanation.setObjectName("ApprovalExplanation")
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        if request.reasons:
            reasons = QLabel(escape_hidden("\n".join(f"• {r}" for r in request.reasons)))
            reasons.setTextFormat(Qt.TextFormat.PlainText)
            reasons.setObjectName("ReasonText")
            reasons.setWordWrap(True)
            layout.addWidget(reasons)

        if request.untrusted_sources:
            box = QFrame()
            box.setObjectName("UntrustedBox")
            row = QHBoxLayout(box)
            row.setContentsMargins(8, 6, 8, 6)
            warn = QLabel()
            warn.setPixmap(theme.pixmap("warning", 16, theme.palette().orange))
            warn.setAlignment(Qt.AlignmentFlag.AlignTop)
            row.addWidget(warn)
            text = QLabel(escape_hidden(
                "Proposed while reading untrusted content. Check it did not come from there:\n"
                + "\n".join(f"• {s}" for s in request.untrusted_sources)
            ))
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setObjectName("UntrustedText")
            text.setWordWrap(True)
            row.addWidget(text, 1)
            layout.addWidget(box)
            self.untrusted_label = text

        self.hidden_warning: QLabel | None = None
        shown = [request.explanation, *request.reasons, *request.untrusted_sources, request.preview,
                 json.dumps(request.arguments, ensure_ascii=False)]
        if any(escape_hidden(text) != text for text in shown):
            self.hidden_warning = QLabel(HIDDEN_WARNING)
            self.hidden_warning.setObjectName("Warning")
            self.hidden_warning.setWordWrap(True)
            layout.addWidget(self.hidden_warning)

        layout.addWidget(_field_label("Arguments"))
        self.arguments = QPlainTextEdit(format_arguments(request.arguments))
        self.arguments.setObjectName("Arguments")
        self.arguments.setReadOnly(True)
        self.arguments.setTabChangesFocus(True)
        self.arguments.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.arguments.setFixedHeight(arguments_height(self.arguments.toPlainText(), compact))
        layout.addWidget(self.arguments)
        self.error = QLabel("")
        self.error.setObjectName("Warning")
        self.error.hide()
        layout.addWidget(self.error)

        self.preview: QTextBrowser | None = None
        if request.preview:
            layout.addWidget(_field_label("Preview"))
            self.preview = QTextBrowser()
            self.preview.setObjectName("Preview")
            self.preview.setOpenLinks(False)
            self.preview.setHtml(preview_html(request.preview))
            self.preview.setFixedHeight(preview_height(request.preview, compact))
            layout.addWidget(self.preview)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.deny_button = QPushButton("&Deny")
        self.deny_button.setProperty("role", "danger")
        self.deny_button.clicked.connect(self.deny)
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.clicked.connect(self.toggle_edit)
        self.always_button = QPushButton("Always a&llow")
        self.always_button.clicked.connect(self.allow_always)
        self.always_button.setVisible(request.can_allow_always)
        self.always_button.setToolTip("Approve, and stop asking for exactly this action (the same arguments)")
        self.approve_button = QPushButton("&Approve")
        self.approve_button.setProperty("role", "primary")
        self.approve_button.clicked.connect(self.approve)
        for button in (self.deny_button, self.edit_button, self.always_button, self.approve_button):
            button.setAutoDefault(False)
            button.setDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        buttons.addWidget(self.deny_button)
        buttons.addStretch(1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.always_button)
        buttons.addWidget(self.approve_button)
        layout.addLayout(buttons)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        # Keyboard: Esc denies (keyPressEvent); Ctrl+Return approves what is shown (never a bare Return).
        approve_key = QShortcut(QKeySequence("Ctrl+Return"), self)
        approve_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        approve_key.activated.connect(self.approve)
        self.editing = False

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Esc on a card denies it
        if event.key() == Qt.Key.Key_Escape and not self.editing:
            self.deny()
            return
        if event.key() == Qt.Key.Key_Escape and self.editing:
            self.toggle_edit()
            return
        super().keyPressEvent(event)

    @property
    def action_id(self) -> str:
        return self.request.action_id

    def toggle_edit(self) -> None:
        self.editing = not self.editing
        self.arguments.setReadOnly(not self.editing)
        self.arguments.setObjectName("Editor" if self.editing else "Arguments")
        self.arguments.style().unpolish(self.arguments)
        self.arguments.style().polish(self.arguments)
        self.edit_button.setText("Cancel &edit" if self.editing else "&Edit…")
        self.approve_button.setText("&Approve edited" if self.editing else "&Approve")
        self.always_button.setEnabled(not self.editing)
        if self.editing:
            self.arguments.setFocus()
        else:
            self.arguments.setPlainText(format_arguments(self.request.arguments))
            self.error.hide()

    def approve(self) -> None:
        if self.editing:
            try:
                edited = json.loads(unescape_hidden(self.arguments.toPlainText()))
            except ValueError as exc:
                self.error.setText(f"The arguments are not valid JSON: {exc}")
                self.error.show()
                return
            if not isinstance(edited, dict):
                self.error.setText("The arguments must be a JSON object.")
                self.error.show()
                return
            if edited == self.request.arguments:
                self.center.approve(self.action_id)
            else:
                self.center.approve_edited(self.action_id, edited)
            self.decided.emit(self.action_id, "edited")
            return
        self.center.approve(self.action_id)
        self.decided.emit(self.action_id, "approved")

    def allow_always(self) -> None:
        if not self.request.can_allow_always:
            return
        self.center.approve(self.action_id, allow_always=True)
        self.decided.emit(self.action_id, "approved")

    def deny(self) -> None:
        self.center.deny(self.action_id)
        self.decided.emit(self.action_id, "denied")


class ApprovalList(QWidget):
    """A scrolling list of cards for the requests a filter accepts (all of them by default)."""

    count_changed = Signal(int)

    def __init__(self, center: ApprovalCenter, compact: bool = False, accept=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.center = center
        self.compact = compact
        self.accept = accept or (lambda request: True)
        self.cards: dict[str, ApprovalCard] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.body = QWidget()
        self.body.setObjectName("PanelBody")
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(10, 10, 10, 10)
        self.body_layout.setSpacing(10)
        self.empty = QLabel("Nothing is waiting for you.\nActions Hearth wants to take appear here first.")
        self.empty.setObjectName("PanelEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.body_layout.addWidget(self.empty)
        self.body_layout.addStretch(1)
        if compact:
            layout.addWidget(self.body)
            self.body_layout.setContentsMargins(0, 4, 0, 4)
            self.empty.hide()
        else:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setWidget(self.body)
            layout.addWidget(scroll)
        center.requested.connect(self._add)
        center.resolved.connect(self._remove)
        for request in center.pending():
            self._add(request)

    def refresh(self) -> None:
        """Add cards for pending requests the filter accepts now (e.g. a turn id became known)."""
        for request in self.center.pending():
            self._add(request)

    def _add(self, request: ev.ApprovalRequested) -> None:
        if request.action_id in self.cards or not self.accept(request):
            return
        if self.center.get(request.action_id) is None:
            return
        card = ApprovalCard(request, self.center, compact=self.compact)
        self.cards[request.action_id] = card
        self.body_layout.insertWidget(self.body_layout.count() - 1, card)
        self.empty.hide()
        self.count_changed.emit(len(self.cards))

    def _remove(self, action_id: str, _decision: object) -> None:
        card = self.cards.pop(action_id, None)
        if card is None:
            return
        card.hide()
        card.deleteLater()
        if not self.compact:
            self.empty.setVisible(not self.cards)
        self.count_changed.emit(len(self.cards))

    def deny_shown(self) -> int:
        """Deny every request this list shows (it was closed or dismissed)."""
        return sum(self.center.deny(action_id) for action_id in list(self.cards))

    def first_card(self) -> ApprovalCard | None:
        return next(iter(self.cards.values()), None)


class ApprovalDock(QDockWidget):
    """The docked panel. Closing it denies everything pending."""

    def __init__(self, center: ApprovalCenter, parent: QWidget | None = None) -> None:
        super().__init__("Approvals", parent)
        self.setObjectName("ApprovalDock")
        self.center = center
        self.list = ApprovalList(center)
        self.setWidget(self.list)
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.setMinimumWidth(430)
        self.list.count_changed.connect(self._on_count)

    def _on_count(self, count: int) -> None:
        self.setWindowTitle(f"Approvals ({count})" if count else "Approvals")
        if count:
            self.show()
            self.raise_()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - dismissing the panel denies
        self.list.deny_shown()
        super().closeEvent(event)
