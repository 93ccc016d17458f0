"""Which stored conversation records came from a forgotten item, decided by what is stored with
them (their citations, the sources their answer was made from, the paths their tool calls named)
rather than by their words, so an answer that said the item in other words goes too.

A record is *derived* from a forgotten item when

- it shows the item as a source (a citation its ``[n]`` markers or words tie it to), or a lookup
  found it, or its tool call named the item's file;
- or the item was among what its answer was made from (``sources``, or all the passages of an
  agent turn's prompt), unless the record shares no word with the forgotten text and is plainly
  the words of another source it cites (``"On Wednesday evening."`` beside a forgotten note
  about a padlock);
- or, in a conversation where a forgotten item was read, it is in that turn or a later one
  (whose history held the item or an answer made from it) and what a model wrote in it (an
  answer, a call's arguments) shares a word with the item that the user did not say;
- a tool's output goes with the call that produced it.

A derived record keeps its place and kind but its text becomes :data:`PLACEHOLDER`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from app.agent.sources import COMMON, SHARED_WORDS, content_words, relevant
from app.events import Citation

PLACEHOLDER = "[removed: it came from an item you asked Hearth to forget]"
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_CITATION_FIELDS = {f.name for f in fields(Citation)}
# Hearth's own words in lookup lines ("Searched your mail, messages, …"): not the item's
_LOOKUP_WORDS = frozenset({"searched", "looked", "look", "lookup", "your", "mail", "messages", "calendar", "contacts",
                           "notes", "files", "and", "for", "at", "in", "up", "the", "of"})
# what in a record is its text (what the user sees, what the model wrote or read)
_TEXT_KEYS = ("content", "arguments", "output", "explanation", "label", "prompt")


def distinctive(text: str) -> set[str]:
    """The words of ``text`` that could carry something of an item: lower-cased, three letters or
    more and not a common word, or holding a digit."""
    out = set()
    for word in _TOKEN.findall(text.lower()):
        if any(c.isdigit() for c in word) or len(word) >= 3 and word not in COMMON:
            out.add(word)
    return out


@dataclass
class Forgotten:
    """What was forgotten: item ids, their files' paths, and the distinctive words of their text."""

    item_ids: set[str]
    paths: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    numbers: str = ""  # every word with a digit, space-separated: a number said alone ("7731") is found in it

    @classmethod
    def of(cls, item_ids: Iterable[str], texts: Iterable[str], paths: Iterable[str] = (),
           within: set[str] | None = None) -> Forgotten:
        """``within``: keep only the words that occur there (a big forget holds only what matters)."""
        words: set[str] = set()
        for text in texts:
            found = distinctive(text)
            words |= found if within is None else found & within
        numbers = " ".join(sorted(w for w in words if any(c.isdigit() for c in w)))
        files = {str(p) for p in paths if p and "#" not in str(p) and len(str(p)) > 1}
        return cls({str(i) for i in item_ids if i}, files, words, numbers)

    def shares(self, text: str, ignore: set[str] | frozenset[str] = frozenset()) -> bool:
        """``text`` holds a distinctive word of the forgotten items (or a number inside one) that
        is not one of ``ignore``."""
        for word in distinctive(text) - ignore:
            if word in self.words:
                return True
            if len(word) >= 3 and any(c.isdigit() for c in word) and word in self.numbers:
                return True
        return False

    def named_path(self, value: Any) -> bool:
        """A string inside ``value`` (a call's arguments) names one of the forgotten files."""
        return bool(self.paths) and any(p in s for s in _strings(value) for p in self.paths)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def _citations(record: dict[str, Any]) -> list[Citation]:
    out = []
    for c in record.get("citations") or []:
        if isinstance(c, dict):
            data = {k: v for k, v in c.items() if k in _CITATION_FIELDS}
            data["people"] = tuple(data.get("people") or ())
            try:
                out.append(Citation(**data))
            except TypeError:
                continue
    return out


def named_items(record: dict[str, Any]) -> set[str]:
    """Every item a record says it came from or was made with."""
    ids = {c.item_id for c in _citations(record)}
    for key in ("cited", "sources", "items"):
        ids.update(str(i) for i in record.get(key) or [])
    return ids - {""}


def shown_items(record: dict[str, Any]) -> set[str]:
    """The items a record shows as its sources (what the source cards under it are)."""
    cites = _citations(record)
    shown = {cites[n - 1].item_id for n in relevant(str(record.get("content", "")), cites)} if cites else set()
    if record.get("role") == "lookup":
        shown.update(str(i) for i in record.get("items") or [])
    return shown


def text_of(record: dict[str, Any]) -> str:
    """Everything a record says (its words, a call's arguments, a step's output)."""
    return "\n".join(s for key in _TEXT_KEYS for s in _strings(record.get(key)))


def _another_source(record: dict[str, Any], forgotten: Forgotten) -> bool:
    """The record's words are plainly those of a cited source that is not forgotten."""
    said = content_words(str(record.get("content", "")))
    return any(len(said & content_words(f"{c.title} {c.snippet} {' '.join(c.people)}")) >= SHARED_WORDS
               for c in _citations(record) if c.item_id not in forgotten.item_ids)


def _reads(record: dict[str, Any], forgotten: Forgotten) -> bool:
    return bool(named_items(record) & forgotten.item_ids) or forgotten.named_path(record.get("arguments"))


def said_by_model(record: dict[str, Any]) -> str:
    """The part of a record a model wrote, or Hearth wrote from what a model chose: an answer's
    words, a call's arguments, a lookup's label (not a tool's output: that came from the world)."""
    if record.get("role") == "lookup":
        label = str(record.get("label", ""))
        return " ".join(w for w in label.split() if w.lower().strip("“”\"'.,") not in _LOOKUP_WORDS)
    if record.get("role") == "action" or record.get("tool"):
        return "\n".join(_strings(record.get("arguments")))
    return str(record.get("content", ""))


def derived(messages: list[dict[str, Any]], forgotten: Forgotten) -> list[bool]:
    """For each record of one conversation (in order): whether it came from a forgotten item."""
    turns: list[list[int]] = []
    for i, m in enumerate(messages):
        if m.get("role") == "user" or not turns:
            turns.append([])
        turns[-1].append(i)
    out = [False] * len(messages)
    exposed = False
    users: set[str] = set()  # the user's own words so far: a model that repeats them did not get them from the item
    for turn in turns:
        users.update(*(distinctive(str(messages[i].get("content", ""))) for i in turn
                       if messages[i].get("role") == "user"))
        exposed = exposed or any(_reads(messages[i], forgotten) for i in turn)
        if not exposed:
            continue
        call = False  # the last tool call of the turn came from the item: so did its output
        for i in turn:
            m = messages[i]
            role = m.get("role")
            if role == "user" or m.get("removed"):
                continue  # the user's own words stay (scrubbed of the item's pieces elsewhere)
            if role == "tool":
                out[i] = call
                continue
            own = forgotten.shares(said_by_model(m), ignore=users)
            if shown_items(m) & forgotten.item_ids or forgotten.named_path(m.get("arguments")):
                out[i] = True
            elif named_items(m) & forgotten.item_ids:
                out[i] = own or not _another_source(m, forgotten)
            else:
                out[i] = own
            if role != "action" and m.get("tool"):
                call = out[i]
    return out


def replaced(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its text taken out: its kind, time and status stay, its words become
    :data:`PLACEHOLDER`, and it names no source any more."""
    keep = {k: v for k, v in record.items() if k not in (*_TEXT_KEYS, "citations", "sources", "cited", "items")}
    role = record.get("role")
    if role == "lookup":
        keep["label"] = PLACEHOLDER
    elif role == "action":
        keep.update(arguments={}, explanation="", output=PLACEHOLDER)
    else:
        keep["content"] = PLACEHOLDER
        if "arguments" in record:
            keep["arguments"] = {}
    keep["removed"] = True
    return keep


def audit_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """An audit entry of a derived action: what it ran and said becomes :data:`PLACEHOLDER`; its
    ids, tool, decision, tier and undo data (needed to undo it) stay."""
    out = dict(entry)
    for key in ("arguments", "explanation", "reasons", "preview", "output", "reason"):
        if key in out:
            out[key] = {} if key == "arguments" else [] if key == "reasons" else PLACEHOLDER
    out["removed"] = True
    return out
