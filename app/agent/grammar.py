"""Constrained decoding: a tool call that is valid JSON for its schema by construction.

The grammar is a stack of small elements (a literal, a JSON string body, an integer, a choice
between literals, free text). An mlx-lm logits processor keeps a cursor over it and, at each step,
masks every token that cannot continue the grammar. Token strings are decoded once per tokenizer
and the masks for string bodies and digits are precomputed numpy arrays, so a step costs a few
dictionary look-ups and one vectorised ``where``, never a Python loop over the 49k-token vocabulary.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

DEFAULT_STRING_BUDGET = 120
# Longest string the model may write per field (characters): small models ramble until stopped.
FIELD_BUDGETS = {"content": 2000, "body": 2000, "text": 1000, "notes": 500, "command": 500, "path": 300,
                 "paths": 300, "source": 300, "destination": 300, "url": 500, "cwd": 300, "source_path": 300}


# --- token table ------------------------------------------------------------------------------
class TokenTable:
    """Every token's text, plus precomputed masks; built once per tokenizer."""

    _BODY = r'(?:[^"\\\x00-\x1f]|\\["\\/bfnrt])*'

    def __init__(self, strings: Sequence[str], *, special_ids: set[int], eos_ids: set[int]) -> None:
        self.strings = list(strings)
        n = len(self.strings)
        self.size = n
        self.eos_ids = sorted(i for i in eos_ids if 0 <= i < n)
        valid = np.ones(n, dtype=bool)
        for i in special_ids:
            if 0 <= i < n:
                valid[i] = False
        for i, s in enumerate(self.strings):
            if not s or "\ufffd" in s:
                valid[i] = False
        self.valid = valid
        self.lengths = np.array([len(s) for s in self.strings], dtype=np.int64)
        body = re.compile(self._BODY)
        close = re.compile(self._BODY + '"')
        digits = re.compile(r"[0-9]+")
        self.str_body = valid & np.array([body.fullmatch(s) is not None for s in self.strings], dtype=bool)
        self.str_close = valid & np.array([close.fullmatch(s) is not None for s in self.strings], dtype=bool)
        self.digits = valid & np.array([digits.fullmatch(s) is not None for s in self.strings], dtype=bool)
        by_string: dict[str, list[int]] = {}
        for i, s in enumerate(self.strings):
            if valid[i]:
                by_string.setdefault(s, []).append(i)
        self.by_string = {k: np.array(v, dtype=np.int64) for k, v in by_string.items()}
        self.max_token_len = int(self.lengths[valid].max()) if valid.any() else 1
        self._start_masks: dict[tuple[str, ...], np.ndarray] = {}
        self.eos_mask = np.zeros(n, dtype=bool)
        self.eos_mask[self.eos_ids] = True

    def valid_start_mask(self, prefixes: tuple[str, ...]) -> np.ndarray:
        """Every token except those that start (after spaces) like one of ``prefixes`` (cached)."""
        mask = self._start_masks.get(prefixes)
        if mask is None:
            banned = np.array([s.strip().startswith(prefixes) or any(p.startswith(s.strip()) and s.strip()
                                                                      for p in prefixes) for s in self.strings])
            mask = ~banned
            self._start_masks[prefixes] = mask
        return mask

    def prefixes_of(self, remaining: str, mask: np.ndarray) -> None:
        """Allow every token that is a non-empty prefix of ``remaining``."""
        for length in range(1, min(len(remaining), self.max_token_len) + 1):
            ids = self.by_string.get(remaining[:length])
            if ids is not None:
                mask[ids] = True


_TABLES: dict[int, TokenTable] = {}
_TABLES_LOCK = threading.Lock()


def _token_strings(tokenizer: Any) -> tuple[list[str], set[int], set[int]]:
    hf = getattr(tokenizer, "_tokenizer", tokenizer)
    size = len(hf) if hasattr(hf, "__len__") else hf.vocab_size
    ids = list(range(size))
    strings = hf.batch_decode([[i] for i in ids]) if hasattr(hf, "batch_decode") else [hf.decode([i]) for i in ids]
    raw = hf.convert_ids_to_tokens(ids) if hasattr(hf, "convert_ids_to_tokens") else strings
    if any(isinstance(t, str) and t.startswith("\u2581") for t in raw[:5000]):  # sentencepiece: keep spaces
        strings = [t.replace("\u2581", " ") if isinstance(t, str) else s for t, s in zip(raw, strings, strict=False)]
    special = set(getattr(hf, "all_special_ids", []) or [])
    added = getattr(hf, "added_tokens_decoder", None)
    if isinstance(added, dict):
        special.update(int(k) for k in added)
    eos: set[int] = set(getattr(tokenizer, "eos_token_ids", None) or [])
    eid = getattr(hf, "eos_token_id", None)
    if isinstance(eid, int):
        eos.add(eid)
    for name in ("<|im_end|>", "<|eot_id|>", "<|end|>"):
        tid = hf.convert_tokens_to_ids(name) if hasattr(hf, "convert_tokens_to_ids") else None
        if isinstance(tid, int) and tid != getattr(hf, "unk_token_id", None) and 0 <= tid < size:
            eos.add(tid)
    return strings, special, eos


def token_table(tokenizer: Any) -> TokenTable:
    """The cached table for this tokenizer (built on first use, in the model thread)."""
    key = id(getattr(tokenizer, "_tokenizer", tokenizer))
    with _TABLES_LOCK:
        table = _TABLES.get(key)
        if table is None:
            strings, special, eos = _token_strings(tokenizer)
            table = TokenTable(strings, special_ids=special, eos_ids=eos)
            _TABLES[key] = table
        return table


# --- grammar elements -------------------------------------------------------------------------
class Elem:
    def clone(self) -> Elem:
        raise NotImplementedError


class Lit(Elem):
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def clone(self) -> Lit:
        c = Lit(self.text)
        c.pos = self.pos
        return c


class StrBody(Elem):
    """The inside of a JSON string and its closing quote."""

    def __init__(self, budget: int) -> None:
        self.budget, self.used, self.escape = budget, 0, False

    def clone(self) -> StrBody:
        c = StrBody(self.budget)
        c.used, c.escape = self.used, self.escape
        return c


class Int(Elem):
    def __init__(self) -> None:
        self.digits = 0

    def clone(self) -> Int:
        c = Int()
        c.digits = self.digits
        return c


Factory = Callable[[], list[Elem]]


class Choice(Elem):
    """One of several literals (prefix-free); the chosen one's continuation follows."""

    def __init__(self, options: list[tuple[str, Factory]]) -> None:
        literals = [o[0] for o in options]
        for a in literals:
            for b in literals:
                if a != b and b.startswith(a):
                    raise ValueError(f"choice options must be prefix-free: {a!r} / {b!r}")
        self.options, self.typed = options, ""

    def clone(self) -> Choice:
        c = Choice.__new__(Choice)
        c.options, c.typed = self.options, self.typed
        return c


class Macro(Elem):
    """Expands into elements when it reaches the top (arrays and optional properties)."""

    def __init__(self, expand: Factory) -> None:
        self.expand = expand

    def clone(self) -> Macro:
        return self


class Free(Elem):
    """Unconstrained text (an answer)."""

    def clone(self) -> Free:
        return self


class Trigger(Elem):
    """Unconstrained until ``trigger`` appears; then the continuation is enforced."""

    def __init__(self, trigger: str, then: Factory) -> None:
        self.trigger, self.then, self.tail = trigger, then, ""

    def clone(self) -> Trigger:
        c = Trigger(self.trigger, self.then)
        c.tail = self.tail
        return c


class NotStarting(Elem):
    """Free text whose first token may not begin with any of ``prefixes`` (then it becomes Free)."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        self.prefixes = prefixes

    def clone(self) -> NotStarting:
        return self


ANSWER_MUST_NOT_START = ("Action", "Arguments", "Argument", "{", "<tool", "<data", "<", "Result of")


class Opening(Elem):
    """Either a call that opens with ``literal`` (then enforced to the end) or free text that does
    not start like a call: a model whose calls are bare JSON (Llama 3.x) answers or calls, never
    half of each. Leading whitespace is allowed before either."""

    def __init__(self, literal: str, then: Factory, prefixes: tuple[str, ...] = ()) -> None:
        self.literal, self.then, self.prefixes = literal, then, prefixes

    def clone(self) -> Opening:
        return self


class End(Elem):
    """Only end-of-sequence may follow."""

    def clone(self) -> End:
        return self


# --- schema -> elements -----------------------------------------------------------------------
def value_elems(schema: dict[str, Any], name: str = "") -> list[Elem]:
    if "enum" in schema:
        return [Choice([(json.dumps(v), list) for v in schema["enum"]])]
    kind = schema.get("type", "string")
    if kind == "string":
        budget = int(schema.get("maxLength") or FIELD_BUDGETS.get(name, DEFAULT_STRING_BUDGET))
        return [Lit('"'), StrBody(budget)]
    if kind in ("integer", "number"):
        return [Int()]
    if kind == "boolean":
        return [Choice([("true", list), ("false", list)])]
    if kind == "array":
        items = schema.get("items", {"type": "string"})
        limit = int(schema.get("maxItems", 50))
        return [Lit("["), *value_elems(items, name), _array_more(items, name, limit - 1)]
    if kind == "object":
        return object_elems(schema)
    raise ValueError(f"unsupported schema type {kind!r}")


def _array_more(items: dict[str, Any], name: str, left: int) -> Elem:
    def expand() -> list[Elem]:
        if left <= 0:
            return [Lit("]")]
        return [Choice([(", ", lambda: [*value_elems(items, name), _array_more(items, name, left - 1)]), ("]", list)])]

    return Macro(expand)


def object_elems(schema: dict[str, Any]) -> list[Elem]:
    props: dict[str, Any] = schema.get("properties", {})
    required = [k for k in props if k in schema.get("required", [])]
    optional = [k for k in props if k not in required]
    elems: list[Elem] = [Lit("{")]
    for i, key in enumerate(required):
        elems.append(Lit((", " if i else "") + json.dumps(key) + ": "))
        elems.extend(value_elems(props[key], key))
    elems.append(_object_more(props, optional, first=not required))
    return elems


def _object_more(props: dict[str, Any], optional: list[str], first: bool) -> Elem:
    def expand() -> list[Elem]:
        options: list[tuple[str, Factory]] = []
        for i, key in enumerate(optional):
            rest = optional[i + 1 :]

            def cont(key: str = key, rest: list[str] = rest) -> list[Elem]:
                return [*value_elems(props[key], key), _object_more(props, rest, first=False)]

            options.append(((", " if not first else "") + json.dumps(key) + ": ", cont))
        options.append(("}", list))
        return [Choice(options)]

    return Macro(expand)


def routed_call_grammar(tools: dict[str, dict[str, Any]], *, answer: bool = True) -> list[Elem]:
    """After the prefix ``Action:``: `` answer`` then free text, or `` <tool>`` then ``Arguments: {json}``."""
    options: list[tuple[str, Factory]] = []
    if answer:
        options.append((" answer\n", lambda: [NotStarting(ANSWER_MUST_NOT_START), Free()]))
    for name, schema in tools.items():
        options.append((f" {name}\n", _call_factory([Lit("Arguments: ")], schema, [End()])))
    return [Choice(options)]


def _call_factory(before: list[Elem], schema: dict[str, Any], after: list[Elem]) -> Factory:
    def make() -> list[Elem]:
        return [*(e.clone() for e in before), *object_elems(schema), *(e.clone() for e in after)]

    return make


def answer_grammar() -> list[Elem]:
    """A plain answer that does not open with tool-call syntax (small models like to parrot it)."""
    return [NotStarting(ANSWER_MUST_NOT_START), Free()]


def native_call_grammar(tools: dict[str, dict[str, Any]]) -> list[Elem]:
    """Free text until ``<tool_call>``, then ``{"name": ..., "arguments": {...}}`` and ``</tool_call>``."""

    def after() -> list[Elem]:
        options: list[tuple[str, Factory]] = [
            (name + '", "arguments": ', _call_factory([], schema, [Lit("}\n</tool_call>"), End()]))
            for name, schema in tools.items()
        ]
        return [Lit('\n{"name": "'), Choice(options)]

    return [Trigger("<tool_call>", after)]


def bare_json_call_grammar(tools: dict[str, dict[str, Any]]) -> list[Elem]:
    """Llama 3.x: the whole reply is ``{"name": <tool>, "parameters": {...}}``, or an answer in words."""
    options: list[tuple[str, Factory]] = [
        (name + '", "parameters": ', _call_factory([], schema, [Lit("}"), End()])) for name, schema in tools.items()
    ]
    return [Opening('{"name": "', lambda: [Choice(options)], ANSWER_MUST_NOT_START)]


# --- the cursor --------------------------------------------------------------------------------
class Cursor:
    """Where generation stands in the grammar."""

    def __init__(self, elems: list[Elem], table: TokenTable) -> None:
        self.stack: list[Elem] = [e.clone() for e in reversed(elems)]
        self.table = table
        self.broken = False
        self.finished = False
        self.free = False
        self.exhausted = False  # running out of tokens: close strings and objects as soon as possible

    def _normalize(self) -> None:
        while self.stack and isinstance(self.stack[-1], Macro):
            macro = self.stack.pop()
            assert isinstance(macro, Macro)
            self.stack.extend(reversed(macro.expand()))

    def feed_token(self, token_id: int) -> None:
        if self.finished or self.broken or self.free:
            return
        if token_id in self.table.eos_ids:
            self.finished = True
            return
        text = self.table.strings[token_id] if 0 <= token_id < self.table.size else ""
        for ch in text:
            if not self.feed_char(ch):
                self.broken = True
                return

    def feed_char(self, ch: str) -> bool:
        self._normalize()
        if not self.stack:
            return False
        top = self.stack[-1]
        if isinstance(top, NotStarting):
            self.stack.pop()
            return self.feed_char(ch)
        if isinstance(top, Free):
            self.free = True
            return True
        if isinstance(top, Opening):
            if ch.isspace():
                return True
            self.stack.pop()
            if ch == top.literal[0]:
                self.stack.extend(reversed([Lit(top.literal[1:]), *top.then()] if len(top.literal) > 1 else top.then()))
                return True
            self.stack.append(Free())
            return self.feed_char(ch)
        if isinstance(top, Trigger):
            top.tail = (top.tail + ch)[-len(top.trigger) :]
            if top.tail == top.trigger:
                self.stack.pop()
                self.stack.extend(reversed(top.then()))
            return True
        if isinstance(top, Lit):
            if top.text[top.pos] != ch:
                return False
            top.pos += 1
            if top.pos == len(top.text):
                self.stack.pop()
            return True
        if isinstance(top, StrBody):
            if top.escape:
                if ch not in '"\\/bfnrt':
                    return False
                top.escape = False
                return True
            if ch == '"':
                self.stack.pop()
                return True
            if ch < " " or top.used >= top.budget:
                return False
            top.used += 1
            if ch == "\\":
                top.escape = True
            return True
        if isinstance(top, Int):
            if ch.isdigit() and top.digits < 15:
                top.digits += 1
                return True
            if top.digits:
                self.stack.pop()
                return self.feed_char(ch)
            return False
        if isinstance(top, Choice):
            typed = top.typed + ch
            matching = [(lit, f) for lit, f in top.options if lit.startswith(typed)]
            if not matching:
                return False
            top.typed = typed
            done = [f for lit, f in matching if lit == typed]
            if done:
                self.stack.pop()
                self.stack.extend(reversed(done[0]()))
            return True
        return False  # End

    def in_string(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1], StrBody) and not (self.free or self.finished)

    def allowed(self) -> np.ndarray | None:
        """The mask of allowed next tokens, or None for unconstrained."""
        if self.free:
            return None
        if self.finished or self.broken:
            return self.table.eos_mask
        self._normalize()
        if not self.stack:
            return self.table.eos_mask
        return self._mask(len(self.stack) - 1)

    def _mask(self, index: int) -> np.ndarray | None:
        table = self.table
        if index < 0:
            return table.eos_mask
        top = self.stack[index]
        if isinstance(top, Macro):
            expanded = top.expand()
            probe = Cursor.__new__(Cursor)
            probe.stack, probe.table = [e.clone() for e in reversed(expanded)], table
            probe.broken = probe.finished = probe.free = False
            probe.exhausted = self.exhausted
            return probe._mask(len(probe.stack) - 1)
        if isinstance(top, Free | Trigger):
            return None
        if isinstance(top, NotStarting):
            return table.valid_start_mask(top.prefixes)
        if isinstance(top, Opening):
            mask = table.valid_start_mask((*top.prefixes, top.literal[0])).copy()
            table.prefixes_of(top.literal, mask)
            return mask
        if isinstance(top, End):
            return table.eos_mask
        mask = np.zeros(table.size, dtype=bool)
        if isinstance(top, Lit):
            table.prefixes_of(top.text[top.pos :], mask)
        elif isinstance(top, Choice):
            options = [lit for lit, _f in top.options if lit.startswith(top.typed)]
            if self.exhausted:
                closing = [lit for lit in options if lit.startswith(("}", "]"))]
                options = closing or options
            for lit in options:
                table.prefixes_of(lit[len(top.typed) :], mask)
        elif isinstance(top, StrBody):
            left = 0 if self.exhausted else top.budget - top.used
            mask |= table.str_body & (table.lengths <= left)
            mask |= table.str_close & (table.lengths <= left + 1)
        elif isinstance(top, Int):
            if top.digits < 15 and not (self.exhausted and top.digits):
                mask |= table.digits & (table.lengths <= 15 - top.digits)
            if top.digits:
                below = self._mask(index - 1)
                if below is not None:
                    mask |= below
        return mask


ANSWER_REPETITION_PENALTY = 1.2
CLOSING_RESERVE = 32  # tokens kept to close a tool call's strings and braces before max_tokens
ANSWER_REPETITION_WINDOW = 48


class GrammarProcessor:
    """An mlx-lm logits processor enforcing a grammar.

    In free text (an answer) it applies a repetition penalty over the tokens it generated itself
    (never the prompt, so names and paths can still be copied from the request): greedy decoding
    with a small model otherwise loops on one sentence until ``max_tokens``.
    """

    def __init__(self, elems: list[Elem], table: TokenTable, *, penalty: float = ANSWER_REPETITION_PENALTY,
                 max_tokens: int | None = None, reserve: int = CLOSING_RESERVE) -> None:
        self.cursor = Cursor(elems, table)
        self.table = table
        self.calls = 0
        self.generated: list[int] = []
        self.free_from: int | None = None
        self.penalty = penalty
        # Keep a reserve to close the JSON, but never more than a quarter of a small budget.
        self.close_after = None if max_tokens is None else max(1, max_tokens - min(reserve, max_tokens // 4))
        self.copy_ids: Any = None  # set when the user's request tokens are preferred in strings
        self.copy_list: list[int] = []
        self.copy_bias = 0.0

    def prefer_copying(self, token_ids: Sequence[int], bias: float) -> None:
        """Inside string values, favour tokens of the user's own words (names, paths, addresses)."""
        ids = sorted({i for i in token_ids if 0 <= i < self.table.size and self.table.str_body[i]})
        if ids:
            self.copy_list, self.copy_ids, self.copy_bias = ids, True, bias

    def __call__(self, tokens: Any, logits: Any) -> Any:
        import mlx.core as mx

        if self.calls:
            token = int(tokens[-1].item())
            self.generated.append(token)
            self.cursor.feed_token(token)
        self.calls += 1
        if self.close_after is not None and self.calls > self.close_after:
            self.cursor.exhausted = True
        mask = self.cursor.allowed()
        if mask is None:
            if self.free_from is None:  # the answer began with the last token: routing words don't count
                self.free_from = max(0, len(self.generated) - 1)
            seen = sorted(set(self.generated[self.free_from :][-ANSWER_REPETITION_WINDOW:]))
            if not seen or self.penalty == 1.0:
                return logits
            seen_ids = mx.array(seen)
            picked = logits[:, seen_ids]
            logits[:, seen_ids] = mx.where(picked < 0, picked * self.penalty, picked / self.penalty)
            return logits
        width = logits.shape[-1]
        if width != mask.shape[0]:
            full = np.zeros(width, dtype=bool)
            full[: min(width, mask.shape[0])] = mask[:width]
            mask = full
        if not mask.any():  # should not happen; never leave the sampler nothing
            return logits
        if self.copy_ids is not None and self.cursor.in_string():
            # Each of the user's tokens gets the nudge until it has been used: no "txt.txt.txt".
            used = set(self.generated[-ANSWER_REPETITION_WINDOW:])
            fresh = [i for i in self.copy_list if i not in used]
            if fresh:
                idx = mx.array(fresh)
                logits[:, idx] = logits[:, idx] + self.copy_bias
        return mx.where(mx.array(mask), logits, mx.array(-float("inf"), dtype=logits.dtype))


COPY_BIAS = 3.0


def processor_factory(elems_factory: Callable[[], list[Elem]], *, max_tokens: int | None = None,
                      copy_from: str = "") -> Callable[[Any], list[GrammarProcessor]]:
    """A ``GenerationRequest.logits_processors`` factory: called with the tokenizer in the model thread.

    With ``max_tokens``, a tool call starts closing its strings and braces before the limit, so a
    long string cannot leave the JSON cut off. With ``copy_from`` (the user's request), string
    values lean towards the user's own words: small models otherwise copy the prompt's examples.
    """

    def factory(tokenizer: Any) -> list[GrammarProcessor]:
        processor = GrammarProcessor(elems_factory(), token_table(tokenizer), max_tokens=max_tokens)
        if copy_from:
            ids: list[int] = []
            # The request as written, and each word on its own: inside a JSON string a path starts
            # without the leading space it had in the sentence ("~/" rather than " ~/").
            for variant in (copy_from, " " + copy_from, *copy_from.split()):
                ids.extend(tokenizer.encode(variant, add_special_tokens=False))
            processor.prefer_copying(ids, COPY_BIAS)
        return [processor]

    return factory
