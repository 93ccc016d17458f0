"""The message box: Enter sends, Shift+Enter breaks the line; a push-to-talk button and send/stop."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from ui import theme


class _Edit(QPlainTextEdit):
    submitted = Signal()
    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.submitted.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


HINT = "Return to send · Shift+Return for a new line · hold the mic to talk"


class Composer(QWidget):
    send = Signal(str)
    stop = Signal()
    talk_pressed = Signal()
    talk_released = Signal()

    MAX_LINES = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 6, 24, 14)
        outer.setSpacing(4)
        frame = QFrame()
        frame.setObjectName("Composer")
        frame.setMaximumWidth(800)
        row = QHBoxLayout(frame)
        row.setContentsMargins(12, 6, 8, 6)
        row.setSpacing(6)
        self.edit = _Edit()
        self.edit.setObjectName("ComposerEdit")
        self.edit.setPlaceholderText("Ask Hearth anything…")
        self.edit.setTabChangesFocus(True)
        self.edit.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.edit.submitted.connect(self._submit)
        self.edit.escaped.connect(self.stop.emit)
        self.edit.textChanged.connect(self._fit)
        self.talk_button = QToolButton()
        self.talk_button.setObjectName("TalkButton")
        self.talk_button.setIcon(theme.icon("mic"))
        self.talk_button.setIconSize(QSize(18, 18))
        self.talk_button.setToolTip("Hold to talk")
        self.talk_button.setAccessibleName("Push to talk")
        self.talk_button.pressed.connect(self.talk_pressed.emit)
        self.talk_button.released.connect(self.talk_released.emit)
        self.send_button = QToolButton()
        self.send_button.setObjectName("SendButton")
        self.send_button.setIcon(theme.icon("send", theme.palette().accent_text))
        self.send_button.setIconSize(QSize(16, 16))
        self.send_button.setToolTip("Send (Return)")
        self.send_button.setAccessibleName("Send")
        self.send_button.clicked.connect(self._submit)
        self.stop_button = QToolButton()
        self.stop_button.setObjectName("StopButton")
        self.stop_button.setIcon(theme.icon("stop", theme.palette().window))
        self.stop_button.setIconSize(QSize(14, 14))
        self.stop_button.setToolTip("Stop (Esc)")
        self.stop_button.setAccessibleName("Stop")
        self.stop_button.clicked.connect(self.stop.emit)
        self.stop_button.hide()
        row.addWidget(self.edit, 1)
        row.addWidget(self.talk_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)
        centered = QHBoxLayout()
        centered.addStretch(1)
        centered.addWidget(frame, 100)
        centered.addStretch(1)
        outer.addLayout(centered)
        self.hint = QLabel(HINT)
        self.hint.setObjectName("Hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.hint.setWordWrap(True)  # a narrow column (the approvals panel open) wraps it, never clips it
        outer.addWidget(self.hint)
        self._fit()

    def _fit(self) -> None:
        lines = max(1, min(self.MAX_LINES, int(self.edit.document().size().height())))
        height = lines * self.edit.fontMetrics().lineSpacing() + 14
        self.edit.setFixedHeight(max(34, height))
        self.send_button.setEnabled(bool(self.edit.toPlainText().strip()))

    def _submit(self) -> None:
        text = self.edit.toPlainText().strip()
        if not text or self.stop_button.isVisible():
            return
        self.edit.clear()
        self.send.emit(text)

    def set_microphone_problem(self, problem: str) -> None:
        """With no microphone to listen to, the mic is off and says why ("" turns it back on)."""
        self.talk_button.setEnabled(not problem)
        self.talk_button.setToolTip(problem or "Hold to talk")
        self.talk_button.setAccessibleDescription(problem)
        self.hint.setText(f"Return to send · Shift+Return for a new line · {problem}" if problem else HINT)

    @property
    def microphone_problem(self) -> str:
        return "" if self.talk_button.isEnabled() else self.talk_button.toolTip()

    def set_busy(self, busy: bool) -> None:
        self.stop_button.setVisible(busy)
        self.send_button.setVisible(not busy)

    def text(self) -> str:
        return self.edit.toPlainText()
