"""The macOS Seatbelt profile for ``/usr/bin/sandbox-exec -p PROFILE``: no network unless the scope
allows it, no reading of secret stores, writes only to scratch and the scope's paths."""

from __future__ import annotations

from pathlib import Path

from app.policy.sandbox.scope import Scope

PROGRAM = "/usr/bin/sandbox-exec"
_DEVICES = ("/dev/null", "/dev/zero", "/dev/tty", "/dev/dtracehelper", "/dev/urandom", "/dev/random")


def quote(path: str | Path) -> str:
    """A Seatbelt (Scheme) string literal: backslashes and quotes escaped; control characters refused."""
    text = str(path)
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise ValueError(f"a path with control characters cannot go into a sandbox profile: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _forms(paths: list[Path]) -> list[Path]:
    """Each path and, when a symlink moves it, its real place: Seatbelt matches real paths
    (``/tmp`` is ``/private/tmp``, ``/var`` is ``/private/var`` on macOS)."""
    out: list[Path] = []
    for path in paths:
        for form in (path, path.resolve()):
            if form not in out:
                out.append(form)
    return out


def _filters(paths: list[Path]) -> str:
    return " ".join(f"({'subpath' if p.is_dir() or not p.exists() else 'literal'} {quote(p)})"
                    for p in _forms(paths))


def profile(*, scope: Scope, scratch: Path, hidden: list[Path], protected: list[Path]) -> str:
    """The profile text. Every allow carries its own exceptions (``require-not``), so rule order does not
    matter."""
    writable = [scratch, *scope.writable]
    lines = [
        "(version 1)",
        "(deny default)",
        "(allow process-exec process-fork signal sysctl-read mach-lookup ipc-posix-shm iokit-open)",
        "(allow file-read-metadata)",
    ]
    if hidden:
        lines.append(f"(allow file-read* (require-not (require-any {_filters(hidden)})))")
    else:
        lines.append("(allow file-read*)")
    keep_out = [*hidden, *protected]
    allowed = _filters(writable) + " " + " ".join(f"(literal {quote(d)})" for d in _DEVICES)
    if keep_out:
        lines.append(f"(allow file-write* (require-all (require-any {allowed}) "
                     f"(require-not (require-any {_filters(keep_out)}))))")
    else:
        lines.append(f"(allow file-write* (require-any {allowed}))")
    lines.append("(allow network*)" if scope.network else "(deny network*)")
    return "\n".join(lines) + "\n"


def argv(inner: list[str], *, scope: Scope, scratch: Path, hidden: list[Path], protected: list[Path],
         program: str = PROGRAM) -> list[str]:
    text = profile(scope=scope, scratch=scratch, hidden=hidden, protected=protected)
    return [program, "-p", text, *inner]
