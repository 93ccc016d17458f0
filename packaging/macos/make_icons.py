"""Render Hearth's app icon SVG into a PNG set and a macOS ``.icns``, with Qt (no other tools).

    python packaging/macos/make_icons.py SOURCE.svg OUT_DIR

writes ``OUT_DIR/hearth-<size>.png`` (16 … 1024) and ``OUT_DIR/Hearth.icns``. The ``.icns`` is
written directly (PNG-compressed entries, the format macOS reads since 10.7), so it can be built
and checked on Linux; on a Mac ``iconutil`` is not needed. Exits 2 with a clear message when
the source SVG is missing or does not render.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

SIZES = (16, 32, 64, 128, 256, 512, 1024)
# .icns entry type -> pixel size of the PNG it holds
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),  # 512@2x
    (b"ic11", 32),  # 16@2x
    (b"ic12", 64),  # 32@2x
    (b"ic13", 256),  # 128@2x
    (b"ic14", 512),  # 256@2x
)


def render_pngs(source: Path, out_dir: Path) -> dict[int, bytes]:
    """Render the SVG at every size; returns {size: png bytes} and writes the PNG files."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {source} is not a valid SVG")
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs: dict[int, bytes] = {}
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        pngs[size] = bytes(data.data())
        (out_dir / f"hearth-{size}.png").write_bytes(pngs[size])
    return pngs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .icns file made of PNG entries."""
    body = b"".join(type_ + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for type_, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, out_dir = Path(argv[0]), Path(argv[1])
    if not source.is_file():
        print(f"make_icons: the app icon {source} is missing (drawn under assets/icons/)", file=sys.stderr)
        return 2
    pngs = render_pngs(source, out_dir)
    (out_dir / "Hearth.icns").write_bytes(icns_bytes(pngs))
    print(f"make_icons: {len(pngs)} PNGs and Hearth.icns in {out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
