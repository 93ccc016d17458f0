"""Errors raised while importing a GGUF file: each one a clear sentence for a person."""

from __future__ import annotations

from app.events import HearthError


class GGUFImportError(HearthError):
    """Importing a GGUF model failed; nothing was left behind in the models folder."""


class NotAGGUFError(GGUFImportError):
    """The file is not a GGUF file at all."""


class TruncatedGGUFError(GGUFImportError):
    """The file starts like a GGUF file but is incomplete or corrupt."""


class UnsupportedArchitectureError(GGUFImportError):
    """The model's architecture (or one of its features) cannot be converted."""


class ModelExistsError(GGUFImportError):
    """A model with the requested name is already installed."""
