"""The GEMV forwarder: one-row matmuls go to OpenBLAS's GEMV, with the same results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux CPU only")


def _mx():
    from app.runtime.loader import import_mlx

    return import_mlx()


def test_setup_built_it_and_this_process_uses_it():
    from app.runtime import gemv_shim
    from app.runtime.blas import gemv_status

    assert gemv_shim.LIBRARY.exists(), "packaging/setup.sh should have built the forwarder"
    assert gemv_status() is None and gemv_shim.active()


@pytest.mark.parametrize("transpose_weights", [True, False])
@pytest.mark.parametrize("column_input", [False, True])
def test_one_row_products_match_float64_and_are_forwarded(transpose_weights: bool, column_input: bool):
    from app.runtime.gemv_shim import forwarded_count

    mx = _mx()
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 300)).astype(np.float32)
    w = rng.standard_normal((700, 300)).astype(np.float32)
    before = forwarded_count() or 0
    xa = mx.array(x.T).T if column_input else mx.array(x)  # a transposed view: strided input
    wa = mx.array(w).T if transpose_weights else mx.array(np.ascontiguousarray(w.T))
    out = np.array(xa @ wa)
    expected = x.astype(np.float64) @ w.T.astype(np.float64)
    assert out.shape == (1, 700)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    assert (forwarded_count() or 0) > before


def test_alpha_beta_and_uninitialised_output():
    mx = _mx()
    rng = np.random.default_rng(4)
    c = rng.standard_normal((1, 64)).astype(np.float32)
    a = rng.standard_normal((1, 32)).astype(np.float32)
    b = rng.standard_normal((32, 64)).astype(np.float32)
    out = np.array(mx.addmm(mx.array(c), mx.array(a), mx.array(b), alpha=0.5, beta=2.0))
    np.testing.assert_allclose(out, 0.5 * (a @ b) + 2.0 * c, rtol=1e-4, atol=1e-4)
    for _ in range(20):  # fresh buffers may hold NaN bit patterns; beta = 0 must never show them
        assert np.isfinite(np.array(mx.array(a) @ mx.array(b))).all()


def test_multi_row_products_still_use_gemm():
    from app.runtime.gemv_shim import forwarded_count

    mx = _mx()
    before = forwarded_count()
    a = np.arange(6 * 8, dtype=np.float32).reshape(6, 8) / 10
    b = np.arange(8 * 5, dtype=np.float32).reshape(8, 5) / 10
    np.testing.assert_allclose(np.array(mx.array(a) @ mx.array(b)), a @ b, rtol=1e-5)
    assert forwarded_count() == before


_LOGITS = """
import json, sys
import app
from pathlib import Path
from app.runtime.gemv_shim import forwarded_count
from app.runtime.loader import import_mlx, load_model_dir
mx = import_mlx()
loaded = load_model_dir(Path(sys.argv[1]))
from mlx_lm.models.cache import make_prompt_cache
cache = make_prompt_cache(loaded.model)
ids = loaded.tokenizer.encode("The quick brown fox jumps over the lazy dog. Then it")
logits = loaded.model(mx.array([ids]), cache=cache)
token = mx.argmax(logits[:, -1, :], axis=-1)[:, None]
steps = []
for _ in range(4):  # one token at a time: the one-row path
    logits = loaded.model(token, cache=cache)
    steps.append(logits[0, -1, :].tolist())
    token = mx.argmax(logits[:, -1, :], axis=-1)[:, None]
print(json.dumps({"forwarded": forwarded_count(), "steps": steps}))
"""


@pytest.mark.slow
def test_decoding_with_and_without_it_gives_the_same_logits(default_model_dir: Path):
    def run(gemv: str) -> dict:
        env = {**os.environ, "HEARTH_BLAS_GEMV": gemv}
        proc = subprocess.run(
            [sys.executable, "-c", _LOGITS, str(default_model_dir)],
            env=env, capture_output=True, text=True, timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        return json.loads(proc.stdout.strip().splitlines()[-1])

    with_it, without = run("on"), run("off")
    assert with_it["forwarded"] > 0 and without["forwarded"] is None
    for a, b in zip(with_it["steps"], without["steps"], strict=True):
        a, b = np.array(a), np.array(b)
        assert int(a.argmax()) == int(b.argmax())
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=2e-3)
