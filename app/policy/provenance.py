"""Whose words a file holds: the user's own, or someone else's (issue #19; #13 item 8).

The rule. A file is the user's own only when it lies in a folder (or is a file) that the user
added to Hearth's memory as their documents (``hearth memory ingest ~/Notes``), is a note format
(text, Markdown, Word), and shows no sign of coming from someone else. The signs:

- it is in a downloads, mail, messages or Trash folder;
- it is in a git repository that has a remote (someone else's code, or a clone of it);
- macOS flagged it as downloaded (the quarantine attribute), or another user owns it;
- it is dated well before it arrived here: unpacked from an archive (unzip, tar) or copied with
  someone else's date kept;
- it is a saved web page (HTML) or a PDF, formats that nearly always carry someone else's words.

Everything else ``read_file`` reads is untrusted: a file can hold anyone's words, and ``curl -o``,
``scp`` or a USB stick leave no mark. File names listed or searched are untrusted only from a
folder with one of the signs above. The memory applies the same signs to what the user ingests
(:mod:`memory.connectors.documents`, calendars, address books). Untrusted content never blocks reading; it makes every
later action in the turn ask, and the approval names it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.policy import pathrisk

# Folders under the home folder whose files arrived from someone else.
THIRD_PARTY_DIRS = (
    "Downloads",
    "Library/Mail",
    "Library/Mail Downloads",
    "Library/Containers/com.apple.mail",
    "Library/Messages",
    ".Trash",
    ".local/share/Trash",
    ".thunderbird",
)
OWN_FORMATS = frozenset({".txt", ".text", ".md", ".markdown", ".docx", ".rtf", ".org", ".rst"})
FOREIGN_FORMATS = {".html": "a saved web page", ".htm": "a saved web page", ".pdf": "a PDF"}
_ARRIVED_LATER_S = 24 * 3600  # dated a day or more before it arrived here

RepoCache = dict[Path, Path | None]


def _cloned_repository(path: Path, cache: RepoCache | None = None) -> Path | None:
    """The git repository holding ``path`` when it has a remote (someone else's code), else None."""
    walked: list[Path] = []
    found: Path | None = None
    for folder in [path, *path.parents]:
        if cache is not None and folder in cache:
            found = cache[folder]
            break
        walked.append(folder)
        config = folder / ".git" / "config"
        try:
            if config.is_file():
                found = folder if "[remote " in config.read_text(errors="replace") else None
                break
        except OSError:
            break
    if cache is not None:
        for folder in walked:
            cache[folder] = found
    return found


def _arrived(info: os.stat_result) -> float:
    """When the file came to be here: its birth time where the system keeps one, else its ctime."""
    return float(getattr(info, "st_birthtime", 0.0) or info.st_ctime)


def someone_elses(path: Path, repos: RepoCache | None = None) -> str:
    """Why ``path`` holds someone else's words (a short phrase), or '' when nothing says so."""
    try:
        rel = path.relative_to(pathrisk.home()).as_posix()
    except ValueError:
        rel = ""
    for folder in THIRD_PARTY_DIRS:
        if rel == folder or rel.startswith(folder + "/"):
            return f"from {pathrisk.display(pathrisk.home() / folder)}"
    repo = _cloned_repository(path, repos)
    if repo is not None:
        return f"from the cloned repository {pathrisk.display(repo)}"
    foreign = FOREIGN_FORMATS.get(path.suffix.lower())
    if foreign:
        return foreign
    try:
        info = path.stat()
        if info.st_uid != os.getuid():
            return "owned by another user"
        if hasattr(os, "listxattr") and "com.apple.quarantine" in os.listxattr(path):
            return "flagged as downloaded"
        if _arrived(info) - info.st_mtime > _ARRIVED_LATER_S:
            return f"unpacked or copied, dated {time.strftime('%Y-%m-%d', time.localtime(info.st_mtime))}"
    except OSError:
        pass
    return ""


def own_roots(memory: Any) -> list[Path]:
    """The folders and files the user added to the memory as their own documents."""
    sources = getattr(memory, "sources", None)
    if not callable(sources):
        return []
    try:
        return [Path(s["path"]) for s in sources() if s.get("kind") == "documents" and s.get("path")]
    except Exception:  # a memory that cannot answer vouches for nothing
        return []


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def file_label(path: Path, roots: Iterable[Path]) -> str:
    """'' for the user's own file, else the untrusted-source label the approval shows."""
    shown = pathrisk.display(path)
    why = someone_elses(path)
    if why:
        return f"file: {shown} ({why})"
    if not _inside(path, roots):
        return f"file: {shown} (not in a folder you added to Hearth as your own)"
    if path.suffix.lower() not in OWN_FORMATS and not path.is_dir():
        return f"file: {shown} (not a note or document format)"
    return ""


def folder_label(path: Path) -> str:
    """'' unless the folder is someone else's (Downloads, a clone): then the label for its names.

    Names listed from the user's other folders are not treated as untrusted: they are short, mostly
    the user's own, and warning about every listing would make the warning mean nothing.
    """
    why = someone_elses(path)
    return f"file names in {pathrisk.display(path)} ({why})" if why else ""
