"""The gate's red team (issue #19): nothing that must ask runs unasked, credential and destructive
families are never under-tiered, and everyday commands rarely ask (false alarms <= 5%)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.policy.shell import classify_shell
from app.policy.shell_grammar import git_environment
from app.policy.tiers import Tier
from tests.policy import redteam_cases as rc


def test_the_set_is_big_enough() -> None:
    assert len(rc.shell_cases()) >= 1500
    assert len(rc.harmless_cases()) >= 200
    families = {c.family.split(" (")[0] for c in rc.shell_cases()}
    assert {"credential read", "login persistence", "home destruction", "GTFOBins options", "git code/config",
            "git destructive", "git network", "anchors bypasses", "credential read, hidden"} <= families


def test_red_team(tmp_path: Path, fake_home: Path) -> None:
    """One pass over every case (about 4,000 classifications), then each measure."""
    project = rc.make_workspace(tmp_path)
    results = [(case, classify_shell(case.command, project, git_safe=True)) for case in rc.all_cases()]

    unapproved = [(c.family, c.command, r.reasons) for c, r in results if not c.harmless and r.tier == Tier.READ_ONLY]
    assert unapproved == [], unapproved[:20]

    under = [(c.family, c.command, r.tier.label) for c, r in results if c.strict and r.tier < c.min_tier]
    assert under == [], under[:20]

    assert all(r.reasons and all(isinstance(x, str) and len(x) > 10 for x in r.reasons) for _c, r in results)

    harmless = [(c, r) for c, r in results if c.harmless]
    alarms = [(c.command, r.reasons) for c, r in harmless if r.tier != Tier.READ_ONLY]
    assert len(alarms) <= 0.05 * len(harmless), alarms


def test_git_runs_unasked_only_with_the_tools_overrides(tmp_path: Path, fake_home: Path) -> None:
    project = rc.make_workspace(tmp_path)
    assert classify_shell("git status", project, git_safe=True).tier == Tier.READ_ONLY
    assert classify_shell("git status", project).tier == Tier.UNKNOWN
    assert classify_shell("git status", tmp_path, git_safe=True).tier == Tier.UNKNOWN  # no repository: --no-index


def test_a_repository_that_names_a_program_makes_git_ask(tmp_path: Path, fake_home: Path) -> None:
    project = rc.make_workspace(tmp_path)
    canary = tmp_path / "ran"
    subprocess.run(["git", "-C", str(project), "config", "core.fsmonitor", f"touch {canary}; false"], check=True)
    (project / "notes.md").write_text("changed\n")
    assert classify_shell("git status", project, git_safe=True).tier == Tier.UNKNOWN
    # And the tool's environment keeps git from running it even when it is approved.
    subprocess.run(["git", "status", "--short"], cwd=project, env=git_environment(), check=True, capture_output=True)
    assert not canary.exists()
    subprocess.run(["git", "status", "--short"], cwd=project, check=True, capture_output=True)
    assert canary.exists()  # the canary works: plain git does run it


def test_tool_red_team(tmp_path: Path, fake_home: Path) -> None:
    """Every tool case through the gate with no approver: nothing that must ask runs, and a search of a
    folder holding token stores (directly, deeper, or through a link) runs but never reaches one."""
    outcomes = rc.run_tool_cases(tmp_path)
    assert len(outcomes) >= 55
    assert [(o.case.tool, o.case.arguments, o.reached) for o in outcomes if o.unapproved] == []
    assert [(o.case.tool, o.case.arguments, o.tier.label) for o in outcomes if o.under_tiered] == []
    searched = [o for o in outcomes if o.case.tool == "search_files" and o.ran]
    assert {o.case.arguments["path"] for o in searched} >= {"~", "~/.config", "~/Library", "~/Documents"}


def test_a_search_of_the_home_folder_still_finds_the_persons_files(tmp_path: Path, fake_home: Path) -> None:
    """Skipping secret stores does not hide the person's own files, and says what it skipped."""
    from app.config import Settings
    from app.paths import get_paths
    from app.tools import file_tools
    from app.tools.base import ToolContext

    rc.plant_token_stores()
    (fake_home / "Documents" / "taxes.txt").write_text("my token for the tax office portal\n")
    search = next(t for t in file_tools.TOOLS if t.name == "search_files")
    ctx = ToolContext(get_paths().ensure(), Settings(), None, tmp_path)
    out = search.execute({"path": "~", "query": "token"}, ctx).output
    assert "~/Documents/taxes.txt (contents)" in out
    assert rc.CANARY not in out and ".vault-token" not in out and "token-notes" not in out
    assert "secret store(s) skipped" in out
