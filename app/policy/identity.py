"""What was approved is what runs: the identity of every file and folder an action names.

At approval the gate notes, for each path argument of a file tool, what is at the path and at
each folder above it (device, inode and type, never following a symlink). Just before the action
runs it looks again; if anything changed (a folder swapped for a symlink, a write target replaced
by a link into ~/Library/LaunchAgents) the action is refused instead of running somewhere else.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

PATH_KEYS = ("path", "paths", "source", "destination")

Identity = tuple[str, str]  # (absolute path as named, what is there)


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


def _what_is_at(path: Path) -> str:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable:{exc.errno}"
    return f"{info.st_dev}:{info.st_ino}:{stat.S_IFMT(info.st_mode):o}"


def fingerprint(family: str, arguments: dict[str, Any], cwd: Path) -> tuple[Identity, ...]:
    """The identities of every named path and every folder above it."""
    seen: dict[str, str] = {}
    for raw in path_arguments(family, arguments):
        path = _absolute(raw, cwd)
        for place in (path, *path.parents):
            key = str(place)
            if key not in seen:
                seen[key] = _what_is_at(place)
    return tuple(sorted(seen.items()))


def changed(before: tuple[Identity, ...], after: tuple[Identity, ...]) -> list[str]:
    """The paths whose identity differs between approval and now."""
    now = dict(after)
    return [path for path, what in before if now.get(path) != what]
