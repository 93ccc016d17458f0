"""The heartbeat's meter fails when the GUI thread itself stalls: asleep in a handler (a lock, a
disk, a socket) or busy in one; and charges nothing to an idle GUI thread."""

from __future__ import annotations

import sys
import time

import pytest
from gui_stall import GuiStallMeter
from PySide6.QtCore import QTimer


def _measure(qtbot, handler=None) -> GuiStallMeter:
    meter = GuiStallMeter()
    meter.start()
    if handler is not None:
        QTimer.singleShot(200, handler)
    qtbot.wait(1200)
    meter.stop()
    assert meter.beats > 10
    return meter


def _spin(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="blocking is read from /proc")
def test_a_gui_thread_asleep_in_a_handler_is_caught(qapp, qtbot):
    meter = _measure(qtbot, lambda: time.sleep(0.5))
    assert meter.blocked_s > 0.100, meter.blocked_s  # the heartbeat test's bound would fail
    assert meter.busy_s < 0.100


def test_a_gui_thread_busy_in_a_handler_is_caught(qapp, qtbot):
    meter = _measure(qtbot, lambda: _spin(0.3))
    assert meter.busy_s > 0.100, meter.busy_s  # its own CPU time: however loaded the machine is


def test_an_idle_gui_thread_is_charged_nothing(qapp, qtbot):
    meter = _measure(qtbot)
    assert meter.busy_s < 0.05 and meter.blocked_s < 0.05, (meter.busy_s, meter.blocked_s)
