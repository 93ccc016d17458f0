"""Hearth's core: configuration, secrets, model runtime, agent, tools, approval policy and audit.

This package never imports Qt; the desktop shell in ``ui/`` consumes its events.
"""

__version__ = "0.1.0"

# On Linux, MLX must find the system OpenBLAS before it is first imported (see app/runtime/blas.py).
from app.runtime.blas import preload_openblas as _preload_openblas  # noqa: E402

_preload_openblas()
