"""The bubblewrap command line: a read-only system and home, secret stores hidden, no network, a
fresh process tree, and writes only where the scope allows."""

from __future__ import annotations

import os
from pathlib import Path

from app.policy.sandbox import staging
from app.policy.sandbox.scope import Scope

PROGRAM = "bwrap"


def argv(inner: list[str], *, scope: Scope, scratch: Path, cwd: Path, hidden: list[Path],
         protected: list[Path], program: str = PROGRAM, stage: Path | None = None) -> list[str]:
    """``bwrap … -- inner``. Later mounts cover earlier ones, so hiding comes last and always wins.

    The folders that get a new entry (``scope.new``) are staged under ``stage`` first (see
    :mod:`app.policy.sandbox.staging`); without ``stage`` no new entry can be made.
    """
    # No capabilities: run by root, bwrap would otherwise keep them, and the command could unmount
    # what hides a secret store or remount the system writable.
    out = [program, "--cap-drop", "ALL", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
           "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent",
           "--new-session"]
    if not scope.network:
        out.append("--unshare-net")
    if stage is not None:
        out += staging.mounts(scope, stage)
    out += ["--bind", str(scratch), str(scratch)]
    for path in scope.writable:
        out += ["--bind", str(path), str(path)]
    for path in protected:
        out += ["--ro-bind", str(path), str(path)]
    for path in hidden:
        if os.path.islink(path):
            continue  # its target is hidden instead: mounting on a link would follow it anyway
        if path.is_dir():
            out += ["--tmpfs", str(path), "--remount-ro", str(path)]
        elif path.exists():
            out += ["--ro-bind", "/dev/null", str(path)]
    out += ["--setenv", "TMPDIR", str(scratch), "--chdir", str(cwd), "--", *inner]
    return out
