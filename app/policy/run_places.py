"""Places where a written file runs later or leaves the machine: login items and start-up files,
folders on ``PATH``, synced folders, and editor or git settings that run tasks.

A write into any of them is never "reversible": it asks every time and cannot be allow-listed.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.policy import places
from app.policy.tiers import Tier

# Relative to the home folder: code here runs at log-in or when a shell starts.
PERSISTENCE = (
    "Library/LaunchAgents", "Library/LaunchDaemons", "Library/StartupItems", "Library/Preferences/com.apple.loginitems.plist",
    "Library/Application Support/com.apple.backgroundtaskmanagementagent",
    ".config/autostart", ".config/systemd/user", ".local/share/systemd/user", ".config/environment.d",
    ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zshenv", ".zprofile",
    ".zlogin", ".zlogout", ".config/fish", ".kshrc", ".cshrc", ".tcshrc", ".xprofile", ".xinitrc", ".xsession",
    ".xsessionrc", ".pam_environment", ".inputrc", ".ssh/rc", ".config/plasma-workspace/env",
)
PERSISTENCE_SYSTEM = (
    "/Library/LaunchAgents", "/Library/LaunchDaemons", "/Library/StartupItems", "/etc/cron.d", "/etc/cron.daily",
    "/etc/cron.hourly", "/etc/crontab", "/var/spool/cron", "/var/at/tabs", "/usr/lib/cron/tabs",
    "/etc/systemd/system", "/etc/xdg/autostart", "/etc/profile", "/etc/profile.d", "/etc/bash.bashrc",
    "/etc/zshrc", "/etc/zprofile", "/etc/rc.local",
)
USER_BIN = ("bin", ".local/bin")
_SYSTEM_BIN = ("/bin", "/sbin", "/usr/", "/opt/", "/System/", "/Library/")
SYNCED = (
    "Dropbox", "Library/CloudStorage", "Library/Mobile Documents", "iCloud Drive", "OneDrive", "Google Drive",
    "GoogleDrive", "My Drive", "Nextcloud", "ownCloud", "pCloud Drive", "Box", "Box Sync", "MEGA",
)
SYNCED_PREFIXES = ("onedrive - ", "dropbox (")  # "OneDrive - Company", "Dropbox (Team)"
# Inside any folder: editor and repository settings that run commands.
TASK_FILES = ((".vscode", "tasks.json"), (".vscode", "settings.json"), (".vscode", "launch.json"),
              (".git", "config"))
TASK_FOLDERS = (".idea", ".git/hooks", ".husky", ".githooks")
TASK_NAMES = (".envrc",)


def _home() -> Path:
    return Path(os.path.expanduser("~"))


def path_folders(*, system: bool = True) -> list[Path]:
    """The absolute folders on ``$PATH`` now, plus ``~/bin`` and ``~/.local/bin``; without ``system``,
    only those outside the system folders (``/usr/bin`` and the like)."""
    out = [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p and os.path.isabs(p)]
    if not system:
        out = [p for p in out if not str(p).startswith(_SYSTEM_BIN)]
    out.extend(_home() / b for b in USER_BIN)
    return out


def _synced(forms: list[Path], fold: bool) -> bool:
    home = _home()
    if places.first_within(forms[0], [home / s for s in SYNCED], fold=fold) is not None:
        return True
    for form in forms:
        for hf in places.candidates(home):
            if places.is_within(form, hf, fold=fold) and form != hf:
                top = form.parts[len(hf.parts)].casefold()
                if top.startswith(SYNCED_PREFIXES):
                    return True
    return False


def _task_setting(forms: list[Path], fold: bool) -> str:
    for form in forms:
        parts = [p.casefold() for p in form.parts] if fold else list(form.parts)
        for folder, name in TASK_FILES:
            if parts[-2:] == [folder, name]:
                return f"{folder}/{name}"
        for folder in TASK_FOLDERS:
            seq = folder.split("/")
            if any(parts[i : i + len(seq)] == seq for i in range(len(parts))):
                return folder
        if parts and parts[-1] in TASK_NAMES:
            return parts[-1]
    return ""


def write_place(path: Path, *, system_bin: bool = True, moving_out: bool = False) -> tuple[Tier, str] | None:
    """The tier and reason for writing ``path`` when it is a place whose files run later or sync away.

    ``system_bin=False`` leaves out the folders on PATH that belong to the system (for a path a
    command merely names: ``/usr/bin/python3`` is a program to run, not a place it writes).
    ``moving_out``: ``path`` is a move's source, taken out of that place (same tier, its own words).
    """
    forms = places.candidates(path)
    fold = places.case_insensitive_disk(forms[-1])
    shown = str(path).replace(str(_home()), "~", 1)
    home = _home()
    persist = [home / p for p in PERSISTENCE] + [Path(p) for p in PERSISTENCE_SYSTEM]
    if places.first_within(path, persist, fold=fold) is not None or (
        len(forms[-1].parts) > 1 and forms[-1].parent.name.casefold() in ("crontabs", "cron.d")
    ):
        return Tier.CREDENTIALS, f"It changes {shown}, which runs programs at log-in or when a shell starts."
    bin_dir = places.first_within(path, path_folders(system=system_bin), fold=fold)
    if bin_dir is not None:
        if moving_out:
            return Tier.CREDENTIALS, (f"It takes {shown} out of {bin_dir}, a folder on PATH: what runs for its "
                                      "name changes.")
        return Tier.CREDENTIALS, (f"It writes into {bin_dir}, a folder on PATH: a program there can stand in for "
                                  "commands you run.")
    task = _task_setting(forms, fold)
    if task:
        return Tier.CREDENTIALS, f"It changes {shown}: {task} makes editors or git run commands."
    if _synced(forms, fold):
        if moving_out:
            return Tier.EXTERNAL, f"It takes {shown} out of a synced folder, which removes it from the cloud copy too."
        return Tier.EXTERNAL, f"It writes {shown} into a synced folder, which uploads it to a cloud service."
    return None
