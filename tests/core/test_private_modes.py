"""Everything Hearth keeps is the user's alone: in a fresh home every folder is 0700 and every file
0600 (Chroma's and SQLite's files included), and an older install's 0755 folders and 0644 files
are tightened when Hearth starts, without following links out of the home."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.audit import AuditLog
from app.conversations import ConversationStore
from app.paths import get_paths


def _open_to_others(home: Path) -> list[str]:
    """Every folder or file under ``home`` (and ``home`` itself) that group or others may use."""
    found = []
    for path in [home, *home.rglob("*")]:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or stat.S_ISSOCK(info.st_mode) and not stat.S_IMODE(info.st_mode) & 0o077:
            continue
        if stat.S_IMODE(info.st_mode) & 0o077:
            found.append(f"{oct(stat.S_IMODE(info.st_mode))} {path.relative_to(home)}")
    return found


@pytest.fixture
def onnx_settings(hearth_home: Path) -> None:
    config = hearth_home / "config"
    config.mkdir(parents=True, mode=0o700)
    os.chmod(hearth_home, 0o700)
    (config / "settings.toml").write_text('[memory]\nembedding = "onnx"\n', encoding="utf-8")
    os.chmod(config / "settings.toml", 0o600)


def test_a_fresh_home_is_private(hearth_home: Path, tmp_path: Path, onnx_settings: None) -> None:
    from app.cli import main

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "door.txt").write_text("The blue door code is 4411.", encoding="utf-8")
    old = os.umask(0o022)  # the usual default: what Hearth makes must not depend on it
    try:
        assert main(["memory", "ingest", str(notes)]) == 0
        store = ConversationStore()
        store.append("c-1", {"role": "user", "content": "hello"})
        store.close()
        AuditLog().append("proposal", tool="write_file")
    finally:
        os.umask(old)
    assert (hearth_home / "data" / "memory" / "chroma").is_dir()
    assert (hearth_home / "data" / "conversations").is_dir() and (hearth_home / "audit").is_dir()
    assert _open_to_others(hearth_home) == []


def test_an_older_open_install_is_tightened_on_start(hearth_home: Path, tmp_path: Path) -> None:
    paths = get_paths()
    outside = tmp_path / "shared.txt"
    outside.write_text("not Hearth's", encoding="utf-8")
    os.chmod(outside, 0o644)
    for folder in (paths.conversations_dir, paths.memory_dir / "chroma" / "seg", paths.audit_dir, paths.logs_dir):
        folder.mkdir(parents=True, exist_ok=True)
    for file in (paths.conversations_dir / "conversations.sqlite3", paths.memory_dir / "chroma" / "seg" / "header.bin",
                 paths.audit_log, paths.logs_dir / "hearth.log"):
        file.write_text("personal", encoding="utf-8")
        os.chmod(file, 0o644)
    script = paths.data_dir / "helper.sh"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    os.chmod(script, 0o755)
    (paths.data_dir / "link").symlink_to(outside)
    for path in [hearth_home, *hearth_home.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o755)
    assert len(_open_to_others(hearth_home)) > 10

    from app.cli import main

    assert main(["audit"]) == 0  # any command: Hearth starting tightens what it keeps

    assert _open_to_others(hearth_home) == []
    assert stat.S_IMODE(script.stat().st_mode) == 0o700  # a program stays runnable by its owner
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644  # a link out of the home is not followed


def test_the_app_s_start_makes_and_tightens_every_folder(hearth_home: Path) -> None:
    hearth_home.mkdir(mode=0o755)
    os.chmod(hearth_home, 0o755)
    paths = get_paths().ensure()
    assert paths.memory_dir.is_dir() and paths.cache_dir.is_dir()
    assert _open_to_others(hearth_home) == []
