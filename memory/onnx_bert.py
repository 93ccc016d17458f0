"""all-MiniLM-L6-v2 as a fused ONNX graph, built here from the float32 safetensors.

The bundled int8 export runs its MatMuls as float (ORT folds its DequantizeLinear back into float
weights) and spends a fifth of its time on the exported attention mask (``Where``/``IsNaN``).
This graph uses ONNX Runtime's fused CPU kernels instead (com.microsoft contrib ops):
``EmbedLayerNormalization``, ``Attention`` (packed QKV, padding mask), ``SkipLayerNormalization``,
``BiasGelu`` (exact erf GELU, as BERT), and for the linear layers ``DynamicQuantizeMatMul``:
int8 weights (symmetric, one scale per output column, quantized here in numpy) times activations
quantized per call, which MLAS runs on its VNNI/AMX (x86) or dot-product (arm64) int8 kernels.

Inputs and output match the export: ``input_ids``, ``attention_mask``, ``token_type_ids``
(int64, [batch, seq]) -> ``last_hidden_state`` (float32, [batch, seq, 384]). Padding must be on
the right (the tokenizer pads that way).

The built model is cached (see :func:`cached_model`) keyed by a hash of the safetensors and
:data:`FORMAT`; a missing, truncated or corrupt file is rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from safetensors.numpy import load as load_safetensors

from memory import onnx_proto as pb

FORMAT = "fused-int8-v1"  # change when the graph changes: old cache files are then ignored
LAYERS = 6
HEADS = 12
EPS = 1e-12
LINEARS = ("qkv", "attn_out", "ffn_in", "ffn_out")
MS = "com.microsoft"


def quantize_columns(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 per output column of a [in, out] weight: (int8 weight, float32 scales)."""
    scale = np.abs(w).max(axis=0) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


class _Builder:
    def __init__(self, weights: dict[str, np.ndarray], quantize: Iterable[str]) -> None:
        self.w = weights
        self.quantize = set(quantize)
        self.nodes: list[bytes] = []
        self.inits: list[bytes] = []

    def init(self, name: str, array: np.ndarray) -> str:
        self.inits.append(pb.tensor(name, array))
        return name

    def param(self, key: str) -> str:
        return self.init(key, self.w[key].astype(np.float32))

    def op(self, op_type: str, inputs: list[str], output: str, domain: str = "", **attrs) -> str:  # type: ignore[no-untyped-def]
        self.nodes.append(pb.node(op_type, inputs, [output], domain=domain, **attrs))
        return output

    def linear(self, x: str, weight: np.ndarray, name: str, kind: str) -> str:
        """x @ weight (weight is [in, out]), no bias: it is fused into the following op."""
        if kind in self.quantize:
            q, scale = quantize_columns(weight)
            return self.op(
                "DynamicQuantizeMatMul",
                [x, self.init(f"{name}.wq", q), self.init(f"{name}.scale", scale)],
                f"{name}.out",
                domain=MS,
            )
        return self.op("MatMul", [x, self.init(f"{name}.w", weight.astype(np.float32))], f"{name}.out")

    def layer(self, x: str, mask: str, i: int) -> str:
        p = f"encoder.layer.{i}"
        w = self.w
        names = [f"{p}.attention.self.{n}" for n in ("query", "key", "value")]
        qkv_w = np.concatenate([w[f"{n}.weight"].T for n in names], axis=1)
        qkv_b = np.concatenate([w[f"{n}.bias"] for n in names])
        if "qkv" in self.quantize:
            q, scale = quantize_columns(qkv_w)
            self.nodes.append(pb.node("DynamicQuantizeLinear", [x], [f"{p}.xq", f"{p}.xscale", f"{p}.xzp"]))
            ctx = self.op(
                "QAttention",
                [
                    f"{p}.xq",
                    self.init(f"{p}.qkv.wq", q),
                    self.init(f"{p}.qkv.b", qkv_b.astype(np.float32)),
                    f"{p}.xscale",
                    self.init(f"{p}.qkv.scale", scale),
                    mask,
                    f"{p}.xzp",
                ],
                f"{p}.ctx",
                domain=MS,
                num_heads=HEADS,
            )
        else:
            ctx = self.op(
                "Attention",
                [
                    x,
                    self.init(f"{p}.qkv.w", qkv_w.astype(np.float32)),
                    self.init(f"{p}.qkv.b", qkv_b.astype(np.float32)),
                    mask,
                ],
                f"{p}.ctx",
                domain=MS,
                num_heads=HEADS,
            )
        dense = f"{p}.attention.output.dense"
        o = self.linear(ctx, w[f"{dense}.weight"].T, dense, "attn_out")
        ln = f"{p}.attention.output.LayerNorm"
        x1 = self.op(
            "SkipLayerNormalization",
            [o, x, self.param(f"{ln}.weight"), self.param(f"{ln}.bias"), self.param(f"{dense}.bias")],
            f"{p}.x1",
            domain=MS,
            epsilon=EPS,
        )
        inter = f"{p}.intermediate.dense"
        h = self.linear(x1, w[f"{inter}.weight"].T, inter, "ffn_in")
        h = self.op("BiasGelu", [h, self.param(f"{inter}.bias")], f"{p}.gelu", domain=MS)
        out = f"{p}.output.dense"
        f = self.linear(h, w[f"{out}.weight"].T, out, "ffn_out")
        ln = f"{p}.output.LayerNorm"
        return self.op(
            "SkipLayerNormalization",
            [f, x1, self.param(f"{ln}.weight"), self.param(f"{ln}.bias"), self.param(f"{out}.bias")],
            f"{p}.out" if i < LAYERS - 1 else "last_hidden_state",
            domain=MS,
            epsilon=EPS,
        )

    def build(self) -> bytes:
        ids = self.op("Cast", ["input_ids"], "ids32", to=pb.INT32)
        types = self.op("Cast", ["token_type_ids"], "types32", to=pb.INT32)
        mask = self.op("Cast", ["attention_mask"], "mask32", to=pb.INT32)
        e = "embeddings"
        self.nodes.append(
            pb.node(
                "EmbedLayerNormalization",
                [
                    ids,
                    types,
                    self.param(f"{e}.word_embeddings.weight"),
                    self.param(f"{e}.position_embeddings.weight"),
                    self.param(f"{e}.token_type_embeddings.weight"),
                    self.param(f"{e}.LayerNorm.weight"),
                    self.param(f"{e}.LayerNorm.bias"),
                    mask,
                ],
                ["emb", "mask_index"],
                domain=MS,
                epsilon=EPS,
            )
        )
        x = "emb"
        for i in range(LAYERS):
            x = self.layer(x, "mask_index", i)
        dims: list[int | str] = ["batch", "seq"]
        inputs = [pb.value_info(n, pb.INT64, dims) for n in ("input_ids", "attention_mask", "token_type_ids")]
        outputs = [pb.value_info("last_hidden_state", pb.FLOAT, [*dims, 384])]
        g = pb.graph("hearth_minilm", self.nodes, self.inits, inputs, outputs)
        return pb.model(g, {"": 17, MS: 1})


def build_model(safetensors: bytes, quantize: Iterable[str] = LINEARS) -> bytes:
    """The serialized ONNX model for these weights; ``quantize`` names the int8 linear layers."""
    return _Builder(load_safetensors(safetensors), quantize).build()


def _key(safetensors: bytes, quantize: Iterable[str]) -> str:
    h = hashlib.sha256(safetensors)
    h.update(f"|{FORMAT}|{','.join(sorted(quantize))}".encode())
    return h.hexdigest()[:16]


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_file(cache_dir: Path, safetensors: bytes, quantize: Iterable[str] = LINEARS) -> Path:
    """Where the graph for these weights and this :data:`FORMAT` is cached."""
    return cache_dir / "embeddings" / f"minilm-{_key(safetensors, quantize)}.onnx"


def cached_model(cache_dir: Path | None, safetensors: bytes, quantize: Iterable[str] = LINEARS) -> bytes:
    """The built model, from ``cache_dir`` when a verified copy is there, else built and cached.

    Next to ``minilm-<key>.onnx`` lives ``minilm-<key>.sha256``, the digest of the bytes as
    written: a file that does not match (truncated, damaged, half-written) is rebuilt. Both are
    written atomically. Failing to write the cache only costs a rebuild next time.
    """
    quantize = tuple(quantize)
    if cache_dir is None:
        return build_model(safetensors, quantize)
    path = cache_file(cache_dir, safetensors, quantize)
    digest_path = path.with_suffix(".sha256")
    try:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() == digest_path.read_text(encoding="ascii").strip():
            return data
    except (OSError, ValueError):
        pass
    data = build_model(safetensors, quantize)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _atomic_write(path, data)
        _atomic_write(digest_path, hashlib.sha256(data).hexdigest().encode("ascii"))
    except OSError:
        pass
    return data
