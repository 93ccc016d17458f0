"""A tool call's arguments from the request itself, wherever the request states them.

Dates and times come from :mod:`app.agent.when`, paths, addresses, `commands` and quoted or
"that says:" text from :mod:`app.agent.spans`, people from the contacts (:mod:`app.agent.people`).
A title is the request's own words once the command, the date, the time and the place are taken
out. Only what needs language (a mail's subject or body, a note nobody dictated) is left for the
model to write: :attr:`Draft.fill`.

:func:`correct` holds a call the model wrote against the same facts, so a date, a path or an
address the request states is what reaches the approval panel.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from app.agent import spans, when
from app.agent.people import PURPOSE_VERB, Directory, recipient_phrase, resolve

# Words that only connect a title to a date, time or place ("Dentist on …", "Yoga from …").
_CONNECTORS = {"on", "at", "from", "for", "in", "to", "until", "till", "by", "this", "next", "coming", "starting",
               "between", "and", "of", "the", "-", "–", "—", ",", ":", "@", "around", "about"}
_OPENING = re.compile(r"^\s*(?:(?:hey|hi|ok|okay)\s+hearth[,!.]?\s+)?(?:please[,]?\s+)?(?:(?:can|could|would|will)\s+"
                      r"you\s+(?:please\s+)?)?(?:i\s+(?:want|need|would\s+like|'d\s+like)\s+(?:you\s+)?to\s+)?"
                      r"(?:go\s+ahead\s+and\s+)?(?:also\s+)?", re.I)
# "book" and "block" are verbs before a time or an article ("Book a table", "Block 9-11"), nouns in
# "Book club" and "Block party".
_EVENT_VERB = re.compile(r"^(?:add|put|create|make|schedule|enter|block\s+out|set\s+up|plan|new|"
                         r"(?:book|block)(?=\s+(?:a|an|the|my|me|in|off|some|time|next|this|tomorrow|today|"
                         rf"\d|{when.WEEKDAY})\b))\b\s*", re.I)
_CALENDAR_WORDS = re.compile(r"\b(?:to|on|in|into|onto)\s+(?:my|the)\s+(?:calendar|agenda|diary)\b|"
                             r"\b(?:add|put)\s+(?:it|this|that)\b", re.I)
_GENERIC_EVENT = re.compile(r"^(?:(?:calendar|agenda|diary)\s*:\s*|(?:(?:an?|the)\s+)?(?:new\s+)?(?:calendar\s+)?(?:event|entry)\b\s*"
                            r"(?:(?:called|named|titled|for)\b|[:\-–—])?\s*)", re.I)
_ARTICLE = re.compile(r"^(?:an?|the|my)\s+", re.I)
_LABELLED_PLACE = re.compile(r"\b(?:location|place|where)\s*:\s*([^,;\n]+?)\s*(?=$|[,;\n]|\s+(?:on|at|from)\s)", re.I)
_NOT_PLACE = rf"(?!(?:{when.WEEKDAY}|{when.MONTH}|today|tomorrow|tonight|noon|midnight|midday|[ap]\.?m\.?)\b)"
_PLACE_WORD = _NOT_PLACE + r"(?:[A-Z][\w'’&.-]*|\d+[A-Za-z]?)"
_PLACE = re.compile(
    r"(?:\bat|\bin|@)\s+(?P<place>(?:the\s+)?(?:\d+\s+)?" + _PLACE_WORD
    + r"(?:\s+(?:(?:of|de|la|du|the|and|&)\s+)?" + _PLACE_WORD + r")*"
    + r"(?:,\s*" + _PLACE_WORD + r"(?:\s+" + _PLACE_WORD + r")*)?)",
)
_REMINDER_HEAD = re.compile(
    r"^(?:remind\s+me|remember|(?:set|add|create|make|put\s+in)\s+(?:me\s+)?(?:a\s+|an\s+)?reminder|(?:new\s+)?reminder|"
    r"(?:don'?t|do\s+not)\s+let\s+me\s+forget|(?:ping|nudge|alert)\s+me)"
    r"\s*(?:(?:to|about|that|of|for)\b)?\s*[:\-–—]?\s*", re.I)
_REMEMBER_HEAD = re.compile(r"^(?:remember|(?:don'?t|do\s+not)\s+forget|keep\s+in\s+mind|(?:jot|write|note)\s+down|note|"
                            r"make\s+a\s+note|for\s+(?:future\s+)?reference)(?:\s+this)?"
                            r"(?:\s+that)?\s*[:,\-–—]?\s*", re.I)
_ABOUT = re.compile(r"\b(?:about|regarding|re:)\s+(.+?)(?=\s+(?:saying|that\s+says|and\s+(?:say|tell|ask))\b|[.?!]*$)",
                    re.I)
_SUBJECT = re.compile(r"\b(?:with\s+(?:the\s+)?subject(?:\s+line)?|subject(?:\s+line)?|titled|entitled)\s*[:\-]?\s*"
                      r"(?:[\"“'‘](?P<q>[^\"”'’]+)[\"”'’]|(?P<w>[^,.;\n]+?))(?=$|[,.;\n]|\s+(?:saying|that\s+says|and)\b)",
                      re.I)
# "Draft an email to Linda …": the first "to" after the verb, unless it says what the mail is for
# ("Email Tom to ask …", "Write Dana an email to say …": there the recipient follows the verb).
_MAIL_TO = re.compile(r"\b(?:e-?mail|mail|message|note|write|send|draft)\b(?:(?!\bto\b)[^.?!:])*?\bto\s+"
                      rf"(?!{PURPOSE_VERB}\b)", re.I)
# What the mail says, right after whom it is to: "email Priya that I'm running late", "mail Helen: …"
# ("… by email: …", "write to Dana to say the keys are under the mat", "… to let her know that …")
_MAIL_SAYS = re.compile(r"\s*(?:(?:by|via)\s+(?:e-?mail|mail)\s*)?(?:(?:that|:|-|–|—|to\s+say(?:\s+that)?|"
                        r"to\s+tell\s+(?:him|her|them)(?:\s+that)?|to\s+let\s+(?:him|her|them)\s+know(?:\s+that)?)"
                        r"\s*)(?P<body>\S.*?)\s*$", re.S | re.I)
# A place after a comma, once the date and time are taken out: "Lunch with Sam, Café Luna, Friday".
_COMMA_PLACE = re.compile(rf"^\s*(?P<place>{_PLACE_WORD}(?:\s+(?:(?:of|de|la|du|the|and|&|on)\s+)?{_PLACE_WORD}){{0,5}})"
                          r"\s*[.!]?\s*$")
_MAIL_VERB_PERSON = re.compile(r"^(?:e-?mail|send|mail|write|message|drop)\s+(?!(?:an?|the|my)\s)(?=[A-Za-z\w.+-]+)", re.I)
_MAIL_NOUN = re.compile(r"\s+an?\s+(?:quick\s+|short\s+)?(?:e-?mail|mail|message|note)\b.*$", re.I)
_CWD = re.compile(r"\b(?:in|inside|from|under)\s+(?:the\s+)?(?:folder\s+|directory\s+)?$", re.I)
TITLE_TOOLS = {"create_event": "title", "create_reminder": "title"}


@dataclass
class Draft:
    """What the request states for one tool's call."""

    tool: str
    fields: dict[str, Any] = field(default_factory=dict)  # taken from the request, exactly
    request: str = ""  # the request they were read from
    fill: list[str] = field(default_factory=list)  # needs language: the model writes these
    ask: str = ""  # a question back to the user instead of a call (which Alex? when?)
    unclear: list[str] = field(default_factory=list)  # the names the question is about
    untrusted: list[str] = field(default_factory=list)  # sources of resolved facts that are not the user's own
    when: when.When | None = None


def _cut(text: str, remove: list[tuple[int, int]]) -> str:
    """``text`` with the spans replaced by a separator, then the connecting words at each cut dropped."""
    chars = list(text)
    for a, b in remove:
        for i in range(max(0, a), min(len(chars), b)):
            chars[i] = "\x00"
    pieces = [p for p in "".join(chars).split("\x00")]
    kept = []
    for piece in pieces:
        words = piece.split()
        while words and words[-1].lower().strip(",:;") in _CONNECTORS | {""}:
            words.pop()
        while words and words[0].lower().strip(",:;") in _CONNECTORS | {""}:
            words.pop(0)
        if words:
            kept.append(" ".join(words))
    return " ".join(kept)


def _tidy_title(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:-–—.!?\"“”'")
    text = _ARTICLE.sub("", text)
    return text[:1].upper() + text[1:] if text else ""


def _opening_end(text: str) -> int:
    match = _OPENING.match(text)
    return match.end() if match else 0


def find_place(text: str) -> tuple[str, tuple[int, int] | None]:
    """A place the request names ("at Lupa Trattoria", "in Conference Room B", "location: Zoom")."""
    labelled = _LABELLED_PLACE.search(text)
    if labelled:
        return labelled.group(1).strip(), labelled.span()
    for match in _PLACE.finditer(text):
        place = match.group("place").strip().rstrip(".,")
        if re.fullmatch(r"(?:the\s+)?\d+[A-Za-z]?", place):
            continue
        return place, (match.start(), match.start("place") + len(place))
    return "", None


def _blank(text: str, cut: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in cut:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _comma_place(text: str) -> tuple[str, tuple[int, int] | None]:
    """A capitalised name standing alone between commas after the title ("Lunch with Sam, Café Luna,
    Friday at noon"; "Flu shot: January 6, 9:15 AM, Greenleaf Pharmacy"); ``text`` has the date
    and time blanked out."""
    start = 0
    for i, piece in enumerate(re.split(r"[,;]", text)):
        match = _COMMA_PLACE.match(piece) if i else None
        if match and text[:start].strip(" ,;:"):
            a = start + match.start("place")
            return match.group("place"), (a, a + len(match.group("place")))
        start += len(piece) + 1
    return "", None


# --- per tool ---------------------------------------------------------------------------------
def _event(text: str, now: dt.datetime, draft: Draft) -> None:
    stated = when.find_when(text, now)
    draft.when = stated
    cut: list[tuple[int, int]] = list(stated.spans) if stated else []
    place, place_span = find_place(_blank(text, cut))
    if not place_span:
        place, place_span = _comma_place(_blank(text, cut))
    if place_span:
        cut.append(place_span)
        draft.fields["location"] = place
    head = _opening_end(text)
    cut.append((0, head))
    verb = _EVENT_VERB.match(text[head:])
    if verb:
        cut.append((head, head + verb.end()))
    for match in _CALENDAR_WORDS.finditer(text):
        cut.append(match.span())
    rest = _cut(text, cut)
    rest = _GENERIC_EVENT.sub("", rest)
    rest = re.sub(r"^(?:i\s+have|i've\s+got|i\s+got|there(?:'s|\s+is))\s+", "", rest, flags=re.I)
    title = _tidy_title(rest)
    if title:
        draft.fields["title"] = title
    else:
        draft.fill.append("title")
    if stated is None:
        draft.ask = (f"When is “{title}”? Tell me the day and the time, and I'll add it."
                     if title else "What should I add to your calendar, and when?")
        return
    draft.fields["start"] = stated.start_text()
    if stated.end is not None:
        draft.fields["end"] = stated.end_text()
    _ask_which_day(stated, draft)


def _ask_which_day(stated: when.When | None, draft: Draft) -> None:
    """"On Friday" said on a Friday: today or next week's is the user's to say, never a guess."""
    if stated is not None and stated.choices is not None and not draft.ask:
        draft.ask = when.which_day_question(stated)
        draft.unclear = [stated.unclear]


def _reminder(text: str, now: dt.datetime, draft: Draft) -> None:
    stated = when.find_when(text, now)
    draft.when = stated
    cut: list[tuple[int, int]] = list(stated.spans) if stated else []
    head = _opening_end(text)
    cut.append((0, head))
    match = _REMINDER_HEAD.match(text[head:])
    if match:
        cut.append((head, head + match.end()))
    title = _tidy_title(_cut(text, cut))
    title = re.sub(r"^(?:To|About|That)\s+", "", title)
    title = title[:1].upper() + title[1:]
    if title:
        draft.fields["title"] = title
    else:
        draft.fill.append("title")
    if stated is not None:
        draft.fields["due"] = stated.start_text()
    _ask_which_day(stated, draft)


def _remember(text: str, draft: Draft) -> None:
    head = _opening_end(text)
    match = _REMEMBER_HEAD.match(text[head:])
    fact = text[head + (match.end() if match else 0):].strip()
    if fact:
        draft.fields["text"] = fact
    else:
        draft.ask = "What should I remember?"


def _outside(found: list[spans.Span], *excluded: spans.Span | None) -> list[spans.Span]:
    out = []
    for s in found:
        if any(e is not None and e.start <= s.start < e.end for e in excluded):
            continue
        out.append(s)
    return out


def _write(text: str, draft: Draft) -> None:
    said = spans.content(text)
    commands = spans.commands(text)
    found = _outside(spans.paths(text), said, *commands)
    body = said
    if body is None:
        for q in spans.quoted(text):
            if not any(p.start >= q.start and p.end <= q.end for p in found):
                body = q
                break
    if body is None and found:  # "… ideas.md: text", "… books.md with: text", "… car.md write: text"
        colon = re.match(r"\s*(?:[A-Za-z]+\s*){0,2}:\s*(.+)$", text[found[0].end:], re.S)
        if colon and colon.group(1).strip():
            value = colon.group(1).strip()
            start = text.index(value, found[0].end)
            body = spans.Span(value, start, start + len(value))
    if not found:
        draft.ask = "Which file should I write it to? Give me a path, like ~/Documents/notes/todo.md."
        return
    draft.fields["path"] = found[0].text
    if body is not None:
        draft.fields["content"] = body.text
    else:
        draft.fill.append("content")


def _move(text: str, draft: Draft) -> None:
    found = _outside(spans.paths(text), *spans.commands(text))
    if len(found) < 2:
        draft.ask = ("Where should I move it to?" if found else "Which file should I move, and where to?")
        return
    source, destination = found[0].text, found[1].text
    folder = re.search(r"\bfrom\s+$", text[found[0].end:found[1].start], re.I)
    if folder and len(found) > 2 and "/" not in source:  # "Move report.pdf from ~/Downloads to ~/Documents"
        source, destination = posixpath.join(found[1].text, source), found[2].text
    renaming = re.search(r"\brename\b", text, re.I) is not None
    if renaming and "/" not in destination and destination != "~" and "/" in source:
        destination = posixpath.join(posixpath.dirname(source), destination)
    draft.fields["source"] = source
    draft.fields["destination"] = destination


def _delete(text: str, draft: Draft) -> None:
    found = _outside(spans.paths(text), *spans.commands(text))
    if not found:
        draft.ask = "Which file should I delete? Give me its path."
        return
    draft.fields["paths"] = [p.text for p in found]


def _command(text: str, draft: Draft) -> None:
    commands = spans.commands(text)
    if not commands:
        draft.ask = "Which command should I run? Put it in backticks, like `ls -la`."
        return
    draft.fields["command"] = commands[0].text
    after = text[commands[0].end + 1:]
    place = re.search(r"\b(?:in|inside|from|under)\s+(?:the\s+)?(?:folder\s+|directory\s+)?"
                      r"((?:~|\.{1,2})?/\S*|~)", after, re.I)
    if place:
        draft.fields["cwd"] = place.group(1).rstrip(".,;:!?")


def _mail(text: str, directory: Directory, draft: Draft) -> None:
    head = _opening_end(text)
    body_span = spans.content(text)
    phrase = ""
    after = -1
    to_match = _MAIL_TO.search(text, head)
    if to_match and (body_span is None or to_match.end() <= body_span.start):
        phrase, _a, after = recipient_phrase(text, to_match.end())
    else:
        verb = _MAIL_VERB_PERSON.match(text[head:])
        if verb:
            phrase, _a, after = recipient_phrase(text, head + verb.end())
            phrase = _MAIL_NOUN.sub("", phrase)
    says = _MAIL_SAYS.match(text, after) if body_span is None and after >= 0 else None
    if says:
        body_span = spans.Span(says.group("body"), says.start("body"), says.end("body"))
    typed = [e.text for e in spans.emails(text) if body_span is None or e.start < body_span.start]
    resolved = resolve(phrase, directory, typed)
    if resolved.question():
        draft.ask = resolved.question()
        draft.unclear = [*resolved.ambiguous, *resolved.unknown]
        return
    if not resolved.addresses:
        draft.ask = "Who should the mail go to? Give me a name from your contacts or an address."
        return
    draft.fields["to"] = resolved.addresses
    draft.untrusted += [f"contact card of {p.name}" for p in resolved.people if not p.trusted]
    subject = _SUBJECT.search(text)
    about = _ABOUT.search(text[: body_span.start] if body_span else text)
    if subject:
        draft.fields["subject"] = (subject.group("q") or subject.group("w")).strip()
    elif about:
        topic = about.group(1).strip().rstrip(".?!")
        draft.fields["subject"] = topic[:1].upper() + topic[1:]
    elif body_span is not None and _subject_from(body_span.text):
        draft.fields["subject"] = _subject_from(body_span.text)
    else:
        draft.fill.append("subject")
    if body_span is not None:
        draft.fields["body"] = body_span.text
    else:
        draft.fill.append("body")


def _subject_from(body: str, words: int = 8) -> str:
    """A subject line from what the user said the mail says: its first sentence, up to ``words``
    words ("the slides are ready" -> "The slides are ready")."""
    first = re.split(r"(?<=[.!?])\s|\n", body.strip(), maxsplit=1)[0].strip().rstrip(".!?")
    kept = first.split()
    subject = " ".join(kept[:words]) + ("…" if len(kept) > words else "")
    return subject[:1].upper() + subject[1:]


def extract(tool: str, text: str, *, now: dt.datetime | None = None, directory: Directory | None = None) -> Draft:
    """What ``text`` states for a call to ``tool``; see :class:`Draft`."""
    now = now or when.now_local()
    draft = Draft(tool, request=text)
    if tool == "create_event":
        _event(text, now, draft)
    elif tool == "create_reminder":
        _reminder(text, now, draft)
    elif tool == "remember":
        _remember(text, draft)
    elif tool == "write_file":
        _write(text, draft)
    elif tool == "move_file":
        _move(text, draft)
    elif tool == "delete_files":
        _delete(text, draft)
    elif tool == "run_command":
        _command(text, draft)
    elif tool in ("draft_mail", "send_mail"):
        _mail(text, directory or Directory(), draft)
    return draft


# Fields that the request fixes when it states them (never a model's choice).
STRUCTURED = {
    "create_event": ("start", "end", "location"),
    "create_reminder": ("due",),
    "write_file": ("path", "content"),
    "move_file": ("source", "destination"),
    "delete_files": ("paths",),
    "run_command": ("command", "cwd"),
    "draft_mail": ("to", "subject", "body"),
    "send_mail": ("to", "subject", "body"),
    "remember": ("text",),
}


def correct(tool: str, arguments: dict[str, Any], text: str, *, now: dt.datetime | None = None,
            directory: Directory | None = None) -> tuple[dict[str, Any], list[str]]:
    """``arguments`` with every field the request states set to what it states.

    Returns the corrected arguments and one line per change ("start: 2026-12-15T16:00 →
    2026-12-15T16:15"), so a date, path or address the model re-invented never reaches the panel.
    """
    if tool not in STRUCTURED:
        return dict(arguments), []
    draft = extract(tool, text, now=now, directory=directory)
    fixed = dict(arguments)
    changes = []
    for key in STRUCTURED[tool]:
        if key in draft.fields and fixed.get(key) != draft.fields[key]:
            before = fixed.get(key)
            fixed[key] = draft.fields[key]
            changes.append(f"{key}: {before!r} → {draft.fields[key]!r}" if before is not None
                           else f"{key}: {draft.fields[key]!r} (from your request)")
    return fixed, changes
