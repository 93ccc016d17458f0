"""One small module per kind of source. Each exposes ``scan(path) -> Scan``.

A scan knows roughly how many entries it will yield (for progress bars) and yields
:class:`memory.items.Item` or :class:`memory.items.Skip`; reading never stops at one bad entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from memory.items import Item, Skip


@dataclass
class Scan:
    total: int
    entries: Iterator[Item | Skip]
    complete: bool = True  # False: the source could not be listed whole, so nothing may be removed
