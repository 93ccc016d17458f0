"""`hearth ask` beside the running app uses the app's model: two real processes, the app's core
serving its model and the CLI asking, with no second model loaded; the socket refuses anyone
without the key; a Stop, a grammar and the app going away all work across it."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from multiprocessing.connection import AuthenticationError, Connection, answer_challenge
from pathlib import Path

import pytest

from app.events import GenerationStarted
from app.runtime.api import GenerationRequest
from app.runtime.share import KEY_FILE, ModelServer, RemoteModel, connect_model

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# The app's side: its core, serving the model as the app's core host does, until stdin closes.
APP_SIDE = """
import sys
from app.config import Settings
from app.core import HearthCore
settings = Settings()
settings.model.name = sys.argv[1]
core = HearthCore(settings=settings, use_memory=False, serve_model=True)
core.model.ensure_loaded()
print("serving", flush=True)
sys.stdin.readline()
print(f"served {core._model_server.served}", flush=True)
core.shutdown()
"""
# The CLI's side: the real `hearth` command; afterwards, whether MLX was ever imported here.
CLI_SIDE = """
import sys
from app.cli import main
code = main(sys.argv[1:])
print(f"mlx in this process: {'mlx.core' in sys.modules}", file=sys.stderr)
sys.exit(code)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_hearth_ask_beside_the_app_uses_the_apps_model(default_model_dir, hearth_home):
    app = subprocess.Popen([sys.executable, "-c", APP_SIDE, str(default_model_dir)], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        assert app.stdout is not None and app.stdin is not None
        assert app.stdout.readline().strip() == "serving", app.stderr.read() if app.stderr else ""
        models = hearth_home / "models"
        key_file = models / KEY_FILE
        address = key_file.read_text().split()[1]
        for path in (key_file, Path(address)):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the user's alone
        _refuses_strangers(address)

        cli = subprocess.run(
            [sys.executable, "-c", CLI_SIDE, "ask", "--json", "--no-memory", "What is the capital of France?"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600, env=_env(),
            start_new_session=True)
        assert cli.returncode == 0, cli.stderr[-2000:]
        events = [json.loads(line) for line in cli.stdout.splitlines() if line.startswith("{")]
        final = [e for e in events if e["event"] == "FinalAnswer"]
        assert final and "Paris" in final[0]["text"], cli.stdout[-2000:]
        assert "mlx in this process: False" in cli.stderr  # no second model: MLX never even imported
        assert not [e for e in events if e["event"] in ("ModelLoading", "ModelReady")]

        _refuses_strangers(address)  # and still serves after refusing
        app.stdin.write("\n")
        app.stdin.flush()
        served = app.stdout.readline().split()
        assert served[0] == "served" and int(served[1]) >= 1  # the app's model thread did the work
        assert app.wait(120) == 0
        assert not key_file.exists()  # gone with the app: the next `hearth ask` loads its own
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


def _refuses_strangers(address: str) -> None:
    """A peer without the key gets nothing: a request sent without the handshake is never
    answered, and a wrong key fails the handshake."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(address)
        conn = Connection(sock.detach())
        conn.send(("call", "info", ()))
        replies = []
        try:
            while conn.poll(30):
                replies.append(conn.recv_bytes())
        except (EOFError, OSError):
            pass
        conn.close()
        assert all(not reply.startswith(b"\x80") for reply in replies), replies  # no pickled answer
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(address)
        conn = Connection(sock.detach())
        with pytest.raises((AuthenticationError, EOFError, OSError)):
            answer_challenge(conn, b"not the key" * 3)
            conn.send(("call", "info", ()))
            conn.recv()
        conn.close()


@pytest.fixture
def served(model_service, tmp_path):
    server = ModelServer(model_service, tmp_path / "models")
    remote = connect_model(tmp_path / "models", lambda: model_service)
    assert isinstance(remote, RemoteModel)
    yield server, remote
    server.close()


def test_a_stop_crosses_the_socket_and_ends_the_read(served):
    _, remote = served
    notes = " ".join(f"Note {i}: the parcel for flat {i} is at the front desk until Friday." for i in range(120))
    handle = remote.generate(GenerationRequest(messages=[{"role": "user", "content": notes}], max_tokens=40))
    for event in handle:
        if isinstance(event, GenerationStarted):
            handle.cancel()
    done = handle.result()
    assert done.finish_reason == "cancelled" and done.generation_tokens == 0


def test_the_grammar_travels_with_the_request(served):
    """Grammars are closures: they are pickled by value and built by the app's model thread."""
    from app.agent import grammar

    server, remote = served
    factory = grammar.processor_factory(lambda: [grammar.Lit("Bonjour, Hearth."), grammar.End()])
    done = remote.generate(GenerationRequest(messages=[{"role": "user", "content": "Say hello."}], max_tokens=16,
                                             logits_processors=factory)).result(300)
    assert done.text == "Bonjour, Hearth."
    assert server.served == 1
    assert remote.ensure_loaded().tokenizer.chat_template  # what the agent reads to pick its prompt style


def test_when_the_app_goes_away_the_next_request_runs_here(served, model_service):
    server, remote = served
    server.close()
    done = remote.generate(GenerationRequest(messages=[{"role": "user", "content": "What is the capital of France?"}],
                                             max_tokens=24)).result(300)
    assert "Paris" in done.text and not remote.remote  # the local model (here, the session's) answered
