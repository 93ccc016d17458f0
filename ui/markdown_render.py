"""Markdown to the HTML subset Qt's rich text understands: code blocks, lists, tables, links.

Raw HTML in the text is shown as text, never interpreted (answers may quote untrusted mail or web
pages). A half-streamed answer with an open code fence renders as a code block already.
"""

from __future__ import annotations

import html
import re

import markdown

from ui import theme

_FENCE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)


def _close_open_fence(text: str) -> str:
    fences = _FENCE.findall(text)
    if len(fences) % 2 == 1:
        return text.rstrip("\n") + "\n" + fences[-1] + "\n"
    return text


def _converter() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists"], output_format="html")
    # Raw HTML is never interpreted: drop the block and inline HTML handlers so it gets escaped.
    for registry, name in ((md.preprocessors, "html_block"), (md.inlinePatterns, "html")):
        if name in registry:
            registry.deregister(name)
    return md


_md = _converter()


def to_html(text: str, markers: int = 0) -> str:
    """Render Markdown (possibly mid-stream) to HTML for a QTextBrowser/QLabel; with ``markers``
    sources, inline ``[n]`` markers (1 <= n <= markers) become small links to ``cite:n``."""
    _md.reset()
    body = _md.convert(_close_open_fence(text or ""))
    if markers:
        body = link_markers(body, markers)
    return _decorate(body)


_MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_CODE = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>|<a\b.*?</a>)", re.DOTALL)
MARKER_SCHEME = "cite:"


def link_markers(body: str, count: int) -> str:
    """``[2]`` / ``[1, 3]`` in rendered HTML -> superscript links ``cite:2`` (never inside code or a
    link, and only for numbers that name one of the ``count`` sources)."""

    def one(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
        if not all(1 <= n <= count for n in numbers):
            return match.group(0)
        links = ",".join(f'<a href="{MARKER_SCHEME}{n}">{n}</a>' for n in numbers)
        return f"<sup>[{links}]</sup>"

    parts = _CODE.split(body)
    return "".join(part if i % 2 else _MARKER.sub(one, part) for i, part in enumerate(parts))


def marker_number(link: str) -> int:
    """``"cite:3"`` -> 3; 0 for any other link."""
    if link.startswith(MARKER_SCHEME) and link[len(MARKER_SCHEME):].isdigit():
        return int(link[len(MARKER_SCHEME):])
    return 0


def _decorate(body: str) -> str:
    p = theme.palette()
    mono = theme.mono_font_family()
    # Qt honours table cellpadding/bgcolor attributes better than CSS on <pre>.
    body = re.sub(
        r"<pre><code(?: class=\"language-([\w+-]+)\")?>(.*?)</code></pre>",
        lambda m: (
            f'<table width="100%" cellpadding="10" cellspacing="0" bgcolor="{p.code_bg}" '
            f'style="margin-top:6px; margin-bottom:6px; border: 1px solid {p.border};"><tr><td>'
            f'<pre style="font-family:\'{mono}\'; font-size:12px; margin:0; white-space:pre-wrap;">'
            f"{m.group(2).rstrip()}</pre></td></tr></table>"
        ),
        body,
        flags=re.DOTALL,
    )
    body = body.replace(
        "<code>",
        f'<code style="font-family:\'{mono}\'; background-color:{p.code_bg}; font-size:12px;">',
    )
    body = body.replace("<table>", f'<table cellpadding="5" cellspacing="0" border="1" style="border-color:{p.border}; border-collapse:collapse;">')
    return body


def style_sheet() -> str:
    """Default CSS for documents showing rendered Markdown."""
    p = theme.palette()
    return (
        f"a {{ color: {p.accent}; text-decoration: none; }}"
        "p { margin-top: 0px; margin-bottom: 8px; line-height: 140%; }"
        "ul, ol { margin-top: 0px; margin-bottom: 8px; margin-left: 0px; -qt-list-indent: 1; }"
        "li { margin-bottom: 3px; }"
        "h1 { font-size: 20px; } h2 { font-size: 17px; } h3 { font-size: 15px; }"
        f"th {{ background-color: {p.surface}; }}"
    )


def plain(text: str) -> str:
    """Escape text for a rich-text label."""
    return html.escape(text or "").replace("\n", "<br>")
