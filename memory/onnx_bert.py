"""all-MiniLM-L6-v2 as a fused ONNX graph, built here from the float32 safetensors.

The bundled int8 export runs its MatMuls as float (ORT folds its DequantizeLinear back into float
weights) and spends a fifth of its time on the exported attention mask (``Where``/``IsNaN``).
This graph uses ONNX Runtime's fused CPU kernels instead (com.microsoft contrib ops):
``EmbedLayerNormalization``, ``QAttention`` (packed QKV, padding mask), ``BiasGelu`` (exact erf
GELU, as BERT), and int8 linear layers: weights symmetric with one scale per output column
(quantized here in numpy), activations quantized per call, which MLAS runs on its AMX/VNNI (x86)
or dot-product (arm64) int8 kernels. The FFN output layer, whose input (the GELU output) is too
spiky for one scale per batch, gets one scale per token (see ``_Builder.rowwise``). LayerNorm is
written out in plain ops: ORT's fused LayerNorm kernels were 3x slower than that here.

Inputs and output match the export: ``input_ids``, ``attention_mask``, ``token_type_ids``
(int64, [batch, seq]) -> ``last_hidden_state`` (float32, [batch, seq, 384]). Padding must be on
the right (the tokenizer pads that way).

The built model is cached (see :func:`cached_model`) keyed by a hash of the safetensors and
:data:`FORMAT`; a missing, truncated or corrupt file is rebuilt.
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import load as load_safetensors

from app.fileio import atomic_write_bytes
from app.private import private_dir
from memory import onnx_proto as pb

FORMAT = "fused-int8-smooth-v3"  # change when the graph changes: old cache files are then ignored
LAYERS = 6
HEADS = 12
EPS = 1e-12
# How each linear layer's activations are quantized: "tensor" (one int8 scale per call, ORT's
# DynamicQuantizeMatMul/QAttention), "row" (one scale per token, see _Builder.rowwise) or
# "float" (no int8). ffn_out's input (the GELU output) quantized per tensor cost too much
# accuracy on short texts (cosine to float32 down to 0.95 for "ok"), smoothing or not.
QUANTIZE = {"qkv": "tensor", "attn_out": "tensor", "ffn_in": "tensor", "ffn_out": "row"}
# Texts whose activations set the smoothing (short chat lines and long prose, as ingested).
CALIBRATION = (
    "ok",
    "Thanks, see you tomorrow!",
    "lol yes 👍",
    "Can you pick up milk and bread on the way home? The store closes at 9.",
    "Your order #4417 has shipped and will arrive on Thursday between 10am and 2pm.",
    "Meeting notes: the team agreed to move the launch to March 3rd. Priya owns the budget "
    "review, Tom drafts the press release, and we revisit the hiring plan next week.",
    "Dear Sam, thank you for your letter of the 12th. I am pleased to confirm the lease of the "
    "apartment at 14 Elm Street from June 1st for twelve months at $1,850 per month, with the "
    "deposit of one month's rent due on signing. Parking and water are included; electricity "
    "and internet are the tenant's. Please bring photo identification to the signing.",
    "The mitochondria produce most of the chemical energy needed to power the cell's "
    "biochemical reactions, stored in adenosine triphosphate. " * 3,
    "def parse(path):\n    with open(path) as f:\n        return json.load(f)  # raises on bad JSON",
)
MS = "com.microsoft"


def _int8_dot_product_instructions() -> bool:
    """Whether this CPU multiplies uint8 by int8 without saturating: VNNI or AMX on x86, the dot
    product instructions on arm64. x86 with only AVX2 adds each pair of u8 x s8 products into an
    int16 that saturates (MLAS's vpmaddubsw kernel), which cost the embeddings accuracy there."""
    if platform.machine().lower() not in ("x86_64", "amd64", "i386", "i686"):
        return True
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False  # an x86 whose flags cannot be read: assume the saturating kernel
    return any(flag in flags for flag in ("avx512_vnni", "avx_vnni", "amx_int8"))


# The largest int8 weight: 7 bits where the u8 x s8 pair sum could saturate (255 * 63 * 2 < 32767).
WEIGHT_LIMIT = 127 if _int8_dot_product_instructions() else 63


def quantize_columns(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 per output column of a [in, out] weight: (int8 weight, float32 scales)."""
    scale = np.abs(w).max(axis=0) / float(WEIGHT_LIMIT)
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -WEIGHT_LIMIT, WEIGHT_LIMIT).astype(np.int8)
    return q, scale


class _Builder:
    def __init__(
        self,
        weights: dict[str, np.ndarray],
        quantize: Mapping[str, str],
        amax: dict[str, np.ndarray] | None = None,
        probe: bool = False,
    ) -> None:
        self.w = weights
        self.quantize = {kind: mode for kind, mode in quantize.items() if mode != "float"}
        if self.quantize.get("qkv", "tensor") != "tensor":
            raise ValueError("qkv runs as float or per-tensor int8 (QAttention)")
        self.amax = amax or {}  # per input channel max |activation| of each linear, from calibration
        self.probe = probe  # expose every linear's input as an output (for calibration)
        self.probes: list[tuple[str, int]] = []
        self.nodes: list[bytes] = []
        self.inits: list[bytes] = []
        self.shared: set[str] = set()

    def smooth(self, x: str, weight: np.ndarray, name: str) -> tuple[str, np.ndarray]:
        """SmoothQuant: x / s times s * weight is the same product, but with s = sqrt(max|x_j| /
        max|w_j|) per input channel the few huge activation channels BERT has (and its [CLS]/[SEP]
        tokens lean on) no longer set the int8 step of every other channel."""
        if name not in self.amax:
            return x, weight
        w_max = np.maximum(np.abs(weight).max(axis=1), 1e-5)
        s = np.clip(np.sqrt(np.maximum(self.amax[name], 1e-5) / w_max), 1e-2, 1e2).astype(np.float32)
        return self.op("Mul", [x, self.init(f"{name}.smooth", 1.0 / s)], f"{name}.in"), weight * s[:, None]

    def init(self, name: str, array: np.ndarray) -> str:
        self.inits.append(pb.tensor(name, array))
        return name

    def param(self, key: str) -> str:
        return self.init(key, self.w[key].astype(np.float32))

    def op(self, op_type: str, inputs: list[str], output: str, domain: str = "", **attrs) -> str:  # type: ignore[no-untyped-def]
        self.nodes.append(pb.node(op_type, inputs, [output], domain=domain, **attrs))
        return output

    def linear(self, x: str, weight: np.ndarray, name: str, kind: str, bias: str = "") -> str:
        """x @ weight (weight is [in, out]) + bias (none when ``bias`` is empty)."""
        if self.probe:
            self.probes.append((x, weight.shape[0]))
        mode = self.quantize.get(kind)
        if mode == "tensor":
            x, weight = self.smooth(x, weight, name)
            q, scale = quantize_columns(weight)
            return self.op(
                "DynamicQuantizeMatMul",
                [x, self.init(f"{name}.wq", q), self.init(f"{name}.scale", scale), "", bias],
                f"{name}.out",
                domain=MS,
            )
        if mode == "row":
            y = self.rowwise(x, weight, name)
        else:
            y = self.op("MatMul", [x, self.init(f"{name}.w", weight.astype(np.float32))], f"{name}.y")
        return self.op("Add", [y, bias], f"{name}.out") if bias else y

    def constants(self, prefix: str, values: dict[str, np.ndarray]) -> None:
        """Initializers shared by every layer, added once."""
        if prefix not in self.shared:
            self.shared.add(prefix)
            for key, value in values.items():
                self.init(f"{prefix}.{key}", value)

    def add_norm(self, x: str, residual: str, ln: str, output: str) -> str:
        """LayerNorm(x + residual), from plain ops: ORT's (Skip)LayerNormalization kernels ran
        at ~4.6 ns per element on x86 here, these at ~1.4 (measured on [1024, 384]); 3.3x."""
        self.constants("ln", {"eps": np.array(EPS, np.float32)})
        total = self.op("Add", [x, residual], f"{output}.sum")
        mean = self.op("ReduceMean", [total], f"{output}.mean", axes=[-1], keepdims=1)
        centred = self.op("Sub", [total, mean], f"{output}.centred")
        square = self.op("Mul", [centred, centred], f"{output}.square")
        var = self.op("ReduceMean", [square], f"{output}.var", axes=[-1], keepdims=1)
        std = self.op("Sqrt", [self.op("Add", [var, "ln.eps"], f"{output}.var_eps")], f"{output}.std")
        unit = self.op("Div", [centred, std], f"{output}.unit")
        scaled = self.op("Mul", [unit, self.param(f"{ln}.weight")], f"{output}.scaled")
        return self.op("Add", [scaled, self.param(f"{ln}.bias")], output)

    def rowwise(self, x: str, weight: np.ndarray, name: str) -> str:
        """x @ weight with int8 activations scaled per token (row), so one loud token (BERT's
        [CLS]/[SEP] carry activations ~100x the rest) does not coarsen every other token's step.
        As uint8 around 128, the row's scale applied after the integer product:
        (x / s_row) @ (w / s_col) * s_row * s_col. Runs on [tokens, in], reshaped back after."""
        x, weight = self.smooth(x, weight, name)
        q, scale = quantize_columns(weight)
        width_in, width_out = weight.shape
        self.constants(
            "row",
            {
                "one": np.array(1.0, np.float32),
                "zero": np.array(128, np.uint8),
                "nought": np.array(0.0, np.float32),
                "mid": np.array(128.0, np.float32),
                "tiny": np.array(1e-9, np.float32),
                "inv127": np.array(1 / 127, np.float32),
                "column": np.array([-1, 1], np.int64),
                "start": np.array([0], np.int64),
                "two": np.array([2], np.int64),
            },
        )
        flat = self.op(
            "Reshape", [x, self.init(f"{name}.flat", np.array([-1, width_in], np.int64))], f"{name}.flat_x"
        )
        peak = self.op(
            "ReduceMax", [self.op("Abs", [flat], f"{name}.abs")], f"{name}.peak", axes=[-1], keepdims=0
        )
        step = self.op(
            "Mul", [self.op("Max", [peak, "row.tiny"], f"{name}.peak1"), "row.inv127"], f"{name}.step"
        )
        # QuantizeLinear per row (axis 0) wants a zero point per row: 128s shaped like step
        zero = self.op("Add", [self.op("Mul", [step, "row.nought"], f"{name}.z0"), "row.mid"], f"{name}.z1")
        zero = self.op("Cast", [zero], f"{name}.zero", to=pb.UINT8)
        xq = self.op("QuantizeLinear", [flat, step, zero], f"{name}.xq", axis=0)
        y = self.op(
            "MatMulIntegerToFloat",
            [xq, self.init(f"{name}.wq", q), "row.one", self.init(f"{name}.scale", scale), "row.zero"],
            f"{name}.int",
            domain=MS,
        )
        y = self.op(
            "Mul", [y, self.op("Reshape", [step, "row.column"], f"{name}.step_col")], f"{name}.scaled"
        )
        lead = self.op(
            "Slice", [self.op("Shape", [x], f"{name}.shape"), "row.start", "row.two"], f"{name}.lead"
        )
        width = self.init(f"{name}.width", np.array([width_out], np.int64))
        return self.op(
            "Reshape", [y, self.op("Concat", [lead, width], f"{name}.oshape", axis=0)], f"{name}.y"
        )

    def layer(self, x: str, mask: str, i: int) -> str:
        p = f"encoder.layer.{i}"
        w = self.w
        names = [f"{p}.attention.self.{n}" for n in ("query", "key", "value")]
        qkv_w = np.concatenate([w[f"{n}.weight"].T for n in names], axis=1)
        qkv_b = np.concatenate([w[f"{n}.bias"] for n in names])
        if self.probe:
            self.probes.append((x, qkv_w.shape[0]))
        if self.quantize.get("qkv") == "tensor":
            xs, qkv_w = self.smooth(x, qkv_w, f"{p}.qkv")  # x itself is still the residual
            q, scale = quantize_columns(qkv_w)
            self.nodes.append(pb.node("DynamicQuantizeLinear", [xs], [f"{p}.xq", f"{p}.xscale", f"{p}.xzp"]))
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
        o = self.linear(ctx, w[f"{dense}.weight"].T, dense, "attn_out", self.param(f"{dense}.bias"))
        x1 = self.add_norm(o, x, f"{p}.attention.output.LayerNorm", f"{p}.x1")
        inter = f"{p}.intermediate.dense"
        h = self.linear(x1, w[f"{inter}.weight"].T, inter, "ffn_in")
        h = self.op("BiasGelu", [h, self.param(f"{inter}.bias")], f"{p}.gelu", domain=MS)
        out = f"{p}.output.dense"
        f = self.linear(h, w[f"{out}.weight"].T, out, "ffn_out", self.param(f"{out}.bias"))
        return self.add_norm(
            f, x1, f"{p}.output.LayerNorm", f"{p}.out" if i < LAYERS - 1 else "last_hidden_state"
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
        outputs += [pb.value_info(name, pb.FLOAT, [*dims, width]) for name, width in self.probes]
        g = pb.graph("hearth_minilm", self.nodes, self.inits, inputs, outputs)
        return pb.model(g, {"": 17, MS: 1})


def calibrate(weights: dict[str, np.ndarray], calibration: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """Per input channel max |activation| of every linear layer, running the float graph on
    ``calibration`` (token id arrays, one text each, so no padding enters the maxima)."""
    import onnxruntime as ort

    builder = _Builder(weights, {}, probe=True)
    session = ort.InferenceSession(builder.build(), providers=["CPUExecutionProvider"])
    names = [name for name, _ in builder.probes]
    amax: dict[str, np.ndarray] = {}
    for ids in calibration:
        ids = np.asarray(ids, dtype=np.int64)[None, :]
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        for name, value in zip(names, session.run(names, feeds), strict=True):
            m = np.abs(value).reshape(-1, value.shape[-1]).max(axis=0)
            amax[name] = np.maximum(amax.get(name, m), m)
    # key by the linear layer's name, as _Builder.smooth looks them up
    keys = {}
    for i in range(LAYERS):
        p = f"encoder.layer.{i}"
        keys[f"encoder.layer.{i - 1}.out" if i else "emb"] = f"{p}.qkv"
        keys[f"{p}.ctx"] = f"{p}.attention.output.dense"
        keys[f"{p}.x1"] = f"{p}.intermediate.dense"
        keys[f"{p}.gelu"] = f"{p}.output.dense"
    return {keys.get(name, name): value for name, value in amax.items()}


def build_model(
    safetensors: bytes, quantize: Mapping[str, str] = QUANTIZE, calibration: Sequence[np.ndarray] = ()
) -> bytes:
    """The serialized ONNX model for these weights; ``quantize`` says how each linear layer runs,
    ``calibration`` (token id arrays) sets their smoothing (none without it)."""
    weights = load_safetensors(safetensors)
    amax = (
        calibrate(weights, calibration)
        if calibration and any(m != "float" for m in quantize.values())
        else None
    )
    return _Builder(weights, quantize, amax).build()


def _key(safetensors: bytes, quantize: Mapping[str, str], calibration: Sequence[np.ndarray]) -> str:
    h = hashlib.sha256(safetensors)
    h.update(f"|{FORMAT}|w{WEIGHT_LIMIT}|{','.join(f'{k}={v}' for k, v in sorted(quantize.items()))}|".encode())
    for ids in calibration:
        h.update(np.asarray(ids, dtype=np.int64).tobytes() + b"|")
    return h.hexdigest()[:16]


def cache_file(
    cache_dir: Path,
    safetensors: bytes,
    quantize: Mapping[str, str] = QUANTIZE,
    calibration: Sequence[np.ndarray] = (),
) -> Path:
    """Where the graph for these weights, settings and this :data:`FORMAT` is cached."""
    return cache_dir / "embeddings" / f"minilm-{_key(safetensors, quantize, calibration)}.onnx"


def cached_model(
    cache_dir: Path | None,
    safetensors: bytes,
    quantize: Mapping[str, str] = QUANTIZE,
    calibration: Sequence[np.ndarray] = (),
    rebuild: bool = False,
) -> bytes:
    """The built model, from ``cache_dir`` when a verified copy is there, else built and cached.

    Next to ``minilm-<key>.onnx`` lives ``minilm-<key>.sha256``, the digest of the bytes as
    written: a file that does not match (truncated, damaged, half-written) is rebuilt, and so is
    one that matched but would not load (``rebuild=True``). Both are written atomically. Failing
    to write the cache only costs a rebuild next time.
    """
    if cache_dir is None:
        return build_model(safetensors, quantize, calibration)
    path = cache_file(cache_dir, safetensors, quantize, calibration)
    digest_path = path.with_suffix(".sha256")
    try:
        data = b"" if rebuild else path.read_bytes()
        if data and hashlib.sha256(data).hexdigest() == digest_path.read_text(encoding="ascii").strip():
            return data
    except (OSError, ValueError):
        pass
    data = build_model(safetensors, quantize, calibration)
    try:
        private_dir(path.parent)
        atomic_write_bytes(path, data)
        atomic_write_bytes(digest_path, hashlib.sha256(data).hexdigest().encode("ascii"))
    except OSError:
        pass
    return data
