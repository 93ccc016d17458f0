"""The audit log: append-only, fsynced, survives a crash mid-write; undo through it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.audit import AuditLog, undo_action
from app.config import Settings
from app.events import HearthError
from app.paths import get_paths
from app.tools.base import ToolContext
from app.tools.registry import default_tools


def test_append_and_read(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append("proposal", action_id="a-1", tool="list_files")
    log.append("result", action_id="a-1", tool="list_files", ok=True)
    read = log.read()
    assert [e["kind"] for e in read.entries] == ["proposal", "result"] and not read.problems
    assert all(set(e) >= {"id", "ts", "kind"} for e in read.entries)
    assert log.path.read_text().endswith("\n")


def test_a_crash_mid_write_leaves_a_torn_line_that_is_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    # A real process appends two entries, then dies half-way through writing a third.
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from app.audit import AuditLog
        log = AuditLog(Path({str(path)!r}))
        log.append("proposal", action_id="a-1")
        log.append("decision", action_id="a-1", decision="approved")
        fd = os.open({str(path)!r}, os.O_WRONLY | os.O_APPEND)
        os.write(fd, b'{{"id": "x", "kind": "result", "outp')
        os._exit(9)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 9
    log = AuditLog(path)
    read = log.read()
    assert [e["kind"] for e in read.entries] == ["proposal", "decision"]
    assert len(read.problems) == 1 and "torn" in read.problems[0]

    log.append("result", action_id="a-1", ok=True)  # the next write starts on its own line
    read = log.read()
    assert [e["kind"] for e in read.entries] == ["proposal", "decision", "result"]
    assert len(read.problems) == 1 and "unreadable" in read.problems[0]


def test_the_log_is_append_only_and_private(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a" / "audit.jsonl")
    log.append("proposal")
    first = log.path.read_bytes()
    log.append("decision")
    assert log.path.read_bytes().startswith(first)
    assert (log.path.stat().st_mode & 0o777) == 0o600


def test_undo_a_delete_through_the_log(tmp_path: Path, fake_home: Path) -> None:
    paths = get_paths().ensure()
    settings = Settings()
    registry = default_tools(settings)
    ctx = ToolContext(paths, settings, None, tmp_path)
    log = AuditLog(paths=paths)
    victim = tmp_path / "report.txt"
    victim.write_text("quarterly numbers")
    delete = registry.get("delete_files")
    assert delete is not None
    out = delete.execute({"paths": [str(victim)]}, ctx)
    assert not victim.exists() and out.undo
    log.append("result", action_id="a-9", tool="delete_files", ok=True, undo=out.undo)

    message = undo_action(log, "a-9", registry, ctx)
    assert victim.read_text() == "quarterly numbers" and "restored" in message
    with pytest.raises(HearthError, match="already undone"):
        undo_action(log, "a-9", registry, ctx)
    with pytest.raises(HearthError, match="no action"):
        undo_action(log, "a-404", registry, ctx)
    log.append("result", action_id="a-10", tool="run_command", ok=True, undo=None)
    with pytest.raises(HearthError, match="cannot be undone"):
        undo_action(log, "a-10", registry, ctx)
    assert json.loads(log.path.read_text().splitlines()[-1])["kind"] == "result"


@pytest.mark.parametrize("setting", ["", "none"])
def test_the_log_records_which_sandbox_ran_each_command(setting: str, tmp_path: Path, fake_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Each command's execution entry names its sandbox (or "none"), and ``hearth audit`` shows it."""
    from app.cli import main
    from app.policy import sandbox
    from app.policy.approval import ApprovalDecision, Gate
    from app.policy.taint import Taint
    from app.tools import shell_tool

    monkeypatch.setenv(sandbox.detect.ENV, setting)
    backend = sandbox.active()
    if setting == "" and backend is None:
        pytest.skip("no sandbox works on this computer")
    expected = backend.name if backend is not None else "none"
    paths = get_paths().ensure()
    ctx = ToolContext(paths, Settings(), None, tmp_path)
    gate = Gate(context=ctx, approver=lambda r: ApprovalDecision("approved"), audit=AuditLog(paths=paths))
    args = {"command": "echo hi > out.txt"}
    verdict = gate.review(turn_id="t", action_id="a-1", tool=shell_tool.TOOL, arguments=args, taint=Taint(),
                          emit=lambda e: None)
    assert gate.execute(verdict, shell_tool.TOOL, args).ok
    ran = [e for e in AuditLog(paths=paths).read().entries if e["kind"] == "execution"]
    assert [e.get("sandbox") for e in ran] == [expected]
    assert main(["audit"]) == 0
    shown = capsys.readouterr().out
    assert ("with no sandbox" if expected == "none" else f"in the {expected} sandbox") in shown
