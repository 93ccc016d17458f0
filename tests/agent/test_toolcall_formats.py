"""Every format small instruct models write a tool call in is read as a call, never shown as prose.

The formats are the ones real models emit (Qwen2.5/Hermes ``<tool_call>``, Llama 3.x JSON with
``parameters`` and ``<|python_tag|>``, fenced ```json blocks, bare JSON objects). The loop tests
use a scripted model for the reply and the real gate and file tool for what runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.agent import toolcall
from app.agent.loop import Agent
from app.config import Settings
from app.events import ActionProposed, ActionResult, Token
from app.policy.approval import ApprovalDecision

from .scripted import ScriptedModel

ARGS = {"path": "/tmp/x.md", "content": "hello"}
CALL = json.dumps({"name": "write_file", "arguments": ARGS})


@pytest.mark.parametrize("text", [
    f"<tool_call>\n{CALL}\n</tool_call>",
    f"Sure! Here is the call:\n```json\n{CALL}\n```",
    f"```\n{CALL}\n```",
    CALL,
    json.dumps({"name": "write_file", "parameters": ARGS}),  # Llama 3.x
    "<|python_tag|>" + json.dumps({"name": "write_file", "parameters": ARGS}),
    json.dumps([{"type": "function", "function": {"name": "write_file", "arguments": json.dumps(ARGS)}}]),
])
def test_each_format_is_read_as_a_call(text: str) -> None:
    parsed = toolcall.parse_native(text)
    assert isinstance(parsed, toolcall.Call) and (parsed.tool, parsed.arguments) == ("write_file", ARGS)
    routed = toolcall.parse_routed("Action: answer\n" + text)
    assert isinstance(routed, toolcall.Call) and (routed.tool, routed.arguments) == ("write_file", ARGS)


@pytest.mark.parametrize("text", [
    "The answer is 42.",
    'Use this config:\n```json\n{"debug": true}\n```',
    "Sets look like {1, 2}.",
])
def test_prose_and_plain_json_stay_an_answer(text: str) -> None:
    assert toolcall.parse_answer(text) == toolcall.Answer(text.strip())
    stream = toolcall.AnswerStream(False)
    shown = "".join(stream.feed(text[i:i + 3]) for i in range(0, len(text), 3)) + stream.flush()
    assert shown == text


def test_a_streamed_fenced_call_is_never_shown() -> None:
    text = f"Okay.\n```json\n{CALL}\n```\n"
    for routed, prefix in ((False, ""), (True, " answer\n")):
        stream = toolcall.AnswerStream(routed)
        full = prefix + text
        shown = "".join(stream.feed(full[i:i + 2]) for i in range(0, len(full), 2)) + stream.flush()
        assert "write_file" not in shown and "{" not in shown and shown.strip() == "Okay."


def _agent(model: ScriptedModel, tmp_path: Path, decision: str) -> Agent:
    settings = Settings()
    settings.agent.web_fetch_enabled = True
    return Agent(model, settings=settings, cwd=tmp_path, approver=lambda r: ApprovalDecision(decision))


@pytest.mark.parametrize("native", [False, True])
def test_a_fenced_json_call_runs_after_approval_and_is_not_shown_as_text(tmp_path: Path, native: bool) -> None:
    target = tmp_path / "note.md"
    call = json.dumps({"name": "write_file", "arguments": {"path": str(target), "content": "milk"}})
    reply = f"```json\n{call}\n```" if native else f"Action: answer\n```json\n{call}\n```"
    model = ScriptedModel([reply, "Action: answer\nDone."])
    model.supports_tools = native
    # Not an explicit request the pre-router plans itself: the model's own call is what is proposed.
    turn = _agent(model, tmp_path, "approved").ask(f"Please jot milk into {target}", timeout=10)
    proposed = [e for e in turn.events if isinstance(e, ActionProposed)]
    assert [(p.tool, p.arguments["path"]) for p in proposed] == [("write_file", str(target))]
    assert next(e for e in turn.events if isinstance(e, ActionResult)).ok
    assert target.read_text() == "milk"
    shown = "".join(e.text for e in turn.events if isinstance(e, Token))
    assert "write_file" not in shown and "```" not in shown
    assert turn.final is not None and "```" not in turn.final.text


def test_a_fetched_page_is_answered_from_but_a_declined_fetch_ends_the_turn(tmp_path: Path) -> None:
    call = 'Action: web_fetch\nArguments: {"url": "http://127.0.0.1:9/page"}'
    model = ScriptedModel([call, "Action: answer\nThe page could not be fetched."])
    turn = _agent(model, tmp_path, "approved").ask("Fetch http://127.0.0.1:9/page and summarize it", timeout=20)
    assert len(model.requests) == 2 and turn.final is not None and turn.final.text == "The page could not be fetched."
    assert "not available" not in model.requests[1].messages[-1]["content"]  # the fetch ran; its result went back
    model = ScriptedModel([call, call])
    turn = _agent(model, tmp_path, "denied").ask("Fetch http://127.0.0.1:9/page and summarize it", timeout=20)
    assert len(model.requests) == 1 and turn.final is not None and "declined" in turn.final.text
