"""Small JSON files beside the store: the list of ingested sources and the forget tombstones.

Tombstones keep forgotten things forgotten when their source is ingested again. They hold only
item ids and SHA-256 digests of person names, never the forgotten text, and the count of
forgotten chunks whose vectors wait for compaction. Writes are atomic.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from app.fileio import atomic_write_text


def _read(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, ValueError):
        return default


def _write(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=1, sort_keys=True))


def digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest()


class State:
    def __init__(self, folder: Path) -> None:
        self.sources_file = folder / "sources.json"
        self.tombstones_file = folder / "forgotten.json"

    # sources -------------------------------------------------------------------------------
    def sources(self) -> dict[str, dict[str, Any]]:
        data = _read(self.sources_file, {})
        return data if isinstance(data, dict) else {}

    def record_source(self, root: str, info: dict[str, Any]) -> None:
        data = self.sources()
        data[root] = {**data.get(root, {}), **info}
        _write(self.sources_file, data)

    def count_forgotten_items(self, by_root: dict[str, int]) -> None:
        """Lower each source's item count by the items just forgotten from it."""
        data = self.sources()
        changed = False
        for root, gone in by_root.items():
            info = data.get(root)
            if info is not None and isinstance(info.get("items"), int):
                info["items"] = max(0, info["items"] - gone)
                changed = True
        if changed:
            _write(self.sources_file, data)

    def drop_source(self, root: str) -> None:
        data = self.sources()
        if data.pop(root, None) is not None:
            _write(self.sources_file, data)

    # tombstones ----------------------------------------------------------------------------
    def tombstones(self) -> dict[str, Any]:
        data = _read(self.tombstones_file, {})
        if not isinstance(data, dict):
            data = {}
        data.setdefault("items", [])
        data.setdefault("rules", [])
        return data

    def add_tombstones(self, items: list[str], rule: dict[str, Any] | None = None) -> None:
        """Remember forgotten item ids, and a person/date rule (person as a digest only)."""
        data = self.tombstones()
        data["items"] = sorted(set(data["items"]) | set(items))
        if rule and rule not in data["rules"]:
            data["rules"].append(rule)
        _write(self.tombstones_file, data)

    # vectors of forgotten chunks still in the vector index (until compaction) -----------------
    def vectors_pending(self) -> int:
        return int(self.tombstones().get("vectors_pending", 0) or 0)

    def set_vectors_pending(self, count: int) -> None:
        data = self.tombstones()
        data["vectors_pending"] = max(0, count)
        _write(self.tombstones_file, data)
