"""Load an mlx-lm model folder, choosing the fastest form for the device.

On a Mac, MLX runs quantized weights on the GPU. On Linux MLX runs on the CPU, where dequantized
float32 weights with OpenBLAS (see :mod:`app.runtime.blas`) are far faster than quantized kernels.
Must be called on the thread that will run the model.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.events import HearthError
from app.runtime.blas import preload_openblas

PRECISION_ENV = "HEARTH_CPU_PRECISION"  # "float32" (default on CPU) or "native" (keep quantized)


class ModelLoadError(HearthError):
    pass


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any  # mlx_lm TokenizerWrapper
    config: dict[str, Any]
    path: Path
    device: str
    precision: str

    @property
    def context_length(self) -> int:
        return int(self.config.get("max_position_embeddings") or 2048)


def import_mlx() -> Any:
    """Import ``mlx.core`` after the OpenBLAS preload."""
    preload_openblas()
    import mlx.core as mx

    return mx


def device_name() -> str:
    mx = import_mlx()
    device = mx.default_device()
    return "gpu" if device.type == mx.gpu else "cpu"


def load_model_dir(path: Path) -> LoadedModel:
    """Load model + tokenizer; on the CPU, dequantize to float32 unless told otherwise."""
    mx = import_mlx()
    utils = importlib.import_module("mlx_lm.utils")
    try:
        model, tokenizer, config = utils.load(str(path), return_config=True)
    except FileNotFoundError as exc:
        raise ModelLoadError(f"model folder {path} is incomplete: {exc}") from exc
    except (ValueError, KeyError, OSError) as exc:
        raise ModelLoadError(f"could not load the model in {path}: {exc}") from exc
    device = "gpu" if mx.default_device().type == mx.gpu else "cpu"
    precision = "quantized" if config.get("quantization") else "native"
    wants_f32 = os.environ.get(PRECISION_ENV, "float32") == "float32"
    if device == "cpu" and wants_f32 and sys.platform != "darwin":
        utils.dequantize_model(model)
        model.set_dtype(mx.float32)
        mx.eval(model.parameters())
        precision = "float32 (dequantized for the CPU)"
    return LoadedModel(model, tokenizer, config, Path(path), device, precision)
