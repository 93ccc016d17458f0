"""Linux CPU speed: load the system OpenBLAS before MLX so MLX's BLAS calls resolve to it.

The Linux ``mlx-cpu`` wheel links a reference BLAS (about 8 GFLOP/s on our machines against about
220 for OpenBLAS). Loading OpenBLAS with ``RTLD_GLOBAL`` before ``import mlx.core`` interposes its
symbols (after Hearth's GEMV forwarder, :mod:`app.runtime.gemv_shim`, when it is built).
This must run before anything imports MLX; :func:`app.runtime.loader.import_mlx` and the
``app`` package itself call it. Set ``HEARTH_BLAS=reference`` to skip it (benchmarks compare both).
"""

from __future__ import annotations

import ctypes
import glob
import os
import platform
import sys

from app.runtime.gemv_shim import install as install_gemv_shim

BLAS_ENV = "HEARTH_BLAS"

_CANDIDATES = (
    "/usr/lib/{arch}-linux-gnu/openblas-pthread/libopenblas.so.0",
    "/usr/lib/{arch}-linux-gnu/libopenblas.so.0",
    "/usr/lib/{arch}-linux-gnu/openblas-openmp/libopenblas.so.0",
    "/usr/lib64/libopenblas.so.0",
    "/usr/lib/libopenblas.so.0",
)

_state: dict[str, str | None] = {"blas": None, "reason": None, "gemv": "OpenBLAS not loaded"}


def find_openblas() -> str | None:
    """Path of the system OpenBLAS shared library, or None."""
    arch = platform.machine()
    for pattern in _CANDIDATES:
        path = pattern.format(arch=arch)
        if os.path.exists(path):
            return path
    matches = sorted(glob.glob("/usr/lib/*/libopenblas*.so*"))
    return matches[0] if matches else None


def preload_openblas() -> str | None:
    """Load OpenBLAS globally on Linux, once, before MLX. Returns the path used, or None."""
    if _state["blas"] is not None or _state["reason"] is not None:
        return _state["blas"]
    if not sys.platform.startswith("linux"):
        _state["reason"] = "not Linux: MLX uses Accelerate/Metal"
        return None
    if os.environ.get(BLAS_ENV, "").lower() == "reference":
        _state["reason"] = f"{BLAS_ENV}=reference"
        return None
    if "mlx.core" in sys.modules:
        _state["reason"] = "MLX was imported before the preload"
        return None
    path = find_openblas()
    if path is None:
        _state["reason"] = "OpenBLAS not found (apt install libopenblas0-pthread)"
        return None
    try:
        openblas = ctypes.CDLL(path, mode=os.RTLD_LOCAL)
    except OSError as exc:
        _state["reason"] = f"could not load {path}: {exc}"
        return None
    # The GEMV forwarder must come first in the global scope so that MLX's cblas_sgemm is its;
    # making OpenBLAS global afterwards puts it behind (glibc promotes the loaded library).
    _state["gemv"] = install_gemv_shim(openblas)
    ctypes.CDLL(path, mode=os.RTLD_GLOBAL)
    _state["blas"] = path
    return path


def blas_status() -> tuple[str | None, str | None]:
    """(path of the preloaded OpenBLAS or None, why not) — for ``hearth doctor``."""
    return _state["blas"], _state["reason"]


def gemv_status() -> str | None:
    """None when one-row matmuls go to GEMV (:mod:`app.runtime.gemv_shim`), else why not."""
    return _state["gemv"]
