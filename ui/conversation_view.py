"""The conversation: user bubbles, streamed Markdown answers, and the memories each answer used."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app import events as ev
from app.agent import sources, steps
from app.events import Citation
from app.wording import THIS_COMPUTER
from ui import theme
from ui.flow_layout import FlowLayout
from ui.step_cards import ActionCard, LookupLine, StepsView, legacy_action
from ui.widgets import CitationChip, RichLabel, icon_button

RENDER_INTERVAL_MS = 50  # re-render a streaming answer at most this often


def citation_from(data: Any) -> Citation | None:
    """A stored citation (a dict in a conversation record) back as a Citation; None if unreadable."""
    if isinstance(data, Citation):
        return data
    if not isinstance(data, dict):
        return None
    known = {f.name for f in dataclasses.fields(Citation)}
    values = {k: v for k, v in data.items() if k in known}
    values["people"] = tuple(values.get("people") or ())
    try:
        return Citation(**values)
    except TypeError:
        return None


class UserBubble(QFrame):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Bubble")
        self.setProperty("role", "user")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 9, 14, 9)
        self.label = RichLabel(text, markdown=False)
        longest = max((self.label.fontMetrics().horizontalAdvance(line) for line in text.splitlines() or [""]), default=0)
        self.label.setMinimumWidth(min(longest + 4, 460))
        layout.addWidget(self.label)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Minimum)


class AnswerWidget(QFrame):
    """One assistant answer: the steps it took (actions, lookups), the streamed Markdown text with
    its [n] source markers, and the sources it used as numbered cards."""

    open_citation = Signal(object)
    forget_citation = Signal(object)
    undo_requested = Signal(str, object)  # action id, the ActionCard
    source_shown = Signal(object)  # the CitationChip a marker pointed at (to scroll to it)

    def __init__(self, turn_id: str = "", parent: QWidget | None = None, role: str = "assistant") -> None:
        super().__init__(parent)
        self.turn_id = turn_id
        self.setObjectName("Bubble")
        self.setProperty("role", role)
        self._text = ""
        self._dirty = False
        self.finished = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2 if role == "assistant" else 12, 2, 2, 2)
        layout.setSpacing(6)
        self.steps = StepsView()
        self.steps.undo_requested.connect(self.undo_requested.emit)
        layout.addWidget(self.steps)
        self.label = RichLabel("")
        self.label.marker_clicked.connect(self.show_source)
        layout.addWidget(self.label)
        self.status = QLabel("")
        self.status.setObjectName("Partial")
        layout.addWidget(self.status)
        self.status.hide()
        self.citations_row = QWidget()
        self.citations_layout = FlowLayout(self.citations_row, spacing=8)  # cards wrap, never overlap
        self.citations_layout.setContentsMargins(0, 2, 0, 2)
        self.citations_row.hide()
        layout.addWidget(self.citations_row)
        footer = QHBoxLayout()
        footer.setSpacing(4)
        self.copy_button = icon_button("copy", "Copy answer", 14)
        self.copy_button.clicked.connect(self.copy)
        self.copy_button.hide()
        self.meta = QLabel("")
        self.meta.setObjectName("Meta")
        footer.addWidget(self.copy_button)
        footer.addWidget(self.meta)
        footer.addStretch(1)
        layout.addLayout(footer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RENDER_INTERVAL_MS)
        self._timer.timeout.connect(self._render)
        self.chips: list[CitationChip] = []
        self.citations: tuple[Citation, ...] = ()

    def text(self) -> str:
        return self._text

    def append(self, piece: str) -> None:
        self._text += piece
        if not self._timer.isActive():
            self._timer.start()

    def set_text(self, text: str) -> None:
        self._text = text
        self._render()

    def _render(self) -> None:
        self.label.set_source(self._text, len(self.citations))

    # --- steps: actions and lookups ----------------------------------------------------------

    @property
    def cards(self) -> dict[str, ActionCard]:
        return self.steps.cards

    @property
    def lookups(self) -> list[LookupLine]:
        return self.steps.lookups

    def add_step(self, record: dict[str, Any]) -> QWidget | None:
        return self.steps.add_step(record)

    def apply_step(self, event: ev.Event) -> None:
        self.steps.apply(event)

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def set_citations(self, citations: Sequence[Citation]) -> None:
        """The sources retrieved for the answer, in the order its [n] markers count them. Their
        cards appear with the finished answer, and only those it used (:func:`sources.relevant`)."""
        self.citations = tuple(citations)
        if self.finished:
            self._show_chips()
        elif self._text:
            self._render()

    def _show_chips(self) -> None:
        """One numbered card per source the answer used (numbered with its first marker)."""
        for chip in self.chips:
            chip.deleteLater()
        self.chips = []
        seen: set[str] = set()
        for number in sources.relevant(self._text, self.citations):
            citation = self.citations[number - 1]
            if citation.item_id in seen:
                continue
            seen.add(citation.item_id)
            chip = CitationChip(citation, number=number)
            chip.open_requested.connect(self.open_citation.emit)
            chip.forget_requested.connect(self.forget_citation.emit)
            self.citations_layout.addWidget(chip)
            self.chips.append(chip)
        self.citations_row.setVisible(bool(self.chips))
        self._render()

    def chip_for(self, number: int) -> CitationChip | None:
        """The card of the source that marker ``[number]`` names."""
        if not 1 <= number <= len(self.citations):
            return None
        item_id = self.citations[number - 1].item_id
        return next((chip for chip in self.chips if chip.citation.item_id == item_id), None)

    def show_source(self, number: int) -> None:
        """A marker was clicked: highlight its card and open the source it names."""
        chip = self.chip_for(number)
        if chip is None:
            return
        chip.flash()
        self.source_shown.emit(chip)
        self.open_citation.emit(chip.citation)

    def remove_citation(self, item_id: str) -> None:
        for chip in list(self.chips):
            if chip.citation.item_id == item_id:
                self.chips.remove(chip)
                chip.deleteLater()
        self.citations_row.setVisible(bool(self.chips))

    def finish(self, text: str | None = None, meta: str = "") -> None:
        if text is not None and text.strip():
            self._text = text
        self._timer.stop()
        self.finished = True
        self._show_chips()
        self.set_status("")
        self.copy_button.setVisible(bool(self._text))
        self.meta.setText(meta)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self._text)


class EmptyState(QWidget):
    suggestion_clicked = Signal(str)

    SUGGESTIONS = (
        "What's on my calendar this week?",
        "Summarise the notes in my Documents folder",
        "Draft a reply to the last mail from Sam",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 60, 0, 0)
        layout.setSpacing(8)
        logo = QLabel()
        logo.setPixmap(theme.app_icon().pixmap(64, 64))
        logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        title = QLabel("How can I help?")
        title.setObjectName("EmptyTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        hint = QLabel(f"Everything runs on {THIS_COMPUTER}. Nothing leaves it unless you approve.")
        hint.setObjectName("EmptyHint")
        hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(logo)
        layout.addSpacing(6)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addSpacing(18)
        for text in self.SUGGESTIONS:
            button = QPushButton(text)
            button.setObjectName("Suggestion")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, t=text: self.suggestion_clicked.emit(t))
            row = QHBoxLayout()
            row.addStretch(1)
            button.setMinimumWidth(380)
            row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(1)


class ConversationView(QScrollArea):
    """A column of messages, newest at the bottom, kept scrolled to the end while streaming."""

    open_citation = Signal(object)
    forget_citation = Signal(object)
    suggestion_clicked = Signal(str)
    undo_requested = Signal(str, object)  # action id, the ActionCard

    MAX_WIDTH = 760

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Conversation")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("ConversationInner")
        outer = QHBoxLayout(inner)
        outer.setContentsMargins(24, 18, 24, 18)
        outer.addStretch(1)
        self.column = QWidget()
        self.column.setMaximumWidth(self.MAX_WIDTH)
        self.column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.column_layout = QVBoxLayout(self.column)
        self.column_layout.setContentsMargins(0, 0, 0, 0)
        self.column_layout.setSpacing(18)
        self.column_layout.addStretch(1)
        outer.addWidget(self.column, 100)
        outer.addStretch(1)
        self.setWidget(inner)
        self.empty = EmptyState()
        self.empty.suggestion_clicked.connect(self.suggestion_clicked.emit)
        self.column_layout.insertWidget(0, self.empty)
        self.answers: list[AnswerWidget] = []
        self._stick = True
        self.verticalScrollBar().rangeChanged.connect(self._on_range)
        self.verticalScrollBar().valueChanged.connect(self._on_scroll)

    # --- building ----------------------------------------------------------------------------

    def clear(self) -> None:
        while self.column_layout.count() > 1:
            item = self.column_layout.takeAt(0)
            widget = item.widget()
            if widget is not None and widget is not self.empty:
                widget.deleteLater()
        self.answers = []
        self.column_layout.insertWidget(0, self.empty)
        self.empty.show()

    def _add(self, widget: QWidget, align: Qt.AlignmentFlag | None = None) -> None:
        self.empty.hide()
        if align is not None:
            row = QWidget()
            layout = QHBoxLayout(row)
            layout.setContentsMargins(60 if align == Qt.AlignmentFlag.AlignRight else 0, 0, 0, 0)
            if align == Qt.AlignmentFlag.AlignRight:
                layout.addStretch(1)
            layout.addWidget(widget)
            widget = row
        self.column_layout.insertWidget(self.column_layout.count() - 1, widget)
        self._stick = True

    def add_user(self, text: str) -> UserBubble:
        bubble = UserBubble(text)
        self._add(bubble, Qt.AlignmentFlag.AlignRight)
        return bubble

    def add_answer(self, turn_id: str = "", text: str = "", citations: Sequence[Citation] = (),
                   steps: Sequence[dict[str, Any]] = ()) -> AnswerWidget:
        answer = AnswerWidget(turn_id)
        answer.open_citation.connect(self.open_citation.emit)
        answer.forget_citation.connect(self.forget_citation.emit)
        answer.undo_requested.connect(self.undo_requested.emit)
        answer.source_shown.connect(lambda chip: self.ensureWidgetVisible(chip, 20, 40))
        for record in steps:
            answer.add_step(record)
        if citations:
            answer.set_citations(citations)
        if text or steps:
            answer.finish(text)
        self.answers.append(answer)
        self._add(answer)
        return answer

    def show_history(self, messages: Sequence[dict[str, Any]]) -> None:
        """Draw stored conversation records: each question, then its answer with the steps it took
        (action cards, lookup lines) and its numbered source cards, as they looked live."""
        pending: list[dict[str, Any]] = []
        matched: set[int] = set()  # step records already paired with their tool result
        for message in messages:
            role, content = message.get("role"), str(message.get("content", ""))
            if role in steps.STEP_ROLES:
                pending.append(message)
            elif role == "tool":  # its step record came first; without one (older records), a card from it
                recorded = next((i for i, p in enumerate(pending) if i not in matched
                                 and p.get("role") == steps.ACTION and p.get("tool") == message.get("tool")), None)
                if recorded is None:
                    pending.append(legacy_action(message))
                    recorded = len(pending) - 1
                matched.add(recorded)
            elif role == "user":
                if pending:
                    self.add_answer(steps=pending)
                pending, matched = [], set()
                self.add_user(content)
            elif role == "assistant" and not message.get("tool") and content.strip():
                citations = tuple(c for c in (citation_from(d) for d in message.get("citations") or ()) if c)
                self.add_answer(text=content, citations=citations, steps=pending)
                pending, matched = [], set()
        if pending:
            self.add_answer(steps=pending)

    def add_error(self, message: str) -> AnswerWidget:
        answer = AnswerWidget(role="error")
        answer.finish(f"**Something went wrong.** {message}")
        self._add(answer)
        return answer

    def current(self) -> AnswerWidget | None:
        return self.answers[-1] if self.answers else None

    def remove_citation(self, item_id: str) -> None:
        for answer in self.answers:
            answer.remove_citation(item_id)

    # --- scrolling ---------------------------------------------------------------------------

    def _on_scroll(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._stick = value >= bar.maximum() - 24

    def _on_range(self, _min: int, maximum: int) -> None:
        if self._stick:
            self.verticalScrollBar().setValue(maximum)
