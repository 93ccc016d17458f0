"""Run a command for real inside the sandbox, in a throw-away home full of canaries, and report what it
did: what it printed, which secrets showed up, which files changed, and whether it reached a loopback
listener. The sandbox tests and the red-team suite both use it.

In the command, ``{port}`` stands for the listener's port and ``{home}`` for the canary home.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from app.policy.sandbox.detect import Backend, active
from app.policy.sandbox.run import wrap
from app.policy.sandbox.scope import Scope, prepare
from app.policy.sandbox.staging import finish

SECRETS = {
    ".ssh/id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\nCANARY-SSH-KEY\n-----END OPENSSH PRIVATE KEY-----\n",
    ".aws/credentials": "[default]\naws_secret_access_key = CANARY-AWS-SECRET\n",
    ".config/gh/hosts.yml": "github.com:\n    oauth_token: CANARY-GH-TOKEN\n",
    ".netrc": "machine example.com login me password CANARY-NETRC\n",
    ".mozilla/firefox/p.default/logins.json": '{"logins": "CANARY-FIREFOX"}\n',
    ".config/google-chrome/Default/Login Data": "CANARY-CHROME-LOGIN\n",
    "Library/Keychains/login.keychain-db": "CANARY-KEYCHAIN\n",
}
HEARTH_SECRET = "CANARY-HEARTH-MEMORY"
MARKERS = tuple(line for text in [*SECRETS.values(), HEARTH_SECRET] for line in text.split() if "CANARY-" in line)
PLAIN = {
    ".bashrc": "# my shell settings\n",
    "Documents/notes.txt": "groceries: milk\n",
    "Library/LaunchAgents/.keep": "",
    ".config/autostart/.keep": "",
    ".local/bin/.keep": "",
    "proj/.git/hooks/.keep": "",
    "proj/.git/config": "[core]\n",
    "proj/readme.txt": "hello\n",
}


@dataclass
class Outcome:
    """What one command did inside the sandbox."""

    command: str
    exit_code: int
    stdout: str
    stderr: str
    secrets_printed: list[str] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)  # created, changed or removed, relative to the home
    connection_seen: bool = False  # the loopback listener or the agent socket was reached

    @property
    def harmless(self) -> bool:
        return not (self.secrets_printed or self.touched or self.connection_seen)


def make_home(root: Path) -> tuple[Path, Path]:
    """A home with secret and plain canaries, and a Hearth home beside it; returns both."""
    home, hearth = root / "home", root / "hearth-home"
    for rel, text in {**SECRETS, **PLAIN}.items():
        path = home / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (hearth / "data").mkdir(parents=True)
    (hearth / "data" / "memory.txt").write_text(HEARTH_SECRET + "\n")
    return home, hearth


def _snapshot(folders: list[Path]) -> dict[str, str]:
    state: dict[str, str] = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in dirnames + filenames:
                path = Path(dirpath) / name
                key = str(path.relative_to(folder.parent))
                if path.is_file() and not path.is_symlink():
                    state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
                else:
                    state[key] = "link:" + os.readlink(path) if path.is_symlink() else "dir"
    return state


class _Listener:
    """A listener that notes whether anything connected: on loopback TCP, or on a Unix socket (a
    stand-in for an ssh-agent, reached through ``SSH_AUTH_SOCK``)."""

    def __init__(self, unix_path: Path | None = None) -> None:
        if unix_path is None:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.bind(("127.0.0.1", 0))
            self.port = int(self.sock.getsockname()[1])
        else:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.bind(str(unix_path))
            self.port = 0
        self.sock.listen(8)
        self.sock.settimeout(0.02)  # how long close() may wait for the serving thread
        self.seen = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, name="canary-listener", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.seen.set()
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        # A connection still waiting in the backlog counts too: drain it before closing.
        self.sock.setblocking(False)
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                break
            self.seen.set()
            conn.close()
        self.sock.close()


def run_with_canaries(command: str, *, scope: Scope | None = None, cwd: str = "Documents",
                      backend: Backend | None = None, sandboxed: bool = True, timeout_s: float = 20) -> Outcome:
    """Run ``command`` with ``/bin/sh -c`` in a fresh canary home (``cwd`` relative to it).

    ``scope`` defaults to the auto-approved one (scratch only). ``sandboxed=False`` runs it bare, as
    Hearth did before the sandbox, which shows that a case's canary can be reached at all.
    """
    scope = scope or Scope()
    backend = backend or active()
    if sandboxed and backend is None:
        raise RuntimeError("no sandbox works on this computer")
    listener = _Listener()
    agent: _Listener | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="hearth-canary-") as tmp:
            root = Path(tmp).resolve()
            home, hearth = make_home(root)
            (root / "run").mkdir()
            agent = _Listener(root / "run" / "agent.sock")
            scratch = root / "scratch"
            scratch.mkdir()
            text = command.replace("{port}", str(listener.port)).replace("{home}", str(home))
            workdir = home / cwd
            def at_home(paths: tuple[Path, ...]) -> tuple[Path, ...]:
                return tuple(Path(str(p).replace("{home}", str(home))) for p in paths)

            resolved = Scope(at_home(scope.writable), at_home(scope.readable_secrets), scope.network,
                             at_home(scope.named), at_home(scope.create), at_home(scope.new))
            stage = root / "stage"  # outside scratch and the home: reached only through the staged folder
            stage.mkdir()
            inner = ["/bin/sh", "-c", text]
            env = {**os.environ, "HOME": str(home), "HEARTH_HOME": str(hearth), "TMPDIR": str(scratch),
                   "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local/share"),
                   "SSH_AUTH_SOCK": str(root / "run" / "agent.sock")}
            argv = (wrap(inner, scope=resolved, cwd=workdir, scratch=scratch, backend=backend, home=home,
                         extra_hidden=[hearth], env=env, stage=stage) if sandboxed and backend else inner)
            before = _snapshot([home, hearth])
            if sandboxed:
                prepare(resolved)
            try:
                proc = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, text=True,
                                      timeout=timeout_s, stdin=subprocess.DEVNULL, errors="replace")
                code, out, err = proc.returncode, proc.stdout, proc.stderr
            except subprocess.TimeoutExpired as exc:
                code, out, err = -1, str(exc.stdout or ""), "timed out"
            if sandboxed and backend:
                err += "".join(f"\n({p})" for p in finish(resolved, stage))
            after = _snapshot([home, hearth])
            agent.close()
    finally:
        listener.close()
    touched = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    printed = [m for m in MARKERS if m in out or m in err]
    return Outcome(text, code, out, err, printed, touched, listener.seen.is_set() or agent.seen.is_set())


def sweep(commands: list[str], *, scope: Scope | None = None, backend: Backend | None = None) -> list[Outcome]:
    """Run every command in its own canary home; return the outcomes that were not harmless.

    For the red-team suite: pass every case the classifier auto-approves; the answer must be empty.
    """
    outcomes = (run_with_canaries(command, scope=scope, backend=backend) for command in commands)
    return [out for out in outcomes if not out.harmless]
