"""Stop reacts at once, even while the model is still reading the prompt and will not be
interrupted; and the tokens/s figure counts only the time tokens were streaming, never the wait
for an approval.

The real Agent runs here; the model is a stand-in that holds its prompt reading until released,
as a long prefill does (the real model's speed is measured in bench/, not here).
"""

from __future__ import annotations

import threading

from fakes import FakeCore, ScriptedChatModel

from app import events as ev
from app.paths import get_paths


class _SlowReading:
    """A generation that reads its prompt until released, whatever cancel says (a long prefill)."""

    def __init__(self, request_id: str, release: threading.Event) -> None:
        self.request_id = request_id
        self.release = release
        self.cancelled = False

    def __iter__(self):  # noqa: ANN204
        yield ev.GenerationStarted(request_id=self.request_id, prompt_tokens=4000)
        self.release.wait(30)
        finish = "cancelled" if self.cancelled else "stop"
        yield ev.GenerationDone(request_id=self.request_id, text="", finish_reason=finish, prompt_tokens=4000,
                                cached_tokens=0, generation_tokens=0, time_to_first_token_s=0.0, prompt_tps=0.0,
                                generation_tps=0.0, peak_memory_gb=0.0)

    def cancel(self) -> None:
        self.cancelled = True


class _SlowThenScripted(ScriptedChatModel):
    """The first generation is a slow prompt reading; the next ones are scripted replies."""

    def __init__(self, replies: list[str]) -> None:
        super().__init__(replies)
        self.release = threading.Event()
        self.slow_started = threading.Event()
        self.calls = 0

    def generate(self, request):  # noqa: ANN001, ANN201
        self.calls += 1
        if self.calls == 1:
            self.slow_started.set()
            return _SlowReading(request.request_id or "g", self.release)
        return super().generate(request)


def _app(themed_qapp, qtbot, model):  # noqa: ANN001, ANN202
    from app.agent.loop import Agent
    from app.audit import AuditLog
    from app.config import Settings
    from ui.app import HearthApp

    paths = get_paths().ensure()
    core = FakeCore()
    app = HearthApp(themed_qapp, paths=paths, core=core, start_hotkey=False)
    core.audit = AuditLog(paths=paths)
    # preroute=False: every request reaches the model (the read path answers some questions without it)
    core.agent = Agent(model, approver=app.center, audit=core.audit, settings=Settings(), paths=paths,
                       preroute=False)
    qtbot.addWidget(app.main)
    return app


def test_stop_frees_the_window_at_once_while_the_model_is_still_reading(themed_qapp, qtbot) -> None:
    model = _SlowThenScripted(["Action: answer\nFour."])
    app = _app(themed_qapp, qtbot, model)
    try:
        main = app.main
        main.send("Summarise everything I wrote this year, in detail.")
        qtbot.waitUntil(model.slow_started.is_set, timeout=10_000)
        answer = main.view.current()
        main.stop()
        # No waiting: the very next look at the window already shows the turn stopped.
        assert not main.runner.busy
        assert answer.status.text() == "Stopped."
        assert main.composer.stop_button.isHidden()
        assert main.send("What is 2+2?")  # the next request is taken straight away
        model.release.set()  # the stopped prefill ends; its late events must not reach the new answer
        qtbot.waitUntil(lambda: not main.runner.busy, timeout=15_000)
        assert main.view.current().text() == "Four."
        assert answer.status.text() == "Stopped." and answer.text() == ""
    finally:
        model.release.set()
        app.center.close()


def test_tokens_per_second_leaves_out_the_approval_wait(themed_qapp, monkeypatch) -> None:  # noqa: ANN001
    import types

    from ui import turn_runner
    from ui.bridge import EventBridge

    now = [100.0]
    bridge = EventBridge()
    monkeypatch.setattr(turn_runner, "time", types.SimpleNamespace(monotonic=lambda: now[0]))
    runner = turn_runner.TurnRunner(services=None, bridge=bridge, channel="main")  # type: ignore[arg-type]
    runner._busy = True
    channel = f"main#{runner._run}"  # the view's channel and the run the events belong to

    def token(request_id: str = "r") -> None:
        now[0] += 0.05  # 20 tokens a second while streaming
        bridge.post(ev.Token(request_id=request_id, text="x"), channel)

    for _ in range(5):
        token()
    bridge.post(ev.ApprovalRequested(turn_id="t", action_id="a", tool="write_file", arguments={},
                                     arguments_hash="h", tier="write", explanation=""), channel)
    now[0] += 60.0  # a minute until the person approves
    bridge.post(ev.ApprovalDecided(turn_id="t", action_id="a", decision="approved", by="user"), channel)
    for _ in range(5):
        token()
    now[0] += 30.0  # the next generation reads its prompt: no event in between, only a new request id
    for _ in range(5):
        token("r2")
    themed_qapp.processEvents()
    assert round(runner.live_tps()) == 20
    assert "20 tok/s" in runner._stats()
