"""The answer question set: questions over :mod:`bench.personal_corpus`, each with its check.

``questions(corpus)`` gives 70 questions of eight kinds (contact, calendar, mail, message, note,
cross-source, summary, and "none": no source holds the answer). Expected values come from the
corpus's own data (relative dates computed from its ``today``), never from Hearth's answers.

``judge(question, answer, citations, corpus)`` says whether the answer is right, whether a
supporting passage is cited, which specifics in it no source holds (numbers, dates, times,
amounts, codes, phone numbers, addresses, names that occur nowhere in the corpus or the question:
invented), and for "none" questions whether it said honestly that it could not find it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bench.personal_corpus import Corpus, Event

HONEST = ("couldn't find", "could not find", "can't find", "cannot find", "don't know", "do not know", "not sure",
          "no information", "isn't in", "is not in", "not in your", "couldn't confirm", "has none", "no record")


REFUSED = re.compile(r"couldn't confirm (“[^”]*”(, | and )?)+")


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # contact, calendar, mail, message, note, cross, summary, none
    expect: tuple[tuple[str, ...], ...] = ()  # every group must match (any one form of it)
    sources: tuple[tuple[str, str], ...] = ()  # (source type, title part): one of them must be cited
    at_least: int = 0  # for summaries: how many of the groups must match (0: all)


@dataclass
class Verdict:
    correct: bool
    cited: bool
    unsupported: list[str] = field(default_factory=list)
    honest: bool = False


def date_forms(day: dt.date) -> tuple[str, ...]:
    return (f"{day:%B} {day.day}", f"{day.day} {day:%B}", f"{day:%b} {day.day}", f"{day.day} {day:%b}",
            day.isoformat())


def time_forms(when: dt.datetime) -> tuple[str, ...]:
    local = when.astimezone()
    hour12 = local.strftime("%-I")
    ampm = local.strftime("%p").lower()
    forms = [f"{hour12}:{local:%M} {ampm}", f"{hour12}:{local:%M}{ampm}", local.strftime("%H:%M"),
             f"{hour12}.{local:%M} {ampm}"]
    if local.minute == 0:
        forms += [f"{hour12} {ampm}", f"{hour12}{ampm}", f"{hour12} o'clock"]
    return tuple(forms)


def _next(corpus: Corpus, event: Event) -> dt.datetime:
    now = dt.datetime.combine(corpus.today, dt.time.min).astimezone()
    found = event.occurrences(now, now + dt.timedelta(days=400))
    return found[0] if found else event.start


def _weekday_after(today: dt.date, weekday: int) -> dt.date:
    ahead = (weekday - today.weekday()) % 7 or 7
    return today + dt.timedelta(days=ahead)


def _range_question(corpus: Corpus, text: str, lo: dt.date, hi: dt.date) -> Question:
    found = corpus.events_between(lo, hi)
    names = tuple(dict.fromkeys(e.summary for _, e in found))
    if not names:
        return Question(text, "calendar", (("nothing", "no events", "free", "don't have anything"),))
    return Question(text, "calendar", tuple((n,) for n in names), (("calendar", names[0]),))


def questions(corpus: Corpus) -> list[Question]:
    today = corpus.today
    dentist = corpus.event("Dentist appointment")
    flight = corpus.event("Flight SB 2212 to Lisbon")
    standup = _next(corpus, corpus.event("Team standup"))
    yoga = _next(corpus, corpus.event("Yoga class"))
    monday = today - dt.timedelta(days=today.weekday())
    saturday = monday + dt.timedelta(days=5) if today.weekday() < 5 else today
    q: list[Question] = [
        # contacts: the card's own fields
        Question("What is Priya's phone number?", "contact", (("555-0199",),), (("contact", "Priya Raman"),)),
        Question("What's Priya Raman's email address?", "contact", (("priya.raman@example.com",),),
                 (("contact", "Priya Raman"),)),
        Question("What is Marco's phone number?", "contact", (("555-0142",),), (("contact", "Marco Bellini"),)),
        Question("What's Aisha's email?", "contact", (("aisha.khan@example.com",),), (("contact", "Aisha Khan"),)),
        Question("What is Tom Becker's email address?", "contact", (("tom.becker@example.com",),),
                 (("contact", "Tom Becker"),)),
        Question("What's Alex's phone number?", "contact", (("555-0131",), ("555-0164",)),
                 (("contact", "Alex Morgan"), ("contact", "Alex Chen"))),
        Question("When is Marco's birthday?", "contact", (("September 3", "3 September", "1988-09-03", "Sep 3"),),
                 (("contact", "Marco Bellini"),)),
        Question("Where does Priya live?", "contact", (("42 Elm Street",),),
                 (("contact", "Priya Raman"), ("message", "Priya Raman"))),
        Question("What is Dana Ortiz's phone number?", "contact", (("555-0148",),), (("contact", "Dana Ortiz"),)),
        Question("Who is Noah Williams?", "contact", (("plumb",),), (("contact", "Noah Williams"),)),
        Question("What is my mom's phone number?", "contact", (("555-0110",),), (("contact", "Linda Rivera"),)),
        Question("What is the phone number of my landlord?", "contact", (("555-0155",),), (("contact", "Tom Becker"),)),
        # calendar: the events' own fields, recurrences expanded
        Question("When is my dentist appointment?", "calendar", (date_forms(dentist.start.date()),
                                                                 time_forms(dentist.start)),
                 (("calendar", "Dentist appointment"),)),
        Question("Where is my dentist appointment?", "calendar", (("Bright Smile Dental", "123 Harbor Avenue"),),
                 (("calendar", "Dentist appointment"), ("mail", "Appointment reminder"))),
        _range_question(corpus, "What's on my calendar this week?", today, monday + dt.timedelta(days=6)),
        _range_question(corpus, "What do I have today?", today, today),
        _range_question(corpus, "What's on my calendar tomorrow?", today + dt.timedelta(days=1),
                        today + dt.timedelta(days=1)),
        _range_question(corpus, "What do I have next Tuesday?", _weekday_after(today, 1), _weekday_after(today, 1)),
        _range_question(corpus, "Do I have anything on the calendar next week?", monday + dt.timedelta(days=7),
                        monday + dt.timedelta(days=13)),
        _range_question(corpus, "What's on my schedule this weekend?", saturday, monday + dt.timedelta(days=6)),
        Question("What time is the team standup?", "calendar", (time_forms(standup),), (("calendar", "Team standup"),)),
        Question("When is yoga class?", "calendar", (time_forms(yoga), ("Thursday",)), (("calendar", "Yoga class"),)),
        Question("When is my flight to Lisbon?", "calendar", (date_forms(flight.start.astimezone().date()),
                                                              time_forms(flight.start)),
                 (("calendar", "Flight SB 2212"), ("mail", "Boston to Lisbon"))),
        Question("Where is the Q4 roadmap review?", "calendar", (("Conference Room B",),),
                 (("calendar", "Q4 roadmap review"), ("mail", "Roadmap review moved"))),
        Question("When is the car service?", "calendar",
                 (date_forms(corpus.event("Car service").start.date()), time_forms(corpus.event("Car service").start)),
                 (("calendar", "Car service"),)),
        Question("When is the vet appointment for Biscuit?", "calendar",
                 (date_forms(corpus.event("Vet appointment for Biscuit").start.date()),),
                 (("calendar", "Vet appointment"),)),
        Question("When is the call with the Lisbon office?", "calendar",
                 (time_forms(corpus.event("Call with the Lisbon office").start),),
                 (("calendar", "Call with the Lisbon office"),)),
        # mail: the detail, with sender, date and subject kept
        Question("What did the pharmacy say about my prescription?", "mail", (("Lisinopril",), ("ready", "pickup")),
                 (("mail", "Your prescription update"),)),
        Question("What is my prescription number?", "mail", (("4471920",),), (("mail", "Your prescription update"),)),
        Question("How much is the copay for my prescription?", "mail", (("12.50",),),
                 (("mail", "Your prescription update"),)),
        Question("What is the confirmation code for my flight?", "mail", (("QX7P2M",),),
                 (("mail", "Boston to Lisbon"), ("calendar", "Flight SB 2212"))),
        Question("What seat do I have on the flight to Lisbon?", "mail", (("14C",),),
                 (("mail", "Boston to Lisbon"), ("calendar", "Flight SB 2212"))),
        Question("What is the reservation number for the hotel in Lisbon?", "mail", (("88412093",),),
                 (("mail", "Hotel Alfama"),)),
        Question("How much does the hotel in Lisbon cost?", "mail", (("640",),), (("mail", "Hotel Alfama"),)),
        Question("How much is my electricity bill?", "mail", (("84.17",),), (("mail", "electricity bill"),)),
        Question("How much did I pay for the internet?", "mail", (("59.99",),), (("mail", "Internet bill"),)),
        Question("How much is the rent for January?", "mail", (("1,850", "1850"),), (("mail", "Rent and the boiler"),)),
        Question("What is the ticket number for my laptop replacement?", "mail", (("INC-20931",),),
                 (("mail", "INC-20931"),)),
        Question("What is the new torque limit in the design doc?", "mail", (("3.8",),), (("mail", "Design doc"),)),
        Question("When does open enrollment close?", "mail", (("December 15", "15 December", "Dec 15"),),
                 (("mail", "Open enrollment"),)),
        Question("How much will the car service cost?", "mail", (("289.95",),), (("mail", "Service appointment"),)),
        # messages
        Question("Where am I having dinner with Priya?", "message", (("Lupa Trattoria",),),
                 (("message", "Priya Raman"), ("calendar", "Dinner with Priya"))),
        Question("Which game is Priya bringing?", "message", (("Wingspan",),), (("message", "Priya Raman"),)),
        Question("What is the door code for Marco's garage?", "message", (("4821",),), (("message", "Marco Bellini"),)),
        Question("How much does Aisha owe me?", "message", (("24",),), (("message", "Climbing crew"),)),
        Question("When is Aunt Rosa's birthday?", "message", (("June 14", "14 June"),), (("message", "Linda Rivera"),)),
        Question("What day is the recycling pickup now?", "message", (("Wednesday",),), (("message", "Marco Bellini"),)),
        Question("Which university did cousin Luis get into?", "message", (("Northeastern",),),
                 (("message", "Linda Rivera"),)),
        Question("What grade is the new overhang route at the climbing gym?", "message", (("5.11a",),),
                 (("message", "Climbing crew"),)),
        # notes
        Question("What is the guest Wi-Fi password?", "note", (("otter-castle-42",),), (("document", "Wi-Fi"),)),
        Question("What is my car's licence plate?", "note", (("7KQL204",),), (("document", "Car"),)),
        Question("What is my renters insurance policy number?", "note", (("HX-552-0981",),), (("document", "Insurance"),)),
        Question("What is the combination for my bike lock?", "note", (("3-9-1-4", "3914"),), (("document", "Bike"),)),
        Question("At what temperature do I bake the lasagna?", "note", (("190",),), (("document", "Lasagna"),)),
        Question("Which book am I reading now?", "note", (("Piranesi",),), (("document", "Reading list"),)),
        Question("What am I allergic to?", "note", (("penicillin",),), (("document", "Medications"),)),
        # cross-source: a person from a message or mail, their number from the contacts
        Question("What is the phone number of the neighbour who lent me the ladder?", "cross", (("555-0142",),),
                 (("contact", "Marco Bellini"),)),
        Question("What's the email of the person who owes me $24?", "cross", (("aisha.khan@example.com",),),
                 (("contact", "Aisha Khan"),)),
        Question("What's the phone number of my dentist?", "cross", (("555-0177",),), (("contact", "Helen Park"),)),
        Question("What is the phone number of the plumber who is servicing the boiler?", "cross", (("555-0193",),),
                 (("contact", "Noah Williams"),)),
        Question("What's the phone number of the friend who is bringing Wingspan?", "cross", (("555-0199",),),
                 (("contact", "Priya Raman"),)),
        # summaries
        Question("What did Mom say about Dad?", "summary", (("knee", "surgery"),), (("message", "Linda Rivera"),)),
        Question("What did Jordan say about the roadmap review?", "summary",
                 (("Thursday",), ("2 pm", "2:00", "14:00"), ("Conference Room B",)),
                 (("mail", "Roadmap review moved"),), at_least=2),
        Question("Summarize my messages with Marco.", "summary", (("ladder",), ("4821",), ("recycling", "Wednesday"),
                                                                  ("Celtics",)),
                 (("message", "Marco Bellini"),), at_least=1),
        Question("What did the hotel in Lisbon say about my reservation?", "summary", (("88412093", "check-in", "15:00"),),
                 (("mail", "Hotel Alfama"),)),
    ]
    none = [
        "What is my passport number?",
        "What is my gym membership number?",
        "How much did I pay for the concert tickets?",
        "What is the name of my cat?",
        "What is my sister's phone number?",
        "When is Noah Williams's birthday?",
        "What is Jordan Lee's birthday?",
        "When is my flight to Tokyo?",
        "What is Aisha's home address?",
        "What time does the pharmacy close on Sundays?",
    ]
    q += [Question(text, "none") for text in none]
    return q


def _fold(text: str) -> str:
    from app.answer.textnorm import fold

    return fold(text)


def corpus_support(corpus: Corpus) -> str:
    """Everything the corpus says, with events' and mails' times also written in local time."""
    parts = [corpus.mbox.read_text(encoding="utf-8", errors="replace"), corpus.ics.read_text(encoding="utf-8"),
             corpus.vcf.read_text(encoding="utf-8")]
    parts += [f"{m.sender} {m.subject} {m.body}" for m in corpus.mails]  # the mbox holds them encoded
    parts += [n.text for n in corpus.notes]
    parts += [f"{m.sender} {m.text} {m.when.astimezone():%H:%M %A %B %-d %Y}" for m in corpus.messages]
    parts += [f"{m.date.astimezone():%A %-d %B %Y %H:%M}" for m in corpus.mails]
    lo = dt.datetime.combine(corpus.today - dt.timedelta(days=400), dt.time.min).astimezone()
    hi = lo + dt.timedelta(days=800)
    for e in corpus.events:
        for when in e.occurrences(lo, hi):
            local = when.astimezone()
            end = (local + (e.end - e.start)) if e.end else local
            parts.append(f"{e.summary} {local:%A %B %-d %Y %H:%M %-I:%M %p} {end:%H:%M %-I:%M %p} {e.location}")
    return "\n".join(parts)


def judge(question: Question, answer: str, cited: list[tuple[str, str]], corpus: Corpus,
          support: object | None = None) -> Verdict:
    """The verdict on one answer; ``cited`` holds (source type, title) of the citations given."""
    from app.answer import grounding

    answer = REFUSED.sub("", answer)  # "I couldn't confirm “9999”": said as not confirmed, not as fact
    text = _fold(answer)
    matches = [any(_fold(form) in text for form in group) for group in question.expect]
    honest = any(h in text for h in HONEST)
    store = support if isinstance(support, grounding.Support) else grounding.Support(corpus_support(corpus))
    unsupported = [s.text for s in grounding.check(answer, [store], [grounding.Support(question.text)]).unsupported]
    if question.kind == "none":
        correct = honest and not unsupported
    elif question.at_least:
        correct = sum(matches) >= question.at_least
    else:
        correct = all(matches) and bool(matches)
    was_cited = not question.sources or any(
        kind == st and part.lower() in title.lower() for st, part in question.sources for kind, title in cited)
    return Verdict(correct=correct, cited=was_cited, unsupported=unsupported, honest=honest)
