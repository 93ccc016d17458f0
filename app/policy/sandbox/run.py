"""Wrap a command line in the active sandbox with a scope, and the places it must not touch."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from app.policy import run_places, secret_stores
from app.policy.places import is_within
from app.policy.sandbox import bwrap, seatbelt
from app.policy.sandbox.channels import channel_paths
from app.policy.sandbox.detect import Backend
from app.policy.sandbox.scope import Scope

# Inside a writable folder these stay read-only unless named themselves: they run code later.
_TASK_PLACES = (".git/hooks", ".git/config", ".vscode", ".idea", ".envrc", ".husky", ".githooks")


def hidden_paths(scope: Scope, home: Path | None = None, extra: list[Path] | None = None,
                 env: Mapping[str, str] | None = None) -> list[Path]:
    """Existing secret stores and agent, bus and display sockets to hide, less the stores the scope
    names on purpose."""
    out = []
    for store in [*secret_stores.hide_list(home), *channel_paths(env), *(extra or [])]:
        if any(is_within(named, store, fold=False) for named in scope.readable_secrets):
            continue
        out.append(store)
    # A store inside another hidden one needs no mount of its own (and could not get one).
    return [p for p in out if not any(q != p and is_within(p, q, fold=False) for q in out)]


def protected_paths(scope: Scope, home: Path | None = None) -> list[Path]:
    """Login items, start-up files and task settings inside writable folders, kept read-only."""
    home = home or Path.home()
    places = [home / p for p in run_places.PERSISTENCE] + [home / p for p in run_places.USER_BIN]
    out: list[Path] = []
    for folder in scope.writable:
        if not folder.is_dir():
            continue
        inside = [p for p in places if is_within(p, folder, fold=False)] + [folder / t for t in _TASK_PLACES]
        for path in inside:
            if any(is_within(named, path, fold=False) for named in scope.named):
                continue  # the command names it: the panel showed it, and the person approved it
            if path.exists() and path not in scope.writable and path not in out:
                out.append(path)
    return out


def wrap(inner: list[str], *, scope: Scope, cwd: Path, scratch: Path, backend: Backend,
         home: Path | None = None, extra_hidden: list[Path] | None = None,
         env: Mapping[str, str] | None = None, stage: Path | None = None) -> list[str]:
    """The full command line that runs ``inner`` inside ``backend`` with exactly ``scope``; ``env`` is
    the environment the command gets (its agent and bus sockets are hidden). ``stage``: an empty folder
    outside every folder the command may write, where bubblewrap stages new paths; call
    :func:`app.policy.sandbox.staging.finish` after the run."""
    hidden = hidden_paths(scope, home, extra_hidden, env)
    protected = protected_paths(scope, home)
    if backend.name == "seatbelt":
        return seatbelt.argv(inner, scope=scope, scratch=scratch, hidden=hidden, protected=protected,
                             program=backend.program)
    return bwrap.argv(inner, scope=scope, scratch=scratch, cwd=cwd, hidden=hidden, protected=protected,
                      program=backend.program, stage=stage)
