"""Memory benchmark: synthetic personal corpus -> ingest throughput, query latency, embedding speed.

    .venv/bin/python bench/memory.py --chunks 100000

Generates mail (mbox), messages (chat.db), notes (.md) and events (.ics) with realistic sizes
until the corpus chunks to about ``--chunks`` chunks, then in one run measures: ingestion
throughput (items/s, chunks/s) per source and overall; query latency p50/p95 (query embedding
included, and the Chroma part alone) at 10k chunks and at the full size; compaction (the index
rebuild a forget may run) on the real chunks, and at the synthetic size with searches running
beside it; and the embedding
throughput of the ONNX and MLX back ends side by side on the same chunk texts. Prints a Markdown
table and writes JSON next to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [
    "the",
    "a",
    "to",
    "and",
    "of",
    "in",
    "for",
    "on",
    "with",
    "at",
    "from",
    "by",
    "about",
    "meeting",
    "project",
    "dinner",
    "weekend",
    "family",
    "school",
    "doctor",
    "invoice",
    "payment",
    "flight",
    "hotel",
    "train",
    "ticket",
    "birthday",
    "party",
    "garden",
    "kitchen",
    "car",
    "insurance",
    "bank",
    "account",
    "report",
    "deadline",
    "review",
    "budget",
    "plan",
    "idea",
    "book",
    "movie",
    "concert",
    "recipe",
    "coffee",
    "lunch",
    "walk",
    "run",
    "gym",
    "call",
    "email",
    "message",
    "photo",
    "trip",
    "beach",
    "mountain",
    "city",
    "office",
    "team",
    "client",
    "contract",
    "lease",
    "rent",
    "apartment",
    "tomorrow",
    "today",
    "yesterday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "morning",
    "evening",
    "please",
    "thanks",
    "great",
    "sounds",
    "good",
    "sure",
    "maybe",
    "later",
    "soon",
    "remember",
    "forgot",
    "need",
    "want",
    "think",
    "know",
    "like",
    "love",
]
PEOPLE = [
    f"{first} {last}"
    for first in ("Alice", "Bob", "Carol", "Dan", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy")
    for last in ("Smith", "Jones", "Brown", "Lee", "Garcia")
]
QUERIES = [
    "when is the dentist appointment",
    "flight to lisbon booking",
    "what did mom say about the weekend",
    "rent payment for the apartment",
    "birthday party plans",
    "project deadline next week",
    "car insurance renewal",
    "recipe for dinner",
    "concert tickets",
    "meeting notes with the client",
]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def paragraph(rng: random.Random, words: int) -> str:
    out, left = [], words
    while left > 0:
        n = min(left, rng.randint(6, 18))
        out.append(sentence(rng, n))
        left -= n
    return " ".join(out)


def make_corpus(
    folder: Path, target_chunks: int, seed: int = 7, tag: str = "a"
) -> dict[str, tuple[Path, str]]:
    """Mail ~35%, messages ~30%, notes ~30%, events ~5% of the chunks."""
    from memory.chunking import chunk_units

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2022, 1, 1, tzinfo=UTC)
    budget = {"mail": 0.35, "messages": 0.30, "notes": 0.30, "events": 0.05}
    # mail: 40-600 word bodies, a few long ones
    mbox = folder / "mail.mbox"
    chunks = 0
    with mbox.open("wb") as handle:
        i = 0
        while chunks < target_chunks * budget["mail"]:
            words = int(min(2500, rng.lognormvariate(5.0, 0.8)))
            paras = [paragraph(rng, max(5, words // 4)) for _ in range(4)]
            msg = EmailMessage()
            msg["From"] = f"{rng.choice(PEOPLE)} <{rng.choice(WORDS)}{i}@example.com>"
            msg["To"] = "Me <me@example.com>"
            msg["Subject"] = sentence(rng, rng.randint(3, 8))
            msg["Date"] = format_datetime(start + timedelta(minutes=37 * i))
            msg["Message-ID"] = f"<bench-{tag}-{i}@example.com>"
            msg.set_content("\n\n".join(paras))
            handle.write(
                b"From bench Tue Mar  5 09:30:00 2024\n"
                + msg.as_bytes().replace(b"\nFrom ", b"\n>From ")
                + b"\n\n"
            )
            chunks += len(chunk_units([f"header {i}", *paras]))
            i += 1
    # messages: chat-days of 3-60 short messages
    db = folder / "chat.db"
    con = sqlite3.connect(db)
    con.executescript(
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
        "CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, guid TEXT, chat_identifier TEXT, display_name TEXT);"
        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, attributedBody BLOB, handle_id INTEGER,"
        " date INTEGER, is_from_me INTEGER);"
        "CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);"
    )
    apple = datetime(2001, 1, 1, tzinfo=UTC)
    target = chunks + target_chunks * budget["messages"]
    day, rowid = 0, 0
    for h in range(40):
        con.execute("INSERT INTO handle VALUES (?, ?)", (h + 1, f"+1555{h:07d}"))
        con.execute("INSERT INTO chat VALUES (?, ?, ?, ?)", (h + 1, f"chat-{tag}-{h}", f"+1555{h:07d}", ""))
    while chunks < target:
        chat = rng.randint(1, 40)
        when = start + timedelta(days=day // 40, hours=rng.randint(7, 22))
        units = []
        for _ in range(rng.randint(3, 60)):
            rowid += 1
            text = sentence(rng, rng.randint(2, 25))
            units.append(text)
            stamp = int((when - apple).total_seconds() * 1e9)
            con.execute(
                "INSERT INTO message VALUES (?, ?, ?, NULL, ?, ?, ?)",
                (rowid, f"m{rowid}", text, chat, stamp, rowid % 3 == 0),
            )
            con.execute("INSERT INTO chat_message_join VALUES (?, ?)", (chat, rowid))
            when += timedelta(minutes=rng.randint(1, 20))
        chunks += len(chunk_units([f"[00:00] +1555: {u}" for u in units]))
        day += 1
    con.commit()
    con.close()
    # notes: 80-3000 words of Markdown
    notes = folder / "notes"
    notes.mkdir(exist_ok=True)
    target = chunks + target_chunks * budget["notes"]
    i = 0
    while chunks < target:
        words = int(min(3000, rng.lognormvariate(5.8, 0.8)))
        paras = [paragraph(rng, rng.randint(20, 120)) for _ in range(max(1, words // 70))]
        (notes / f"note-{i:05d}.md").write_text(
            f"# {sentence(rng, 4)}\n\n" + "\n\n".join(paras), encoding="utf-8"
        )
        chunks += len(chunk_units(paras))
        i += 1
    # events: single events (recurrence is the connector test's job)
    ics = folder / "calendar.ics"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    n_events = max(1, int(target_chunks * budget["events"]))
    now = datetime.now(UTC)
    for e in range(n_events):
        when = now - timedelta(days=300) + timedelta(hours=7 * e)
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{tag}-{e}",
            f"DTSTART:{when.strftime('%Y%m%dT%H%M%SZ')}",
            f"SUMMARY:{sentence(rng, 4)}",
            f"DESCRIPTION:{paragraph(rng, rng.randint(5, 60))}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    ics.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return {
        "mail": (mbox, "mbox"),
        "messages": (db, "imessage"),
        "notes": (notes, "documents"),
        "events": (ics, "ics"),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def query_latency(memory, n: int = 100) -> dict[str, float]:
    """p50/p95 of a full search (query embedding + Chroma) and of the Chroma query alone."""
    full, store_only = [], []
    vectors = memory.embedding_function([QUERIES[i % len(QUERIES)] for i in range(len(QUERIES))])
    for i in range(n):
        q = QUERIES[i % len(QUERIES)]
        t = time.perf_counter()
        memory.search(q, k=4)
        full.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        memory.collection.query(query_embeddings=[vectors[i % len(QUERIES)]], n_results=16)
        store_only.append((time.perf_counter() - t) * 1000)
    return {
        "p50_ms": percentile(full, 0.5),
        "p95_ms": percentile(full, 0.95),
        "store_p50_ms": percentile(store_only, 0.5),
        "store_p95_ms": percentile(store_only, 0.95),
    }


def embedding_throughput(texts: list[str], rounds: int = 2) -> dict[str, float]:
    """Chunks/s of the fused ONNX graph, the bundled ONNX export and MLX on the same texts.

    The back ends take turns for ``rounds`` rounds and each keeps its best round, so a burst of
    load from elsewhere on the machine hits them alike. Also reports tokens per chunk."""
    from memory.embed_choice import measure
    from memory.embeddings import OnnxEncoder, get_encoder

    makers = {
        "onnx": lambda: get_encoder("onnx"),
        "onnx_export": lambda: OnnxEncoder(graph="export"),
        "mlx": lambda: get_encoder("mlx"),
    }
    encoders = {}
    for name, make in makers.items():
        try:
            encoders[name] = make()
        except Exception as exc:  # an unavailable back end is reported, not fatal
            print(f"{name}: unavailable ({exc})", file=sys.stderr)
    out: dict[str, float] = {}
    for _ in range(rounds):
        for name, encoder in encoders.items():
            out[name] = max(out.get(name, 0.0), measure(encoder, texts))
    if "onnx" in encoders:
        print(f"onnx graph: {getattr(encoders['onnx'], 'graph', '?')}", file=sys.stderr)
    out["tokens_per_chunk"] = count_tokens(texts) / max(1, len(texts))
    return out


def spread_sample(memory, n: int) -> list[str]:
    """About ``n`` stored chunk texts taken evenly across the store (every source, not the first)."""
    total = memory.collection.count()
    pages, out = 8, []
    for i in range(pages):
        got = memory.collection.get(
            limit=max(1, n // pages), offset=i * total // pages, include=["documents"]
        )
        out.extend(got["documents"])
    return out


def count_tokens(texts: list[str]) -> int:
    """WordPiece tokens the model sees (truncated at 256), as the encoders count them."""
    from memory.embeddings import load_tokenizer

    tokenizer = load_tokenizer()
    return sum(len(e.ids) for e in tokenizer.encode_batch(texts))


def stored_tokens(memory) -> int:
    """Tokens of every stored chunk's text (the title embedded with a chunk is not counted)."""
    total, offset = 0, 0
    while True:
        page = memory.collection.get(limit=5000, offset=offset, include=["documents"])["documents"]
        if not page:
            return total
        total += count_tokens(page)
        offset += len(page)


def synthetic_people(rng: random.Random, source_type: str) -> dict:
    """People metadata as ingestion writes it: mail and messages involve 1-3 of 50 people, and
    one in 500 also one of 10 rare people (about 10 chunks each at 100k)."""
    from memory.filters import LEGACY_KEY, people_index, person_keys

    if source_type not in ("mail", "message"):
        return {}
    people = [
        f"{p} <{p.lower().replace(' ', '.')}@example.com>" for p in rng.sample(PEOPLE, rng.randint(1, 3))
    ]
    if rng.random() < 0.002:
        people.append(f"Zed Rare{rng.randrange(10)} <zed@rare.example>")
    # LEGACY_KEY too, only so that the filter of older stores can be timed side by side
    return {
        "people": people,
        "people_index": people_index(people, source_type),
        LEGACY_KEY: person_keys(people),
    }


def legacy_where(*, source_types=None, person=None, **rest):  # noqa: ANN001, ANN202
    """The person filter before people_index: source_type $in AND $contains on plain keys."""
    from memory.filters import build_where

    where = build_where(source_types=source_types, **rest)
    if not person:
        return where
    clause = {"people_keys": {"$contains": person.strip().lower()}}
    return clause if where is None else {"$and": [where, clause]}


def filtered_latency(memory, n: int) -> dict[str, float]:
    """p50/p95 of filtered searches through ``Memory.search``: by source type, by person (full
    name, first name or address) with and without a source type. Variants, interleaved query by
    query so all see the same load and caches: "" the current search (see ``Memory.search``),
    "where_" Chroma's filtered query alone (no nearest-chunks shortcut, for persons either), "legacy_" the older ``where`` (``source_type $in``
    AND ``$contains`` over plain ``people_keys``) in Chroma's filtered query."""
    import memory.api as api

    current, candidates, pools = api.build_where, api.POSTFILTER_CANDIDATES, api.PERSON_POOLS
    variants = (
        ("", current, candidates, pools),
        ("where_", current, 0, ()),
        ("legacy_", legacy_where, 0, ()),
    )
    times: dict[str, list[float]] = {}
    try:
        cases = (
            ("source", ["mail"], False),
            ("filtered", ["mail"], True),
            ("person", None, True),
            ("rare", ["mail"], True),
        )
        for name, types, by_person in cases:
            for i in range(n):
                who = PEOPLE[i % len(PEOPLE)]
                person = (who, who.split()[0], who.lower().replace(" ", ".") + "@example.com")[i % 3]
                if name == "rare":
                    person = f"Zed Rare{i % 10}"
                for label, builder, first, person_pools in variants[: 2 if not by_person else 3]:
                    api.build_where, api.POSTFILTER_CANDIDATES, api.PERSON_POOLS = (
                        builder,
                        first,
                        person_pools,
                    )
                    start = time.perf_counter()
                    memory.search(
                        QUERIES[i % len(QUERIES)],
                        k=4,
                        source_types=types,
                        person=person if by_person else None,
                    )
                    times.setdefault(f"{name}_{label}", []).append((time.perf_counter() - start) * 1000)
    finally:
        api.build_where, api.POSTFILTER_CANDIDATES, api.PERSON_POOLS = current, candidates, pools
    out: dict[str, float] = {}
    for key, t in times.items():
        out[f"{key}p50_ms"] = percentile(t, 0.5)
        out[f"{key}p95_ms"] = percentile(t, 0.95)
    return out


def synthetic_query_bench(
    memory, total: int, sample_texts: list[str], queries: int
) -> dict[str, dict[str, float]]:
    """Query latency at 10k and ``total`` chunks without paying for embedding them all.

    The real model embeds ``sample_texts`` once; the store is then filled with jittered copies of
    those vectors (re-normalised) carrying realistic metadata. Chroma's search cost depends on the
    number and dimension of vectors, not on where they came from; the query itself is embedded
    by the real model inside ``memory.search``.
    """
    import numpy as np

    rng = np.random.default_rng(3)
    prng = random.Random(3)
    base = np.asarray(memory.embedding_function(sample_texts), dtype=np.float32)
    out: dict[str, dict[str, float]] = {}
    written = memory.collection.count()
    checkpoints = sorted({min(10_000, total), total})
    kinds = ("mail", "message", "document", "calendar")
    for checkpoint in checkpoints:
        while written < checkpoint:
            n = min(2000, checkpoint - written)
            picks = rng.integers(0, len(base), n)
            vecs = base[picks] + rng.normal(0, 0.05, (n, base.shape[1])).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            ids = [f"syn-{written + j}" for j in range(n)]
            metas = [
                synthetic_people(prng, kinds[(written + j) % 4])
                | {
                    "item_id": f"syn{(written + j) // 3}",
                    "item_hash": "x",
                    "chunk": 0,
                    "n_chunks": 1,
                    "source_type": kinds[(written + j) % 4],
                    "kind": "bench",
                    "root": "synthetic",
                    "path": "",
                    "title": "synthetic",
                    "date": "",
                    "ts": 1_600_000_000 + (written + j) * 600,
                    "trusted": False,
                    "group": f"syn{(written + j) // 3}",
                    "thread": "",
                }
                for j in range(n)
            ]
            docs = [sample_texts[int(i)] for i in picks]
            memory.collection.add(ids=ids, embeddings=vecs.tolist(), documents=docs, metadatas=metas)
            written += n
        row = query_latency(memory, queries)
        row.update(filtered_latency(memory, queries))
        out[f"{written}_chunks"] = {k: round(v, 1) for k, v in row.items()}
        print(f"query latency at {written} chunks: {out[f'{written}_chunks']}", file=sys.stderr)
    return out


def compaction_at_scale(memory, queries: int) -> dict[str, float]:
    """Forget a day of the synthetic chunks (too many chunks for forget to compact at once), then
    compact while searching without pause: the compaction's time at full size, and search latency
    while it copies beside searches, next to search latency just before."""
    import threading

    # synthetic chunk n is dated 1_600_000_000 + 600 n: a day from the middle holds 144 of them
    day = datetime.fromtimestamp(1_600_000_000 + memory.collection.count() // 2 * 600, UTC).date().isoformat()
    forgotten = memory.forget(since=day, until=day)
    before = query_latency(memory, queries)
    during: list[float] = []
    done = threading.Event()
    took: list[float] = []

    def run() -> None:
        t = time.perf_counter()
        memory.compact()
        took.append(time.perf_counter() - t)
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    i = 0
    while not done.is_set():
        t = time.perf_counter()
        memory.search(QUERIES[i % len(QUERIES)], k=4)
        during.append((time.perf_counter() - t) * 1000)
        i += 1
    worker.join()
    chunks = memory.collection.count()
    row = {
        "chunks": chunks,
        "forgotten": forgotten,
        "seconds": round(took[0], 1),
        "chunks_per_s": round(chunks / took[0], 1),
        "searches_during": len(during),
        "search_p50_ms_before": round(before["p50_ms"], 1),
        "search_p95_ms_before": round(before["p95_ms"], 1),
        "search_p50_ms_during": round(percentile(during or [0.0], 0.5), 1),
        "search_p95_ms_during": round(percentile(during or [0.0], 0.95), 1),
        "search_max_ms_during": round(max(during or [0.0]), 1),
        "vectors_pending_after": memory.vectors_pending(),
    }
    print(f"compaction at {chunks} chunks: {row}", file=sys.stderr)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--embedding", default="auto", choices=("auto", "onnx", "mlx"))
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--embed-sample", type=int, default=512, help="chunks used to compare the back ends")
    parser.add_argument(
        "--synthetic-query-chunks",
        type=int,
        default=0,
        help="also measure query latency with this many stored chunks, filled with jittered real vectors",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "memory.json"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hearth-bench-memory-"))
    os.environ["HEARTH_HOME"] = str(work / "home")
    from app.config import MemorySettings
    from app.paths import get_paths
    from memory.api import open_memory

    t = time.perf_counter()
    first = min(10_000, args.chunks)
    parts = [make_corpus(work / "corpus-a", first, seed=1, tag="a")]
    if args.chunks > first:
        parts.append(make_corpus(work / "corpus-b", args.chunks - first, seed=2, tag="b"))
    print(f"corpus generated in {time.perf_counter() - t:.1f} s under {work}", file=sys.stderr)

    memory = open_memory(get_paths(), MemorySettings(embedding=args.embedding))
    # a one-time cost (the fused graph is built and cached at first use), not part of chunks/s
    t = time.perf_counter()
    memory.embedding_function(["warm up"])
    embedding_ready_s = round(time.perf_counter() - t, 1)
    print(f"embedding model ready in {embedding_ready_s} s", file=sys.stderr)
    results: dict = {
        "machine": f"{os.cpu_count()} CPUs, {sys.platform}",
        "embedding": memory.backend,
        "target_chunks": args.chunks,
        "embedding_ready_s": embedding_ready_s,
        "ingest": {},
        "query": {},
    }
    total_items = total_chunks = 0
    total_s = 0.0
    for part in parts:
        for name in ("events", "notes", "mail", "messages"):
            path, kind = part[name]
            before = memory.collection.count()
            t = time.perf_counter()
            report = memory.ingest_path(path, kind=kind)
            seconds = time.perf_counter() - t
            chunks = memory.collection.count() - before
            row = results["ingest"].setdefault(name, {"items": 0, "chunks": 0, "seconds": 0.0})
            row["items"] += report.added
            row["chunks"] += chunks
            row["seconds"] = round(row["seconds"] + seconds, 1)
            row["items_per_s"] = round(row["items"] / max(row["seconds"], 1e-9), 1)
            row["chunks_per_s"] = round(row["chunks"] / max(row["seconds"], 1e-9), 1)
            print(f"{name}: {report.added} items, {chunks} chunks in {seconds:.1f} s", file=sys.stderr)
            total_items += report.added
            total_chunks += chunks
            total_s += seconds
        if len(parts) > 1 and part is parts[0]:
            results["query"][f"{memory.collection.count()}_chunks"] = query_latency(memory, args.queries)
    results["ingest"]["total"] = {
        "items": total_items,
        "chunks": total_chunks,
        "seconds": round(total_s, 1),
        "items_per_s": round(total_items / total_s, 1),
        "chunks_per_s": round(total_chunks / total_s, 1),
    }
    tokens = stored_tokens(memory)  # counted after the clock stopped
    results["ingest"]["total"]["tokens_per_chunk"] = round(tokens / max(1, total_chunks), 1)
    results["ingest"]["total"]["tokens_per_s"] = round(tokens / total_s)
    results["ingest"]["total"]["extrapolated_100k_chunks_min"] = round(
        100_000 / (total_chunks / total_s) / 60, 1
    )
    results["query"][f"{memory.collection.count()}_chunks"] = query_latency(memory, args.queries)
    t = time.perf_counter()
    memory.ingest_path(parts[0]["mail"][0], kind="mbox")
    results["reingest_unchanged_mail_s"] = round(time.perf_counter() - t, 1)
    from memory import api

    limit, api.AUTO_COMPACT_CHUNKS = api.AUTO_COMPACT_CHUNKS, 0  # forget leaves compaction to us
    memory.forget(item_id=memory.search(QUERIES[0], k=1)[0].item_id)
    api.AUTO_COMPACT_CHUNKS = limit
    t = time.perf_counter()
    kept = memory.compact().updated  # what a forget costs when it rebuilds the index
    seconds = time.perf_counter() - t
    results["compact"] = {
        "chunks": kept,
        "seconds": round(seconds, 1),
        "chunks_per_s": round(kept / seconds, 1),
        "extrapolated_100k_chunks_s": round(100_000 / (kept / seconds)),
    }
    sample = memory.collection.get(limit=args.embed_sample, include=["documents"])["documents"]
    embed_sample = spread_sample(memory, args.embed_sample)  # before synthetic chunks are added
    if args.synthetic_query_chunks:
        results["query_synthetic"] = synthetic_query_bench(
            memory, args.synthetic_query_chunks, sample, args.queries
        )
        results["compact_synthetic"] = compaction_at_scale(memory, args.queries)
    memory.close()
    results["embedding_chunks_per_s"] = {
        k: round(v, 1) for k, v in embedding_throughput(embed_sample).items()
    }

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
