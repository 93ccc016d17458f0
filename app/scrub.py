"""After the memory forgets items, take their text out of everything else Hearth keeps on disk:
conversations, the audit log and log files.

Two things mark what must go. A stored message that cited a forgotten item (by its id) loses
the prompt that carried the item's text and the citation itself. And any stored text that
repeats the item — an answer that quoted it, a tool's output, an action's arguments — has each
distinctive piece of it replaced by ``[forgotten]``: every run of five or more of the item's
words in a row, and every word of it that identifies (one with a digit or an ``@``, or of 12
letters or more). Common words on their own are left alone, so unrelated text is not mangled.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.fileio import atomic_write_bytes
from app.paths import Paths

MARK = "[forgotten]"
RUN = 5  # words in a row that repeat the forgotten text
_WORD = re.compile(r"[\w@.+'-]*\w", re.UNICODE)
_TEXT_FILES = (".log", ".txt", ".jsonl", ".json")


def _identifying(word: str) -> bool:
    return len(word) >= 4 and (any(c.isdigit() for c in word) or "@" in word) or len(word) >= 12


class Fragments:
    """The distinctive pieces of some forgotten texts, and a way to cut them out of other text."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.words: set[str] = set()
        self.runs: set[tuple[str, ...]] = set()
        for text in texts:
            words = [w.lower() for w in _WORD.findall(text)]
            self.words.update(w for w in words if _identifying(w))
            self.runs.update(tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1))

    def __bool__(self) -> bool:
        return bool(self.words or self.runs)

    def cut(self, text: str) -> str:
        """``text`` with every distinctive piece of the forgotten texts replaced by the mark."""
        if not self or not text:
            return text
        spans = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
        hit = [w in self.words for _, _, w in spans]
        if self.runs:
            words = [w for _, _, w in spans]
            for i in range(len(words) - RUN + 1):
                if tuple(words[i : i + RUN]) in self.runs:
                    hit[i : i + RUN] = [True] * RUN
        if not any(hit):
            return text
        out, at, i = [], 0, 0
        while i < len(spans):
            if not hit[i]:
                i += 1
                continue
            start = spans[i][0]
            while i + 1 < len(spans) and hit[i + 1]:
                i += 1
            out += [text[at:start], MARK]
            at = spans[i][1]
            i += 1
        out.append(text[at:])
        return "".join(out)

    def cut_all(self, value: Any) -> Any:
        """The same for every string inside a JSON-like value."""
        if isinstance(value, str):
            return self.cut(value)
        if isinstance(value, list):
            return [self.cut_all(v) for v in value]
        if isinstance(value, dict):
            return {k: self.cut_all(v) for k, v in value.items()}
        return value


def scrub_message(message: dict[str, Any], item_ids: set[str], fragments: Fragments) -> dict[str, Any]:
    """One stored conversation record without the forgotten items (see the module's docstring)."""
    out = dict(message)
    cited = [str(i) for i in out.get("cited") or []]
    if item_ids & set(cited):
        out.pop("prompt", None)  # the history falls back to the user's own words
        out["cited"] = [i for i in cited if i not in item_ids]
    if isinstance(out.get("citations"), list):
        out["citations"] = [c for c in out["citations"]
                            if not (isinstance(c, dict) and str(c.get("item_id", "")) in item_ids)]
    return dict(fragments.cut_all(out))


def scrub_conversations(paths: Paths, item_ids: set[str], fragments: Fragments) -> int:
    from app.conversations import ConversationStore

    store = ConversationStore(paths)
    try:
        return store.rewrite_messages(lambda m: scrub_message(m, item_ids, fragments), fragments.cut)
    finally:
        store.close()


def scrub_text_file(path: Path, fragments: Fragments, item_ids: set[str]) -> bool:
    """Rewrite a text or JSON-lines file without the fragments (atomically); True when it changed."""
    try:
        data = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if path.suffix == ".jsonl":
        lines = []
        for line in data.split("\n"):
            try:
                entry = json.loads(line)
            except ValueError:
                lines.append(fragments.cut(line))
                continue
            new = fragments.cut_all(entry)
            lines.append(line if new == entry else json.dumps(new, ensure_ascii=False, default=str,
                                                              separators=(",", ":")))
        fresh = "\n".join(lines)
    else:
        fresh = fragments.cut(data)
    if fresh == data:
        return False
    atomic_write_bytes(path, fresh.encode("utf-8"))
    os.chmod(path, 0o600)
    return True


def scrub_home(paths: Paths, item_ids: Iterable[str], texts: Iterable[str]) -> int:
    """Take forgotten items out of conversations, the audit log and the log files; returns how
    many records and files changed."""
    ids = {str(i) for i in item_ids if i}
    fragments = Fragments(texts)
    if not ids and not fragments:
        return 0
    changed = scrub_conversations(paths, ids, fragments)
    if not fragments:
        return changed
    from app.audit import AuditLog

    changed += AuditLog(paths=paths).rewrite(fragments.cut_all)
    if paths.logs_dir.exists():
        for path in sorted(paths.logs_dir.rglob("*")):
            if path.is_file() and path.suffix in _TEXT_FILES:
                changed += scrub_text_file(path, fragments, ids)
    return changed
