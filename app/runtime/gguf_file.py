"""Reading a GGUF file: validate it, parse its metadata, and load its tensors into MLX.

Q4_0, Q4_1 and Q8_0 tensors stay quantized: ``mx.load`` turns them into MLX affine triplets
(packed weight, scales, biases; group size 32). Every other quantized type is dequantized with the
``gguf`` package and re-quantized with MLX at a comparable bit width, so the imported model stays
small. Plain float tensors (F32, F16, BF16) stay floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.runtime.gguf_errors import NotAGGUFError, TruncatedGGUFError, UnsupportedArchitectureError

GGUF_MAGIC = b"GGUF"
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
        _check_header(self.path)
        try:
            from gguf import GGUFReader

            self._reader = GGUFReader(str(self.path))
        except Exception as exc:  # the reader fails in many ways on a cut-off file
            raise TruncatedGGUFError(
                f"{self.path.name} is an incomplete or corrupt GGUF file ({_short(exc)}); download it again."
            ) from exc
        self.metadata: dict[str, Any] = {}
        for key, field in self._reader.fields.items():
            if key.startswith("GGUF."):
                continue
            try:
                self.metadata[key] = _field_value(field)
            except Exception as exc:
                raise TruncatedGGUFError(
                    f"{self.path.name} has unreadable metadata {key!r} ({_short(exc)})."
                ) from exc
        self.tensor_types: dict[str, str] = {t.name: t.tensor_type.name for t in self._reader.tensors}
        if int(self.metadata.get("split.count", 1) or 1) > 1:
            raise UnsupportedArchitectureError(
                f"{self.path.name} is one part of a split GGUF model; merge the parts first "
                "(llama.cpp's `llama-gguf-split --merge`) and import the merged file."
            )
        self._check_complete()

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    def arch_value(self, key: str, default: Any = None) -> Any:
        """An architecture-scoped metadata value, e.g. ``arch_value("block_count")``."""
        return self.metadata.get(f"{self.architecture}.{key}", default)

    def _check_complete(self) -> None:
        size = self.path.stat().st_size
        for t in self._reader.tensors:
            end = int(t.data_offset) + int(t.n_bytes)
            if end > size:
                raise TruncatedGGUFError(
                    f"{self.path.name} is incomplete: tensor {t.name} ends at byte {end} but the file "
                    f"has {size} bytes; download it again."
                )

    def load_tensors(self) -> dict[str, Tensor]:
        """Every tensor, keyed by its GGUF name, in MLX layout."""
        import mlx.core as mx

        try:
            loaded = mx.load(str(self.path))
        except Exception as exc:
            raise TruncatedGGUFError(f"{self.path.name} could not be read: {_short(exc)}") from exc
        assert isinstance(loaded, dict)
        by_name = {t.name: t for t in self._reader.tensors}
        out: dict[str, Tensor] = {}
        for name, kind in self.tensor_types.items():
            if kind in _NATIVE and f"{_stem(name)}.scales" in loaded:
                stem = _stem(name)
                weight, scales = loaded[name], loaded[f"{stem}.scales"]
                biases = loaded.get(f"{stem}.biases")
                if biases is None:  # symmetric types may come without biases
                    biases = mx.zeros_like(scales)
                in_dims = scales.shape[-1] * GROUP_SIZE
                bits = weight.shape[-1] * 32 // in_dims
                out[name] = Tensor(weight, scales, biases, bits, GROUP_SIZE, kind)
            elif kind in _FLOAT:
                out[name] = Tensor(self._float_tensor(by_name[name]), source_type=kind)
            else:
                out[name] = self._requantized(by_name[name], kind)
        return out

    def _float_tensor(self, t: Any) -> Any:
        import mlx.core as mx

        data = np.asarray(t.data)
        kind = t.tensor_type.name
        if kind == "BF16":
            from gguf.quants import dequantize

            return mx.array(dequantize(data, t.tensor_type)).astype(mx.bfloat16)
        if kind == "F64":
            data = data.astype(np.float32)
        return mx.array(np.ascontiguousarray(data))

    def _requantized(self, t: Any, kind: str) -> Tensor:
        import mlx.core as mx
        from gguf.quants import dequantize

        try:
            values = dequantize(np.asarray(t.data), t.tensor_type)
        except NotImplementedError as exc:
            raise UnsupportedArchitectureError(
                f"Tensor {t.name} uses the {kind} format, which cannot be converted yet."
            ) from exc
        array = mx.array(values.astype(np.float32))
        if array.ndim != 2 or array.shape[-1] % GROUP_SIZE:
            return Tensor(array.astype(mx.float16), source_type=kind)
        bits = _REQUANT_BITS.get(kind, _DEFAULT_REQUANT_BITS)
        weight, scales, biases = mx.quantize(array, group_size=GROUP_SIZE, bits=bits)
        return Tensor(weight, scales.astype(mx.float16), biases.astype(mx.float16), bits, GROUP_SIZE, kind)


def _check_header(path: Path) -> None:
    if not path.is_file():
        raise NotAGGUFError(f"{path} does not exist or is not a file.")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head[:4] != GGUF_MAGIC:
        raise NotAGGUFError(f"{path.name} is not a GGUF model file (it does not start with 'GGUF').")
    if len(head) < 8:
        raise TruncatedGGUFError(f"{path.name} is an incomplete GGUF file; download it again.")
    version = int.from_bytes(head[4:8], "little")
    if version not in (2, 3) and int.from_bytes(head[4:8], "big") not in (2, 3):
        raise NotAGGUFError(f"{path.name} has an unsupported GGUF version {version}.")


def _field_value(field: Any) -> Any:
    from gguf import GGUFValueType

    value = field.contents()
    main = field.types[0] if field.types else None
    if main == GGUFValueType.ARRAY and field.types[-1] != GGUFValueType.STRING:
        return list(value)
    return value


def _stem(name: str) -> str:
    return name[: -len(".weight")] if name.endswith(".weight") else name


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
