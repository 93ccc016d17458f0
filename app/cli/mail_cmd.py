"""``hearth mail``: the SMTP password in the keychain (never in settings), and what is set up."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.events import HearthError


def register(subparsers: Any) -> None:
    mail = subparsers.add_parser("mail", help="mail sending set-up: the SMTP password lives in the keychain")
    sub = mail.add_subparsers(dest="mail_command", metavar="SUBCOMMAND")
    status = sub.add_parser("status", help="show the SMTP settings and whether a password is stored")
    status.set_defaults(handler=run_status)
    store = sub.add_parser("set-password", help="store the SMTP password for [mail] username in the keychain")
    store.add_argument("--stdin", action="store_true", help="read the password from stdin instead of asking")
    store.set_defaults(handler=run_set_password)
    forget = sub.add_parser("forget-password", help="remove the SMTP password from the keychain")
    forget.set_defaults(handler=run_forget_password)
    mail.set_defaults(handler=run_status)


def _username() -> str:
    from app.config import load_settings

    username = load_settings().mail.username
    if not username:
        raise HearthError("set [mail] username (and smtp_host) in the settings first")
    return username


def run_status(args: argparse.Namespace) -> int:
    from app import secrets
    from app.config import load_settings

    mail = load_settings().mail
    print(f"server:   {mail.smtp_host or '(not set)'}:{mail.smtp_port}")
    print(f"username: {mail.username or '(not set)'}")
    if mail.username:
        stored = secrets.get_secret(secrets.smtp_secret_name(mail.username)) is not None
        print(f"password: {'stored in the keychain' if stored else 'not stored'}")
    return 0


def run_set_password(args: argparse.Namespace) -> int:
    from app import secrets

    username = _username()
    if args.stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        try:
            password = getpass.getpass(f"SMTP password for {username}: ")
        except (EOFError, OSError) as exc:
            raise HearthError("no terminal to ask for the password; use --stdin") from exc
    secrets.set_secret(secrets.smtp_secret_name(username), password)
    print(f"Stored the SMTP password for {username} in the keychain.")
    return 0


def run_forget_password(args: argparse.Namespace) -> int:
    from app import secrets

    username = _username()
    removed = secrets.delete_secret(secrets.smtp_secret_name(username))
    print("Removed." if removed else "There was no stored password.")
    return 0
