"""Emitting Python-defined signals must not leak references to True/False.

PySide6 6.12.0 dropped one reference to ``True`` on every ``emit()`` of a signal defined in Python;
after a few hundred streamed tokens the interpreter aborted with ``bool_dealloc`` and the window
died with the unsaved answer. This probe emits 20,000 times through every signature the bridge
uses and checks that the reference counts of ``True`` and ``False`` stay where they were.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import os, sys
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    app = QCoreApplication.instance() or QCoreApplication([])

    class Source(QObject):
        bare = Signal()
        text = Signal(str)
        anything = Signal(object)
        flag = Signal(bool)
        number = Signal(int)

    source = Source()
    for signal in (source.bare, source.text, source.anything, source.flag, source.number):
        signal.connect(lambda *args: None)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(4000):
        source.bare.emit()
        source.text.emit("token")
        source.anything.emit({"i": i})
        source.flag.emit(i % 2 == 0)
        source.number.emit(i)
    after = sys.getrefcount(True), sys.getrefcount(False)
    print(after[0] - before[0], after[1] - before[1])
    """
)


def test_twenty_thousand_emits_keep_true_and_false_alive() -> None:
    # In a child process: on a leaking PySide6 the interpreter aborts, which must fail this test
    # rather than take the test run down with it.
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"the probe died: {result.stderr[-2000:]}"
    true_change, false_change = (int(v) for v in result.stdout.split())
    assert abs(true_change) < 100, f"True lost {-true_change} references over 20,000 emits"
    assert abs(false_change) < 100, f"False lost {-false_change} references over 20,000 emits"
