"""The desktop app's voice answerer: early answers (while the key is held) through the core's ops.

The real agent (with a scripted model) behind the app's Services, as the window uses them: a plain
question may be answered early, an action request may not, warming prefills the open
conversation, and a dropped early answer leaves the conversation as it was.
"""

from __future__ import annotations

from fakes import FakeCore, ScriptedChatModel


def _answerer(tmp_path, replies: list[str], conversation: str = "c-voice"):  # noqa: ANN001, ANN202
    from app.agent.loop import Agent
    from app.config import Settings
    from app.paths import get_paths
    from ui.services import Services
    from ui.voice_control import _Answerer

    model = ScriptedChatModel(replies)
    requests: list = []
    generate = model.generate
    model.generate = lambda request: (requests.append(request), generate(request))[1]  # type: ignore[method-assign]
    agent = Agent(model, settings=Settings(), cwd=tmp_path)
    posted: list = []
    services = Services(lambda event, channel: posted.append((event, channel)), paths=get_paths(),
                        settings=Settings(), core=FakeCore(agent))
    open_now = {"id": ""}
    answerer = _Answerer(services, lambda: conversation, lambda: open_now["id"])
    return answerer, agent, requests, open_now


def test_only_plain_questions_are_answered_early(tmp_path) -> None:  # noqa: ANN001
    answerer, _, _, _ = _answerer(tmp_path, [])
    assert answerer.can_speculate("What is the capital of France?")
    assert not answerer.can_speculate("Delete the file notes.txt in my home folder")
    assert not answerer.can_speculate("Send an email to Anna about dinner")


def test_warming_prefills_only_an_open_conversation(tmp_path) -> None:  # noqa: ANN001
    answerer, agent, requests, open_now = _answerer(tmp_path, ["Action: answer\nok"] * 3)
    answerer.warm()
    assert requests == [] and not agent.conversations.exists("c-voice")  # a press alone creates nothing
    open_now["id"] = "c-voice"
    answerer.warm()
    (warm,) = requests
    assert warm.conversation_id == "c-voice" and warm.max_tokens == 1
    assert warm.messages[0]["role"] == "system"


def test_a_dropped_early_answer_leaves_no_trace(tmp_path) -> None:  # noqa: ANN001
    answerer, agent, _, _ = _answerer(tmp_path, ["Paris.", "Rome."])
    kept = answerer.start_turn("What is the capital of France?")
    list(kept)
    assert len(agent.conversations.load("c-voice")["messages"]) == 2
    early = answerer.start_turn("What is the capital of Italy?")
    list(early)  # it ran to the end, held back by the pipeline; then the final transcript differed
    assert len(agent.conversations.load("c-voice")["messages"]) == 4
    answerer.discard(early)
    messages = agent.conversations.load("c-voice")["messages"]
    assert [m["content"] for m in messages] == ["What is the capital of France?", "Paris."]
    answerer.discard(kept)  # only the latest turn can be dropped
    assert len(agent.conversations.load("c-voice")["messages"]) == 2
