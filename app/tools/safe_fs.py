"""File operations that cannot be redirected after approval (issue #19).

Each folder on the way to a target is opened on its own, relative to the one before, with
``O_NOFOLLOW``: a folder that became a symlink cannot lead the operation anywhere else. Each one is
checked against what was there when the person approved (:class:`app.policy.identity.Snapshot`),
and the operation (create, write, rename into the Trash, move) is done relative to the folder that
was opened, so a swap between the check and the act changes nothing. Anything that changed is
refused with :class:`Changed`.

Only a move between two disks (which the system cannot do as one rename) falls back to copying by
path, after the same checks.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.policy import pathrisk
from app.policy.identity import MISSING, describe
from app.tools.base import ToolContext, ToolError

_DIR_FLAGS = getattr(os, "O_PATH", os.O_RDONLY) | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class Changed(ToolError):
    """A file or folder is not what it was when the action was approved: nothing was done to it."""


def place(raw: str, ctx: ToolContext) -> Path:
    """Where ``raw`` leads: the place the panel showed while an approved action runs, else now."""
    approved = ctx.approved.place(raw) if ctx.approved is not None else None
    return approved if approved is not None else pathrisk.resolve(raw, ctx.cwd)


def _changed(path: Path, how: str) -> Changed:
    return Changed(f"{pathrisk.display(path)} {how} since you approved this, so it was not touched")


def _check(path: Path, now: str, ctx: ToolContext) -> None:
    expected = ctx.approved.expected(path) if ctx.approved is not None else None
    if expected is not None and expected != now:
        if expected == MISSING:
            raise _changed(path, "appeared")
        raise _changed(path, "was replaced" if now != MISSING else "went away")


@contextmanager
def folder(path: Path, ctx: ToolContext, *, create: bool = False) -> Iterator[int]:
    """A descriptor for the folder ``path`` (absolute, symlinks already resolved), opened one
    component at a time without following symlinks and checked against the approval; missing
    folders are made when ``create``."""
    fd = os.open("/", _DIR_FLAGS)
    try:
        here = Path("/")
        _check(here, describe(os.fstat(fd)), ctx)
        for part in path.parts[1:]:
            here = here / part
            made = False
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise ToolError(f"{pathrisk.display(here)} does not exist") from None
                _check(here, MISSING, ctx)
                os.mkdir(part, 0o777, dir_fd=fd)
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
                made = True
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise _changed(here, "is a link or not a folder now") from None
                raise
            os.close(fd)
            fd = child
            if not made:  # a folder made just now was approved as missing, and is ours
                _check(here, describe(os.fstat(fd)), ctx)
        yield fd
    finally:
        os.close(fd)


def entry(parent_fd: int, path: Path, ctx: ToolContext) -> os.stat_result | None:
    """What is at ``path`` (a name in the folder ``parent_fd``), checked against the approval."""
    try:
        info = os.lstat(path.name, dir_fd=parent_fd)
    except FileNotFoundError:
        _check(path, MISSING, ctx)
        return None
    _check(path, describe(info), ctx)
    return info


def read_bytes(path: Path, ctx: ToolContext, limit: int) -> bytes:
    """Up to ``limit`` bytes of the regular file at ``path``, never through a symlink."""
    with folder(path.parent, ctx) as parent:
        info = entry(parent, path, ctx)
        if info is None or not stat.S_ISREG(info.st_mode):
            raise ToolError(f"{pathrisk.display(path)} is not a file")
        fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent)
    with os.fdopen(fd, "rb") as handle:
        if describe(os.fstat(handle.fileno())) != describe(info):
            raise _changed(path, "was replaced")
        return handle.read(limit)


def write_text(path: Path, text: str, ctx: ToolContext, keep_old: Callable[[bytes, int], None] | None = None) -> None:
    """Create or replace the file at ``path`` with ``text``; ``keep_old(data, mode)`` gets the old
    contents first. The folders and the file are the approved ones, or the write is refused."""
    data = text.encode("utf-8")
    with folder(path.parent, ctx, create=True) as parent:
        info = entry(parent, path, ctx)
        if info is None:
            try:
                fd = os.open(path.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                             0o666, dir_fd=parent)
            except FileExistsError:
                raise _changed(path, "appeared") from None
        else:
            if not stat.S_ISREG(info.st_mode):
                raise ToolError(f"{pathrisk.display(path)} is not a file")
            fd = os.open(path.name, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent)
    with os.fdopen(fd, "r+b" if info is not None else "wb") as handle:
        if info is not None:
            if describe(os.fstat(handle.fileno())) != describe(info):
                raise _changed(path, "was replaced")
            old = handle.read()
            if keep_old is not None:
                keep_old(old, stat.S_IMODE(info.st_mode))
            handle.seek(0)
            handle.truncate()
        handle.write(data)


def rename(src: Path, dest_folder: Path, dest_name: str, ctx: ToolContext, *, create: bool = False) -> None:
    """Move ``src`` to ``dest_folder/dest_name`` (never replacing anything there) by one rename
    between the two opened folders; between disks, by path after the same checks."""
    with folder(src.parent, ctx) as src_fd:
        if entry(src_fd, src, ctx) is None:
            raise ToolError(f"{pathrisk.display(src)} does not exist")
        with folder(dest_folder, ctx, create=create) as dest_fd:
            target = dest_folder / dest_name
            if entry(dest_fd, target, ctx) is not None:
                raise ToolError(f"{pathrisk.display(target)} already exists; Hearth will not replace it")
            try:
                os.rename(src.name, dest_name, src_dir_fd=src_fd, dst_dir_fd=dest_fd)
                return
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
    shutil.move(str(src), str(dest_folder / dest_name))  # another disk: copied, checked just above
