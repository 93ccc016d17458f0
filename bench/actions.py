"""Action benchmark: plain action requests, the right tool with the right arguments, on the real models.

Requests are generated over the shared personal corpus (bench/personal_corpus.py; its contact
cards are in memory, so "Priya" can become her address): calendar events with and without an end
and a place, reminders, notes to paths, mail to people named only by name, "remember that", file
moves and shell commands in backticks. Every approval is DENIED, so nothing runs.

Per kind: right tool (the first proposal's), right arguments (every field the request states,
compared one by one), repeated proposals (any proposal after the first in the same turn), and the
median time from the request to its proposal. ``--old <dir>`` runs the same requests on another
checkout (e.g. ``git worktree add /tmp/actions-old e327dfa``) in a subprocess and prints both side
by side.

``--set heldout`` runs bench/action_set_heldout.py instead: requests phrased as people type them,
written before reading the extractor (its own table in bench/README.md).

Model-written fields (``--set written``): mail "about …" and "asking …" requests, whose body (and
subject) a model writes, event and reminder requests with no title, and requests the pre-router
does not recognise (the model writes the whole call). A body is scored on covering its topic,
inventing no specific (date, time, amount, number, name, address) absent from the request and the
contact's name, a sane length and no markup, role tags or echoed instructions; a subject and a
title on being short, plain and inventing nothing. ``--agent fast|answer|one`` picks the model
that writes them (SmolLM2 as the fast model, Qwen2.5-Coder-0.5B as the answer model, or the 0.5B
as the only model); ``--compare`` runs all three in their own processes, side by side, with each
one's peak memory.

Usage: .venv/bin/python bench/actions.py [--set main|heldout|fresh|written|all] [--old /tmp/actions-old]
       [--json bench/results/actions.json] [--limit N] [--agent fast|answer|one] [--compare]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if os.environ.get("HEARTH_BENCH_CODE"):  # the code under test (another checkout) comes first
    sys.path.insert(0, os.environ["HEARTH_BENCH_CODE"])
else:
    sys.path.insert(0, str(ROOT))


def _corpus_module() -> Any:
    spec = importlib.util.spec_from_file_location("personal_corpus", ROOT / "bench" / "personal_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["personal_corpus"] = module
    spec.loader.exec_module(module)
    return module


def _heldout_module() -> Any:
    spec = importlib.util.spec_from_file_location("action_set_heldout", ROOT / "bench" / "action_set_heldout.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the requests --------------------------------------------------------------------------------
def _day(d: dt.date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _clock(h: int, m: int) -> str:
    suffix = "AM" if h < 12 else "PM"
    return f"{(h - 1) % 12 + 1}:{m:02d} {suffix}"


def _iso(d: dt.date, h: int, m: int) -> str:
    return f"{d.isoformat()}T{h:02d}:{m:02d}"


def _next_weekday(today: dt.date, weekday: int) -> dt.date:
    ahead = (weekday - today.weekday()) % 7 or 7
    return today + dt.timedelta(days=ahead)


def requests(today: dt.date, corpus: Any) -> list[dict[str, Any]]:
    """(kind, request, tool, expected fields) for every case; all dates are after ``today``."""
    cases: list[dict[str, Any]] = []

    def add(kind: str, request: str, tool: str, **fields: Any) -> None:
        cases.append({"kind": kind, "request": request, "tool": tool, "fields": fields})

    d = [today + dt.timedelta(days=n) for n in (11, 17, 23, 30, 38, 45, 52)]
    tomorrow = today + dt.timedelta(days=1)
    # calendar events: date and time only
    for title, day, h, m in [("Dentist", d[0], 16, 15), ("Haircut", d[1], 10, 0), ("Parent-teacher meeting", d[2], 18, 30),
                             ("Car service", d[3], 8, 45), ("Tax advisor call", d[4], 14, 0)]:
        add("event", f"Add an event to my calendar: {title} on {_day(day)} at {_clock(h, m)}", "create_event",
            title=title, start=_iso(day, h, m))
    add("event", "Put Call with the bank on my calendar for tomorrow at 11:30 AM", "create_event",
        title="Call with the bank", start=_iso(tomorrow, 11, 30))
    nxt = _next_weekday(today, 1)
    add("event", "Schedule Budget review next Tuesday at 3 PM", "create_event", title="Budget review",
        start=_iso(nxt, 15, 0))
    wd = _next_weekday(today, (today.weekday() + 3) % 7)
    add("event", f"Add Lunch with Marco to my calendar for {wd:%A} at 12:30 PM", "create_event",
        title="Lunch with Marco", start=_iso(wd, 12, 30))
    # events with an end
    for title, day, (h1, m1), (h2, m2) in [("Yoga", d[1], (9, 30), (10, 15)), ("Design review", d[2], (13, 0), (14, 30)),
                                           ("Piano lesson", d[3], (17, 0), (17, 45)),
                                           ("Volunteer shift", d[5], (8, 0), (12, 0))]:
        add("event_end", f"Add {title} to my calendar on {day:%A}, {day:%B} {day.day} from {_clock(h1, m1)} to "
            f"{_clock(h2, m2)}", "create_event", title=title, start=_iso(day, h1, m1), end=_iso(day, h2, m2))
    # events with a place
    for title, day, h, m, place in [("Dinner with Priya", d[0], 19, 30, "Lupa Trattoria"),
                                    ("Book club", d[2], 18, 0, "Porter Square Books"),
                                    ("Flu shot", d[4], 9, 15, "Greenleaf Pharmacy"),
                                    ("Climbing", d[6], 17, 30, "Brooklyn Boulders")]:
        add("event_place", f"Add an event to my calendar: {title} on {_day(day)} at {_clock(h, m)} at {place}",
            "create_event", title=title, start=_iso(day, h, m), location=place)
    day = d[5]
    add("event_place", f"Add Team offsite to my calendar on {_day(day)} from 9:00 AM to 4:00 PM at the Harbor Hotel",
        "create_event", title="Team offsite", start=_iso(day, 9, 0), end=_iso(day, 16, 0), location="the Harbor Hotel")
    # reminders
    for thing, day, h, m in [("call mom", d[0], 18, 0), ("renew the car registration", d[1], 9, 0),
                             ("pay the rent", d[3], 8, 0), ("water the plants", d[4], 19, 30),
                             ("book the flights to Lisbon", d[5], 12, 0)]:
        add("reminder", f"Remind me to {thing} on {_day(day)} at {_clock(h, m)}", "create_reminder",
            title=thing[0].upper() + thing[1:], due=_iso(day, h, m))
    add("reminder", "Remind me to take out the recycling tomorrow at 7 PM", "create_reminder",
        title="Take out the recycling", due=_iso(tomorrow, 19, 0))
    add("reminder", "Remind me to send the cost estimate to Jordan next Tuesday", "create_reminder",
        title="Send the cost estimate to Jordan", due=nxt.isoformat())
    add("reminder", f"Remind me to buy a birthday card for Linda on {_day(d[6])}", "create_reminder",
        title="Buy a birthday card for Linda", due=d[6].isoformat())
    # notes to paths
    notes = [("~/Documents/notes/groceries.md", "oat milk, eggs, basil, two lemons"),
             ("~/Documents/notes/ideas.txt", "A birdhouse for the balcony"),
             ("/tmp/hearth-bench/todo.md", "Call the plumber about the kitchen tap"),
             ("~/notes/lisbon.md", "Tram 28 early in the morning, before the crowds"),
             ("~/Desktop/packing list.txt", "adapter, travel pillow, sunscreen"),
             ("~/Documents/notes/call.md", "Ask Noah about the water heater"),
             ("/tmp/hearth-bench/wifi.txt", "Guest network: RiveraGuest")]
    for path, text in notes:
        shown = f'"{path}"' if " " in path else path
        add("note", f"Write a note to {shown} that says: {text}", "write_file", path=path, content=text)
    add("note", 'Save a file at ~/Documents/quote.txt with the text "Simplicity is prerequisite for reliability."',
        "write_file", path="~/Documents/quote.txt", content="Simplicity is prerequisite for reliability.")
    # mail to people named only by name
    contact = {c.first: c for c in corpus.contacts}
    for first, said in [("Priya", "the slides for Thursday are ready"), ("Marco", "thanks again for the ladder"),
                        ("Jordan", "the cost estimate will be ready by Friday"), ("Aisha", "I'm in for climbing on Sunday"),
                        ("Tom", "the rent went out this morning")]:
        add("mail", f"Draft an email to {first} saying {said}", "draft_mail", to=[contact[first].emails[0]], body=said)
    for name, topic in [("Priya Raman", "the gallery opening"), ("Dana Ortiz", "my parental leave dates"),
                        ("Noah Williams", "the leaking kitchen tap")]:
        person = next(c for c in corpus.contacts if c.name == name)
        add("mail", f"Email {name} about {topic}", "draft_mail", to=[person.emails[0]])
    add("mail", "Write an email to Helen saying I need to move my cleaning appointment", "draft_mail",
        to=[contact["Helen"].emails[0]], body="I need to move my cleaning appointment")
    add("mail", "Draft an email to Marco and Aisha saying climbing is on for Saturday", "draft_mail",
        to=[contact["Marco"].emails[0], contact["Aisha"].emails[0]], body="climbing is on for Saturday")
    add("mail", "Send an email to Linda saying I'll call you on Sunday", "send_mail",
        to=[contact["Linda"].emails[0]], body="I'll call you on Sunday")
    # remember
    for fact in ["my locker code at the gym is 4412", "Priya's daughter is called Mira",
                 "the spare key is with Marco", "I prefer aisle seats on flights",
                 "the recycling goes out on Tuesday nights", "my bike lock combination is 7-3-9"]:
        add("remember", f"Remember that {fact}", "remember", text=fact)
    # file moves
    for src, dst in [("~/Downloads/report-q3.pdf", "~/Documents/work/"), ("~/Desktop/scan_0042.jpg", "~/Pictures/receipts/"),
                     ("/tmp/hearth-bench/old.log", "/tmp/hearth-bench/archive/old.log"),
                     ("~/Downloads/lease.pdf", "~/Documents/home/lease-2026.pdf"),
                     ("~/notes/draft.md", "~/notes/final.md")]:
        add("move", f"Move {src} to {dst}", "move_file", source=src, destination=dst)
    # shell commands in backticks
    for command, extra in [("ls -la ~/Documents", ""), ("du -sh ~/Downloads", ""), ("git status", " in ~/code/hearth"),
                           ("df -h", ""), ("grep -ri invoice ~/Documents/notes", ""),
                           ("python3 --version", ""), ("cat ~/notes/car.md", "")]:
        fields: dict[str, Any] = {"command": command}
        if extra:
            fields["cwd"] = extra.split()[-1]
        add("shell", f"Run `{command}`{extra}", "run_command", **fields)
    return cases


def written_requests(today: dt.date, corpus: Any) -> list[dict[str, Any]]:
    """Requests whose words a model writes: ``written`` names the model-written fields, ``topic``
    what a body must cover. ``tool`` may list the acceptable tools (a model-routed mail may be a
    draft or a send)."""
    cases: list[dict[str, Any]] = []
    contact = {c.name: c for c in corpus.contacts}
    first = {c.first: c for c in corpus.contacts}

    def add(kind: str, request: str, tool: str | list[str], written: list[str], topic: str = "",
            **fields: Any) -> None:
        cases.append({"kind": kind, "request": request, "tool": tool, "fields": fields, "written": written,
                      "topic": topic})

    for name, topic in [("Priya Raman", "the gallery opening"), ("Dana Ortiz", "my parental leave dates"),
                        ("Noah Williams", "the leaking kitchen tap"), ("Jordan Lee", "the cost estimate for the deck"),
                        ("Helen Park", "moving my cleaning appointment")]:
        person = contact.get(name) or first[name.split()[0]]
        add("w_mail_about", f"Email {person.name} about {topic}", "draft_mail", ["body"], topic, to=[person.emails[0]])
    for who, purpose in [("Marco", "asking if I can borrow his ladder again"),
                         ("Aisha", "to ask whether climbing is still on"),
                         ("Linda", "to thank her for the birthday card")]:
        add("w_mail_purpose", f"Draft an email to {who} {purpose}", "draft_mail", ["subject", "body"], purpose,
            to=[first[who].emails[0]])
    tomorrow = today + dt.timedelta(days=1)
    add("w_title", "Add an event to my calendar tomorrow at 9", "create_event", ["title"],
        start=_iso(tomorrow, 9, 0))
    add("w_title", "Remind me tomorrow at 8 AM", "create_reminder", ["title"], due=_iso(tomorrow, 8, 0))
    friday = _next_weekday(today, 4)
    add("w_unrouted", "Let Priya know by email that the slides are ready", ["draft_mail", "send_mail"], [],
        to=[first["Priya"].emails[0]])
    add("w_unrouted", "I need the plumber on my calendar Friday at 10 AM", "create_event", [],
        start=_iso(friday, 10, 0))
    add("w_unrouted", "Could you file ~/Downloads/invoice.pdf under ~/Documents/bills/", "move_file", [],
        source="~/Downloads/invoice.pdf", destination="~/Documents/bills/")
    return cases


# --- scoring ---------------------------------------------------------------------------------------
def _norm(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().rstrip(".")
        try:  # the same moment however it is written (seconds, a zone the user's clock shows)
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = moment.astimezone().replace(tzinfo=None)
            return moment.strftime("%Y-%m-%dT%H:%M") if ("T" in text or " " in text) else moment.strftime("%Y-%m-%d")
        except ValueError:
            return " ".join(text.casefold().split())
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def score(case: dict[str, Any], proposals: list[dict[str, Any]]) -> dict[str, Any]:
    first = proposals[0] if proposals else None
    if case["tool"] is None:  # a question: right when nothing is proposed
        return {"right_tool": not proposals, "fields": {}, "right_args": not proposals, "repeats": max(0, len(proposals) - 1)}
    tools = case["tool"] if isinstance(case["tool"], list) else [case["tool"]]
    right_tool = bool(first and first["tool"] in tools)
    fields = {}
    for key, want in case["fields"].items():
        got = first["arguments"].get(key) if right_tool and first else None
        if key == "body" and isinstance(got, str):  # the user's words, inside a greeting and a sign-off
            fields[key] = _norm(want) in _norm(got)
        else:
            fields[key] = _norm(got) == _norm(want)
    out = {"right_tool": right_tool, "fields": fields, "right_args": right_tool and all(fields.values()),
           "repeats": max(0, len(proposals) - 1)}
    if case.get("written") and right_tool and first:  # (a wrong or missing call is counted above)
        out["written"] = score_written(case, first["arguments"])
    return out


# Markup, chat-role tags and the prompt's own words: none belongs in a mail or a title.
_UNCLEAN = re.compile(r"<[^>]*>|```|[{}]|\*\*|^\s*#|\b(?:system|user|assistant|request|topic|write|sentences|json)\s*:"
                      r"|\bas an ai\b|\[(?:name|your name|date)\]|\bplaceholder\b", re.I | re.M)
_STOP = set(["a", "an", "the", "to", "of", "for", "and", "or", "in", "on", "at", "by", "with", "about", "my", "your", "our", "his", "her", "their", "is", "are", "was", "be", "it", "this", "that", "if", "can", "i", "me", "we", "you", "he", "she", "they", "whether", "again", "still"])
_GENERIC = {"event", "reminder", "meeting", "appointment"}
_COMMAND_WORDS = {"remind", "me", "add", "calendar", "my", "tomorrow", "today", "am", "pm", "at", "on", "schedule", "put"}


def _content(text: str) -> set[str]:
    return {w.removesuffix("ing").rstrip("s") for w in re.findall(r"[a-z']+", text.lower()) if w not in _STOP and len(w) > 2}


def _invented(text: str, known: list[str]) -> list[str]:
    """The specifics in ``text`` that nothing in ``known`` states (app/answer's grounding check)."""
    from app.answer import grounding, specifics

    supports = [grounding.Support(k) for k in known if k]
    return [s.text for s in specifics.extract(text) if not any(x.holds(s) for x in supports)]


def score_written(case: dict[str, Any], arguments: dict[str, Any]) -> dict[str, bool]:
    """Each model-written field: covers its topic, invents no specific, sane length, clean."""
    known = [case["request"], *(str(n) for n in case.get("names", [])), "Best", "Hi"]
    out: dict[str, bool] = {}
    if "body" in case["written"]:
        body = str(arguments.get("body", ""))
        out["body_covers"] = bool(body) and _content(case["topic"]) <= _content(body) | {"ask", "thank"}
        out["body_no_invention"] = bool(body) and not _invented(body, known)
        out["body_length"] = 20 <= len(body) <= 700 and body.count(".") + body.count("?") + body.count("!") <= 6
        out["body_clean"] = bool(body) and not _UNCLEAN.search(body)
    if "subject" in case["written"]:
        subject = str(arguments.get("subject", ""))
        out["subject_ok"] = (0 < len(subject.split()) <= 10 and "\n" not in subject and not _UNCLEAN.search(subject)
                             and not _invented(subject, known))
    if "title" in case["written"]:
        title = str(arguments.get("title", ""))
        new = _content(title) - _content(case["request"]) - _GENERIC
        echoed = _COMMAND_WORDS & {w.lower() for w in re.findall(r"[\w']+", title)}  # "Remind me tomorrow at 8 AM"
        out["title_ok"] = (0 < len(title.split()) <= 6 and not new and not echoed and not _UNCLEAN.search(title)
                           and not re.search(r"\d", title))
    return out


# --- running ---------------------------------------------------------------------------------------
AGENTS = {  # --agent: (fast model, answer model, the role that writes actions' words)
    "fast": ("SmolLM2-135M-Instruct", "Qwen2.5-Coder-0.5B-Instruct", "fast"),
    "answer": ("SmolLM2-135M-Instruct", "Qwen2.5-Coder-0.5B-Instruct", "answer"),
    "one": ("Qwen2.5-Coder-0.5B-Instruct", "", "answer"),
}


def run_cases(cases: list[dict[str, Any]], home: Path, agent_config: str = "") -> list[dict[str, Any]]:
    """Each request through the real agent and models, every approval denied.

    ``~`` is ``home`` here, and the files the requests move exist there (a move of a missing file
    is never proposed); sending mail has a server set (it is never reached: every send is denied).
    """
    os.environ["HEARTH_HOME"] = str(home)
    os.environ["HOME"] = str(home)
    for case in cases:
        if "source" in case["fields"]:
            source = Path(os.path.expanduser(case["fields"]["source"]))
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_text("bench file\n")
    from app.agent.loop import Agent
    from app.config import MemorySettings, Settings
    from app.events import ActionProposed, FinalAnswer
    from app.paths import get_paths
    from app.policy.approval import ApprovalDecision
    from app.runtime.registry import ensure_default_model
    from app.runtime.service import ModelService
    from memory.api import open_memory

    corpus_mod = _corpus_module()
    paths = get_paths().ensure()
    corpus = corpus_mod.build(home / "corpus", dt.date.today())
    memory = open_memory(paths, MemorySettings(embedding="onnx"))
    memory.ingest_path(corpus.vcf)
    settings = Settings()
    settings.mail.smtp_host, settings.mail.from_address = "smtp.example.invalid", corpus_mod.OWNER_EMAIL
    ensure_default_model(paths)
    if agent_config:  # the app's own roles: each model by name, as settings.toml would set them
        settings.model.name, settings.model.answer, settings.model.agent = AGENTS[agent_config]
        service = ModelService(paths=paths, settings=settings)
    else:
        service = ModelService(paths=paths, settings=settings, model_name=str(ensure_default_model(paths)))
    service.ensure_loaded()
    for role in ("answer", "fast"):  # every model loaded before the first timed request
        service._call(lambda role=role: service._role_model(role), None)
    names = {e: c.name for c in corpus.contacts for e in c.emails}
    agent = Agent(service, memory=memory, settings=settings, cwd=home,
                  approver=lambda request: ApprovalDecision("denied"))
    agent.ask("Add an event to my calendar: warm-up on December 1, 2030 at 9:00 AM", conversation_id="warm",
              timeout=600)  # loads whatever the first request would (not timed)
    results = []
    for i, case in enumerate(cases):
        started = time.perf_counter()
        turn = agent.start_turn(case["request"], conversation_id=f"bench-{i}")
        proposals: list[dict[str, Any]] = []
        first_at = None
        for event in turn:
            if isinstance(event, ActionProposed):
                if first_at is None:
                    first_at = time.perf_counter() - started
                proposals.append({"tool": event.tool, "arguments": dict(event.arguments)})
        final = turn.final.text if isinstance(turn.final, FinalAnswer) else ""
        case = {**case, "names": [names.get(a, "") for a in (proposals[0]["arguments"].get("to") or [])
                                  if isinstance(a, str)] if proposals else []}
        row = {**case, "proposals": proposals, "seconds_to_proposal": first_at,
               "seconds": time.perf_counter() - started, "final": final[:300], **score(case, proposals)}
        results.append(row)
        mark = "ok " if row["right_args"] else ("tool" if row["right_tool"] else "-- ")
        print(f"[{i + 1}/{len(cases)}] {mark} {case['kind']:11} {row['seconds']:5.1f}s {case['request'][:60]!r} -> "
              f"{proposals[0] if proposals else final[:80]!r}", file=sys.stderr, flush=True)
    service.shutdown()
    memory.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB on Linux
    for row in results:
        row["peak_rss_gb"] = round(peak * (1 if sys.platform != "darwin" else 1 / 1024), 2)
    return results


def summary(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    kinds: dict[str, list[dict[str, Any]]] = {}
    for row in results:
        kinds.setdefault(row["kind"], []).append(row)
    kinds["ALL"] = list(results)
    out = {}
    for kind, rows in kinds.items():
        times = [r["seconds_to_proposal"] for r in rows if r["seconds_to_proposal"] is not None]
        out[kind] = {"n": len(rows), "right_tool": sum(r["right_tool"] for r in rows) / len(rows),
                     "right_args": sum(r["right_args"] for r in rows) / len(rows),
                     "repeats": sum(r["repeats"] for r in rows),
                     "median_s_to_proposal": statistics.median(times) if times else None}
        for key in WRITTEN_KEYS:
            marks = [r["written"][key] for r in rows if key in r.get("written", {})]
            if marks:
                out[kind][key] = sum(marks) / len(marks)
    return out


WRITTEN_KEYS = ("body_covers", "body_no_invention", "body_length", "body_clean", "subject_ok", "title_ok")


def compare_table(runs: dict[str, list[dict[str, Any]]]) -> str:
    """Model-written fields per agent configuration, side by side (one column each)."""
    sums = {name: summary(rows) for name, rows in runs.items()}
    names = list(runs)
    lines = ["| measure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    kinds = [k for k in next(iter(sums.values())) if k != "ALL"] + ["ALL"]
    for kind in kinds:
        n = sums[names[0]][kind]["n"]
        for key, pct in [("right_tool", True), ("right_args", True), *((k, True) for k in WRITTEN_KEYS),
                         ("median_s_to_proposal", False)]:
            cells = [sums[name].get(kind, {}).get(key) for name in names]
            if all(c is None for c in cells) or (kind == "ALL" and key in WRITTEN_KEYS):
                continue
            lines.append(f"| {kind} (n={n}) {key.replace('_', ' ')} | " + " | ".join(_cell(c, pct) for c in cells) + " |")
    for key, label in [("peak_rss_gb", "peak RSS, GB")]:
        lines.append(f"| {label} | " + " | ".join(_cell(runs[name][0].get(key) if runs[name] else None)
                                                 for name in names) + " |")
    return "\n".join(lines)


def _cell(value: Any, pct: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:.0%}" if pct else (f"{value:.1f}" if isinstance(value, float) else str(value))


def table(new: dict[str, Any], old: dict[str, Any] | None) -> str:
    lines = ["| kind | n | right tool | right args | repeats | median s to proposal |", "|---|---|---|---|---|---|"]
    for kind, row in new.items():
        was = (old or {}).get(kind)

        def both(key: str, pct: bool = False, row: dict[str, Any] = row, was: Any = was) -> str:
            return _cell(row[key], pct) + (f" (was {_cell(was[key], pct)})" if was else "")

        lines.append(f"| {kind} | {row['n']} | {both('right_tool', True)} | {both('right_args', True)} | "
                     f"{both('repeats')} | {both('median_s_to_proposal')} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", default="", help="another checkout to run the same requests on, side by side")
    parser.add_argument("--json", default="", help="default bench/results/actions[-heldout].json")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--set", choices=("main", "heldout", "fresh", "written", "all"), default="main",
                        help="main: the 62 requests above; heldout and fresh: bench/action_set_heldout.py")
    parser.add_argument("--only", default="", help="run only requests containing this text (debugging)")
    parser.add_argument("--old-json", default="", help="reuse the old checkout's rows from an earlier results file")
    parser.add_argument("--old-every", type=int, default=1,
                        help="run the old checkout on every k-th request only (it can take a minute each)")
    parser.add_argument("--only-run", action="store_true", help="(internal) run and print JSON results")
    parser.add_argument("--agent", choices=sorted(AGENTS), default="",
                        help="the models by name in their roles (default: the fast model in every role)")
    parser.add_argument("--compare", action="store_true",
                        help="run --set under every --agent configuration, each in its own process")
    parser.add_argument("--table-from", default="", help="print the --compare table of an earlier results file")
    args = parser.parse_args()
    corpus = _corpus_module().build(Path(tempfile.mkdtemp(prefix="hearth-actions-corpus-")), dt.date.today())
    sets = {"main": requests, "heldout": _heldout_module().requests, "fresh": _heldout_module().requests_fresh,
            "written": written_requests, "all": lambda d, c: [*requests(d, c), *written_requests(d, c)]}
    cases = sets[args.set](dt.date.today(), corpus)
    if args.only:
        cases = [c for c in cases if args.only.casefold() in c["request"].casefold()]
    if args.limit:
        cases = cases[: args.limit]
    if args.table_from:  # an earlier --compare, scored again with this code's scoring, on this set's requests
        runs = json.loads(Path(args.table_from).read_text())["compare"]
        asked = {c["request"]: c for c in cases}
        print(compare_table({name: [{**{k: v for k, v in r.items() if k != "written"},
                                     **score({**asked[r["request"]], "names": r.get("names", [])}, r["proposals"])}
                                    for r in rows if r["request"] in asked] for name, rows in runs.items()}))
        return 0
    if args.only_run:
        home = Path(tempfile.mkdtemp(prefix="hearth-actions-"))
        print(json.dumps(run_cases(cases[:: args.old_every], home, args.agent), default=str))
        return 0
    if args.compare:
        runs: dict[str, list[dict[str, Any]]] = {}
        for config in ("fast", "answer", "one"):
            print(f"[compare] agent={config} {AGENTS[config]}", file=sys.stderr, flush=True)
            command = [sys.executable, str(Path(__file__).resolve()), "--only-run", "--set", args.set,
                       "--agent", config] + (["--limit", str(args.limit)] if args.limit else [])
            done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
            runs[config] = json.loads(done.stdout)
        print(f"{len(cases)} requests ({args.set}), every approval denied; columns: --agent")
        print(compare_table(runs))
        out = Path(args.json or ROOT / "bench" / "results" / "actions-compare.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"today": dt.date.today().isoformat(), "compare": runs}, indent=1, default=str))
        return 0
    home = Path(tempfile.mkdtemp(prefix="hearth-actions-"))
    new_rows = run_cases(cases, home, args.agent)
    new_sum = summary(new_rows)
    print(f"{len(cases)} action requests, every approval denied")
    print(table(new_sum, None), flush=True)
    old_rows = old_sum = None
    if args.old_json:
        earlier = json.loads(Path(args.old_json).read_text())["old"]
        args.old, old_rows = earlier["code"], earlier["rows"]
    elif args.old:
        env = {**os.environ, "HEARTH_BENCH_CODE": args.old, "PYTHONPATH": args.old}
        command = [sys.executable, str(Path(__file__).resolve()), "--only-run", "--old-every", str(args.old_every),
                   "--set", args.set]
        if args.limit:
            command += ["--limit", str(args.limit)]
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
        old_rows = json.loads(done.stdout)
    if old_rows:
        old_sum = summary(old_rows)
        same = {r["request"] for r in old_rows}
        print(f"\nside by side on the {len(same)} requests the old code ran ((was …) = {args.old})")
        print(table(summary([r for r in new_rows if r["request"] in same]), old_sum))
    out = Path(args.json or ROOT / "bench" / "results" / ("actions.json" if args.set == "main" else f"actions-{args.set}.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"today": dt.date.today().isoformat(), "new": {"summary": new_sum, "rows": new_rows},
                               "old": {"code": args.old, "summary": old_sum, "rows": old_rows}}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
