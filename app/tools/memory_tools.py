"""Memory tools: search, remember, forget. Search results from mail, messages or the web are untrusted."""

from __future__ import annotations

from typing import Any

from app.policy.taint import citation_label, untrusted_note
from app.policy.tiers import Risk, Tier
from app.tools.base import Tool, ToolContext, ToolError, ToolOutput, obj, string


def _memory(ctx: ToolContext) -> Any:
    if ctx.memory is None:
        raise ToolError("the memory is not available")
    return ctx.memory


def _search(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    citations = _memory(ctx).search(str(args["query"]), k=4)
    lines = [f"[{c.source_type}] {c.title} ({c.date}{', ' + untrusted_note(c) if not c.trusted else ''}): {c.snippet}"
             for c in citations]
    untrusted = tuple(citation_label(c) for c in citations if not c.trusted)
    return ToolOutput(True, "\n".join(lines) or "nothing found", untrusted_sources=untrusted)


def _remember(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    """A fact remembered while untrusted content was in the context keeps that content's trust: it
    may be the mail's words, not the user's, so it enters later turns as untrusted too."""
    origin = ctx.untrusted_sources
    item_id = _memory(ctx).remember(str(args["text"]), source="conversation", title=str(args["text"])[:60],
                                    trusted=not origin)
    note = f" (kept as untrusted: it was remembered while {', '.join(origin)} was in the context)" if origin else ""
    return ToolOutput(True, "remembered" + note, undo={"item_id": item_id})


def _remember_undo(undo: dict[str, Any], ctx: ToolContext) -> str:
    removed = _memory(ctx).forget(item_id=undo["item_id"])
    return f"forgot it again ({removed} piece(s))"


def _forget_risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    what = ", ".join(f"{k} {v}" for k, v in args.items() if v)
    r = Risk(Tier.DESTRUCTIVE, explanation=f"This permanently removes from memory everything matching {what or 'nothing'}.")
    r.reasons.append("Forgetting cannot be undone.")
    if not any(args.values()):
        r.raise_to(Tier.UNKNOWN, "Nothing says what to forget.")
    return r


def _forget(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    filters = {k: v for k, v in args.items() if v}
    if not filters:
        raise ToolError("say what to forget")
    removed = _memory(ctx).forget(**filters)
    return ToolOutput(True, f"forgot {removed} piece(s)")


TOOLS = [
    Tool("search_memory", "Search your notes, documents, mail and messages.", obj({"query": string("What to look for.")}),
         lambda a, c: Risk(Tier.READ_ONLY, explanation=f"This searches your memory for \"{a.get('query', '')}\"."),
         _search, family="memory"),
    Tool("remember", "Remember a fact for later.", obj({"text": string("The fact, in one sentence.")}),
         lambda a, c: Risk(Tier.REVERSIBLE, ["It adds a note to your memory; it can be forgotten again."],
                           f"This remembers: \"{a.get('text', '')}\"."),
         _remember, preview=lambda a, c: str(a.get("text", "")), undo=_remember_undo, family="memory"),
    Tool("forget", "Remove things from memory.",
         obj({"item_id": string("A memory item id."), "person": string("Everything about this person."),
              "source_path": string("Everything from this file.")}, []),
         _forget_risk, _forget, family="memory"),
]
