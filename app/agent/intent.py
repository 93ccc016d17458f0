"""Which tools to offer for a request: a deterministic pre-router.

A 135M model asked to choose between answering and a dozen tools picks a tool for plain
questions too often. So the words of the user's own request decide which tool families are even
offered: a question with no action words gets a plain answer (no tool format in the prompt, the
model's best answer quality), and an action request is routed among only the matching family.

This is about usefulness, never safety: whatever is offered, every call still passes the gate.
Only the user's text is read — never retrieved memory or tool results (those are untrusted).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.agent import arguments, spans, when

# family -> (tools, patterns over the lower-cased request)
FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "files": (
        ("list_files", "read_file", "search_files", "write_file", "move_file", "delete_files"),
        (
            r"\bfiles?\b", r"\bfolders?\b", r"\bdirector(y|ies)\b", r"\bdocuments?\b", r"\bdesktop\b",
            r"\bdownloads\b", r"[~./][\w./-]*/", r"\w+\.(txt|md|pdf|docx?|csv|json|py|log|html?)\b",
            r"\b(trash|rename|move)\b", r"\b(delete|remove)\b.*\b(file|folder|\.\w+)",
            r"\b(save|write)\b.*\b(to|in|into|as)\b.*\b(file|note|\.\w+)",
            r"\b(write|save|create|make)\b.*\b(note|file|document)s?\b",
        ),
    ),
    "shell": (
        ("run_command",),
        (r"\b(run|execute)\b.*\b(command|script|shell|terminal)\b", r"\bterminal\b", r"\bshell\b", r"`[^`]+`"),
    ),
    "open": (
        ("open_url", "open_app"),
        (r"\bopen\b", r"\blaunch\b", r"\bstart\b.*\bapp", r"https?://", r"\bwww\.", r"\bwebsite\b"),
    ),
    "calendar": (
        ("create_event", "create_reminder"),
        (
            r"\bcalendar\b", r"\bschedule\b", r"\bremind(er|ers)?\b", r"\bremind me\b", r"\bappointment\b",
            r"\bmeeting\b.*\b(at|on|tomorrow|today|next)\b", r"\b(add|create|book|put)\b.*\bevent\b",
        ),
    ),
    "mail": (
        ("draft_mail", "send_mail"),
        (r"\be-?mail\b", r"\bmail\b", r"\bsend\b.*\b(to|message)\b", r"\bdraft\b", r"\b[\w.+-]+@[\w-]+\.[\w.]+\b"),
    ),
    "memory": (
        ("remember", "forget"),
        (r"\bremember\b", r"\bforget\b", r"\bdon'?t forget\b", r"\bnote that\b", r"\bkeep in mind\b"),
    ),
    "web": (
        ("web_fetch",),
        (r"https?://", r"\bfetch\b", r"\bdownload\b.*\bpage\b", r"\bweb ?page\b", r"\bwebsite\b"),
    ),
}

_COMPILED = {
    family: (tools, tuple(re.compile(p) for p in patterns)) for family, (tools, patterns) in FAMILIES.items()
}


# Tools that only read. A question may be offered these and nothing else.
READ_TOOLS = frozenset({"list_files", "read_file", "search_files", "search_memory"})

_ACTION_VERBS = (r"(add|create|make|book|schedule|put|set( up)?|remind|delete|remove|trash|move|rename|copy|send|"
                 r"draft|write|save|remember|forget|run|execute|open|launch|start|e-?mail|mail|text|reply|"
                 r"forward|cancel|buy|order|pay|install)")
_IMPERATIVE = re.compile(rf"^\s*(please\s+|hey\s+hearth,?\s+)?{_ACTION_VERBS}\b", re.I)
_POLITE_REQUEST = re.compile(rf"^\s*(can|could|would|will)\s+you\s+(please\s+)?{_ACTION_VERBS}\b", re.I)
_QUESTION_START = re.compile(
    r"^\s*(what|what's|whats|when|when's|where|where's|who|who's|whom|whose|which|why|how|is|isn't|are|aren't|"
    r"was|were|do|does|did|have|has|had|am|can|could|should|would|will|any|tell me|show me|list)\b", re.I)

# "remind me what my seat is" asks (a read); "remind me to …", "remind me when I get home to …" act
_REMIND_WHAT = re.compile(r"^\s*(please\s+)?(can you\s+)?remind me\s+(what|which|who|whom|whose|where|how|why|"
                          r"(when|whether|if)\b(?!.*\bto\s+\w))\b", re.I)
# "by when do I have to pick it up", "at what time …", "for how long …"
_PREPOSITION_WH = re.compile(r"^\s*(by|for|in|at|on|to|from|since|until|till|with)\s+(what|when|where|which|who|"
                             r"whom|whose|how)\b", re.I)


def is_question(request: str) -> bool:
    """A question about the user's data or the world: a read, never an action.

    "When is my dentist appointment?" and "What's on my calendar this week?" are questions;
    "Add an event …", "Remind me to …" and "Could you send …?" are action requests.
    """
    text = request.strip()
    if _REMIND_WHAT.match(text) or _PREPOSITION_WH.match(text):
        return True
    if not text or _IMPERATIVE.match(text) or _POLITE_REQUEST.match(text):
        return False
    return bool(_QUESTION_START.match(text)) or text.endswith("?")


def matching_families(request: str) -> list[str]:
    """Tool families the user's request mentions, in a stable order."""
    text = request.lower()
    return [family for family, (_, patterns) in _COMPILED.items() if any(p.search(text) for p in patterns)]


def tools_to_offer(request: str, available: Iterable[str]) -> list[str]:
    """The tools worth offering for this request (empty: just answer). Unknown tools that are not
    in any family are offered whenever any family matches, so new tools are never hidden from an
    action request."""
    available = list(available)
    families = matching_families(request)
    if not families:
        return []
    known = {tool for tools, _ in _COMPILED.values() for tool in tools}
    chosen = {tool for family in families for tool in _COMPILED[family][0]}
    offered = [name for name in available if name in chosen or name not in known]
    if is_question(request):  # a question is a read: nothing that creates, deletes, sends or runs
        offered = [name for name in offered if name in READ_TOOLS]
    return offered


# --- explicit action requests: the tool, chosen with certainty before any model -----------------
# Each entry: (tool, pattern over the request after a polite opening). The first that matches
# wins, so "Remind me to email Priya" is a reminder and "Email Priya to remind her" a mail. A
# pattern that needs something only the text can give (a path, a `command`) says so itself.
_OPENING = (r"^\s*(?:(?:hey|hi|ok|okay)\s+hearth[,!.]?\s+)?(?:please[,]?\s+)?"
            r"(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?(?:i\s+(?:want|need|would\s+like|'d\s+like)\s+"
            r"(?:you\s+)?to\s+)?(?:go\s+ahead\s+and\s+)?(?:also\s+)?")
_PATHISH = r"(?:[\"'“‘]?[~.]?/\S+|~(?=\s|$)|[\w.-]+\.[A-Za-z0-9]{1,8}\b)"  # a quoted path may hold spaces
ACTIONS: tuple[tuple[str, str], ...] = (
    ("create_reminder", r"(?:remind\s+me\b|(?:ping|nudge|alert)\s+me\b|remember\s+to\b|(?:set|add|create|make|put\s+in)\s+(?:me\s+)?(?:a\s+|an\s+)?reminder\b"
                        r"|(?:new\s+)?reminder\s*:|(?:don'?t|do\s+not)\s+let\s+me\s+forget\s+(?:to|about)\b)"),
    ("run_command", r"(?:run|execute|exec|type)\b[^`]*`[^`]+`"),
    ("draft_mail", r"(?:draft|write|compose|prepare|start)\s+(?:up\s+)?(?:an?\s+|the\s+)?(?:short\s+|quick\s+|new\s+)?"
                   r"(?:e-?mail|mail|message\s+by\s+e-?mail)\b"),
    ("send_mail", r"(?:(?:send|shoot|fire\s+off)\s+(?:an?\s+)?(?:quick\s+|short\s+)?(?:e-?mail|mail)\b"
                  r"|send\b.*\bby\s+e-?mail\b|send\s+\S+@\S+"
                  r"|send\s+(?:[A-Z][\w'-]*\s+){1,3}an?\s+(?:quick\s+|short\s+)?(?:e-?mail|mail)\b)"),
    # "Email Jordan about …" says nothing about sending now: a draft, which the user sends themselves.
    ("draft_mail", r"e-?mail\s+(?!(?:address|from|about|with|in|on|of|for|that|this|the|my|was|is|says|said)\b)\w"),
    # "mail Helen: …", "write to Dana about …": a person's name (capitalised) right after, and no file in sight
    ("draft_mail", rf"(?:mail|write\s+to|message)\s+(?-i:[A-Z])[\w'’-]*\b(?!.*{_PATHISH})"),
    ("draft_mail", r"(?:drop|write)\s+(?-i:[A-Z])[\w'’-]*\s+an?\s+(?:quick\s+|short\s+)?(?:e-?mail|mail|line)\b"),
    ("create_event", r"(?:(?:add|put|create|make|schedule|book|enter|block(?:\s+out)?|set\s+up|plan)\b.*"
                     r"\b(?:calendar|agenda|diary|event|appointment|meeting)\b|schedule\b|(?:new\s+)?event\s*:)"),
    ("remember", r"(?:remember\b(?!\s+(?:to|when|what|who|where|how|why|if|whether)\b)|(?:don'?t|do\s+not)\s+forget\s+that\b|keep\s+in\s+mind\b|note\s+that\b|"
                 rf"make\s+a\s+note\s+that\b|(?:jot|write|note)\s+down\s+that\b(?!.*{_PATHISH})|"
                 r"for\s+(?:future\s+)?reference\b)"),
    ("move_file", rf"(?:move|rename|mv)\s+.*{_PATHISH}"),
    ("delete_files", rf"(?:delete|remove|trash|erase|rm)\s+.*{_PATHISH}"),
    # "in ~/notes/car.md write: …": the file first
    ("write_file", rf"(?:in|into|to)\s+{_PATHISH}\s*,?\s+(?:write|put|save|add|jot\s+down|note)\b"),
    ("write_file", rf"(?:write|save|create|make|put|store|jot\s+down|add|new)\b.*(?:\b(?:to|in|into|at|as|called|named)"
                   rf"\s+(?:a\s+file\s+)?{_PATHISH}|{_PATHISH}\s+(?:that|which|with|saying|containing))"),
)
_ACTIONS_RE = tuple((tool, re.compile(_OPENING + pattern, re.I | re.S)) for tool, pattern in ACTIONS)
# Anywhere in the request (not only at its start): "Dentist on Friday at 3, put it in my calendar".
_ANYWHERE = (
    ("create_event", re.compile(r"\b(?:add|put)\s+(?:it|this|that)\s+(?:to|on|in|into)\s+(?:my\s+)?(?:calendar|agenda)",
                                re.I)),
    ("create_reminder", re.compile(r"\b(?:remind|ping|nudge)\s+me\b", re.I)),
)


def action_tool(request: str, available: Iterable[str], *, quick_add: bool = True) -> str:
    """The one tool an explicit action request asks for ('' when the request is not one, or is a
    question): "Add … to my calendar" is create_event, "Remind me …" create_reminder, "Draft an
    email …" draft_mail, "Remember that …" remember, "Move A to B" move_file, "Run `…`"
    run_command. The model is then asked only for the words the tool needs."""
    text = request.strip()
    names = set(available)
    if not text or is_question(text) or (text.endswith("?") and not _POLITE_REQUEST.match(text)):
        return ""  # "Remember when we went to Lisbon?" asks; "Could you remind me …?" requests
    for tool, pattern in _ACTIONS_RE:
        if tool in names and pattern.match(text):
            return tool
    for tool, pattern in _ANYWHERE:
        if tool in names and pattern.search(text):
            return tool
    if "run_command" in names and re.fullmatch(r"\s*`[^`]+`\s*[.!]?\s*", text):
        return "run_command"
    if quick_add and "create_event" in names and looks_like_event(text):
        return "create_event"
    return ""


# What a calendar's quick add reads as an event: a short title, a day and a clock time, and nothing
# else ("Friday 3pm dentist", "Lunch with Sam, Café Luna, Friday at noon", "Add car inspection on
# 2026-12-18 at 8:30"). Chat that happens to hold a time is not one: its title would start with a
# pronoun, a greeting, a question word, a subject ("The bins …", "My flight …") or another command,
# or hold a verb that makes it a sentence ("… is at 7:30", "… leaves Monday at 6:40").
_NOT_A_TITLE = re.compile(
    r"^(?:i|i'm|im|i've|i'll|i'd|we|we're|you|you're|he|she|they|it|it's|that|that's|this|there|here|what|when|"
    r"where|who|why|how|is|are|was|were|do|does|did|can|could|would|will|should|shall|yes|no|ok|okay|sure|thanks|"
    r"thank|hi|hello|hey|good|see|let's|lets|just|maybe|also|but|and|so|not|never|today|tomorrow|tonight|the|my|"
    r"your|our|his|her|their|its|open|close|count|translate|read|find|show|tell|list|search|summari[sz]e|explain|"
    r"give|get|play|check|look|turn|answer|action)\b", re.I)
_SENTENCE_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|am|has|have|had|will|would|shall|should|can|could|may|might|must|does|did|"
    r"said|says|say|sounds|works|goes|go|went|leaves|left|departs|arrives|starts|ends|begins|closes|opens|"
    r"happens|got|gets)\b", re.I)
_QUICK_ADD_VERB = re.compile(r"^(?:add|put|create|make|book|block(?:\s+out)?|plan|new)\b", re.I)
_CLOCK_SAID = re.compile(r"\d|\b(?:noon|midnight|midday)\b", re.I)


def looks_like_event(text: str) -> bool:
    """A quick-add event: a clock time (or a date after "add"/"new"/"block"), a short title of words,
    one line, no path, `command` or address, and not chat."""
    words = text.split()
    if "\n" in text.strip() or not 2 <= len(words) <= 14 or not _CLOCK_SAID.search(text):
        return False
    if spans.paths(text) or spans.commands(text) or spans.emails(text):
        return False
    stated = when.find_when(text)
    if stated is None or not (stated.has_time or _QUICK_ADD_VERB.match(text.strip())):
        return False
    title = arguments.extract("create_event", text).fields.get("title", "")
    return (bool(re.search(r"[A-Za-z]{2}", title)) and len(title.split()) <= 8 and _NOT_A_TITLE.match(title) is None
            and _SENTENCE_VERB.search(title) is None)
