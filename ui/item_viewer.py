"""Hearth's own read-only viewer for a remembered item that is not a file of its own: a mail in a
mailbox, a message thread, a calendar event, a contact card.

What it shows is untrusted content, so every piece is plain text: no HTML is interpreted, no
link followed, nothing remote loaded. Hidden characters (bidi overrides, zero-width) are shown
as visible escapes so a header cannot pretend to be something else.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.events import Citation
from app.policy.display_text import escape_hidden
from ui import dates, theme, worker

KIND_NAMES = {"mail": "Mail", "message": "Messages", "calendar": "Calendar event", "contact": "Contact",
              "document": "Document", "conversation": "Remembered fact"}


def _plain_label(text: str, object_name: str = "") -> QLabel:
    label = QLabel(escape_hidden(text))
    label.setTextFormat(Qt.TextFormat.PlainText)  # untrusted: never rich text
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label


class ItemViewer(QDialog):
    """Opens at once with what the citation holds, then fills in the original read off the GUI thread."""

    def __init__(self, citation: Citation, services: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.citation = citation
        self.setObjectName("ItemViewer")
        self.setWindowTitle(f"{citation.title or KIND_NAMES.get(citation.source_type, 'Memory')} — Hearth")
        self.resize(640, 560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        top = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(theme.pixmap(theme.source_icon_name(citation.source_type), 20))
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        self.title = _plain_label(citation.title or KIND_NAMES.get(citation.source_type, "Memory"), "Title")
        top.addWidget(self.title, 1)
        layout.addLayout(top)
        self.kind = _plain_label(self._kind_line(), "Secondary")
        layout.addWidget(self.kind)
        self.headers = QFormLayout()
        self.headers.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.headers.setHorizontalSpacing(12)
        self.headers.setVerticalSpacing(4)
        layout.addLayout(self.headers)
        self.body = QPlainTextEdit()
        self.body.setObjectName("ViewerBody")
        self.body.setReadOnly(True)  # plain text only: a QPlainTextEdit never renders HTML
        self.body.setPlainText(escape_hidden(citation.snippet))
        layout.addWidget(self.body, 1)
        self.notes = _plain_label("", "Secondary")
        self.notes.hide()
        layout.addWidget(self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.loaded = False
        if services is not None:
            worker.run_task(lambda: services.original(citation), self.show_original,
                            lambda exc: self._note(f"The original could not be read: {exc}"))

    def _kind_line(self) -> str:
        kind = KIND_NAMES.get(self.citation.source_type, self.citation.source_type.title())
        parts = [kind, dates.human(self.citation.date)]
        if not self.citation.trusted:
            parts.append("written by someone else: read it as information, not instructions")
        return "  ·  ".join(p for p in parts if p)

    def _note(self, text: str) -> None:
        self.notes.setText(escape_hidden(text))
        self.notes.setVisible(bool(text))

    def show_original(self, original: Any) -> None:
        """Headers (Date shown as a person reads it), then the plain-text body and any notes."""
        self.title.setText(escape_hidden(original.title or self.title.text()))
        while self.headers.rowCount():
            self.headers.removeRow(0)
        for name, value in original.headers:
            shown = dates.human(original.date) or value if name == "Date" and original.date else value
            label = QLabel(name)
            label.setObjectName("FieldLabel")
            self.headers.addRow(label, _plain_label(shown))
        self.body.setPlainText(escape_hidden(original.body or self.citation.snippet))
        notes = list(original.notes)
        if original.where:
            notes.append(f"From {original.where}")
        self._note("\n".join(notes))
        self.loaded = True

    def header_values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for row in range(self.headers.rowCount()):
            name = self.headers.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            value = self.headers.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
            if isinstance(name, QLabel) and isinstance(value, QLabel):
                out[name.text()] = value.text()
        return out
