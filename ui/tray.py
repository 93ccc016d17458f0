"""The menu-bar (tray) icon: Quick prompt, Open Hearth, Push to talk, Pause voice, Quit."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from ui import theme


class Tray(QObject):
    quick_prompt = Signal()
    open_main = Signal()
    push_to_talk = Signal()
    pause_voice = Signal(bool)
    quit = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.menu = QMenu()
        self.actions: dict[str, QAction] = {}
        for key, text, icon_name, signal in (
            ("quick", "Quick Prompt", "search", self.quick_prompt),
            ("open", "Open Hearth", "open", self.open_main),
            ("talk", "Push to Talk", "mic", self.push_to_talk),
        ):
            action = self.menu.addAction(theme.icon(icon_name), text)
            action.triggered.connect(signal.emit)
            self.actions[key] = action
        pause = self.menu.addAction(theme.icon("pause"), "Pause Voice")
        pause.setCheckable(True)
        pause.toggled.connect(self.pause_voice.emit)
        self.actions["pause"] = pause
        self.menu.addSeparator()
        quit_action = self.menu.addAction(theme.icon("quit"), "Quit Hearth")
        quit_action.triggered.connect(self.quit.emit)
        self.actions["quit"] = quit_action
        self.icon = QSystemTrayIcon(theme.tray_icon())
        self.icon.setToolTip("Hearth")
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        if self.available():
            self.icon.show()

    def shown(self) -> bool:
        """Whether the icon is really there to reach Hearth by (a tray exists and shows it)."""
        return self.available() and self.icon.isVisible()

    def hide(self) -> None:
        self.icon.hide()

    def set_hotkey_hint(self, text: str) -> None:
        self.actions["quick"].setText(f"Quick Prompt\t{text}" if text else "Quick Prompt")

    def notify(self, title: str, message: str) -> None:
        """A system notification (when Hearth is not in front)."""
        if self.available() and self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, message, theme.app_icon(), 8000)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.quick_prompt.emit()
