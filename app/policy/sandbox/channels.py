"""Sockets a sandboxed command could talk through even on a read-only disk: agents holding keys
(ssh-agent, gpg-agent), the session bus (which reaches the keyring), the display (keystrokes and
screen), container daemons (root in all but name). The sandbox hides every one that exists."""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping
from pathlib import Path

FIXED = ("/tmp/.X11-unix", "/tmp/.ICE-unix", "/run/user", "/run/dbus", "/run/docker.sock", "/var/run/docker.sock",
         "/run/containerd", "/run/podman", "/run/snapd.socket", "/run/snapd-snap.socket", "/run/systemd/private",
         "/run/systemd/io.systemd.Credentials", "/private/var/run/docker.sock")
PATTERNS = ("/tmp/ssh-*", "/tmp/gpg-*", "/tmp/tmux-*", "/tmp/com.apple.launchd.*", "/tmp/keyring-*",
            "/tmp/dbus-*", "/tmp/.com.google.Chrome.*")
ENV_SOCKETS = ("SSH_AUTH_SOCK", "GPG_AGENT_INFO", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR",
               "WAYLAND_DISPLAY", "DOCKER_HOST", "TMUX", "KITTY_LISTEN_ON")


def _from_env(name: str, value: str, runtime: str) -> Path | None:
    """The socket (or its folder) an environment variable points at."""
    text = value.split(",", 1)[0]
    for prefix in ("unix:path=", "unix://", "unix:"):
        if text.startswith(prefix):
            text = text[len(prefix):].split(",", 1)[0]
    if name == "WAYLAND_DISPLAY" and not text.startswith("/"):
        text = os.path.join(runtime, text) if runtime else ""
    if name == "GPG_AGENT_INFO":
        text = text.split(":", 1)[0]
    if not text.startswith("/"):
        return None
    path = Path(text)
    # An agent's private folder (/tmp/ssh-XXXX/agent.123) goes whole; a shared folder's socket alone.
    return path.parent if path.parent.name.startswith(("ssh-", "gpg-", "keyring-")) else path


def channel_paths(env: Mapping[str, str] | None = None) -> list[Path]:
    """Every existing socket or socket folder to hide from a sandboxed command."""
    env = os.environ if env is None else env
    runtime = env.get("XDG_RUNTIME_DIR", "")
    found = [Path(p) for p in FIXED] + [Path(p) for pat in PATTERNS for p in glob.glob(pat)]
    found += [p for name in ENV_SOCKETS if env.get(name) and (p := _from_env(name, env[name], runtime))]
    out: list[Path] = []
    for path in found:
        if os.path.lexists(path) and not os.path.islink(path) and path not in out and path != Path("/"):
            out.append(path)
    return out
