"""Resolve paths (``~``, ``..``, symlinks) before classification, and say which places are sensitive."""

from __future__ import annotations

import os
from pathlib import Path

from app.policy import run_places, secret_stores
from app.policy.tiers import Tier

# Security settings (not secrets, but changing them is a credentials action); secret stores are
# listed in :mod:`app.policy.secret_stores`.
_SECURITY_NAMES = ("sudoers", "sudoers.d", "shadow", "gshadow", "passwd", "master.passwd", "pam.d")

_SYSTEM_PREFIXES = (
    "/etc",
    "/bin",
    "/sbin",
    "/usr",
    "/lib",
    "/lib64",
    "/boot",
    "/dev",
    "/proc",
    "/sys",
    "/var",
    "/opt",
    "/System",
    "/Library",
    "/Applications",
    "/private/etc",
    "/private/var",
)
_SAFE_DEVICES = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")


def home() -> Path:
    return Path(os.path.expanduser("~")).resolve()


def resolve(raw: str, cwd: str | Path | None = None) -> Path:
    """Expand ``~``, make absolute against ``cwd``, and resolve ``..`` and symlinks.

    A target that does not exist yet is resolved through its deepest existing parent, so a write
    through a symlinked parent is classified where it would really land.
    """
    text = os.path.expanduser(raw)
    path = Path(text)
    if not path.is_absolute():
        path = Path(cwd or os.getcwd()) / path
    return path.resolve(strict=False)


def display(path: Path) -> str:
    """A short form for people: ``~/Documents/x`` instead of the full home path."""
    try:
        return "~/" + str(path.relative_to(home())) if path != home() else "~"
    except ValueError:
        return str(path)


def is_credential_path(path: Path) -> bool:
    """A secret store (or anything in one), a secret file, or a security setting."""
    if secret_stores.is_secret(path):
        return True
    return any(part in _SECURITY_NAMES for part in path.parts)


def is_system_path(path: Path) -> bool:
    text = str(path)
    if text in _SAFE_DEVICES:
        return False
    if any(text == p or text.startswith(p + "/") for p in _SYSTEM_PREFIXES):
        # Temporary folders under /var are ordinary user space.
        return not (text.startswith(("/var/folders/", "/private/var/folders/", "/var/tmp/")))
    return text == "/"


def is_dotfile_path(path: Path) -> bool:
    """A hidden file or folder directly in the home folder (``~/.bashrc``, ``~/.config/...``)."""
    try:
        rel = path.relative_to(home())
    except ValueError:
        return False
    return bool(rel.parts) and rel.parts[0].startswith(".") and rel.parts[0] not in (".Trash",)


def read_tier(path: Path) -> tuple[Tier, str]:
    """The tier of reading ``path`` and why."""
    if is_credential_path(path):
        return Tier.CREDENTIALS, f"It reads {display(path)}, which holds credentials."
    return Tier.READ_ONLY, ""


def write_tier(path: Path, *, overwrite_ok: bool = True, moving_out: bool = False) -> tuple[Tier, str]:
    """The tier of writing (creating, changing or removing) ``path`` and why.

    ``moving_out``: ``path`` is the source of a move, so the reason says it is taken away, not
    written (same tier); an ordinary file's move needs no reason beyond "This will move A to B".
    """
    shown = display(path)
    if str(path) in _SAFE_DEVICES:
        return Tier.READ_ONLY, ""
    if is_credential_path(path):
        return Tier.CREDENTIALS, f"It changes {shown}, which holds credentials or security settings."
    place = run_places.write_place(path, moving_out=moving_out)
    if place is not None:
        return place
    if is_system_path(path):
        return Tier.DESTRUCTIVE, f"It changes {shown}, a system location."
    if is_dotfile_path(path):
        return Tier.DESTRUCTIVE, f"It changes {shown}, a hidden settings file that programs run or trust."
    if path.exists() and path.is_file() and not overwrite_ok:
        return Tier.DESTRUCTIVE, f"It overwrites the existing file {shown}."
    return Tier.REVERSIBLE, "" if moving_out else f"It writes {shown}."
