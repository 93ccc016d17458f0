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

from app.agent import grammar, intent, mailbody, spans, when
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
class MailShape:
    """What a mail's body is built from besides the user's words (see :mod:`app.agent.mailbody`)."""

    first_names: list[str]
    sender: str = ""
    topic: str = ""  # what the mail is about, in the request's words ("the gallery opening")


@dataclass
class Plan:
    """An explicit request's tool and what the request itself states for it."""

    tool: str
    draft: Draft
    request: str = ""  # the request the draft was read from (with a follow-up answer folded in)
    mail: MailShape | None = None
    quick: bool = False  # a calendar quick add ("Friday 3pm dentist"): no action words, only its shape

    def pending(self) -> dict[str, Any]:
        """What a question back to the user leaves waiting for the answer (kept in the conversation)."""
        return {"tool": self.tool, "request": self.request, "unclear": list(self.draft.unclear)}


def _directory(tool: str, memory: Any) -> Directory:
    return directory_from(memory) if tool in ("draft_mail", "send_mail") else Directory()


def plan(text: str, tools: list[Tool], memory: Any = None, *, now: dt.datetime | None = None,
         sender: str = "") -> Plan | None:
    """The plan for an explicit action request, or None for anything else (questions included)."""
    names = [t.name for t in tools]
    name = intent.action_tool(text, names)
    if not name:
        return None
    directory = _directory(name, memory)
    planned = _shaped(Plan(name, extract(name, text, now=now, directory=directory), text), directory, sender)
    planned.quick = name == "create_event" and not intent.action_tool(text, names, quick_add=False)
    return planned


# "… asking if I can borrow his ladder", "… to tell her the car is fixed": what a mail is for.
_PURPOSE = re.compile(r"\b((?:to\s+)?(?:ask|tell|let\s+\w+\s+know|wish|thank|invite|remind|check|confirm|apologi[sz]e|"
                      r"congratulat|welcome|follow\s+up)\w*\b.+?)[.?!]*$", re.I)


_ABOUT_TOPIC = re.compile(r"\b(?:about|regarding|re:)\s+(.+?)[.?!]*$", re.I)


def _shaped(planned: Plan, directory: Directory, sender: str) -> Plan:
    """A mail's body built from the request: a greeting with the recipients' first names, the
    user's words ("saying …") as they were said, a sign-off with ``sender``; for a mail "about …"
    the model is asked only for the sentences in the middle (:func:`filled` builds the rest)."""
    draft = planned.draft
    if planned.tool not in ("draft_mail", "send_mail") or draft.ask:
        return planned
    by_address = {e.lower(): p for p in directory.people for e in p.emails}
    names = [mailbody.first_name(by_address[a.lower()].name) if a.lower() in by_address else ""
             for a in draft.fields.get("to", [])]
    purpose = _PURPOSE.search(draft.request)
    about = _ABOUT_TOPIC.search(draft.request) if "subject" not in draft.fill else None
    topic = about.group(1).strip() if about else ""
    if not topic and purpose:
        topic = purpose.group(1).strip()
    shape = MailShape(names, sender, topic if "body" in draft.fill else "")
    if "body" in draft.fields:
        draft.fields["body"] = mailbody.compose(mailbody.as_sentence(str(draft.fields["body"])),
                                                first_names=names, sender=sender)
    elif not topic:  # nothing said and no topic: an empty draft to write in, never an invented one
        draft.fields["body"] = mailbody.compose("", first_names=names, sender=sender)
        draft.fill = [f for f in draft.fill if f != "body"]
        if "subject" in draft.fill:
            draft.fields["subject"], draft.fill = "", [f for f in draft.fill if f != "subject"]
    planned.mail = shape
    return planned


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
              now: dt.datetime | None = None, sender: str = "") -> Plan | None:
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
    return _shaped(Plan(tool, extract(tool, combined, now=now, directory=directory), combined), directory, sender)


_MAIL_SYSTEM = ("You write the middle of a short email: one or two plain sentences about the topic, and nothing "
                "else. Use only what the topic says: no dates, times, places, names, numbers or amounts that it "
                "does not state. No greeting, no sign-off.")
# Worked examples for the middle of a mail (the topic -> its sentences, and a subject when asked).
_MAIL_EXAMPLES: tuple[tuple[str, str, str], ...] = (
    ("dinner on Friday", "Are you free for dinner on Friday? Let me know what works for you.", "Dinner on Friday"),
    ("asking for the photos from the trip", "Could you send me the photos from the trip?", "Photos from the trip"),
    ("the broken fence", "I wanted to talk to you about the broken fence. When would be a good time?",
     "The broken fence"),
)


def fill_request(text: str, tool: Tool, draft: Draft, *, conversation_id: str, request_id: str,
                 temperature: float = 0.0, mail: MailShape | None = None,
                 model_role: str = "answer") -> GenerationRequest:
    """A generation that writes only ``draft.fill``, as one JSON object (grammar-constrained).

    The request's own words are not pushed on the model here (unlike a routed call): a subject
    or a body is new language, and a small model leaned that way copies "Draft an email to …".
    A mail's body is asked for as its middle only ("sentences"), from its topic alone.
    """
    if mail is not None and "body" in draft.fill:
        return _mail_fill(draft, mail, conversation_id=conversation_id, request_id=request_id,
                          temperature=temperature, model_role=model_role)
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
    return _constrained(messages, schema, conversation_id=conversation_id, request_id=request_id,
                        temperature=temperature, model_role=model_role)


def _constrained(messages: list[Message], schema: dict[str, Any], *, conversation_id: str, request_id: str,
                 temperature: float, model_role: str) -> GenerationRequest:
    factory = grammar.processor_factory(lambda: [*grammar.object_elems(schema), grammar.End()],
                                        max_tokens=FILL_MAX_TOKENS)
    return GenerationRequest(messages=messages, max_tokens=FILL_MAX_TOKENS, temperature=temperature,
                             conversation_id=f"{conversation_id}-fill", logits_processors=factory,
                             request_id=request_id, model_role=model_role)


def _mail_fill(draft: Draft, mail: MailShape, *, conversation_id: str, request_id: str, temperature: float,
               model_role: str) -> GenerationRequest:
    keys = ["sentences", *(["subject"] if "subject" in draft.fill else [])]
    limits = {"sentences": mailbody.MAX_CHARS, "subject": _FIELD_LIMITS["subject"]}
    schema = {"type": "object", "required": keys,
              "properties": {k: {"type": "string", "maxLength": limits[k]} for k in keys}}
    messages: list[Message] = [{"role": "system", "content": _MAIL_SYSTEM}]
    for topic, sentences, subject in _MAIL_EXAMPLES:
        example = {"sentences": sentences, "subject": subject}
        messages += [{"role": "user", "content": f"Topic: {topic}"},
                     {"role": "assistant", "content": json.dumps({k: example[k] for k in keys})}]
    messages.append({"role": "user", "content": f"Topic: {mail.topic}"})
    return _constrained(messages, schema, conversation_id=conversation_id, request_id=request_id,
                        temperature=temperature, model_role=model_role)


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


def _subject(written: str, *, request: str, topic: str) -> str:
    """The model's subject line if it is short, plain and invents no specific; else one from the topic."""
    line = " ".join(written.split()).strip(" .")
    if line and len(line.split()) <= 10 and mailbody.checked_sentences(line, request=request) == line:
        return line
    return mailbody.purpose_subject(topic)


_GENERIC_TITLES = {"create_event": "Event", "create_reminder": "Reminder"}
_TITLE_WORDS = {"event", "reminder", "meeting", "appointment", "call", "the", "a", "an", "with", "and", "to", "for", "of"}
# The request's own command and time words: a title made of them only repeats the request.
_NOT_TITLE = {"remind", "me", "add", "put", "schedule", "calendar", "my", "tomorrow", "today", "tonight", "am", "pm",
              "at", "on", "in", "next", "this", "event", "reminder"}


def _title(written: str, draft: Draft) -> str:
    """The model's title when it is short and every word of it is the request's; else a plain
    "Event" or "Reminder" (a title the user never said is an invention, and the panel can edit it)."""
    title = " ".join(written.split()).strip(" .,:;\"“”")
    said = {w.lower() for w in re.findall(r"[\w'’]+", draft.request)}
    words = {w.lower() for w in re.findall(r"[\w'’]+", title)}
    if (title and len(title.split()) <= 6 and not words - said - _TITLE_WORDS and words - _NOT_TITLE
            and not re.search(r"\d", title)):
        return title[:1].upper() + title[1:]
    return _GENERIC_TITLES.get(draft.tool, title[:40])


def filled(draft: Draft, generated: str, mail: MailShape | None = None) -> dict[str, Any]:
    """The call's arguments: what the request states, then the model's words for the rest (a
    mail's middle checked and set between Hearth's own greeting and sign-off)."""
    try:
        value = json.loads(generated[generated.find("{"):]) if "{" in generated else {}
    except ValueError:
        value = {}
    value = value if isinstance(value, dict) else {}
    written = {k: _no_repeats(v) if isinstance(v, str) else v for k, v in value.items()
               if k in draft.fill and v not in ("", None)}
    if isinstance(written.get("title"), str):
        written["title"] = _title(written["title"], draft)
    if mail is not None and "body" in draft.fill:
        context = [*mail.first_names, mail.sender]
        middle = mailbody.checked_sentences(str(value.get("sentences", "")), request=draft.request,
                                            topic=mail.topic, context=context)
        written["body"] = mailbody.compose(middle, first_names=mail.first_names, sender=mail.sender)
        if "subject" in draft.fill:
            written["subject"] = _subject(str(value.get("subject", "")), request=draft.request, topic=mail.topic)
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
    """" on Tuesday 15 December 2026 at 4:15 PM": the time as the approval headline says it."""
    key = "start" if tool == "create_event" else "due" if tool == "create_reminder" else ""
    stated = when.parse_iso(str(arguments.get(key, ""))) if key and arguments.get(key) else None
    if not stated:
        return ""
    moment, has_time = stated
    day = f"{moment:%A} {moment.day} {moment:%B %Y}"
    return f" on {day} at {moment:%I:%M %p}".replace(" at 0", " at ") if has_time else f" on {day}"


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
