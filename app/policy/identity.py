"""What was approved is what runs: the identity of every file and folder an action names.

At approval the gate notes, for each path argument of a file tool, where it leads (``~``, ``..``
and symlinks resolved, as the panel showed it) and what is at the path, at the place it leads to,
and at each folder above both (device, inode and type, never following a symlink). Just before the
action runs it looks again; if anything changed (a folder swapped for a symlink, a write target
replaced by a link into ~/Library/LaunchAgents) the action is refused instead of running somewhere
else. The file tools then act on the place noted at approval, through folders opened one by one
without following symlinks and checked against these identities (:mod:`app.tools.safe_fs`), so a
swap in the last instant is refused too.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.policy.pathrisk import resolve

PATH_KEYS = ("path", "paths", "source", "destination")
MISSING = "missing"

Identity = tuple[str, str]  # (absolute path, what is there)


def path_arguments(family: str, arguments: dict[str, Any]) -> list[str]:
    """The raw path strings a file tool's arguments name."""
    if family != "files":
        return []
    found: list[str] = []
    for key in PATH_KEYS:
        value = arguments.get(key)
        values = value if isinstance(value, list) else [value]
        found.extend(v for v in values if isinstance(v, str) and v)
    return found


def _absolute(raw: str, cwd: Path) -> Path:
    """The path as named: ``~`` expanded and made absolute, ``..`` folded, no symlink followed."""
    path = Path(os.path.expanduser(raw))
    return Path(os.path.normpath(path if path.is_absolute() else cwd / path))


def describe(info: os.stat_result) -> str:
    """Device, inode and file type: what makes a file or folder the same one."""
    return f"{info.st_dev}:{info.st_ino}:{stat.S_IFMT(info.st_mode):o}"


def _what_is_at(path: Path) -> str:
    try:
        return describe(os.lstat(path))
    except FileNotFoundError:
        return MISSING
    except OSError as exc:
        return f"unreadable:{exc.errno}"


@dataclass(frozen=True)
class Snapshot:
    """The places an action's paths led to, and what was at each, when the panel showed it."""

    leads_to: dict[str, str] = field(default_factory=dict)  # raw path -> resolved absolute path
    identities: dict[str, str] = field(default_factory=dict)  # absolute path -> describe() or MISSING

    def place(self, raw: str) -> Path | None:
        """Where ``raw`` led at approval (None when it was not part of the approval)."""
        where = self.leads_to.get(raw)
        return Path(where) if where is not None else None

    def expected(self, path: Path) -> str | None:
        """What was at ``path`` at approval (None when it was not looked at)."""
        return self.identities.get(str(path))


def snapshot(family: str, arguments: dict[str, Any], cwd: Path) -> Snapshot:
    """Where each named path leads and the identities of both chains of folders."""
    leads_to: dict[str, str] = {}
    seen: dict[str, str] = {}
    for raw in path_arguments(family, arguments):
        named = _absolute(raw, cwd)
        try:
            resolved = resolve(raw, cwd)
        except (OSError, RuntimeError):
            resolved = named
        leads_to[raw] = str(resolved)
        for path in (named, resolved):
            for place in (path, *path.parents):
                key = str(place)
                if key not in seen:
                    seen[key] = _what_is_at(place)
    return Snapshot(leads_to, seen)


def fingerprint(family: str, arguments: dict[str, Any], cwd: Path) -> tuple[Identity, ...]:
    """The identities of every named path, the place it leads to, and every folder above them."""
    return tuple(sorted(snapshot(family, arguments, cwd).identities.items()))


def changed(before: tuple[Identity, ...], after: tuple[Identity, ...]) -> list[str]:
    """The paths whose identity differs between approval and now."""
    now = dict(after)
    return [path for path, what in before if now.get(path) != what]
