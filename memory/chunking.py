"""Split an item's units into overlapping chunks that fit the embedding model's window.

Units are the pieces an item is made of (paragraphs of a document or a mail, single messages of a
chat-day). Chunks pack whole units up to ``target`` WordPiece tokens and never cross an item, so
one mail or one conversation never bleeds into another. A unit longer than ``target`` is cut into
windows. Consecutive chunks share about ``overlap`` tokens (whole trailing units where they are
short).

Sizes are counted in the embedding model's own tokens, not words: a chat line such as
"[09:35] +15550000000: ok" is 3 words but 14 tokens, and chunks packed by words overflowed the
model's 256-token window, which silently drops the rest of the text from the vector.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

MODEL_WINDOW = 256  # all-MiniLM-L6-v2's max_seq_length, [CLS] and [SEP] included
TARGET_TOKENS = 200  # a chunk's text; with its item's title it stays inside the window
OVERLAP_TOKENS = 40
MIN_TARGET = 64  # however long the title, a chunk holds at least this much text
TITLE_CHARS = 500  # the title kept in a chunk's metadata, and embedded with it
CHUNKING = 2  # stored with every chunk; items chunked by an older rule are chunked again

Cost = Callable[[Sequence[str]], list[int]]


def embed_text(title: str, chunk: str) -> str:
    """What is embedded for a chunk: its item's (stored) title, then the chunk; the title once.

    Ingestion and reindexing both use this, so a reindex reproduces ingestion's vectors.
    """
    title = title[:TITLE_CHARS]
    return chunk if chunk.startswith(title) else f"{title}\n{chunk}"


class TokenCost:
    """WordPiece tokens of whitespace-separated words, as the embedding tokenizer counts them.

    BERT's pre-tokenizer splits at whitespace before anything else, so a text's token count is
    the sum of its words' counts. Counts are cached by word (personal text repeats its words).
    """

    MAX_CACHED = 200_000

    def __init__(self, tokenizer: object) -> None:
        self._tokenizer = tokenizer
        self._cache: dict[str, int] = {}
        self._lock = threading.Lock()

    def __call__(self, words: Sequence[str]) -> list[int]:
        with self._lock:
            cache = self._cache
            missing = list({w for w in words if w not in cache})
            if missing:
                if len(cache) + len(missing) > self.MAX_CACHED:
                    cache.clear()
                encodings = self._tokenizer.encode_batch(missing, add_special_tokens=False)  # type: ignore[attr-defined]
                for word, encoding in zip(missing, encodings, strict=True):
                    cache[word] = len(encoding.ids)
            return [cache[w] for w in words]

    def text(self, text: str) -> int:
        """Tokens of a whole text."""
        return sum(self(text.split()))


_default: TokenCost | None = None
_default_lock = threading.Lock()


def token_cost() -> TokenCost:
    """The shared counter over the bundled model's tokenizer (loaded once)."""
    global _default
    with _default_lock:
        if _default is None:
            from memory.embeddings import load_tokenizer

            tokenizer = load_tokenizer()
            tokenizer.no_truncation()
            _default = TokenCost(tokenizer)
        return _default


def chunk_target(title: str, cost: TokenCost | None = None) -> int:
    """The chunk size for an item with this title: the title is embedded with every chunk."""
    title_tokens = (cost or token_cost()).text(title[:TITLE_CHARS])
    return max(MIN_TARGET, min(TARGET_TOKENS, MODEL_WINDOW - 2 - title_tokens))


def _windows(words: list[str], costs: list[int], target: int, overlap: int) -> list[tuple[list[str], int]]:
    """Runs of ``words`` of at most ``target`` tokens (one word at least) sharing about
    ``overlap`` tokens, each with its token count."""
    out: list[tuple[list[str], int]] = []
    start = 0
    while True:
        end, size = start, 0
        while end < len(words) and (end == start or size + costs[end] <= target):
            size += costs[end]
            end += 1
        out.append((words[start:end], size))
        if end >= len(words):
            return out
        back, carried = end, 0
        while back - 1 > start and carried + costs[back - 1] <= overlap:
            back -= 1
            carried += costs[back]
        start = back


def chunk_units(
    units: list[str] | tuple[str, ...],
    target: int = TARGET_TOKENS,
    overlap: int = OVERLAP_TOKENS,
    cost: Cost | None = None,
) -> list[str]:
    """Pack ``units`` into chunks of at most ``target`` tokens with ``overlap`` tokens carried over.

    ``cost`` counts each word's tokens (default: the embedding model's tokenizer)."""
    count = cost or token_cost()
    pieces: list[tuple[list[str], int]] = []
    for unit in units:
        words = unit.split()
        if not words:
            continue
        costs = count(words)
        if sum(costs) > target:
            pieces.extend(_windows(words, costs, target, overlap))
        else:
            pieces.append((words, sum(costs)))
    chunks: list[str] = []
    current: list[tuple[list[str], int]] = []
    size = 0
    for piece in pieces:
        if current and size + piece[1] > target:
            chunks.append("\n".join(" ".join(words) for words, _ in current))
            carried: list[tuple[list[str], int]] = []
            carried_size = 0
            for prev in reversed(current):  # carry trailing whole units as overlap
                if carried_size + prev[1] > overlap:
                    break
                carried.insert(0, prev)
                carried_size += prev[1]
            if carried_size + piece[1] > target:
                carried, carried_size = [], 0
            current, size = carried, carried_size
        current.append(piece)
        size += piece[1]
    if current:
        chunks.append("\n".join(" ".join(words) for words, _ in current))
    return chunks
