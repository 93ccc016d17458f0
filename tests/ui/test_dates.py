"""Dates read as a person says them, in local time: never raw ISO text in the memory browser."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fakes import FakeCore

from app import events as ev
from app.paths import get_paths

NOW = dt.datetime(2026, 12, 4, 9, 30)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}|\+00:00")


def _local(y: int, mo: int, d: int, h: int, mi: int) -> str:
    """An ISO time in UTC for a given local wall-clock time (so the test holds in any zone)."""
    return dt.datetime(y, mo, d, h, mi).astimezone().astimezone(dt.UTC).isoformat()


def test_human_dates() -> None:
    from ui.dates import human

    assert human(_local(2026, 12, 4, 14, 5), NOW) == "today 14:05"
    assert human(_local(2026, 12, 3, 9, 12), NOW) == "yesterday 09:12"
    assert human(_local(2026, 12, 1, 14, 5), NOW) == "Tue 1 Dec, 14:05"
    assert human(_local(2025, 12, 2, 8, 0), NOW) == "Tue 2 Dec 2025, 08:00"
    assert human("2026-11-20", NOW) == "Fri 20 Nov"
    assert human("2026-12-05", NOW) == "tomorrow"
    assert human("", NOW, empty="never") == "never"
    assert human("not a date", NOW) == "not a date"


@pytest.fixture
def browser(themed_qapp, qtbot):  # noqa: ANN001
    from ui.bridge import EventBridge
    from ui.memory_browser import MemoryBrowser
    from ui.services import Services

    services = Services(lambda event, channel: None, paths=get_paths().ensure(), core=FakeCore())
    widget = MemoryBrowser(services, EventBridge())
    qtbot.addWidget(widget)
    return widget


def test_the_memory_browser_shows_no_iso_timestamps(browser) -> None:
    mail = ev.Citation(chunk_id="c1", item_id="i1", source_type="mail", title="Your prescription update",
                       date="2026-12-03T14:05:00+00:00", snippet="Your refill is ready.", path="/x/mail.mbox#id")
    browser._show_results([mail])
    row = browser.result_list.item(0).text()
    assert "Your prescription update" in row and not ISO.search(row), row
    browser.result_list.setCurrentRow(0)
    assert not ISO.search(browser.detail.toPlainText()), browser.detail.toPlainText()
    browser._show_overview(({"chunks": 3}, [{"kind": "mbox", "path": "/x/mail.mbox", "items": 1,
                                              "last_ingest": "2026-12-03T14:05:09+00:00"}]))
    synced = browser.source_table.item(0, 2).text()
    assert synced and not ISO.search(synced) and re.search(r"\d{2}:\d{2}", synced), synced
