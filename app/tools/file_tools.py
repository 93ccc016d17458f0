"""File tools: list, read, search, write, move, delete (to the Trash, undoable)."""

from __future__ import annotations

import difflib
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.policy import pathrisk, places, provenance, secret_stores
from app.policy.tiers import Risk, Tier
from app.tools import safe_fs, trash
from app.tools.base import Tool, ToolContext, ToolError, ToolOutput, obj, string, truncate

MAX_READ = 20_000


def _path(args: dict[str, Any], ctx: ToolContext, key: str = "path") -> Path:
    raw = str(args.get(key) or ".")
    return pathrisk.resolve(raw, ctx.cwd)


def _size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).lstat().st_size
            except OSError:
                pass
    return total


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def untrusted_file(path: Path, ctx: ToolContext) -> str:
    """The untrusted-source label of a file a tool reads ('' for the user's own): see
    :mod:`app.policy.provenance` for the rule."""
    return provenance.file_label(path, provenance.own_roots(ctx.memory))


def _read_risk(key: str, verb: str):
    def risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
        path = _path(args, ctx, key)
        r = Risk(Tier.READ_ONLY, explanation=f"This {verb} {pathrisk.display(path)}.")
        tier, why = pathrisk.read_tier(path)
        if why:
            r.raise_to(tier, why)
        return r

    return risk


# -- list ------------------------------------------------------------------------------------
def _list(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    path = _path(args, ctx)
    if not path.is_dir():
        raise ToolError(f"{pathrisk.display(path)} is not a folder")
    lines = []
    for child in sorted(path.iterdir(), key=lambda p: p.name.lower())[:200]:
        kind = "folder" if child.is_dir() else human_size(child.lstat().st_size)
        lines.append(f"{child.name}{'/' if child.is_dir() else ''}  ({kind})")
    label = provenance.folder_label(path)
    return ToolOutput(True, "\n".join(lines) or "(empty folder)", untrusted_sources=(label,) if label else ())


# -- read ------------------------------------------------------------------------------------
def _read(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    path = safe_fs.place(str(args.get("path") or "."), ctx)
    data = safe_fs.read_bytes(path, ctx, MAX_READ)
    text = data.decode("utf-8", errors="replace")
    label = untrusted_file(path, ctx)
    return ToolOutput(True, truncate(text, MAX_READ), untrusted_sources=(label,) if label else ())


# -- search ----------------------------------------------------------------------------------
def _search(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    """Names and text under a folder. Secret stores (and links into them) are never opened nor named:
    a search of the home folder for "token" must not answer from ``~/.config/gh``, and a query is
    an oracle on a file's text, so one search after another could spell a key out."""
    root = _path(args, ctx)
    query = str(args.get("query", "")).lower()
    if not query:
        raise ToolError("the search needs some text to look for")
    secrets = secret_stores.Matcher(fold=places.case_insensitive_disk(root))
    hits: list[str] = []
    skipped = 0
    for dirpath, dirs, files in os.walk(root):
        kept = [d for d in dirs if not d.startswith(".") and not secrets.find(Path(dirpath) / d)]
        skipped += len(dirs) - len(kept) - sum(d.startswith(".") for d in dirs)
        dirs[:] = kept
        for name in files:
            p = Path(dirpath) / name
            if secrets.find(p):
                skipped += 1
                continue
            if query in name.lower():
                hits.append(f"{pathrisk.display(p)} (name)")
            elif not name.startswith(".") and _small_regular_file(p):
                try:
                    if query in p.read_text(encoding="utf-8", errors="ignore").lower():
                        hits.append(f"{pathrisk.display(p)} (contents)")
                except OSError:
                    continue
            if len(hits) >= 50:
                break
        if len(hits) >= 50:
            break
    label = provenance.folder_label(root)
    text = "\n".join(hits) or "no matches"
    if skipped:
        text += f"\n({skipped} secret store(s) skipped: keys, passwords and tokens are never searched)"
    return ToolOutput(True, text, untrusted_sources=(label,) if label else ())


def _small_regular_file(path: Path) -> bool:
    """A regular file under 1 MB (a pipe or device could block or never end)."""
    try:
        info = path.stat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size < 1_000_000


# -- write -----------------------------------------------------------------------------------
def _write_risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    path = _path(args, ctx)
    exists = path.exists()
    tier, why = pathrisk.write_tier(path)
    verb = "replace the contents of" if exists else "create"
    r = Risk(Tier.REVERSIBLE, explanation=f"This will {verb} {pathrisk.display(path)} "
             f"({len(str(args.get('content', '')))} characters).")
    r.raise_to(max(tier, Tier.REVERSIBLE), why)
    if exists:
        r.reasons.append("The old version goes to the Trash first, so this can be undone.")
    if path.is_dir():
        r.raise_to(Tier.UNKNOWN, "The path is a folder, not a file.")
    elif exists and path.stat().st_nlink > 1:  # a hard link: the same file has another name elsewhere
        r.raise_to(Tier.UNKNOWN, f"{pathrisk.display(path)} is also reachable under other names (hard links), "
                                 "which this changes too.")
    return r


def _write_preview(args: dict[str, Any], ctx: ToolContext) -> str:
    path = _path(args, ctx)
    old = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    new = str(args.get("content", ""))
    diff = difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                fromfile=str(path) if old else "/dev/null", tofile=str(path))
    return "".join(diff) or "(no change)"


def _write(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    """Write through folders opened without following symlinks and checked against the approval;
    the old contents go to the Trash first."""
    path = safe_fs.place(str(args.get("path") or "."), ctx)
    undo: dict[str, Any] = {"path": str(path), "backup": None}

    def keep_old(data: bytes, mode: int) -> None:
        undo["backup"] = trash.keep_copy(path, data, mode)

    safe_fs.write_text(path, str(args.get("content", "")), ctx, keep_old)
    return ToolOutput(True, f"wrote {pathrisk.display(path)}", undo=undo)


def _write_undo(undo: dict[str, Any], ctx: ToolContext) -> str:
    path = Path(undo["path"])
    if undo.get("backup"):
        record = dict(undo["backup"])
        trashed = Path(record["trashed"])
        if not trashed.exists():
            raise ToolError("the old version is no longer in the Trash")
        if path.exists():
            trash.move_to_trash(path)
        shutil.move(str(trashed), str(path))
        if record.get("info"):
            Path(record["info"]).unlink(missing_ok=True)
        return f"restored the previous {pathrisk.display(path)}"
    if path.exists():
        trash.move_to_trash(path)
    return f"moved the new {pathrisk.display(path)} to the Trash"


# -- move ------------------------------------------------------------------------------------
def _move_target(args: dict[str, Any], ctx: ToolContext) -> tuple[Path, Path]:
    src = _path(args, ctx, "source")
    dest = _path(args, ctx, "destination")
    if dest.is_dir():
        dest = dest / src.name
    return src, dest


def _move_risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    src, dest = _move_target(args, ctx)
    r = Risk(Tier.REVERSIBLE, explanation=f"This will move {pathrisk.display(src)} to {pathrisk.display(dest)}.")
    # The reasons say only what is more than "This will move A to B" (a move is not a write of its source).
    tier, why = pathrisk.write_tier(src, moving_out=True)
    r.raise_to(max(tier, Tier.REVERSIBLE), why)
    tier, why = pathrisk.write_tier(dest)
    r.raise_to(max(tier, Tier.REVERSIBLE), why if tier > Tier.REVERSIBLE else "")
    if dest.exists():
        r.raise_to(Tier.DESTRUCTIVE, f"{pathrisk.display(dest)} already exists and would be replaced.")
    return r


def _move(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    """One rename between the two folders as approved (opened without following symlinks)."""
    src = safe_fs.place(str(args.get("source") or "."), ctx)
    dest = safe_fs.place(str(args.get("destination") or "."), ctx)
    if dest.is_dir() and not dest.is_symlink():
        dest = dest / src.name
    safe_fs.rename(src, dest.parent, dest.name, ctx, create=True)
    return ToolOutput(True, f"moved to {pathrisk.display(dest)}", undo={"source": str(src), "destination": str(dest)})


def _move_undo(undo: dict[str, Any], ctx: ToolContext) -> str:
    src, dest = Path(undo["source"]), Path(undo["destination"])
    if src.exists():
        raise ToolError(f"{pathrisk.display(src)} exists again; move it away first")
    shutil.move(str(dest), str(src))
    return f"moved back to {pathrisk.display(src)}"


# -- delete ----------------------------------------------------------------------------------
def _delete_paths(args: dict[str, Any], ctx: ToolContext) -> list[Path]:
    return [pathrisk.resolve(str(p), ctx.cwd) for p in args.get("paths", [])]


def _delete_risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    paths = _delete_paths(args, ctx)
    existing = [p for p in paths if p.exists() or p.is_symlink()]
    total = sum(_size(p) for p in existing)
    folders = {pathrisk.display(p.parent) for p in paths}
    where = ", ".join(sorted(folders)[:3])
    count = f"{len(paths)} item{'s' if len(paths) != 1 else ''}"
    them = "them" if len(paths) != 1 else "it"
    r = Risk(Tier.DESTRUCTIVE, explanation=f"This will delete {count} ({human_size(total)}) in {where}, moving "
             f"{them} to the Trash.")
    r.reasons.append("Deleting always asks; it can be undone from the Trash or with `hearth audit undo`.")
    for p in paths:
        tier, why = pathrisk.write_tier(p)
        if tier > Tier.DESTRUCTIVE:
            r.raise_to(tier, why)
        elif why and tier == Tier.DESTRUCTIVE:
            r.reasons.append(why)
        if p.is_dir():
            r.reasons.append(f"{pathrisk.display(p)} is a folder: everything in it goes too.")
    missing = len(paths) - len(existing)
    if missing:
        r.reasons.append(f"{missing} of them do not exist." if len(paths) > 1 else "It does not exist.")
    return r


def _delete(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    records = []
    errors = []
    for raw in args.get("paths", []):
        p = safe_fs.place(str(raw), ctx)
        try:
            records.append(trash.move_to_trash(p, ctx))
        except (ToolError, OSError) as exc:
            errors.append(str(exc))
    text = f"moved {len(records)} item(s) to the Trash"
    if errors:
        text += "; not deleted: " + "; ".join(errors)
    return ToolOutput(bool(records), text, undo={"records": records} if records else None)


def _delete_undo(undo: dict[str, Any], ctx: ToolContext) -> str:
    restored = [pathrisk.display(trash.restore(r)) for r in undo.get("records", [])]
    return "restored " + ", ".join(restored)


def _missing(paths: list[Path]) -> str:
    gone = [pathrisk.display(p) for p in paths if not (p.exists() or p.is_symlink())]
    if not gone:
        return ""
    return (f"{gone[0]} does not exist" if len(gone) == 1
            else f"{', '.join(gone[:-1])} and {gone[-1]} do not exist")


def _must_exist(key: str) -> Callable[[dict[str, Any], ToolContext], str]:
    """A move or delete of a path that is not there is said, never proposed for approval."""
    return lambda args, ctx: _missing([_path(args, ctx, key)])


PATH = string("A file or folder path; ~ means the home folder.")
TOOLS = [
    Tool("list_files", "List the files in a folder.", obj({"path": PATH}), _read_risk("path", "lists"), _list, family="files"),
    Tool("read_file", "Read a text file.", obj({"path": PATH}), _read_risk("path", "reads"), _read, family="files"),
    Tool("search_files", "Find files under a folder whose name or text contains the query.",
         obj({"path": PATH, "query": string("Text to look for.")}), _read_risk("path", "searches"), _search,
         family="files"),
    Tool("write_file", "Create or replace a text file.", obj({"path": PATH, "content": string("The full new text.")}),
         _write_risk, _write, preview=_write_preview, undo=_write_undo, family="files"),
    Tool("move_file", "Move or rename a file or folder.",
         obj({"source": PATH, "destination": PATH}), _move_risk, _move,
         preview=lambda a, c: "{} -> {}".format(*(pathrisk.display(p) for p in _move_target(a, c))),
         undo=_move_undo, family="files", cannot_run=_must_exist("source")),
    Tool("delete_files", "Move files or folders to the Trash.",
         obj({"paths": {"type": "array", "items": PATH, "minItems": 1, "maxItems": 100}}), _delete_risk, _delete,
         preview=lambda a, c: "\n".join(f"{pathrisk.display(p)}  ({human_size(_size(p)) if p.exists() else 'missing'})"
                                        for p in _delete_paths(a, c)),
         undo=_delete_undo, family="files", cannot_run=lambda a, c: _missing(_delete_paths(a, c))),
]
