"""``python -m app`` runs the ``hearth`` command."""

from app.cli import main

raise SystemExit(main())
