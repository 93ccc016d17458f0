"""Tiny GGUF files written with the ``gguf`` package, for import tests that need no real model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType, GGUFWriter, quants

HIDDEN, HEADS, KV_HEADS, FFN, LAYERS = 64, 4, 2, 256, 1
HEAD_DIM = HIDDEN // HEADS
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MERGES = ["h e", "l l", "he ll", "Ġ w", "o r", "Ġw or"]
TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte -> printable character table (what byte-level BPE vocabularies store)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(printable, chars, strict=True)}


def bpe_vocab() -> list[str]:
    table = bytes_to_unicode()
    tokens = SPECIALS + [table[b] for b in range(256)]
    for merge in MERGES:
        tokens.append(merge.replace(" ", ""))
    return tokens


def llama_permute(weights: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's ``LlamaModel.permute`` (convert_hf_to_gguf.py), applied to HF-order rows."""
    return (
        weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:])
        .swapaxes(1, 2)
        .reshape(weights.shape)
    )


def write_tiny_llama(
    path: Path,
    *,
    arch: str = "llama",
    q_type: GGMLQuantizationType = GGMLQuantizationType.Q8_0,
    extra_tensor: str | None = None,
    spm_model: bytes | None = None,
    rope_freqs: np.ndarray | None = None,
    metadata: dict[str, int] | None = None,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """A one-layer Llama GGUF with a byte-level BPE vocabulary (or the SentencePiece model given,
    written the way llama.cpp's converter does); returns the HF-order float weights."""
    rng = np.random.default_rng(seed)
    tokens = bpe_vocab() if spm_model is None else _spm_vocab(spm_model)[0]
    vocab = len(tokens)
    hf: dict[str, np.ndarray] = {
        "embed": rng.standard_normal((vocab, HIDDEN)).astype(np.float32) * 0.1,
        "q": rng.standard_normal((HEADS * HEAD_DIM, HIDDEN)).astype(np.float32) * 0.1,
        "k": rng.standard_normal((KV_HEADS * HEAD_DIM, HIDDEN)).astype(np.float32) * 0.1,
        "v": rng.standard_normal((KV_HEADS * HEAD_DIM, HIDDEN)).astype(np.float32) * 0.1,
        "o": rng.standard_normal((HIDDEN, HEADS * HEAD_DIM)).astype(np.float32) * 0.1,
        "gate": rng.standard_normal((FFN, HIDDEN)).astype(np.float32) * 0.1,
        "up": rng.standard_normal((FFN, HIDDEN)).astype(np.float32) * 0.1,
    }
    w = GGUFWriter(str(path), arch)
    w.add_name("Tiny Test Llama")
    w.add_context_length(256)
    w.add_embedding_length(HIDDEN)
    w.add_block_count(LAYERS)
    w.add_feed_forward_length(FFN)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV_HEADS)
    w.add_rope_dimension_count(HEAD_DIM)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    if spm_model is None:
        w.add_tokenizer_model("gpt2")
        w.add_tokenizer_pre("default")
        w.add_token_list(tokens)
        w.add_token_types([3] * len(SPECIALS) + [1] * (vocab - len(SPECIALS)))
        w.add_token_merges(MERGES)
    else:
        _, scores, types = _spm_vocab(spm_model)
        w.add_tokenizer_model("llama")
        w.add_tokenizer_pre("default")
        w.add_token_list(tokens)
        w.add_token_scores(scores)
        w.add_token_types(types)
        w.add_unk_token_id(0)
        w.add_add_bos_token(True)
        w.add_add_eos_token(False)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_chat_template(TEMPLATE)

    def add_quant(name: str, data: np.ndarray, qtype: GGMLQuantizationType) -> None:
        if qtype in (GGMLQuantizationType.F32, GGMLQuantizationType.F16):
            w.add_tensor(name, data.astype(np.float32 if qtype == GGMLQuantizationType.F32 else np.float16))
            return
        packed = quants.quantize(data, qtype)
        w.add_tensor(name, packed, raw_shape=packed.shape, raw_dtype=qtype)

    add_quant("token_embd.weight", hf["embed"], GGMLQuantizationType.Q8_0)
    add_quant("output_norm.weight", np.ones(HIDDEN, np.float32), GGMLQuantizationType.F32)
    add_quant("blk.0.attn_norm.weight", np.ones(HIDDEN, np.float32), GGMLQuantizationType.F32)
    add_quant("blk.0.ffn_norm.weight", np.ones(HIDDEN, np.float32), GGMLQuantizationType.F32)
    if arch == "llama":  # llama.cpp permutes Llama's Q/K rows; Qwen2 keeps them (NEOX RoPE)
        add_quant("blk.0.attn_q.weight", llama_permute(hf["q"], HEADS), q_type)
        add_quant("blk.0.attn_k.weight", llama_permute(hf["k"], KV_HEADS), q_type)
    else:
        add_quant("blk.0.attn_q.weight", hf["q"], q_type)
        add_quant("blk.0.attn_k.weight", hf["k"], q_type)
        for name in ("q", "k", "v"):
            hf[f"{name}_bias"] = rng.standard_normal(hf[name].shape[0]).astype(np.float32) * 0.1
            w.add_tensor(f"blk.0.attn_{name}.bias", hf[f"{name}_bias"])
    add_quant("blk.0.attn_v.weight", hf["v"], GGMLQuantizationType.Q4_0)
    add_quant("blk.0.attn_output.weight", hf["o"], GGMLQuantizationType.F16)
    add_quant("blk.0.ffn_gate.weight", hf["gate"], GGMLQuantizationType.Q4_1)
    add_quant("blk.0.ffn_up.weight", hf["up"], GGMLQuantizationType.Q4_0)
    # ffn_down as Q6_K, a type MLX cannot keep: random blocks with a small scale.
    raw = rng.integers(0, 255, size=(HIDDEN, 210), dtype=np.uint8)
    raw[:, 192:208] = rng.integers(-8, 8, size=(HIDDEN, 16), dtype=np.int8).view(np.uint8)
    raw[:, 208:210] = np.frombuffer(np.float16(0.002).tobytes(), dtype=np.uint8)
    w.add_tensor("blk.0.ffn_down.weight", raw, raw_shape=raw.shape, raw_dtype=GGMLQuantizationType.Q6_K)
    hf["down_q6k"] = quants.dequantize(raw, GGMLQuantizationType.Q6_K)
    if rope_freqs is not None:
        w.add_tensor("rope_freqs.weight", rope_freqs.astype(np.float32))
    for key, value in (metadata or {}).items():
        w.add_uint32(key, value)
    if extra_tensor:
        w.add_tensor(extra_tensor, np.zeros((4, 32), np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return hf


def _spm_vocab(model: bytes) -> tuple[list[str], list[float], list[int]]:
    """Pieces, scores and llama.cpp token types, as ``_set_vocab_sentencepiece`` computes them."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    tokens, scores, types = [], [], []
    for i in range(sp.get_piece_size()):
        tokens.append(sp.id_to_piece(i))
        scores.append(sp.get_score(i))
        if sp.is_unknown(i):
            types.append(2)
        elif sp.is_control(i):
            types.append(3)
        elif sp.is_unused(i):
            types.append(5)
        elif sp.is_byte(i):
            types.append(6)
        else:
            types.append(1)
    return tokens, scores, types


def train_spm(lines: list[str], vocab_size: int = 400) -> bytes:
    """A small SentencePiece BPE model with byte fallback, trained in memory."""
    import io

    import sentencepiece as spm

    out = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=out,
        vocab_size=vocab_size,
        model_type="bpe",
        byte_fallback=True,
        character_coverage=1.0,
        split_digits=True,
        remove_extra_whitespaces=False,  # as in Llama's tokenizer.model
        normalization_rule_name="identity",
        minloglevel=2,
    )
    return out.getvalue()


def write_other_arch(path: Path, arch: str = "mamba") -> None:
    """A small valid GGUF whose architecture Hearth does not import."""
    w = GGUFWriter(str(path), arch)
    w.add_name("Some Mamba")
    w.add_block_count(1)
    w.add_tensor("token_embd.weight", np.zeros((8, 32), np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
