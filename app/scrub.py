"""After the memory forgets items, take their text out of everything else Hearth keeps on disk:
conversations, the audit log and log files.

Three things mark what must go. A stored record that came from a forgotten item — it cites it, its
answer was made from it, its tool call read the item's file (see :mod:`app.derived`) — is
replaced by a short placeholder, whatever words it used; so are the audit entries of its action.
A message that cited a forgotten item loses the prompt that carried the item's text and the
citation itself. And any other stored text that repeats the item or one of those answers — a title,
a label, a log line — has each distinctive piece of it replaced by ``[forgotten]``: every run of
five or more of its words in a row, and every word of it that identifies (one with a digit or an
``@``, or of 12 letters or more) — and every whole repeat of one of those replaced answers.
Common words on their own are left alone, so unrelated text is not mangled.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.derived import Forgotten, audit_entry, derived, distinctive, replaced, text_of
from app.fileio import atomic_write_bytes
from app.paths import Paths

MARK = "[forgotten]"
RUN = 5  # words in a row that repeat the forgotten text
WHOLE_CHARS = 16  # a shorter answer ("Yes, it is.") is not looked for elsewhere as a whole
_WORD = re.compile(r"[\w@.+'-]*\w", re.UNICODE)
_TEXT_FILES = (".log", ".txt", ".jsonl", ".json")


def _identifying(word: str) -> bool:
    return len(word) >= 4 and (any(c.isdigit() for c in word) or "@" in word) or len(word) >= 12


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _runs(words: list[str]) -> Iterator[int]:
    """A key for every RUN words in a row (hashes: a big forget must not hold millions of tuples)."""
    return (hash(tuple(words[i : i + RUN])) for i in range(len(words) - RUN + 1))


class Fragments:
    """The distinctive pieces of some forgotten texts, and a way to cut them out of other text.

    With ``within``, only the pieces that occur somewhere in those texts are kept, so forgetting a
    whole mailbox costs memory in proportion to what is stored elsewhere, not to the mailbox.
    """

    def __init__(self, texts: Iterable[str], within: Iterable[str] | None = None, wholes: Iterable[str] = ()) -> None:
        self.words: set[str] = set()
        self.runs: set[int] = set()
        # whole texts that go wherever they occur, however short (answers made from a forgotten item)
        self.wholes = sorted({w.strip() for w in wholes if len(w.strip()) >= WHOLE_CHARS}, key=len, reverse=True)
        seen_words: set[str] | None = None
        seen_runs: set[int] | None = None
        if within is not None:
            seen_words, seen_runs = set(), set()
            for text in within:
                words = _words(text)
                seen_words.update(w for w in words if _identifying(w))
                seen_runs.update(_runs(words))
        for text in texts:
            words = _words(text)
            found = {w for w in words if _identifying(w)}
            runs = set(_runs(words))
            self.words |= found if seen_words is None else found & seen_words
            self.runs |= runs if seen_runs is None else runs & seen_runs

    def __bool__(self) -> bool:
        return bool(self.words or self.runs or self.wholes)

    def cut(self, text: str) -> str:
        """``text`` with every distinctive piece of the forgotten texts replaced by the mark."""
        if not self or not text:
            return text
        for whole in self.wholes:
            if whole in text:
                text = text.replace(whole, MARK)
        spans = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
        hit = [w in self.words for _, _, w in spans]
        if self.runs:
            for i, key in enumerate(_runs([w for _, _, w in spans])):
                if key in self.runs:
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
    for key in ("sources", "items"):
        if isinstance(out.get(key), list):
            out[key] = [i for i in out[key] if str(i) not in item_ids]
    if isinstance(out.get("citations"), list):
        out["citations"] = [c for c in out["citations"]
                            if not (isinstance(c, dict) and str(c.get("item_id", "")) in item_ids)]
    return dict(fragments.cut_all(out))


def scrub_conversation(messages: list[dict[str, Any]], forgotten: Forgotten,
                       fragments: Fragments) -> list[dict[str, Any]]:
    """One conversation's records without the forgotten items: each record that came from one
    (:mod:`app.derived`) replaced by the placeholder, then every record scrubbed."""
    flags = derived(messages, forgotten)
    return [scrub_message(replaced(m) if flag else m, forgotten.item_ids, fragments)
            for m, flag in zip(messages, flags, strict=True)]


def scrub_conversations(paths: Paths, forgotten: Forgotten, fragments: Fragments) -> int:
    from app.conversations import ConversationStore

    store = ConversationStore(paths)
    try:
        return store.rewrite_conversations(lambda ms: scrub_conversation(ms, forgotten, fragments), fragments.cut)
    finally:
        store.close()


@dataclass
class Derived:
    """What the conversations hold that came from the forgotten items: the texts that will be
    replaced (to take out of the audit log and logs too) and the actions they record."""

    texts: list[str] = field(default_factory=list)
    action_ids: set[str] = field(default_factory=set)


def find_derived(paths: Paths, forgotten: Forgotten) -> Derived:
    from app.conversations import ConversationStore

    found = Derived()
    if not forgotten.item_ids and not forgotten.paths:
        return found
    store = ConversationStore(paths)
    try:
        for messages in store.conversations():
            for message, flag in zip(messages, derived(messages, forgotten), strict=True):
                if flag:
                    found.texts.append(text_of(message))
                    if message.get("action_id"):
                        found.action_ids.add(str(message["action_id"]))
    finally:
        store.close()
    return found


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


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)


def _log_files(paths: Paths) -> list[Path]:
    if not paths.logs_dir.exists():
        return []
    return [p for p in sorted(paths.logs_dir.rglob("*")) if p.is_file() and p.suffix in _TEXT_FILES]


def stored_texts(paths: Paths) -> Iterator[str]:
    """Everything scrubbing looks at: conversations, the audit log, the log files."""
    from app.conversations import ConversationStore

    store = ConversationStore(paths)
    try:
        yield from store.texts()
    finally:
        store.close()
    for path in [paths.audit_log, *_log_files(paths)]:
        try:
            data = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in data.split("\n"):
            try:
                yield from strings(json.loads(line))
            except ValueError:
                yield line


def _stored_words(paths: Paths) -> set[str]:
    words: set[str] = set()
    for text in stored_texts(paths):
        words |= distinctive(text)
    return words


def scrub_home(paths: Paths, item_ids: Iterable[str], texts: Iterable[str], item_paths: Iterable[str] = ()) -> int:
    """Take forgotten items out of conversations, the audit log and the log files; returns how
    many records and files changed. ``item_paths``: the forgotten items' files (a tool call that
    read one came from the item)."""
    texts = list(texts)
    forgotten = Forgotten.of(item_ids, texts, item_paths, within=_stored_words(paths))
    found = find_derived(paths, forgotten)
    fragments = Fragments([*texts, *found.texts], within=stored_texts(paths), wholes=found.texts)
    if not forgotten.item_ids and not forgotten.paths and not fragments:
        return 0
    changed = scrub_conversations(paths, forgotten, fragments)
    from app.audit import AuditLog

    def audit_change(entry: dict[str, Any]) -> dict[str, Any]:
        if str(entry.get("action_id", "")) in found.action_ids or forgotten.named_path(entry.get("arguments")):
            entry = audit_entry(entry)
        return dict(fragments.cut_all(entry))

    changed += AuditLog(paths=paths).rewrite(audit_change)
    if fragments:
        for path in _log_files(paths):
            changed += scrub_text_file(path, fragments, forgotten.item_ids)
    return changed
