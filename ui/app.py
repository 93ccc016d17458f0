"""The desktop app: one QApplication, one bridge, one approval center, the windows, the tray and
the global hotkey, wired to the core. A second launch hands over to the running instance."""

from __future__ import annotations

import hashlib
import logging
import sys
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication

from app import events as ev
from app.config import Settings, load_settings
from app.paths import Paths, get_paths
from app.wording import TRAY
from ui import hotkeys, theme, worker
from ui.approvals import ApprovalCenter
from ui.bridge import EventBridge
from ui.main_window import MainWindow
from ui.quick_prompt import QuickPrompt
from ui.services import Services
from ui.tray import Tray
from ui.voice_control import MICROPHONE_PROBLEMS, VoiceControl

log = logging.getLogger(__name__)


def instance_key(paths: Paths) -> str:
    """One running Hearth per data folder (so tests with their own HEARTH_HOME never collide)."""
    digest = hashlib.sha1(str(paths.data_dir).encode()).hexdigest()[:12]
    return f"hearth-{digest}"


def get_qapp(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QApplication.setApplicationName("Hearth")
        QApplication.setOrganizationName("Hearth")
        QApplication.setDesktopFileName("hearth")
        app = QApplication(argv or sys.argv[:1])
    return app  # type: ignore[return-value]


def set_menu_bar_only(enabled: bool) -> None:
    """macOS LSUIElement mode at run time: nothing in the Dock, no app menu (the menu-bar icon stays)."""
    if sys.platform != "darwin":
        return
    try:
        from AppKit import NSApplication  # type: ignore[import-not-found]

        NSApplication.sharedApplication().setActivationPolicy_(1 if enabled else 0)
    except ImportError:
        import ctypes
        import ctypes.util

        objc = ctypes.cdll.LoadLibrary(ctypes.util.find_library("objc"))
        objc.objc_getClass.restype = ctypes.c_void_p
        objc.sel_registerName.restype = ctypes.c_void_p
        objc.objc_msgSend.restype = ctypes.c_void_p
        objc.objc_msgSend.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        ns_app = objc.objc_msgSend(objc.objc_getClass(b"NSApplication"), objc.sel_registerName(b"sharedApplication"))
        send = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_long)(
            ("objc_msgSend", objc)
        )
        send(ns_app, objc.sel_registerName(b"setActivationPolicy:"), 1 if enabled else 0)


class HearthApp(QObject):
    """Everything the desktop app is made of. ``core`` may be injected (tests, scripts)."""

    hotkey_pressed = Signal()  # emitted from the hotkey thread; delivered queued on the GUI thread

    def __init__(self, qapp: QApplication, paths: Paths | None = None, settings: Settings | None = None,
                 core: Any = None, start_hotkey: bool = True) -> None:
        super().__init__()
        self.qapp = qapp
        self.paths = (paths or get_paths()).ensure()
        self.settings = settings or load_settings(self.paths)
        theme.apply(qapp, self.settings.ui.theme)
        qapp.setWindowIcon(theme.app_icon())
        qapp.setQuitOnLastWindowClosed(False)
        self.bridge = EventBridge()
        self.center = ApprovalCenter()
        self.services = Services(self.bridge.post, self.center, self.paths, self.settings, core=core)
        self.main = MainWindow(self.services, self.bridge, self.center)
        self.voice = VoiceControl(self.services, conversation=self.main.voice_conversation,
                                  open_conversation=lambda: self.main.conversation_id)
        self.quick = QuickPrompt(self.services, self.bridge, self.center)
        self.tray = Tray(self)
        self.hotkey: Any = None
        self.hotkey_error = ""
        self._memory_browser: Any = None
        self._settings_dialog: Any = None
        self._quitting = False

        self.main.talk_started.connect(self.voice.press)
        self.main.talk_stopped.connect(self.voice.release)
        self.main.open_memory.connect(self.show_memory)
        self.main.open_settings.connect(self.show_settings)
        self.quick.open_in_main.connect(self._hand_over)
        self.quick.open_citation.connect(self.main.open_citation)
        self.tray.quick_prompt.connect(self.quick.toggle)
        self.tray.open_main.connect(self.main.bring_to_front)
        self.tray.push_to_talk.connect(self.voice.toggle)
        self.tray.pause_voice.connect(self.voice.set_paused)
        self.tray.quit.connect(lambda: self.quit())
        self.main.quit_requested.connect(lambda: self.quit())
        self.main.closed.connect(self._on_main_closed)
        self.main.open_quick_prompt.connect(self.quick.open)
        self._told_about_tray = False
        self.center.requested.connect(self._on_approval_requested)
        self.bridge.error.connect(self._on_error)
        self.hotkey_pressed.connect(self.quick.toggle, Qt.ConnectionType.QueuedConnection)
        qapp.aboutToQuit.connect(self._shutdown)
        if start_hotkey:
            self.register_hotkey(self.settings.ui.quick_prompt_hotkey)

    # --- start ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Show the app (or only the menu-bar icon) and start loading the model in the background."""
        self.tray.show()
        menu_bar_only = self.settings.ui.menu_bar_only and Tray.available()
        set_menu_bar_only(menu_bar_only)
        if not menu_bar_only:
            self.main.show()
        self.main.load_model()
        self.check_microphone()

    def check_microphone(self) -> None:
        """Turn the mic button off, saying why, when there is no microphone to listen to (asked
        off the GUI thread: listing audio devices can block)."""
        worker.run_task(self.voice.microphone_problem, self.main.composer.set_microphone_problem,
                        lambda exc: log.info("could not list audio devices: %s", exc))

    def register_hotkey(self, sequence: str) -> bool:
        if self.hotkey is not None:
            self.hotkey.stop()
            self.hotkey = None
        self.hotkey_error = ""
        if not sequence:
            return False
        try:
            self.hotkey = hotkeys.create(sequence, self.hotkey_pressed.emit)
        except hotkeys.HotkeyError as exc:
            self.hotkey_error = str(exc)
            log.info("global hotkey unavailable: %s", exc)
            return False
        self.tray.set_hotkey_hint(sequence)
        return True

    # --- windows -------------------------------------------------------------------------------

    def _hand_over(self, conversation_id: str, title: str, messages: list) -> None:
        self.main.bring_to_front()
        self.main.open_conversation(conversation_id, title, messages)

    def show_memory(self) -> None:
        from ui.memory_browser import MemoryBrowser

        if self._memory_browser is None:
            self._memory_browser = MemoryBrowser(self.services, self.bridge)
        self._memory_browser.show()
        self._memory_browser.raise_()
        self._memory_browser.activateWindow()
        self._memory_browser.refresh()

    def show_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        if self._settings_dialog is None:
            self._settings_dialog = SettingsDialog(self.services, self.main)
            self._settings_dialog.hotkey_changed.connect(self.register_hotkey)
            self._settings_dialog.theme_changed.connect(self._retheme)
            self._settings_dialog.saved.connect(self.check_microphone)  # another microphone chosen
        self._settings_dialog.show()
        self._settings_dialog.raise_()

    def _retheme(self, name: str) -> None:
        theme.apply(self.qapp, name)

    def _on_approval_requested(self, request: ev.ApprovalRequested) -> None:
        """Make sure a person sees it: the quick prompt shows its own inline; otherwise raise the
        main window's panel, and notify when Hearth is not in front."""
        if self.quick.isVisible() and request.turn_id in self.quick.runner.turn_ids:
            return
        self.main.approvals.show()
        in_front = self.qapp.activeWindow() is not None
        if not in_front:
            self.tray.notify("Hearth needs your approval", request.explanation or request.tool)
            self.main.bring_to_front()

    def _on_error(self, event: ev.ErrorEvent, channel: str) -> None:
        if channel in ("voice", "model") and event.stage in ("audio", "stt", "tts"):
            self.main.partial.setText(event.message)
            if event.stage == "audio" and event.message.startswith(MICROPHONE_PROBLEMS):
                self.main.composer.set_microphone_problem(event.message)

    # --- quit ----------------------------------------------------------------------------------

    def _on_main_closed(self) -> None:
        """Closing the window: with a tray icon Hearth lives on there (its menu has Quit);
        without one nothing would be left to reach it by, so Hearth quits."""
        if self._quitting:
            return
        if not self.tray.shown():
            self.quit()
        elif not self._told_about_tray:
            self._told_about_tray = True
            self.tray.notify("Hearth is still running", f"Open it or quit it from its icon in the {TRAY}.")

    def quit(self) -> None:
        self._shutdown()
        self.qapp.quit()

    def _shutdown(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        self.center.close()  # quitting denies whatever is pending, and anything later
        if self.hotkey is not None:
            self.hotkey.stop()
        self.tray.hide()
        self.voice.close()
        self.main.runner.cancel()
        self.quick.runner.cancel()
        self.services.shutdown()


class SingleInstance(QObject):
    """The first launch listens on a local socket; later launches ask it to come to the front."""

    activated = Signal()

    def __init__(self, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.server: QLocalServer | None = None

    def already_running(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if socket.waitForConnected(300):
            socket.write(b"show\n")
            socket.flush()
            socket.waitForBytesWritten(300)
            socket.disconnectFromServer()
            return True
        QLocalServer.removeServer(self.key)  # a stale socket from a crash
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)
        self.server.listen(self.key)
        return False

    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            conn = self.server.nextPendingConnection()
            conn.readyRead.connect(lambda c=conn: (c.readAll(), self.activated.emit()))
            conn.disconnected.connect(conn.deleteLater)


def main(argv: list[str] | None = None, menu_bar_only: bool | None = None) -> int:
    """Run the desktop app until it quits."""
    qapp = get_qapp(argv)
    paths = get_paths()
    single = SingleInstance(instance_key(paths))
    if single.already_running():
        print("hearth: already running; brought it to the front", file=sys.stderr)
        return 0
    settings = load_settings(paths)
    if menu_bar_only is not None:
        settings.ui.menu_bar_only = menu_bar_only
    hearth = HearthApp(qapp, paths, settings)
    single.activated.connect(hearth.main.bring_to_front)
    QTimer.singleShot(0, hearth.start)
    return int(qapp.exec())
