"""Run a shell command, classified by parsing every part of it (see :mod:`app.policy.shell`), inside
the OS sandbox with the scope its classification gives (see :mod:`app.policy.sandbox`)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from app.policy import pathrisk, sandbox
from app.policy.shell import classify_shell
from app.policy.shell_grammar import git_environment
from app.policy.tiers import TIER_WORDS, Risk
from app.tools.base import Tool, ToolContext, ToolError, ToolOutput, obj, string, truncate
from app.wording import THIS_COMPUTER

TIMEOUT_S = 120


def _cwd(args: dict[str, Any], ctx: ToolContext) -> str:
    return str(pathrisk.resolve(str(args.get("cwd") or ctx.cwd), ctx.cwd))


def _risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    command = str(args.get("command", ""))
    cwd = _cwd(args, ctx)
    risk = classify_shell(command, cwd, git_safe=True)  # _execute runs with git_environment()
    risk.explanation = (f"This runs the shell command `{command}` in {pathrisk.display(pathrisk.resolve(cwd))}; "
                        f"it {TIER_WORDS[risk.tier]}.")
    return risk


def _scope(args: dict[str, Any], ctx: ToolContext) -> sandbox.Scope:
    """What the command may touch: the same for the panel and the run (auto-approved: scratch only)."""
    command = str(args.get("command", ""))
    cwd = _cwd(args, ctx)
    return sandbox.command_scope(command, cwd, classify_shell(command, cwd, git_safe=True).tier)


def _preview(args: dict[str, Any], ctx: ToolContext) -> str:
    backend = sandbox.active()
    scope = sandbox.describe_scope(_scope(args, ctx), backend.name if backend else "")
    return f"$ {args.get('command', '')}\n(in {_cwd(args, ctx)})\n{scope}"


def _argv(command: str, args: dict[str, Any], ctx: ToolContext, scratch: str,
          stage: str) -> tuple[list[str], sandbox.Scope | None]:
    """The command line to run, and the scope it runs with (None: no sandbox)."""
    backend = sandbox.active()
    inner = ["/bin/sh", "-c", command]
    if backend is None:
        return inner, None  # only reached after a person approved it: nothing runs unasked without a sandbox
    scope = _scope(args, ctx)
    sandbox.prepare(scope)
    return sandbox.wrap(inner, scope=scope, cwd=Path(_cwd(args, ctx)), scratch=Path(scratch), backend=backend,
                        stage=Path(stage)), scope


def _execute(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    command = str(args.get("command", ""))
    if not command.strip():
        raise ToolError("the command is empty")
    # The staging folder (new paths, see app/policy/sandbox/staging.py) is not inside scratch: the
    # command must not reach it except through the folder it stands in for.
    with tempfile.TemporaryDirectory(prefix="hearth-scratch-") as scratch, \
            tempfile.TemporaryDirectory(prefix="hearth-stage-") as stage:
        argv, scope = _argv(command, args, ctx, scratch, stage)
        try:
            proc = subprocess.Popen(argv, cwd=_cwd(args, ctx), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=git_environment(),
                                    start_new_session=True)
        except OSError as exc:
            raise ToolError(f"could not run the command: {exc}") from exc
        result = _collect(proc, ctx)
        problems = sandbox.finish(scope, Path(stage)) if scope is not None else []
    if problems:
        result = dataclasses.replace(result, output=result.output + "\n(" + "; ".join(problems) + ")")
    # What a command prints may come from anywhere (a downloaded file, a cloned repository, the
    # network): it is data, not instructions, and it taints the rest of the turn.
    label = command if len(command) <= 60 else command[:57] + "..."
    return dataclasses.replace(result, untrusted_sources=(f"shell output: {label}",))


def _collect(proc: subprocess.Popen[str], ctx: ToolContext) -> ToolOutput:
    started = time.monotonic()
    stopped = ""
    while True:
        try:
            stdout, stderr = proc.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            if ctx.cancel is not None and ctx.cancel.is_set():
                stopped = "stopped: the turn was cancelled"
            elif time.monotonic() - started > TIMEOUT_S:
                stopped = f"stopped: it did not finish within {TIMEOUT_S} seconds"
            if stopped:
                _stop(proc)
                stdout, stderr = proc.communicate()
                break
    out = (stdout or "") + (("\n" + stderr) if stderr else "")
    if stopped:
        return ToolOutput(False, truncate(f"({stopped})\n" + out.strip()))
    status = "" if proc.returncode == 0 else f"(exit status {proc.returncode})\n"
    return ToolOutput(proc.returncode == 0, truncate(status + out.strip()) or "(no output)")


def _stop(proc: subprocess.Popen[str]) -> None:
    """End the command and everything it started (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(2)
    except (OSError, subprocess.TimeoutExpired):
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)


TOOL = Tool(
    "run_command",
    f"Run a shell command on {THIS_COMPUTER} and return its output.",
    {**obj({"command": string("The exact shell command."), "cwd": string("Folder to run it in.")}, ["command"])},
    _risk,
    _execute,
    preview=_preview,
    family="shell",
)
