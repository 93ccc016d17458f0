"""The conversation store across processes: a writer killed mid-stream loses nothing it had
committed and doubles nothing; two writers at once lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from app.conversations import ConversationStore

WRITER = Path(__file__).with_name("conversation_writer.py")


def _writer(conversation_id: str, name: str, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.Popen([sys.executable, str(WRITER), conversation_id, name, str(count)],
                            stdout=subprocess.PIPE, text=True, env=env)


def _contents(conversation_id: str) -> list[str]:
    return [m["content"] for m in ConversationStore().load(conversation_id)["messages"]]


def test_kill_9_mid_stream_loses_nothing_committed_and_doubles_nothing(hearth_home: Path) -> None:
    ConversationStore().append("c", {"role": "user", "content": "before"})
    child = _writer("c", "w", 100_000)
    assert child.stdout is not None
    committed = -1
    for line in child.stdout:
        committed = int(line)
        if committed >= 150:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    got = _contents("c")
    assert got[0] == "before"
    numbers = [int(c.split(":")[1]) for c in got[1:]]
    # in order, each once, and at least everything the child saw committed (perhaps one more)
    assert numbers == list(range(len(numbers))) and len(numbers) >= committed + 1
    store = ConversationStore()  # still usable after the kill
    store.append("c", {"role": "user", "content": "after"})
    assert _contents("c")[-1] == "after" and store.count("c") == len(got) + 1


def test_two_processes_appending_at_once_lose_nothing(hearth_home: Path) -> None:
    ConversationStore().create("shared", conversation_id="shared")
    writers = [_writer("shared", name, 150) for name in ("a", "b")]
    for child in writers:
        assert child.wait(120) == 0
    got = _contents("shared")
    for name in ("a", "b"):
        assert [c for c in got if c.startswith(name + ":")] == [f"{name}:{n}" for n in range(150)]
    assert len(got) == 300


def test_two_processes_moving_the_old_json_files_in_at_once_keep_each_conversation_once(hearth_home: Path) -> None:
    import json

    folder = ConversationStore().folder
    folder.mkdir(parents=True)
    for n in range(200):
        (folder / f"old-{n}.json").write_text(json.dumps(
            {"id": f"old-{n}", "title": f"Old {n}", "created": 1.0, "updated": 2.0,
             "messages": [{"role": "user", "content": f"question {n}"}]}))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    code = "from app.conversations import ConversationStore; print(len(ConversationStore().list()))"
    children = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=env) for _ in range(2)]
    outs = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0], outs
    store = ConversationStore()
    assert len(store.list()) == 200 and all(store.count(f"old-{n}") == 1 for n in range(200))
    assert list(folder.glob("*.json*")) == []
