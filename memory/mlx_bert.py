"""A small BERT encoder in MLX, enough to run all-MiniLM-L6-v2's safetensors (6 layers, 384 wide).

On a Mac this runs on the GPU; on Linux MLX uses the CPU. It returns the last hidden states;
pooling and normalisation happen in :mod:`memory.embeddings`, shared with the ONNX path.
"""

from __future__ import annotations

import math

import mlx.core as mx
import numpy as np
from safetensors.numpy import load as load_safetensors

LAYERS = 6
HEADS = 12
EPS = 1e-12


class MlxBert:
    def __init__(self, weights: dict[str, mx.array]) -> None:
        self.w = weights
        self.hidden = int(weights["embeddings.word_embeddings.weight"].shape[1])
        self.head_dim = self.hidden // HEADS

    @classmethod
    def from_safetensors(cls, data: bytes) -> MlxBert:
        arrays = load_safetensors(data)
        weights = {k: mx.array(v) for k, v in arrays.items() if v.dtype != np.int64}
        mx.eval(list(weights.values()))
        return cls(weights)

    def _linear(self, x: mx.array, name: str) -> mx.array:
        return mx.addmm(self.w[f"{name}.bias"], x, self.w[f"{name}.weight"].T)

    def _norm(self, x: mx.array, name: str) -> mx.array:
        return mx.fast.layer_norm(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"], EPS)

    def _layer(self, x: mx.array, bias: mx.array, i: int) -> mx.array:
        p = f"encoder.layer.{i}"
        b, t, _ = x.shape

        def heads(y: mx.array) -> mx.array:
            return y.reshape(b, t, HEADS, self.head_dim).transpose(0, 2, 1, 3)

        q = heads(self._linear(x, f"{p}.attention.self.query"))
        k = heads(self._linear(x, f"{p}.attention.self.key"))
        v = heads(self._linear(x, f"{p}.attention.self.value"))
        ctx = mx.fast.scaled_dot_product_attention(q, k, v, scale=1.0 / math.sqrt(self.head_dim), mask=bias)
        ctx = ctx.transpose(0, 2, 1, 3).reshape(b, t, self.hidden)
        x = self._norm(
            x + self._linear(ctx, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm"
        )
        inner = self._linear(x, f"{p}.intermediate.dense")
        inner = 0.5 * inner * (1.0 + mx.erf(inner / math.sqrt(2.0)))  # exact GELU, as BERT
        return self._norm(x + self._linear(inner, f"{p}.output.dense"), f"{p}.output.LayerNorm")

    def hidden_states(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        t = ids.shape[1]
        x = (
            self.w["embeddings.word_embeddings.weight"][mx.array(ids)]
            + self.w["embeddings.position_embeddings.weight"][:t][None, :, :]
            + self.w["embeddings.token_type_embeddings.weight"][mx.array(types)]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        bias = ((1.0 - mx.array(mask, dtype=mx.float32)) * -1e9)[:, None, None, :]
        for i in range(LAYERS):
            x = self._layer(x, bias, i)
        mx.eval(x)
        return np.array(x, dtype=np.float32)
