"""`hearth voice` builds its agent with the terminal approver exactly as `hearth ask` does."""

from __future__ import annotations

import argparse
import io
import threading

from app.cli import approve_tty, voice_cmd
from app.events import ApprovalRequested

REQUEST = ApprovalRequested(
    turn_id="t", action_id="a", tool="delete_files", arguments={"paths": ["~/x"]}, arguments_hash="h",
    tier="destructive", explanation="This will move ~/x to the Trash.",
)


def _args() -> argparse.Namespace:
    return argparse.Namespace(json=False, no_memory=True)


def test_no_terminal_means_no_approver(monkeypatch):
    monkeypatch.setattr(approve_tty, "open_terminal", lambda: None)
    agent, shutdown = voice_cmd._build_answerer(_args(), lambda event: None, threading.Event())
    try:
        assert agent.approver is None  # the gate denies, and the audit says no_approver
    finally:
        shutdown()


def test_a_terminal_answer_is_the_decision_and_voice_never_approves(monkeypatch):
    reader, writer = io.StringIO("n\n"), io.StringIO()
    monkeypatch.setattr(approve_tty, "open_terminal", lambda: (reader, writer))
    approving = threading.Event()
    agent, shutdown = voice_cmd._build_answerer(_args(), lambda event: None, approving)
    try:
        decision = agent.approver(REQUEST)
        assert decision.decision == "denied"
        assert "~/x" in writer.getvalue() and not approving.is_set()
    finally:
        shutdown()
