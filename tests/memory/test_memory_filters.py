"""Filters: the Python matcher agrees with Chroma's ``where``, and a search gives the same answer
whether it filters unfiltered candidates itself or lets Chroma filter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from memory_corpus import make_mail, write_chat_db, write_mbox

import memory.api as api
from memory import store
from memory.filters import INDEX_KEY, build_where, criteria, index_values, matcher

SENDERS = [
    "Carol Danvers <carol@example.com>",
    "Bob Stone <bob.stone@example.com>",
    "Anna Berg <anna.berg@example.org>",
    "Travel Co <noreply@travel.example>",
]
TOPICS = ["flight", "dinner", "invoice", "garden", "school trip", "car repair", "concert", "rent"]
FILTERS = [
    {"source_types": ["mail"]},
    {"source_types": ["message", "document"]},
    {"person": "Carol"},
    {"person": "bob.stone@example.com", "source_types": ["mail"]},
    {"person": "anna berg", "source_types": ["mail", "message"]},
    {"person": "carol@example.com", "source_types": ["message"]},  # Carol also wrote mail
    {"person": "+1 555 010 2030"},
    {"since": "2024-03-01"},
    {"until": "2024-02-15", "source_types": "mail"},
    {"until": "2024-02-15"},
    {"since": "2024-02-01", "until": "2024-04-30", "person": "carol@example.com"},
    {"person": "nobody at all"},
]


@pytest.fixture
def filled(mem, tmp_path: Path):
    start = datetime(2024, 1, 5, 9, 0, tzinfo=UTC)
    mails = [
        make_mail(
            f"About the {TOPICS[i % len(TOPICS)]} {i}",
            f"Notes on the {TOPICS[i % len(TOPICS)]}, number {i}. " + "More ordinary words. " * (i % 3),
            sender=SENDERS[i % len(SENDERS)],
            date=start + timedelta(days=9 * i),
        )
        for i in range(24)
    ]
    mem.ingest_path(write_mbox(tmp_path / "m.mbox", mails))
    chats = {
        f"chat {n}": [
            (
                handle,
                f"Message about the {TOPICS[(n + j) % len(TOPICS)]}",
                start + timedelta(days=11 * n + j),
                j == 2,
            )
            for j in range(3)
        ]
        for n, handle in enumerate(
            ["carol@example.com", "+15550102030", "anna.berg@example.org", "+15550102030"]
        )
    }
    mem.ingest_path(write_chat_db(tmp_path / "chat.db", chats), kind="imessage")
    docs = tmp_path / "docs"
    docs.mkdir()
    for i, topic in enumerate(TOPICS):
        (docs / f"{i}.md").write_text(f"# {topic}\n\nA note about the {topic}.", encoding="utf-8")
    mem.ingest_path(docs)
    vcf = tmp_path / "c.vcf"  # contacts are undated: outside every date range
    vcf.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Carol Danvers\r\nEMAIL:carol@example.com\r\nEND:VCARD\r\n"
    )
    mem.ingest_path(vcf)
    mem.remember("Carol likes the window seat on every flight")
    return mem


def test_matcher_agrees_with_chroma_where(filled) -> None:
    everything = filled.collection.get(include=["metadatas"])
    assert len(everything["ids"]) > 40
    for spec in FILTERS:
        where = build_where(**spec)
        by_chroma = set(filled.collection.get(where=where, include=[])["ids"])
        match = matcher(criteria(**spec))
        by_python = {i for i, m in zip(everything["ids"], everything["metadatas"], strict=True) if match(m)}
        assert by_python == by_chroma, spec
    assert set(filled.collection.get(where=build_where(person="Carol"), include=[])["ids"])  # not vacuous


@pytest.mark.parametrize("candidates", [12, 30])
def test_search_answers_the_same_whichever_way_it_filters(
    filled, candidates: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chroma's filtered query against the shortcuts: the nearest ``candidates`` chunks filtered
    here (no person), or checked against the person's index rows (a person common enough)."""
    calls: list[str] = []  # per Chroma query: "where" or "plain"
    query_fn = filled.collection.query

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append("where" if kwargs.get("where") else "plain")
        return query_fn(*args, **kwargs)

    monkeypatch.setattr(filled.collection, "query", spy)
    queries = ["flight booking", "garden work", "money owed", "what did she say about dinner"]
    ways: dict[bool, set[tuple[str, ...]]] = {True: set(), False: set()}
    for spec in FILTERS:
        for query in queries:
            for k in (1, 2):
                monkeypatch.setattr(api, "POSTFILTER_CANDIDATES", 0)
                monkeypatch.setattr(api, "PERSON_POOLS", ())
                by_where = [c.chunk_id for c in filled.search(query, k=k, **spec)]
                calls.clear()
                monkeypatch.setattr(api, "POSTFILTER_CANDIDATES", candidates)
                monkeypatch.setattr(api, "PERSON_POOLS", (candidates, 2 * candidates))
                mixed = [c.chunk_id for c in filled.search(query, k=k, **spec)]
                assert mixed == by_where, (spec, query, k)
                ways["person" in spec and "since" not in spec].add(tuple(calls))
    # each way is taken: answered from the candidates alone, straight to Chroma's filtered
    # query, or (too few candidates pass) candidates first, then Chroma's filtered query
    assert ways[False] == {("plain",), ("where",), ("plain", "where")} - (
        {("plain", "where")} if candidates == 30 else set()
    )
    assert ways[True] == {("plain",), ("where",), ("plain", "where")}


def test_person_shortcut_reads_the_store_and_steps_aside_without_it(
    filled, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = filled.people_index
    carol = criteria(person="Carol")
    everything = filled.collection.get(include=["metadatas"])
    match = matcher(carol)
    carols = {i for i, m in zip(everything["ids"], everything["metadatas"], strict=True) if match(m)}
    assert index.share(INDEX_KEY, index_values(carol)) == pytest.approx(len(carols) / len(everything["ids"]))
    some = everything["ids"][:25] + ["no-such-chunk"]
    assert index.holders(INDEX_KEY, index_values(carol), some) == carols & set(some)
    typed = criteria(person="Carol", source_types=["message"])
    assert index.holders(INDEX_KEY, index_values(typed), everything["ids"]) == {
        i for i, m in zip(everything["ids"], everything["metadatas"], strict=True) if matcher(typed)(m)
    }
    # a store file without the expected tables (another Chroma version): no shortcut, same answer
    expected = [c.chunk_id for c in filled.search("flight", k=2, person="Carol")]
    broken = store.PeopleIndex(filled.store_dir, "no-such-collection")
    assert broken.share(INDEX_KEY, index_values(carol)) is None
    assert broken.holders(INDEX_KEY, index_values(carol), some) is None
    monkeypatch.setattr(filled, "people_index", broken)
    assert [c.chunk_id for c in filled.search("flight", k=2, person="Carol")] == expected
    assert store.PeopleIndex(None, "").share(INDEX_KEY, ["x"]) is None  # a server store


def test_person_shortcut_never_blocks_writes(filled) -> None:
    """The index reader shares Chroma's file (rollback journal): after it has read, writes, a
    forget and its scrub (VACUUM) still go through, and the shortcut sees the new state."""
    carol = criteria(person="Carol")
    share = filled.people_index.share(INDEX_KEY, index_values(carol))
    assert share
    assert filled.search("flight", k=2, person="Carol")
    total = filled.collection.count()
    filled.remember("A note that mentions nobody at all")
    # the cached chunk total follows the write (a stale one would leave the share unchanged)
    assert filled.people_index.share(INDEX_KEY, index_values(carol)) == pytest.approx(
        share * total / (total + 1)
    )
    filled.remember("Carol's new number ends in 4471", title="Carol")
    assert filled.forget(person="Carol") > 0
    assert filled.people_index.share(INDEX_KEY, index_values(carol)) == 0
    assert filled.search("flight", k=2, person="Carol") == []
    filled.remember("Bob Stone lent me his ladder")
    assert filled.search("ladder", k=1)[0].snippet.startswith("Bob Stone lent")
