"""Hearth's folders and files are the user's alone: folders 0700, files 0600.

New folders are made private as they are created (:func:`private_dir`, every level Hearth
creates, not only the last), and on start :func:`secure_home` tightens an install made before
this, or files a library (Chroma, SQLite) wrote with the default 0644: every folder holding
personal data and everything in it. Links are never followed, and only what the user owns is
changed.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from app.paths import APP_NAME, HOME_ENV, Paths

DIR_MODE = 0o700


def _hearth_owned(folder: Path) -> bool:
    """``folder`` is Hearth's own: ``HEARTH_HOME`` or inside it, or a ``Hearth`` folder or inside one."""
    home = os.environ.get(HOME_ENV)
    root = Path(home).expanduser().absolute() if home else None
    folder = folder.absolute()
    return any(p == root or p.name == APP_NAME for p in (folder, *folder.parents))


def private_dir(path: Path) -> Path:
    """Create ``path`` private to the user, and any missing parents that are Hearth's own the same
    way (``~/.local/share`` made on the way stays as the system makes it); returns ``path``."""
    missing = []
    at = path
    while not at.exists() and at != at.parent:
        missing.append(at)
        at = at.parent
    for folder in reversed(missing):
        own = folder == path or _hearth_owned(folder)
        with contextlib.suppress(FileExistsError):  # another Hearth process made it a moment ago
            folder.mkdir(mode=DIR_MODE if own else 0o777)
        if own:
            _chmod(folder, DIR_MODE)
    return path


def _chmod(path: Path, mode: int) -> bool:
    """Set ``mode`` on a folder or file the user owns (never through a link); True when changed."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) == mode:
            return False
        os.chmod(path, mode)
        return True
    except OSError:
        return False


def tighten(folder: Path, *, files: bool = True) -> int:
    """``folder``, and (with ``files``) every folder and file under it, private to the user;
    returns how many modes changed. A file loses its group and others' bits (a program keeps its
    owner's execute bit)."""
    if not folder.is_dir() or folder.is_symlink():
        return 0
    changed = int(_chmod(folder, DIR_MODE))
    if not files:
        return changed
    for root, dirs, names in os.walk(folder):  # os.walk does not follow links into folders
        for name in dirs:
            changed += _chmod(Path(root) / name, DIR_MODE)
        for name in names:
            path = Path(root) / name
            try:
                mode = path.lstat().st_mode
            except OSError:
                continue
            if stat.S_ISREG(mode) and stat.S_IMODE(mode) & 0o077:
                changed += _chmod(path, stat.S_IMODE(mode) & 0o700 | 0o600)
    return changed


def personal_folders(paths: Paths) -> list[Path]:
    """The folders that hold the user's data (memory, conversations, audit log, logs, settings, caches)."""
    return [paths.config_dir, paths.data_dir, paths.memory_dir, paths.conversations_dir, paths.audit_dir,
            paths.logs_dir, paths.cache_dir]


def secure_home(paths: Paths) -> int:
    """Tighten what exists of Hearth's folders (see the module docstring); returns modes changed.
    The models folder is made private too, but its (public) weights are not walked."""
    changed = 0
    home = os.environ.get(HOME_ENV)
    root = Path(home).expanduser().absolute() if home else None
    if root is not None and root != Path.home().absolute() and len(root.parts) > 2:  # never ~ or /tmp itself
        changed += tighten(root, files=False)
    for folder in personal_folders(paths):
        changed += tighten(folder)
    changed += tighten(paths.models_dir, files=False)
    return changed
