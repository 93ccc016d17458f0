"""Errors the voice pipeline shows to people (one clear line each)."""

from __future__ import annotations

from app.events import HearthError


class VoiceError(HearthError):
    """Base for voice errors."""


class NoAudioDeviceError(VoiceError):
    """There is no usable microphone or speaker."""


class AudioFileError(VoiceError):
    """An audio file is missing, empty or cannot be decoded."""


class VoiceModelError(VoiceError):
    """A speech model (Whisper or Piper) is missing or cannot be loaded."""
