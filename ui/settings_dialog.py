"""Settings: appearance, model, voice, hotkeys, accounts, allow rules, privacy.

Edits change the one shared :class:`app.config.Settings` object (so the running agent sees a
revoked rule at once) and are saved atomically off the GUI thread. Passwords go to the keychain
and are never shown again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.policy.sandbox import describe as describe_sandbox
from app.wording import KEYCHAIN, THIS_COMPUTER, TRAY_ONLY
from ui import theme, worker
from ui.services import Services

PAGES = (
    ("General", "settings"),
    ("Model", "sparkle"),
    ("Voice", "mic"),
    ("Hotkeys", "search"),
    ("Accounts", "source-mail"),
    ("Allow rules", "shield"),
    ("Privacy", "memory"),
)


def _page(title: str, note: str = "") -> tuple[QWidget, QVBoxLayout]:
    page = QWidget()
    page.setObjectName("Page")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(24, 18, 24, 18)
    layout.setSpacing(10)
    heading = QLabel(title)
    heading.setObjectName("Title")
    layout.addWidget(heading)
    if note:
        label = QLabel(note)
        label.setObjectName("Secondary")
        label.setWordWrap(True)
        layout.addWidget(label)
    return page, layout


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(14)
    form.setVerticalSpacing(10)
    return form


class SettingsDialog(QDialog):
    hotkey_changed = Signal(str)
    theme_changed = Signal(str)
    saved = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings — Hearth")
        self.resize(820, 560)
        self.services = services
        self.settings = services.settings
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("SidebarList")
        self.nav.setFixedWidth(190)
        side = QWidget()
        side.setObjectName("Sidebar")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 14, 0, 0)
        side_layout.addWidget(self.nav)
        outer.addWidget(side)
        right = QVBoxLayout()
        self.stack = QStackedWidget()
        right.addWidget(self.stack, 1)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(24, 8, 24, 16)
        bottom.setSpacing(8)
        self.status = QLabel("")
        self.status.setObjectName("Secondary")
        bottom.addWidget(self.status, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        self.save_button = QPushButton("Save")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(close)
        bottom.addWidget(self.save_button)
        right.addLayout(bottom)
        outer.addLayout(right, 1)
        builders = (self._general, self._model, self._voice, self._hotkeys, self._accounts, self._rules, self._privacy)
        for (name, icon_name), build in zip(PAGES, builders, strict=True):
            self.nav.addItem(QListWidgetItem(theme.icon(icon_name), name))
            self.stack.addWidget(build())
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

    def show_page(self, name: str) -> None:
        for index, (title, _icon) in enumerate(PAGES):
            if title == name:
                self.nav.setCurrentRow(index)

    # --- pages -------------------------------------------------------------------------------

    def _general(self) -> QWidget:
        page, layout = _page("General")
        form = _form()
        self.theme_box = QComboBox()
        for label, value in (("Match the system", "auto"), ("Light", "light"), ("Dark", "dark")):
            self.theme_box.addItem(label, value)
        self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(self.settings.ui.theme)))
        form.addRow("Appearance", self.theme_box)
        self.menu_bar_only = QCheckBox(TRAY_ONLY)
        self.menu_bar_only.setChecked(self.settings.ui.menu_bar_only)
        form.addRow("", self.menu_bar_only)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _model(self) -> QWidget:
        page, layout = _page("Model", f"Hearth runs its model on {THIS_COMPUTER}. The small default model works "
                                      "out of the box; import a GGUF file or pull one (needs internet) for better answers.")
        self.model_list = QListWidget()
        layout.addWidget(self.model_list, 1)
        row = QHBoxLayout()
        self.use_model_button = QPushButton("Use Selected")
        self.use_model_button.clicked.connect(self.use_selected_model)
        import_button = QPushButton("Import GGUF…")
        import_button.clicked.connect(self.import_gguf)
        pull_button = QPushButton("Pull from Hugging Face…")
        pull_button.setToolTip("Downloads a model: the only time Hearth goes online, and only when you ask")
        pull_button.clicked.connect(self.pull_model)
        row.addWidget(self.use_model_button)
        row.addStretch(1)
        row.addWidget(import_button)
        row.addWidget(pull_button)
        layout.addLayout(row)
        form = _form()
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(16, 32768)
        self.max_tokens.setValue(self.settings.model.max_tokens)
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(self.settings.model.temperature)
        form.addRow("Longest answer (tokens)", self.max_tokens)
        form.addRow("Temperature", self.temperature)
        layout.addLayout(form)
        self.refresh_models()
        return page

    def _voice(self) -> QWidget:
        page, layout = _page("Voice", f"Speech is recognised and spoken on {THIS_COMPUTER}.")
        form = _form()
        self.input_device = QComboBox()
        self.output_device = QComboBox()
        for box in (self.input_device, self.output_device):
            box.addItem("System default", "")
        self.stt_model = QLineEdit(self.settings.voice.stt_model)
        self.stt_model.setPlaceholderText("Bundled Whisper tiny.en")
        self.voice_name = QLineEdit(self.settings.voice.voice)
        self.voice_name.setPlaceholderText("Bundled Piper en_US-joe-medium")
        self.speak_replies = QCheckBox("Speak replies out loud")
        self.speak_replies.setChecked(self.settings.voice.speak_replies)
        self.cue_sounds = QCheckBox("Play a sound when listening starts and stops")
        self.cue_sounds.setChecked(self.settings.voice.cue_sounds)
        self.talk_key = QKeySequenceEdit(QKeySequence(self.settings.voice.push_to_talk_key))
        self.talk_key.setMaximumSequenceLength(1)
        form.addRow("Microphone", self.input_device)
        form.addRow("Speaker", self.output_device)
        form.addRow("Speech recognition model", self.stt_model)
        form.addRow("Voice", self.voice_name)
        form.addRow("Hold to talk (window focused)", self.talk_key)
        form.addRow("", self.speak_replies)
        form.addRow("", self.cue_sounds)
        layout.addLayout(form)
        layout.addStretch(1)
        worker.run_task(_audio_devices, self._fill_devices, lambda exc: None)
        return page

    def _fill_devices(self, devices: list[dict[str, Any]]) -> None:
        for device in devices:
            name = str(device.get("name", ""))
            if device.get("max_input_channels", 0):
                self.input_device.addItem(name, name)
            if device.get("max_output_channels", 0):
                self.output_device.addItem(name, name)
        for box, value in ((self.input_device, self.settings.voice.input_device),
                           (self.output_device, self.settings.voice.output_device)):
            fit_popup(box)
            index = box.findData(value)
            if index < 0 and value:
                box.addItem(f"{value} (not connected)", value)
                index = box.count() - 1
            box.setCurrentIndex(max(0, index))

    def _hotkeys(self) -> QWidget:
        page, layout = _page("Hotkeys", "The quick prompt opens from anywhere with this shortcut.")
        form = _form()
        self.quick_key = QKeySequenceEdit(QKeySequence(self.settings.ui.quick_prompt_hotkey))
        self.quick_key.setMaximumSequenceLength(1)
        form.addRow("Quick prompt", self.quick_key)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _accounts(self) -> QWidget:
        page, layout = _page("Accounts", "Mail is sent through your own server. The password goes to the "
                                         f"system {KEYCHAIN}; Hearth never writes it anywhere else and never shows it again.")
        form = _form()
        mail = self.settings.mail
        self.smtp_host = QLineEdit(mail.smtp_host)
        self.smtp_host.setPlaceholderText("smtp.example.com")
        self.smtp_port = QSpinBox()
        self.smtp_port.setRange(1, 65535)
        self.smtp_port.setValue(mail.smtp_port)
        self.smtp_user = QLineEdit(mail.username)
        self.from_address = QLineEdit(mail.from_address)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Type to store a new password")
        store = QPushButton(f"Store in {KEYCHAIN.title()}")
        store.clicked.connect(self.store_password)
        prow = QHBoxLayout()
        prow.setSpacing(8)
        prow.addWidget(self.password, 1)
        prow.addWidget(store)
        self.keychain_note = QLabel("")
        self.keychain_note.setObjectName("KeychainNote")
        self.keychain_note.setWordWrap(True)
        form.addRow("SMTP server", self.smtp_host)
        form.addRow("Port", self.smtp_port)
        form.addRow("User name", self.smtp_user)
        form.addRow("From address", self.from_address)
        form.addRow("Password", prow)
        form.addRow("", self.keychain_note)
        layout.addLayout(form)
        layout.addStretch(1)
        if mail.username:
            worker.run_task(lambda: self.services.has_secret(_smtp_name(mail.username)),
                            lambda ok: ok and self._keychain_note(f"✓ A password is stored in the {KEYCHAIN}.", ok=True),
                            lambda exc: None)
        return page

    def _rules(self) -> QWidget:
        page, layout = _page("Allow rules", "Actions you chose to “always allow”. Only reversible actions can "
                                            "be allowed this way; revoke a rule to be asked again.")
        self.rule_list = QListWidget()
        layout.addWidget(self.rule_list, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        revoke = QPushButton("Revoke")
        revoke.setProperty("role", "danger")
        revoke.clicked.connect(lambda: self.revoke_rule())
        row.addWidget(revoke)
        layout.addLayout(row)
        self.refresh_rules()
        return page

    def _privacy(self) -> QWidget:
        paths = self.services.paths
        page, layout = _page("Privacy", f"Everything Hearth keeps stays on {THIS_COMPUTER}. Nothing is sent anywhere "
                                        "unless you approve an action that does so.")
        form = _form()
        for label, path in (
            ("Settings (no secrets)", paths.config_file),
            ("Memory", paths.memory_dir),
            ("Conversations", paths.conversations_dir),
            ("Audit log of actions", paths.audit_log),
            ("Models", paths.models_dir),
            ("Passwords", f"the system {KEYCHAIN} (service “Hearth”)"),
        ):
            value = QLabel(str(path))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName("Secondary")
            form.addRow(label, value)
        sandbox_line = QLabel("checking…")
        sandbox_line.setObjectName("Secondary")
        form.addRow("Command sandbox", sandbox_line)
        worker.run_task(describe_sandbox, sandbox_line.setText, lambda exc: sandbox_line.setText(f"unknown ({exc})"))
        layout.addLayout(form)
        row = QHBoxLayout()
        wipe_memory = QPushButton("Wipe Memory…")
        wipe_memory.setProperty("role", "danger")
        wipe_memory.clicked.connect(lambda: self.wipe_memory())
        wipe_chats = QPushButton("Delete All Conversations…")
        wipe_chats.setProperty("role", "danger")
        wipe_chats.clicked.connect(lambda: self.delete_conversations())
        row.addWidget(wipe_memory)
        row.addWidget(wipe_chats)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    # --- actions -----------------------------------------------------------------------------

    def refresh_models(self) -> None:
        def fill(models: list[Any]) -> None:
            self.model_list.clear()
            for info in models:
                size = f"{info.size_bytes / 1e6:,.0f} MB"
                current = "  ✓ in use" if info.name == self.settings.model.name else ""
                item = QListWidgetItem(f"{info.name}{current}\n{info.architecture} · {info.quantization} · {size}")
                item.setData(Qt.ItemDataRole.UserRole, info.name)
                self.model_list.addItem(item)
            if not models:
                self.model_list.addItem(f"{self.settings.model.name} (imported on first use)")

        worker.run_task(self.services.list_models, fill, lambda exc: self.status.setText(str(exc)))

    def use_selected_model(self) -> None:
        item = self.model_list.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not name:
            return
        self.status.setText(f"Loading {name}…")
        worker.run_task(lambda: self.services.use_model(name),
                        lambda n: (self.status.setText(f"Now using {n}."), self.refresh_models()),
                        lambda exc: self.status.setText(f"Could not use {name}: {exc}"))

    def import_gguf(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import a GGUF model", "", "GGUF models (*.gguf)")
        if not path:
            return
        self.status.setText(f"Importing {Path(path).name}…")
        worker.run_task(lambda: self.services.import_gguf(path),
                        lambda n: (self.status.setText(f"Imported {n}."), self.refresh_models()),
                        lambda exc: self.status.setText(f"Import failed: {exc}"))

    def pull_model(self) -> None:
        repo, ok = QInputDialog.getText(self, "Pull a model", "Hugging Face repository (e.g. mlx-community/Qwen2.5-1.5B-Instruct-4bit):")
        if not ok or not repo.strip():
            return
        self.status.setText(f"Downloading {repo}…")
        worker.run_task(lambda: self.services.pull_model(repo.strip()),
                        lambda n: (self.status.setText(f"Downloaded {n}."), self.refresh_models()),
                        lambda exc: self.status.setText(f"Download failed: {exc}"))

    def store_password(self) -> None:
        secret = self.password.text()
        user = self.smtp_user.text().strip()
        if not secret or not user:
            self._keychain_note("Enter the user name and the password first.", ok=False)
            return
        self.password.clear()  # the secret leaves the widget at once, and is never shown again

        def stored(_result: Any) -> None:
            self._keychain_note(f"✓ Stored in the {KEYCHAIN}.", ok=True)

        worker.run_task(lambda: self.services.store_secret(_smtp_name(user), secret), stored,
                        lambda exc: self._keychain_note(f"Not stored: {exc}", ok=False))

    def _keychain_note(self, text: str, *, ok: bool) -> None:
        """Success in green, a problem in red (never an error in the colour of success)."""
        self.keychain_note.setText(text)
        self.keychain_note.setProperty("state", "ok" if ok else "error")
        self.keychain_note.style().unpolish(self.keychain_note)
        self.keychain_note.style().polish(self.keychain_note)

    def refresh_rules(self) -> None:
        self.rule_list.clear()
        for raw in self.settings.agent.allow_rules:
            if isinstance(raw, dict):
                self.rule_list.addItem(f"{raw.get('tool', '?')}   {raw.get('pattern', '')}")

    def revoke_rule(self, index: int | None = None) -> None:
        index = self.rule_list.currentRow() if index is None else index
        if index < 0:
            return
        try:
            from app.policy.allow_rules import AllowRules

            AllowRules(self.settings, self.services.paths, persist=False).revoke(index)
        except ImportError:
            del self.settings.agent.allow_rules[index]
        self.refresh_rules()
        self._save_async("Rule revoked.")

    def wipe_memory(self, confirm: bool = True) -> None:
        if confirm and QMessageBox.warning(self, "Wipe memory?", "Hearth will forget everything it has read.",
                                           QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes,
                                           QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Yes:
            return
        worker.run_task(self.services.wipe_memory, lambda n: self.status.setText(f"Memory wiped ({n} passages)."),
                        lambda exc: self.status.setText(f"Could not wipe: {exc}"))

    def delete_conversations(self, confirm: bool = True) -> None:
        if confirm and QMessageBox.warning(self, "Delete all conversations?", f"Every conversation is removed from {THIS_COMPUTER}.",
                                           QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes,
                                           QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Yes:
            return
        ids = [c.id for c in self.services.conversations.list()]

        def delete_all() -> int:
            for conversation_id in ids:
                self.services.delete_conversation(conversation_id)
            return len(ids)

        worker.run_task(delete_all, lambda n: self.status.setText(f"Deleted {n} conversations."),
                        lambda exc: self.status.setText(f"Could not delete: {exc}"))

    def apply(self) -> tuple[bool, bool]:
        """Copy the widgets into the shared settings; returns (hotkey changed, theme changed)."""
        s = self.settings
        old_hotkey, old_theme = s.ui.quick_prompt_hotkey, s.ui.theme
        s.ui.theme = self.theme_box.currentData()
        s.ui.menu_bar_only = self.menu_bar_only.isChecked()
        s.model.max_tokens = self.max_tokens.value()
        s.model.temperature = float(self.temperature.value())
        s.voice.input_device = self.input_device.currentData() or ""
        s.voice.output_device = self.output_device.currentData() or ""
        s.voice.stt_model = self.stt_model.text().strip()
        s.voice.voice = self.voice_name.text().strip()
        s.voice.speak_replies = self.speak_replies.isChecked()
        s.voice.cue_sounds = self.cue_sounds.isChecked()
        s.voice.push_to_talk_key = self.talk_key.keySequence().toString() or s.voice.push_to_talk_key
        s.ui.quick_prompt_hotkey = self.quick_key.keySequence().toString() or s.ui.quick_prompt_hotkey
        s.mail.smtp_host = self.smtp_host.text().strip()
        s.mail.smtp_port = self.smtp_port.value()
        s.mail.username = self.smtp_user.text().strip()
        s.mail.from_address = self.from_address.text().strip()
        return s.ui.quick_prompt_hotkey != old_hotkey, s.ui.theme != old_theme

    def save(self) -> None:
        hotkey_changed, theme_changed = self.apply()
        if hotkey_changed:
            self.hotkey_changed.emit(self.settings.ui.quick_prompt_hotkey)
        if theme_changed:
            self.theme_changed.emit(self.settings.ui.theme)
        self._save_async("Saved.")

    def _save_async(self, message: str) -> None:
        self.save_button.setEnabled(False)

        def done(_r: Any) -> None:
            self.save_button.setEnabled(True)
            self.status.setText(message)
            self.saved.emit()

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.status.setText(f"Not saved: {exc}")

        worker.run_task(lambda: self.services.save_settings(self.settings), done, failed)


def fit_popup(box: QComboBox) -> None:
    """Let a drop-down's list be as wide as its longest entry (device names are long)."""
    view = box.view()
    view.setMinimumWidth(max(box.width(), view.sizeHintForColumn(0) + 32))


def _smtp_name(username: str) -> str:
    try:
        from app.secrets import smtp_secret_name

        return smtp_secret_name(username)
    except ImportError:
        return f"smtp:{username}"


def _audio_devices() -> list[dict[str, Any]]:
    try:
        from voice.audio_io import list_devices
    except ImportError:
        return []
    return list_devices()
