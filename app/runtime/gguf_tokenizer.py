"""Rebuild a Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) from GGUF metadata.

Two vocabularies are handled:

* ``gpt2`` (byte-level BPE): tokens, merges and the pre-tokenizer named by ``tokenizer.ggml.pre``
  (its split regex is taken from llama.cpp's ``llama-vocab.cpp``);
* ``llama`` (SentencePiece BPE with byte fallback): tokens and scores, merges derived from the
  scores the way ``transformers`` converts SentencePiece models.

Control tokens become special added tokens and user-defined ones plain added tokens, so the chat
template's ``<|im_start|>``/``<|im_end|>`` each encode to their one id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.runtime.gguf_errors import UnsupportedArchitectureError

# llama.cpp token types (gguf.TokenType).
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

_LLAMA3_RE = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
_QWEN2_RE = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
# tokenizer.ggml.pre -> (style, split regex or None); names as llama.cpp's converter writes them.
_PRE_TOKENIZERS: dict[str, tuple[str, str | None]] = {
    "default": ("gpt2", None),
    "gpt2": ("gpt2", None),
    "gpt-2": ("gpt2", None),
    "olmo": ("gpt2", None),
    "llama3": ("split", _LLAMA3_RE),
    "llama-bpe": ("split", _LLAMA3_RE),
    "llama-v3": ("split", _LLAMA3_RE),
    "smaug-bpe": ("split", _LLAMA3_RE),
    "dbrx": ("split", _LLAMA3_RE),
    "falcon3": ("split", _LLAMA3_RE),
    "qwen2": ("split", _QWEN2_RE),
    "deepseek-r1-qwen": ("split", _QWEN2_RE),
    "smollm": ("digits", None),
    "starcoder": ("digits", None),
    "refact": ("digits", None),
    "command-r": ("digits", None),
    "codeshell": ("digits", None),
    "exaone": ("digits", None),
    "minerva-7b": ("digits", None),
}
_IGNORE_MERGES = {"llama3", "llama-bpe", "llama-v3", "smaug-bpe", "dbrx", "falcon3"}
# End-of-turn markers that should stop generation when the vocabulary has them.
_TURN_ENDS = ("<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<end_of_turn>", "<|end|>", "<|endoftext|>")


@dataclass
class TokenizerInfo:
    """What the importer needs to know about the rebuilt tokenizer."""

    kind: str
    pre: str
    pre_fallback: bool
    bos_token_id: int | None
    eos_token_ids: list[int]
    pad_token_id: int | None
    notes: list[str] = field(default_factory=list)


def write_tokenizer(metadata: dict[str, Any], out_dir: Path) -> TokenizerInfo:
    """Write tokenizer.json, tokenizer_config.json and special_tokens_map.json into ``out_dir``."""
    kind = str(metadata.get("tokenizer.ggml.model", ""))
    tokens: list[str] = list(metadata.get("tokenizer.ggml.tokens") or [])
    if not tokens:
        raise UnsupportedArchitectureError("The GGUF file carries no tokenizer vocabulary.")
    types = [int(t) for t in (metadata.get("tokenizer.ggml.token_type") or [NORMAL] * len(tokens))]
    if kind == "gpt2":
        tokenizer, pre, fallback = _bpe_tokenizer(metadata, tokens)
        default_add_bos = False
    elif kind == "llama":
        tokenizer, pre, fallback = _spm_tokenizer(metadata, tokens, types), "sentencepiece", False
        default_add_bos = True
    else:
        raise UnsupportedArchitectureError(
            f"The GGUF tokenizer type '{kind}' is not supported (supported: gpt2, llama)."
        )

    def special_id(name: str) -> int | None:
        value = metadata.get(f"tokenizer.ggml.{name}_token_id")
        return int(value) if value is not None and 0 <= int(value) < len(tokens) else None

    bos, eos, unk, pad = (special_id(n) for n in ("bos", "eos", "unknown", "padding"))
    add_bos = bool(metadata.get("tokenizer.ggml.add_bos_token", default_add_bos)) and bos is not None
    add_eos = bool(metadata.get("tokenizer.ggml.add_eos_token", False)) and eos is not None

    added = _added_tokens(tokens, types, {i for i in (bos, eos, unk, pad) if i is not None})
    tokenizer.add_tokens(added)
    _post_processor(tokenizer, tokens, bos if add_bos else None, eos if add_eos else None)
    tokenizer.save(str(out_dir / "tokenizer.json"))

    templates = _chat_templates(metadata)
    eos_ids = _eos_ids(metadata, tokens, eos, templates)
    config: dict[str, Any] = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "clean_up_tokenization_spaces": False,
        "add_bos_token": add_bos,
        "add_eos_token": add_eos,
        "model_max_length": int(_arch_value(metadata, "context_length", 4096)),
        "added_tokens_decoder": {
            str(tokenizer.token_to_id(t.content)): {
                "content": t.content,
                "lstrip": False,
                "normalized": False,
                "rstrip": False,
                "single_word": False,
                "special": t.special,
            }
            for t in added
        },
    }
    special_map = {}
    for key, token_id in (("bos_token", bos), ("eos_token", eos), ("unk_token", unk), ("pad_token", pad)):
        if token_id is not None:
            config[key] = special_map[key] = tokens[token_id]
    if templates:
        config["chat_template"] = templates
    _write_json(out_dir / "tokenizer_config.json", config)
    _write_json(out_dir / "special_tokens_map.json", special_map)
    notes = [f"unknown pre-tokenizer '{pre}', used GPT-2's"] if fallback else []
    return TokenizerInfo(kind, pre, fallback, bos, eos_ids, pad, notes)


def _bpe_tokenizer(metadata: dict[str, Any], tokens: list[str]) -> tuple[Any, str, bool]:
    from tokenizers import Regex, Tokenizer, decoders, pre_tokenizers
    from tokenizers.models import BPE

    merges_raw = metadata.get("tokenizer.ggml.merges") or []
    merges = []
    for merge in merges_raw:
        cut = merge.find(" ", 1)  # llama.cpp splits at the first space after the first character
        if cut < 0:
            raise UnsupportedArchitectureError(f"Malformed BPE merge {merge!r} in the GGUF tokenizer.")
        merges.append((merge[:cut], merge[cut + 1 :]))
    pre = str(metadata.get("tokenizer.ggml.pre", "default"))
    style, regex = _PRE_TOKENIZERS.get(pre, ("gpt2", None))
    fallback = pre not in _PRE_TOKENIZERS
    vocab = {tok: i for i, tok in enumerate(tokens)}
    model = BPE(
        vocab=vocab,
        merges=merges,
        fuse_unk=False,
        byte_fallback=False,
        ignore_merges=pre in _IGNORE_MERGES,
    )
    tokenizer = Tokenizer(model)
    byte_level = pre_tokenizers.ByteLevel(
        add_prefix_space=False, trim_offsets=True, use_regex=style != "split"
    )
    if style == "split":
        assert regex is not None
        split = pre_tokenizers.Split(Regex(regex), behavior="isolated", invert=False)
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence([split, byte_level])
    elif style == "digits":
        digits = pre_tokenizers.Digits(individual_digits=True)
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence([digits, byte_level])
    else:
        tokenizer.pre_tokenizer = byte_level
    tokenizer.decoder = decoders.ByteLevel()
    return tokenizer, pre, fallback


def _spm_tokenizer(metadata: dict[str, Any], tokens: list[str], types: list[int]) -> Any:
    from tokenizers import Tokenizer, decoders, normalizers
    from tokenizers.models import BPE

    scores = list(metadata.get("tokenizer.ggml.scores") or [0.0] * len(tokens))
    vocab = {tok: i for i, tok in enumerate(tokens)}
    unk_id = int(metadata.get("tokenizer.ggml.unknown_token_id", 0))
    merges = _merges_from_scores(tokens, scores, types)
    model = BPE(
        vocab=vocab,
        merges=merges,
        unk_token=tokens[unk_id] if 0 <= unk_id < len(tokens) else None,
        fuse_unk=True,
        byte_fallback=True,
    )
    tokenizer = Tokenizer(model)
    add_prefix = bool(metadata.get("tokenizer.ggml.add_space_prefix", True))
    steps = [normalizers.Prepend("▁")] if add_prefix else []
    tokenizer.normalizer = normalizers.Sequence([*steps, normalizers.Replace(" ", "▁")])
    decode = [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()]
    if add_prefix:
        decode.append(decoders.Strip(" ", 1, 0))
    tokenizer.decoder = decoders.Sequence(decode)
    return tokenizer


def _merges_from_scores(tokens: list[str], scores: list[float], types: list[int]) -> list[tuple[str, str]]:
    """Every split of a normal token into two vocabulary pieces, best-scoring merged token first."""
    vocab = {tok: i for i, tok in enumerate(tokens)}
    found: list[tuple[float, int, int, str, str]] = []
    for token, index in vocab.items():
        if types[index] not in (NORMAL, USER_DEFINED) or len(token) < 2:
            continue
        for cut in range(1, len(token)):
            left, right = token[:cut], token[cut:]
            if left in vocab and right in vocab:
                found.append((-float(scores[index]), index, vocab[left], left, right))
    found.sort()
    return [(left, right) for _, _, _, left, right in found]


def _added_tokens(tokens: list[str], types: list[int], specials: set[int]) -> list[Any]:
    from tokenizers import AddedToken

    out = []
    for i, (tok, kind) in enumerate(zip(tokens, types, strict=False)):
        if kind in (CONTROL, USER_DEFINED) or i in specials:
            special = kind == CONTROL or i in specials
            out.append(AddedToken(tok, special=special, normalized=False, lstrip=False, rstrip=False))
    return out


def _post_processor(tokenizer: Any, tokens: list[str], bos: int | None, eos: int | None) -> None:
    from tokenizers import processors

    if bos is None and eos is None:
        return
    pieces_single, pieces_pair, specials = [], [], []
    if bos is not None:
        pieces_single.append(f"{tokens[bos]}:0")
        specials.append((tokens[bos], bos))
    pieces_single.append("$A:0")
    pair = list(pieces_single)
    if eos is not None:
        pieces_single.append(f"{tokens[eos]}:0")
        pair.append(f"{tokens[eos]}:0")
        if (tokens[eos], eos) not in specials:
            specials.append((tokens[eos], eos))
    if bos is not None:
        pair.append(f"{tokens[bos]}:1")
    pair.append("$B:1")
    if eos is not None:
        pair.append(f"{tokens[eos]}:1")
    pieces_pair = pair
    tokenizer.post_processor = processors.TemplateProcessing(
        single=" ".join(pieces_single), pair=" ".join(pieces_pair), special_tokens=specials
    )


def _chat_templates(metadata: dict[str, Any]) -> str | list[dict[str, str]] | None:
    default = metadata.get("tokenizer.chat_template")
    named = {
        key.split(".", 2)[2]: value
        for key, value in metadata.items()
        if key.startswith("tokenizer.chat_template.") and isinstance(value, str)
    }
    if not named:
        return str(default) if default else None
    out = [{"name": "default", "template": str(default)}] if default else []
    out += [{"name": name, "template": template} for name, template in sorted(named.items())]
    return out


def _eos_ids(metadata: dict[str, Any], tokens: list[str], eos: int | None, templates: Any) -> list[int]:
    ids: list[int] = []
    for key in ("eos", "eot", "eom"):
        value = metadata.get(f"tokenizer.ggml.{key}_token_id")
        if value is not None and 0 <= int(value) < len(tokens) and int(value) not in ids:
            ids.append(int(value))
    text = json.dumps(templates) if templates else ""
    index = {tok: i for i, tok in enumerate(tokens)}
    for marker in _TURN_ENDS:
        if marker in text and marker in index and index[marker] not in ids:
            ids.append(index[marker])
    return ids


def _arch_value(metadata: dict[str, Any], key: str, default: Any) -> Any:
    arch = metadata.get("general.architecture", "")
    return metadata.get(f"{arch}.{key}", default)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
