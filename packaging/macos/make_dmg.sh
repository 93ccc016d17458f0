#!/usr/bin/env bash
# Wrap Hearth.app in a compressed, drag-to-Applications DMG (macOS only: uses hdiutil).
#   packaging/macos/make_dmg.sh dist/Hearth.app dist/Hearth-0.1.0.dmg
# With HEARTH_CODESIGN_IDENTITY set, the DMG is signed too (notarize it afterwards; see
# packaging/README.md).
set -euo pipefail
app="${1:?usage: make_dmg.sh PATH/Hearth.app OUT.dmg}"
out="${2:?usage: make_dmg.sh PATH/Hearth.app OUT.dmg}"
[ "$(uname -s)" = "Darwin" ] || { echo "make_dmg: needs macOS (hdiutil)" >&2; exit 2; }
[ -d "$app" ] || { echo "make_dmg: $app not found; run packaging/build.sh first" >&2; exit 2; }

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
# ditto keeps the code signature, extended attributes and symlinks intact.
ditto "$app" "$staging/Hearth.app"
ln -s /Applications "$staging/Applications"
rm -f "$out"
hdiutil create -volname "Hearth" -srcfolder "$staging" -fs HFS+ -format UDZO -imagekey zlib-level=9 -ov "$out" >/dev/null
if [ -n "${HEARTH_CODESIGN_IDENTITY:-}" ]; then
  codesign --force --sign "$HEARTH_CODESIGN_IDENTITY" --timestamp "$out"
fi
hdiutil verify "$out" >/dev/null
echo "make_dmg: $out ($(du -h "$out" | cut -f1))"
