"""Small shared widgets: a rich-text label that wraps, a tier badge, a citation chip."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.events import Citation
from ui import markdown_render, theme


class RichLabel(QLabel):
    """A selectable, word-wrapping label that shows rendered Markdown."""

    def __init__(self, text: str = "", parent: QWidget | None = None, markdown: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("BubbleText")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.setOpenExternalLinks(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._markdown = markdown
        self._source = ""
        self.set_source(text)

    def set_source(self, text: str) -> None:
        self._source = text
        body = markdown_render.to_html(text) if self._markdown else markdown_render.plain(text)
        self.setText(f"<style>{markdown_render.style_sheet()}</style>{body}")

    def source(self) -> str:
        return self._source


def icon_button(name: str, tooltip: str, size: int = 16, parent: QWidget | None = None) -> QToolButton:
    button = QToolButton(parent)
    button.setIcon(theme.icon(name))
    button.setIconSize(QSize(size, size))
    button.setToolTip(tooltip)
    button.setAccessibleName(tooltip)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class TierBadge(QLabel):
    """A coloured pill naming a risk tier, with its shield icon."""

    def __init__(self, tier: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label, colour, icon_name = theme.tier_info(tier)
        self.setObjectName("TierBadge")
        self.tier = tier
        icon_path = (theme.ICONS / f"{icon_name}.svg").as_posix()
        self.setText(
            f'<img src="{icon_path}" width="14" height="14" style="vertical-align: middle;">'
            f'&nbsp;<span style="color:{colour};">{label}</span>'
        )
        self.setStyleSheet(f"#TierBadge {{ border: 1px solid {colour}; }}")
        self.setToolTip(f"Risk tier: {tier}")
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)


class CitationChip(QFrame):
    """One memory an answer used: source icon, title, date, snippet. Click opens, menu forgets."""

    open_requested = Signal(object)
    forget_requested = Signal(object)

    def __init__(self, citation: Citation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.citation = citation
        self.setObjectName("CitationChip")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumWidth(150)
        self.setMaximumWidth(240)
        self.setToolTip(citation.path or citation.title)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(10, 8, 6, 8)
        outer.setSpacing(8)
        icon = QLabel()
        icon.setPixmap(theme.pixmap(theme.source_icon_name(citation.source_type), 16))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        outer.addWidget(icon)
        col = QVBoxLayout()
        col.setSpacing(1)
        title = QLabel(citation.title or citation.source_type.title())
        title.setObjectName("CitationTitle")
        metrics = title.fontMetrics()
        title.setText(metrics.elidedText(title.text(), Qt.TextElideMode.ElideRight, 150))
        meta_text = citation.date[:10] if citation.date else citation.source_type
        if not citation.trusted:
            meta_text += "  ·  third-party"
        meta = QLabel(meta_text)
        meta.setObjectName("CitationMeta")
        snippet = QLabel(citation.snippet.replace("\n", " ")[:140])
        snippet.setObjectName("CitationSnippet")
        snippet.setWordWrap(True)
        snippet.setFixedHeight(2 * snippet.fontMetrics().lineSpacing() + 2)
        col.addWidget(title)
        col.addWidget(meta)
        col.addWidget(snippet)
        outer.addLayout(col, 1)
        more = icon_button("trash", "Forget this memory", 13)
        more.clicked.connect(lambda: self.forget_requested.emit(self.citation))
        outer.addWidget(more, 0, Qt.AlignmentFlag.AlignTop)
        self.forget_button = more
        self.setMinimumHeight(self.sizeHint().height())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.open_requested.emit(self.citation)
        super().mouseReleaseEvent(event)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.open_requested.emit(self.citation))
        menu.addAction("Copy snippet", lambda: QGuiApplication.clipboard().setText(self.citation.snippet))
        menu.addSeparator()
        menu.addAction("Forget", lambda: self.forget_requested.emit(self.citation))
        menu.exec(event.globalPos())

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.open_requested.emit(self.citation)
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.forget_requested.emit(self.citation)
        else:
            super().keyPressEvent(event)
