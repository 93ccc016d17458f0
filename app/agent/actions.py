"""Explicit action requests, planned without guessing: the tool from the words, the arguments from
the request, the model only for what needs language, and the outcome said in words.

"Add … to my calendar", "Remind me …", "Write a note to …", "Draft an email to …", "Remember that
…", "Move A to B" and "Run `…`" select their tool with certainty (:func:`app.agent.intent.action_tool`).
Dates, paths, addresses, commands and quoted text come from :mod:`app.agent.arguments`; the model
writes only a title or a mail's subject and body, constrained to a JSON object of those fields.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from app.agent import grammar, intent, spans, when
from app.agent.arguments import Draft, extract
from app.agent.people import Directory, directory_from
from app.runtime.api import GenerationRequest, Message
from app.tools.base import Tool

# What each tool's call is, in words, for the sentence that ends the turn.
_DOING = {
    "create_event": "add “{title}” to your calendar",
    "create_reminder": "add the reminder “{title}”",
    "remember": "remember that",
    "write_file": "write {path}",
    "move_file": "move {source} to {destination}",
    "delete_files": "move {paths} to the Trash",
    "run_command": "run `{command}`",
    "draft_mail": "save the draft to {to}",
    "send_mail": "send the mail to {to}",
}
# Worked examples for the small model (it copies a pattern far better than it follows a description).
_EXAMPLES: tuple[tuple[str, dict[str, str]], ...] = (
    ("Draft an email to Sam saying the car is fixed", {"subject": "The car is fixed"}),
    ("Send Ana an email saying the meeting moved to 3 PM", {"subject": "Meeting moved to 3 PM"}),
    ("Email Kim about dinner on Friday",
     {"body": "Hi Kim,\n\nAre you free for dinner on Friday? Let me know what works for you.\n\nThanks!"}),
    ("Draft an email to Ben asking for the photos from the trip",
     {"subject": "Photos from the trip", "body": "Hi Ben,\n\nCould you send me the photos from the trip?\n\nThanks!"}),
    ("Email Kim about dinner on Friday",
     {"subject": "Dinner on Friday", "body": "Hi Kim,\n\nAre you free for dinner on Friday? Let me know what works "
                                             "for you.\n\nThanks!"}),
    ("Write a note to ~/notes/ideas.md about a birthday party for Lea", {"content": "Birthday party for Lea:\n- "}),
    ("Add an event to my calendar tomorrow at 9", {"title": "Event"}),
)
_FIELD_LIMITS = {"title": 80, "subject": 80, "body": 600, "content": 1000}
FILL_MAX_TOKENS = 180


@dataclass
class Plan:
    """An explicit request's tool and what the request itself states for it."""

    tool: str
    draft: Draft
    request: str = ""  # the request the draft was read from (with a follow-up answer folded in)

    def pending(self) -> dict[str, Any]:
        """What a question back to the user leaves waiting for the answer (kept in the conversation)."""
        return {"tool": self.tool, "request": self.request, "unclear": list(self.draft.unclear)}


def _directory(tool: str, memory: Any) -> Directory:
    return directory_from(memory) if tool in ("draft_mail", "send_mail") else Directory()


def plan(text: str, tools: list[Tool], memory: Any = None, *, now: dt.datetime | None = None) -> Plan | None:
    """The plan for an explicit action request, or None for anything else (questions included)."""
    name = intent.action_tool(text, [t.name for t in tools])
    if not name:
        return None
    return Plan(name, extract(name, text, now=now, directory=_directory(name, memory)), text)


_CANCEL = re.compile(r"^\s*(?:no|nope|never\s*mind|cancel|forget\s+(?:it|that)|stop|don'?t|leave\s+it)\b", re.I)


def waiting(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The action a question back to the user left waiting, when that question is the last thing
    Hearth said before the request now being answered (the newest user message)."""
    for m in reversed(messages[:-1] if messages and messages[-1].get("role") == "user" else messages):
        if m.get("role") == "assistant" and not m.get("tool"):
            value = m.get("pending_action")
            return value if isinstance(value, dict) and value.get("tool") else None
        if m.get("role") == "user":
            return None
    return None


def is_cancel(reply: str) -> bool:
    return _CANCEL.match(reply) is not None


def follow_up(pending: dict[str, Any], reply: str, tools: list[Tool], memory: Any = None, *,
              now: dt.datetime | None = None) -> Plan | None:
    """The waiting action with the user's answer to Hearth's question folded in: "Alex Chen" for
    "Which Alex?", "Friday at 3" for "When?", a path for "Which file?"."""
    tool, request = str(pending.get("tool", "")), str(pending.get("request", ""))
    if tool not in {t.name for t in tools} or not request:
        return None
    answer = reply.strip().rstrip(".!?")
    directory = _directory(tool, memory)
    if tool == "write_file":
        draft = extract(tool, request, now=now, directory=directory)
        found = spans.paths(reply)
        if found:
            draft.fields["path"], draft.ask = found[0].text, ""
        return Plan(tool, draft, request)
    combined = f"{request} {answer}"
    if tool in ("draft_mail", "send_mail"):
        combined = request
        for name in pending.get("unclear") or []:
            combined = re.sub(rf"\b{re.escape(str(name))}\b", lambda _match: answer, combined, count=1)
    elif tool in ("create_event", "create_reminder") and pending.get("unclear"):
        # "Today (Fri 4 Dec) or next Friday (11 Dec)?": the answer takes the weekday's place
        stated = when.find_when(request, now)
        day = when.which_day_answer(answer, stated) if stated is not None and stated.choices else answer
        combined = re.sub(rf"\b{re.escape(str(pending['unclear'][0]))}\b", lambda _match: day, request, count=1)
    elif tool == "run_command" and "`" not in reply:
        combined = f"{request} `{answer}`"
    return Plan(tool, extract(tool, combined, now=now, directory=directory), combined)


def fill_request(text: str, tool: Tool, draft: Draft, *, conversation_id: str, request_id: str,
                 temperature: float = 0.0) -> GenerationRequest:
    """A generation that writes only ``draft.fill``, as one JSON object (grammar-constrained).

    The request's own words are not pushed on the model here (unlike a routed call): a subject
    or a body is new language, and a small model leaned that way copies "Draft an email to …".
    """
    props = tool.parameters.get("properties", {})
    schema = {"type": "object", "required": list(draft.fill),
              "properties": {k: {**props.get(k, {"type": "string"}), "maxLength": _FIELD_LIMITS.get(k, 120)}
                             for k in draft.fill}}
    messages: list[Message] = [{"role": "system", "content": "You write the missing fields of an action the user "
                                                             "asked for, as one JSON object. Short and plain; never "
                                                             "invent facts, names, dates or addresses."}]
    for example, fields in _EXAMPLES:
        if set(fields) == set(draft.fill):
            messages += [{"role": "user", "content": f"Request: {example}\nWrite: {', '.join(draft.fill)}"},
                         {"role": "assistant", "content": json.dumps({k: fields[k] for k in draft.fill})}]
    messages.append({"role": "user", "content": f"Request: {text}\nWrite: {', '.join(draft.fill)}"})
    factory = grammar.processor_factory(lambda: [*grammar.object_elems(schema), grammar.End()],
                                        max_tokens=FILL_MAX_TOKENS)
    return GenerationRequest(messages=messages, max_tokens=FILL_MAX_TOKENS, temperature=temperature,
                             conversation_id=f"{conversation_id}-fill", logits_processors=factory,
                             request_id=request_id, model_role="answer")


def _no_repeats(text: str) -> str:
    """``text`` up to the first sentence it says twice (small models loop)."""
    seen: set[str] = set()
    kept = ""
    for sentence, gap in re.findall(r"(.+?(?:[.!?]+|$))(\s*)", text.strip(), re.S):
        key = " ".join(sentence.lower().split())
        if key in seen:
            break
        seen.add(key)
        kept += sentence + gap
    return kept.strip()


# Words a plain, honest mail may use that no request states (greetings, courtesy, the verbs of asking).
_COURTESY = set(["hi", "hello", "dear", "hope", "you're", "youre", "you", "are", "doing", "well", "wanted", "want", "just", "quick", "quickly", "touch", "base", "get", "reach", "reaching", "out", "write", "writing", "ask", "asking", "let", "know", "thanks", "thank", "best", "regards", "cheers", "please", "could", "would", "will", "can", "talk", "chat", "soon", "about", "regarding", "re", "note", "reminder", "quick", "update", "share", "sharing", "follow", "following", "up", "check", "checking", "in", "on", "with", "the", "and", "for", "your", "my", "our", "this", "that", "it", "is", "be", "to", "of", "a", "an", "i", "i'm", "im", "me", "we", "us", "from", "when", "what", "if", "there", "here", "have", "has", "had", "do", "does", "did", "any", "some"])


def _stated_only(body: str, request: str, topic: str) -> str:
    """``body`` up to the first sentence with a word neither the request nor plain courtesy says
    (a small model invents gifts and weddings); the topic is said if nothing kept says it."""
    said = {w.lower() for w in re.findall(r"[\w'’]+", request)}
    kept = ""
    for sentence, gap in re.findall(r"(.+?(?:[.!?]+|$))(\s*)", body.strip(), re.S):
        words = {w.lower().replace("’", "'") for w in re.findall(r"[\w'’]+", sentence)}
        if words - said - _COURTESY:
            break
        kept += sentence + gap
    kept = kept.strip()
    if topic and topic.lower() not in kept.lower():
        kept = (kept + "\n\n" if kept else "") + f"I wanted to get in touch about {topic[:1].lower() + topic[1:]}."
    return kept


def filled(draft: Draft, generated: str) -> dict[str, Any]:
    """The call's arguments: what the request states, then the model's words for the rest."""
    try:
        value = json.loads(generated[generated.find("{"):]) if "{" in generated else {}
    except ValueError:
        value = {}
    written = {k: _no_repeats(v) if isinstance(v, str) else v for k, v in value.items()
               if k in draft.fill and v not in ("", None)} if isinstance(value, dict) else {}
    if draft.tool in ("draft_mail", "send_mail") and "body" in draft.fill:
        topic = str(draft.fields.get("subject") or written.get("subject") or "")
        written["body"] = _stated_only(str(written.get("body", "")), draft.request, topic)
    return {**written, **draft.fields}


def _doing(tool: str, arguments: dict[str, Any]) -> str:
    values = {k: (", ".join(map(str, v)) if isinstance(v, list) else str(v)) for k, v in arguments.items()}
    try:
        return _DOING.get(tool, f"use {tool}").format_map(_Missing(values))
    except (KeyError, ValueError):
        return f"use {tool}"


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


def _when_words(tool: str, arguments: dict[str, Any]) -> str:
    key = "start" if tool == "create_event" else "due" if tool == "create_reminder" else ""
    stated = when.parse_iso(str(arguments.get(key, ""))) if key and arguments.get(key) else None
    return f" on {when.spoken(*stated)}" if stated else ""


_NOBODY = {"no_approver": "no one can approve it here", "timeout": "no one approved it in time"}


def outcome(tool: str, arguments: dict[str, Any], *, approved: bool, ok: bool, output: str, by: str = "") -> str:
    """The sentence that ends an action's turn: done, declined or failed, never a new proposal."""
    doing = _doing(tool, arguments) + _when_words(tool, arguments)
    if not approved and by in _NOBODY:
        return f"I did not {doing}: {_NOBODY[by]}."
    if not approved:
        reason = output.removeprefix("not run: ").strip()
        if reason and reason != "cancelled by the user":
            return f"I did not {doing}: {reason}."
        return f"OK, I did not {doing}, as you declined it."
    if not ok:
        return f"I could not {doing}: {output.removeprefix('failed: ').strip()}"
    done = f"Done: I {_past(doing)}."
    return done


def _past(doing: str) -> str:
    verb, _, rest = doing.partition(" ")
    past = {"add": "added", "remember": "remembered", "write": "wrote", "move": "moved", "run": "ran",
            "save": "saved", "send": "sent", "use": "used"}.get(verb, verb)
    return f"{past} {rest}".strip()
