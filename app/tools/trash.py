"""Move files to the Trash and back: ``~/.Trash`` on macOS, the freedesktop Trash on Linux."""

from __future__ import annotations

import os
import shutil
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from app.tools.base import ToolError


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


def move_to_trash(path: Path) -> dict[str, Any]:
    """Move ``path`` to the Trash; returns what :func:`restore` needs."""
    if not (path.exists() or path.is_symlink()):
        raise ToolError(f"{path} does not exist")
    root = trash_dir()
    if sys.platform == "darwin":
        root.mkdir(parents=True, exist_ok=True)
        target = _unique(root, path.name)
        shutil.move(str(path), str(target))
        return {"original": str(path), "trashed": str(target), "info": ""}
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
    shutil.move(str(path), str(target))
    return {"original": str(path), "trashed": str(target), "info": str(info_file)}


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
