"""Entry point of the frozen bundle: the ``hearth`` command (a bare launch opens the desktop app)."""

from app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
