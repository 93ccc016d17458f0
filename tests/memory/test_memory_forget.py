"""Forgetting: gone from every query, and from the raw bytes of every file in the memory folder."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from memory_corpus import make_mail, write_mbox
from memory_files import grep_files

from app.events import HearthError
from app.paths import get_paths


def _memory_dir() -> Path:
    return get_paths().memory_dir


def test_forget_item_scrubs_files_and_stays_forgotten(mem, tmp_path: Path) -> None:
    token = "ZQXJ7731PLOVER"
    mbox = write_mbox(
        tmp_path / "m.mbox",
        [
            make_mail(
                "Secret plan",
                f"The safe combination is {token}, keep it quiet.",
                sender="Eve <eve@example.com>",
            ),
            make_mail("Groceries", "Buy oat milk and apples.", sender="Sam <sam@example.com>"),
        ],
    )
    mem.ingest_path(mbox)
    mem.remember("My cousin's name is Alberto")  # more writes after, so the token's log rows are not the last
    (hit,) = mem.search("safe combination", k=1)
    assert token in hit.snippet
    assert grep_files(_memory_dir(), token), "the token should be on disk before forgetting"

    removed = mem.forget(item_id=hit.item_id)
    assert removed >= 1
    assert all(token not in c.snippet for c in mem.search("safe combination", k=10))
    assert all(token not in c.snippet for c in mem.search(token, k=10))
    assert grep_files(_memory_dir(), token) == []
    assert grep_files(Path(os.environ["HEARTH_HOME"]), token) == []  # nor anywhere else Hearth writes
    # the store still works, and the other mail is intact
    assert "oat milk" in mem.search("groceries", k=1)[0].snippet
    mem.remember("After forgetting, writes still work")
    # ingesting the same mbox again does not bring the forgotten mail back
    again = mem.ingest_path(mbox)
    assert again.added == 0 and any("forgotten earlier" in r for r in again.skipped_reasons)
    assert grep_files(_memory_dir(), token) == []


def test_forget_by_person_date_source_and_path(mem, tmp_path: Path) -> None:
    person_token = "ZEBRAPERSONWOLFGANG"
    mbox = write_mbox(
        tmp_path / "m.mbox",
        [
            make_mail(
                "Invoice 2019", "Old invoice OLDTOKEN991 attached.", date=datetime(2019, 6, 1, tzinfo=UTC)
            ),
            make_mail(
                "Hi",
                f"Hello from {person_token}",
                sender=f"{person_token} <wolf@example.com>",
                date=datetime(2024, 1, 1, tzinfo=UTC),
            ),
            make_mail("Kept", "This mail stays KEEPTOKEN55.", date=datetime(2024, 2, 1, tzinfo=UTC)),
        ],
    )
    mem.ingest_path(mbox)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Document DOCTOKEN4242 about the roof repair.", encoding="utf-8")
    mem.ingest_path(docs)
    mem.remember("I like green tea CONVTOKEN88")

    assert mem.forget(person="wolf@example.com") == 1
    assert grep_files(_memory_dir(), person_token) == []
    assert mem.forget(until="2019-12-31") == 1
    assert grep_files(_memory_dir(), "OLDTOKEN991") == []
    assert mem.forget(source_path=str(docs)) == 1
    assert grep_files(_memory_dir(), "DOCTOKEN4242") == []
    assert mem.sources() == [s for s in mem.sources() if s["path"] != str(docs.resolve())]
    assert mem.forget(source_type="conversation") == 1
    assert grep_files(_memory_dir(), "CONVTOKEN88") == []
    assert grep_files(_memory_dir(), "KEEPTOKEN55")
    assert [c.title for c in mem.search("mail", k=10)] == ["Kept"]
    # person and date forgets hold for the next ingest too; tombstones keep no plain names
    again = mem.ingest_path(mbox)
    assert again.added == 0
    assert (
        grep_files(_memory_dir(), person_token) == [] and grep_files(_memory_dir(), "wolf@example.com") == []
    )
    with pytest.raises(HearthError, match="say what to forget"):
        mem.forget()


def test_a_sources_item_count_follows_ingest_and_forget(mem, tmp_path: Path) -> None:
    docs = tmp_path / "notes"
    docs.mkdir()
    for i, text in enumerate(["The gate code is 4411.", "The plumber is Ana.", "Bins go out on Wednesday."]):
        (docs / f"n{i}.txt").write_text(text)
    mem.ingest_path(docs)
    root = str(docs.resolve())

    def items() -> int:
        return next(s for s in mem.sources() if s["path"] == root)["items"]

    assert items() == 3
    assert mem.ingest_path(docs).skipped == 3 and items() == 3  # unchanged: still 3, not 0
    (hit,) = mem.search("who is the plumber", k=1)
    assert mem.forget(item_id=hit.item_id) == 1 and items() == 2
    (docs / "n3.txt").write_text("The boiler was serviced in May.")
    (docs / "n0.txt").unlink()
    finished = mem.ingest_path(docs)
    assert (finished.added, finished.removed) == (1, 1) and items() == 2
