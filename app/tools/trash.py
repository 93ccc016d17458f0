"""Move files to the Trash and back: ``~/.Trash`` on macOS, the freedesktop Trash on Linux."""

from __future__ import annotations

import os
import shutil
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from app.tools.base import ToolContext, ToolError


def trash_dir() -> Path:
    if sys.platform == "darwin":
        return Path(os.path.expanduser("~/.Trash"))
    data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(data) / "Trash"


def _unique(folder: Path, name: str) -> Path:
    candidate = folder / name
    n = 1
    while candidate.exists() or candidate.is_symlink():
        stem, dot, ext = name.partition(".")
        candidate = folder / f"{stem} {n}{dot}{ext}"
        n += 1
    return candidate


def _place_in_trash(path: Path) -> tuple[Path, Path | None]:
    """A free name in the Trash for ``path``, and its freedesktop info file (None on macOS)."""
    root = trash_dir()
    if sys.platform == "darwin":
        root.mkdir(parents=True, exist_ok=True)
        return _unique(root, path.name), None
    files, info = root / "files", root / "info"
    files.mkdir(parents=True, exist_ok=True, mode=0o700)
    info.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = _unique(files, path.name)
    info_file = info / (target.name + ".trashinfo")
    info_file.write_text(
        "[Trash Info]\n"
        f"Path={urllib.parse.quote(str(path))}\n"
        f"DeletionDate={time.strftime('%Y-%m-%dT%H:%M:%S')}\n",
        encoding="utf-8",
    )
    return target, info_file


def move_to_trash(path: Path, ctx: ToolContext | None = None) -> dict[str, Any]:
    """Move ``path`` to the Trash; returns what :func:`restore` needs.

    With ``ctx`` (an action's run) the move is one rename from the folder opened without following
    symlinks and checked against the approval (:mod:`app.tools.safe_fs`).
    """
    if not (path.exists() or path.is_symlink()):
        raise ToolError(f"{path} does not exist")
    target, info_file = _place_in_trash(path)
    try:
        if ctx is None:
            shutil.move(str(path), str(target))
        else:
            from app.tools import safe_fs

            safe_fs.rename(path, target.parent, target.name, ctx)
    except BaseException:
        if info_file is not None:
            info_file.unlink(missing_ok=True)
        raise
    return {"original": str(path), "trashed": str(target), "info": str(info_file or "")}


def keep_copy(original: Path, data: bytes, mode: int) -> dict[str, Any]:
    """Put a copy of ``original``'s old contents in the Trash (for undo); returns the record."""
    target, info_file = _place_in_trash(original)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode & 0o777 or 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return {"original": str(original), "trashed": str(target), "info": str(info_file or "")}


def restore(record: dict[str, Any]) -> Path:
    """Put a trashed item back where it was; refuses to overwrite something new there."""
    original, trashed = Path(record["original"]), Path(record["trashed"])
    if not (trashed.exists() or trashed.is_symlink()):
        raise ToolError(f"{trashed.name} is no longer in the Trash")
    if original.exists() or original.is_symlink():
        raise ToolError(f"{original} exists again; move it away first")
    original.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(trashed), str(original))
    if record.get("info"):
        Path(record["info"]).unlink(missing_ok=True)
    return original
