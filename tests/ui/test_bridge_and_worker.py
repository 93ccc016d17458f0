"""The bridge and the worker deliver on the GUI thread; the approver never approves on its own."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread

from app import events as ev
from ui import worker
from ui.approvals import ApprovalCenter
from ui.bridge import EventBridge, family_of


def _request(action_id: str = "a1", can_allow_always: bool = False) -> ev.ApprovalRequested:
    return ev.ApprovalRequested(turn_id="t", action_id=action_id, tool="write_file", arguments={"path": "x"},
                                arguments_hash="h", tier="reversible", explanation="Write x",
                                can_allow_always=can_allow_always)


def test_families_cover_every_event_kind():
    assert family_of(ev.Token(request_id="r", text="x")) == "token"
    assert family_of(ev.ApprovalRequested(**{**_request().__dict__})) == "action"
    assert family_of(ev.IngestProgress(source="s", done=1, total=2)) == "ingest"
    assert family_of(ev.PartialTranscript(text="hi")) == "voice"
    assert family_of(ev.ModelLoading(name="m")) == "model"


def test_bridge_delivers_events_posted_from_a_worker_thread_on_the_gui_thread(themed_qapp, qtbot):
    bridge = EventBridge()
    seen: list[tuple[str, bool]] = []
    bridge.token.connect(lambda e, ch: seen.append((e.text, QThread.currentThread() is themed_qapp.thread())))
    thread = threading.Thread(target=lambda: [bridge.post(ev.Token(request_id="r", text=str(i)), "main") for i in range(5)])
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(seen) == 5, timeout=2000)
    assert [t for t, _ in seen] == ["0", "1", "2", "3", "4"]
    assert all(on_gui for _, on_gui in seen)


def test_run_task_runs_off_the_gui_thread_and_answers_on_it(themed_qapp, qtbot):
    result: dict[str, object] = {}

    def work() -> str:
        result["worker_is_gui"] = QThread.currentThread() is themed_qapp.thread()
        return "done"

    def done(value: str) -> None:
        result["value"] = value
        result["done_is_gui"] = QThread.currentThread() is themed_qapp.thread()

    worker.run_task(work, done)
    qtbot.waitUntil(lambda: "value" in result, timeout=3000)
    assert result == {"worker_is_gui": False, "value": "done", "done_is_gui": True}

    errors: list[BaseException] = []
    worker.run_task(lambda: 1 / 0, None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert isinstance(errors[0], ZeroDivisionError)


def test_approver_blocks_until_a_person_decides(themed_qapp, qtbot):
    center = ApprovalCenter()
    decisions: list[object] = []
    thread = threading.Thread(target=lambda: decisions.append(center.wait_for(_request())))
    thread.start()
    qtbot.waitUntil(lambda: bool(center.pending()), timeout=2000)
    thread.join(0.3)
    assert thread.is_alive() and not decisions  # nothing approves by default or by waiting
    assert center.approve("a1")
    thread.join(2)
    assert decisions[0].decision == "approved"


def test_closing_the_app_denies_pending_and_later_requests(themed_qapp, qtbot):
    center = ApprovalCenter()
    decisions: list[object] = []
    thread = threading.Thread(target=lambda: decisions.append(center.wait_for(_request())))
    thread.start()
    qtbot.waitUntil(lambda: bool(center.pending()), timeout=2000)
    center.close()
    thread.join(2)
    assert decisions[0].decision == "denied"
    assert center.wait_for(_request("a2")).decision == "denied"


def test_always_allow_is_refused_where_the_tier_does_not_allow_it(themed_qapp, qtbot):
    center = ApprovalCenter()
    thread = threading.Thread(target=lambda: center.wait_for(_request(can_allow_always=False), timeout=5))
    thread.start()
    qtbot.waitUntil(lambda: bool(center.pending()), timeout=2000)
    with pytest.raises(ValueError):
        center.approve("a1", allow_always=True)
    center.deny("a1")
    thread.join(2)


def test_a_result_for_a_widget_closed_meanwhile_is_dropped_not_raised(themed_qapp, qtbot):
    """A settings page or card can close while its background look-up runs; the late result must
    not raise on the GUI thread (pytest-qt fails the test on an exception in a slot)."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    release = threading.Event()
    delivered: list[str] = []
    worker.run_task(lambda: release.wait(10) and "sandbox: on", lambda text: (delivered.append(text),
                                                                             label.setText(text)))
    label.deleteLater()
    qtbot.waitUntil(lambda: not _alive(label), timeout=5_000)
    release.set()
    qtbot.waitUntil(lambda: bool(delivered), timeout=5_000)
    qtbot.wait(50)


def _alive(widget) -> bool:  # noqa: ANN001
    from shiboken6 import isValid

    return isValid(widget)


def test_many_tasks_with_collections_on_the_pool_threads_deliver_every_result(themed_qapp, qtbot):
    """No per-task QObject is left for a pool thread to free while the GUI thread still uses it
    (a garbage collection on a pool thread once crashed the suite inside qtbot.waitUntil)."""
    import gc

    results: list[int] = []

    def work(n: int) -> int:
        if n % 3 == 0:  # a full collection costs ~0.2 s beside the session's models: a third of them
            gc.collect()
        return n

    for n in range(150):
        worker.run_task(lambda n=n: work(n), results.append)
        if n % 50 == 0:
            gc.collect()
    qtbot.waitUntil(lambda: len(results) == 150, timeout=60_000)
    assert sorted(results) == list(range(150))
