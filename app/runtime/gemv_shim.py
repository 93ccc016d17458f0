"""Faster token-by-token decoding on the Linux CPU: send MLX's one-row matmuls to GEMV.

MLX's CPU matmul always calls ``cblas_sgemm``; for one row (decoding a token) OpenBLAS 0.3.21
packs the whole weight matrix as for a real GEMM, about twice the work of a GEMV. The small C
library in ``native/sgemm_gemv.c`` exports a ``cblas_sgemm`` that forwards one-row products to
OpenBLAS's ``cblas_sgemv`` and everything else to OpenBLAS's ``cblas_sgemm``. It is loaded
globally just before OpenBLAS (see :mod:`app.runtime.blas`), so MLX resolves to it.

``packaging/setup.sh`` builds it with :func:`main` (needs a C compiler; see ``BUILD_COMMAND``).
``HEARTH_BLAS_GEMV=off`` skips it (benchmarks compare both).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

GEMV_ENV = "HEARTH_BLAS_GEMV"
SOURCE = Path(__file__).resolve().parent / "native" / "sgemm_gemv.c"
LIBRARY = SOURCE.with_name("libhearth_sgemm_gemv.so")
CFLAGS = ("-O2", "-shared", "-fPIC", "-nostdlib", "-fno-tree-loop-distribute-patterns")

BUILD_COMMAND = "python -c 'import app.runtime.gemv_shim as g; g.main()'"

_state: dict[str, object] = {"lib": None}


def build(compiler: str | None = None) -> Path:
    """Compile the forwarder next to its source (atomically); returns the library's path."""
    cc = compiler or os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise RuntimeError("no C compiler (apt install gcc)")
    fd, tmp = tempfile.mkstemp(suffix=".so", dir=LIBRARY.parent)
    os.close(fd)
    try:
        subprocess.run([cc, *CFLAGS, "-o", tmp, str(SOURCE)], check=True, capture_output=True, text=True)
        os.chmod(tmp, 0o755)
        os.replace(tmp, LIBRARY)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"compiling {SOURCE.name} failed: {exc.stderr.strip()}") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return LIBRARY


def install(openblas: ctypes.CDLL) -> str | None:
    """Load the forwarder globally and point it at ``openblas``; returns why not, or None.

    Must run after OpenBLAS was opened (locally) and before it is made global and MLX imported.
    """
    if os.environ.get(GEMV_ENV, "").lower() in {"off", "0", "no"}:
        return f"{GEMV_ENV}=off"
    if not LIBRARY.exists():
        return f"not built (run packaging/setup.sh, or {BUILD_COMMAND})"
    try:
        sgemm = ctypes.cast(openblas.cblas_sgemm, ctypes.c_void_p)
        sgemv = ctypes.cast(openblas.cblas_sgemv, ctypes.c_void_p)
        lib = ctypes.CDLL(str(LIBRARY), mode=os.RTLD_GLOBAL)
        lib.hearth_gemv_init.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.hearth_gemv_init.restype = None
        lib.hearth_gemv_init(sgemm, sgemv)
        lib.hearth_gemv_forwarded.restype = ctypes.c_long
    except (OSError, AttributeError) as exc:
        return f"could not load {LIBRARY.name}: {exc}"
    _state["lib"] = lib
    return None


def forwarded_count() -> int | None:
    """How many one-row matmuls went to GEMV in this process (None when the forwarder is off)."""
    lib = _state["lib"]
    return int(lib.hearth_gemv_forwarded()) if isinstance(lib, ctypes.CDLL) else None


def active() -> bool:
    return _state["lib"] is not None


def main() -> None:
    """Build the forwarder; exit 1 with one line if it cannot be built."""
    try:
        print(f"hearth: built {build()}")
    except RuntimeError as exc:
        print(f"hearth: GEMV forwarder not built: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
