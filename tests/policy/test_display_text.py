"""Hidden characters in approval text: shown as visible escapes with a warning, never automatic,
and what runs stays byte-identical to what was approved (issue #19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.audit import AuditLog
from app.cli.approve_tty import render_request, terminal_approver
from app.config import Settings
from app.events import ApprovalRequested, Event
from app.paths import get_paths
from app.policy.allow_rules import AllowRules
from app.policy.approval import ApprovalDecision, Gate
from app.policy.display_text import escape_hidden, hidden_characters, hidden_in, unescape_hidden
from app.policy.hashing import arguments_hash
from app.policy.taint import Taint
from app.policy.tiers import Tier
from app.tools import file_tools, shell_tool
from app.tools.base import ToolContext

RLO, LRI, PDI, ZWSP = "\u202e", "\u2066", "\u2069", "\u200b"
# Reads like "cat note.txt" in a bidi-aware view, runs "rm -rf ~/Documents".
DISGUISED = f"rm -rf ~/Documents #{RLO}txt.eton tac"


def tool(name: str):
    return next(t for t in [*file_tools.TOOLS, shell_tool.TOOL] if t.name == name)


@pytest.mark.parametrize("ch", [RLO, "\u202a", "\u202d", LRI, PDI, "\u200e", "\u200f", "\u061c", ZWSP, "\u200c",
                                "\u200d", "\u2060", "\ufeff", "\x1b", "\r", "\x07", "\x85", "\u00a0", "\u2028",
                                "\U000e0041", "\u00ad"])
def test_every_hiding_character_is_shown_as_an_escape(ch: str) -> None:
    text = f"cat a{ch}b"
    shown = escape_hidden(text)
    assert ch not in shown and f"⟨U+{ord(ch):04X}⟩" in shown
    assert hidden_characters(text) == [f"U+{ord(ch):04X}"]
    assert unescape_hidden(shown) == text


def test_ordinary_text_is_left_alone() -> None:
    for text in ["ls -la ~/Notes", "line one\n\tline two", "café, naïve, 日本語, Ελληνικά, עברית",
                 "family 👨\u200d👩\u200d👧 trip", "❤\ufe0f"]:
        assert escape_hidden(text) == text and not hidden_characters(text), text


def _gate(tmp_path: Path, approver, settings: Settings | None = None) -> Gate:
    paths = get_paths().ensure()
    settings = settings or Settings()
    return Gate(context=ToolContext(paths, settings, None, tmp_path), approver=approver,
                audit=AuditLog(paths=paths), allow_rules=AllowRules(settings, paths), timeout_s=5)


def test_a_disguised_command_asks_with_the_warning_and_runs_byte_identical(tmp_path: Path) -> None:
    asked: list[ApprovalRequested] = []
    gate = _gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("approved"))
    args = {"command": f"echo {RLO}olleh"}  # read-only on its face, but it does not look like what runs
    events: list[Event] = []
    verdict = gate.review(turn_id="t", action_id="a", tool=tool("run_command"), arguments=args, taint=Taint(),
                          emit=events.append)
    assert asked, "a command with a right-to-left override was auto-approved"
    request = asked[0]
    assert request.tier == "unknown" and not request.can_allow_always
    assert any("hidden characters" in r and "U+202E" in r for r in request.reasons)
    # What runs is exactly what was hashed: the escape is only in the display.
    assert verdict.arguments == args and verdict.arguments_hash == arguments_hash("run_command", args)
    terminal = render_request(request)
    assert RLO not in terminal and "⟨U+202E⟩" in terminal and "hidden characters" in terminal


def test_an_allow_rule_never_covers_hidden_characters(tmp_path: Path) -> None:
    settings = Settings()
    args = {"path": str(tmp_path / f"notes{ZWSP}.txt"), "content": "x"}
    AllowRules(settings, get_paths()).add("write_file", args, Tier.REVERSIBLE)  # even a rule for these bytes
    asked: list[ApprovalRequested] = []
    gate = _gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("denied"), settings)
    verdict = gate.review(turn_id="t", action_id="a", tool=tool("write_file"), arguments=args, taint=Taint(),
                          emit=lambda e: None)
    assert not verdict.approved and asked and asked[0].tier == "unknown"
    assert hidden_in(asked[0].arguments) == ["U+200B"]


def test_the_terminal_shows_escapes_and_an_unchanged_edit_keeps_the_bytes(tmp_path: Path) -> None:
    import io

    asked: list[ApprovalRequested] = []
    gate = _gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("denied"))
    gate.review(turn_id="t", action_id="a", tool=tool("run_command"), arguments={"command": DISGUISED},
                taint=Taint(), emit=lambda e: None)
    screen = io.StringIO()
    decision = terminal_approver((io.StringIO("e\n" + escape_hidden(DISGUISED) + "\n"), screen))(asked[0])
    out = screen.getvalue()
    assert RLO not in out and "\x1b" not in out
    assert "#⟨U+202E⟩txt.eton tac" in out and "hidden characters" in out
    assert decision.decision == "edited" and decision.edited_arguments == {"command": DISGUISED}


def test_the_voice_line_warns_about_hidden_characters() -> None:
    from voice.pipeline import approval_question

    def request(command: str) -> ApprovalRequested:
        return ApprovalRequested(turn_id="t", action_id="a", tool="run_command", arguments={"command": command},
                                 arguments_hash="h", tier="unknown", explanation="This runs a command.")

    assert "hidden characters" in approval_question(request(DISGUISED))
    assert "hidden" not in approval_question(request("ls"))
