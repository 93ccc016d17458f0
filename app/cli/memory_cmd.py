"""``hearth memory ingest|search|forget|compact|stats|remember|reindex``: the personal memory, headless."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from app.events import Event, HearthError, IngestFinished, IngestProgress


def _open() -> Any:
    from memory.api import open_memory

    return open_memory()


class ProgressBar:
    """A one-line progress bar on stderr, drawn from IngestProgress events."""

    def __init__(self, stream: Any = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.drawn = False

    def __call__(self, event: Event) -> None:
        if not isinstance(event, IngestProgress) or not self.stream.isatty():
            return
        total = max(event.total, 1)
        frac = min(event.done / total, 1.0)
        filled = int(frac * self.width)
        rate = event.done / max(time.monotonic() - self.started, 1e-6)
        line = f"\r[{'#' * filled}{'.' * (self.width - filled)}] {event.done}/{event.total} {rate:5.1f}/s {event.current[:40]:<40}"
        self.stream.write(line)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _with_progress(job: Callable[[ProgressBar], IngestFinished]) -> tuple[IngestFinished, float]:
    """Run a long memory job with a progress bar; its report and the seconds it took."""
    bar = ProgressBar()
    started = time.monotonic()
    try:
        finished = job(bar)
    finally:
        bar.close()
    return finished, time.monotonic() - started


def _print_report(finished: IngestFinished, seconds: float) -> None:
    print(
        f"{finished.source}: {finished.added} added, {finished.updated} updated, "
        f"{finished.removed} removed, {finished.skipped} skipped ({seconds:.1f} s)"
    )
    for reason in finished.skipped_reasons:
        print(f"  skipped: {reason}")


def cmd_ingest(args: argparse.Namespace) -> int:
    from memory.connectors.imessage import DEFAULT_DB

    targets: list[tuple[str, str | None]] = []
    for path in args.paths:
        targets.append((path, args.kind))
    for flag in ("mbox", "maildir", "eml", "ics", "vcf"):
        for path in getattr(args, flag) or []:
            targets.append((path, flag))
    if args.imessage is not None:
        targets.append((args.imessage or str(DEFAULT_DB), "imessage"))
    if not targets:
        raise HearthError("say what to ingest: a PATH, or --mbox/--maildir/--eml/--ics/--vcf/--imessage")
    memory = _open()
    try:
        for path, chosen in targets:
            finished, seconds = _with_progress(
                lambda bar: memory.ingest_path(path, kind=chosen, on_event=bar)  # noqa: B023 - run at once
            )
            if args.json:
                print(json.dumps(finished.to_dict()))
            else:
                _print_report(finished, seconds)
        pending = memory.vectors_pending()
    finally:
        memory.close()
    if not args.json:  # changed and vanished items leave vectors as forgotten ones do
        _print_pending(pending)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    memory = _open()
    try:
        results = memory.search(
            args.query,
            k=args.k,
            source_types=args.source or None,
            since=args.since,
            until=args.until,
            person=args.person,
        )
    finally:
        memory.close()
    if args.json:
        for citation in results:
            print(json.dumps(citation.to_dict()))
        return 0
    if not results:
        print("nothing found")
    for n, c in enumerate(results, 1):
        trust = "" if c.trusted else "  [third-party]"
        print(f"{n}. {c.title}  ({c.source_type}, {c.date[:10] or 'undated'}, score {c.score:.2f}){trust}")
        if c.people:
            print(f"   people: {', '.join(c.people[:5])}")
        print(f"   {c.snippet}")
        print(f"   source: {c.path or c.item_id}  item: {c.item_id}")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    if not any((args.item, args.source_type, args.person, args.since, args.until, args.path)):
        raise HearthError("say what to forget: --item, --source-type, --person, --since/--until or --path")
    memory = _open()
    try:
        removed = memory.forget(
            item_id=args.item,
            source_type=args.source_type,
            person=args.person,
            since=args.since,
            until=args.until,
            source_path=args.path,
        )
        pending = memory.vectors_pending()
    finally:
        memory.close()
    if args.json:
        print(json.dumps({"removed_chunks": removed, "vectors_pending": pending}))
        return 0
    print(f"forgot {removed} chunk(s)")
    _print_pending(pending)
    return 0


def _print_pending(pending: int) -> None:
    if pending:
        print(
            f"{pending} deleted chunk(s) still have their vector (not their text) in the vector "
            "index, marked deleted: `hearth memory compact` drops them (the app does it when idle)"
        )


def cmd_compact(args: argparse.Namespace) -> int:
    memory = _open()
    try:
        finished, seconds = _with_progress(lambda bar: memory.compact(on_event=bar))
    finally:
        memory.close()
    if args.json:
        print(json.dumps({**finished.to_dict(), "seconds": round(seconds, 1)}))
        return 0
    print(
        f"rebuilt the vector index from {finished.updated} chunk(s); "
        f"{finished.removed} forgotten vector(s) dropped ({seconds:.1f} s)"
    )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    memory = _open()
    try:
        stats = memory.stats()
        sources = memory.sources()
    finally:
        memory.close()
    if args.json:
        print(json.dumps({**stats, "source_list": sources}))
        return 0
    print(f"store: {stats['backend']} at {stats['location']}")
    print(f"embedding: {stats['embedding']}")
    print(f"chunks: {stats['chunks']}  ({stats['disk_bytes'] / 1e6:.1f} MB on disk)")
    for source_type, count in sorted(stats["chunks_by_source_type"].items()):
        print(f"  {source_type}: {count}")
    for source in sources:
        n = source.get("items")
        items = f"{n} item{'s' if n != 1 else ''}, " if isinstance(n, int) else ""
        print(
            f"source: {source['path']} ({source.get('kind', '?')}, {items}last ingest {source.get('last_ingest', '?')})"
        )
    if stats["vectors_pending"]:
        print(f"deleted chunks' vectors awaiting `hearth memory compact`: {stats['vectors_pending']}")
    return 0


def cmd_remember(args: argparse.Namespace) -> int:
    memory = _open()
    try:
        item_id = memory.remember(" ".join(args.text))
    finally:
        memory.close()
    print(item_id)
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    memory = _open()
    try:
        finished, seconds = _with_progress(lambda bar: memory.reindex(on_event=bar))
        backend = memory.backend
    finally:
        memory.close()
    if args.json:
        print(json.dumps({**finished.to_dict(), "embedding": backend, "seconds": round(seconds, 1)}))
        return 0
    total = finished.updated + finished.skipped
    print(f"re-embedded {finished.updated} of {total} chunk(s) with {backend} ({seconds:.1f} s)")
    for reason in finished.skipped_reasons:
        print(f"  {reason}")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("memory", help="the personal memory: ingest, search, forget, stats")
    sub = parser.add_subparsers(dest="memory_command", metavar="ACTION", required=True)

    ingest = sub.add_parser("ingest", help="add a folder or file (incremental; run again to update)")
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="folder of documents, or any supported file")
    ingest.add_argument("--kind", choices=("documents", "mbox", "maildir", "eml", "ics", "vcf", "imessage"))
    ingest.add_argument("--mbox", action="append", metavar="FILE", help="an mbox file (Gmail Takeout too)")
    ingest.add_argument("--maildir", action="append", metavar="DIR")
    ingest.add_argument("--eml", action="append", metavar="FILE_OR_DIR")
    ingest.add_argument("--ics", action="append", metavar="FILE", help="a calendar export")
    ingest.add_argument("--vcf", action="append", metavar="FILE", help="a contacts export")
    ingest.add_argument(
        "--imessage",
        nargs="?",
        const="",
        metavar="DB",
        help="macOS Messages (default ~/Library/Messages/chat.db)",
    )
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    ingest.set_defaults(handler=cmd_ingest)

    search = sub.add_parser("search", help="find what the memory holds, with citations")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5, help="how many results (default 5)")
    search.add_argument(
        "--source",
        action="append",
        choices=("document", "mail", "message", "calendar", "contact", "conversation"),
        help="only this source type (repeatable)",
    )
    search.add_argument("--since", help="YYYY-MM-DD")
    search.add_argument("--until", help="YYYY-MM-DD (inclusive)")
    search.add_argument("--person", help="a name, e-mail address or phone number")
    search.add_argument("--json", action="store_true", help="one JSON citation per line")
    search.set_defaults(handler=cmd_search)

    forget = sub.add_parser("forget", help="delete from memory, and scrub it from the store's files")
    forget.add_argument("--item", help="an item id (from search)")
    forget.add_argument(
        "--source-type", choices=("document", "mail", "message", "calendar", "contact", "conversation")
    )
    forget.add_argument("--person", help="everything involving this name, address or number")
    forget.add_argument("--since", help="YYYY-MM-DD")
    forget.add_argument("--until", help="YYYY-MM-DD (inclusive)")
    forget.add_argument("--path", help="everything ingested from this source path")
    forget.add_argument("--json", action="store_true")
    forget.set_defaults(handler=cmd_forget)

    compact = sub.add_parser(
        "compact",
        help="rebuild the vector index from the chunks it holds, dropping forgotten chunks' "
        "vectors (forget does this itself for stores of up to 5,000 chunks, the app when idle)",
    )
    compact.add_argument("--json", action="store_true", help="print the report as JSON")
    compact.set_defaults(handler=cmd_compact)

    stats = sub.add_parser("stats", help="what the memory holds")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=cmd_stats)

    remember = sub.add_parser("remember", help="store a fact, as if said in conversation")
    remember.add_argument("text", nargs="+")
    remember.set_defaults(handler=cmd_remember)

    reindex = sub.add_parser(
        "reindex",
        help="re-embed every stored chunk and rebuild the vector index (after changing the "
        "embedding back end, or if the index is damaged); safe to interrupt and run again",
    )
    reindex.add_argument("--json", action="store_true", help="print the report as JSON")
    reindex.set_defaults(handler=cmd_reindex)
