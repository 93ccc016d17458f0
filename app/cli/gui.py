"""``hearth gui``: open the desktop app (what a bare ``hearth`` runs)."""

from __future__ import annotations

import argparse

from app.events import HearthError
from app.wording import TRAY


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop app (the default with no command)")
    parser.add_argument("--menu-bar-only", action="store_true", default=None,
                        help=f"live in the {TRAY} only (no main window at start)")
    # Internal: the packaged app starts its core host process through its own binary.
    parser.add_argument("--core-host", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "core_host", False):
        from ui.core_host import main as host_main

        return host_main()
    try:
        from ui.app import main
    except ImportError as exc:  # PySide6 missing or its system libraries absent
        raise HearthError(f"the desktop app cannot start: {exc}; `hearth --help` lists the headless commands") from exc
    return main(menu_bar_only=args.menu_bar_only)
