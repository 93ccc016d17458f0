"""The conversation store the UI's list uses: create, list, load, append, rename, delete."""

from __future__ import annotations

import json

import pytest

from app.conversations import ConversationStore
from app.events import HearthError


def test_conversation_lifecycle() -> None:
    store = ConversationStore()
    assert store.list() == []
    cid = store.create("Trip planning")
    store.append(cid, {"role": "user", "content": "Where to?"})
    store.append(cid, {"role": "assistant", "content": "Lisbon."}, untrusted_sources=("web: x",))
    data = store.load(cid)
    assert data["title"] == "Trip planning" and [m["role"] for m in data["messages"]] == ["user", "assistant"]
    assert data["untrusted_sources"] == ["web: x"]
    store.rename(cid, "Lisbon")
    assert store.list()[0]["title"] == "Lisbon" and store.list()[0]["messages"] == 2
    store.append("new-one", {"role": "user", "content": "hello there"})
    assert store.load("new-one")["title"] == "hello there"
    assert store.delete(cid) and not store.delete(cid)
    assert [c["id"] for c in store.list()] == ["new-one"]


def test_bad_ids() -> None:
    store = ConversationStore()
    for bad in ("../etc/passwd", "a/b", "", ".hidden"):
        with pytest.raises(HearthError):
            store.load(bad)
    store.append("ok", {"role": "user", "content": "x"})
    with pytest.raises(HearthError, match="already exists"):
        store.create("again", conversation_id="ok")
    with pytest.raises(HearthError, match="no conversation"):
        store.load("missing")


def test_json_conversations_move_in_once_and_nothing_is_lost() -> None:
    """The older one-file-per-conversation layout is imported on first open; a file that does
    not parse is kept (renamed), never deleted."""
    store = ConversationStore()
    store.folder.mkdir(parents=True, exist_ok=True)
    old = {"id": "old-1", "title": "From before", "created": 100.0, "updated": 200.0,
           "untrusted_sources": ["mail: a"],
           "messages": [{"ts": 1.0, "role": "user", "content": "hi"}, {"ts": 2.0, "role": "assistant", "content": "hello"}]}
    (store.folder / "old-1.json").write_text(json.dumps(old))
    (store.folder / "broken.json").write_text("{not json")
    assert [c["id"] for c in store.list()] == ["old-1"]
    assert store.load("old-1") == old
    assert not (store.folder / "old-1.json").exists()
    assert (store.folder / "broken.json.unreadable").read_text() == "{not json"
    # a crash after the import committed but before the file went: the next open imports nothing twice
    (store.folder / "old-1.json").write_text(json.dumps(old))
    again = ConversationStore()
    assert again.count("old-1") == 2 and not (store.folder / "old-1.json").exists()


def test_truncate_drops_the_tail_and_keeps_what_was_untrusted() -> None:
    store = ConversationStore()
    store.append("c", {"role": "user", "content": "one"})
    store.append("c", {"role": "user", "content": "two"}, untrusted_sources=("mail: x",))
    store.append("c", {"role": "assistant", "content": "three"})
    assert store.count("c") == 3 and store.count("missing") == 0
    store.truncate("c", 1)
    data = store.load("c")
    assert [m["content"] for m in data["messages"]] == ["one"] and data["untrusted_sources"] == ["mail: x"]
    store.truncate("c", 5)  # nothing beyond the end
    assert len(store.load("c")["messages"]) == 1
    store.truncate("c", 0)
    assert not store.exists("c")
    store.truncate("missing", 0)  # no such conversation: nothing to do


def test_a_deleted_conversation_leaves_no_text_in_the_database_files() -> None:
    store = ConversationStore()
    store.append("keep", {"role": "user", "content": "the bins go out on Thursday"})
    store.append("secret", {"role": "user", "content": "my locker code is ZEPHYR4421"})
    store.append("secret", {"role": "assistant", "content": "noted"})
    store.append("partly", {"role": "user", "content": "hello"})
    store.append("partly", {"role": "assistant", "content": "the answer is MARMOT7730"})

    def on_disk(token: str) -> list[str]:
        return [p.name for p in store.folder.iterdir() if token.encode() in p.read_bytes()]

    assert on_disk("ZEPHYR4421") and on_disk("MARMOT7730")
    assert store.delete("secret")
    store.truncate("partly", 1)
    assert on_disk("ZEPHYR4421") == [] and on_disk("MARMOT7730") == []
    assert store.load("keep")["messages"][0]["content"] == "the bins go out on Thursday"
