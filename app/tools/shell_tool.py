"""Run a shell command, classified by parsing every part of it (see :mod:`app.policy.shell`)."""

from __future__ import annotations

import subprocess
from typing import Any

from app.policy import pathrisk
from app.policy.shell import classify_shell
from app.policy.tiers import TIER_WORDS, Risk
from app.tools.base import Tool, ToolContext, ToolError, ToolOutput, obj, string, truncate

TIMEOUT_S = 120


def _cwd(args: dict[str, Any], ctx: ToolContext) -> str:
    return str(pathrisk.resolve(str(args.get("cwd") or ctx.cwd), ctx.cwd))


def _risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    command = str(args.get("command", ""))
    cwd = _cwd(args, ctx)
    risk = classify_shell(command, cwd)
    risk.explanation = (f"This runs the shell command `{command}` in {pathrisk.display(pathrisk.resolve(cwd))}; "
                        f"it {TIER_WORDS[risk.tier]}.")
    return risk


def _preview(args: dict[str, Any], ctx: ToolContext) -> str:
    return f"$ {args.get('command', '')}\n(in {_cwd(args, ctx)})"


def _execute(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    command = str(args.get("command", ""))
    if not command.strip():
        raise ToolError("the command is empty")
    try:
        done = subprocess.run(["/bin/sh", "-c", command], cwd=_cwd(args, ctx), capture_output=True, text=True,
                              timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return ToolOutput(False, f"the command did not finish within {TIMEOUT_S} seconds and was stopped")
    except OSError as exc:
        raise ToolError(f"could not run the command: {exc}") from exc
    out = done.stdout + (("\n" + done.stderr) if done.stderr else "")
    status = "" if done.returncode == 0 else f"(exit status {done.returncode})\n"
    return ToolOutput(done.returncode == 0, truncate(status + out.strip()) or "(no output)")


TOOL = Tool(
    "run_command",
    "Run a shell command on this Mac and return its output.",
    {**obj({"command": string("The exact shell command."), "cwd": string("Folder to run it in.")}, ["command"])},
    _risk,
    _execute,
    preview=_preview,
    family="shell",
)
