"""What is offered for approval is real: an absolute path the user typed stays absolute, an action
on a path that does not exist is said rather than proposed, and a tool that cannot work here
(mail sending with no account, or no password in the keychain) is not offered; asking for it
explains how to set it up."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest

from app import secrets
from app.agent.loop import Agent
from app.agent.readiness import usable
from app.config import Settings
from app.conversations import ConversationStore
from app.events import ApprovalRequested
from app.policy.approval import ApprovalDecision
from app.tools.registry import default_tools

from .scripted import ScriptedModel

SAY_NOTHING = "Action: answer\n(the model was not needed)"


def _agent(model: ScriptedModel, cwd: Path, requests: list[ApprovalRequested], settings: Settings | None = None,
           **kw) -> Agent:
    return Agent(model, settings=settings or Settings(), cwd=cwd,
                 approver=lambda r: requests.append(r) or ApprovalDecision("approved"), **kw)


@pytest.fixture
def elsewhere(tmp_path: Path, fake_home: Path) -> Path:
    """A folder outside the home folder (like /tmp), named by its absolute path."""
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def test_a_delete_of_a_missing_file_says_so_and_asks_nothing(elsewhere: Path, fake_home: Path) -> None:
    target = elsewhere / "x.txt"
    requests: list[ApprovalRequested] = []
    model = ScriptedModel([SAY_NOTHING])
    turn = _agent(model, fake_home, requests).ask(f"Delete {target}", conversation_id="c", timeout=20)
    assert requests == [] and "ActionProposed" not in [e.kind for e in turn.events]
    assert turn.final is not None and f"{target} does not exist" in turn.final.text
    stored = ConversationStore().load("c")["messages"]  # no call kept: reopened, it shows no failed card
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert not (fake_home / str(target).lstrip("/")).exists()


def test_a_model_that_drops_the_leading_slash_is_corrected_and_the_missing_file_is_said(
        elsewhere: Path, fake_home: Path) -> None:
    target = elsewhere / "x.txt"
    relative = str(target).lstrip("/")  # what a small model wrote: the path under the home folder
    requests: list[ApprovalRequested] = []
    model = ScriptedModel([f'Action: delete_files\nArguments: {{"paths": ["{relative}"]}}', SAY_NOTHING])
    turn = _agent(model, fake_home, requests, preroute=False).ask(f"Please delete {target} for me", timeout=20)
    assert requests == []
    assert turn.final is not None and f"{target} does not exist" in turn.final.text
    target.write_text("old")
    model = ScriptedModel([f'Action: delete_files\nArguments: {{"paths": ["{relative}"]}}', SAY_NOTHING])
    turn = _agent(model, fake_home, requests, preroute=False).ask(f"Please delete {target} for me", timeout=20)
    (request,) = requests
    assert request.arguments == {"paths": [str(target)]} and str(target) in request.preview
    assert not target.exists() and turn.final is not None and "Done" in turn.final.text


def test_a_move_of_a_missing_file_is_not_proposed(elsewhere: Path, fake_home: Path) -> None:
    requests: list[ApprovalRequested] = []
    model = ScriptedModel([SAY_NOTHING])
    turn = _agent(model, fake_home, requests).ask(f"Move {elsewhere}/a.txt to {elsewhere}/b.txt", timeout=20)
    assert requests == [] and turn.final is not None and f"{elsewhere}/a.txt does not exist" in turn.final.text


def test_send_mail_without_an_account_is_not_offered_and_asking_explains_the_set_up(fake_home: Path) -> None:
    requests: list[ApprovalRequested] = []
    model = ScriptedModel([SAY_NOTHING])
    turn = _agent(model, fake_home, requests).ask("Send an email to bob@example.com saying I'm late", timeout=20)
    assert requests == [] and model.requests == []
    text = turn.final.text if turn.final else ""
    assert "smtp_host" in text and "hearth mail set-password" in text and "Draft an email" in text
    tools, _ = usable("mail the report to ana@example.org", list(default_tools(Settings())), _agent(
        model, fake_home, requests).context, preroute=True)
    assert "send_mail" not in {t.name for t in tools} and "draft_mail" in {t.name for t in tools}


def test_send_mail_with_an_account_but_no_password_says_how_to_store_it(fake_home: Path) -> None:
    from tests.tools.test_tools import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        settings = Settings()
        settings.mail.smtp_host, settings.mail.username = "smtp.example.com", "me@example.com"
        requests: list[ApprovalRequested] = []
        model = ScriptedModel([SAY_NOTHING, SAY_NOTHING])
        agent = _agent(model, fake_home, requests, settings=settings)
        turn = agent.ask("Send an email to bob@example.com saying I'm late", timeout=20)
        assert requests == [] and turn.final is not None
        assert "password for me@example.com" in turn.final.text and "hearth mail set-password" in turn.final.text
        secrets.set_secret(secrets.smtp_secret_name("me@example.com"), "pw")
        tools, why = usable("Send an email to bob@example.com saying I'm late", list(agent.tools), agent.context,
                            preroute=True)
        assert why == "" and "send_mail" in {t.name for t in tools}  # set up: offered again
    finally:
        keyring.set_keyring(previous)


def test_opening_a_web_address_without_an_opener_explains_what_to_install(
        fake_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.tools import open_tools

    monkeypatch.setattr(open_tools.sys, "platform", "linux")
    monkeypatch.setattr(open_tools.shutil, "which", lambda program, *a, **k: None)
    requests: list[ApprovalRequested] = []
    model = ScriptedModel(['Action: open_url\nArguments: {"url": "https://example.com"}', "Action: answer\nok"])
    agent = _agent(model, fake_home, requests, preroute=False)
    tools, _ = usable("open https://example.com", list(agent.tools), agent.context, preroute=False)
    assert "open_url" not in {t.name for t in tools} and "open_app" not in {t.name for t in tools}
    assert "xdg-utils" in agent.tools.get("open_url").how_to_set_up(agent.context)  # type: ignore[union-attr]
    agent.ask("open https://example.com", timeout=20)
    assert requests == []  # not offered, so never proposed
