"""``hearth ask "..."`` (one turn) and ``hearth chat`` (a conversation), with approvals in the terminal."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import uuid
from collections.abc import Callable
from typing import Any

from app.events import (
    ActionProposed,
    ActionResult,
    ApprovalDecided,
    Citation,
    ErrorEvent,
    Event,
    FinalAnswer,
    HearthError,
    LookupStep,
    ModelLoading,
    Token,
    TurnCancelled,
)


def register(subparsers: Any) -> None:
    ask = subparsers.add_parser("ask", help="ask Hearth once; actions ask for approval in the terminal")
    ask.add_argument("text", nargs="+", help="what to ask")
    _common(ask)
    ask.set_defaults(handler=run_ask)
    chat = subparsers.add_parser("chat", help="an interactive conversation in the terminal")
    _common(chat)
    chat.set_defaults(handler=run_chat)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print every event as one JSON object per line")
    parser.add_argument("--conversation", default="", help="conversation id to continue")
    parser.add_argument("--approve-from-stdin", action="store_true",
                        help="with --json: read one JSON decision per approval request from stdin "
                             '({"decision": "approved"|"denied"|"edited", ...}); each action is still asked')
    parser.add_argument("--no-memory", action="store_true", help="do not search the memory for this turn")


def build_agent(approver: Callable[..., Any] | None, *, use_memory: bool, on_event: Callable[[Event], None]) -> tuple[Any, Callable[[], None]]:
    """The agent from the shared core (model, memory, audit), with this command's approver."""
    from app.core import HearthCore

    core = HearthCore(approver=approver, listener=on_event, use_memory=use_memory)
    try:
        agent = core.agent
    except HearthError:
        core.shutdown()
        raise
    except Exception as exc:  # a broken memory must not stop the assistant from answering
        if not use_memory:
            core.shutdown()
            raise
        print(f"hearth: answering without memory: {exc}", file=sys.stderr)
        core.shutdown()
        core = HearthCore(approver=approver, listener=on_event, use_memory=False)
        agent = core.agent
    return agent, core.shutdown


def _approver(args: argparse.Namespace) -> Callable[..., Any] | None:
    """Who approves: the terminal, or (``--json --approve-from-stdin``) one JSON line per request.
    With no terminal there is no approver, and the gate denies every action that asks."""
    from app.cli import approve_tty

    if args.approve_from_stdin:
        if not args.json:
            raise HearthError("--approve-from-stdin needs --json")
        return approve_tty.stdin_json_approver()
    streams = approve_tty.open_terminal()
    return approve_tty.terminal_approver(streams) if streams is not None else None


GENERAL_NOTE = "(General knowledge from the model, not from your data: it may be wrong.)"


class Printer:
    """Shows a turn's events: tokens on stdout, actions on stderr; or JSON lines."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.streamed = ""  # what the turn's tokens showed so far
        self._lock = threading.Lock()  # model-loading events arrive from the model thread

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._print(event)

    def _print(self, event: Event) -> None:
        if isinstance(event, ApprovalDecided) and event.by == "no_approver":
            print("hearth: denied: no one can approve it here (no terminal)", file=sys.stderr)
        if self.as_json:
            print(json.dumps(event.to_dict(), ensure_ascii=False, default=str), flush=True)
            return
        if isinstance(event, Token):
            self.streamed += event.text
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif isinstance(event, ModelLoading):
            print(f"[{event.name}: {event.message}]", file=sys.stderr)
        elif isinstance(event, ActionProposed):
            print(f"\n→ {event.tool} {json.dumps(event.arguments, ensure_ascii=False)}  [{event.tier}]", file=sys.stderr)
        elif isinstance(event, ApprovalDecided) and event.decision not in ("auto",):
            print(f"  {event.decision} ({event.by})", file=sys.stderr)
        elif isinstance(event, ActionResult):
            mark = "ok" if event.ok else "not done"
            undo = f"  (undo: hearth audit undo {event.action_id})" if event.undo_available else ""
            first = event.output.strip().splitlines()[:8]
            print(f"  {mark}: " + "\n    ".join(first) + undo, file=sys.stderr)
        elif isinstance(event, LookupStep):
            print(f"· {event.label}", file=sys.stderr)
        elif isinstance(event, FinalAnswer):
            print()
            if event.checked in ("quote", "not_found") and event.text.strip() != self.streamed.strip():
                # the streamed words stated something the sources do not hold
                print(f"Not confirmed — {event.text}", flush=True)
            elif event.checked == "general":
                print(GENERAL_NOTE, file=sys.stderr)
            self.streamed = ""
            if event.citations:
                print("\nSources:")
                for n, citation in enumerate(event.citations, start=1):
                    print(f"  {source_line(n, citation)}")


def source_line(n: int, citation: Citation) -> str:
    """``[1] Contact card: Priya Raman`` style: marker, kind, title, date, where it lives."""
    kind = {"mail": "mail", "message": "messages", "calendar": "calendar", "contact": "contact",
            "document": "note", "conversation": "remembered"}.get(citation.source_type, citation.source_type)
    date = f", {citation.date[:10]}" if citation.date and citation.source_type not in ("contact", "calendar") else ""
    where = f"  ({citation.path})" if citation.path else ""
    return f"[{n}] {kind}: {citation.title}{date}{where}"


def _run_turn(agent: Any, text: str, conversation_id: str, printer: Printer) -> int:
    turn = agent.start_turn(text, conversation_id=conversation_id)
    status = 1
    error = ""
    try:
        for event in turn:
            printer(event)
            if isinstance(event, FinalAnswer):
                status = 0
            elif isinstance(event, ErrorEvent) and event.stage in ("agent", "model"):
                error = event.message
            elif isinstance(event, TurnCancelled):
                status = 130
    except KeyboardInterrupt:
        turn.cancel()
        turn.wait(10)
        print("\nhearth: cancelled", file=sys.stderr)
        return 130
    if status == 1 and not printer.as_json:
        print(f"hearth: {error or 'no answer'}", file=sys.stderr)
    elif status == 1 and error:
        print(f"hearth: {error}", file=sys.stderr)
    return status


def run_ask(args: argparse.Namespace) -> int:
    printer = Printer(args.json)
    agent, shutdown = build_agent(_approver(args), use_memory=not args.no_memory, on_event=printer)
    try:
        return _run_turn(agent, " ".join(args.text), args.conversation or f"ask-{uuid.uuid4().hex[:8]}", printer)
    finally:
        shutdown()


def run_chat(args: argparse.Namespace) -> int:
    printer = Printer(args.json)
    agent, shutdown = build_agent(_approver(args), use_memory=not args.no_memory, on_event=printer)
    conversation_id = args.conversation or f"chat-{uuid.uuid4().hex[:8]}"
    if not args.json:
        print(f"Hearth chat ({conversation_id}). Empty line or Ctrl-D to leave.", file=sys.stderr)
    status = 0
    try:
        while True:
            try:
                if not args.json:
                    sys.stderr.write("you> ")
                    sys.stderr.flush()
                line = sys.stdin.readline()
            except KeyboardInterrupt:
                break
            if not line or not line.strip():
                break
            status = _run_turn(agent, line.strip(), conversation_id, printer)
            if status == 130:
                status = 0
    finally:
        shutdown()
    return status
