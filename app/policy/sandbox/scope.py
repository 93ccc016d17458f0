"""What a command may do inside the sandbox: the paths it may write, the secrets it may read, and
whether it may use the network. The same function gives the approval panel's text and the sandbox's
rules, so what the panel shows is what the sandbox allows."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.policy import pathrisk, secret_stores
from app.policy.shell_parse import Script, parse
from app.policy.tiers import Tier

_WRITE_OPS = (">", ">>", "<>", ">|", "&>", "&>>")
_SHELLS = ("sh", "bash", "zsh", "dash", "ksh")
MAX_DEPTH = 6


@dataclass(frozen=True)
class Scope:
    """Writable paths (files or folders), secret stores left readable, and network access.

    The empty scope is the one for commands that run without asking: scratch folder only.
    """

    writable: tuple[Path, ...] = ()
    readable_secrets: tuple[Path, ...] = ()
    network: bool = False
    named: tuple[Path, ...] = ()  # the paths the command names: never re-protected inside a writable folder
    create: tuple[Path, ...] = ()  # new files a redirection writes: made empty just before the run
    new: tuple[Path, ...] = ()  # new files or folders it names (not by redirection): only these may appear


def _is_pathlike(word: str, cwd: str) -> bool:
    if not word or "://" in word or word.startswith("-"):
        return False
    if word.startswith(("/", "~", ".")) or "/" in word:
        return True
    return os.path.lexists(os.path.join(cwd, word))


def _named_paths(script: Script, cwd: str, depth: int = 0, redirects: list[Path] | None = None,
                 explicit: list[Path] | None = None) -> list[Path]:
    """Every literal path a script names: write redirections, operands, and ``--opt=PATH`` values.

    The targets of write redirections are also added to ``redirects`` when given, and the paths
    written out from ``~`` or ``/`` (not a word that merely has a slash in it) to ``explicit``.
    """
    found: list[Path] = []
    if depth > MAX_DEPTH:
        return found
    for body in script.nested:
        found += _named_paths(parse(body), cwd, depth + 1, redirects, explicit)
    for cmd in script.commands:
        targets = [pathrisk.resolve(r.target, cwd) for r in cmd.redirects
                   if r.op in _WRITE_OPS and not r.dynamic and not r.target.startswith("/dev/")]
        found += targets
        if redirects is not None:
            redirects += targets
        words = [w for w, d in zip(cmd.words, cmd.dynamic, strict=False) if not d]
        if words and os.path.basename(words[0]) in _SHELLS and "-c" in words[1:-1]:
            found += _named_paths(parse(words[words.index("-c", 1) + 1]), cwd, depth + 1, redirects, explicit)
        for word in words[1:]:
            value = word.split("=", 1)[1] if word.startswith("--") and "=" in word else word
            if _is_pathlike(value, cwd):
                found.append(pathrisk.resolve(value, cwd))
                if explicit is not None and value.startswith(("~/", "/")):
                    explicit.append(found[-1])
    return found


def _writable_form(path: Path, tier: Tier) -> Path | None:
    """The path itself when it exists (for one it deletes, moves or rewrites in place, the destructive
    tier and above, the folder it is in, since that removes or renames the entry); None for a new one
    (see :func:`_new_entry`) and for the root folder."""
    if tier >= Tier.DESTRUCTIVE and path.is_file():
        path = path.parent
    if not path.exists() or path == Path("/"):
        return None
    return path


# A folder with more entries than this is not staged entry by entry (one mount each): a new path in it
# is refused by the sandbox unless the folder itself is writable.
MAX_STAGED_ENTRIES = 2000


def _new_entry(path: Path, *, explicit: bool = False) -> Path | None:
    """The first missing part of a new ``path`` (``~/a`` for ``mkdir -p ~/a/b``): the one entry the
    command may add to an existing folder, which itself stays read-only. None when the folder is the
    root, too large to stage, or a broad folder (home, system) the path is not directly in unless it
    was written out from ``~`` or ``/``: a word that merely looks like a path (``-m "fix/typo"``) adds
    nothing to the home folder."""
    for top in [path, *path.parents]:
        parent = top.parent
        if parent == top or not parent.is_dir() or os.path.lexists(top):
            continue
        if parent == Path("/") or (_is_broad(parent) and top != path and not explicit):
            return None
        try:
            with os.scandir(parent) as entries:
                if sum(1 for _ in entries) > MAX_STAGED_ENTRIES:
                    return None
        except OSError:
            return None
        return top
    return None


def _is_broad(path: Path) -> bool:
    """The home folder itself and system folders are never made writable as a working folder."""
    return path in (pathrisk.home(), Path("/")) or pathrisk.is_system_path(path)


def command_scope(command: str, cwd: str | Path, tier: Tier) -> Scope:
    """The scope for running ``command`` in ``cwd`` once classified at ``tier``.

    Read-only commands get nothing beyond scratch. An approved command may write the paths it names
    (an existing file or folder itself; for one it deletes or moves, the folder it is in; a new one
    exactly, its folder staying read-only) and its working folder unless that is the home folder or a
    system folder; it may read the secret stores it names; and it reaches the network only at the
    "external" tier or above.
    """
    if tier == Tier.READ_ONLY:
        return Scope()
    cwd = str(cwd)
    writable: list[Path] = []
    secrets: list[Path] = []
    work = Path(cwd)
    if not _is_broad(work) and not secret_stores.is_secret(work):
        writable.append(work)
    redirects: list[Path] = []
    explicit: list[Path] = []
    named = _named_paths(parse(command), cwd, redirects=redirects, explicit=explicit)
    # A redirection's new file is made by the shell anyway: made just before the run, only that file
    # is writable, not the whole folder it goes into.
    create = [p for p in dict.fromkeys(redirects) if not os.path.lexists(p) and p.parent.is_dir()]
    new: list[Path] = []
    for path in named:
        if tier >= Tier.CREDENTIALS and secret_stores.is_secret(path):
            secrets.append(path)
        target = path if path in create else _writable_form(path, tier)
        if target is not None and target not in writable:
            writable.append(target)
        elif target is None and path not in create:
            entry = _new_entry(path, explicit=path in explicit)
            if entry is not None and entry not in new:
                new.append(entry)
    # A path inside another writable one needs no mount of its own (a file mount could not be removed).
    kept = [p for p in writable if not any(q != p and p.is_relative_to(q) for q in writable)]
    new = [p for p in new if not any(p.is_relative_to(q) for q in kept)]
    return Scope(tuple(kept), tuple(dict.fromkeys(secrets)), network=tier in (Tier.EXTERNAL, Tier.MONEY),
                 named=tuple(dict.fromkeys(named)), create=tuple(create), new=tuple(new))


def prepare(scope: Scope) -> None:
    """Create the scope's new files (empty, as the shell's redirection would) so they can be bound."""
    for path in scope.create:
        if not os.path.lexists(path):
            path.touch(exist_ok=True)


def describe_scope(scope: Scope, backend_name: str) -> str:
    """The panel's lines about the sandbox: what the command may write, read and reach."""
    if not backend_name:
        return "Sandbox: none works on this computer, so this command runs with all your rights."
    if not scope.writable and not scope.new:
        writes = "nothing outside a scratch folder"
    else:
        shown = []
        for p in scope.writable:
            kind = "folder" if p.is_dir() else "new file" if p in scope.create else "file"
            shown.append(f"{pathrisk.display(p)} ({kind})")
        shown += [f"{pathrisk.display(p)} (new; nothing else in {pathrisk.display(p.parent)})" for p in scope.new]
        writes = ", ".join(shown)
        if any(p.is_dir() for p in scope.writable):
            writes += "; login items, start-up files and git hooks in those folders stay read-only unless named"
    lines = [f"Sandbox ({backend_name}): it may write {writes}.",
             "Network: allowed." if scope.network else "Network: none."]
    if scope.readable_secrets:
        lines.append("It may read " + ", ".join(pathrisk.display(p) for p in scope.readable_secrets)
                     + "; every other secret store is hidden.")
    else:
        lines.append("Secret stores (keys, passwords, tokens, Hearth's own data) are hidden.")
    return "\n".join(lines)
