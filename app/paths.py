"""Where Hearth keeps things on disk.

By default the platform's own places (``~/Library/Application Support/Hearth`` on macOS,
XDG folders on Linux). ``HEARTH_HOME`` relocates everything Hearth writes into one folder,
which is what tests and scripts use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Hearth"
HOME_ENV = "HEARTH_HOME"


@dataclass(frozen=True)
class Paths:
    """Every folder Hearth writes to."""

    config_dir: Path
    data_dir: Path
    models_dir: Path
    memory_dir: Path
    conversations_dir: Path
    audit_dir: Path
    logs_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def audit_log(self) -> Path:
        return self.audit_dir / "audit.jsonl"

    def ensure(self) -> Paths:
        """Create every folder and tighten an older install's (private to the user, see
        :mod:`app.private`); return self."""
        from app.private import private_dir, secure_home

        for folder in (
            self.config_dir,
            self.data_dir,
            self.models_dir,
            self.memory_dir,
            self.conversations_dir,
            self.audit_dir,
            self.logs_dir,
            self.cache_dir,
        ):
            private_dir(folder)
        secure_home(self)
        return self


def get_paths() -> Paths:
    """Resolve Hearth's folders, honouring ``HEARTH_HOME``."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        data = root / "data"
        return Paths(
            config_dir=root / "config",
            data_dir=data,
            models_dir=root / "models",
            memory_dir=data / "memory",
            conversations_dir=data / "conversations",
            audit_dir=root / "audit",
            logs_dir=root / "logs",
            cache_dir=root / "cache",
        )
    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return Paths(
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        data_dir=data,
        models_dir=data / "models",
        memory_dir=data / "memory",
        conversations_dir=data / "conversations",
        audit_dir=data / "audit",
        logs_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )
