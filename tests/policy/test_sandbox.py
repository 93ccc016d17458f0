"""The sandbox under run_command, run for real with bubblewrap in a canary home: secrets stay hidden,
writes land only in scratch or the approved paths, and no connection leaves. Each harm is first shown
to happen without the sandbox (as Hearth ran commands before), so every check can fail."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from app.paths import get_paths
from app.policy.allow_rules import AllowRules
from app.policy.approval import ApprovalDecision, ApprovalRefused, Gate
from app.policy.sandbox import detect
from app.policy.sandbox.canary import run_with_canaries
from app.policy.sandbox.scope import Scope, command_scope
from app.policy.taint import Taint
from app.policy.tiers import Tier
from app.tools import shell_tool
from app.tools.base import ToolContext

_PROBE = detect.probe()
_INSTALLED = sys.platform == "linux" and shutil.which("bwrap") is not None
needs_bwrap = pytest.mark.skipif(
    _PROBE.backend is None or _PROBE.backend.name != "bubblewrap",
    reason=("bubblewrap is installed but cannot run here: " + _PROBE.why if _INSTALLED else
            "bubblewrap is a Linux sandbox and is not installed (packaging/setup.sh installs it)"),
)


@pytest.mark.skipif(not _INSTALLED, reason="bubblewrap is not installed (packaging/setup.sh installs it)")
def test_bubblewrap_really_runs_here() -> None:
    # Installed but not working (user namespaces off, and bwrap not setuid) fails loudly with the reason:
    # on such a machine every command asks.
    assert _PROBE.backend is not None and _PROBE.backend.name == "bubblewrap", _PROBE.why


READS = ["cat ~/.ssh/id_rsa", "cat ~/.aws/credentials ~/.netrc", "grep -r oauth_token ~/.config",
         "cat $HEARTH_HOME/data/memory.txt", "find ~ -type f -exec cat {} +",
         "cat ~/.mozilla/firefox/*/logins.json", "tar cf - ~ 2>/dev/null | strings"]


@needs_bwrap
@pytest.mark.parametrize("command", READS)
def test_secrets_are_never_printed(command: str) -> None:
    bare = run_with_canaries(command, sandboxed=False)
    assert bare.secrets_printed, "the canary must be reachable without the sandbox"
    boxed = run_with_canaries(command)
    assert boxed.secrets_printed == [], boxed.stdout


WRITES = ["echo evil >> ~/.bashrc", "echo x > ~/Library/LaunchAgents/evil.plist",
          "cp /bin/sh ~/.local/bin/ls", "echo bad > ~/Documents/notes.txt", "rm -f ~/Documents/notes.txt",
          "echo '[Desktop Entry]' > ~/.config/autostart/evil.desktop", "mkdir ~/new-folder",
          "echo x > $HEARTH_HOME/data/memory.txt", "echo x > /tmp/hearth-sandbox-test-$$"]


@needs_bwrap
@pytest.mark.parametrize("command", WRITES)
def test_writes_outside_scratch_fail(command: str) -> None:
    bare = run_with_canaries(command, sandboxed=False)
    if not command.startswith("echo x > /tmp"):
        assert bare.touched, "the write must land without the sandbox"
    boxed = run_with_canaries(command)
    assert boxed.touched == [] and boxed.exit_code != 0, boxed.stderr


ESCAPES = ["umount ~/.ssh; cat ~/.ssh/id_rsa", "mount -o remount,rw / ; echo x >> ~/.bashrc",
           "mount -t tmpfs none ~/Documents; echo x > ~/Documents/notes.txt",
           "unshare -r sh -c 'umount ~/.ssh; cat ~/.ssh/id_rsa'", "nsenter -t 1 -m cat ~/.ssh/id_rsa",
           "kill -9 -1; cat ~/.ssh/id_rsa"]


@needs_bwrap
@pytest.mark.parametrize("command", ESCAPES)
def test_a_command_cannot_undo_the_sandbox(command: str) -> None:
    # Run by root (as here) bwrap kept every capability until --cap-drop ALL: the first two leaked.
    out = run_with_canaries(command)
    assert out.harmless, (out.secrets_printed, out.touched, out.stderr[-300:])
    assert "CapEff:\t0000000000000000" in run_with_canaries("grep CapEff /proc/self/status").stdout


@needs_bwrap
def test_scratch_is_writable() -> None:
    boxed = run_with_canaries('echo ok > "$TMPDIR/x" && cat "$TMPDIR/x"')
    assert boxed.exit_code == 0 and boxed.stdout.strip() == "ok"


CONNECTS = ["bash -c 'echo hi > /dev/tcp/127.0.0.1/{port}'",
            "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", {port}), 2)'"]


@needs_bwrap
@pytest.mark.parametrize("command", CONNECTS)
def test_no_connection_reaches_a_loopback_listener(command: str) -> None:
    assert run_with_canaries(command, sandboxed=False).connection_seen, "the listener must be reachable"
    assert not run_with_canaries(command).connection_seen
    # An approved command whose panel said "Network: allowed" does reach it.
    assert run_with_canaries(command, scope=Scope(network=True)).connection_seen


@needs_bwrap
def test_an_approved_command_writes_exactly_its_path(tmp_path: Path) -> None:
    # The scope of an approved `tee ~/Documents/notes.txt` is that one file: the payload tries more.
    scope = Scope(writable=(Path("{home}/Documents/notes.txt"),))
    payload = ("echo new > ~/Documents/notes.txt; echo x > ~/Documents/other.txt; echo x >> ~/.bashrc; "
               "echo x > ~/Library/LaunchAgents/e.plist")
    out = run_with_canaries(payload, scope=scope)
    assert out.touched == ["home/Documents/notes.txt"], out.stderr


@needs_bwrap
def test_a_new_file_from_a_redirection_is_the_only_new_thing() -> None:
    scope = Scope(writable=(Path("{home}/new.txt"),), create=(Path("{home}/new.txt"),))
    out = run_with_canaries("echo hi > ~/new.txt; echo x > ~/.profile; mkdir ~/.config/systemd", scope=scope)
    assert out.touched == ["home/new.txt"], out.stderr


@needs_bwrap
def test_a_named_start_up_file_is_writable_when_approved() -> None:
    scope = Scope(writable=(Path("{home}"),), named=(Path("{home}/.bashrc"),))
    out = run_with_canaries("echo '# approved' >> ~/.bashrc; echo x >> ~/Library/LaunchAgents/e.plist", scope=scope)
    assert out.touched == ["home/.bashrc"], out.stderr


@needs_bwrap
def test_a_new_path_is_all_an_approved_command_adds_to_its_folder() -> None:
    """The folder a new file goes into stays read-only: nothing else appears there, nothing in it
    changes or goes away, and what is in it can still be read."""
    scope = Scope(new=(Path("{home}/Documents/new.txt"),), named=(Path("{home}/Documents/new.txt"),))
    payload = ("cat ~/Documents/notes.txt; echo hi > ~/Documents/new.txt; echo x > ~/Documents/other.txt; "
               "echo bad > ~/Documents/notes.txt; rm -f ~/Documents/notes.txt; mv ~/Documents/notes.txt ~/n; "
               "mkdir ~/Documents/sub; ln -s ~/.ssh ~/Documents/keys")
    out = run_with_canaries(payload, scope=scope)
    assert out.touched == ["home/Documents/new.txt"], (out.touched, out.stderr)
    assert "groceries" in out.stdout  # the folder's files are still there to read


@needs_bwrap
def test_a_new_folder_is_all_an_approved_mkdir_adds() -> None:
    scope = Scope(new=(Path("{home}/Documents/proj"),))
    payload = ("mkdir -p ~/Documents/proj/src && echo a > ~/Documents/proj/src/main.py; mkdir ~/Documents/other; "
               "echo x >> ~/.bashrc; echo x > ~/Library/LaunchAgents/e.plist")
    out = run_with_canaries(payload, scope=scope, cwd=".")
    assert out.touched == ["home/Documents/proj", "home/Documents/proj/src", "home/Documents/proj/src/main.py"], \
        (out.touched, out.stderr)


@needs_bwrap
def test_an_approved_command_through_the_tool_adds_only_its_new_path(tmp_path: Path, fake_home: Path) -> None:
    """Through the gate and the tool: ``mkdir ~/Documents/proj`` makes the folder, and a file the command
    does not name (``$HOME/Documents/sneaky.txt``) is not made next to it."""
    docs = fake_home / "Documents"
    docs.mkdir()
    (docs / "keep.txt").write_text("mine")
    asked: list[Any] = []
    gate = _gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("approved"))
    args = {"command": 'mkdir ~/Documents/proj && touch ~/Documents/proj/a.txt; touch "$HOME/Documents/sneaky.txt"; '
                       'rm -f "$HOME/Documents/keep.txt"', "cwd": str(fake_home)}
    verdict = gate.review(turn_id="t", action_id="a", tool=shell_tool.TOOL, arguments=args, taint=Taint(),
                          emit=lambda e: None)
    assert verdict.approved and "~/Documents/proj (new; nothing else in ~/Documents)" in asked[0].preview
    out = gate.execute(verdict, shell_tool.TOOL, args)
    assert (docs / "proj" / "a.txt").is_file(), out.output
    assert sorted(p.name for p in docs.iterdir()) == ["keep.txt", "proj"], out.output
    assert "not kept" in out.output and "~/Documents/sneaky.txt" in out.output  # and the person is told


@needs_bwrap
def test_a_command_whose_scope_changed_since_approval_is_refused(tmp_path: Path, fake_home: Path) -> None:
    """The panel said "~/Documents/proj (new)"; a folder of that name appeared before the run (its
    scope would now be the whole existing folder), so the command does not run."""
    docs = fake_home / "Documents"
    docs.mkdir()
    gate = _gate(tmp_path, lambda r: ApprovalDecision("approved"))
    args = {"command": "cp -r ~/Documents/src ~/Documents/proj", "cwd": str(fake_home)}
    (docs / "src").mkdir()
    verdict = gate.review(turn_id="t", action_id="a", tool=shell_tool.TOOL, arguments=args, taint=Taint(),
                          emit=lambda e: None)
    assert verdict.approved and "~/Documents/proj (new;" in verdict.preview
    (docs / "proj").mkdir()
    (docs / "proj" / "mine.txt").write_text("mine")
    with pytest.raises(ApprovalRefused, match="changed since you approved"):
        gate.execute(verdict, shell_tool.TOOL, args)
    assert sorted(p.name for p in (docs / "proj").iterdir()) == ["mine.txt"]
    # Unchanged, the same approval runs.
    (docs / "proj" / "mine.txt").unlink()
    (docs / "proj").rmdir()
    assert gate.execute(verdict, shell_tool.TOOL, args).ok and (docs / "proj").is_dir()


@needs_bwrap
def test_task_settings_stay_read_only_inside_a_writable_folder() -> None:
    scope = Scope(writable=(Path("{home}/proj"),))
    out = run_with_canaries("echo a > new.txt; echo x > .git/hooks/pre-commit; echo y >> .git/config",
                            scope=scope, cwd="proj")
    assert out.touched == ["home/proj/new.txt"], out.stderr


def test_scope_of_an_approved_command_is_what_it_names(fake_home: Path) -> None:
    (fake_home / "Documents").mkdir()
    (fake_home / "Documents" / "a.txt").write_text("a")
    home = str(fake_home)  # the working folder: the home folder itself is never writable as such
    docs = fake_home / "Documents"
    assert command_scope("tee ~/Documents/a.txt", home, Tier.REVERSIBLE).writable == (docs / "a.txt",)
    # A new file: exactly it, its folder staying read-only; a file that is deleted: its folder.
    copy = command_scope("cp ~/Documents/a.txt ~/Documents/b.txt", home, Tier.REVERSIBLE)
    assert copy.writable == (docs / "a.txt",) and copy.new == (docs / "b.txt",)
    assert command_scope("rm ~/Documents/a.txt", home, Tier.DESTRUCTIVE).writable == (docs,)
    scope = command_scope("echo x > ~/Documents/a.txt; echo y > ~/log.txt", home, Tier.REVERSIBLE)
    # A redirection's new file is created just before the run: that file, not the home folder.
    assert scope.writable == (docs / "a.txt", fake_home / "log.txt") and scope.create == (fake_home / "log.txt",)
    touch = command_scope("touch ~/new.txt", home, Tier.REVERSIBLE)  # not the home folder
    assert touch.writable == () and touch.new == (fake_home / "new.txt",)
    deep = command_scope("mkdir -p ~/Documents/a/b", home, Tier.REVERSIBLE)  # the first new part
    assert deep.writable == () and deep.new == (docs / "a",)
    assert command_scope("mkdir -p ~/a/b", home, Tier.REVERSIBLE).new == (fake_home / "a",)  # written out
    assert command_scope("git commit -m fix/typo", home, Tier.REVERSIBLE).new == ()  # only looks like a path
    assert command_scope("touch new.txt", str(docs), Tier.REVERSIBLE).new == ()  # the working folder is writable
    # A word that only looks like a path does not open the home folder.
    (fake_home / "proj").mkdir()
    assert command_scope("git -C ~/proj commit -m fix/typo", home, Tier.REVERSIBLE).writable == (fake_home / "proj",)
    assert command_scope("make", str(docs), Tier.UNKNOWN).writable == (docs,)  # a working folder
    assert not scope.network
    assert command_scope("ls", str(fake_home), Tier.READ_ONLY) == Scope()
    assert command_scope("curl -o x https://e.org", str(fake_home), Tier.EXTERNAL).network
    secret = command_scope("ssh-keygen -f ~/.ssh/new", str(fake_home), Tier.CREDENTIALS)
    assert secret.readable_secrets == (fake_home / ".ssh" / "new",) and not secret.network
    # Below the credentials tier (a rule may allow it) a named secret store stays hidden.
    assert command_scope("touch ~/.SSH/x", str(fake_home), Tier.REVERSIBLE).readable_secrets == ()


def _gate(tmp_path: Path, approver: Any, settings: Settings | None = None) -> Gate:
    paths = get_paths().ensure()
    settings = settings or Settings()
    ctx = ToolContext(paths, settings, None, tmp_path)
    return Gate(context=ctx, approver=approver, allow_rules=AllowRules(settings, paths), timeout_s=5)


def _review(gate: Gate, command: str) -> Any:
    return gate.review(turn_id="t", action_id="a", tool=shell_tool.TOOL, arguments={"command": command},
                       taint=Taint(), emit=lambda e: None)


def test_without_a_sandbox_nothing_is_auto_approved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []
    monkeypatch.setenv(detect.ENV, "none")
    gate = _gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("denied"))
    verdict = _review(gate, "ls")
    assert not verdict.approved and len(asked) == 1
    assert any("No sandbox" in r for r in asked[0].reasons)
    assert "none works" in asked[0].preview


@needs_bwrap
def test_without_a_sandbox_allow_rules_do_not_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []
    gate = _gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("approved", allow_always=True))
    command = f"touch {tmp_path}/a.log"
    assert _review(gate, command).approved and len(asked) == 1
    assert _review(gate, command).decision == "allowed_by_rule" and len(asked) == 1
    monkeypatch.setenv(detect.ENV, "none")
    assert _review(gate, command).decision == "approved" and len(asked) == 2
    assert any("No sandbox" in r for r in asked[1].reasons)


@needs_bwrap
def test_with_a_sandbox_read_only_still_runs_unasked(tmp_path: Path) -> None:
    gate = _gate(tmp_path, lambda r: ApprovalDecision("denied"))
    assert _review(gate, "ls").decision == "auto"


@needs_bwrap
def test_run_command_prints_no_key_through_the_gate(tmp_path: Path, fake_home: Path) -> None:
    (fake_home / ".ssh").mkdir()
    (fake_home / ".ssh" / "id_rsa").write_text("CANARY-KEY-IN-HOME")
    gate = _gate(tmp_path, lambda r: ApprovalDecision("denied"))
    # These are classified as reading credentials (they ask); run as if a classifier had missed them,
    # the sandbox still hides the key.
    for command in ("cat ~/.ss?/id_*", "d=.ssh; cat ~/$d/id_rsa", "cd ~ && cat .ssh/id_rsa", "ls -la ~/.ss*/"):
        out = shell_tool.TOOL.execute({"command": command}, gate.context)
        assert "CANARY-KEY-IN-HOME" not in out.output, command
    assert "id_rsa" not in out.output  # the listing of the hidden folder is empty
    verdict = _review(gate, "ls -la ~")
    assert verdict.decision == "auto"
    listed = gate.execute(verdict, shell_tool.TOOL, {"command": "ls -la ~"})
    assert listed.ok and ".ssh" in listed.output


@needs_bwrap
def test_the_panel_states_the_scope(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    asked: list[Any] = []
    gate = _gate(tmp_path, lambda r: asked.append(r) or ApprovalDecision("approved"))
    verdict = _review(gate, f"cp {tmp_path}/a.txt {tmp_path}/b.txt")
    preview = asked[0].preview
    assert "Sandbox (bubblewrap): it may write" in preview and "Network: none." in preview
    assert "hidden" in preview
    out = gate.execute(verdict, shell_tool.TOOL, {"command": f"cp {tmp_path}/a.txt {tmp_path}/b.txt"})
    assert out.ok and (tmp_path / "b.txt").read_text() == "a"


# The macOS profile cannot run here: its text is checked rule by rule.
def _profile(tmp_path: Path, scope: Scope, hidden: list[Path], protected: list[Path] | None = None) -> str:
    from app.policy.sandbox import seatbelt

    return seatbelt.profile(scope=scope, scratch=tmp_path / "scratch", hidden=hidden, protected=protected or [])


def test_seatbelt_profile_denies_by_default_and_hides_secrets(tmp_path: Path) -> None:
    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".netrc").write_text("machine x")
    text = _profile(tmp_path, Scope(), [tmp_path / ".ssh", tmp_path / ".netrc"])
    assert text.startswith("(version 1)\n(deny default)\n")
    assert "(deny network*)" in text and "(allow network*)" not in text
    lines = text.splitlines()
    deny = f'(deny file-read* file-write* (subpath "{tmp_path}/.ssh") (literal "{tmp_path}/.netrc"))'
    assert deny in lines and "(allow file-read*)" in lines
    writes = next(line for line in lines if line.startswith("(allow file-write*"))
    assert f'(subpath "{tmp_path}/scratch")' in writes and '(literal "/dev/null")' in writes
    # The last matching rule wins: every deny comes after every allow of files.
    assert lines.index(deny) > max(lines.index("(allow file-read*)"), lines.index(writes))
    # System services by name only: not the keychain's securityd, not the pasteboard, not DNS.
    assert '(global-name "com.apple.system.opendirectoryd.libinfo")' in text
    assert "(allow mach-lookup)" not in text and "securityd" not in text and "pasteboard" not in text
    assert "dnssd" not in text


def test_seatbelt_profile_allows_exactly_the_approved_scope(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".git").mkdir()
    scope = Scope(writable=(tmp_path / "out",), network=True)
    text = _profile(tmp_path, scope, [], [tmp_path / "out" / ".git"])
    writes = next(line for line in text.splitlines() if line.startswith("(allow file-write*"))
    assert f'(subpath "{tmp_path}/out")' in writes
    assert text.index(f'(deny file-write* (subpath "{tmp_path}/out/.git"))') > text.index(writes)
    assert "(allow network*)" in text and "(deny network*)" not in text
    assert '(global-name "com.apple.dnssd.service")' in text  # name lookups, only with the network
    agent = tmp_path / "launchd.x" / "Listeners"
    with_agent = _profile(tmp_path, scope, [agent])
    assert with_agent.index(f'(deny network-outbound (subpath "{agent}"))') > with_agent.index("(allow network*)")


def test_seatbelt_profile_allows_a_new_path_but_not_its_folder(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    text = _profile(tmp_path, Scope(new=(tmp_path / "docs" / "new.txt",)), [])
    writes = next(line for line in text.splitlines() if line.startswith("(allow file-write*"))
    assert f'(subpath "{tmp_path}/docs/new.txt")' in writes
    assert f'"{tmp_path}/docs")' not in writes


def test_seatbelt_strings_escape_quotes_and_backslashes(tmp_path: Path) -> None:
    from app.policy.sandbox import seatbelt

    odd = tmp_path / 'a "quoted" \\ folder) (allow default'
    text = _profile(tmp_path, Scope(writable=(odd,)), [])
    assert '(subpath "' + str(tmp_path) + '/a \\"quoted\\" \\\\ folder) (allow default")' in text
    assert "\n(allow default" not in text and text.count("(allow default") == 1  # only inside the string
    with pytest.raises(ValueError):
        seatbelt.quote("/tmp/new\nline")


def test_seatbelt_argv_passes_the_profile_inline(tmp_path: Path) -> None:
    from app.policy.sandbox import seatbelt

    argv = seatbelt.argv(["/bin/sh", "-c", "ls"], scope=Scope(), scratch=tmp_path, hidden=[], protected=[])
    assert argv[:2] == ["/usr/bin/sandbox-exec", "-p"] and argv[3:] == ["/bin/sh", "-c", "ls"]


def test_bwrap_argv_has_every_rule(tmp_path: Path) -> None:
    from app.policy.sandbox import bwrap

    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".netrc").write_text("x")
    argv = bwrap.argv(["/bin/true"], scope=Scope(), scratch=tmp_path / "s", cwd=tmp_path,
                      hidden=[tmp_path / ".ssh", tmp_path / ".netrc"], protected=[])
    text = " ".join(argv)
    for rule in ("--cap-drop ALL", "--ro-bind / /", "--dev /dev", "--proc /proc", "--unshare-net", "--unshare-pid",
                 "--die-with-parent", "--new-session", f"--tmpfs {tmp_path}/.ssh",
                 f"--ro-bind /dev/null {tmp_path}/.netrc", f"--bind {tmp_path}/s {tmp_path}/s"):
        assert rule in text, rule
    assert text.index("--bind") < text.index("--tmpfs")  # hiding comes last: it always wins


def test_doctor_names_the_active_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli.doctor import check_sandbox

    [line] = check_sandbox()
    if _PROBE.backend is not None:
        assert line.status == "ok" and _PROBE.backend.name in line.detail
    monkeypatch.setenv(detect.ENV, "none")
    [line] = check_sandbox()
    assert line.status == "warn" and "every command asks" in line.detail


def test_seatbelt_names_the_real_place_of_a_symlinked_path(tmp_path: Path) -> None:
    real = tmp_path / "private-tmp"
    real.mkdir()
    (tmp_path / "tmp").symlink_to(real)
    text = _profile(tmp_path, Scope(writable=(tmp_path / "tmp",)), [])
    assert f'(subpath "{tmp_path}/tmp")' in text and f'(subpath "{real}")' in text


def test_agent_bus_and_display_sockets_are_hidden(tmp_path: Path) -> None:
    from app.policy.sandbox.channels import channel_paths

    agent_dir = tmp_path / "ssh-AbC123"
    agent_dir.mkdir()
    (agent_dir / "agent.42").write_text("")
    bus = tmp_path / "bus"
    bus.write_text("")
    found = channel_paths({"SSH_AUTH_SOCK": str(agent_dir / "agent.42"),
                           "DBUS_SESSION_BUS_ADDRESS": f"unix:path={bus},guid=1", "XDG_RUNTIME_DIR": str(tmp_path)})
    assert agent_dir in found and bus in found and tmp_path in found
    assert channel_paths({"SSH_AUTH_SOCK": str(tmp_path / "gone.sock")}) == [
        p for p in channel_paths({}) if p != tmp_path / "gone.sock"]
