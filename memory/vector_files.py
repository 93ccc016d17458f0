"""Scrub the unused slots of the embedded store's vector index files.

Chroma keeps each collection's HNSW index in a segment folder: ``header.bin`` (counts and
sizes), ``data_level0.bin`` (one fixed-size slot per vector: links, the vector, its label) and
``length.bin`` (one float per slot). When Chroma's hnswlib creates an index it writes the whole
first allocation to disk, every slot, straight from ``malloc`` without clearing it
(``initPersistentIndex``). Until the index is first saved (after 1,000 writes by default), the
slots past the element count hold whatever the process had freed before, which can be the text
of chunks, forgotten ones included. Slots are cleared in memory before they are used
(``addPoint``) and only used slots are written after that, so zeroing the unused ones on disk
changes nothing Chroma relies on.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from app.events import HearthError

HEADER_FILE = "header.bin"
DATA_FILE = "data_level0.bin"
LENGTH_FILE = "length.bin"
# hnswlib's persisted header starts: int32 version, then size_t offsetLevel0, max_elements,
# cur_element_count, size_data_per_element, label_offset (written field by field, no padding)
HEADER = struct.Struct("<iQQQQQ")
HEADER_SIZE = 100  # the whole header, through ef_construction
VERSION = 1
LABEL_BYTES = 8
LENGTH_BYTES = 4  # one float per slot
BLOCK = 1 << 20


@dataclass(frozen=True)
class IndexLayout:
    """What the header says about one segment's files."""

    folder: Path
    max_elements: int
    element_count: int
    slot_bytes: int


def read_layout(folder: Path) -> IndexLayout:
    """The header of the index in ``folder``; HearthError if it is not the layout this code knows."""
    raw = (folder / HEADER_FILE).read_bytes()
    if len(raw) != HEADER_SIZE:
        raise HearthError(f"{folder / HEADER_FILE}: {len(raw)} bytes, expected {HEADER_SIZE}")
    version, offset_level0, max_elements, count, slot_bytes, label_offset = HEADER.unpack_from(raw)
    if (
        version != VERSION
        or offset_level0 != 0
        or count > max_elements
        or label_offset + LABEL_BYTES != slot_bytes
    ):
        raise HearthError(f"{folder / HEADER_FILE}: a vector index layout this version does not know")
    return IndexLayout(folder, max_elements, count, slot_bytes)


def _zero_from(path: Path, start: int) -> int:
    """Zero ``path`` from byte ``start`` to its end, writing only blocks that are not zero already
    (a sparse file stays sparse). Returns the bytes rewritten."""
    if not path.exists():
        return 0
    fd = os.open(path, os.O_RDWR)
    try:
        end = os.fstat(fd).st_size
        written = 0
        at = start
        while at < end:
            block = os.pread(fd, min(BLOCK, end - at), at)
            if block.count(0) != len(block):
                os.pwrite(fd, bytes(len(block)), at)
                written += len(block)
            at += len(block)
        if written:
            os.fsync(fd)
        return written
    finally:
        os.close(fd)


def scrub_unused_slots(store_dir: Path) -> int:
    """Zero every slot past the element count in each segment's index files; returns bytes rewritten.

    Call with the store's lock held and no write in flight: Chroma writes these files only inside
    its own write calls, and flushes before it returns.
    """
    rewritten = 0
    for header in sorted(store_dir.glob(f"*/{HEADER_FILE}")):
        try:
            layout = read_layout(header.parent)
            rewritten += _zero_from(header.parent / DATA_FILE, layout.element_count * layout.slot_bytes)
            rewritten += _zero_from(header.parent / LENGTH_FILE, layout.element_count * LENGTH_BYTES)
        except OSError as exc:
            raise HearthError(
                f"forgetting could not scrub the vector index in {header.parent}: {exc}"
            ) from exc
    return rewritten
