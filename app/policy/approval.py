"""The approval gate: every execution passes through it.

Read-only actions run; a reversible one runs when an allow rule covers it; everything else asks a
person. What was shown is frozen as canonical JSON with its sha256, and what executes must hash the
same. No approver, a timeout, an exception or a cancel all mean "denied".
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.audit import AuditLog
from app.events import ActionProposed, ApprovalDecided, ApprovalRequested, Event
from app.policy import display_text, identity, sandbox
from app.policy.allow_rules import AllowRules, can_allow_always
from app.policy.hashing import arguments_hash, canonical_json
from app.policy.taint import Taint
from app.policy.tiers import TIER_WORDS, Risk, Tier
from app.tools.base import Tool, ToolContext, ToolOutput, validate

MAX_EDITS = 5


@dataclass
class ApprovalDecision:
    decision: str  # "approved" | "denied" | "edited"
    edited_arguments: dict[str, Any] | None = None
    allow_always: bool = False


Approver = Callable[[ApprovalRequested], ApprovalDecision]


@dataclass(frozen=True)
class Verdict:
    """The gate's answer for one proposed action."""

    action_id: str
    tool: str
    approved: bool
    frozen: str  # canonical JSON of the arguments that may run
    arguments_hash: str
    decision: str
    by: str
    tier: Tier
    message: str = ""
    identities: tuple[identity.Identity, ...] = ()  # what each named path was when approved
    leads_to: tuple[tuple[str, str], ...] = ()  # where each named path led when approved
    preview: str = ""  # what the panel showed a person (a command's sandbox scope among it)

    @property
    def arguments(self) -> dict[str, Any]:
        return dict(json.loads(self.frozen))


class ApprovalRefused(Exception):
    """What was about to run is not what was approved."""


def classify(tool: Tool, arguments: dict[str, Any], context: ToolContext, taint: Taint) -> Risk:
    """The tool's own risk plus taint; the model's words never enter into it.

    A risk function that fails (a path too long, a folder it cannot read) gives UNKNOWN: it asks;
    so do arguments with hidden characters (bidi controls, zero-width, control characters).
    """
    try:
        risk = tool.risk(arguments, context)
    except Exception as exc:
        risk = Risk(Tier.UNKNOWN, [f"Hearth could not check this action ({exc}), so it asks."],
                    f"This runs {tool.name} with arguments Hearth could not check.")
    if not risk.reasons:
        risk.reasons.append(f"It {TIER_WORDS[risk.tier]}.")
    hidden = display_text.hidden_in(arguments)
    if hidden:  # what it looks like may not be what runs: never automatic, never allow-listed
        risk.raise_to(Tier.UNKNOWN, f"It contains hidden characters ({', '.join(hidden[:6])}) that can make it "
                                    "look like something else, so it asks.")
    if taint and risk.tier > Tier.READ_ONLY:
        risk.reasons.append(
            "Untrusted content is in this conversation (" + "; ".join(taint.sources[:4]) + "), so every action asks."
        )
    return risk


class Gate:
    def __init__(
        self,
        *,
        context: ToolContext,
        approver: Approver | None = None,
        audit: AuditLog | None = None,
        allow_rules: AllowRules | None = None,
        timeout_s: float = 300.0,
    ) -> None:
        self.context = context
        self.approver = approver
        self.audit = audit
        self.allow_rules = allow_rules
        self.timeout_s = timeout_s

    def _log(self, kind: str, **fields: Any) -> None:
        if self.audit is not None:
            self.audit.append(kind, **fields)

    def review(
        self,
        *,
        turn_id: str,
        action_id: str,
        tool: Tool,
        arguments: dict[str, Any],
        taint: Taint,
        emit: Callable[[Event], None],
        cancelled: threading.Event | None = None,
    ) -> Verdict:
        """Check the arguments against the tool's schema, classify, ask if needed (with edits
        re-classified and shown again), and decide."""
        problems = validate(tool.parameters, arguments)
        if problems:  # before anything reads them: a string where a list belongs is refused, not split
            self._log("refused", turn_id=turn_id, action_id=action_id, tool=tool.name,
                      reason="; ".join(problems))
            return Verdict(action_id, tool.name, False, canonical_json(arguments), arguments_hash(tool.name, arguments),
                           "denied", "policy", Tier.UNKNOWN, "; ".join(problems))
        args = json.loads(canonical_json(arguments))
        for _round in range(MAX_EDITS + 1):
            risk = classify(tool, args, self.context, taint)
            frozen = canonical_json(args)
            seen = identity.snapshot(tool.family, args, self.context.cwd)  # the files as the panel saw them
            shown = (tuple(sorted(seen.identities.items())), tuple(sorted(seen.leads_to.items())))
            digest = arguments_hash(tool.name, args)
            emit(ActionProposed(turn_id=turn_id, action_id=action_id, tool=tool.name, arguments=args,
                                tier=risk.tier.label, explanation=risk.explanation))
            self._log("proposal", turn_id=turn_id, action_id=action_id, tool=tool.name, arguments=args,
                      arguments_hash=digest, tier=risk.tier.label, reasons=risk.reasons,
                      explanation=risk.explanation, untrusted_sources=list(taint.sources))

            def verdict(ok: bool, decision: str, by: str, message: str = "", _f: str = frozen,
                        _d: str = digest, _r: Risk = risk, _s: tuple[Any, Any] = shown, preview: str = "") -> Verdict:
                emit(ApprovalDecided(turn_id=turn_id, action_id=action_id, decision=decision, by=by, arguments_hash=_d))
                self._log("decision", turn_id=turn_id, action_id=action_id, tool=tool.name, decision=decision,
                          by=by, approved=ok, arguments_hash=_d)
                kept = _s if ok else ((), ())
                return Verdict(action_id, tool.name, ok, _f, _d, decision, by, _r.tier, message,
                               identities=kept[0], leads_to=kept[1], preview=preview if ok else "")

            unboxed = sandbox.unboxed_reason(tool.family)  # commands with no sandbox under them always ask
            if unboxed:
                risk.reasons.append(unboxed)
            if risk.tier == Tier.READ_ONLY and not unboxed:  # runs even with untrusted content in context
                return verdict(True, "auto", "policy")
            rule = (self.allow_rules.allows(tool.name, args, risk.tier, bool(taint))
                    if self.allow_rules and not unboxed else None)
            if rule is not None:
                return verdict(True, "allowed_by_rule", "rule")
            preview = ""
            if tool.preview is not None:
                try:
                    preview = tool.preview(args, self.context)
                except Exception as exc:
                    preview = f"(no preview: {exc})"
            request = ApprovalRequested(
                turn_id=turn_id, action_id=action_id, tool=tool.name, arguments=args, arguments_hash=digest,
                tier=risk.tier.label, explanation=risk.explanation, reasons=tuple(risk.reasons), preview=preview,
                untrusted_sources=taint.sources, can_allow_always=can_allow_always(risk.tier, bool(taint)),
            )
            emit(request)
            self._log("approval_requested", turn_id=turn_id, action_id=action_id, tool=tool.name,
                      arguments_hash=digest, preview=preview[:4000])
            decision, by = self._ask(request, cancelled)
            if decision is None:
                return verdict(False, "denied", by)
            if decision.decision == "edited" and decision.edited_arguments is not None:
                edited = json.loads(canonical_json(decision.edited_arguments))
                problems = validate(tool.parameters, edited)
                if problems:
                    return verdict(False, "denied", "policy", "; ".join(problems))
                self._log("edit", turn_id=turn_id, action_id=action_id, tool=tool.name, arguments=edited)
                args = edited
                continue  # re-classified and shown again; what runs is what is approved next
            if decision.decision != "approved":
                return verdict(False, "denied", "user")
            if decision.allow_always and request.can_allow_always and self.allow_rules is not None:
                rule_added = self.allow_rules.add(tool.name, args, risk.tier)
                self._log("allow_rule_added", tool=rule_added.tool, pattern=rule_added.pattern)
            return verdict(True, "approved", "user", preview=preview)
        return verdict(False, "denied", "policy", "too many edits")

    def _ask(self, request: ApprovalRequested, cancelled: threading.Event | None) -> tuple[ApprovalDecision | None, str]:
        """Ask the approver on a helper thread so a timeout or a cancel can end the wait."""
        if self.approver is None:
            return None, "no_approver"
        box: dict[str, Any] = {}
        done = threading.Event()
        approver = self.approver

        def call() -> None:
            try:
                box["decision"] = approver(request)
            except Exception as exc:
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=call, name="hearth-approval", daemon=True).start()
        waited = 0.0
        while not done.wait(0.05):
            waited += 0.05
            if cancelled is not None and cancelled.is_set():
                return None, "cancelled"
            if waited >= self.timeout_s:
                return None, "timeout"
        if "error" in box:
            return None, "error"
        decision = box.get("decision")
        if not isinstance(decision, ApprovalDecision) or decision.decision not in ("approved", "denied", "edited"):
            return None, "error"
        return decision, "user"

    def execute(self, verdict: Verdict, tool: Tool, arguments: dict[str, Any]) -> ToolOutput:
        """Run exactly what was approved: both the caller's arguments and the frozen copy must hash the same."""
        if not verdict.approved:
            raise ApprovalRefused("this action was not approved")
        if tool.name != verdict.tool:
            self._log("refused", action_id=verdict.action_id, tool=tool.name, reason="not the approved tool")
            raise ApprovalRefused("a different tool than the one approved")
        if (
            arguments_hash(tool.name, arguments) != verdict.arguments_hash
            or arguments_hash(tool.name, json.loads(verdict.frozen)) != verdict.arguments_hash
        ):
            self._log("refused", action_id=verdict.action_id, tool=tool.name,
                      reason="arguments changed after approval")
            raise ApprovalRefused("the arguments changed after approval")
        # Classified again just before running: a symlink swapped in since approval must not pass.
        now = classify(tool, verdict.arguments, self.context, Taint())
        if now.tier > verdict.tier:
            self._log("refused", action_id=verdict.action_id, tool=tool.name,
                      reason=f"now {now.tier.label}, approved as {verdict.tier.label}")
            raise ApprovalRefused(f"it became riskier since approval ({now.tier.label}): {'; '.join(now.reasons[:2])}")
        if verdict.preview and tool.family == "shell" and tool.preview is not None:
            # A command's panel states its sandbox scope: it runs with that scope or not at all.
            try:
                now_shown = tool.preview(verdict.arguments, self.context)
            except Exception as exc:
                now_shown = f"(no preview: {exc})"
            if now_shown != verdict.preview:
                self._log("refused", action_id=verdict.action_id, tool=tool.name,
                          reason="what it may touch changed since approval")
                raise ApprovalRefused("what this command may write or reach changed since you approved it "
                                      "(a path it names appeared, went away or was replaced), so it was not run")
        moved = identity.changed(verdict.identities,
                                 identity.fingerprint(tool.family, verdict.arguments, self.context.cwd))
        if moved:
            self._log("refused", action_id=verdict.action_id, tool=tool.name,
                      reason=f"changed since approval: {', '.join(moved[:3])}")
            raise ApprovalRefused(f"{moved[0]} changed since you approved this (it was replaced or became a link), "
                                  "so it was not run")
        ran_in: dict[str, str] = {}
        if tool.family == "shell":  # which OS sandbox bounds the command ("none": it runs with all your rights)
            backend = sandbox.active()
            ran_in["sandbox"] = backend.name if backend is not None else "none"
        self._log("execution", action_id=verdict.action_id, tool=tool.name, arguments_hash=verdict.arguments_hash,
                  **ran_in)
        # The tool acts on the places the panel showed, and checks them again as it opens them.
        self.context.approved = identity.Snapshot(dict(verdict.leads_to), dict(verdict.identities))
        try:
            return tool.execute(verdict.arguments, self.context)
        finally:
            self.context.approved = None
