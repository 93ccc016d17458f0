from __future__ import annotations

from memory.chunking import MODEL_WINDOW, TARGET_TOKENS, chunk_target, chunk_units, embed_text, token_cost
from memory.embeddings import load_tokenizer


def one_per_word(words):  # noqa: ANN001, ANN201
    return [1] * len(words)


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
    chunks = chunk_units([" ".join(words)], target=100, overlap=20, cost=one_per_word)
    assert all(len(c.split()) == 100 for c in chunks[:-1])
    assert chunks[0].split()[-20:] == chunks[1].split()[:20]
    assert chunks[-1].split()[-1] == "w499"
    assert chunk_units(["", "   "]) == []
    # one word longer than the target still becomes a chunk of its own
    assert chunk_units(["x" * 50, "short"], target=3, overlap=1, cost=lambda ws: [len(w) for w in ws]) == [
        "x" * 50,
        "short",
    ]


def test_token_counts_are_the_model_tokenizers() -> None:
    tokenizer = load_tokenizer()
    texts = ["[09:35] +15550000000: Doctor's at 3pm, don't forget!", "Ünïcödé naïve café 👍 x", ""]
    for text in texts:
        assert token_cost().text(text) == len(tokenizer.encode(text).ids) - 2  # [CLS], [SEP]


def test_chat_lines_fit_the_models_window_with_their_title() -> None:
    """Chat lines are short in words and long in tokens: chunks are sized in tokens, so nothing
    of a chat-day falls past the 256-token window the model sees."""
    title = (
        "Messages with Alexandra Konstantinopoulou-Smythe, Bartholomew O'Donnell-Reyes, Chiara "
        "Bevilacqua, Dmitri Vasilyevich, Eun-ji Park-Hwang and +44 7700 900123 in Lisbon trip 2024: "
        "flights, hotels, the dinner on Friday at Cervejaria Ramiro on 2024-03-05"
    )
    lines = [
        f"[{9 + i // 60:02d}:{i % 60:02d}] +447700900123: meet at 10:30 by gate B12 (ref #QX7P2L)"
        for i in range(80)
    ]
    target = chunk_target(title)
    assert target < TARGET_TOKENS  # the long title leaves less room
    chunks = chunk_units(lines, target=target)
    tokenizer = load_tokenizer()
    tokenizer.no_truncation()
    for chunk in chunks:
        assert len(tokenizer.encode(embed_text(title, chunk)).ids) <= MODEL_WINDOW
    assert set("\n".join(chunks).split("\n")) == set(lines)  # every line is in some chunk
    assert len(chunks) > 80 * 25 // TARGET_TOKENS  # ~25 tokens a line: far more than 160 words a chunk
