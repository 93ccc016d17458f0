"""A model's own tool-call format, read from its chat template and enforced while it writes.

Detection uses real template texts: a Llama 3.1 style template (tests/agent/fixtures), the
embedded answer model's Qwen2.5 template (from its GGUF's tokenizer metadata) and the default
SmolLM2's. The real default model then writes a call held to each format's grammar; the call
parses, and none of it is shown as answer text.
"""

from __future__ import annotations

import json
import mmap
from pathlib import Path

import mlx.core as mx
import numpy as np
import pytest

from app.agent import callformat, grammar, prompt, toolcall
from app.config import Settings
from app.events import GenerationDone, Token
from app.runtime.api import GenerationRequest
from app.tools.registry import default_tools

FIXTURES = Path(__file__).parent / "fixtures"


def _llama_template() -> str:
    return (FIXTURES / "llama31_style_chat_template.jinja").read_text()


def _qwen_template() -> str:
    """The chat template in the embedded answer model's GGUF metadata (what its tokenizer config gets)."""
    from app.bundled import bundled_parts
    from app.runtime.gguf_errors import TruncatedGGUFError
    from app.runtime.gguf_header import GGUFHeader

    parts = bundled_parts()
    if parts is None:
        pytest.skip("the embedded answer model's package is not installed")
    header = GGUFHeader.__new__(GGUFHeader)  # the first part holds the metadata; its tensors go on
    header.path = parts[0]
    with open(parts[0], "rb") as fh:
        header.size = parts[0].stat().st_size
        header._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    header._pos = 0
    try:
        header._parse()
    except TruncatedGGUFError:
        pass
    return str(header.metadata["tokenizer.chat_template"])


def test_the_format_is_read_from_the_chat_template(default_model_dir: Path) -> None:
    from mlx_lm.utils import load_tokenizer

    qwen = _qwen_template()
    assert "Qwen" in qwen or "<|im_start|>" in qwen
    assert callformat.detect(qwen) == callformat.HERMES
    assert callformat.detect(_llama_template()) == callformat.LLAMA3
    smol = callformat.template_text(load_tokenizer(default_model_dir))
    assert smol and callformat.detect(smol) == callformat.ROUTED  # declares no tools: Hearth's routed format
    assert callformat.detect("") == callformat.ROUTED
    assert callformat.detect("{% for t in tools %}{{ t | tojson }}{% endfor %} reply as you like") == callformat.ROUTED


def _schemas() -> dict[str, dict]:
    return {t.name: t.parameters for t in default_tools(Settings()) if t.name in ("open_url", "open_app")}


@pytest.fixture(scope="module")
def table(default_model_dir: Path) -> grammar.TokenTable:
    from mlx_lm.utils import load_tokenizer

    return grammar.token_table(load_tokenizer(default_model_dir))


def _drive(elems: list[grammar.Elem], table: grammar.TokenTable, text: str) -> bool:
    """Whether ``text`` can be written under the grammar, one character at a time."""
    cursor = grammar.Cursor(elems, table)
    return all(cursor.feed_char(ch) for ch in text) and not cursor.broken


def test_the_bare_json_grammar_admits_a_call_or_words_and_nothing_in_between(table: grammar.TokenTable) -> None:
    build = callformat.grammar_for(_schemas(), callformat.LLAMA3)
    assert _drive(build(), table, '{"name": "open_url", "parameters": {"url": "https://example.com"}}')
    assert _drive(build(), table, "  I can open it for you.")  # an answer in words is free
    assert not _drive(build(), table, '{"name": "delete_files", "parameters": {}}')  # not offered
    assert not _drive(build(), table, '{"tool": "open_url"}')  # not the format
    cursor = grammar.Cursor(build(), table)
    first = cursor.allowed()
    assert first is not None
    assert first[table.by_string["{"][0]] if "{" in table.by_string else True
    assert not any(first[i] for s, ids in table.by_string.items() if s.strip().startswith("Action") for i in ids)


def _random_call(build, table: grammar.TokenTable, seed: int) -> str:  # type: ignore[no-untyped-def]
    """Random logits, biased to open a call: whatever is sampled is a valid call."""
    processor = grammar.GrammarProcessor(build(), table, max_tokens=200)
    rng = np.random.default_rng(seed)
    tokens, out = [1], []
    bias = np.zeros(table.size, dtype=np.float32)
    for s in ("{", '{"'):
        if s in table.by_string:
            bias[table.by_string[s]] = 50.0
    for step in range(200):
        logits = rng.normal(size=(1, table.size)).astype(np.float32) + (bias if step == 0 else 0)
        nxt = int(mx.argmax(processor(mx.array(tokens), mx.array(logits)), axis=-1).item())
        tokens.append(nxt)
        if nxt in table.eos_ids:
            break
        out.append(table.strings[nxt])
    return "".join(out)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_any_sampled_bare_json_call_parses(table: grammar.TokenTable, seed: int) -> None:
    text = _random_call(callformat.grammar_for(_schemas(), callformat.LLAMA3), table, seed)
    call = toolcall.parse_native(text)
    assert isinstance(call, toolcall.Call) and call.tool in _schemas(), text
    assert set(json.loads(text)) == {"name", "parameters"}


@pytest.mark.slow
@pytest.mark.parametrize("call_format", [callformat.LLAMA3, callformat.HERMES])
def test_the_real_model_writes_its_call_in_the_format_and_it_parses(model_service, call_format: str) -> None:
    """SmolLM2-135M, held to each format's grammar after one example in that format, opens the URL
    the request names; the call parses and no part of it streams out as answer text."""
    schemas = _schemas()
    tools = [t for t in default_tools(Settings()) if t.name in schemas]
    system = prompt.system_prompt(tools, routed=False, call_format=call_format)
    example = prompt.call_message("open_url", {"url": "https://weather.test"}, native=True, call_format=call_format)
    request_text = "Open https://example.com/docs in my browser"
    request = GenerationRequest(
        messages=[{"role": "system", "content": system}, {"role": "user", "content": "Open https://weather.test please"},
                  example, {"role": "user", "content": request_text}],
        max_tokens=120, request_id=f"fmt-{call_format}",
        logits_processors=grammar.processor_factory(callformat.grammar_for(schemas, call_format), max_tokens=120,
                                                    copy_from=request_text))
    stream = toolcall.AnswerStream(False)
    shown, done = "", None
    for event in model_service.generate(request):
        if isinstance(event, Token):
            shown += stream.feed(event.text)
        elif isinstance(event, GenerationDone):
            done = event
    assert done is not None
    shown += stream.flush()
    call = toolcall.parse_native(done.text)
    assert isinstance(call, toolcall.Call), done.text
    assert (call.tool, call.arguments) == ("open_url", {"url": "https://example.com/docs"}), done.text
    assert shown.strip() == "", shown  # the call is never prose
    if call_format == callformat.LLAMA3:
        assert done.text.lstrip().startswith('{"name": "open_url", "parameters": ')
    else:
        assert "<tool_call>" in done.text and done.text.rstrip().endswith("</tool_call>")


def test_the_agent_uses_the_format_its_models_template_declares(tmp_path: Path) -> None:
    """A model whose template is Llama 3.1 style: the agent offers tools in that format, holds the
    step to the bare-JSON grammar, runs the call it writes through the gate, and shows none of it."""
    from types import SimpleNamespace

    from app.agent.loop import Agent
    from app.events import ActionProposed
    from app.policy.approval import ApprovalDecision

    from .scripted import ScriptedModel

    class Llama(ScriptedModel):
        supports_tools = None  # type: ignore[assignment]

        def ensure_loaded(self) -> SimpleNamespace:
            return SimpleNamespace(tokenizer=SimpleNamespace(chat_template=_llama_template()))

    (tmp_path / "a.txt").write_text("x")
    model = Llama([f'{{"name": "list_files", "parameters": {{"path": "{tmp_path}"}}}}', "There is one file, a.txt."])
    agent = Agent(model, settings=Settings(), cwd=tmp_path, preroute=False,
                  approver=lambda r: ApprovalDecision("approved"))
    assert agent._call_format() == callformat.LLAMA3
    turn = agent.ask("what is here?", timeout=10)
    first = model.requests[0]
    assert first.tools and first.assistant_prefix == "" and first.logits_processors is not None
    assert '{"name": ..., "parameters": {...}}' in first.messages[0]["content"]
    assert [e.tool for e in turn.events if isinstance(e, ActionProposed)] == ["list_files"]
    shown = "".join(e.text for e in turn.events if isinstance(e, Token))
    assert '"parameters"' not in shown and "list_files" not in shown
    assert model.requests[1].messages[-2]["content"].startswith('{"name": "list_files", "parameters": ')
    assert turn.final is not None and turn.final.text == "There is one file, a.txt."
