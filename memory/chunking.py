"""Split an item's units into overlapping chunks that fit the embedding model.

Units are the pieces an item is made of (paragraphs of a document or a mail, single messages of a
chat-day). Chunks pack whole units up to ``target`` words and never cross an item, so one mail or
one conversation never bleeds into another. A unit longer than ``target`` is cut into windows.
Consecutive chunks share about ``overlap`` words (whole trailing units where they are short).
"""

from __future__ import annotations

TARGET_WORDS = 160  # about 210 WordPiece tokens: under MiniLM's 256-token window
OVERLAP_WORDS = 32
TITLE_CHARS = 500  # the title kept in a chunk's metadata, and embedded with it


def embed_text(title: str, chunk: str) -> str:
    """What is embedded for a chunk: its item's (stored) title, then the chunk; the title once.

    Ingestion and reindexing both use this, so a reindex reproduces ingestion's vectors.
    """
    title = title[:TITLE_CHARS]
    return chunk if chunk.startswith(title) else f"{title}\n{chunk}"


def _windows(words: list[str], target: int, overlap: int) -> list[str]:
    step = max(1, target - overlap)
    out = []
    for start in range(0, len(words), step):
        out.append(" ".join(words[start : start + target]))
        if start + target >= len(words):
            break
    return out


def chunk_units(
    units: list[str] | tuple[str, ...], target: int = TARGET_WORDS, overlap: int = OVERLAP_WORDS
) -> list[str]:
    """Pack ``units`` into chunks of at most about ``target`` words with ``overlap`` words carried over."""
    pieces: list[list[str]] = []
    for unit in units:
        words = unit.split()
        if not words:
            continue
        if len(words) > target:
            pieces.extend(w.split(" ") for w in _windows(words, target, overlap))
        else:
            pieces.append(words)
    chunks: list[str] = []
    current: list[list[str]] = []
    size = 0
    for piece in pieces:
        if current and size + len(piece) > target:
            chunks.append("\n".join(" ".join(p) for p in current))
            carried: list[list[str]] = []
            carried_size = 0
            for prev in reversed(current):  # carry trailing whole units as overlap
                if carried_size + len(prev) > overlap:
                    break
                carried.insert(0, prev)
                carried_size += len(prev)
            if carried_size + len(piece) > target:
                carried, carried_size = [], 0
            current, size = carried, carried_size
        current.append(piece)
        size += len(piece)
    if current:
        chunks.append("\n".join(" ".join(p) for p in current))
    return chunks
