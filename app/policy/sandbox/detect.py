"""Which sandbox works here: found and then tried once (a probe run), the answer cached.

``HEARTH_SANDBOX=none`` says no sandbox is to be used; then every command asks.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENV = "HEARTH_SANDBOX"
PROBE_TOKEN = "hearth-sandbox-probe"


@dataclass(frozen=True)
class Backend:
    """A sandbox that was tried and works."""

    name: str  # "bubblewrap" | "seatbelt"
    program: str
    version: str = ""


@dataclass(frozen=True)
class Probe:
    backend: Backend | None
    why: str  # when none works, the reason in plain words


def _version(program: str) -> str:
    try:
        out = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip().split()[-1] if out.returncode == 0 and out.stdout.strip() else ""


def _try(backend: Backend) -> str:
    """Run ``echo`` in the sandbox with the rules commands get; "" when it worked, else why not."""
    from app.policy.sandbox.run import wrap
    from app.policy.sandbox.scope import Scope

    with tempfile.TemporaryDirectory(prefix="hearth-probe-") as scratch:
        cmd = wrap(["/bin/echo", PROBE_TOKEN], scope=Scope(), cwd=Path(scratch), scratch=Path(scratch),
                   backend=backend)
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError) as exc:
            return str(exc)
    if out.returncode == 0 and out.stdout.strip() == PROBE_TOKEN:
        return ""
    return (out.stderr.strip().splitlines() or [f"exit status {out.returncode}"])[-1]


@functools.lru_cache(maxsize=4)
def _probe(setting: str, platform: str) -> Probe:
    if setting in ("none", "off"):
        return Probe(None, f"{ENV}={setting}")
    if platform == "darwin":
        program = "/usr/bin/sandbox-exec"
        if not os.path.exists(program):
            return Probe(None, f"{program} is missing")
        backend = Backend("seatbelt", program)
    else:
        found = shutil.which("bwrap")
        if found is None:
            return Probe(None, "bubblewrap (bwrap) is not installed")
        backend = Backend("bubblewrap", found, _version(found))
    why = _try(backend)
    if why:
        return Probe(None, f"{backend.name} does not run here: {why}")
    return Probe(backend, "")


def probe() -> Probe:
    return _probe(os.environ.get(ENV, "").strip().lower(), sys.platform)


def active() -> Backend | None:
    """The working sandbox, or None."""
    return probe().backend


def describe() -> str:
    """One line for ``hearth doctor`` and the settings."""
    found = probe()
    if found.backend is None:
        return f"none ({found.why}): every command asks before it runs"
    b = found.backend
    return f"{b.name}{' ' + b.version if b.version else ''} ({b.program})"


def unboxed_reason(family: str) -> str:
    """Why a tool that runs commands must ask even for read-only ones; "" when a sandbox works."""
    if family != "shell":
        return ""
    found = probe()
    if found.backend is not None:
        return ""
    return f"No sandbox works on this computer ({found.why}), so every command asks before it runs."
