"""The main window: conversation list, streamed answers with the memories they used, model status,
push-to-talk with a live state indicator, and the approval and activity panels."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import events as ev
from app.events import Citation
from app.wording import THIS_COMPUTER
from memory.originals import is_file_of_its_own
from ui import theme, worker
from ui.activity_view import ActivityView
from ui.approval_panel import ApprovalDock
from ui.approvals import ApprovalCenter
from ui.bridge import EventBridge
from ui.composer import Composer
from ui.conversation_view import ConversationView
from ui.item_viewer import ItemViewer
from ui.services import ConversationInfo, Services
from ui.turn_runner import TurnRunner, speed
from ui.widgets import ElidedLabel, icon_button

VOICE_LABELS = {
    "idle": "",
    "listening": "Listening",
    "transcribing": "Transcribing",
    "thinking": "Thinking",
    "speaking": "Speaking",
}


def quit_shortcuts() -> list[QKeySequence]:
    """The platform's Quit keys (⌘Q on macOS, Ctrl+Q elsewhere), never none."""
    keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
    return keys or [QKeySequence("Ctrl+Q")]


class MainWindow(QMainWindow):
    talk_started = Signal()
    talk_stopped = Signal()
    open_memory = Signal()
    open_settings = Signal()
    open_quick_prompt = Signal()
    quit_requested = Signal()  # the Quit menu item or Ctrl+Q / ⌘Q
    closed = Signal()  # the window was closed (the app decides: hide to the tray, or quit)

    def __init__(self, services: Services, bridge: EventBridge, center: ApprovalCenter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.bridge = bridge
        self.center = center
        self.setWindowTitle("Hearth")
        self.setWindowIcon(theme.app_icon())
        self.resize(1280, 800)
        self.setMinimumSize(760, 480)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks)
        self.conversation_id = ""
        self._list_reads = 0  # which read of the conversation list is the latest
        self._pending_title: tuple[str, str] = ("", "")  # a new conversation that may not be written yet
        self.model_ready = False
        self.voice_state = "idle"
        self._talk_key_down = False
        self._pill_updated = 0.0

        self.runner = TurnRunner(services, bridge, "main", self)
        self.runner.started.connect(lambda _cid: self._set_busy(True))
        self.runner.token.connect(self._on_token)
        self.runner.citations.connect(self._on_citations)
        self.runner.status.connect(self._on_status)
        self.runner.step.connect(self._on_step)
        self.runner.final.connect(self._on_final)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.finished.connect(self._on_finished)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_sidebar())
        splitter.addWidget(self._build_center())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 900])
        self.setCentralWidget(splitter)

        self.approvals = ApprovalDock(center, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.approvals)
        self.approvals.hide()
        self.approvals.list.count_changed.connect(self._on_approval_count)
        self.activity = ActivityView(services)
        self.activity_dock = QDockWidget("Activity", self)
        self.activity_dock.setObjectName("ActivityDock")
        self.activity_dock.setWidget(self.activity)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.activity_dock)
        self.activity_dock.hide()
        self.activity_dock.visibilityChanged.connect(lambda shown: shown and self.activity.refresh())

        bridge.model.connect(self._on_model_event)
        bridge.voice.connect(self._on_voice_event)
        bridge.token.connect(self._on_voice_turn_event)
        bridge.turn.connect(self._on_voice_turn_event)
        bridge.action.connect(self._on_voice_turn_event)
        bridge.other.connect(self._on_voice_turn_event)
        self._voice_answer: Any = None
        bridge.action.connect(self._on_action_event)

        self._build_menu()
        QShortcut(QKeySequence("Ctrl+L"), self, activated=lambda: self.composer.edit.setFocus())
        self.installEventFilter(self)
        self.composer.edit.installEventFilter(self)
        self.refresh_conversations()

    # --- layout ------------------------------------------------------------------------------

    def _build_menu(self) -> None:
        """The app menu: on macOS the system menu bar, elsewhere a bar at the top of the window."""
        menu = self.menuBar().addMenu("&Hearth")
        self.new_action = menu.addAction("New Conversation", self.new_conversation)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        menu.addAction("Quick Prompt", self.open_quick_prompt.emit)
        menu.addSeparator()
        menu.addAction("Memory…", self.open_memory.emit)
        settings = menu.addAction("Settings…", self.open_settings.emit)
        settings.setShortcut(QKeySequence.StandardKey.Preferences)
        settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        menu.addSeparator()
        self.quit_action = menu.addAction("Quit Hearth", self.quit_requested.emit)
        self.quit_action.setShortcuts(quit_shortcuts())
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # from every Hearth window
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.addAction(self.quit_action)  # the key works even where no menu bar is shown

    def _build_sidebar(self) -> QWidget:
        side = QFrame()
        side.setObjectName("Sidebar")
        side.setMinimumWidth(200)
        side.setMaximumWidth(320)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(0)
        top = QHBoxLayout()
        top.setContentsMargins(14, 4, 10, 4)
        brand = QLabel("Hearth")
        brand.setObjectName("Title")
        top.addWidget(brand)
        top.addStretch(1)
        self.new_button = icon_button("compose", "New conversation (Ctrl+N)", 17)
        self.new_button.clicked.connect(self.new_conversation)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        header = QLabel("CONVERSATIONS")
        header.setObjectName("SidebarHeader")
        layout.addWidget(header)
        self.conversation_list = QListWidget()
        self.conversation_list.setObjectName("SidebarList")
        self.conversation_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.conversation_list.customContextMenuRequested.connect(self._conversation_menu)
        self.conversation_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.conversation_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.conversation_list.itemActivated.connect(self._open_item)
        self.conversation_list.itemClicked.connect(self._open_item)
        self.conversation_list.itemDoubleClicked.connect(lambda _item: self.rename_conversation())
        layout.addWidget(self.conversation_list, 1)
        footer = QFrame()
        footer.setObjectName("SidebarFooter")
        row = QHBoxLayout(footer)
        row.setContentsMargins(10, 6, 10, 8)
        row.setSpacing(2)
        for name, tip, slot in (
            ("memory", "Memory", self.open_memory.emit),
            ("activity", "Activity", self.toggle_activity),
            ("shield", "Approvals", self.toggle_approvals),
            ("settings", "Settings", self.open_settings.emit),
        ):
            button = icon_button(name, tip, 18)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addWidget(footer)
        return side

    def _build_center(self) -> QWidget:
        center = QWidget()
        center.setObjectName("Page")
        layout = QVBoxLayout(center)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QFrame()
        header.setObjectName("Header")
        row = QHBoxLayout(header)
        row.setContentsMargins(18, 10, 14, 10)
        row.setSpacing(10)
        self.title = ElidedLabel("New conversation")
        self.title.setObjectName("Title")
        row.addWidget(self.title, 1)
        self.voice_pill = QLabel("")
        self.voice_pill.setObjectName("VoicePill")
        self.voice_pill.hide()
        row.addWidget(self.voice_pill)
        self.partial = QLabel("")
        self.partial.setObjectName("Partial")
        row.addWidget(self.partial)
        self.load_progress = QProgressBar()
        self.load_progress.setRange(0, 100)
        self.load_progress.setFixedWidth(90)
        self.load_progress.hide()
        row.addWidget(self.load_progress)
        self.model_button = QToolButton()
        self.model_button.setObjectName("StatusPill")
        self.model_button.setProperty("state", "loading")
        self.model_button.setText("Starting…")
        self.model_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.model_button.setIcon(theme.icon("sparkle", size=14))
        self.model_button.setIconSize(QSize(13, 13))
        self.model_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.model_button.setToolTip("The local model. Click to switch.")
        self.model_menu = QMenu(self.model_button)
        self.model_menu.aboutToShow.connect(self._fill_model_menu)
        self.model_button.setMenu(self.model_menu)
        row.addWidget(self.model_button)
        self.approvals_button = icon_button("shield", "Approvals", 18)
        self.approvals_button.clicked.connect(self.toggle_approvals)
        row.addWidget(self.approvals_button)
        layout.addWidget(header)
        self.view = ConversationView()
        self.view.open_citation.connect(self.open_citation)
        self.view.forget_citation.connect(self.forget_citation)
        self.view.undo_requested.connect(self.undo_action)
        self.view.suggestion_clicked.connect(self.send)
        layout.addWidget(self.view, 1)
        self.composer = Composer()
        self.composer.send.connect(self.send)
        self.composer.stop.connect(self.stop)
        self.composer.talk_pressed.connect(self.talk_started.emit)
        self.composer.talk_released.connect(self.talk_stopped.emit)
        layout.addWidget(self.composer)
        return center

    # --- conversations -----------------------------------------------------------------------

    def refresh_conversations(self) -> None:
        """Read the conversation list off the GUI thread, then show it (the latest read wins)."""
        self._list_reads += 1
        read = self._list_reads

        def show(infos: list[Any]) -> None:
            if read == self._list_reads:
                self._fill_conversations(infos)

        worker.run_task(self.services.conversations.list, show, lambda exc: None)

    def _fill_conversations(self, infos: list[Any]) -> None:
        self.conversation_list.clear()
        pending, title = self._pending_title
        if pending and not any(i.id == pending for i in infos):
            infos = [ConversationInfo(id=pending, title=title), *infos]  # being written
        for info in infos:
            item = QListWidgetItem(info.title)
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            item.setToolTip(info.title)
            self.conversation_list.addItem(item)
            if info.id == self.conversation_id:
                item.setSelected(True)
                self.conversation_list.setCurrentItem(item)

    def new_conversation(self) -> None:
        if self.runner.busy:
            return
        self.conversation_id = ""
        self.title.setText("New conversation")
        self.view.clear()
        self.conversation_list.clearSelection()
        self.composer.edit.setFocus()

    def _open_item(self, item: QListWidgetItem) -> None:
        self.open_conversation(item.data(Qt.ItemDataRole.UserRole), item.text())

    def open_conversation(self, conversation_id: str, title: str = "", messages: list | None = None) -> None:
        """Show a stored conversation (its history is read off the GUI thread unless given)."""
        if self.runner.busy or conversation_id == self.conversation_id and self.view.answers:
            return
        self.conversation_id = conversation_id
        self.title.setText(title or "Conversation")
        self.view.clear()
        self.refresh_conversations()

        def show(messages: list[dict[str, Any]]) -> None:
            if self.conversation_id == conversation_id:
                self.view.show_history(messages)

        if messages is not None:
            show(messages)
            return
        worker.run_task(lambda: self.services.history(conversation_id), show, lambda exc: None)

    def _conversation_menu(self, pos) -> None:
        item = self.conversation_list.itemAt(pos)
        if item is None:
            return
        self.conversation_list.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction("Rename…", self.rename_conversation)
        menu.addAction("Delete", self.delete_conversation)
        menu.exec(self.conversation_list.mapToGlobal(pos))

    def rename_conversation(self, title: str | None = None) -> None:
        item = self.conversation_list.currentItem()
        if item is None:
            return
        if title is None:
            title, ok = QInputDialog.getText(self, "Rename conversation", "Name:", QLineEdit.EchoMode.Normal, item.text())
            if not ok:
                return
        conversation_id = item.data(Qt.ItemDataRole.UserRole)
        item.setText(title)
        if conversation_id == self.conversation_id:
            self.title.setText(title)
        worker.run_task(lambda: self.services.conversations.rename(conversation_id, title),
                        lambda _r: self.refresh_conversations())

    def delete_conversation(self, confirm: bool = True) -> None:
        item = self.conversation_list.currentItem()
        if item is None:
            return
        if confirm and QMessageBox.question(
            self, "Delete conversation", f"Delete “{item.text()}”? Its messages are removed from {THIS_COMPUTER}."
        ) != QMessageBox.StandardButton.Yes:
            return
        conversation_id = item.data(Qt.ItemDataRole.UserRole)
        if conversation_id == self.conversation_id:
            self.new_conversation()
        self.conversation_list.takeItem(self.conversation_list.row(item))
        worker.run_task(lambda: self.services.delete_conversation(conversation_id), lambda _r: self.refresh_conversations())

    # --- turns -------------------------------------------------------------------------------

    def send(self, text: str, source: str = "text") -> bool:
        text = text.strip()
        if not text or self.runner.busy:
            return False
        if not self.conversation_id:
            title = text if len(text) <= 48 else text[:47].rstrip() + "…"
            self.conversation_id = self.services.conversations.start(title)
            self.title.setText(title)
            self._pending_title = (self.conversation_id, title)
            item = QListWidgetItem(title)  # shown at once; the list is read again once it is written
            item.setData(Qt.ItemDataRole.UserRole, self.conversation_id)
            item.setToolTip(title)
            self.conversation_list.insertItem(0, item)
            self.conversation_list.setCurrentItem(item)
            self.refresh_conversations()
        self.view.add_user(text)
        answer = self.view.add_answer()
        answer.set_status("Thinking…" if self.model_ready else "Loading the model…")
        self.runner.start(text, self.conversation_id, source)
        return True

    def stop(self) -> None:
        if self.runner.busy:
            self.runner.cancel()

    def _set_busy(self, busy: bool) -> None:
        self.composer.set_busy(busy)

    def _on_token(self, text: str) -> None:
        answer = self.view.current()
        if answer is not None and not answer.finished:
            answer.set_status("")
            answer.append(text)
        now = time.monotonic()
        if self.model_ready and now - self._pill_updated > 0.5:  # live speed, refreshed twice a second
            self._pill_updated = now
            tps = self.runner.live_tps()
            if tps:
                self.model_button.setText(f"{self.services.model_name_short()}  ·  {speed(tps)}")

    def _on_citations(self, citations) -> None:
        answer = self.view.current()
        if answer is not None:
            answer.set_citations(citations)

    def _on_step(self, event: ev.Event) -> None:
        answer = self.view.current()
        if answer is not None:
            answer.apply_step(event)

    def undo_action(self, action_id: str, card: Any) -> None:
        """Undo an action from its card, through the audit log (off the GUI thread)."""
        worker.run_task(lambda: self.services.undo(action_id), lambda message: card.undone(str(message or "Undone.")),
                        lambda exc: card.undo_failed(str(exc)))
        if self.activity_dock.isVisible():
            QTimer.singleShot(500, self.activity.refresh)

    def _on_status(self, text: str) -> None:
        answer = self.view.current()
        if answer is not None and not answer.finished:
            answer.set_status(text)

    def _on_final(self, text: str, citations) -> None:
        answer = self.view.current()
        if answer is not None:
            if citations:
                answer.set_citations(citations)
            answer.set_text(text or answer.text())

    def _on_failed(self, message: str) -> None:
        answer = self.view.current()
        if answer is not None and not answer.text():
            answer.finish("")
            answer.hide()
        self.view.add_error(message)

    def _on_cancelled(self, reason: str) -> None:
        answer = self.view.current()
        if answer is not None:
            answer.set_status("Stopped.")

    def _on_finished(self, stats: str) -> None:
        answer = self.view.current()
        if answer is not None and not answer.finished:
            status = answer.status.text() if answer.status.text() == "Stopped." else ""
            answer.finish(meta=stats)
            if status:
                answer.set_status(status)
        self._set_busy(False)
        if self.voice_state == "thinking":
            self._set_voice_state("idle")
        if stats and self.model_ready:
            tps = stats.split("·")[-1].strip() if "tok/s" in stats else ""
            name = self.services.model_name_short()
            self.model_button.setText(f"{name}  ·  {tps}" if tps else name)
        self.services.conversations.touch(self.runner.conversation_id)

    # --- memories beside answers -------------------------------------------------------------

    def open_citation(self, citation: Citation) -> None:
        """Open a source: a document with the system's app for it; a mail, message thread, event
        or contact (not files of their own), or a file that is gone, in Hearth's own viewer."""
        def opened(is_file: bool) -> None:
            if is_file:
                QDesktopServices.openUrl(QUrl.fromLocalFile(citation.path))
            else:
                self.show_item(citation)

        if citation.source_type == "document" and citation.path:
            worker.run_task(lambda: is_file_of_its_own(citation.path), opened, lambda exc: self.show_item(citation))
        else:
            self.show_item(citation)

    def show_item(self, citation: Citation) -> ItemViewer:
        viewer = ItemViewer(citation, self.services, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        return viewer

    def forget_citation(self, citation: Citation, confirm: bool = True) -> None:
        if confirm and QMessageBox.question(
            self, "Forget memory", f"Forget “{citation.title or citation.item_id}”? Hearth removes it from its memory."
        ) != QMessageBox.StandardButton.Yes:
            return
        self.view.remove_citation(citation.item_id)
        worker.run_task(lambda: self.services.forget(item_id=citation.item_id), None,
                        lambda exc: self.view.add_error(f"Could not forget it: {exc}"))

    # --- model status ------------------------------------------------------------------------

    def load_model(self) -> None:
        self._set_model_state("loading", f"Loading {self.services.model_name()}…")
        def loaded(name: str) -> None:
            self._model_loaded(name)
            worker.run_task(self.services.warm_up, None, lambda exc: None)  # memory and agent, ahead of the first turn

        worker.run_task(self.services.load_model, loaded, lambda exc: self._set_model_state("error", f"Model error: {exc}"))

    def _model_loaded(self, name: str) -> None:
        self.model_ready = True
        self.load_progress.hide()
        self._set_model_state("ready", name.rstrip("/").rsplit("/", 1)[-1] or name)

    def _set_model_state(self, state: str, text: str) -> None:
        self.model_button.setProperty("state", state)
        self.model_button.setText(text)
        self.model_button.style().unpolish(self.model_button)
        self.model_button.style().polish(self.model_button)

    def _on_model_event(self, event: ev.Event, _channel: str) -> None:
        if isinstance(event, ev.ModelLoading):
            self.model_ready = False
            self.load_progress.show()
            self.load_progress.setValue(int(event.progress * 100))
            self._set_model_state("loading", f"Loading {event.name}… {int(event.progress * 100)}%")
        elif isinstance(event, ev.ModelReady):
            self._model_loaded(event.name)

    def _fill_model_menu(self) -> None:
        self.model_menu.clear()
        placeholder = self.model_menu.addAction("Looking for models…")
        placeholder.setEnabled(False)

        def fill(models: list[Any]) -> None:
            self.model_menu.clear()
            current = self.services.model_name()
            for info in models:
                action = QAction(info.name, self.model_menu)
                action.setCheckable(True)
                action.setChecked(info.name == current)
                action.triggered.connect(lambda _=False, n=info.name: self.switch_model(n))
                self.model_menu.addAction(action)
            if not models:
                self.model_menu.addAction("No models installed").setEnabled(False)
            self.model_menu.addSeparator()
            self.model_menu.addAction("Manage models…", self.open_settings.emit)

        worker.run_task(self.services.list_models, fill, lambda exc: None)

    def switch_model(self, name: str) -> None:
        if self.runner.busy:
            return
        self.model_ready = False
        self._set_model_state("loading", f"Loading {name}…")
        worker.run_task(lambda: self.services.use_model(name), self._model_loaded,
                        lambda exc: self._set_model_state("error", f"Could not load {name}: {exc}"))

    # --- approvals and activity --------------------------------------------------------------

    def toggle_approvals(self) -> None:
        self.approvals.setVisible(not self.approvals.isVisible())

    def toggle_activity(self) -> None:
        self.activity_dock.setVisible(not self.activity_dock.isVisible())

    def _on_approval_count(self, count: int) -> None:
        if count:
            self._approvals_had_work = True
        elif getattr(self, "_approvals_had_work", False):  # the last decision closes the panel it opened
            self._approvals_had_work = False
            QTimer.singleShot(600, self.approvals, self._hide_idle_approvals)  # cancelled if the dock goes
        self.approvals_button.setIcon(theme.icon("shield", theme.palette().orange if count else None))
        self.approvals_button.setToolTip(f"Approvals ({count} waiting)" if count else "Approvals")

    def _hide_idle_approvals(self) -> None:
        if not self.center.pending():
            self.approvals.hide()

    def _on_action_event(self, event: ev.Event, _channel: str) -> None:
        if isinstance(event, ev.ActionResult) and self.activity_dock.isVisible():
            self.activity.refresh()

    # --- voice -------------------------------------------------------------------------------

    def _set_voice_state(self, state: str, partial: str = "") -> None:
        self.voice_state = state
        label = VOICE_LABELS.get(state, state.title())
        self.voice_pill.setText(f"● {label}" if label else "")
        self.voice_pill.setProperty("state", state)
        self.voice_pill.style().unpolish(self.voice_pill)
        self.voice_pill.style().polish(self.voice_pill)
        self.voice_pill.setVisible(bool(label))
        self.partial.setText(partial)
        self.composer.talk_button.setChecked(state == "listening")

    def _on_voice_event(self, event: ev.Event, _channel: str) -> None:
        if isinstance(event, ev.ListeningStarted):
            self._set_voice_state("listening")
        elif isinstance(event, ev.PartialTranscript):
            self._set_voice_state(self.voice_state if self.voice_state != "idle" else "listening", f"“{event.text}”")
        elif isinstance(event, ev.ListeningStopped):
            self._set_voice_state("transcribing", self.partial.text())
        elif isinstance(event, ev.FinalTranscript):
            if event.no_speech or not event.text.strip():
                self._set_voice_state("idle", "")
            else:
                self._set_voice_state("thinking", f"“{event.text}”")
                self._show_voice_turn(event.text.strip())
        elif isinstance(event, ev.SpeakingStarted):
            self._set_voice_state("speaking", "")
        elif isinstance(event, ev.SpeakingFinished | ev.BargeIn):
            self._set_voice_state("idle" if not self.runner.busy else "thinking", "")

    def voice_conversation(self) -> str:
        """The conversation a voice turn joins (called on the voice thread): the open one, or a new one."""
        if not self.conversation_id:
            self.conversation_id = self.services.conversations.create("Voice conversation").id
        return self.conversation_id

    def _show_voice_turn(self, transcript: str) -> None:
        """A spoken turn appears like a typed one: the transcript as the user's message, then the answer."""
        if self.view.answers and self._voice_answer is self.view.current() and not self._voice_answer.finished:
            self._voice_answer.finish()
        self.view.add_user(transcript)
        self._voice_answer = self.view.add_answer()
        self._voice_answer.set_status("Thinking…")
        self.refresh_conversations()
        if self.title.text() in ("", "New conversation"):
            self.title.setText("Voice conversation")

    def _on_voice_turn_event(self, event: ev.Event, channel: str) -> None:
        answer = self._voice_answer
        if channel != "voice" or answer is None or answer.finished:
            return
        if isinstance(event, ev.Token):
            answer.set_status("")
            answer.append(event.text)
        elif isinstance(event, ev.MemoryRetrieved):
            answer.set_citations(event.citations)
        elif event.kind == "LookupStep" or isinstance(
                event, ev.ActionProposed | ev.ApprovalRequested | ev.ApprovalDecided | ev.ActionResult):
            answer.apply_step(event)
        elif isinstance(event, ev.FinalAnswer):
            if event.citations:
                answer.set_citations(event.citations)
            answer.finish(event.text or answer.text())
        elif isinstance(event, ev.TurnCancelled):
            answer.finish(meta="Stopped.")

    def _is_talk_key(self, event) -> bool:
        key_name = (self.services.settings.voice.push_to_talk_key or "").strip()
        if not key_name:
            return False
        sequence = QKeySequence(key_name)
        if sequence.isEmpty():
            return False
        combo = sequence[0]
        return event.key() == combo.key() and event.modifiers() == combo.keyboardModifiers()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - hold-to-talk
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and self._is_talk_key(event):
            focus = self.focusWidget()
            typing = isinstance(focus, QLineEdit | QPlainTextEdit) and (
                (isinstance(focus, QLineEdit) and focus.text()) or (isinstance(focus, QPlainTextEdit) and focus.toPlainText())
            )
            if not typing or self._talk_key_down:
                if event.isAutoRepeat():
                    return True
                if kind == QEvent.Type.KeyPress and not self._talk_key_down:
                    self._talk_key_down = True
                    self.talk_started.emit()
                elif kind == QEvent.Type.KeyRelease and self._talk_key_down:
                    self._talk_key_down = False
                    self.talk_stopped.emit()
                return True
        if kind == QEvent.Type.WindowDeactivate and self._talk_key_down:
            self._talk_key_down = False
            self.talk_stopped.emit()
        return super().eventFilter(watched, event)

    # --- window ------------------------------------------------------------------------------

    def bring_to_front(self) -> None:
        self.show()
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # The window hides; with a tray icon the app lives on there, without one the app quits
        # (HearthApp decides). Pending approvals would be out of reach, so they are denied here.
        self.approvals.list.deny_shown()
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()

    def show_pending_approval_soon(self) -> None:
        QTimer.singleShot(0, lambda: (self.approvals.show(), self.approvals.raise_()))
