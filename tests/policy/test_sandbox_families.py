"""The families of the gate issue (GTFOBins options that run, write or read, globbed and hidden
credential reads, connections), run for real: bare each one does harm in a canary home (as when
Hearth auto-approved them), and inside the sandbox with the auto-approved scope none does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.policy.sandbox import detect
from app.policy.sandbox.canary import run_with_canaries

pytestmark = pytest.mark.skipif(detect.probe().backend is None or detect.probe().backend.name != "bubblewrap",
                                reason=f"no bubblewrap sandbox runs here: {detect.probe().why}")

FAMILIES = {
    # Programs whose options run commands.
    "awk system": "awk 'BEGIN{system(\"cat ~/.ssh/id_rsa\")}'",
    "sed e": "sed -n '1e cat ~/.ssh/id_rsa' notes.txt",
    "env -S": "env -S 'sh -c \"cat ~/.aws/credentials\"'",
    "find -exec": "find ~/.config -name hosts.yml -exec cat {} +",
    "xargs -a": "xargs -a ~/.ssh/id_rsa echo",
    "date -f": "date -f ~/.netrc",
    "git diff --no-index": "git --no-pager diff --no-index /dev/null ~/.ssh/id_rsa",
    "git alias": "git -c alias.x='!cat ~/.ssh/id_rsa' x",
    # Credential reads that slip past a path check.
    "glob": "cat ~/.ss?/id_*",
    "variable": "d=.ssh; cat ~/$d/id_rsa",
    "brace": "bash -c 'cat ~/.{ssh,aws}/*'",
    "cd and glob": "cd ~/.ss*; cat *",
    "grep --include": "grep -r --include=id_rsa KEY ~",
    "browser passwords": "cat ~/.mozilla/firefox/*/logins.json ~/.config/google-chrome/Default/Login*",
    "Hearth's own home": "cat \"$HEARTH_HOME\"/data/*",
    # Writes through options.
    "awk write": "awk 'BEGIN{print \"evil\" > ENVIRON[\"HOME\"]\"/.bashrc\"}'",
    "sed w": "sed -n 'w {home}/.bashrc' notes.txt",
    "sort -o": "sort -o ~/.bashrc notes.txt",
    "uniq OUT": "uniq notes.txt ~/.profile",
    "split": "split -b 4 notes.txt ~/Library/LaunchAgents/x",
    "iconv -o": "iconv -f utf-8 -t utf-8 -o ~/.config/autostart/x.desktop notes.txt",
    "git diff --output": "git diff --no-index --output={home}/.bashrc /dev/null notes.txt",
    "tar into a dotfile": "tar cf ~/.bashrc notes.txt",
    "touch a login item": "touch ~/Library/LaunchAgents/evil.plist",
    "link on PATH": "ln -s /bin/sh ~/.local/bin/ls",
    "hooks": "cp notes.txt ~/proj/.git/hooks/pre-commit",
    # Connections.
    "dev tcp": "bash -c 'echo hi > /dev/tcp/127.0.0.1/{port}'",
    "python socket": "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", {port}), 2)'",
    "curl": "curl -s -m 2 http://127.0.0.1:{port}/",
    "ssh-agent socket": "python3 -c 'import os, socket; socket.socket(socket.AF_UNIX).connect(os.environ[\"SSH_AUTH_SOCK\"])'",
}


def _program(command: str) -> str:
    word = command.split()[0]
    return "bash" if word.startswith(("d=", "cd")) else word


@pytest.mark.parametrize("family", list(FAMILIES))
def test_family_does_harm_bare_and_none_in_the_sandbox(family: str) -> None:
    command = FAMILIES[family]
    if shutil.which(_program(command)) is None:
        pytest.skip(f"{_program(command)} is not installed here")
    bare = run_with_canaries(command, sandboxed=False)
    if bare.harmless:
        pytest.skip(f"this system's {_program(command)} does not do it: {bare.stderr[-200:]}")
    boxed = run_with_canaries(command)
    assert boxed.harmless, (boxed.secrets_printed, boxed.touched, boxed.connection_seen, boxed.stderr[-300:])


def test_every_family_the_classifier_auto_approves_is_harmless_inside(fake_home: Path) -> None:
    """Whatever today's classifier lets through unasked (the layer that can be wrong), the sandbox holds."""
    from app.policy.sandbox.canary import sweep
    from app.policy.shell import classify_shell
    from app.policy.tiers import Tier

    auto = [c for c in FAMILIES.values() if classify_shell(c, fake_home).tier == Tier.READ_ONLY]
    assert sweep(auto) == []
