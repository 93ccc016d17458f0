"""Canonical JSON and its sha256: what a person approved is exactly what runs."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace variance, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def arguments_hash(tool: str, arguments: dict[str, Any]) -> str:
    payload = canonical_json({"tool": tool, "arguments": arguments})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
