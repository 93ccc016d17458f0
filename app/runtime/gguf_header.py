"""A small, fast reader for a GGUF file's header: metadata and tensor directory.

``gguf.GGUFReader`` builds a numpy view per string, which takes seconds on a 49k-token vocabulary;
this walks the same layout (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md) with
``struct`` over a memory map and returns plain Python values. Tensor data stays in the map.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

from app.runtime.gguf_errors import NotAGGUFError, TruncatedGGUFError

_SCALARS = {  # GGUF value type -> struct format
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_NUMPY = {
    0: "<u1",
    1: "<i1",
    2: "<u2",
    3: "<i2",
    4: "<u4",
    5: "<i4",
    6: "<f4",
    7: "?",
    10: "<u8",
    11: "<i8",
    12: "<f8",
}
_STRING, _ARRAY = 8, 9
_PLAIN_DTYPES = {
    GGMLQuantizationType.F32: np.float32,
    GGMLQuantizationType.F16: np.float16,
    GGMLQuantizationType.F64: np.float64,
    GGMLQuantizationType.I8: np.int8,
    GGMLQuantizationType.I16: np.int16,
    GGMLQuantizationType.I32: np.int32,
    GGMLQuantizationType.I64: np.int64,
}


class _Short(Exception):
    """A read ran past the end of the file."""


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]  # numpy order: rows first
    qtype: GGMLQuantizationType
    offset: int  # absolute byte offset in the file
    n_bytes: int


class GGUFHeader:
    """Metadata and tensor directory of one GGUF file; :meth:`data` maps a tensor's bytes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with open(self.path, "rb") as fh:
            self.size = self.path.stat().st_size
            if self.size == 0:
                raise NotAGGUFError(f"{self.path.name} is empty, not a GGUF model file.")
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self._pos = 0
        try:
            self._parse()
        except (_Short, struct.error) as exc:
            raise TruncatedGGUFError(
                f"{self.path.name} is an incomplete GGUF file (it ends inside its header); download it again."
            ) from exc

    def _take(self, n: int) -> int:
        start = self._pos
        if start + n > self.size:
            raise _Short()
        self._pos = start + n
        return start

    def _scalar(self, fmt: str) -> Any:
        return struct.unpack_from(fmt, self._map, self._take(struct.calcsize(fmt)))[0]

    def _string(self) -> str:
        n = self._scalar("<Q")
        start = self._take(n)
        return bytes(self._map[start : start + n]).decode("utf-8", errors="replace")

    def _value(self, vtype: int) -> Any:
        if vtype in _SCALARS:
            return self._scalar(_SCALARS[vtype])
        if vtype == _STRING:
            return self._string()
        if vtype == _ARRAY:
            itype, count = self._scalar("<I"), self._scalar("<Q")
            if itype in _NUMPY:
                dtype = np.dtype(_NUMPY[itype])
                start = self._take(dtype.itemsize * count)
                return np.frombuffer(self._map, dtype=dtype, count=count, offset=start).tolist()
            return [self._value(itype) for _ in range(count)]
        raise TruncatedGGUFError(f"{self.path.name} has a corrupt metadata value (type {vtype}).")

    def _parse(self) -> None:
        magic = bytes(self._map[self._take(4) : 4])
        if magic != b"GGUF":
            raise NotAGGUFError(f"{self.path.name} is not a GGUF model file (it does not start with 'GGUF').")
        self.version = self._scalar("<I")
        if self.version not in (2, 3):
            raise NotAGGUFError(
                f"{self.path.name} uses GGUF version {self.version}; only versions 2 and 3 "
                "(little-endian) are supported."
            )
        n_tensors, n_kv = self._scalar("<Q"), self._scalar("<Q")
        self.metadata: dict[str, Any] = {}
        for _ in range(n_kv):
            key = self._string()
            self.metadata[key] = self._value(self._scalar("<I"))
        infos = []
        for _ in range(n_tensors):
            name = self._string()
            dims = [self._scalar("<Q") for _ in range(self._scalar("<I"))]
            raw_type, offset = self._scalar("<I"), self._scalar("<Q")
            try:
                qtype = GGMLQuantizationType(raw_type)
            except ValueError as exc:
                raise TruncatedGGUFError(
                    f"{self.path.name}: tensor {name} has unknown type {raw_type}."
                ) from exc
            infos.append((name, tuple(reversed(dims)), qtype, offset))
        alignment = int(self.metadata.get("general.alignment", 32)) or 32
        data_start = -(-self._pos // alignment) * alignment
        self.tensors: list[TensorInfo] = []
        for name, shape, qtype, offset in infos:
            block, type_size = GGML_QUANT_SIZES[qtype]
            elements = int(np.prod(shape)) if shape else 1
            n_bytes = elements // block * type_size
            start = data_start + offset
            if start + n_bytes > self.size:
                raise TruncatedGGUFError(
                    f"{self.path.name} is incomplete: tensor {name} ends at byte {start + n_bytes} but the "
                    f"file has {self.size} bytes; download it again."
                )
            self.tensors.append(TensorInfo(name, shape, qtype, start, n_bytes))

    def data(self, info: TensorInfo) -> np.ndarray:
        """A read-only view of the tensor's bytes: floats/ints shaped as the tensor, or for
        block-quantized types (and BF16) uint8 rows of packed blocks, as ``gguf.quants`` expects."""
        dtype = _PLAIN_DTYPES.get(info.qtype)
        if dtype is not None:
            return np.frombuffer(
                self._map, dtype=dtype, count=int(np.prod(info.shape)), offset=info.offset
            ).reshape(info.shape)
        block, type_size = GGML_QUANT_SIZES[info.qtype]
        rows = info.shape[:-1]
        row_bytes = info.shape[-1] // block * type_size
        raw = np.frombuffer(self._map, dtype=np.uint8, count=info.n_bytes, offset=info.offset)
        return raw.reshape(*rows, row_bytes)
