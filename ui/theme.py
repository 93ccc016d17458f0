"""Colours, fonts, icons and the style sheet: a quiet macOS look, light and dark.

Icons are the SVGs in ``assets/icons``; glyphs drawn with ``currentColor`` are recoloured here so
one file serves both appearances. ``style.qss`` holds ``{{name}}`` placeholders filled from the
palette below.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from app.wording import THIS_COMPUTER

ASSETS = Path(__file__).resolve().parents[1] / "assets"
ICONS = ASSETS / "icons"
STYLE_FILE = Path(__file__).with_name("style.qss")


@dataclass(frozen=True)
class Palette:
    name: str
    window: str
    sidebar: str
    surface: str
    surface_alt: str
    bubble_user: str
    bubble_user_text: str
    border: str
    text: str
    text_secondary: str
    text_tertiary: str
    accent: str
    accent_hover: str
    accent_text: str
    selection: str
    green: str
    orange: str
    red: str
    purple: str
    code_bg: str
    shadow: str


LIGHT = Palette(
    name="light",
    window="#ffffff",
    sidebar="#f3f2f7",
    surface="#f5f5f7",
    surface_alt="#ebebf0",
    bubble_user="#0a7cff",
    bubble_user_text="#ffffff",
    border="#dcdce0",
    text="#1d1d1f",
    text_secondary="#6e6e73",
    text_tertiary="#a1a1a6",
    accent="#0a7cff",
    accent_hover="#006ae6",
    accent_text="#ffffff",
    selection="#dbe9ff",
    green="#28a745",
    orange="#e08600",
    red="#e5352b",
    purple="#a2307a",
    code_bg="#f2f2f5",
    shadow="#33000000",
)

DARK = Palette(
    name="dark",
    window="#1e1e1f",
    sidebar="#262528",
    surface="#2a2a2c",
    surface_alt="#333336",
    bubble_user="#0a7cff",
    bubble_user_text="#ffffff",
    border="#3a3a3d",
    text="#ececee",
    text_secondary="#9a9aa0",
    text_tertiary="#6a6a70",
    accent="#0a84ff",
    accent_hover="#409cff",
    accent_text="#ffffff",
    selection="#23426b",
    green="#32d158",
    orange="#ff9f0a",
    red="#ff453a",
    purple="#d75aa6",
    code_bg="#161617",
    shadow="#80000000",
)

# Risk tiers as app/policy/tiers.py names them: (label, palette colour, badge icon).
TIER_STYLE = {
    "read_only": ("Read only", "text_secondary", "tier-read_only"),
    "reversible": ("Reversible", "green", "tier-reversible"),
    "unknown": ("Not understood", "orange", "tier-unknown"),
    "destructive": ("Destructive", "red", "tier-destructive"),
    "external": (f"Leaves {THIS_COMPUTER}", "orange", "tier-external"),
    "money": ("Spends money", "purple", "tier-money"),
    "credentials": ("Credentials", "purple", "tier-credentials"),
}

SOURCE_ICONS = {
    "document": "source-document",
    "documents": "source-document",
    "file": "source-document",
    "mail": "source-mail",
    "mbox": "source-mail",
    "maildir": "source-mail",
    "eml": "source-mail",
    "message": "source-message",
    "imessage": "source-message",
    "calendar": "source-calendar",
    "ics": "source-calendar",
    "contact": "source-contact",
    "vcf": "source-contact",
    "conversation": "source-conversation",
    "web": "source-web",
    "folder": "source-folder",
}

_current: Palette = LIGHT


def palette() -> Palette:
    """The palette in use."""
    return _current


def tier_info(tier: str) -> tuple[str, str, str]:
    """(label, colour, icon name) for a risk tier; unknown tiers get the most cautious look."""
    key = (tier or "").lower().replace("-", "_").replace(" ", "_")
    label, colour_name, icon_name = TIER_STYLE.get(
        key, (tier.replace("_", " ").title() or "Unknown", "red", "tier-destructive")
    )
    return label, getattr(_current, colour_name), icon_name


def system_is_dark() -> bool:
    """Whether the OS asks for dark mode (Qt 6.5+ reports the colour scheme)."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    try:
        return app.styleHints().colorScheme() == Qt.ColorScheme.Dark  # type: ignore[union-attr]
    except AttributeError:
        return False


def choose(theme: str) -> Palette:
    if theme == "dark":
        return DARK
    if theme == "light":
        return LIGHT
    return DARK if system_is_dark() else LIGHT


@lru_cache(maxsize=512)
def _svg_pixmap(name: str, color: str, size: int, ratio: float) -> QPixmap:
    path = ICONS / f"{name}.svg"
    data = path.read_text(encoding="utf-8") if path.exists() else ""
    if color:
        data = data.replace("currentColor", color)
    renderer = QSvgRenderer(QByteArray(data.encode("utf-8")))
    pixels = max(1, int(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    if renderer.isValid():
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def icon(name: str, color: str | None = None, size: int = 20) -> QIcon:
    """An icon from ``assets/icons``; ``currentColor`` strokes become ``color`` (default: text)."""
    ratio = 2.0
    result = QIcon()
    result.addPixmap(_svg_pixmap(name, color or _current.text_secondary, size, ratio))
    return result


def pixmap(name: str, size: int = 16, color: str | None = None) -> QPixmap:
    return _svg_pixmap(name, color or _current.text_secondary, size, 2.0)


def source_icon_name(source_type: str) -> str:
    return SOURCE_ICONS.get((source_type or "").lower(), "source-document")


def app_icon() -> QIcon:
    result = QIcon()
    for size in (16, 32, 64, 128, 256, 512):
        result.addPixmap(_svg_pixmap("app-icon", "", size, 1.0))
    return result


def tray_icon(dark_menu_bar: bool | None = None) -> QIcon:
    """A monochrome tray icon; a template image on macOS (the system tints it)."""
    if sys.platform == "darwin":
        result = QIcon(_svg_pixmap("tray-icon", "", 22, 2.0))
        result.setIsMask(True)
        return result
    dark = system_is_dark() if dark_menu_bar is None else dark_menu_bar
    data_color = "#ffffff" if dark else "#000000"
    path = ICONS / "tray-icon.svg"
    svg = path.read_text(encoding="utf-8").replace("#000000", data_color)
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    pm = QPixmap(QSize(44, 44))
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    renderer.render(painter)
    painter.end()
    return QIcon(pm)


def ui_font_family() -> str:
    if sys.platform == "darwin":
        return ".AppleSystemUIFont"
    families = set(QFontDatabase.families())
    for family in ("Inter", "SF Pro Text", "Cantarell", "Nimbus Sans", "Helvetica", "Noto Sans", "DejaVu Sans"):
        if family in families:
            return family
    return QFont().defaultFamily()


def mono_font_family() -> str:
    if sys.platform == "darwin":
        return "Menlo"
    families = set(QFontDatabase.families())
    for family in ("JetBrains Mono", "SF Mono", "Noto Sans Mono", "DejaVu Sans Mono"):
        if family in families:
            return family
    return "monospace"


def style_sheet(p: Palette | None = None) -> str:
    p = p or _current
    text = STYLE_FILE.read_text(encoding="utf-8")
    values = {f.name: getattr(p, f.name) for f in fields(p)}
    values["font"] = ui_font_family()
    values["mono"] = mono_font_family()
    values["icons"] = ICONS.as_posix()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", str(value))
    return text


def apply(app: QApplication, theme: str = "auto") -> Palette:
    """Apply the palette, fonts and style sheet to the whole application."""
    global _current
    _current = choose(theme)
    _svg_pixmap.cache_clear()
    app.setStyle("Fusion")
    font = QFont(ui_font_family())
    font.setPointSizeF(10.5 if sys.platform != "darwin" else 13)
    app.setFont(font)
    qp = QPalette()
    p = _current
    qp.setColor(QPalette.ColorRole.Window, QColor(p.window))
    qp.setColor(QPalette.ColorRole.Base, QColor(p.window))
    qp.setColor(QPalette.ColorRole.AlternateBase, QColor(p.surface))
    qp.setColor(QPalette.ColorRole.Text, QColor(p.text))
    qp.setColor(QPalette.ColorRole.WindowText, QColor(p.text))
    qp.setColor(QPalette.ColorRole.ButtonText, QColor(p.text))
    qp.setColor(QPalette.ColorRole.Button, QColor(p.surface))
    qp.setColor(QPalette.ColorRole.Highlight, QColor(p.accent))
    qp.setColor(QPalette.ColorRole.HighlightedText, QColor(p.accent_text))
    qp.setColor(QPalette.ColorRole.PlaceholderText, QColor(p.text_tertiary))
    qp.setColor(QPalette.ColorRole.ToolTipBase, QColor(p.surface))
    qp.setColor(QPalette.ColorRole.ToolTipText, QColor(p.text))
    qp.setColor(QPalette.ColorRole.Link, QColor(p.accent))
    app.setPalette(qp)
    app.setStyleSheet(style_sheet(p))
    return _current
