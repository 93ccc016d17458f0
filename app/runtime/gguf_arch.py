"""From a GGUF's architecture to an mlx-lm model: config.json, tensor names, Q/K row order.

llama.cpp's converter permutes the rows of every Llama Q and K projection so that its RoPE can
rotate adjacent pairs (``LlamaModel.permute`` in ``convert_hf_to_gguf.py``). mlx-lm's Llama uses
the standard half-split RoPE, so :func:`unpermute_rows` puts the rows back (weight, scales and
biases alike) instead of switching the model to ``rope_traditional``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from app.runtime.gguf_errors import UnsupportedArchitectureError
from app.runtime.gguf_file import GGUFFile, Tensor

_LAYER_PARTS = {
    "attn_norm": "input_layernorm",
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_norm": "post_attention_layernorm",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}
_GLOBAL = {"token_embd": "model.embed_tokens", "output_norm": "model.norm", "output": "lm_head"}
_LAYER_RE = re.compile(r"^blk\.(\d+)\.([a-z_]+)\.(weight|bias)$")
_GLOBAL_RE = re.compile(r"^([a-z_]+)\.(weight|bias)$")
# Tensors llama.cpp writes that carry no weights for mlx-lm (handled through the config instead).
_CONFIG_ONLY = {"rope_freqs.weight"}


@dataclass(frozen=True)
class Architecture:
    """How one GGUF ``general.architecture`` maps onto an mlx-lm model."""

    gguf_name: str
    model_type: str
    hf_class: str
    permute_qk: bool


ARCHITECTURES: dict[str, Architecture] = {
    "llama": Architecture("llama", "llama", "LlamaForCausalLM", permute_qk=True),
    "qwen2": Architecture("qwen2", "qwen2", "Qwen2ForCausalLM", permute_qk=False),
}


def supported_architectures() -> list[str]:
    return sorted(ARCHITECTURES)


def architecture_for(gguf: GGUFFile) -> Architecture:
    arch = gguf.architecture
    if arch not in ARCHITECTURES:
        raise UnsupportedArchitectureError(
            f"{gguf.path.name} is a '{arch}' model; Hearth can import these architectures: "
            f"{', '.join(supported_architectures())}."
        )
    return ARCHITECTURES[arch]


def mlx_name(gguf_name: str) -> str | None:
    """The mlx-lm parameter name for a GGUF tensor name; None for config-only tensors."""
    if gguf_name in _CONFIG_ONLY:
        return None
    if m := _LAYER_RE.match(gguf_name):
        layer, part, kind = m.groups()
        if part in _LAYER_PARTS:
            return f"model.layers.{layer}.{_LAYER_PARTS[part]}.{kind}"
    elif (m := _GLOBAL_RE.match(gguf_name)) and m.group(1) in _GLOBAL:
        return f"{_GLOBAL[m.group(1)]}.{m.group(2)}"
    raise UnsupportedArchitectureError(
        f"Tensor {gguf_name!r} is not part of a plain Llama-style model "
        "(mixture-of-experts and other variants are not supported yet)."
    )


def unpermute_rows(array: Any, n_head: int) -> Any:
    """Undo llama.cpp's Q/K row permutation on an array whose first axis is output rows."""
    rows = array.shape[0]
    if rows % (2 * n_head):
        raise UnsupportedArchitectureError(f"Cannot un-permute {rows} rows into {n_head} heads.")
    rest = tuple(array.shape[1:])
    return array.reshape(n_head, rows // n_head // 2, 2, *rest).swapaxes(1, 2).reshape(array.shape)


def fix_rotary(gguf_name: str, tensor: Tensor, arch: Architecture, n_head: int, n_kv: int) -> Tensor:
    """Return ``tensor`` with Q/K rows in Hugging Face order where the architecture needs it."""
    if not arch.permute_qk:
        return tensor
    m = _LAYER_RE.match(gguf_name)
    if not m or m.group(2) not in ("attn_q", "attn_k"):
        return tensor
    heads = n_head if m.group(2) == "attn_q" else n_kv

    def fix(a: Any) -> Any:
        return None if a is None else unpermute_rows(a, heads)

    return Tensor(
        fix(tensor.weight),
        fix(tensor.scales),
        fix(tensor.biases),
        tensor.bits,
        tensor.group_size,
        tensor.source_type,
    )


def build_config(gguf: GGUFFile, arch: Architecture, tensors: dict[str, Tensor]) -> dict[str, Any]:
    """config.json for mlx-lm (without the quantization entries, added by the caller)."""

    def need(key: str) -> Any:
        value = gguf.arch_value(key)
        if value is None:
            raise UnsupportedArchitectureError(
                f"{gguf.path.name} lacks the metadata '{arch.gguf_name}.{key}'."
            )
        if isinstance(value, list):
            raise UnsupportedArchitectureError(
                f"{gguf.path.name} has per-layer '{key}' values, which are not supported."
            )
        return value

    hidden = int(need("embedding_length"))
    n_head = int(need("attention.head_count"))
    n_kv = int(gguf.arch_value("attention.head_count_kv", n_head))
    head_dim = int(gguf.arch_value("attention.key_length", hidden // n_head))
    rope_dims = int(gguf.arch_value("rope.dimension_count", head_dim))
    if rope_dims != head_dim:
        raise UnsupportedArchitectureError(
            f"{gguf.path.name} rotates {rope_dims} of {head_dim} head dimensions; partial RoPE is not supported."
        )
    if gguf.arch_value("expert_count"):
        raise UnsupportedArchitectureError(
            f"{gguf.path.name} is a mixture-of-experts model, not supported yet."
        )
    embed = tensors.get("token_embd.weight")
    if embed is None:
        raise UnsupportedArchitectureError(f"{gguf.path.name} has no token embedding tensor.")
    vocab_size = int(embed.weight.shape[0])
    rope_theta = float(gguf.arch_value("rope.freq_base", 10000.0))
    config: dict[str, Any] = {
        "architectures": [arch.hf_class],
        "model_type": arch.model_type,
        "hidden_size": hidden,
        "num_hidden_layers": int(need("block_count")),
        "intermediate_size": int(need("feed_forward_length")),
        "num_attention_heads": n_head,
        "num_key_value_heads": n_kv,
        "head_dim": head_dim,
        "rms_norm_eps": float(need("attention.layer_norm_rms_epsilon")),
        "rope_theta": rope_theta,
        "rope_traditional": False,
        "vocab_size": vocab_size,
        "max_position_embeddings": int(gguf.arch_value("context_length", 4096)),
        "tie_word_embeddings": "output.weight" not in tensors,
    }
    if arch.model_type == "llama":
        config["attention_bias"] = "blk.0.attn_q.bias" in tensors
        config["mlp_bias"] = "blk.0.ffn_up.bias" in tensors
    scaling = _rope_scaling(gguf, tensors, head_dim, rope_theta)
    if scaling:
        config["rope_scaling"] = scaling
    return config


def _rope_scaling(
    gguf: GGUFFile, tensors: dict[str, Tensor], head_dim: int, base: float
) -> dict[str, Any] | None:
    kind = gguf.arch_value("rope.scaling.type")
    factor = gguf.arch_value("rope.scaling.factor")
    if "rope_freqs.weight" in tensors:
        return _llama3_scaling(gguf, tensors["rope_freqs.weight"], head_dim, base)
    if kind in (None, "none") or not factor or float(factor) == 1.0:
        return None
    if kind == "linear":
        return {"type": "linear", "factor": float(factor)}
    if kind == "yarn":
        original = gguf.arch_value("rope.scaling.original_context_length")
        out: dict[str, Any] = {"type": "yarn", "factor": float(factor)}
        if original:
            out["original_max_position_embeddings"] = int(original)
        return out
    raise UnsupportedArchitectureError(
        f"{gguf.path.name} uses '{kind}' RoPE scaling, which is not supported."
    )


def _llama3_scaling(gguf: GGUFFile, freqs_tensor: Tensor, head_dim: int, base: float) -> dict[str, Any]:
    """Recover Llama 3.1-style RoPE scaling from llama.cpp's precomputed ``rope_freqs`` factors."""
    import numpy as np

    actual = np.array(freqs_tensor.weight.astype(freqs_tensor.weight.dtype), dtype=np.float32).reshape(-1)
    factor = float(actual.max())
    for low, high, original in ((1.0, 4.0, 8192), (1.0, 4.0, 4096)):
        expected = _llama3_factors(head_dim, base, factor, low, high, original)
        if len(expected) == len(actual) and np.allclose(expected, actual, rtol=1e-3, atol=1e-3):
            return {
                "rope_type": "llama3",
                "factor": factor,
                "low_freq_factor": low,
                "high_freq_factor": high,
                "original_max_position_embeddings": original,
            }
    raise UnsupportedArchitectureError(
        f"{gguf.path.name} carries RoPE frequency factors that do not match Llama 3 scaling."
    )


def _llama3_factors(
    head_dim: int, base: float, factor: float, low: float, high: float, original: int
) -> list[float]:
    low_wavelen, high_wavelen = original / low, original / high
    out = []
    for i in range(0, head_dim, 2):
        wavelen = 2 * math.pi * base ** (i / head_dim)
        if wavelen < high_wavelen:
            out.append(1.0)
        elif wavelen > low_wavelen:
            out.append(factor)
        else:
            smooth = (original / wavelen - low) / (high - low)
            out.append(1 / ((1 - smooth) / factor + smooth))
    return out
