"""The macOS Seatbelt profile for ``/usr/bin/sandbox-exec -p PROFILE``: no network unless the scope
allows it, no reading of secret stores, writes only to scratch and the scope's paths."""

from __future__ import annotations

from pathlib import Path

from app.policy.sandbox.scope import Scope

PROGRAM = "/usr/bin/sandbox-exec"
_DEVICES = ("/dev/null", "/dev/zero", "/dev/tty", "/dev/dtracehelper", "/dev/urandom", "/dev/random")
# System services a command-line program needs (user and group names, logging, notifications, temp
# folders, certificate checks). Not the keychain (securityd), the pasteboard or anything else.
MACH_SERVICES = (
    "com.apple.system.opendirectoryd.libinfo", "com.apple.system.opendirectoryd.membership",
    "com.apple.system.logger", "com.apple.logd", "com.apple.system.notification_center",
    "com.apple.bsd.dirhelper", "com.apple.lsd.mapdb", "com.apple.trustd.agent", "com.apple.fonts",
    "com.apple.FontObjectsServer", "com.apple.distributed_notifications@Uv3",
)
NETWORK_SERVICES = ("com.apple.dnssd.service", "com.apple.SystemConfiguration.configd",
                    "com.apple.SystemConfiguration.DNSConfiguration")


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
    """The profile text: deny by default; read everything but the hidden stores; write scratch, the
    scope's paths and a few devices, but never a hidden store or a protected place."""
    writable = [scratch, *scope.writable, *scope.new]  # a new path: exactly it (a subpath)
    services = MACH_SERVICES + (NETWORK_SERVICES if scope.network else ())
    lines = [
        "(version 1)",
        "(deny default)",
        "(allow process-exec process-fork sysctl-read ipc-posix-shm ipc-posix-sem pseudo-tty user-preference-read)",
        "(allow signal process-info* (target same-sandbox))",
        "(allow mach-lookup " + " ".join(f"(global-name {quote(n)})" for n in services) + ")",
        "(allow file-read-metadata)",
        '(allow file-ioctl (literal "/dev/tty") (literal "/dev/ptmx"))',
    ]
    # Allow broadly, then deny: in a profile the last matching rule wins (the pattern Codex and
    # Claude Code's sandbox runtime use; a filtered read allow alone breaks program loading).
    lines.append("(allow file-read*)")
    allowed = _filters(writable) + " " + " ".join(f"(literal {quote(d)})" for d in _DEVICES)
    lines.append(f"(allow file-write* {allowed})")
    if hidden:
        lines.append(f"(deny file-read* file-write* {_filters(hidden)})")
    if protected:
        lines.append(f"(deny file-write* {_filters(protected)})")
    lines.append("(allow network*)" if scope.network else "(deny network*)")
    if scope.network and hidden:  # Unix sockets of agents and buses stay shut even with the network
        lines.append(f"(deny network-outbound {_filters(hidden)})")
    return "\n".join(lines) + "\n"


def argv(inner: list[str], *, scope: Scope, scratch: Path, hidden: list[Path], protected: list[Path],
         program: str = PROGRAM) -> list[str]:
    text = profile(scope=scope, scratch=scratch, hidden=hidden, protected=protected)
    return [program, "-p", text, *inner]
