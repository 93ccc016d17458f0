"""The real store end to end: ingest, incremental re-runs, search with filters and citations."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from memory_corpus import make_mail, write_chat_db, write_mbox

from app.config import MemorySettings
from app.events import HearthError, IngestFinished, IngestProgress
from app.paths import get_paths
from memory.chunking import CHUNKING


def _chunks_by_item(mem) -> dict[str, set[str]]:
    got = mem.collection.get(include=["metadatas"])
    out: dict[str, set[str]] = {}
    for meta in got["metadatas"]:
        out.setdefault(meta["item_id"], set()).add(meta["item_hash"])
    return out


def test_documents_incremental_lifecycle(mem, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "boiler.txt").write_text(
        "The boiler service code is 4471. Call Heatwise for repairs.", encoding="utf-8"
    )
    (docs / "garden.md").write_text("# Garden\n\nPlant tomatoes in May.", encoding="utf-8")
    (docs / "long.md").write_text(
        "# Travel diary\n\n"
        + "\n\n".join(f"Day {i}: walked along the coast and ate fish. " * 8 for i in range(20)),
        encoding="utf-8",
    )
    (docs / "bad.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    events = []
    first = mem.ingest_path(docs, on_event=events.append)
    assert (first.added, first.updated, first.removed) == (3, 0, 0)
    assert first.skipped == 1 and any("bad.txt" in r and "UTF-8" in r for r in first.skipped_reasons)
    assert isinstance(events[-1], IngestFinished) and any(isinstance(e, IngestProgress) for e in events)
    assert mem.stats()["chunks_by_source_type"]["document"] > 3  # the diary became several chunks

    (hit,) = mem.search("what is the code for the boiler?", k=1)
    assert hit.source_type == "document" and "4471" in hit.snippet
    assert hit.path == str((docs / "boiler.txt").resolve()) and hit.title == "boiler.txt"
    assert hit.date.startswith(str(datetime.now(UTC).year)) and hit.trusted and hit.score > 0.3  # the user's own

    again = mem.ingest_path(docs)
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    assert again.skipped_reasons[0] == "3 unchanged since the last ingest"

    (docs / "garden.md").write_text("# Garden\n\nPlant tomatoes in June, not May.", encoding="utf-8")
    (docs / "boiler.txt").unlink()
    third = mem.ingest_path(docs)
    assert (third.added, third.updated, third.removed) == (0, 1, 1)
    assert all(len(hashes) == 1 for hashes in _chunks_by_item(mem).values())
    texts = " ".join(c.snippet for c in mem.search("boiler service code", k=5))
    assert "4471" not in texts
    assert "June" in mem.search("when to plant tomatoes", k=1)[0].snippet

    # a file that cannot be read this time keeps its stored copy
    (docs / "garden.md").write_bytes(b"\xff\xfe\x00\x00 now garbage")
    (docs / "garden.md").write_bytes(b"#\x00 binary now")
    fourth = mem.ingest_path(docs)
    assert fourth.removed == 0
    assert "June" in mem.search("when to plant tomatoes", k=1)[0].snippet
    assert mem.sources()[0]["path"] == str(docs.resolve())


def test_items_chunked_by_an_older_rule_are_chunked_again(mem, tmp_path: Path) -> None:
    """Stores written before chunks were sized in tokens (chat-days then overflowed the model's
    window) are chunked again by the next ingest: once, with nothing left of the old chunks."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "diary.md").write_text(
        "\n\n".join(f"Day {i}: walked along the coast and ate fish." * 6 for i in range(12)), encoding="utf-8"
    )
    (docs / "boiler.txt").write_text("The boiler service code is 4471.", encoding="utf-8")
    mem.ingest_path(docs)
    got = mem.collection.get(where={"title": "diary.md"}, include=["metadatas", "embeddings", "documents"])
    n = len(got["ids"])
    assert n > 1 and all(m["chunking"] == CHUNKING for m in got["metadatas"])
    # make the diary look like an older store: no rule recorded, one chunk more than today's rule makes
    old = [{**m, "n_chunks": n + 1} for m in got["metadatas"]]
    for meta in old:
        del meta["chunking"]
    extra_id = got["ids"][0].rsplit("-", 1)[0] + f"-{n}"
    mem.collection.upsert(
        ids=[*got["ids"], extra_id],
        metadatas=[*old, {**old[-1], "chunk": n}],
        embeddings=[*got["embeddings"], got["embeddings"][-1]],
        documents=[*got["documents"], "an old chunk that today's rule does not make"],
    )

    again = mem.ingest_path(docs)
    assert (again.added, again.updated, again.removed) == (0, 1, 0)
    assert again.skipped_reasons[0] == "1 unchanged since the last ingest"  # the boiler note
    now = mem.collection.get(where={"title": "diary.md"}, include=["metadatas"])
    assert sorted(now["ids"]) == sorted(got["ids"]) and extra_id not in now["ids"]
    assert all(m["chunking"] == CHUNKING and m["n_chunks"] == n for m in now["metadatas"])
    third = mem.ingest_path(docs)
    assert (third.added, third.updated, third.removed) == (0, 0, 0)


def test_mail_messages_filters_and_trust(mem, tmp_path: Path) -> None:
    old = datetime(2021, 1, 10, 8, 0, tzinfo=UTC)
    new = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    mbox = write_mbox(
        tmp_path / "mail.mbox",
        [
            make_mail(
                "Flight booking",
                "Your flight to Lisbon departs at 10:40 from gate B12.",
                date=new,
                sender="Travel Co <noreply@travel.example>",
            ),
            make_mail(
                "Old flight",
                "Your flight to Oslo departs at 07:00.",
                date=old,
                sender="Travel Co <noreply@travel.example>",
            ),
            make_mail(
                "Lunch?",
                "Want to grab ramen on Thursday?",
                date=new,
                sender="Carol Danvers <carol@example.com>",
            ),
        ],
    )
    report = mem.ingest_path(mbox)
    assert report.added == 3
    chat = write_chat_db(
        tmp_path / "chat.db", {"Carol": [("carol@example.com", "Ramen sounds great, 12:30?", new, False)]}
    )
    assert mem.ingest_path(chat, kind="imessage").added == 1
    mem.remember("My pharmacy is the Walgreens on 5th Street")

    flights = mem.search("flight departure time", k=5, source_types=["mail"])
    assert {c.title for c in flights} >= {"Flight booking", "Old flight"}
    assert all(not c.trusted for c in flights)
    recent = mem.search("flight departure time", k=5, source_types="mail", since="2024-01-01")
    assert [c.title for c in recent if "flight" in c.title.lower()] == ["Flight booking"]
    older = mem.search("flight", k=5, until=datetime(2022, 1, 1, tzinfo=UTC))
    assert [c.title for c in older] == ["Old flight"]
    carol = mem.search("ramen lunch", k=5, person="Carol")
    assert {c.source_type for c in carol} == {"mail", "message"}
    assert all(any("carol" in p.lower() for p in c.people) for c in carol)
    by_address = mem.search("ramen", k=5, person="carol@example.com")
    assert len(by_address) == 2
    (fact,) = mem.search("where do I get my prescriptions?", k=1, source_types=["conversation"])
    assert fact.trusted and "Walgreens" in fact.snippet and fact.source_type == "conversation"
    with pytest.raises(HearthError):
        mem.search("x", source_types=["bogus"])
    stats = mem.stats()
    assert stats["chunks_by_source_type"] == {"mail": 3, "message": 1, "conversation": 1}
    assert stats["embedding"].endswith("(onnx)") and stats["sources"] == 2


def test_remember_is_idempotent(mem) -> None:
    a = mem.remember("My locker number is 318")
    b = mem.remember("my locker   number is 318")
    assert a == b and mem.collection.count() == 1


def test_bad_inputs_never_lose_what_is_stored(mem, tmp_path: Path) -> None:
    mem.remember("The wifi password hint is the dog's name")
    junk = tmp_path / "junk.mbox"
    junk.write_bytes(os.urandom(2000))
    report = mem.ingest_path(junk, kind="mbox")
    assert report.added == 0 and "not an mbox" in report.skipped_reasons[0]
    with pytest.raises(HearthError, match="no such file"):
        mem.ingest_path(tmp_path / "nope")
    with pytest.raises(HearthError, match="unknown kind"):
        mem.ingest_path(tmp_path, kind="fax")
    assert mem.collection.count() == 1


def test_second_instance_gets_a_clear_error(mem) -> None:
    """The store has one owner; others go through it (``open_memory``, tests/memory/test_memory_shared.py)."""
    from memory.api import Memory
    from memory.lock import MemoryLocked

    with pytest.raises(MemoryLocked, match="another Hearth is using the memory"):
        Memory(get_paths(), MemorySettings(embedding="onnx"))
    mem.remember("still works after the refused second open")
    assert mem.collection.count() == 1


def test_lock_released_on_close(hearth_home: Path) -> None:
    from memory.api import open_memory

    first = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    first.remember("first process fact")
    first.close()
    with pytest.raises(HearthError, match="closed"):
        first.search("x")
    second = open_memory(get_paths(), MemorySettings(embedding="onnx"))
    try:
        assert "first process fact" in second.search("fact", k=1)[0].snippet
    finally:
        second.close()


def test_calendar_and_contacts_are_searchable_by_date(mem, tmp_path: Path) -> None:
    soon = (datetime.now(UTC) + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    ics = tmp_path / "cal.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:dentist-1\n"
        f"DTSTART:{soon.strftime('%Y%m%dT%H%M%SZ')}\nSUMMARY:Dentist check-up\nLOCATION:City Dental\n"
        "RRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT\nEND:VCALENDAR\n",
        encoding="utf-8",
    )
    vcf = tmp_path / "c.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Maria Zhou\nEMAIL:maria@clinic.example\nORG:City Dental\nEND:VCARD\n",
        encoding="utf-8",
    )
    assert mem.ingest_path(ics).added == 3
    assert mem.ingest_path(vcf).added == 1
    hits = mem.search("dentist appointment", k=5, source_types=["calendar"])
    assert len(hits) == 1  # one series shown once
    week2 = soon + timedelta(days=7)
    (second,) = mem.search("dentist", k=3, source_types=["calendar"], since=week2.date(), until=week2.date())
    assert second.date.startswith(week2.date().isoformat())
    (card,) = mem.search("who is my dentist", k=1, source_types=["contact"])
    assert card.title == "Maria Zhou" and card.trusted
    time.sleep(0)
