"""The conversation store the UI's list uses: create, list, load, append, rename, delete."""

from __future__ import annotations

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


def test_bad_ids_and_broken_files() -> None:
    store = ConversationStore()
    for bad in ("../etc/passwd", "a/b", "", ".hidden"):
        with pytest.raises(HearthError):
            store.load(bad)
    store.append("ok", {"role": "user", "content": "x"})
    (store.folder / "broken.json").write_text("{not json")
    assert [c["id"] for c in store.list()] == ["ok"]  # a broken file is skipped, nothing lost
    with pytest.raises(HearthError, match="unreadable"):
        store.load("broken")
    with pytest.raises(HearthError, match="already exists"):
        store.create("again", conversation_id="ok")


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
