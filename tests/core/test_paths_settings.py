"""Paths honour HEARTH_HOME; settings round-trip, reject wrong types, and never crash the app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.config import Settings, SettingsError, load_settings, read_settings, save_settings
from app.paths import get_paths


def test_hearth_home_relocates_everything(hearth_home: Path):
    paths = get_paths().ensure()
    for folder in (paths.config_dir, paths.data_dir, paths.models_dir, paths.memory_dir,
                   paths.conversations_dir, paths.audit_dir, paths.logs_dir, paths.cache_dir):
        assert hearth_home in folder.parents and folder.is_dir()
    assert oct(paths.config_dir.stat().st_mode & 0o777) == "0o700"


def test_default_paths_are_the_platforms_own(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("HEARTH_HOME")
    paths = get_paths()
    assert "Hearth" in str(paths.config_dir) and "Hearth" in str(paths.data_dir)
    assert paths.models_dir.parent == paths.data_dir


def test_settings_round_trip_atomically():
    settings = Settings()
    settings.model.temperature = 0.7
    settings.agent.allow_rules = [{"tool": "files.write", "pattern": "~/notes/*.md"}]
    path = save_settings(settings)
    assert read_settings(path) == settings
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".settings-")]


def test_wrong_types_and_broken_files_are_clear_errors_and_fall_back(capsys: pytest.CaptureFixture[str]):
    paths = get_paths().ensure()
    paths.config_file.write_text('[model]\nmax_tokens = "lots"\n')
    with pytest.raises(SettingsError, match=r"\[model\] max_tokens must be int"):
        read_settings(paths.config_file)
    assert load_settings(paths) == Settings()
    assert "settings ignored" in capsys.readouterr().err
    paths.config_file.write_text("[model\nname=")
    with pytest.raises(SettingsError):
        read_settings(paths.config_file)
    # the user's broken file is left for them to fix, not overwritten
    assert paths.config_file.read_text() == "[model\nname="


def test_unknown_keys_are_ignored_and_ints_widen_to_floats():
    paths = get_paths().ensure()
    paths.config_file.write_text("[model]\ntemperature = 1\nfuture_option = true\n[nonsense]\nx = 1\n")
    settings = read_settings(paths.config_file)
    assert settings.model.temperature == 1.0 and isinstance(settings.model.temperature, float)


def test_no_secret_fields_in_settings():
    text = repr(Settings()).lower()
    assert "password" not in text and "token=" not in text
    assert os.environ.get("HEARTH_HOME")
