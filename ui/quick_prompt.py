"""The quick prompt: a small frameless window at the top centre of the screen, opened by the
global hotkey. It streams the answer, shows approvals inline, and can hand the conversation to
the main window. Esc closes it (denying anything it was waiting on)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.agent import sources
from app.agent.steps import StepRecorder
from app.events import Citation
from app.policy.display_text import escape_hidden
from ui import markdown_render, theme, translucency, worker
from ui.approval_panel import ApprovalList
from ui.approvals import ApprovalCenter
from ui.bridge import EventBridge
from ui.services import Services
from ui.step_cards import StepsView
from ui.turn_runner import TurnRunner
from ui.widgets import RichLabel

WIDTH = 680
MARGIN = 24  # room for the shadow


class QuickPrompt(QWidget):
    open_in_main = Signal(str, str, object)  # conversation id, title, messages so far
    open_citation = Signal(object)  # a source to open (its [n] marker was clicked)

    def __init__(self, services: Services, bridge: EventBridge, center: ApprovalCenter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self.see_through = translucency.available()  # else its shadow would be drawn black
        self.margin = MARGIN if self.see_through else 0
        if self.see_through:
            self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setWindowTitle("Hearth quick prompt")
        self.services = services
        self.center = center
        self.conversation_id = ""
        self.title = ""
        self.runner = TurnRunner(services, bridge, "quick", self)
        self.runner.token.connect(self._on_token)
        self.runner.status.connect(self._on_status)
        self.runner.step.connect(self._on_step)
        self.runner.final.connect(self._on_final)
        self.runner.failed.connect(self._on_failed)
        self.runner.finished.connect(self._on_finished)
        self.runner.turn_known.connect(lambda _tid: self.approvals.refresh())

        outer = QVBoxLayout(self)
        outer.setContentsMargins(self.margin, self.margin // 2, self.margin, self.margin)
        self.frame = QFrame()
        self.frame.setObjectName("QuickPrompt")
        if self.see_through:
            shadow = QGraphicsDropShadowEffect(self.frame)
            shadow.setBlurRadius(36)
            shadow.setOffset(0, 10)
            shadow.setColor(QColor(0, 0, 0, 110))
            self.frame.setGraphicsEffect(shadow)
        outer.addWidget(self.frame)
        layout = QVBoxLayout(self.frame)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.setSpacing(8)
        row = QHBoxLayout()
        row.setSpacing(10)
        logo = QLabel()
        logo.setPixmap(theme.app_icon().pixmap(26, 26))
        row.addWidget(logo)
        self.input = QLineEdit()
        self.input.setObjectName("QuickInput")
        self.input.setPlaceholderText("Ask Hearth…")
        self.input.returnPressed.connect(self.submit)
        row.addWidget(self.input, 1)
        layout.addLayout(row)

        self.answer_area = QScrollArea()
        self.answer_area.setWidgetResizable(True)
        self.answer_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        self.steps = StepsView()
        self.steps.undo_requested.connect(self.undo_action)
        body_layout.addWidget(self.steps)
        self.answer = RichLabel("")
        self.answer.setObjectName("QuickAnswer")
        self.answer.marker_clicked.connect(self.show_source)
        body_layout.addWidget(self.answer)
        self.sources = RichLabel("", markdown=False)
        self.sources.setObjectName("QuickSources")
        self.sources.marker_clicked.connect(self.show_source)
        self.sources.hide()
        body_layout.addWidget(self.sources)
        self.status = QLabel("")
        self.status.setObjectName("Partial")
        self.status.hide()
        body_layout.addWidget(self.status)
        self.approvals = ApprovalList(center, compact=True, accept=lambda req: req.turn_id in self.runner.turn_ids)
        self.approvals.count_changed.connect(self._on_approvals)
        self.approvals.setVisible(bool(self.approvals.cards))  # an empty list is not an empty grey bar
        body_layout.addWidget(self.approvals)
        body_layout.addStretch(1)
        self.answer_area.setWidget(body)
        self.answer_area.hide()
        layout.addWidget(self.answer_area)

        self.footer = QWidget()
        foot = QHBoxLayout(self.footer)
        foot.setContentsMargins(0, 0, 0, 0)
        hint = QLabel("Return to ask · Esc to close")
        hint.setObjectName("QuickFooter")
        foot.addWidget(hint)
        foot.addStretch(1)
        self.meta = QLabel("")
        self.meta.setObjectName("QuickFooter")
        foot.addWidget(self.meta)
        self.open_button = QPushButton("Open in Hearth")
        self.open_button.setProperty("role", "flat")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.hand_over)
        self.open_button.setEnabled(False)
        foot.addWidget(self.open_button)
        layout.addWidget(self.footer)

        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.dismiss)
        QShortcut(QKeySequence("Ctrl+O"), self, activated=self.hand_over)
        self._text = ""
        self.citations: tuple[Citation, ...] = ()
        self.messages: list[dict[str, Any]] = []
        self._turn_steps: list[dict[str, Any]] = []
        self._recorder = StepRecorder(self._turn_steps.append)
        self.setFixedWidth(WIDTH + 2 * self.margin)
        self._fit()

    # --- showing -----------------------------------------------------------------------------

    def open(self) -> None:
        """Show at the top centre of the screen under the cursor, ready to type."""
        screen = QGuiApplication.screenAt(QPoint(*self._cursor())) or QGuiApplication.primaryScreen()
        geometry = screen.availableGeometry()
        self._fit()
        x = geometry.x() + (geometry.width() - self.width()) // 2
        y = geometry.y() + int(geometry.height() * 0.16)
        self.move(x, y)
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus()
        self.input.selectAll()

    @staticmethod
    def _cursor() -> tuple[int, int]:
        from PySide6.QtGui import QCursor

        pos = QCursor.pos()
        return pos.x(), pos.y()

    def toggle(self) -> None:
        if self.isVisible():
            self.dismiss()
        else:
            self.open()

    def dismiss(self) -> None:
        """Esc: close. Whatever this prompt was asking approval for is denied."""
        self.approvals.deny_shown()
        self.hide()

    def reset(self) -> None:
        self.conversation_id = ""
        self._text = ""
        self.messages = []
        self._show_sources(())
        self.steps.clear()
        self.answer.set_source("")
        self.answer_area.hide()
        self.open_button.setEnabled(False)
        self.meta.setText("")
        self.input.clear()
        self._fit()

    def undo_action(self, action_id: str, card: Any) -> None:
        """Undo an action from its card here, through the audit log (off the GUI thread)."""
        worker.run_task(lambda: self.services.undo(action_id), lambda message: card.undone(str(message or "Undone.")),
                        lambda exc: card.undo_failed(str(exc)))

    def _on_approvals(self, count: int) -> None:
        self.approvals.setVisible(count > 0)
        self._fit()

    def _fit(self) -> None:
        self.frame.adjustSize()
        if self.answer_area.isVisible():
            content = self.answer_area.widget().sizeHint().height()
            self.answer_area.setFixedHeight(max(60, min(420, content + 6)))
        self.adjustSize()

    # --- asking ------------------------------------------------------------------------------

    def submit(self) -> None:
        text = self.input.text().strip()
        if not text or self.runner.busy:
            return
        if not self.conversation_id:
            self.title = text if len(text) <= 48 else text[:47] + "…"
            self.conversation_id = self.services.conversations.start(self.title)
        self._text = ""
        self.messages.append({"role": "user", "content": text})
        self._turn_steps.clear()
        self._recorder = StepRecorder(self._turn_steps.append)
        self.steps.clear()
        self._show_sources(())
        self.answer.set_source("")
        self.status.setText("Thinking…")
        self.status.show()
        self.answer_area.show()
        self.meta.setText("")
        self.input.clear()
        self.input.setPlaceholderText(text)
        self._fit()
        self.runner.start(text, self.conversation_id, "quick_prompt")

    def _on_token(self, text: str) -> None:
        self.status.hide()
        self._text += text
        self.answer.set_source(self._text)
        self._fit()

    def _on_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self._fit()

    def _on_step(self, event) -> None:  # noqa: ANN001 - an app.events step event
        self._recorder(event)
        self.steps.apply(event)
        self._fit()

    def _on_final(self, text: str, citations) -> None:  # noqa: ANN001
        if text.strip():
            self._text = text
        self._show_sources(tuple(citations or ()))
        self.answer.set_source(self._text, len(self.citations))
        self._fit()

    def _show_sources(self, citations: tuple[Citation, ...]) -> None:
        """The sources the answer used, numbered as its [n] markers count them."""
        self.citations = citations
        seen: set[str] = set()
        links = []
        for number in sources.relevant(self._text, citations):
            citation = citations[number - 1]
            if citation.item_id in seen:
                continue
            seen.add(citation.item_id)
            title = markdown_render.plain(escape_hidden(citation.title or citation.source_type.title()))
            links.append(f'<a href="{markdown_render.MARKER_SCHEME}{number}">[{number}]</a>&nbsp;{title}')
        self.sources.setText(f"<style>{markdown_render.style_sheet()}</style>Sources: " + " &nbsp;·&nbsp; ".join(links)
                             if links else "")
        self.sources.setVisible(bool(links))

    def show_source(self, number: int) -> None:
        if 1 <= number <= len(self.citations):
            self.open_citation.emit(self.citations[number - 1])

    def _on_failed(self, message: str) -> None:
        self.status.setText(f"Something went wrong: {message}")
        self.status.show()
        self._fit()

    def _on_finished(self, stats: str) -> None:
        if self.status.text() in ("Thinking…", "Waiting for your approval…"):
            self.status.hide()
        self.meta.setText(stats)
        self.messages.extend(self._turn_steps)  # what the conversation holds: steps, then the answer
        self._turn_steps = []
        self._recorder = StepRecorder(self._turn_steps.append)
        if self._text.strip():
            self.messages.append({"role": "assistant", "content": self._text,
                                  "citations": [c.to_dict() for c in self.citations]})
        self.open_button.setEnabled(bool(self.conversation_id))
        self.input.setPlaceholderText("Ask a follow-up…")
        self._fit()

    def answer_text(self) -> str:
        return self._text

    def hand_over(self) -> None:
        """Continue this conversation in the main window."""
        if not self.conversation_id:
            return
        conversation_id, title, messages = self.conversation_id, self.title, list(self.messages)
        self.hide()
        self.reset()
        self.open_in_main.emit(conversation_id, title, messages)
