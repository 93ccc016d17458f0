"""Constrained decoding with the real SmolLM2 tokenizer: whatever the logits say, a tool call is
valid JSON for its schema by construction."""

from __future__ import annotations

import json
from pathlib import Path

import mlx.core as mx
import numpy as np
import pytest

from app.agent import grammar, toolcall
from app.config import Settings
from app.tools.base import validate
from app.tools.registry import default_tools


@pytest.fixture(scope="module")
def table(default_model_dir: Path) -> grammar.TokenTable:
    from mlx_lm.utils import load_tokenizer

    return grammar.token_table(load_tokenizer(default_model_dir))


def _schemas() -> dict[str, dict]:
    settings = Settings()
    settings.agent.web_fetch_enabled = True
    return {t.name: t.parameters for t in default_tools(settings, memory=object())}


def _run(processor: grammar.GrammarProcessor, table: grammar.TokenTable, rng: np.random.Generator,
         bias: np.ndarray | None = None, steps: int = 3000) -> str:
    tokens = [1]
    out = []
    for _ in range(steps):
        logits = rng.normal(size=(1, table.size)).astype(np.float32)
        if bias is not None:
            logits = logits + bias
        masked = processor(mx.array(tokens), mx.array(logits))
        nxt = int(mx.argmax(masked, axis=-1).item())
        tokens.append(nxt)
        if nxt in table.eos_ids:
            break
        out.append(table.strings[nxt])
    return "".join(out)


def test_the_token_table_is_sane(table: grammar.TokenTable) -> None:
    assert table.size == 49152 and table.eos_ids == [2]
    assert not table.valid[2] and table.str_body.sum() > 40000 and table.digits.sum() >= 10
    assert '"' not in "".join(table.strings[i] for i in np.flatnonzero(table.str_body)[:2000])


@pytest.mark.parametrize("seed", range(6))
def test_random_logits_always_give_a_valid_call(table: grammar.TokenTable, seed: int) -> None:
    schemas = _schemas()
    rng = np.random.default_rng(seed)
    # Bias towards the closing quote so strings end before the budget (and the test stays fast).
    bias = np.zeros(table.size, dtype=np.float32)
    bias[np.flatnonzero(table.str_close)] = 2.5
    text = _run(grammar.GrammarProcessor(grammar.routed_call_grammar(schemas, answer=False), table), table, rng, bias)
    parsed = toolcall.parse_routed(toolcall.ROUTE_PREFIX + text)
    assert isinstance(parsed, toolcall.Call), text
    assert parsed.tool in schemas
    assert validate(schemas[parsed.tool], parsed.arguments) == [], text


def test_every_tool_schema_can_be_forced(table: grammar.TokenTable) -> None:
    """Force each tool by favouring its name; the arguments must validate for that tool."""
    schemas = _schemas()
    rng = np.random.default_rng(7)
    for name, schema in schemas.items():
        processor = grammar.GrammarProcessor(grammar.routed_call_grammar({name: schema}, answer=False), table)
        bias = np.zeros(table.size, dtype=np.float32)
        bias[np.flatnonzero(table.str_close)] = 3.0
        text = _run(processor, table, rng, bias)
        parsed = toolcall.parse_routed(toolcall.ROUTE_PREFIX + text)
        assert isinstance(parsed, toolcall.Call) and parsed.tool == name, text
        assert validate(schema, parsed.arguments) == [], text


def test_the_answer_branch_is_unconstrained(table: grammar.TokenTable) -> None:
    processor = grammar.GrammarProcessor(grammar.routed_call_grammar(_schemas()), table)
    cursor = processor.cursor
    for ch in " answer\n":
        assert cursor.feed_char(ch)
    first = cursor.allowed()  # the first token may not reopen tool-call syntax
    assert first is not None and first.sum() > 40000
    assert not any(first[i] for i in table.by_string.get("Action", []))
    assert cursor.feed_char("H")
    assert cursor.allowed() is None


def test_native_format_is_enforced_after_the_trigger(table: grammar.TokenTable) -> None:
    schemas = {"list_files": _schemas()["list_files"]}
    cursor = grammar.Cursor(grammar.native_call_grammar(schemas), table)
    for ch in "Sure. <tool_call>":
        assert cursor.feed_char(ch)
    mask = cursor.allowed()
    assert mask is not None and 0 < mask.sum() < 10
    for ch in '\n{"name": "list_files", "arguments": {"path": "~"}}\n</tool_call>':
        assert cursor.feed_char(ch), ch
    assert (cursor.allowed() == table.eos_mask).all()
    parsed = toolcall.parse_native('Sure. <tool_call>\n{"name": "list_files", "arguments": {"path": "~"}}\n</tool_call>')
    assert isinstance(parsed, toolcall.Call) and parsed.arguments == {"path": "~"}


def test_invalid_characters_are_rejected(table: grammar.TokenTable) -> None:
    cursor = grammar.Cursor(grammar.object_elems({"type": "object", "properties": {"n": {"type": "integer"},
                                                                                  "b": {"type": "boolean"}},
                                                  "required": ["n", "b"]}), table)
    for ch in '{"n": 12':
        assert cursor.feed_char(ch)
    assert not cursor.feed_char("x")
    for ch in ', "b": true}':
        assert cursor.feed_char(ch), ch
    assert json.loads('{"n": 12, "b": true}') == {"n": 12, "b": True}


def test_a_call_closes_before_max_tokens(table: grammar.TokenTable) -> None:
    """Logits that never want to close a string still give complete JSON within max_tokens."""
    schemas = {"send_mail": _schemas()["send_mail"]}
    rng = np.random.default_rng(3)
    processor = grammar.GrammarProcessor(grammar.routed_call_grammar(schemas, answer=False), table, max_tokens=80)
    bias = np.zeros(table.size, dtype=np.float32)
    bias[np.flatnonzero(table.str_close)] = -50.0  # the model "never" wants to stop
    text = _run(processor, table, rng, bias, steps=80)
    parsed = toolcall.parse_routed(toolcall.ROUTE_PREFIX + text)
    assert isinstance(parsed, toolcall.Call), text
    assert validate(schemas["send_mail"], parsed.arguments) == []
    assert processor.calls <= 81
