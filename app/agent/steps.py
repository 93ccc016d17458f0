"""What a turn did, as records kept in its conversation: each action (what ran with which
arguments, the decision, the result or failure, whether it can be undone) and each read-only
lookup. The app draws them as cards in the chat, live from the events and again from these
records when the conversation is reopened; the model's history ignores them.

One step's state is a plain dict (the record itself), built by :func:`apply` from the events, so
the live card and the stored record can never say different things.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.events import (
    ActionProposed,
    ActionResult,
    ApprovalDecided,
    ApprovalRequested,
    Event,
    TurnCancelled,
)

ACTION, LOOKUP = "action", "lookup"
STEP_ROLES = (ACTION, LOOKUP)
OUTPUT_KEPT = 2000  # characters of a tool's output kept with its step (the audit log has 4000)

Record = dict[str, Any]


def new_action(action_id: str, turn_id: str = "") -> Record:
    return {"role": ACTION, "action_id": action_id, "turn_id": turn_id, "tool": "", "arguments": {},
            "tier": "", "explanation": "", "status": "proposed", "decision": "", "by": "", "ok": None,
            "output": "", "undo_available": False}


def status_of(decision: str) -> str:
    """The step's status once decided: "denied" for a refusal, else "running" until its result."""
    return "denied" if decision == "denied" else "running"


def apply(state: Record, event: Event) -> bool:
    """Fold one event about ``state``'s action into it; True when the step is over (its record
    is complete). Events about other actions are the caller's to route."""
    if isinstance(event, ActionProposed | ApprovalRequested):
        state.update(tool=event.tool, arguments=dict(event.arguments), tier=event.tier,
                     explanation=event.explanation)
        if isinstance(event, ApprovalRequested):
            state["status"] = "waiting"
        return False
    if isinstance(event, ApprovalDecided):
        state.update(decision=event.decision, by=event.by, status=status_of(event.decision))
        return False
    if isinstance(event, ActionResult):
        if not state["tool"]:
            state["tool"] = event.tool
        denied = state["status"] == "denied" or (not event.ok and state["decision"] == "denied")
        state.update(ok=event.ok, output=event.output[:OUTPUT_KEPT], undo_available=bool(event.undo_available),
                     status="denied" if denied else ("done" if event.ok else "failed"))
        return True
    if isinstance(event, TurnCancelled):
        if state["status"] in ("proposed", "waiting", "running"):
            state["status"] = "cancelled"
        return True
    return False


def lookup_record(event: Event) -> Record | None:
    """A read-only lookup step (``LookupStep`` events: what was looked at, how much was found)."""
    if event.kind != "LookupStep":
        return None
    return {"role": LOOKUP, "lookup": str(getattr(event, "lookup", "")), "label": str(getattr(event, "label", "")),
            "found": int(getattr(event, "found", 0) or 0)}


def action_id_of(event: Event) -> str:
    return str(getattr(event, "action_id", "") or "")


class StepRecorder:
    """Listens to one turn's events and appends a record for each finished step via ``append``."""

    def __init__(self, append: Callable[[Record], None]) -> None:
        self.append = append
        self._open: dict[str, Record] = {}

    def __call__(self, event: Event) -> None:
        lookup = lookup_record(event)
        if lookup is not None:
            self.append(lookup)
            return
        if isinstance(event, TurnCancelled):
            for state in self._open.values():
                apply(state, event)
                self.append(state)
            self._open.clear()
            return
        action_id = action_id_of(event)
        if not action_id or not isinstance(event, ActionProposed | ApprovalRequested | ApprovalDecided | ActionResult):
            return
        state = self._open.setdefault(action_id, new_action(action_id, str(getattr(event, "turn_id", ""))))
        if apply(state, event):
            self.append(self._open.pop(action_id))
