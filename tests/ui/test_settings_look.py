"""The settings dialog draws cleanly: errors are red (never in the green of success), spin boxes
and drop-downs have arrows that exist, and a drop-down's list shows its rows whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fakes import FakeCore
from PySide6.QtGui import QColor

from app.paths import get_paths


@pytest.fixture
def dialog(themed_qapp, qtbot):  # noqa: ANN001
    from ui.services import Services
    from ui.settings_dialog import SettingsDialog

    services = Services(lambda event, channel: None, paths=get_paths().ensure(), core=FakeCore())
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _ink(widget) -> QColor:  # noqa: ANN001
    """The average colour of the strongly saturated pixels a widget draws (its coloured text)."""
    image = widget.grab().toImage()
    reds = greens = blues = count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if c.saturation() > 90 and c.value() > 60:
                reds, greens, blues, count = reds + c.red(), greens + c.green(), blues + c.blue(), count + 1
    assert count, "no coloured text was drawn"
    return QColor(reds // count, greens // count, blues // count)


def test_a_keychain_error_is_red_and_success_green(dialog, qtbot) -> None:
    dialog.show_page("Accounts")
    dialog.smtp_user.setText("")
    dialog.password.setText("secret")
    dialog.store_password()  # no user name: a problem the person must fix
    assert "first" in dialog.keychain_note.text()
    ink = _ink(dialog.keychain_note)
    assert ink.red() > ink.green() + 60, ink.name()
    dialog._keychain_note("✓ Stored.", ok=True)
    ink = _ink(dialog.keychain_note)
    assert ink.green() > ink.red() + 60, ink.name()


@pytest.mark.parametrize("name", ["light", "dark"])
def test_spin_boxes_and_drop_downs_draw_arrows_that_exist(name: str) -> None:
    from ui import theme

    sheet = theme.style_sheet(theme.LIGHT if name == "light" else theme.DARK)
    for rule in ("QSpinBox::up-arrow", "QSpinBox::down-arrow", "QDoubleSpinBox::up-arrow", "QComboBox::down-arrow"):
        block = re.search(re.escape(rule) + r"[^{]*\{([^}]*)\}", sheet)
        assert block, f"no {rule} rule: the platform's glyph is drawn broken under a styled box"
        image = re.search(r'image:\s*url\("?([^")]+)"?\)', block.group(1))
        assert image and Path(image.group(1)).is_file(), block.group(1)


def test_a_drop_down_list_drops_below_its_box_with_rows_whole(dialog, qtbot) -> None:
    dialog.show_page("Voice")
    box = dialog.input_device
    dialog._fill_devices([{"name": name, "max_input_channels": 1, "max_output_channels": 0}
                          for name in ("Built-in Microphone", "USB Headset (Jabra Evolve2 65, a long device name)")])
    box.showPopup()
    view = box.view()
    qtbot.waitUntil(view.isVisible)
    popup = view.window().geometry()
    assert popup.top() >= box.mapToGlobal(box.rect().bottomLeft()).y() - 2  # not drawn over the box, cut at the top
    row = view.visualRect(box.model().index(1, 0))
    assert row.height() >= view.fontMetrics().height() + 6, row.height()
    assert view.viewport().height() >= 3 * row.height() - 1  # every row in view
    assert view.sizeHintForColumn(0) <= view.viewport().width()  # no name cut short
    box.hidePopup()
