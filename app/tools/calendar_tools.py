"""Calendar events and reminders: an .ics file everywhere, plus macOS Calendar/Reminders via AppleScript."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from app.policy.tiers import Risk, Tier
from app.private import private_dir
from app.tools.base import Tool, ToolContext, ToolError, ToolOutput, obj, string


def _when(text: str, what: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ToolError(f"{what} must be a date and time like 2025-06-01T14:30, not {text!r}") from exc


def _all_day(args: dict[str, Any]) -> bool:
    """A start with a date and no time ("2026-12-14") is a whole-day event."""
    start, end = str(args.get("start", "")).strip(), str(args.get("end", "") or "").strip()
    return len(start) == 10 and len(end) in (0, 10)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%S")


def _ics(kind: str, args: dict[str, Any]) -> tuple[str, str]:
    uid = f"{uuid.uuid4()}@hearth"
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Hearth//EN", f"BEGIN:{kind}", f"UID:{uid}", f"DTSTAMP:{now}",
             f"SUMMARY:{_escape(str(args['title']))}"]
    if kind == "VEVENT" and _all_day(args):  # "2026-12-14": the whole day, as calendars keep birthdays
        day = _when(str(args["start"]), "start").date()
        last = _when(str(args["end"]), "end").date() if args.get("end") else day
        if last < day:
            raise ToolError("the event must end after it starts")
        lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{last + dt.timedelta(days=1):%Y%m%d}"]
        if args.get("location"):
            lines.append(f"LOCATION:{_escape(str(args['location']))}")
    elif kind == "VEVENT":
        start = _when(str(args["start"]), "start")
        end = _when(str(args["end"]), "end") if args.get("end") else start + dt.timedelta(hours=1)
        if end <= start:
            raise ToolError("the event must end after it starts")
        lines += [f"DTSTART:{_stamp(start)}", f"DTEND:{_stamp(end)}"]
        if args.get("location"):
            lines.append(f"LOCATION:{_escape(str(args['location']))}")
    elif args.get("due"):
        due = _when(str(args["due"]), "due")
        lines.append(f"DUE;VALUE=DATE:{due:%Y%m%d}" if len(str(args["due"]).strip()) == 10 else f"DUE:{_stamp(due)}")
    if args.get("notes"):
        lines.append(f"DESCRIPTION:{_escape(str(args['notes']))}")
    lines += [f"END:{kind}", "END:VCALENDAR"]
    return uid, "\r\n".join(lines) + "\r\n"


def _preview(kind: str, args: dict[str, Any]) -> str:
    """The day and time in words (a bare "at 9" read as 9:00 AM is seen as such), then the .ics text
    as written: plain line ends (the file's CRLF is not a hidden character)."""
    ics = _ics(kind, args)[1].replace("\r\n", "\n")
    plain = [f"{label}: {_spoken(str(args[key]))}" for label, key in (("When", "start"), ("Ends", "end"), ("Due", "due"))
             if args.get(key)]
    if args.get("location"):
        plain.append(f"Where: {args['location']}")
    return "\n".join(plain) + "\n\n" + ics if plain else ics


def _spoken(text: str) -> str:
    """``2026-12-04T09:00`` as "Friday 4 December 2026 at 9:00 AM"; a date alone as its day."""
    moment = _when(text, "time")
    day = f"{moment:%A} {moment.day} {moment:%B %Y}"
    if len(text.strip()) == 10:
        return day
    return f"{day} at {(moment.hour - 1) % 12 + 1}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def _folder(ctx: ToolContext) -> Path:
    folder = ctx.paths.data_dir / "calendar"
    private_dir(folder)
    return folder


def _applescript_date(var: str, when: dt.datetime) -> str:
    return (f"set {var} to current date\nset day of {var} to 1\nset year of {var} to {when.year}\n"
            f"set month of {var} to {when.month}\nset day of {var} to {when.day}\n"
            f"set time of {var} to {when.hour * 3600 + when.minute * 60}\n")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _osascript(script: str) -> tuple[str, str]:
    """Run AppleScript on macOS: (output, error); ("", "") elsewhere."""
    if sys.platform != "darwin" or not shutil.which("osascript"):
        return "", ""
    done = subprocess.run(["osascript", "-e", script], capture_output=True, text=True, timeout=30, check=False)
    return (done.stdout.strip(), "") if done.returncode == 0 else ("", done.stderr.strip())


def spoken_when(value: Any) -> str:
    """``Tuesday 15 December 2026 at 4:15 PM`` for an ISO date-time, ``Tuesday 15 December 2026``
    for a date; the text itself when it is neither (the panel shows the exact value beside it)."""
    text = str(value or "").strip()
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    day = f"{when:%A} {when.day} {when:%B %Y}"
    if len(text) <= 10:
        return day
    clock = when.strftime("%I:%M %p").lstrip("0")
    return f"{day} at {clock}"


def _event_risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    r = Risk(Tier.REVERSIBLE, explanation=f"This adds the event \"{args.get('title', '')}\" on "
             f"{spoken_when(args.get('start', ''))} to your calendar.")
    r.reasons.append("It adds a calendar entry that can be removed again.")
    return r


def _reminder_risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    due = f" due {spoken_when(args['due'])}" if args.get("due") else ""
    r = Risk(Tier.REVERSIBLE, explanation=f"This adds the reminder \"{args.get('title', '')}\"{due}.")
    r.reasons.append("It adds a reminder that can be removed again.")
    return r


def _create(kind: str, args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    uid, text = _ics(kind, args)
    path = _folder(ctx) / f"{uid.split('@')[0]}.ics"
    path.write_text(text, encoding="utf-8")
    note = ""
    title = str(args["title"])
    if kind == "VEVENT":
        start = _when(str(args["start"]), "start")
        end = _when(str(args["end"]), "end") if args.get("end") else start + dt.timedelta(hours=1)
        app_id, err = _osascript(_applescript_date("s", start) + _applescript_date("e", end)
                                 + 'tell application "Calendar" to tell calendar 1\n'
                                 + f"set ev to make new event with properties {{summary:{_quote(title)}, "
                                   "start date:s, end date:e}\nreturn uid of ev\nend tell")
    else:
        app_id, err = _osascript(f'tell application "Reminders"\nset r to make new reminder with properties '
                                 f"{{name:{_quote(title)}}}\nreturn id of r\nend tell")
    if err:
        note = f" (the macOS app did not accept it: {err}; the .ics file is there)"
    what = "event" if kind == "VEVENT" else "reminder"
    return ToolOutput(True, f"created the {what} \"{title}\" ({path.name}){note}",
                      undo={"ics": str(path), "kind": kind, "title": title, "app_id": app_id})


def _undo(undo: dict[str, Any], ctx: ToolContext) -> str:
    Path(undo["ics"]).unlink(missing_ok=True)
    app_id = _quote(str(undo.get("app_id") or ""))
    if undo.get("app_id"):  # only the very item Hearth made, never others with the same title
        if undo.get("kind") == "VEVENT":
            _osascript(f'tell application "Calendar" to delete (every event of calendar 1 whose uid is {app_id})')
        else:
            _osascript(f'tell application "Reminders" to delete (every reminder whose id is {app_id})')
    return f"removed \"{undo.get('title', '')}\""


TOOLS = [
    Tool("create_event", "Add an event to the calendar.",
         obj({"title": string("What the event is."), "start": string("Start, like 2025-06-01T14:30."),
              "end": string("End, like 2025-06-01T15:30."), "location": string("Where."), "notes": string("Notes.")},
             ["title", "start"]),
         _event_risk, lambda a, c: _create("VEVENT", a, c), preview=lambda a, c: _preview("VEVENT", a), undo=_undo,
         family="calendar"),
    Tool("create_reminder", "Add a reminder.",
         obj({"title": string("What to remember."), "due": string("When, like 2025-06-01T09:00."),
              "notes": string("Notes.")}, ["title"]),
         _reminder_risk, lambda a, c: _create("VTODO", a, c), preview=lambda a, c: _preview("VTODO", a), undo=_undo,
         family="calendar"),
]
