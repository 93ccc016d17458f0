"""Reading a GGUF file: validate it, parse its metadata, and load its tensors into MLX.

Q4_0, Q4_1 and Q8_0 tensors stay quantized: their blocks are repacked, losslessly, as MLX affine
triplets (packed weight, scales, biases; group size 32), bit for bit what ``mx.load`` makes of
them, but without ``mx.load``'s failure on files that also hold types it cannot read (Q5_K, Q3_K,
IQ*) and without loading the whole file at once. Every other quantized type is dequantized with
the ``gguf`` package and quantized again with MLX at a comparable bit width, so the imported model
stays small. Plain float tensors (F32, F16, BF16) stay floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.runtime.gguf_errors import NotAGGUFError, UnsupportedArchitectureError
from app.runtime.gguf_header import GGUFHeader

GROUP_SIZE = 32

# Quantized types MLX loads natively as affine triplets with group size 32.
_NATIVE = {"Q4_0", "Q4_1", "Q8_0"}
_FLOAT = {"F32", "F16", "BF16", "F64"}
# Bits used when re-quantizing a type MLX cannot keep as it is.
_REQUANT_BITS = {
    "Q2_K": 4,
    "Q3_K": 4,
    "Q4_K": 4,
    "IQ4_NL": 4,
    "IQ4_XS": 4,
    "Q5_0": 5,
    "Q5_1": 5,
    "Q5_K": 5,
    "Q6_K": 6,
}
_DEFAULT_REQUANT_BITS = 4  # the IQ1/IQ2/IQ3 and ternary types carry less than 4 bits anyway


@dataclass
class Tensor:
    """One tensor in MLX layout (rows = output features). ``bits`` is None for plain floats."""

    weight: Any  # mx.array
    scales: Any = None
    biases: Any = None
    bits: int | None = None
    group_size: int = GROUP_SIZE
    source_type: str = ""

    @property
    def quantized(self) -> bool:
        return self.bits is not None


class GGUFFile:
    """A parsed GGUF file: its metadata as plain Python values and its tensors' names and types."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise NotAGGUFError(f"{self.path} does not exist or is not a file.")
        self._header = GGUFHeader(self.path)
        self.metadata: dict[str, Any] = {
            k: v for k, v in self._header.metadata.items() if not k.startswith("GGUF.")
        }
        self.tensor_types: dict[str, str] = {t.name: t.qtype.name for t in self._header.tensors}
        if int(self.metadata.get("split.count", 1) or 1) > 1:
            raise UnsupportedArchitectureError(
                f"{self.path.name} is one part of a split GGUF model; merge the parts first "
                "(llama.cpp's `llama-gguf-split --merge`) and import the merged file."
            )

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    def arch_value(self, key: str, default: Any = None) -> Any:
        """An architecture-scoped metadata value, e.g. ``arch_value("block_count")``."""
        return self.metadata.get(f"{self.architecture}.{key}", default)

    def load_tensors(self) -> dict[str, Tensor]:
        """Every tensor, keyed by its GGUF name, in MLX layout."""
        out: dict[str, Tensor] = {}
        for t in self._header.tensors:
            kind = t.qtype.name
            data = self._header.data(t)
            if kind in _NATIVE and data.ndim == 2:
                out[t.name] = _native_affine(data, kind)
            elif kind in _FLOAT:
                out[t.name] = Tensor(_float_tensor(data, t.qtype), source_type=kind)
            else:
                out[t.name] = _requantized(t.name, data, t.qtype)
        return out


def _float_tensor(data: np.ndarray, qtype: Any) -> Any:
    import mlx.core as mx

    if qtype.name == "BF16":
        from gguf.quants import dequantize

        return mx.array(dequantize(data, qtype)).astype(mx.bfloat16)
    if qtype.name == "F64":
        data = data.astype(np.float32)
    return mx.array(np.ascontiguousarray(data))


def _requantized(name: str, data: np.ndarray, qtype: Any) -> Tensor:
    """Dequantize a type MLX cannot hold as it is, and quantize it again with MLX."""
    import mlx.core as mx
    from gguf.quants import dequantize

    kind = qtype.name
    try:
        values = dequantize(data, qtype)
    except NotImplementedError as exc:
        raise UnsupportedArchitectureError(
            f"Tensor {name} uses the {kind} format, which cannot be converted yet."
        ) from exc
    array = mx.array(values.astype(np.float32))
    if array.ndim != 2 or array.shape[-1] % GROUP_SIZE:
        return Tensor(array.astype(mx.float16), source_type=kind)
    bits = _REQUANT_BITS.get(kind, _DEFAULT_REQUANT_BITS)
    weight, scales, biases = mx.quantize(array, group_size=GROUP_SIZE, bits=bits)
    return Tensor(weight, scales.astype(mx.float16), biases.astype(mx.float16), bits, GROUP_SIZE, kind)


def _native_affine(blocks: np.ndarray, kind: str) -> Tensor:
    """Repack Q4_0 / Q4_1 / Q8_0 blocks (rows x bytes) as MLX affine triplets, losslessly.

    ggml stores per block of 32 a float16 scale ``d`` (and for Q4_1 a minimum ``m``) then the
    quants: 4-bit blocks keep elements 0-15 in the low nibbles and 16-31 in the high ones; Q8_0
    keeps signed bytes. MLX wants ``w = scale * q + bias`` with unsigned q packed little-end first.
    """
    import mlx.core as mx

    rows = blocks.shape[0]
    block_bytes = {"Q4_0": 18, "Q4_1": 20, "Q8_0": 34}[kind]
    b = blocks.reshape(rows, -1, block_bytes)
    d = b[..., 0:2].copy().view(np.float16)[..., 0].astype(np.float32)
    if kind == "Q8_0":
        bits = 8
        q = (b[..., 2:].view(np.int8).astype(np.int16) + 128).astype(np.uint8)
        bias = -128.0 * d
    else:
        bits = 4
        qs = b[..., 4:] if kind == "Q4_1" else b[..., 2:]
        nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # element order 0..31
        q = (nibbles[..., 0::2] | (nibbles[..., 1::2] << 4)).astype(np.uint8)  # two per byte
        bias = b[..., 2:4].copy().view(np.float16)[..., 0].astype(np.float32) if kind == "Q4_1" else -8.0 * d
    # Little-endian bytes read as uint32 put element 0 in the lowest bits, as MLX packs them.
    packed = np.ascontiguousarray(q.reshape(rows, -1)).view("<u4")
    return Tensor(
        mx.array(packed),
        mx.array(d.astype(np.float16)),
        mx.array(bias.astype(np.float16)),
        bits,
        GROUP_SIZE,
        kind,
    )
