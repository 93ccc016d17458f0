"""Hearth's core: configuration, secrets, model runtime, agent, tools, approval policy and audit.

This package never imports Qt; the desktop shell in ``ui/`` consumes its events.
"""

__version__ = "0.1.0"
