"""The built bundle works on its own: ``hearth --version``, ``doctor``, ``ask`` with the bundled
default model, and the desktop app offscreen, each run with a clean environment (PATH=/usr/bin:/bin,
an empty HOME, no HEARTH_HOME, no virtualenv) from a folder outside the repository.

Builds ``dist/Hearth`` first (``packaging/build.sh``, a few minutes) when it is missing or older
than the sources (``HEARTH_BUNDLE_REUSE=1`` keeps an existing, possibly stale, build).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "Hearth"
EXE = DIST / "hearth"
STAMP = DIST / "BUILD-STAMP"
SOURCE_DIRS = ("app", "ui", "voice", "memory", "packaging", "assets")
QUESTION = "What is the capital of France?"
SOURCE_SUFFIXES = {".py", ".spec", ".sh", ".qss", ".svg", ".wav", ".json", ".plist", ".desktop", ".toml", ".txt"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="Hearth bundles for macOS and Linux"),
]


def _newest_source() -> float:
    newest = (ROOT / "pyproject.toml").stat().st_mtime
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


def _needs_build() -> bool:
    if not (EXE.is_file() and STAMP.is_file()):
        return True
    if os.environ.get("HEARTH_BUNDLE_REUSE") == "1":  # iterate on the tests with the bundle as built
        return False
    return STAMP.stat().st_mtime < _newest_source()


@pytest.fixture(scope="module")
def bundle(request: pytest.FixtureRequest) -> Path:
    """dist/Hearth, built now if it is missing or stale (progress goes to the terminal)."""
    if _needs_build():
        try:
            import PyInstaller  # noqa: F401
        except ImportError:
            pytest.fail("PyInstaller is not installed: run packaging/setup.sh --dev")
        capture = request.config.pluginmanager.getplugin("capturemanager")
        started = time.monotonic()
        with capture.global_and_fixture_disabled():
            print("\n[bundle] building dist/Hearth with packaging/build.sh (a few minutes) ...", flush=True)
            result = subprocess.run(["bash", str(ROOT / "packaging" / "build.sh"), "--no-dmg"], cwd=ROOT)
            print(f"[bundle] build finished in {time.monotonic() - started:.0f}s (exit {result.returncode})", flush=True)
        assert result.returncode == 0, "packaging/build.sh failed (see build/pyinstaller.log)"
    assert EXE.is_file()
    return DIST


@pytest.fixture(scope="module")
def clean_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One empty HOME for the whole module: the first run sees nothing of this machine's user."""
    home = tmp_path_factory.mktemp("empty-home")
    assert not any(home.iterdir())
    return home


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What `env -i PATH=/usr/bin:/bin HOME=...` gives: no virtualenv, no HEARTH_HOME, no PYTHON*."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def run_bundle(home: Path, *args: str, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args],
        cwd=home,  # outside the repository: nothing can be imported from the checkout
        env=clean_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_version(bundle: Path, clean_home: Path) -> None:
    from app import __version__

    result = run_bundle(clean_home, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"hearth {__version__}"


def test_doctor_finds_everything_inside_the_bundle(bundle: Path, clean_home: Path) -> None:
    result = run_bundle(clean_home, "doctor", "--json")
    assert "Traceback" not in result.stderr, result.stderr
    checks = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    by_name = {c["name"]: c for c in checks}
    problems = [c for c in checks if c["status"] == "problem"]
    assert not problems, problems
    assert result.returncode == 0
    # Versions come from the bundle's own metadata, and every embedded model from inside it.
    for dist in ("mlx", "mlx-lm", "PySide6", "faster-whisper", "piper-tts", "chromadb", "keyring"):
        assert by_name[dist]["status"] == "ok", by_name[dist]
    internal = str(bundle.resolve())
    for key in ("llm", "stt", "tts", "embed", "embed_onnx"):
        detail = by_name[f"bundled {key}"]["detail"]
        assert internal in detail, f"bundled {key} not inside the bundle: {detail}"
        assert str(ROOT / ".venv") not in detail
    # Everything Hearth writes lands under the (empty) HOME it was given.
    assert str(clean_home) in by_name["data folder"]["detail"]
    if sys.platform.startswith("linux"):  # the bundle carries the GEMV forwarder it was built with
        assert by_name["Decoding"]["status"] == "ok", by_name["Decoding"]


def _events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def _answer(events: list[dict]) -> str:
    finals = [e["text"] for e in events if e["event"] == "FinalAnswer"]
    return finals[-1] if finals else ""


def test_ask_answers_with_the_bundled_model(bundle: Path, clean_home: Path) -> None:
    """A full turn in the bundle from an empty HOME: the GGUF imported from inside the bundle,
    the model loaded and run on MLX, the memory searched (Chroma + the bundled embedder)."""
    result = run_bundle(clean_home, "ask", "--json", QUESTION, timeout=600)
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    assert result.returncode == 0, result.stderr[-4000:]
    events = _events(result.stdout)
    kinds = [e["event"] for e in events]
    assert "ModelReady" in kinds, kinds
    # the memory searched: by the agent loop, or by a question's read path (a visible lookup)
    assert "MemoryRetrieved" in kinds or any(e["event"] == "LookupStep" and e["lookup"] == "memory_search"
                                             for e in events), kinds
    assert kinds[-1] == "FinalAnswer", kinds
    assert "Token" in kinds, kinds  # the answer was streamed by the model, not canned
    assert _answer(events).strip(), kinds
    assert not [e for e in events if e["event"] == "ErrorEvent"], result.stdout[-4000:]
    # The default model was imported from the GGUF inside the bundle, into the empty HOME.
    imported = list(clean_home.rglob("SmolLM2-135M-Instruct/config.json"))
    assert imported, "the default model was not imported under HOME"


def test_a_date_request_resolves_inside_the_bundle(bundle: Path, clean_home: Path) -> None:
    """dateparser (its language data, regex, tzlocal) travels in the bundle: "next Tuesday at
    4:15 PM" becomes the event's start in the user's zone, as the virtualenv's code reads it, and
    the action is proposed (then denied: no terminal, no approver) without any model writing it."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from app.agent import when

    request = "Add an event to my calendar: Dentist next Tuesday at 4:15 PM"
    result = run_bundle(clean_home, "ask", "--json", "--no-memory", request, timeout=600, TZ="Pacific/Kiritimati")
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    events = _events(result.stdout)
    proposed = [e for e in events if e["event"] == "ActionProposed"]
    now = dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).replace(tzinfo=None)
    stated = when.find_when(request, now)
    assert stated is not None and stated.start_text().endswith("T16:15")
    assert [(e["tool"], e["arguments"].get("start"), e["arguments"].get("title")) for e in proposed] == [
        ("create_event", stated.start_text(), "Dentist")], result.stdout[-4000:]
    assert "did not add" in _answer(events), _answer(events)


def test_bundle_answers_exactly_as_the_venv(bundle: Path, clean_home: Path) -> None:
    """Same code, same model, greedy decoding: the bundle's answer is the virtualenv's, word for
    word (a missing module, data file or a different BLAS/MLX would show up here)."""
    if STAMP.stat().st_mtime < _newest_source():
        pytest.skip("dist/Hearth is older than the sources (HEARTH_BUNDLE_REUSE=1): nothing to compare")
    venv_hearth = Path(sys.prefix) / "bin" / "hearth"
    if not venv_hearth.exists():
        pytest.skip(f"no {venv_hearth} to compare with")
    ours = run_bundle(clean_home, "ask", "--json", "--no-memory", QUESTION, timeout=600)
    theirs = subprocess.run(
        [str(venv_hearth), "ask", "--json", "--no-memory", QUESTION],
        cwd=clean_home,
        env=clean_env(clean_home),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ours.returncode == theirs.returncode == 0, (ours.stderr[-2000:], theirs.stderr[-2000:])
    bundle_answer, venv_answer = _answer(_events(ours.stdout)), _answer(_events(theirs.stdout))
    assert bundle_answer.strip()
    assert bundle_answer == venv_answer


def _gui_smoke_flag(home: Path) -> bool:
    help_text = run_bundle(home, "gui", "--help").stdout
    return "--smoke-test" in help_text


def test_gui_starts_offscreen_without_errors(bundle: Path, clean_home: Path) -> None:
    env_extra = {"QT_QPA_PLATFORM": "offscreen"}
    if _gui_smoke_flag(clean_home):
        result = run_bundle(clean_home, "gui", "--smoke-test", "3", timeout=120, **env_extra)
        assert result.returncode == 0, result.stderr[-4000:]
        assert "Traceback" not in result.stderr, result.stderr[-4000:]
        return
    proc = subprocess.Popen(
        [str(EXE), "gui"],
        cwd=clean_home,
        env=clean_env(clean_home, **env_extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(8)
        still_running = proc.poll() is None
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    assert still_running, f"the desktop app exited early (exit {proc.returncode}):\n{err[-4000:]}"
    assert "Traceback" not in err, err[-4000:]
    assert "could not load the Qt platform plugin" not in err.lower(), err[-4000:]


@pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool")), reason="needs Xvfb and xdotool")
def test_gui_window_appears_on_a_real_x_server(bundle: Path, clean_home: Path, tmp_path: Path) -> None:
    """The user's path on Linux: Qt's xcb plugin and the X libraries from the bundle put a visible
    window titled Hearth on screen."""
    display = f":{90 + os.getpid() % 9}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    err_path = tmp_path / "gui-stderr.txt"
    proc = None
    try:
        time.sleep(1.0)
        assert xvfb.poll() is None, f"Xvfb could not start on {display}"
        with err_path.open("w") as err_file:
            proc = subprocess.Popen([str(EXE), "gui"], cwd=clean_home,
                                    env=clean_env(clean_home, DISPLAY=display, QT_QPA_PLATFORM="xcb"),
                                    stdout=subprocess.DEVNULL, stderr=err_file)
            shown = False
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and proc.poll() is None and not shown:
                found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Hearth$"],
                                       env={"DISPLAY": display, "PATH": "/usr/bin:/bin"}, capture_output=True)
                shown = found.returncode == 0
                time.sleep(0.2)
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        xvfb.terminate()
        xvfb.wait(timeout=10)
    err = err_path.read_text()
    assert shown, f"no visible Hearth window (exit {proc.returncode if proc else None}):\n{err[-4000:]}"
    assert "Traceback" not in err, err[-4000:]


def test_bundle_has_no_links_into_the_build_machine(bundle: Path) -> None:
    """No symlink in the bundle points outside it (into the venv or the checkout)."""
    root = bundle.resolve()
    outside = []
    for dirpath, dirnames, filenames in os.walk(bundle):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                target = path.resolve()
                if root not in target.parents and target != root:
                    outside.append(f"{path} -> {target}")
    assert not outside, outside[:10]
