"""A small, realistic personal corpus for one fictional person, with its ground truth.

``build(root, today)`` writes, under ``root``: ``mail.mbox`` (30 mails), ``chat.db`` (an
iMessage-style SQLite database: 40 messages in 4 chats), ``calendar.ics`` (18 events around
``today``, weekly ones with RRULEs, some with a TZID), ``contacts.vcf`` (12 cards, two people
called Alex) and ``notes/`` (11 markdown notes), and returns a :class:`Corpus` that holds the same
facts as data, so question sets and action sets can be generated from it.

Everything is fixed or derived from ``today`` and a seeded generator: the same ``today`` gives the
same bytes. No network, about 50 ms.

Ingest with ``corpus.sources`` in order (contacts before messages, so chat handles become names):
``hearth memory ingest --vcf …``, ``--imessage …``, ``--mbox …``, ``--ics …``, then the notes folder.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

OWNER = "Sam Rivera"
OWNER_EMAIL = "sam.rivera@example.com"
APPLE_EPOCH = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
SEED = 1307


@dataclass(frozen=True)
class Contact:
    name: str
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    org: str = ""
    title: str = ""
    birthday: str = ""  # YYYY-MM-DD
    address: str = ""
    note: str = ""

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def uid(self) -> str:
        return "contact-" + self.name.lower().replace(" ", "-").replace(".", "")


@dataclass(frozen=True)
class Mail:
    sender: str  # display name
    sender_email: str
    subject: str
    date: dt.datetime
    paragraphs: tuple[str, ...]
    msgid: str

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Message:
    chat: str  # the chat's display name
    handle: str  # the other person's handle ('' when from me)
    sender: str  # the sender's name, or "Me"
    text: str
    when: dt.datetime


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    start: dt.datetime  # aware; for a floating event, the local time of the machine that built it
    end: dt.datetime | None = None
    location: str = ""
    tzid: str = ""  # written as DTSTART;TZID=…; '' is floating local time (or UTC when ``utc``)
    rrule: str = ""
    all_day: bool = False
    description: str = ""
    organizer: str = ""  # "Name <address>" for an invitation

    def occurrences(self, lo: dt.datetime, hi: dt.datetime) -> list[dt.datetime]:
        """Start times of this event within [lo, hi] (aware), recurrences expanded."""
        if not self.rrule:
            return [self.start] if lo <= self.start <= hi else []
        rule = rrulestr(self.rrule, dtstart=self.start)
        return list(rule.between(lo, hi, inc=True))


@dataclass(frozen=True)
class Note:
    filename: str
    text: str
    modified: dt.datetime

    @property
    def title(self) -> str:
        return self.text.splitlines()[0].lstrip("# ").strip()


@dataclass
class Corpus:
    """Where the files are and what they say."""

    root: Path
    today: dt.date
    owner: str
    mbox: Path
    chat_db: Path
    ics: Path
    vcf: Path
    notes_dir: Path
    contacts: list[Contact]
    mails: list[Mail]
    messages: list[Message]
    events: list[Event]
    notes: list[Note]
    facts: dict[str, str] = field(default_factory=dict)  # named single facts (see ``_facts``)

    @property
    def sources(self) -> list[tuple[Path, str]]:
        """(path, kind) in ingest order: contacts first, so chat handles become names."""
        return [(self.vcf, "vcf"), (self.chat_db, "imessage"), (self.mbox, "mbox"), (self.ics, "ics"),
                (self.notes_dir, "documents")]

    def contact(self, name: str) -> Contact:
        return next(c for c in self.contacts if c.name == name)

    def event(self, summary: str) -> Event:
        return next(e for e in self.events if e.summary == summary)

    def events_between(self, lo: dt.date, hi: dt.date) -> list[tuple[dt.datetime, Event]]:
        """Every occurrence starting on a local day in [lo, hi], in time order."""
        start = dt.datetime.combine(lo, dt.time.min).astimezone()
        end = dt.datetime.combine(hi, dt.time.max).astimezone()
        found = [(when, e) for e in self.events for when in e.occurrences(start, end)]
        return sorted(found, key=lambda p: p[0])

    def ingest(self, memory: object) -> None:
        """Ingest every source into an open :class:`memory.api.Memory`, in order."""
        for path, kind in self.sources:
            memory.ingest_path(path, kind=kind)  # type: ignore[attr-defined]


# --- the person's world -------------------------------------------------------------------------

CONTACTS = [
    Contact("Priya Raman", ("+1 415-555-0199",), ("priya.raman@example.com",), "Northwind Design",
            "Product designer", "1991-04-12", "42 Elm Street, Somerville, MA 02143", "Met at the ceramics class."),
    Contact("Marco Bellini", ("+1 617-555-0142",), ("marco.bellini@example.net",), "", "", "1988-09-03",
            "9 Alder Court, Cambridge, MA 02139", "Neighbour; has a ladder."),
    Contact("Helen Park", ("+1 617-555-0177",), ("frontdesk@brightsmile.example",), "Bright Smile Dental",
            "Dentist (DDS)", "", "123 Harbor Avenue, Boston, MA 02110", ""),
    Contact("Jordan Lee", ("+1 617-555-0123",), ("jordan.lee@acme-robotics.example",), "Acme Robotics",
            "Engineering manager", "", "", "My manager."),
    Contact("Linda Rivera", ("+1 508-555-0110",), ("linda.rivera@example.org",), "", "", "1961-12-14",
            "17 Maple Lane, Worcester, MA 01602", "Mom."),
    Contact("Tom Becker", ("+1 617-555-0155",), ("tom.becker@example.com",), "Becker Properties", "Landlord",
            "", "", "Rent goes to him on the 1st."),
    Contact("Aisha Khan", ("+1 857-555-0186",), ("aisha.khan@example.com",), "", "", "1993-07-22", "", "Climbing partner."),
    Contact("Greenleaf Pharmacy", ("+1 617-555-0100",), ("rx@greenleaf-pharmacy.example",), "Greenleaf Pharmacy",
            "", "", "250 Main Street, Cambridge, MA 02142", ""),
    Contact("Alex Morgan", ("+1 508-555-0131",), ("alex.morgan@example.org",), "", "", "1985-02-27", "",
            "My brother-in-law."),
    Contact("Alex Chen", ("+1 617-555-0164",), ("alex.chen@acme-robotics.example",), "Acme Robotics",
            "Staff engineer", "", "", "Colleague; owns the design doc."),
    Contact("Noah Williams", ("+1 781-555-0193",), ("noah@williamsplumbing.example",), "Williams Plumbing",
            "Plumber", "", "", ""),
    Contact("Dana Ortiz", ("+1 617-555-0148",), ("dana.ortiz@acme-robotics.example",), "Acme Robotics",
            "HR partner", "", "", ""),
]

NOTES = [
    ("wifi.md", "# Home Wi-Fi\n\nNetwork: RiveraHome-5G\n\nThe guest network is RiveraGuest and its password "
     "is otter-castle-42. The router is in the hall closet; restart it by holding the back button for ten seconds."),
    ("gift-ideas.md", "# Gift ideas\n\nMom: a cashmere scarf in dark green, or tickets to the Worcester symphony.\n\n"
     "Priya: a pottery wheel lesson at Clayhouse Studio; she mentioned wanting to try throwing bowls.\n\n"
     "Marco: a good bottle of Barolo to thank him for the ladder."),
    ("car.md", "# Car\n\nSubaru Outback, 2019, licence plate 7KQL204. Tyre pressure 35 psi front and back.\n\n"
     "Oil was last changed at 41,200 miles. The spare key is in the kitchen drawer under the tea towels."),
    ("insurance.md", "# Insurance\n\nRenters insurance with Evergreen Mutual, policy number HX-552-0981. "
     "It renews every year on March 1 and covers up to $30,000 of belongings.\n\n"
     "Claims line: 1-800-555-0147."),
    ("medications.md", "# Medications\n\nLisinopril 10 mg, one tablet every morning, for blood pressure. "
     "Prescribed by Dr. Amir Haddad.\n\nAllergic to penicillin (rash)."),
    ("lisbon-trip.md", "# Lisbon trip\n\nStaying at Hotel Alfama Lisboa for five nights. Must-do: the tram 28 ride, "
     "pastéis de nata at Manteigaria, and the sunset at Miradouro da Senhora do Monte.\n\n"
     "Bring the power adapter (type F) and the travel pillow."),
    ("roadmap-meeting.md", "# Roadmap meeting notes\n\nDecided: the gripper firmware ships in February, the "
     "vision module slips to April. Alex Chen owns the design doc; Jordan wants a cost estimate by Friday.\n\n"
     "Open question: whether to hire a second QA engineer."),
    ("lasagna.md", "# Lasagna recipe\n\nBake at 190 °C for 45 minutes. Layers: ragù, béchamel, pasta, "
     "parmesan; repeat four times. Let it rest for 15 minutes before cutting."),
    ("reading-list.md", "# Reading list\n\nFinished: The Overstory. Reading now: Piranesi by Susanna Clarke. "
     "Next: Tomorrow, and Tomorrow, and Tomorrow, then A Memory Called Empire."),
    ("garden.md", "# Garden\n\nThe tomatoes go into the raised bed in late May. Water the fig tree twice a week "
     "in summer. The compost bin is emptied in October."),
    ("bike-lock.md", "# Bike\n\nThe combination for the bike lock is 3-9-1-4. The bike is a grey Trek FX 2 and "
     "its frame number is WTU284C1193."),
]

FILLER_SENDERS = [
    ("The Boston Globe", "newsletter@globe.example", "Today's headlines"),
    ("Kindle Deals", "deals@books.example", "Your daily book deals"),
    ("Strava", "no-reply@strava.example", "Your weekly activity summary"),
    ("Spotify", "no-reply@spotify.example", "New music for you"),
    ("LinkedIn", "messages@linkedin.example", "You appeared in 9 searches this week"),
    ("Meetup", "info@meetup.example", "New events in Boston Python"),
    ("GitHub", "noreply@github.example", "Your weekly digest"),
    ("REI Co-op", "rei@rei.example", "Gear up for winter"),
]
FILLER_LINES = [
    "Here is a selection picked for you based on your recent activity.",
    "You can change how often you hear from us in your settings.",
    "Thanks for being a member; this message was sent to your account address.",
    "Read more on our website or in the app.",
    "These picks change every week, so check back soon.",
]


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute)).astimezone()


def _next_weekday(today: dt.date, weekday: int, *, at_least: int = 1) -> dt.date:
    """The first date at least ``at_least`` days after today that falls on ``weekday`` (Mon=0)."""
    day = today + dt.timedelta(days=at_least)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def _mails(today: dt.date, rnd: random.Random) -> list[Mail]:
    def at(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, minute), tzinfo=dt.UTC)

    pickup_by = (today + dt.timedelta(days=5)).strftime("%A, %B %-d")
    flight_day = today + dt.timedelta(days=17)
    bill_due = (today + dt.timedelta(days=11)).strftime("%B %-d")
    dentist = _next_weekday(today, 1, at_least=5)  # a Tuesday 5-11 days ahead
    mails = [
        Mail("Greenleaf Pharmacy", "rx@greenleaf-pharmacy.example", "Your prescription update", at(2, 14, 5), (
            "Hello Sam,",
            "Thank you for choosing Greenleaf Pharmacy. We are writing with an update about your account.",
            "Your refill of Lisinopril 10 mg (Rx #4471920) is ready for pickup at our Main Street store. "
            f"Please collect it by {pickup_by}; after that it goes back to stock. Your copay is $12.50.",
            "Questions? Call us at (617) 555-0100.",
            "Greenleaf Pharmacy, 250 Main Street, Cambridge",
        ), "<rx-4471920@greenleaf-pharmacy.example>"),
        Mail("SkyBridge Airlines", "bookings@skybridge.example", "Booking confirmed: Boston to Lisbon", at(9, 18, 40), (
            "Dear Sam Rivera,",
            "Your booking is confirmed. Your confirmation code is QX7P2M.",
            f"Flight SB 2212 leaves Boston Logan (BOS) on {flight_day.strftime('%A, %B %-d')} at 21:45 and arrives "
            "in Lisbon (LIS) at 09:30 the next morning. Seat 14C.",
            "Checked bag: 1 x 23 kg included.",
        ), "<qx7p2m@skybridge.example>"),
        Mail("Hotel Alfama Lisboa", "reservations@alfama-hotel.example", "Your reservation at Hotel Alfama Lisboa",
             at(8, 11, 2), (
                 "Olá Sam,",
                 "Thank you for your reservation. Reservation number: 88412093.",
                 f"Check-in from 15:00 on {(flight_day + dt.timedelta(days=1)).strftime('%B %-d')}, check-out by 11:00 "
                 f"on {(flight_day + dt.timedelta(days=6)).strftime('%B %-d')}. Total for five nights: €640.00.",
             ), "<res-88412093@alfama-hotel.example>"),
        Mail("City Power & Light", "billing@citypower.example", "Your electricity bill is ready", at(4, 7, 15), (
            "Hi Sam, your December statement is ready.",
            f"Amount due: $84.17, due on {bill_due}. Account number 30-118-442.",
            "Pay online or set up autopay to never miss a due date.",
        ), "<bill-dec@citypower.example>"),
        Mail("Comcastic Internet", "billing@comcastic.example", "Internet bill: payment received", at(12, 9, 30), (
            "Thanks, Sam. We received your payment of $59.99 for your internet service.",
            "Your plan: Gigabit Home. Next bill in 30 days.",
        ), "<pay-5999@comcastic.example>"),
        Mail("Tom Becker", "tom.becker@example.com", "Rent and the boiler service", at(6, 20, 10), (
            "Hi Sam,",
            "Just a reminder that January's rent of $1,850 is due on the 1st as usual.",
            "Also, the boiler service is booked; the technician from Williams Plumbing will come by. "
            "Noah will call you to confirm the time.",
            "Thanks, Tom",
        ), "<rent-jan@example.com>"),
        Mail("Jordan Lee", "jordan.lee@acme-robotics.example", "Roadmap review moved to Thursday", at(3, 16, 45), (
            "Hi team,",
            "The Q4 roadmap review moves to Thursday at 2 pm in Conference Room B, because the lab is booked on Wednesday.",
            "Please bring your cost estimates. Alex will walk us through the design doc.",
            "Jordan",
        ), "<roadmap-move@acme-robotics.example>"),
        Mail("Alex Chen", "alex.chen@acme-robotics.example", "Design doc: gripper firmware", at(5, 10, 20), (
            "Hi Sam,",
            "I put the gripper firmware design doc in the shared drive. The main change is the torque limit, "
            "which goes from 4.5 Nm to 3.8 Nm.",
            "Comments by Wednesday, please.",
        ), "<design-doc@acme-robotics.example>"),
        Mail("Dana Ortiz", "dana.ortiz@acme-robotics.example", "Open enrollment closes soon", at(7, 13, 0), (
            "Hi everyone,",
            "Benefits open enrollment closes on December 15. If you do nothing, your current plan carries over.",
            "The dental plan premium goes up to $18 a month next year.",
        ), "<enrollment@acme-robotics.example>"),
        Mail("Acme IT", "it@acme-robotics.example", "Ticket INC-20931: laptop replacement", at(10, 8, 55), (
            "Your request INC-20931 (laptop replacement) has been approved.",
            "Pick up your new laptop at the IT desk on the 3rd floor.",
        ), "<inc-20931@acme-robotics.example>"),
        Mail("Bright Smile Dental", "frontdesk@brightsmile.example", "Appointment reminder", at(1, 9, 0), (
            "Dear Sam,",
            f"This is a reminder of your cleaning with Dr. Helen Park on {dentist.strftime('%A, %B %-d')} at 9:30 am.",
            "Please arrive ten minutes early. To reschedule, call (617) 555-0177.",
        ), "<reminder@brightsmile.example>"),
        Mail("Linda Rivera", "linda.rivera@example.org", "Christmas plans", at(11, 19, 30), (
            "Sweetheart,",
            "We are doing Christmas dinner at our house this year, at 4 pm. Aunt Rosa is bringing her flan.",
            "Can you bring the cranberry sauce? Love, Mom",
        ), "<xmas@example.org>"),
        Mail("Cambridge Public Library", "notices@library.example", "Items due soon", at(2, 6, 0), (
            "The following item is due on " + (today + dt.timedelta(days=4)).strftime("%B %-d") + ": Piranesi.",
            "You can renew it online up to two times.",
        ), "<due@library.example>"),
        Mail("Eastside Subaru", "service@eastside-subaru.example", "Service appointment confirmed", at(5, 15, 30), (
            "Hi Sam, your Outback is booked in for its 45,000-mile service.",
            "Estimated cost: $289.95 including the oil change and tyre rotation.",
        ), "<service@eastside-subaru.example>"),
        Mail("Priya Raman", "priya.raman@example.com", "Photos from the ceramics class", at(13, 21, 0), (
            "Hey Sam! Here are the photos from Saturday's class. Your mug came out great.",
            "The next session starts in January on Thursdays.",
        ), "<photos@example.com>"),
    ]
    for n in range(30 - len(mails)):
        name, address, subject = FILLER_SENDERS[n % len(FILLER_SENDERS)]
        lines = rnd.sample(FILLER_LINES, 3)
        mails.append(Mail(name, address, f"{subject} ({n + 1})", at(rnd.randint(1, 40), rnd.randint(6, 22)),
                          tuple(lines), f"<filler-{n}@{address.split('@')[1]}>"))
    return mails


def _messages(today: dt.date) -> list[Message]:
    def at(days_ago: int, hour: int, minute: int) -> dt.datetime:
        return _local(today - dt.timedelta(days=days_ago), hour, minute)

    priya, marco, mom = "+14155550199", "+16175550142", "+15085550110"
    aisha, alex_chen, jordan = "+18575550186", "alex.chen@acme-robotics.example", "+16175550123"
    out: list[Message] = []

    def chat(name: str, rows: list[tuple[str, str, str, dt.datetime]]) -> None:
        for handle, sender, text, when in rows:
            out.append(Message(name, handle, sender, text, when))

    chat("Priya Raman", [
        (priya, "Priya Raman", "Are we still on for dinner on Friday?", at(1, 18, 2)),
        ("", "Me", "Yes! 7:30 at Lupa Trattoria?", at(1, 18, 5)),
        (priya, "Priya Raman", "Perfect. I booked the table under my name.", at(1, 18, 6)),
        (priya, "Priya Raman", "I'll bring Wingspan so we can play after.", at(1, 18, 7)),
        ("", "Me", "Great, I'll bring dessert.", at(1, 18, 9)),
        (priya, "Priya Raman", "Also I moved! New address is 42 Elm Street, Somerville.", at(1, 18, 12)),
        ("", "Me", "Congrats! Housewarming soon?", at(1, 18, 13)),
        (priya, "Priya Raman", "Definitely, probably in January.", at(1, 18, 15)),
        (priya, "Priya Raman", "Did you get the photos from the ceramics class?", at(13, 21, 3)),
        ("", "Me", "Got them, thanks! The mug looks great.", at(13, 21, 20)),
    ])
    chat("Marco Bellini", [
        (marco, "Marco Bellini", "Hey, you can borrow the ladder this weekend.", at(3, 10, 0)),
        (marco, "Marco Bellini", "It's in my garage; the door code is 4821.", at(3, 10, 1)),
        ("", "Me", "Thanks Marco, I'll return it by Sunday.", at(3, 10, 4)),
        (marco, "Marco Bellini", "No rush. Watch out, the second step is a bit loose.", at(3, 10, 6)),
        ("", "Me", "Will do.", at(3, 10, 7)),
        (marco, "Marco Bellini", "Also, the recycling pickup moved to Wednesdays.", at(6, 8, 30)),
        ("", "Me", "Good to know, thanks.", at(6, 8, 41)),
        (marco, "Marco Bellini", "Want to watch the Celtics game on Saturday night?", at(2, 19, 0)),
        ("", "Me", "Sure, at yours?", at(2, 19, 4)),
        (marco, "Marco Bellini", "Yes, 8 pm. Bring snacks.", at(2, 19, 5)),
    ])
    chat("Mom", [
        (mom, "Linda Rivera", "Hi honey, Dad's knee surgery went well. He's home now.", at(4, 12, 0)),
        ("", "Me", "That's a relief! Tell him I'll call tonight.", at(4, 12, 10)),
        (mom, "Linda Rivera", "He'd love that. Aunt Rosa's birthday is June 14, don't forget this year.", at(4, 12, 12)),
        ("", "Me", "Noted!", at(4, 12, 13)),
        (mom, "Linda Rivera", "Also, the Christmas dinner is at 4 pm, not 5.", at(2, 17, 30)),
        ("", "Me", "Got it. Cranberry sauce is on me.", at(2, 17, 35)),
        (mom, "Linda Rivera", "Your cousin Luis got into Northeastern!", at(2, 17, 40)),
        ("", "Me", "Amazing, I'll text him.", at(2, 17, 42)),
        (mom, "Linda Rivera", "Drive safe in the snow this week.", at(0, 7, 50)),
        ("", "Me", "Will do, love you.", at(0, 8, 5)),
    ])
    chat("Climbing crew", [
        (aisha, "Aisha Khan", "Climbing Saturday at 10 at Summit Gym?", at(2, 9, 0)),
        (alex_chen, "Alex Chen", "I'm in. I'll bring the rope.", at(2, 9, 5)),
        ("", "Me", "In! I'll get the day passes.", at(2, 9, 7)),
        (aisha, "Aisha Khan", "Thanks Sam, I owe you $24 for my pass.", at(2, 9, 10)),
        (jordan, "Jordan Lee", "Can't make it this week, have fun!", at(2, 9, 30)),
        (alex_chen, "Alex Chen", "Let's try the new overhang route, it's graded 5.11a.", at(2, 9, 40)),
        (aisha, "Aisha Khan", "Ha, you try it first.", at(2, 9, 42)),
        ("", "Me", "Meet at the front desk at 9:50.", at(2, 9, 50)),
        (aisha, "Aisha Khan", "👍", at(2, 9, 51)),
        (alex_chen, "Alex Chen", "See you there.", at(2, 9, 52)),
    ])
    return out


def _events(today: dt.date) -> list[Event]:
    lisbon, new_york = "Europe/Lisbon", "America/New_York"
    friday = _next_weekday(today, 4, at_least=0) if today.weekday() != 4 else today
    saturday = _next_weekday(today, 5, at_least=0) if today.weekday() != 5 else today
    dentist = _next_weekday(today, 1, at_least=5)
    flight = today + dt.timedelta(days=17)
    first_monday = today - dt.timedelta(days=today.weekday() + 28)  # series started four weeks back

    def floating(day: dt.date, hour: int, minute: int = 0, minutes: int = 60) -> tuple[dt.datetime, dt.datetime]:
        start = _local(day, hour, minute)
        return start, start + dt.timedelta(minutes=minutes)

    def zoned(day: dt.date, hour: int, minute: int, tz: str, minutes: int) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(tz))
        return start, start + dt.timedelta(minutes=minutes)

    def all_day(day: dt.date, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, dt.time.min).astimezone()
        return start, dt.datetime.combine(day + dt.timedelta(days=days), dt.time.min).astimezone()

    events = [
        Event("dentist-1", "Dentist appointment", *floating(dentist, 9, 30, 60),
              location="Bright Smile Dental, 123 Harbor Avenue, Boston",
              description="Cleaning with Dr. Helen Park. Arrive ten minutes early."),
        Event("dinner-priya", "Dinner with Priya", *floating(friday, 19, 30, 120), location="Lupa Trattoria, Cambridge"),
        Event("climbing", "Climbing at Summit Gym", *floating(saturday, 10, 0, 150), location="Summit Gym, Somerville"),
        Event("celtics", "Celtics game at Marco's", *floating(saturday, 20, 0, 180), location="9 Alder Court"),
        Event("one-on-one", "1:1 with Jordan", *floating(first_monday + dt.timedelta(days=1), 10, 0, 30),
              location="Jordan's office", rrule="FREQ=WEEKLY;BYDAY=TU"),
        Event("yoga", "Yoga class", *floating(first_monday + dt.timedelta(days=3), 18, 30, 75),
              location="Lotus Studio, 88 Beacon Street", rrule="FREQ=WEEKLY;BYDAY=TH"),
        Event("standup", "Team standup", *zoned(first_monday, 9, 15, new_york, 15), tzid=new_york,
              location="Zoom", rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        Event("book-club", "Book club", *floating(first_monday + dt.timedelta(days=2), 19, 0, 120),
              location="Aisha's place", rrule="FREQ=MONTHLY;BYDAY=1WE"),
        Event("roadmap", "Q4 roadmap review", *floating(_next_weekday(today, 3, at_least=1), 14, 0, 60),
              location="Conference Room B", organizer="Jordan Lee <jordan.lee@acme-robotics.example>"),
        Event("plumber", "Boiler service (Williams Plumbing)", *floating(today + dt.timedelta(days=1), 13, 0, 120),
              location="Home", description="Noah Williams services the boiler."),
        Event("car-service", "Car service", *floating(today + dt.timedelta(days=3), 8, 0, 180),
              location="Eastside Subaru, 400 Mystic Avenue"),
        Event("lisbon-call", "Call with the Lisbon office", *zoned(today + dt.timedelta(days=2), 16, 0, lisbon, 45),
              tzid=lisbon, location="Google Meet"),
        Event("flight", "Flight SB 2212 to Lisbon", *zoned(flight, 21, 45, new_york, 405), tzid=new_york,
              location="Boston Logan (BOS)", description="Confirmation code QX7P2M. Seat 14C."),
        Event("mom-birthday", "Mom's birthday", *all_day(dt.date(today.year, 12, 14) if dt.date(today.year, 12, 14)
                                                         >= today else dt.date(today.year + 1, 12, 14)),
              all_day=True, rrule="FREQ=YEARLY"),
        Event("haircut", "Haircut", *floating(today - dt.timedelta(days=2), 17, 0, 45), location="Chop Shop, Davis Square"),
        Event("vet", "Vet appointment for Biscuit", *floating(today + dt.timedelta(days=12), 11, 15, 30),
              location="Porter Square Vet Clinic"),
        Event("pydata", "PyData Boston", *all_day(today + dt.timedelta(days=24), 2), all_day=True,
              location="Microsoft NERD Center"),
        Event("xmas-dinner", "Christmas dinner at Mom's", *floating(dt.date(today.year, 12, 25) if
                                                                     dt.date(today.year, 12, 25) >= today else
                                                                     dt.date(today.year + 1, 12, 25), 16, 0, 240),
              location="17 Maple Lane, Worcester"),
    ]
    return events


def _facts(today: dt.date, events: list[Event]) -> dict[str, str]:
    """Named single facts (what a question asks for, as the source writes it)."""
    dentist = next(e for e in events if e.uid == "dentist-1")
    return {
        "priya.phone": "555-0199",
        "priya.email": "priya.raman@example.com",
        "priya.address": "42 Elm Street",
        "marco.phone": "555-0142",
        "marco.garage_code": "4821",
        "helen.phone": "555-0177",
        "aisha.email": "aisha.khan@example.com",
        "aisha.owes": "$24",
        "pharmacy.drug": "Lisinopril 10 mg",
        "pharmacy.rx": "4471920",
        "pharmacy.copay": "$12.50",
        "flight.code": "QX7P2M",
        "flight.number": "SB 2212",
        "flight.seat": "14C",
        "hotel.reservation": "88412093",
        "hotel.total": "€640.00",
        "electric.amount": "$84.17",
        "internet.amount": "$59.99",
        "rent.amount": "$1,850",
        "it.ticket": "INC-20931",
        "torque.new": "3.8 Nm",
        "enrollment.closes": "December 15",
        "car.service_cost": "$289.95",
        "wifi.guest_password": "otter-castle-42",
        "car.plate": "7KQL204",
        "insurance.policy": "HX-552-0981",
        "bike.combination": "3-9-1-4",
        "lasagna.temperature": "190 °C",
        "rosa.birthday": "June 14",
        "xmas.time": "4 pm",
        "dinner.place": "Lupa Trattoria",
        "dentist.date": dentist.start.date().isoformat(),
        "dentist.time": dentist.start.strftime("%H:%M"),
        "dentist.location": dentist.location,
    }


# --- writers ------------------------------------------------------------------------------------


def _write_mbox(path: Path, mails: list[Mail]) -> None:
    with path.open("wb") as handle:
        for mail in sorted(mails, key=lambda m: m.date):
            msg = EmailMessage()
            msg["From"] = f"{mail.sender} <{mail.sender_email}>"
            msg["To"] = f"{OWNER} <{OWNER_EMAIL}>"
            msg["Subject"] = mail.subject
            msg["Date"] = format_datetime(mail.date)
            msg["Message-ID"] = mail.msgid
            msg.set_content(mail.body + "\n")
            raw = msg.as_bytes().replace(b"\nFrom ", b"\n>From ")
            stamp = mail.date.strftime("%a %b %d %H:%M:%S %Y").encode()
            handle.write(b"From " + mail.sender_email.encode() + b" " + stamp + b"\n" + raw + b"\n\n")


def _apple_ns(when: dt.datetime) -> int:
    return int((when - APPLE_EPOCH).total_seconds() * 1e9)


# the tables of macOS Messages' chat.db that the iMessage connector reads
CHAT_DB_SCHEMA = """
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, service TEXT);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
                   chat_identifier TEXT, display_name TEXT, service_name TEXT);
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
                      attributedBody BLOB, handle_id INTEGER DEFAULT 0, date INTEGER, is_from_me INTEGER,
                      service TEXT);
CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER, message_date INTEGER DEFAULT 0,
                                PRIMARY KEY (chat_id, message_id));
CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
"""


def _write_chat_db(path: Path, messages: list[Message]) -> None:
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.executescript(CHAT_DB_SCHEMA)
    handles: dict[str, int] = {}
    chats: dict[str, int] = {}
    for n, m in enumerate(messages):
        if m.chat not in chats:
            group = m.chat == "Climbing crew"
            first = next(x.handle for x in messages if x.chat == m.chat and x.handle)
            cur = con.execute(
                "INSERT INTO chat (guid, chat_identifier, display_name, service_name) VALUES (?,?,?,?)",
                (f"iMessage;{'+' if group else '-'};chat{len(chats)}", "chat" + str(len(chats)) if group else first,
                 m.chat if group else "", "iMessage"),
            )
            chats[m.chat] = int(cur.lastrowid or 0)
        if m.handle and m.handle not in handles:
            cur = con.execute("INSERT INTO handle (id, service) VALUES (?, 'iMessage')", (m.handle,))
            handles[m.handle] = int(cur.lastrowid or 0)
        cur = con.execute(
            "INSERT INTO message (guid, text, attributedBody, handle_id, date, is_from_me, service)"
            " VALUES (?,?,?,?,?,?,?)",
            (f"msg-{n}", m.text, None, handles.get(m.handle, 0), _apple_ns(m.when), int(m.sender == "Me"),
             "iMessage"),
        )
        con.execute("INSERT INTO chat_message_join (chat_id, message_id, message_date) VALUES (?,?,?)",
                    (chats[m.chat], cur.lastrowid, _apple_ns(m.when)))
    con.commit()
    con.close()


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_time(name: str, when: dt.datetime, event: Event) -> str:
    if event.all_day:
        return f"{name};VALUE=DATE:{when.strftime('%Y%m%d')}"
    if event.tzid:
        return f"{name};TZID={event.tzid}:{when.astimezone(ZoneInfo(event.tzid)).strftime('%Y%m%dT%H%M%S')}"
    return f"{name}:{when.astimezone().strftime('%Y%m%dT%H%M%S')}"  # floating local time


def _write_ics(path: Path, events: list[Event]) -> None:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Hearth bench//personal corpus//EN"]
    for e in events:
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}@rivera.example", "DTSTAMP:20250101T000000Z",
                  _ics_time("DTSTART", e.start, e)]
        if e.end:
            lines.append(_ics_time("DTEND", e.end, e))
        lines.append(f"SUMMARY:{_ics_text(e.summary)}")
        if e.location:
            lines.append(f"LOCATION:{_ics_text(e.location)}")
        if e.description:
            lines.append(f"DESCRIPTION:{_ics_text(e.description)}")
        if e.rrule:
            lines.append(f"RRULE:{e.rrule}")
        if e.organizer:
            name, address = e.organizer[:-1].split(" <")
            lines.append(f"ORGANIZER;CN={name}:mailto:{address}")
            lines.append(f"ATTENDEE;CN={OWNER}:mailto:{OWNER_EMAIL}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def _write_vcf(path: Path, contacts: list[Contact]) -> None:
    cards = []
    for c in contacts:
        parts = c.name.split(" ", 1)
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{c.uid}", f"FN:{c.name}",
                 f"N:{parts[-1] if len(parts) > 1 else ''};{parts[0] if len(parts) > 1 else c.name};;;"]
        lines += [f"TEL;TYPE=CELL:{p}" for p in c.phones]
        lines += [f"EMAIL;TYPE=INTERNET:{e}" for e in c.emails]
        if c.org:
            lines.append(f"ORG:{_ics_text(c.org)}")
        if c.title:
            lines.append(f"TITLE:{_ics_text(c.title)}")
        if c.birthday:
            lines.append(f"BDAY:{c.birthday}")
        if c.address:
            street, city, rest = (c.address.split(", ") + ["", ""])[:3]
            region, _, postcode = rest.partition(" ")
            lines.append(f"ADR;TYPE=HOME:;;{street};{city};{region};{postcode};USA")
        if c.note:
            lines.append(f"NOTE:{_ics_text(c.note)}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    path.write_text("\r\n".join(cards) + "\r\n", encoding="utf-8")


def _notes(today: dt.date) -> list[Note]:
    return [Note(name, text + "\n", dt.datetime.combine(today - dt.timedelta(days=3 + 5 * i), dt.time(12),
                                                         tzinfo=dt.UTC))
            for i, (name, text) in enumerate(NOTES)]


def _write_notes(folder: Path, notes: list[Note]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for note in notes:
        target = folder / note.filename
        target.write_text(note.text, encoding="utf-8")
        stamp = note.modified.timestamp()
        os.utime(target, (stamp, stamp))


def build(root: Path, today: dt.date) -> Corpus:
    """Write the corpus under ``root`` (created; files there are replaced) and return its facts."""
    root.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(SEED)
    mails = _mails(today, rnd)
    messages = _messages(today)
    events = _events(today)
    notes = _notes(today)
    corpus = Corpus(
        root=root, today=today, owner=OWNER, mbox=root / "mail.mbox", chat_db=root / "chat.db",
        ics=root / "calendar.ics", vcf=root / "contacts.vcf", notes_dir=root / "notes",
        contacts=list(CONTACTS), mails=mails, messages=messages, events=events, notes=notes,
        facts=_facts(today, events),
    )
    _write_mbox(corpus.mbox, mails)
    _write_chat_db(corpus.chat_db, messages)
    _write_ics(corpus.ics, events)
    _write_vcf(corpus.vcf, corpus.contacts)
    _write_notes(corpus.notes_dir, notes)
    return corpus


if __name__ == "__main__":
    import sys

    built = build(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/hearth-personal-corpus"), dt.date.today())
    print(f"{built.root}: {len(built.mails)} mails, {len(built.messages)} messages, {len(built.events)} events, "
          f"{len(built.contacts)} contacts, {len(built.notes)} notes")
    for path, kind in built.sources:
        print(f"  hearth memory ingest --{kind} {path}" if kind != "documents" else f"  hearth memory ingest {path}")
