"""Just enough of the ONNX protobuf format to write a model, without the ``onnx`` package.

A protobuf message is a sequence of fields, each a key (``field_number << 3 | wire_type``)
followed by a varint (wire type 0), 4 little-endian bytes (5) or a length-prefixed payload (2).
The field numbers below are those of ``onnx/onnx.proto`` (ModelProto, GraphProto, NodeProto,
AttributeProto, TensorProto, ValueInfoProto). Tensors carry their bytes in ``raw_data``.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np

# TensorProto.DataType
FLOAT, UINT8, INT8, INT32, INT64 = 1, 2, 3, 6, 7
_DTYPES = {
    np.dtype(np.float32): FLOAT,
    np.dtype(np.uint8): UINT8,
    np.dtype(np.int8): INT8,
    np.dtype(np.int32): INT32,
    np.dtype(np.int64): INT64,
}
# AttributeProto.AttributeType
_ATTR_FLOAT, _ATTR_INT, _ATTR_STRING, _ATTR_INTS = 1, 2, 3, 7


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64s are ten bytes, two's complement
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _int(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def _bytes(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def _str(field: int, text: str) -> bytes:
    return _bytes(field, text.encode("utf-8"))


def _float(field: int, value: float) -> bytes:
    return _varint(field << 3 | 5) + struct.pack("<f", value)


def tensor(name: str, array: np.ndarray) -> bytes:
    """TensorProto: dims=1, data_type=2, name=8, raw_data=9."""
    array = np.ascontiguousarray(array)
    if array.dtype not in _DTYPES:
        raise ValueError(f"unsupported tensor type {array.dtype}")
    out = b"".join(_int(1, d) for d in array.shape)
    out += _int(2, _DTYPES[array.dtype]) + _str(8, name)
    return out + _bytes(9, array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes())


def attribute(name: str, value: int | float | str | Sequence[int]) -> bytes:
    """AttributeProto: name=1, f=2, i=3, s=4, ints=8, type=20."""
    out = _str(1, name)
    if isinstance(value, bool | int):
        return out + _int(3, int(value)) + _int(20, _ATTR_INT)
    if isinstance(value, float):
        return out + _float(2, value) + _int(20, _ATTR_FLOAT)
    if isinstance(value, str):
        return out + _str(4, value) + _int(20, _ATTR_STRING)
    return out + b"".join(_int(8, int(v)) for v in value) + _int(20, _ATTR_INTS)


def node(
    op_type: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
    name: str = "",
    domain: str = "",
    **attrs: int | float | str | Sequence[int],
) -> bytes:
    """NodeProto: input=1, output=2, name=3, op_type=4, attribute=5, domain=7. '' skips an input."""
    out = b"".join(_str(1, i) for i in inputs) + b"".join(_str(2, o) for o in outputs)
    out += _str(3, name or outputs[0]) + _str(4, op_type)
    out += b"".join(_bytes(5, attribute(k, v)) for k, v in attrs.items())
    return out + (_str(7, domain) if domain else b"")


def value_info(name: str, elem_type: int, shape: Sequence[int | str]) -> bytes:
    """ValueInfoProto(name=1, type=2: TypeProto(tensor_type=1: elem_type=1, shape=2: dim=1))."""
    dims = b"".join(_bytes(1, _str(2, d) if isinstance(d, str) else _int(1, d)) for d in shape)
    tensor_type = _int(1, elem_type) + _bytes(2, dims)
    return _str(1, name) + _bytes(2, _bytes(1, tensor_type))


def graph(
    name: str,
    nodes: Sequence[bytes],
    initializers: Sequence[bytes],
    inputs: Sequence[bytes],
    outputs: Sequence[bytes],
) -> bytes:
    """GraphProto: node=1, name=2, initializer=5, input=11, output=12."""
    out = b"".join(_bytes(1, n) for n in nodes) + _str(2, name)
    out += b"".join(_bytes(5, t) for t in initializers)
    out += b"".join(_bytes(11, i) for i in inputs)
    return out + b"".join(_bytes(12, o) for o in outputs)


def model(graph_bytes: bytes, opsets: dict[str, int], ir_version: int = 8, producer: str = "hearth") -> bytes:
    """ModelProto: ir_version=1, producer_name=2, graph=7, opset_import=8 (domain=1, version=2)."""
    out = _int(1, ir_version) + _str(2, producer)
    out += _bytes(7, graph_bytes)
    return out + b"".join(_bytes(8, _str(1, d) + _int(2, v)) for d, v in opsets.items())
