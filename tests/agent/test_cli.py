"""``hearth ask``, ``hearth chat`` and ``hearth audit`` driven in-process with a scripted model."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.agent.loop import Agent
from app.cli import approve_tty, ask, main
from app.config import Settings

from .scripted import ScriptedModel


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Replace only the model: the CLI builds a real Agent with real tools, audit and approvals."""
    replies: list[str] = []

    def build_agent(approver, *, use_memory, on_event):
        agent = Agent(ScriptedModel(replies), approver=approver, settings=Settings(), cwd=tmp_path, preroute=False)
        return agent, lambda: None

    monkeypatch.setattr(ask, "build_agent", build_agent)
    return replies


def test_ask_streams_the_answer(scripted: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    scripted.append("Action: answer\nHello from Hearth.")
    assert main(["ask", "hi"]) == 0
    assert "Hello from Hearth." in capsys.readouterr().out


def test_ask_json_prints_one_event_per_line_and_denies_without_a_terminal(
    scripted: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(approve_tty, "open_terminal", lambda: None)
    scripted += ['Action: run_command\nArguments: {"command": "touch made.txt"}', "Action: answer\nok"]
    assert main(["ask", "--json", "make a file"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    events = [line["event"] for line in lines]
    assert events[0] == "TurnStarted" and events[-1] == "FinalAnswer" and "ApprovalRequested" in events
    result = next(line for line in lines if line["event"] == "ActionResult")
    assert result["output"] == "cancelled by the user" and not (tmp_path / "made.txt").exists()
    decided = next(line for line in lines if line["event"] == "ApprovalDecided")
    assert decided["decision"] == "denied" and decided["by"] == "no_approver"


def test_terminal_approval_shows_the_preview_and_runs_on_yes(
    scripted: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(approve_tty, "open_terminal", lambda: (io.StringIO("y\n"), screen))
    scripted += ['Action: write_file\nArguments: {"path": "hello.txt", "content": "hi there"}', "Action: answer\ndone"]
    assert main(["ask", "write it"]) == 0
    shown = screen.getvalue()
    assert "write_file" in shown and "+hi there" in shown and str(tmp_path / "hello.txt") in shown
    assert (tmp_path / "hello.txt").read_text() == "hi there"
    err = capsys.readouterr().err
    assert "hearth audit undo a-" in err


def test_edit_before_approving_runs_the_edited_command(
    scripted: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(approve_tty, "open_terminal", lambda: (io.StringIO("e\ntouch edited.txt\ny\n"), io.StringIO()))
    scripted += ['Action: run_command\nArguments: {"command": "touch original.txt"}', "Action: answer\ndone"]
    assert main(["ask", "make a file"]) == 0
    assert (tmp_path / "edited.txt").exists() and not (tmp_path / "original.txt").exists()


def test_approve_from_stdin_is_per_action(
    scripted: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"decision": "approved"}\n'))
    scripted += ['Action: run_command\nArguments: {"command": "touch a.txt"}',
                 'Action: run_command\nArguments: {"command": "touch b.txt"}', "Action: answer\ndone"]
    assert main(["ask", "--json", "--approve-from-stdin", "two files"]) == 0
    assert (tmp_path / "a.txt").exists() and not (tmp_path / "b.txt").exists()  # no second decision: denied
    assert main(["ask", "--approve-from-stdin", "x"]) == 1
    assert "--approve-from-stdin needs --json" in capsys.readouterr().err


def test_chat_keeps_one_conversation(scripted: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("I am Ada\nwho am I?\n\n"))
    scripted += ["Action: answer\nHi Ada.", "Action: answer\nYou are Ada."]
    assert main(["chat", "--conversation", "c-test"]) == 0
    from app.conversations import ConversationStore

    messages = ConversationStore().load("c-test")["messages"]
    assert [m["content"] for m in messages] == ["I am Ada", "Hi Ada.", "who am I?", "You are Ada."]


def test_audit_shows_and_undoes(
    scripted: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    victim = tmp_path / "old.txt"
    victim.write_text("keep me")
    monkeypatch.setattr(approve_tty, "open_terminal", lambda: (io.StringIO("y\n"), io.StringIO()))
    scripted += [f'Action: delete_files\nArguments: {{"paths": ["{victim}"]}}', "Action: answer\ndeleted"]
    assert main(["ask", "delete it"]) == 0 and not victim.exists()
    capsys.readouterr()
    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "delete_files" in out and "destructive" in out and "undoable" in out
    action_id = next(word for word in out.split() if word.startswith("a-"))
    assert main(["audit", "undo", action_id]) == 0
    assert victim.read_text() == "keep me"
    assert main(["audit", "undo", action_id]) == 1
    assert "already undone" in capsys.readouterr().err


def test_audit_reports_a_torn_line(capsys: pytest.CaptureFixture[str]) -> None:
    from app.audit import AuditLog

    log = AuditLog()
    log.append("proposal", action_id="a-1", tool="list_files", tier="read_only", explanation="lists ~")
    with open(log.path, "ab") as handle:
        handle.write(b'{"kind": "decis')
    assert main(["audit"]) == 0
    captured = capsys.readouterr()
    assert "lists ~" in captured.out and "torn last line" in captured.err


def test_audit_rules_list_and_revoke(capsys: pytest.CaptureFixture[str]) -> None:
    from app.policy.allow_rules import AllowRules
    from app.policy.tiers import Tier

    AllowRules().add("open_app", {"name": "Notes"}, Tier.REVERSIBLE)
    assert main(["audit", "rules"]) == 0
    assert "open_app" in capsys.readouterr().out
    assert main(["audit", "rules", "--revoke", "1"]) == 0
    assert AllowRules().list() == []
    assert main(["audit", "rules", "--revoke", "3"]) == 1
