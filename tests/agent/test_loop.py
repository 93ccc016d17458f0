"""The agent loop with a scripted model: event order, gating, denial feedback, cancel, step limit."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from app.agent.loop import CANCELLED_BY_USER, Agent
from app.config import Settings
from app.conversations import ConversationStore
from app.events import ActionResult, ApprovalRequested, FinalAnswer, MemoryRetrieved, Token, TurnCancelled
from app.policy.approval import ApprovalDecision

from .scripted import ScriptedModel


def kinds(turn) -> list[str]:
    return [e.kind for e in turn.events]


def make_agent(model, tmp_path: Path, approver=None, **kw) -> Agent:
    """Every tool offered whatever the words (the pre-router off): these tests are about the loop and the gate."""
    kw.setdefault("preroute", False)
    return Agent(model, approver=approver, settings=kw.pop("settings", Settings()), cwd=tmp_path, **kw)


def test_a_plain_answer_streams_and_finishes(tmp_path: Path) -> None:
    model = ScriptedModel(["Action: answer\nHello there, friend."])
    turn = make_agent(model, tmp_path).ask("hi", timeout=10)
    assert kinds(turn)[:2] == ["TurnStarted", "MemoryRetrieved"]
    assert kinds(turn)[-1] == "FinalAnswer"
    text = "".join(e.text for e in turn.events if isinstance(e, Token))
    assert text == "Hello there, friend." and turn.final and turn.final.text == text
    request = model.requests[0]
    assert request.assistant_prefix == "Action:" and request.logits_processors is not None
    assert request.messages[0]["role"] == "system" and "list_files" in request.messages[0]["content"]


def test_read_only_tool_runs_and_its_result_is_fed_back_fenced(tmp_path: Path) -> None:
    (tmp_path / "todo.txt").write_text("buy tide pods")
    model = ScriptedModel([f'Action: read_file\nArguments: {{"path": "{tmp_path}/todo.txt"}}',
                           "Action: answer\nYour list says: buy tide pods."])
    turn = make_agent(model, tmp_path).ask("what is on my list?", timeout=10)
    assert kinds(turn) == ["TurnStarted", "MemoryRetrieved", "ActionProposed", "ApprovalDecided", "ActionResult",
                           *["Token"] * sum(isinstance(e, Token) for e in turn.events), "FinalAnswer"]
    second = model.requests[1].messages
    assert second[-2] == {"role": "assistant", "content": f'Action: read_file\nArguments: {{"path": "{tmp_path}/todo.txt"}}'}
    assert "<data" in second[-1]["content"] and "buy tide pods" in second[-1]["content"]


def test_a_denied_action_ends_the_turn_in_words_without_a_second_proposal(tmp_path: Path) -> None:
    victim = tmp_path / "car.txt"
    call = f'Action: write_file\nArguments: {{"path": "{victim}", "content": "buy a car"}}'
    model = ScriptedModel([call, call.replace("buy a car", "buy a bike"), "Action: answer\nOK."])
    turn = make_agent(model, tmp_path, lambda r: ApprovalDecision("denied")).ask("x", timeout=10)
    result = next(e for e in turn.events if isinstance(e, ActionResult))
    assert not result.ok and result.output == CANCELLED_BY_USER and not victim.exists()
    assert len(model.requests) == 1 and kinds(turn).count("ActionProposed") == 1
    assert turn.final is not None and "did not write" in turn.final.text and "declined" in turn.final.text
    assert kinds(turn)[-1] == "FinalAnswer"


def test_no_approver_denies(tmp_path: Path) -> None:
    model = ScriptedModel(['Action: run_command\nArguments: {"command": "touch made.txt"}', "Action: answer\nno"])
    turn = make_agent(model, tmp_path, None).ask("x", timeout=10)
    assert not (tmp_path / "made.txt").exists()
    decided = [e for e in turn.events if e.kind == "ApprovalDecided"]
    assert decided[0].decision == "denied" and decided[0].by == "no_approver"


def test_approved_action_runs_and_is_undoable(tmp_path: Path) -> None:
    model = ScriptedModel(['Action: write_file\nArguments: {"path": "new.txt", "content": "hello"}', "Action: answer\ndone"])
    agent = make_agent(model, tmp_path, lambda r: ApprovalDecision("approved"))
    turn = agent.ask("x", timeout=10)
    result = next(e for e in turn.events if isinstance(e, ActionResult))
    assert result.ok and result.undo_available and (tmp_path / "new.txt").read_text() == "hello"
    kinds_logged = [e["kind"] for e in agent.audit.read().entries]
    assert kinds_logged == ["proposal", "approval_requested", "decision", "execution", "result"]


def test_invalid_and_unknown_calls_are_fed_back(tmp_path: Path) -> None:
    model = ScriptedModel(['Action: launch_rockets\nArguments: {"target": "moon"}',
                           'Action: run_command\nArguments: {"command": "ls", "requires_approval": false}',
                           "Action: list_files\nArguments: not json",
                           "Action: answer\nsorry"])
    settings = Settings()
    settings.agent.max_steps = 5
    turn = make_agent(model, tmp_path, settings=settings).ask("x", timeout=10)
    assert not any(e.kind == "ActionProposed" for e in turn.events)
    feedback = [r.messages[-1]["content"] for r in model.requests[1:]]
    assert "no tool named launch_rockets is available" in feedback[0]
    assert "unknown field 'requires_approval'" in feedback[1]
    assert "not a JSON object" in feedback[2]


def test_the_step_limit_forces_an_answer(tmp_path: Path) -> None:
    calls = [f'Action: list_files\nArguments: {{"path": "{tmp_path}/{i}"}}' for i in range(3)]
    model = ScriptedModel([*calls, "I give up."])
    turn = make_agent(model, tmp_path).ask("x", timeout=10)
    last = model.requests[-1]
    assert len(model.requests) == 4
    assert last.logits_processors is not None and last.assistant_prefix == "Action: answer\n"
    assert last.messages[0] == model.requests[0].messages[0]  # same system prompt: the cache is reused
    assert turn.final is not None and turn.final.text == "I give up."


def test_a_repeated_identical_call_is_not_run_twice(tmp_path: Path) -> None:
    call = f'Action: list_files\nArguments: {{"path": "{tmp_path}"}}'
    model = ScriptedModel([call, call, "Here they are."])
    turn = make_agent(model, tmp_path).ask("x", timeout=10)
    assert sum(e.kind == "ActionResult" for e in turn.events) == 1
    assert model.requests[2].assistant_prefix == "Action: answer\n" and turn.final is not None
    assert "already ran" in model.requests[2].messages[-1]["content"]


def test_cancel_while_streaming(tmp_path: Path) -> None:
    gate = threading.Event()
    model = ScriptedModel(["Action: answer\n" + "word " * 200], gate=gate)
    turn = make_agent(model, tmp_path).start_turn("talk a lot")
    time.sleep(0.2)
    turn.cancel()
    gate.set()
    assert turn.wait(10)
    assert kinds(turn)[-1] == "TurnCancelled" and turn.final is None


def test_cancel_while_waiting_for_approval_runs_nothing(tmp_path: Path) -> None:
    waiting = threading.Event()

    def approver(req: ApprovalRequested) -> ApprovalDecision:
        waiting.set()
        time.sleep(3)
        return ApprovalDecision("approved")

    model = ScriptedModel(['Action: run_command\nArguments: {"command": "touch late.txt"}'])
    turn = make_agent(model, tmp_path, approver).start_turn("x")
    assert waiting.wait(5)
    turn.cancel()
    assert turn.wait(5)
    assert isinstance(turn.events[-1], TurnCancelled)
    time.sleep(3.2)
    assert not (tmp_path / "late.txt").exists()


def test_the_conversation_is_kept_and_reused(tmp_path: Path) -> None:
    model = ScriptedModel(["Action: answer\nNice to meet you, Ada.", "Action: answer\nYou are Ada."])
    agent = make_agent(model, tmp_path)
    agent.ask("I am Ada", conversation_id="c1", timeout=10)
    agent.ask("who am I?", conversation_id="c1", timeout=10)
    history = model.requests[1].messages
    assert {"role": "user", "content": "I am Ada"} in history
    assert {"role": "assistant", "content": "Action: answer\nNice to meet you, Ada."} in history
    assert model.requests[1].conversation_id == "c1"
    # The second turn's prompt starts with exactly what the first sent: the prompt cache is reused.
    assert model.requests[1].messages[:2] == model.requests[0].messages[:2]
    stored = ConversationStore().load("c1")
    assert [m["role"] for m in stored["messages"]] == ["user", "assistant", "user", "assistant"]


def test_memory_failure_is_reported_and_the_turn_goes_on(tmp_path: Path) -> None:
    class Broken:
        def search(self, *a, **k):
            raise RuntimeError("index corrupt")

    model = ScriptedModel(["Action: answer\nok"])
    turn = make_agent(model, tmp_path, memory=Broken(), tools=[]).ask("x", timeout=10)
    assert any(e.kind == "ErrorEvent" and e.stage == "memory" for e in turn.events)
    assert isinstance(turn.events[-1], FinalAnswer)
    assert any(isinstance(e, MemoryRetrieved) for e in turn.events)
    assert "You can use tools" not in model.requests[0].messages[0]["content"]  # no tools offered


def test_a_model_error_ends_the_turn_with_one_clear_error(tmp_path: Path) -> None:
    class Failing(ScriptedModel):
        def generate(self, request):
            raise RuntimeError("GPU on fire")

    turn = make_agent(Failing([]), tmp_path).ask("x", timeout=10)
    assert turn.events[-1].kind == "ErrorEvent" and "GPU on fire" in turn.events[-1].message  # type: ignore[attr-defined]


def test_native_tool_format_when_the_template_supports_tools(tmp_path: Path) -> None:
    class Native(ScriptedModel):
        supports_tools = True

    (tmp_path / "a.txt").write_text("x")
    model = Native([f'Let me look. <tool_call>\n{{"name": "list_files", "arguments": {{"path": "{tmp_path}"}}}}\n</tool_call>',
                    "There is one file, a.txt."])
    turn = make_agent(model, tmp_path).ask("what is here?", timeout=10)
    first = model.requests[0]
    assert first.tools and first.assistant_prefix == "" and first.logits_processors is not None
    assert any(e.kind == "ActionResult" and e.ok for e in turn.events)
    shown = "".join(e.text for e in turn.events if isinstance(e, Token))
    assert "<tool_call>" not in shown and "Let me look." in shown
    assert model.requests[1].messages[-1]["role"] == "tool"
    assert turn.final is not None and turn.final.text == "There is one file, a.txt."


def test_cancel_stops_a_running_command(tmp_path: Path) -> None:
    model = ScriptedModel(['Action: run_command\nArguments: {"command": "sleep 30; touch late.txt"}'])
    turn = make_agent(model, tmp_path, lambda r: ApprovalDecision("approved")).start_turn("x")
    deadline = time.time() + 10
    while not any(e.kind == "ApprovalDecided" for e in turn.events) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    started = time.time()
    turn.cancel()
    assert turn.wait(10) and time.time() - started < 5
    result = next(e for e in turn.events if isinstance(e, ActionResult))
    assert not result.ok and "cancelled" in result.output
    assert isinstance(turn.events[-1], TurnCancelled) and not (tmp_path / "late.txt").exists()


def test_the_pre_router_offers_tools_only_when_the_words_ask_for_an_action(tmp_path: Path) -> None:
    # A plain question: answer only, so even a model that "wants" a tool cannot call one.
    model = ScriptedModel(['Action: delete_files\nArguments: {"paths": ["~/x"]}'])
    turn = make_agent(model, tmp_path, preroute=True).ask("What is the capital of France?", timeout=10)
    first = model.requests[0]
    # Plain chat: no forced routing prefix and no tool format anywhere in the prompt.
    assert first.assistant_prefix == "" and first.tools is None
    assert "Action:" not in first.messages[0]["content"] and "delete_files" not in first.messages[0]["content"]
    assert not any(e.kind == "ActionProposed" for e in turn.events)
    # An action request: only its family; a call outside it is refused before the gate.
    model = ScriptedModel(['Action: send_mail\nArguments: {"to": ["a@b.c"], "subject": "s", "body": "b"}',
                           "Action: answer\nok"])
    turn = make_agent(model, tmp_path, preroute=True).ask("Tidy up the file ~/x.txt", timeout=10)
    assert model.requests[0].assistant_prefix == "Action:"
    assert not any(e.kind == "ActionProposed" for e in turn.events)
    assert "no tool named send_mail is available" in model.requests[1].messages[-1]["content"]
    assert model.requests[0].messages[0] == model.requests[1].messages[0]  # same system prompt either way
