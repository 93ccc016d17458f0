"""Looking for text in the raw bytes of the store's files (forgetting must remove it there)."""

from __future__ import annotations

from pathlib import Path


def grep_files(folder: Path, token: str) -> list[str]:
    """Every file under ``folder`` whose raw bytes contain ``token`` (UTF-8 or UTF-16)."""
    hits = []
    needles = (token.encode("utf-8"), token.encode("utf-16-le"))
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(n in data for n in needles):
                hits.append(str(path.relative_to(folder)))
    return hits


def surroundings(folder: Path, token: str, width: int = 96) -> list[str]:
    """Where ``token`` sits in each file that holds it: offset, file size and the bytes around
    it (repr), so a failure shows whether it is structure or stray memory written to disk."""
    out = []
    needle = token.encode("utf-8")
    for name in grep_files(folder, token):
        data = (folder / name).read_bytes()
        at = data.find(needle)
        out.append(f"{name} @ {at} of {len(data)}: {data[max(0, at - width) : at + len(needle) + width]!r}")
    return out
