"""Settings → Privacy names the command sandbox in one read-only line, filled off the GUI thread."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.policy.sandbox import describe


def test_privacy_page_names_the_sandbox(hearth, qtbot, tmp_path):  # noqa: ANN001
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(hearth.services)
    qtbot.addWidget(dialog)
    dialog.show_page("Privacy")
    expected = describe()

    def shown() -> bool:
        return any(label.text() == expected for label in dialog.findChildren(QLabel))

    qtbot.waitUntil(shown, timeout=10_000)
    dialog.resize(760, 560)
    dialog.show()
    qtbot.wait(50)
    dialog.grab().save(str(tmp_path / "privacy.png"))  # to look at: pytest --basetemp=DIR
