"""The ``hearth`` command: every capability, headless, through the same core as the desktop app.

Each sub-command lives in its own module under ``app/cli/`` and exposes
``register(subparsers)``; the module list below is the whole command surface.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from app import __version__
from app.events import HearthError
from app.paths import get_paths
from app.private import secure_home

COMMAND_MODULES = (
    "app.cli.ask",  # ask, chat
    "app.cli.models_cmd",  # models list|import|use|pull|remove
    "app.cli.doctor",  # doctor
    "app.cli.memory_cmd",  # memory ingest|search|forget|stats
    "app.cli.audit_cmd",  # audit, audit undo
    "app.cli.mail_cmd",  # mail status|set-password|forget-password (keychain only)
    "app.cli.voice_cmd",  # voice
    "app.cli.gui",  # gui (also what a bare `hearth` runs)
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth",
        description="Hearth: a local, private personal AI agent. With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"hearth {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.set_defaults(handler=None)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a command not built yet
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    code = _run(argv)
    service = sys.modules.get("app.runtime.service")  # only commands that used a model import it
    if service is not None:
        service.exit_if_working(code)  # a model still loading in the background: leave now, cleanly
    return code


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    if handler is None:  # a bare `hearth` opens the desktop app, like double-clicking it
        try:
            args = parser.parse_args(["gui"])
        except SystemExit:  # the desktop app is not part of this build
            parser.print_help()
            return 0
        handler = args.handler
    try:
        secure_home(get_paths())  # an older install's folders and files become the user's alone
        code = int(handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except HearthError as exc:
        print(f"hearth: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hearth: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`hearth memory stats | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not fail too
        return 141
