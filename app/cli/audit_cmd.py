"""``hearth audit``: the append-only log of every proposal, decision, execution and result;
``hearth audit undo ID`` undoes what can be undone; ``hearth audit rules`` lists and revokes allow rules."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from app.events import HearthError
from app.policy.display_text import escape_hidden


def register(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="show what the agent proposed, what was decided and what ran")
    audit.add_argument("--json", action="store_true", help="print the entries as JSON lines")
    audit.add_argument("--limit", type=int, default=50, help="show the last N entries (0: all)")
    audit.add_argument("--action", default="", help="only this action id")
    audit.set_defaults(handler=run_show)
    sub = audit.add_subparsers(dest="audit_command", metavar="SUBCOMMAND")
    undo = sub.add_parser("undo", help="undo an action (moves things back from the Trash, removes a draft, ...)")
    undo.add_argument("action_id")
    undo.set_defaults(handler=run_undo)
    rules = sub.add_parser("rules", help="list allow rules, or revoke one by its number")
    rules.add_argument("--revoke", type=int, default=0, metavar="N", help="revoke rule number N")
    rules.set_defaults(handler=run_rules)


def _summary(entry: dict[str, Any]) -> str:
    kind = entry.get("kind", "?")
    if kind == "proposal":
        return f"{entry.get('tier')}: {entry.get('explanation') or json.dumps(entry.get('arguments'))}"
    if kind == "decision":
        return f"{entry.get('decision')} by {entry.get('by')}"
    if kind in ("result", "undo"):
        state = "ok" if entry.get("ok") else "failed" if entry.get("executed", True) else "not run"
        undo = " [undoable: hearth audit undo " + str(entry.get("action_id")) + "]" if entry.get("undo") else ""
        output = str(entry.get("output") or "").strip()
        first = output.splitlines()[0][:100] if output else ""
        if first.startswith("failed: "):
            first = first[len("failed: ") :]
        return f"{state}: {first}{undo}"
    if kind == "execution":
        box = str(entry.get("sandbox") or "")
        where = " with no sandbox" if box == "none" else f" in the {box} sandbox" if box else ""
        return f"ran{where} (arguments hash {str(entry.get('arguments_hash', ''))[:12]})"
    if kind == "refused":
        return f"refused: {entry.get('reason', '')}"
    if kind == "approval_requested":
        return "asked the user"
    if kind == "edit":
        return "arguments edited: " + json.dumps(entry.get("arguments"), ensure_ascii=False)[:100]
    return str({k: v for k, v in entry.items() if k not in ("id", "ts", "kind")})[:100]


def run_show(args: argparse.Namespace) -> int:
    from app.audit import AuditLog

    read = AuditLog().read()
    for problem in read.problems:
        print(f"hearth: audit log {problem}", file=sys.stderr)
    entries = [e for e in read.entries if not args.action or e.get("action_id") == args.action]
    if args.limit:
        entries = entries[-args.limit :]
    if not entries:
        print("The audit log is empty." if not args.json else "", end="\n" if not args.json else "")
        return 0
    for e in entries:
        if args.json:
            print(json.dumps(e, ensure_ascii=False))
            continue
        when = dt.datetime.fromtimestamp(float(e.get("ts", 0))).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{when}  {e.get('action_id', '-'):<11} {e.get('kind', ''):<18} {e.get('tool', ''):<14} "
              + escape_hidden(_summary(e)))
    return 0


def run_undo(args: argparse.Namespace) -> int:
    from app.audit import AuditLog, undo_action
    from app.config import load_settings
    from app.paths import get_paths
    from app.tools.base import ToolContext
    from app.tools.registry import ToolRegistry, default_tools

    paths = get_paths()
    settings = load_settings(paths)
    settings.agent.web_fetch_enabled = True  # to find every tool; undo never fetches
    registry: ToolRegistry = default_tools(settings, memory=None)
    memory = None
    audit = AuditLog(paths=paths)
    tool_name = next((e.get("tool") for e in audit.for_action(args.action_id) if e.get("kind") == "result"), None)
    if tool_name in ("remember", "forget", "search_memory"):
        from app.tools import memory_tools
        from memory.api import open_memory

        memory = open_memory(paths=paths, settings=settings.memory)
        registry = ToolRegistry([*registry, *memory_tools.TOOLS])
    try:
        message = undo_action(audit, args.action_id, registry, ToolContext(paths, settings, memory))
    finally:
        if memory is not None:
            memory.close()
    print(f"Undone: {message}")
    return 0


def run_rules(args: argparse.Namespace) -> int:
    from app.policy.allow_rules import AllowRules

    rules = AllowRules()
    if args.revoke:
        listed = rules.list()
        if not 1 <= args.revoke <= len(listed):
            raise HearthError(f"there is no rule number {args.revoke}")
        rule = rules.revoke(args.revoke - 1)
        print(f"Revoked: {rule.tool} {escape_hidden(rule.pattern)}")
        return 0
    listed = rules.list()
    if not listed:
        print("No allow rules. Reversible actions ask each time; riskier ones always ask.")
    for i, rule in enumerate(listed, start=1):
        print(f"{i:>3}. {rule.tool}  {escape_hidden(rule.pattern)}")
    return 0
