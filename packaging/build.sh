#!/usr/bin/env bash
# Build Hearth's bundle with PyInstaller (packaging/hearth.spec).
#   packaging/build.sh          Linux: dist/Hearth/ (one folder, run dist/Hearth/hearth)
#                               macOS: dist/Hearth.app (ad-hoc signed) and dist/Hearth-<version>.dmg
#   packaging/build.sh --no-dmg macOS: skip the DMG
# Environment: HEARTH_CODESIGN_IDENTITY="Developer ID Application: …" signs for release (see
# packaging/README.md); HEARTH_MENU_BAR_ONLY=1 sets LSUIElement; PYINSTALLER_NICE (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."

make_dmg=1
[ "${1:-}" = "--no-dmg" ] && make_dmg=0
PY=.venv/bin/python
[ -x "$PY" ] || { echo "build: no .venv; run packaging/setup.sh --dev first" >&2; exit 2; }
"$PY" -c "import PyInstaller" 2>/dev/null || { echo "build: PyInstaller missing; run packaging/setup.sh --dev" >&2; exit 2; }

VERSION="$("$PY" -c 'import app; print(app.__version__)')"
export HEARTH_VERSION="$VERSION"

# The app icon is drawn under assets/icons/; never build with a stand-in.
ICON_SVG=""
for candidate in assets/icons/hearth.svg assets/icons/app-icon.svg; do
  [ -f "$candidate" ] && { ICON_SVG="$candidate"; break; }
done
if [ -z "$ICON_SVG" ]; then
  echo "build: the app icon is missing: expected assets/icons/hearth.svg (or assets/icons/app-icon.svg)" >&2
  exit 2
fi

start=$(date +%s)
echo "build: [1/3] icons from $ICON_SVG"
QT_QPA_PLATFORM=offscreen "$PY" packaging/macos/make_icons.py "$ICON_SVG" build/icons
export HEARTH_ICNS="$PWD/build/icons/Hearth.icns"

echo "build: [2/3] PyInstaller (a few minutes; log in build/pyinstaller.log)"
mkdir -p build
rm -rf dist/Hearth dist/Hearth.app
if ! nice -n "${PYINSTALLER_NICE:-10}" "$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/hearth.spec >build/pyinstaller.log 2>&1; then
  tail -n 40 build/pyinstaller.log >&2
  echo "build: PyInstaller failed (full log: build/pyinstaller.log)" >&2
  exit 1
fi

echo "build: [3/3] finishing"
if [ "$(uname -s)" = "Darwin" ]; then
  # PyInstaller signed every binary ad hoc (or with HEARTH_CODESIGN_IDENTITY); check the seal.
  codesign --verify --deep --strict dist/Hearth.app
  if [ "$make_dmg" = 1 ]; then
    packaging/macos/make_dmg.sh dist/Hearth.app "dist/Hearth-$VERSION.dmg"
  fi
else
  cp build/icons/hearth-256.png dist/Hearth/hearth.png
  cp packaging/linux/hearth.desktop dist/Hearth/hearth.desktop
fi
date -u +%Y-%m-%dT%H:%M:%SZ >dist/Hearth/BUILD-STAMP 2>/dev/null || true
echo "build: done in $(( $(date +%s) - start ))s: $(du -sh dist/Hearth | cut -f1) in dist/Hearth"
