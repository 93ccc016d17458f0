"""The bundled model through both back ends, and Chroma's own default never running."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from memory.embeddings import HearthEmbeddingFunction, get_encoder

SENTENCES = [
    "My pharmacy is the Walgreens on 5th Street.",
    "The quarterly report is due next Friday.",
    "Grandma's birthday party is at the lake house.",
    "Quantum entanglement links the states of two particles.",
    "a",
    "Remember to water the tomatoes every morning " * 30,  # longer than the 256-token window
]


def test_onnx_and_mlx_agree_and_are_normalised() -> None:
    onnx = get_encoder("onnx").encode(SENTENCES)
    mlx = get_encoder("mlx").encode(SENTENCES)
    assert onnx.shape == mlx.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(mlx, axis=1), 1.0, atol=1e-4)
    cosine = (onnx * mlx).sum(axis=1)
    assert cosine.min() > 0.98, cosine
    # and they mean something: related sentences are closer than unrelated ones
    q = get_encoder("onnx").encode(["where do I pick up my prescriptions?"])[0]
    assert int(np.argmax(onnx[:4] @ q)) == 0


def test_embedding_function_is_a_proper_chroma_one() -> None:
    from chromadb.utils.embedding_functions import known_embedding_functions

    ef = HearthEmbeddingFunction("onnx")
    out = ef(["hello world"])
    assert len(out) == 1 and len(out[0]) == 384
    assert HearthEmbeddingFunction.name() in known_embedding_functions
    rebuilt = HearthEmbeddingFunction.build_from_config(ef.get_config())
    assert rebuilt.backend == "onnx"


def test_chroma_default_embedding_never_runs(mem, monkeypatch: pytest.MonkeyPatch) -> None:
    import chromadb.utils.embedding_functions as efs
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    def refuse(*args, **kwargs):
        raise AssertionError("Chroma's default embedding function ran (it downloads a model)")

    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__call__", refuse)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "_download_model_if_not_exists", refuse)
    monkeypatch.setattr(efs.DefaultEmbeddingFunction, "__call__", refuse)
    mem.remember("The spare key is under the blue flower pot.")
    (hit,) = mem.search("where is the spare key", k=1)
    assert "blue flower pot" in hit.snippet


def test_auto_measures_once_and_remembers(tmp_path: Path) -> None:
    from memory.embed_choice import choose

    backend = choose("auto", tmp_path)
    assert backend in ("onnx", "mlx")
    record = json.loads((tmp_path / "memory-embedding-choice.json").read_text())
    assert record["backend"] == backend and set(record["sentences_per_s"]) == {"onnx", "mlx"}
    assert choose("auto", tmp_path) == backend
    assert choose("mlx", tmp_path) == "mlx"
