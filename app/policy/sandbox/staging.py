"""New paths an approved command may create, and nothing else beside them (bubblewrap).

A mount can only cover what exists, so a new path cannot be bound on its own. The folder it goes into
is shown to the command as a staging folder from Hearth's scratch, with every existing entry of the
real folder mounted back read-only (a mount cannot be removed, renamed or written through). The
command sees the folder as it is and can add entries; after the run, exactly the approved new entries
move into the real folder and the rest of the staging folder is thrown away.
(Seatbelt needs none of this: its profile allows writing exactly those paths.)
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from app.policy import pathrisk
from app.policy.sandbox.scope import Scope


def folders(scope: Scope) -> list[Path]:
    """The existing folders that get a new entry, in a fixed order."""
    return list(dict.fromkeys(p.parent for p in scope.new))


def mounts(scope: Scope, stage: Path) -> list[str]:
    """bubblewrap arguments that show each such folder as its staging folder under ``stage``."""
    out: list[str] = []
    for i, folder in enumerate(folders(scope)):
        box = stage / str(i)
        box.mkdir(parents=True, exist_ok=True)
        out += ["--bind", str(box), str(folder)]
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries)
        for name in names:
            real = folder / name
            if os.path.islink(real):
                out += ["--symlink", os.readlink(real), str(real)]
            else:
                out += ["--ro-bind-try", str(real), str(real)]
    return out


def finish(scope: Scope, stage: Path) -> list[str]:
    """Move the approved new entries the command made into their real folders; returns what could
    not be moved, in plain words (nothing is ever put over an entry that appeared meanwhile)."""
    problems: list[str] = []
    for i, folder in enumerate(folders(scope)):
        box = stage / str(i)
        approved = {p.name for p in scope.new if p.parent == folder}
        try:
            extra = sorted(set(os.listdir(box)) - set(os.listdir(folder)) - approved)
        except OSError:
            extra = []
        if extra:  # made beside the approved path: thrown away, and said so
            shown = ", ".join(pathrisk.display(folder / name) for name in extra[:5])
            problems.append(f"not kept, since only what the panel showed may be made: {shown}")
        for entry in (p for p in scope.new if p.parent == folder):
            staged = box / entry.name
            if not os.path.lexists(staged):
                continue  # the command did not make it
            shown = pathrisk.display(entry)
            if os.path.islink(folder) or Path(os.path.realpath(folder)) != folder:
                problems.append(f"{pathrisk.display(folder)} changed during the run, so {shown} was not made")
                continue
            if os.path.lexists(entry):
                problems.append(f"{shown} appeared while the command ran, so it was left as it was")
                continue
            try:
                os.rename(staged, entry)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    problems.append(f"{shown} could not be made: {exc.strerror}")
                    continue
                shutil.move(str(staged), str(entry))  # another disk: copied, then removed from scratch
    return problems
