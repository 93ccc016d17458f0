"""Secrets live only in the OS keychain (``keyring``). No backend means a clear error, never a file."""

from __future__ import annotations

import keyring
import keyring.errors

from app.events import HearthError

SERVICE = "Hearth"


class SecretsUnavailable(HearthError):
    """The keychain cannot be used (no backend, locked, or refused)."""


def _fail(exc: Exception) -> SecretsUnavailable:
    if isinstance(exc, keyring.errors.NoKeyringError):
        return SecretsUnavailable("no keychain is available on this system; Hearth will not store secrets elsewhere")
    return SecretsUnavailable(f"the keychain refused: {exc}")


def get_secret(name: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        raise _fail(exc) from exc


def set_secret(name: str, value: str) -> None:
    if not value:
        raise HearthError("an empty secret was not stored")
    try:
        keyring.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise _fail(exc) from exc


def delete_secret(name: str) -> bool:
    try:
        keyring.delete_password(SERVICE, name)
        return True
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise _fail(exc) from exc


def smtp_secret_name(username: str) -> str:
    return f"smtp:{username}"
