"""``hearth gui``: open the desktop app (what a bare ``hearth`` runs)."""

from __future__ import annotations

import argparse

from app.events import HearthError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop app (the default with no command)")
    parser.add_argument("--menu-bar-only", action="store_true", default=None,
                        help="live in the menu bar only (no main window or Dock icon)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        from ui.app import main
    except ImportError as exc:  # PySide6 missing or its system libraries absent
        raise HearthError(f"the desktop app cannot start: {exc}; `hearth --help` lists the headless commands") from exc
    return main(menu_bar_only=args.menu_bar_only)
