"""Screenshots of the desktop app under Xvfb, for looking at the design.

    xvfb-run -s "-screen 0 1440x900x24" .venv/bin/python packaging/screenshots.py [--out screenshots] [--theme dark]

Takes: the main window mid-answer, the approval panel with a pending action, the quick prompt,
and the memory browser. The scenes are staged with scripted turns and a few sample memories so
the pictures do not depend on what the small default model happens to say. ``--real`` instead
takes the main window mid-answer from the real default model (core in its host process, as shipped).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "ui"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--theme", default="dark", choices=("dark", "light"))
    parser.add_argument("--real", action="store_true", help="the main window mid-answer from the real default model")
    parser.add_argument("--ask", action="append", default=[], metavar="QUESTION",
                        help="ask the real core these in turn (memory of HEARTH_HOME) and grab the window after each")
    parser.add_argument("--act", action="append", default=[], metavar="REQUEST",
                        help="make these action requests of the real core in turn: grab the approval panel, "
                             "deny, grab the outcome")
    args = parser.parse_args()
    os.environ.setdefault("HEARTH_HOME", tempfile.mkdtemp(prefix="hearth-shots-"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    if args.ask:
        return questions_shots(out, args.theme, args.ask)
    if args.act:
        return action_shots(out, args.theme, args.act)
    if args.real:
        return real_model_shot(out, args.theme)

    from fakes import FakeCore, ScriptedAgent
    from PySide6.QtCore import QTimer

    from app import events as ev
    from app.config import Settings
    from ui.app import HearthApp, get_qapp
    from ui.memory_browser import MemoryBrowser

    qapp = get_qapp()
    agent = ScriptedAgent(
        "Here is what I found in your notes about the **Lisbon trip**:\n\n"
        "1. Flights leave on *Friday 14 June* at 08:40 from Gatwick.\n"
        "2. The hotel is booked for three nights near Alfama.\n"
        "3. Sam suggested dinner at Taberna on Saturday.\n\n"
        "```text\nTAP 1351  LGW → LIS  08:40 – 11:15\n```\n\n"
        "Shall I add the flight to your calendar? I'll ask before changing anything.",
        delay=0.03,
    )
    agent.citations = [
        ev.Citation(chunk_id="1", item_id="m1", source_type="mail", title="Your TAP booking",
                    date="2024-05-02", snippet="Booking ref 7XK2Q. Friday 14 June, LGW to LIS 08:40.", trusted=False),
        ev.Citation(chunk_id="2", item_id="d1", source_type="document", title="Lisbon trip.md",
                    date="2024-04-28", snippet="Hotel: 3 nights near Alfama. Check-in from 15:00."),
        ev.Citation(chunk_id="3", item_id="c1", source_type="message", title="Sam",
                    date="2024-05-05", snippet="Dinner at Taberna on Saturday?", trusted=False),
    ]
    agent.action = ("create_event", {"title": "Flight TAP 1351 to Lisbon", "start": "2024-06-14T08:40",
                                      "end": "2024-06-14T11:15", "calendar": "Personal"}, "reversible")
    agent.preview = ("BEGIN:VEVENT\nSUMMARY:Flight TAP 1351 to Lisbon\nDTSTART:20240614T084000\n"
                     "DTEND:20240614T111500\nLOCATION:London Gatwick (LGW)\nEND:VEVENT")
    agent.untrusted = ("mail: “Your TAP booking” from no-reply@flytap.com",)
    settings = Settings()
    settings.ui.theme = args.theme
    hearth = HearthApp(qapp, settings=settings, core=FakeCore(agent), start_hotkey=False)
    agent.approver = hearth.center
    hearth.main.resize(1320, 820)
    for title in ("Weekly review notes", "Draft to the landlord", "Recipe ideas for Sunday"):
        hearth.services.conversations.create(title)
    hearth.main.refresh_conversations()
    hearth.start()
    hearth.main._model_loaded("SmolLM2-135M-Instruct")
    hearth.main.model_button.setText("SmolLM2-135M-Instruct  ·  212 tok/s")

    steps: list = []

    def shot(widget, name: str) -> None:
        path = out / f"{name}-{args.theme}.png"
        widget.grab().save(str(path))
        print(path)

    def mid_answer() -> None:
        hearth.main.send("What do my notes say about the Lisbon trip?")

    def take_main() -> None:
        shot(hearth.main, "main-window-approval")

    def take_mid() -> None:
        answer = hearth.main.view.current()
        if answer is not None:
            answer.set_text(agent.reply[: len(agent.reply) // 2])
        shot(hearth.main, "main-window-mid-answer")

    def approve_first() -> None:
        card = hearth.main.approvals.list.first_card()
        if card is not None:
            card.approve()

    def take_quick() -> None:
        quick = hearth.quick
        quick.open()
        quick.input.setPlaceholderText("When does my flight to Lisbon leave?")
        quick.answer_area.show()
        quick._text = "Your flight **TAP 1351** leaves London Gatwick on *Friday 14 June at 08:40* and lands in Lisbon at 11:15."
        quick.answer.set_source(quick._text)
        quick.meta.setText("38 tokens · 212 tok/s")
        quick.open_button.setEnabled(True)
        quick._fit()

    def take_quick2() -> None:
        shot(hearth.quick, "quick-prompt")
        hearth.quick.hide()

    browser_box: list = []

    def open_memory() -> None:
        browser = MemoryBrowser(hearth.services, hearth.bridge)
        browser.resize(1180, 720)
        browser_box.append(browser)
        browser._show_overview((
            {"chunks": 4812, "location": "~/Library/Application Support/Hearth/memory", "disk_bytes": 38_200_000},
            [
                {"path": "/Users/alex/Documents", "kind": "documents", "last_ingest": "2024-05-06T09:12:00+00:00", "added": 1204},
                {"path": "/Users/alex/Mail/Inbox.mbox", "kind": "mbox", "last_ingest": "2024-05-06T09:20:00+00:00", "added": 3120},
                {"path": "/Users/alex/Calendar/Home.ics", "kind": "ics", "last_ingest": "2024-05-05T18:02:00+00:00", "added": 311},
                {"path": "/Users/alex/Contacts.vcf", "kind": "vcf", "last_ingest": "2024-05-01T08:00:00+00:00", "added": 177},
                {"path": "/Users/alex/Library/Messages/chat.db", "kind": "imessage", "last_ingest": "2024-05-06T09:25:00+00:00", "added": 2950},
            ],
        ))
        browser.query.setText("Lisbon flight")
        browser._show_results(agent.citations)
        browser.result_list.setCurrentRow(0)
        browser.detail.setHtml("<h3>Your TAP booking</h3><p>mail · 2024-05-02 · third-party content</p>"
                               "<p>Booking ref 7XK2Q. Friday 14 June, LGW to LIS 08:40. Seat 14A. "
                               "Baggage: one cabin bag.</p>")
        browser.show()

    def take_memory() -> None:
        shot(browser_box[0], "memory-browser")

    def take_settings() -> None:
        hearth.show_settings()
        hearth._settings_dialog.show_page("Accounts")

    def take_settings2() -> None:
        shot(hearth._settings_dialog, "settings")
        qapp.quit()

    steps = [(200, mid_answer), (700, take_main), (10, approve_first), (350, take_mid), (2500, take_quick),
             (400, take_quick2), (100, open_memory), (500, take_memory), (100, take_settings), (500, take_settings2)]
    delay = 0
    for wait, step in steps:
        delay += wait
        QTimer.singleShot(delay, step)
    threading.Timer(60, lambda: os._exit(2)).start()
    qapp.exec()
    hearth.center.close()
    os._exit(0)


def real_model_shot(out: Path, theme: str) -> int:
    """Load the embedded default model, ask it something, and grab the window after 12 tokens."""
    from PySide6.QtCore import QTimer

    from app.config import Settings
    from ui.app import HearthApp, get_qapp

    qapp = get_qapp()
    settings = Settings()
    settings.ui.theme = theme
    settings.model.max_tokens = 160
    hearth = HearthApp(qapp, settings=settings, start_hotkey=False)
    hearth.main.resize(1320, 820)
    tokens: list[str] = []

    def ask() -> None:
        hearth.main.send("Write three short tips for keeping houseplants alive.")

    def on_token(text: str) -> None:
        tokens.append(text)
        if len(tokens) == 12:
            QTimer.singleShot(120, take)

    def take() -> None:
        path = out / f"main-window-real-model-{theme}.png"
        hearth.main.grab().save(str(path))
        print(path, "·", hearth.main.model_button.text())
        hearth.main.runner.cancel()
        QTimer.singleShot(500, qapp.quit)

    def deny_all(_request) -> None:  # a person who says no: the picture is about the streamed answer
        QTimer.singleShot(300, hearth.center.deny_all)

    hearth.main.runner.token.connect(on_token)
    hearth.main.runner.finished.connect(lambda _stats: QTimer.singleShot(200, take) if len(tokens) < 12 else None)
    hearth.center.requested.connect(deny_all)
    _run_when_ready(qapp, hearth, ask, limit_s=400)
    os._exit(0)


def _run_when_ready(qapp, hearth, start, *, limit_s: float) -> None:  # noqa: ANN001
    """Show the window, load the model, call ``start`` once it is ready, and run the app (killed
    after ``limit_s`` seconds, so a stuck scene never hangs the script)."""
    from PySide6.QtCore import QTimer

    hearth.main.show()
    hearth.main.load_model()
    waiter = QTimer()
    waiter.setInterval(200)
    waiter.timeout.connect(lambda: (waiter.stop(), start()) if hearth.main.model_ready else None)
    waiter.start()
    threading.Timer(limit_s, lambda: os._exit(2)).start()
    qapp.exec()
    hearth.center.close()
    hearth.services.shutdown()


def questions_shots(out: Path, theme: str, questions: list[str]) -> int:
    """The real app over the user's memory: each question in turn, a picture of the finished answer."""
    from PySide6.QtCore import QTimer

    from app.config import Settings
    from ui.app import HearthApp, get_qapp

    qapp = get_qapp()
    settings = Settings()
    settings.ui.theme = theme
    hearth = HearthApp(qapp, settings=settings, start_hotkey=False)
    hearth.main.resize(1320, 900)
    pending = list(questions)
    taken: list[Path] = []

    def ask_next() -> None:
        if not pending:
            QTimer.singleShot(300, qapp.quit)
            return
        hearth.main.send(pending.pop(0))

    def finished(_stats: object) -> None:
        QTimer.singleShot(600, take)

    def take() -> None:
        path = out / f"answer-{len(taken) + 1}-{theme}.png"
        hearth.main.grab().save(str(path))
        taken.append(path)
        print(path, flush=True)
        QTimer.singleShot(300, ask_next)

    def deny_all(_request) -> None:  # a question never needs an approval; if one comes, say no
        QTimer.singleShot(300, hearth.center.deny_all)

    hearth.main.runner.finished.connect(finished)
    hearth.center.requested.connect(deny_all)
    _run_when_ready(qapp, hearth, ask_next, limit_s=120 + 90 * len(questions))
    os._exit(0 if len(taken) == len(questions) else 1)


def action_shots(out: Path, theme: str, requests: list[str]) -> int:
    """The real app acting: each request in turn, a picture of the approval panel (when one is
    asked for), the request denied, and a picture of the turn's outcome."""
    from PySide6.QtCore import QTimer

    from app.config import load_settings
    from ui.app import HearthApp, get_qapp

    qapp = get_qapp()
    settings = load_settings()  # the home's own (a sender name, a mail account), as the app reads them
    settings.ui.theme = theme
    hearth = HearthApp(qapp, settings=settings, start_hotkey=False)
    hearth.main.resize(1320, 900)
    pending = list(requests)
    done: list[Path] = []

    def grab(kind: str) -> None:
        path = out / f"act-{len(done) + 1:02d}-{kind}-{theme}.png"
        hearth.main.grab().save(str(path))
        print(path, flush=True)

    def ask_next() -> None:
        if not pending:
            QTimer.singleShot(300, qapp.quit)
            return
        hearth.main.send(pending.pop(0))

    def requested(_request) -> None:  # noqa: ANN001
        QTimer.singleShot(900, lambda: (grab("panel"), QTimer.singleShot(200, hearth.center.deny_all)))

    def finished(_stats: object) -> None:
        def take() -> None:
            grab("outcome")
            done.append(out)
            QTimer.singleShot(300, ask_next)

        QTimer.singleShot(700, take)

    hearth.main.runner.finished.connect(finished)
    hearth.center.requested.connect(requested)
    _run_when_ready(qapp, hearth, ask_next, limit_s=180 + 120 * len(requests))
    os._exit(0 if len(done) == len(requests) else 1)


if __name__ == "__main__":
    raise SystemExit(main())
