"""``hearth mail``: the SMTP password goes to the keychain only, never into settings or output."""

from __future__ import annotations

import argparse
import io

import keyring
import pytest

from app import secrets
from app.cli import mail_cmd
from app.config import load_settings, save_settings
from app.events import HearthError

from .test_tools import MemoryKeyring


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    mail_cmd.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return int(args.handler(args))


def test_set_status_and_forget_the_password(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        with pytest.raises(HearthError, match="username"):
            _run(["mail", "set-password", "--stdin"])
        settings = load_settings()
        settings.mail.username = "me@example.com"
        settings.mail.smtp_host = "smtp.example.com"
        save_settings(settings)
        monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pw\n"))
        assert _run(["mail", "set-password", "--stdin"]) == 0
        assert secrets.get_secret(secrets.smtp_secret_name("me@example.com")) == "s3cret-pw"
        assert _run(["mail", "status"]) == 0
        out = capsys.readouterr().out
        assert "stored in the keychain" in out and "s3cret-pw" not in out
        from app.paths import get_paths

        assert "s3cret-pw" not in get_paths().config_file.read_text()
        assert _run(["mail", "forget-password"]) == 0
        assert secrets.get_secret(secrets.smtp_secret_name("me@example.com")) is None
    finally:
        keyring.set_keyring(previous)
