"""Small shared widgets: a rich-text label that wraps, a tier badge, a citation chip."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QGuiApplication, QMouseEvent
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
from ui import dates, markdown_render, theme


class RichLabel(QLabel):
    """A selectable, word-wrapping label that shows rendered Markdown."""

    marker_clicked = Signal(int)  # an inline [n] source marker was clicked

    def __init__(self, text: str = "", parent: QWidget | None = None, markdown: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("BubbleText")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.setOpenExternalLinks(False)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)  # wrapped text grows downwards as it streams
        self.setSizePolicy(policy)
        self._markdown = markdown
        self._source = ""
        self.markers = 0
        self.linkActivated.connect(self._on_link)
        self.set_source(text)

    def set_source(self, text: str, markers: int | None = None) -> None:
        """Show ``text``; with ``markers`` sources, its ``[n]`` markers become links (``marker_clicked``)."""
        self._source = text
        if markers is not None:
            self.markers = markers
        body = markdown_render.to_html(text, self.markers) if self._markdown else markdown_render.plain(text)
        self.setText(f"<style>{markdown_render.style_sheet()}</style>{body}")

    def _on_link(self, link: str) -> None:
        number = markdown_render.marker_number(link)
        if number:
            self.marker_clicked.emit(number)

    def source(self) -> str:
        return self._source


class ElidedLabel(QLabel):
    """A one-line label that ends in … when its text is wider than the room it has."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(80)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def _elide(self) -> None:
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(20, self.width())))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()


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

    WIDTH_MIN, WIDTH_MAX = 168, 236

    def __init__(self, citation: Citation, parent: QWidget | None = None, number: int = 0) -> None:
        super().__init__(parent)
        self.citation = citation
        self.number = number  # the answer's [n] marker for this source (0: none)
        self.setObjectName("CitationChip")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumWidth(self.WIDTH_MIN)
        self.setMaximumWidth(self.WIDTH_MAX)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(f"{citation.title}\n{citation.path}".strip() if citation.path else citation.title)
        self.setAccessibleName(f"Memory: {citation.title}")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(10, 8, 6, 8)
        outer.setSpacing(8)
        self.number_label = QLabel(str(number) if number else "")
        self.number_label.setObjectName("ChipNumber")
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number_label.setVisible(bool(number))
        outer.addWidget(self.number_label, 0, Qt.AlignmentFlag.AlignTop)
        icon = QLabel()
        icon.setPixmap(theme.pixmap(theme.source_icon_name(citation.source_type), 16))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        icon.setFixedWidth(16)
        outer.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        col = QVBoxLayout()
        col.setSpacing(2)
        col.setContentsMargins(0, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setObjectName("CitationTitle")
        meta_text = dates.human(citation.date) or citation.source_type.title()
        if not citation.trusted:
            meta_text += "  ·  third-party"
        self._meta_text = meta_text
        self.meta_label = QLabel()
        self.meta_label.setObjectName("CitationMeta")
        self.snippet_label = QLabel()
        self.snippet_label.setObjectName("CitationSnippet")
        self.snippet_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for label in (self.title_label, self.meta_label, self.snippet_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            col.addWidget(label)
        outer.addLayout(col, 1)
        more = icon_button("trash", "Forget this memory", 13)
        more.setObjectName("ChipForget")
        more.clicked.connect(lambda: self.forget_requested.emit(self.citation))
        outer.addWidget(more, 0, Qt.AlignmentFlag.AlignTop)
        self.forget_button = more
        self._fit()

    def _fit(self) -> None:
        """Elide to the width we have; height from the styled fonts (title, date, two snippet lines)."""
        self.ensurePolished()
        for label in (self.title_label, self.meta_label, self.snippet_label):
            label.ensurePolished()
        number = self.number_label.sizeHint().width() + 8 if self.number else 0
        width = max(60, self.width() - 10 - 6 - 16 - 8 - 8 - number - self.forget_button.sizeHint().width())
        title_fm, meta_fm, snip_fm = (w.fontMetrics() for w in (self.title_label, self.meta_label, self.snippet_label))
        elide = Qt.TextElideMode.ElideRight
        self.title_label.setText(title_fm.elidedText(self.citation.title or self.citation.source_type.title(), elide, width))
        self.meta_label.setText(meta_fm.elidedText(self._meta_text, elide, width))
        self.snippet_label.setText("\n".join(_two_lines(" ".join(self.citation.snippet.split()), snip_fm, width)))
        self.title_label.setFixedHeight(title_fm.height())
        self.meta_label.setFixedHeight(meta_fm.height())
        self.snippet_label.setFixedHeight(2 * snip_fm.lineSpacing())
        self.setFixedHeight(8 + title_fm.height() + meta_fm.height() + 2 * snip_fm.lineSpacing() + 4 + 8 + 2)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def flash(self, ms: int = 1600) -> None:
        """Stand out for a moment (its [n] marker was clicked)."""
        self._set_highlight(True)
        QTimer.singleShot(ms, self, lambda: self._set_highlight(False))

    def _set_highlight(self, on: bool) -> None:
        self.setProperty("highlight", on)
        self.style().unpolish(self)
        self.style().polish(self)

    @property
    def highlighted(self) -> bool:
        return bool(self.property("highlight"))

    def changeEvent(self, event) -> None:  # noqa: N802 - a new theme or font
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit()

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


def _two_lines(text: str, metrics: QFontMetrics, width: int) -> list[str]:
    """Word-wrap ``text`` into at most two lines of ``width`` pixels, the second elided."""
    words = text.split(" ")
    first = ""
    while words:
        candidate = f"{first} {words[0]}".strip()
        if metrics.horizontalAdvance(candidate) > width and first:
            break
        first = candidate
        words.pop(0)
    if metrics.horizontalAdvance(first) > width:
        return [metrics.elidedText(first, Qt.TextElideMode.ElideRight, width)]
    rest = " ".join(words)
    return [first, metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)] if rest else [first]
