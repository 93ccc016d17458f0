"""The GUI approver: the agent's thread blocks until a person decides in a panel.

:class:`ApprovalCenter` is the ``approver`` callable the agent is built with. It is called on the
agent's thread with an :class:`~app.events.ApprovalRequested`; it hands the request to the GUI
thread (a queued signal) and waits on a Future that only a person's click resolves. Closing a
card, dismissing the panel, or quitting the app resolves it as denied. Nothing approves by
default, and there is no timer that approves.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from app import events as ev


@dataclass(frozen=True)
class Decision:
    """What the person chose; turned into the agent's ``ApprovalDecision`` by :func:`to_agent`."""

    decision: str  # "approved", "denied", "edited"
    edited_arguments: dict[str, Any] | None = None
    allow_always: bool = False
    by: str = "user"


DENIED = Decision("denied")


def to_agent(decision: Decision) -> Any:
    """The agent's ``ApprovalDecision`` (falls back to our own dataclass if the agent is absent)."""
    try:
        from app.policy.approval import ApprovalDecision
    except ImportError:
        return decision
    return ApprovalDecision(
        decision=decision.decision,
        edited_arguments=decision.edited_arguments,
        allow_always=decision.allow_always,
    )


class ApprovalCenter(QObject):
    """Pending approvals, shared by the docked panel and the quick prompt."""

    requested = Signal(object)  # ApprovalRequested, on the GUI thread
    resolved = Signal(str, object)  # action_id, Decision

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[ev.ApprovalRequested, Future[Decision]]] = {}
        self._closed = False

    # --- agent side (any thread) ---------------------------------------------------------

    def __call__(self, request: ev.ApprovalRequested) -> Any:
        """Block the calling (agent) thread until the person decides; deny once the app is closing."""
        return to_agent(self.wait_for(request))

    def wait_for(self, request: ev.ApprovalRequested, timeout: float | None = None) -> Decision:
        future: Future[Decision] = Future()
        with self._lock:
            if self._closed:
                return DENIED
            self._pending[request.action_id] = (request, future)
        self.requested.emit(request)
        try:
            return future.result(timeout=timeout)
        except Exception:  # a timeout or a cancelled future is a denial, never an approval
            self._resolve(request.action_id, DENIED)
            return DENIED

    # --- GUI side ----------------------------------------------------------------------------

    def pending(self) -> list[ev.ApprovalRequested]:
        with self._lock:
            return [req for req, _ in self._pending.values()]

    def get(self, action_id: str) -> ev.ApprovalRequested | None:
        with self._lock:
            entry = self._pending.get(action_id)
        return entry[0] if entry else None

    def approve(self, action_id: str, *, allow_always: bool = False) -> bool:
        request = self.get(action_id)
        if request is None:
            return False
        if allow_always and not request.can_allow_always:
            raise ValueError("this action's risk tier does not allow 'always allow'")
        return self._resolve(action_id, Decision("approved", allow_always=allow_always))

    def approve_edited(self, action_id: str, arguments: dict[str, Any]) -> bool:
        return self._resolve(action_id, Decision("edited", edited_arguments=dict(arguments)))

    def deny(self, action_id: str) -> bool:
        return self._resolve(action_id, DENIED)

    def deny_all(self) -> int:
        """Deny everything pending (the panel was dismissed or the app quits)."""
        with self._lock:
            ids = list(self._pending)
        return sum(self._resolve(action_id, DENIED) for action_id in ids)

    def close(self) -> None:
        """The app is quitting: deny what is pending and every later request."""
        with self._lock:
            self._closed = True
        self.deny_all()

    def _resolve(self, action_id: str, decision: Decision) -> bool:
        with self._lock:
            entry = self._pending.pop(action_id, None)
        if entry is None:
            return False
        _, future = entry
        if not future.done():
            future.set_result(decision)
        self.resolved.emit(action_id, decision)
        return True
