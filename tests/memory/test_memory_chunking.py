from __future__ import annotations

from memory.chunking import chunk_units


def test_small_units_pack_without_crossing_items() -> None:
    units = [f"message {i} " + "word " * 10 for i in range(30)]
    chunks = chunk_units(units, target=50, overlap=12)
    assert len(chunks) > 3
    for chunk in chunks:
        assert len(chunk.split()) <= 50
        for line in chunk.split("\n"):  # messages are never cut in the middle
            assert line.startswith("message ") and len(line.split()) == 12
    # consecutive chunks share the last message (overlap by whole units)
    assert chunks[0].split("\n")[-1] == chunks[1].split("\n")[0]
    everything = "\n".join(chunks)
    assert all(f"message {i} " in everything for i in range(30))


def test_long_unit_is_windowed_with_overlap() -> None:
    words = [f"w{i}" for i in range(500)]
    chunks = chunk_units([" ".join(words)], target=100, overlap=20)
    assert all(len(c.split()) <= 100 for c in chunks)
    assert chunks[0].split()[-20:] == chunks[1].split()[:20]
    assert chunks[-1].split()[-1] == "w499"
    assert chunk_units(["", "   "]) == []
