"""``hearth ask --json`` as a separate process with the real default model and no terminal:
the request leads to a gated tool call, and with nobody to approve, it is denied."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_hearth_ask_json_denies_without_a_terminal(default_model_dir: Path, tmp_path: Path, fake_home: Path) -> None:
    home = tmp_path / "hearth"
    (home / "models").mkdir(parents=True)
    (home / "models" / default_model_dir.name).symlink_to(default_model_dir)  # reuse the imported model
    (fake_home / "notes.txt").write_text("keep")
    env = {**os.environ, "HEARTH_HOME": str(home), "HOME": str(fake_home)}
    done = subprocess.run(
        [sys.executable, "-m", "app", "ask", "--json", "--no-memory", "Delete the file ~/notes.txt"],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900,
        start_new_session=True,  # no controlling terminal: /dev/tty cannot be opened
    )
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    kinds = [e["event"] for e in events]
    assert done.returncode == 0, (done.stderr, kinds)
    assert kinds[0] == "TurnStarted" and kinds[-1] == "FinalAnswer"
    requested = [e for e in events if e["event"] == "ApprovalRequested"]
    assert requested, kinds
    assert all(e["output"] == "cancelled by the user" for e in events
               if e["event"] == "ActionResult" and e["action_id"] in {r["action_id"] for r in requested})
    assert "no one can approve it here" in done.stderr
    assert (fake_home / "notes.txt").read_text() == "keep"
