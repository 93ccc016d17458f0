"""A held-out question set: the same corpus, asked the way people type, written apart from the reader.

:mod:`bench.question_set` was written alongside ``app/answer``, so its phrasings fit the reader's
patterns; its 75/75 is an upper bound. These questions ask for the same kinds of facts in other
words (lower case, no question mark, "remind me what …", "any …", "how do I reach …", fragments),
plus traps that look like a fact Hearth holds but are not (car insurance when only renters
insurance is on file). They are judged by :func:`bench.question_set.judge` like the main set.
"""

from __future__ import annotations

import datetime as dt

from bench.personal_corpus import Corpus
from bench.question_set import Question, _next, date_forms, time_forms


def questions(corpus: Corpus) -> list[Question]:
    dentist = corpus.event("Dentist appointment")
    flight = corpus.event("Flight SB 2212 to Lisbon")
    yoga = _next(corpus, corpus.event("Yoga class"))
    plumber = corpus.event("Boiler service (Williams Plumbing)")
    q: list[Question] = [
        # contacts, asked loosely
        Question("priya's number?", "contact", (("555-0199",),), (("contact", "Priya Raman"),)),
        Question("how do I reach the plumber", "contact", (("555-0193",),), (("contact", "Noah Williams"),)),
        Question("Can you give me Helen Park's phone number", "contact", (("555-0177",),), (("contact", "Helen Park"),)),
        Question("what's jordan's email", "contact", (("jordan.lee@acme-robotics.example",),),
                 (("contact", "Jordan Lee"),)),
        Question("Alex Chen phone", "contact", (("555-0164",),), (("contact", "Alex Chen"),)),
        Question("Mom's address?", "contact", (("17 Maple Lane",),), (("contact", "Linda Rivera"),)),
        Question("When's Aisha's birthday", "contact", (("July 22", "22 July", "Jul 22"),), (("contact", "Aisha Khan"),)),
        Question("Who is my manager?", "contact", (("Jordan",),), (("contact", "Jordan Lee"),)),
        Question("what number do I call for the pharmacy", "contact", (("555-0100",),),
                 (("contact", "Greenleaf Pharmacy"), ("mail", "Your prescription update"))),
        # calendar, asked loosely
        Question("when am I seeing the dentist", "calendar", (date_forms(dentist.start.date()), time_forms(dentist.start)),
                 (("calendar", "Dentist appointment"),)),
        Question("what time do I fly to Lisbon", "calendar", (time_forms(flight.start),),
                 (("calendar", "Flight SB 2212"), ("mail", "Boston to Lisbon"))),
        Question("when's yoga", "calendar", (time_forms(yoga),), (("calendar", "Yoga class"),)),
        Question("where is dinner with Priya", "calendar", (("Lupa Trattoria",),),
                 (("calendar", "Dinner with Priya"), ("message", "Priya Raman"))),
        Question("When is the plumber coming?", "calendar",
                 (date_forms(plumber.start.date()) + ("tomorrow",), time_forms(plumber.start)),
                 (("calendar", "Boiler service"),)),
        Question("what time is Christmas dinner at Mom's", "calendar", (("4 pm", "4:00 pm", "16:00", "4pm"),),
                 (("calendar", "Christmas dinner"), ("message", "Linda Rivera"), ("mail", "Christmas plans"))),
        Question("where's the car service", "calendar", (("Eastside Subaru", "400 Mystic Avenue"),),
                 (("calendar", "Car service"), ("mail", "Service appointment"))),
        Question("When is PyData Boston?", "calendar",
                 (date_forms(corpus.event("PyData Boston").start.date()),), (("calendar", "PyData"),)),
        # mail, asked loosely
        Question("remind me what my seat is on the Lisbon flight", "mail", (("14C",),),
                 (("mail", "Boston to Lisbon"), ("calendar", "Flight SB 2212"))),
        Question("flight confirmation code?", "mail", (("QX7P2M",),),
                 (("mail", "Boston to Lisbon"), ("calendar", "Flight SB 2212"))),
        Question("which flight am I on to Lisbon", "mail", (("SB 2212",),),
                 (("mail", "Boston to Lisbon"), ("calendar", "Flight SB 2212"))),
        Question("how much do I owe for electricity", "mail", (("84.17",),), (("mail", "electricity bill"),)),
        Question("what's my electricity account number", "mail", (("30-118-442",),), (("mail", "electricity bill"),)),
        Question("by when do I have to pick up my prescription", "mail",
                 (((corpus.today + dt.timedelta(days=5)).strftime("%B %-d"),
                   (corpus.today + dt.timedelta(days=5)).strftime("%A")),),
                 (("mail", "Your prescription update"),)),
        Question("Which medicine is ready at the pharmacy?", "mail", (("Lisinopril",),),
                 (("mail", "Your prescription update"),)),
        Question("what time is check-in at the hotel in Lisbon", "mail", (("15:00", "3 pm", "3:00 pm"),),
                 (("mail", "Hotel Alfama"),)),
        Question("where do I pick up my new laptop", "mail", (("IT desk", "3rd floor"),), (("mail", "INC-20931"),)),
        Question("How much is the dental plan next year?", "mail", (("18",),), (("mail", "Open enrollment"),)),
        Question("what's due at the library", "mail", (("Piranesi",),), (("mail", "Items due soon"),)),
        # messages, asked loosely
        Question("what's the code to Marco's garage", "message", (("4821",),), (("message", "Marco Bellini"),)),
        Question("who's bringing Wingspan", "message", (("Priya",),), (("message", "Priya Raman"),)),
        Question("what time are we meeting at the climbing gym", "message", (("9:50", "10:00 AM", "10 am"),),
                 (("message", "Climbing crew"), ("calendar", "Climbing at Summit Gym"))),
        Question("how did Dad's surgery go", "message", (("well",),), (("message", "Linda Rivera"),)),
        # notes, asked loosely
        Question("guest wifi password", "note", (("otter-castle-42",),), (("document", "Wi-Fi"),)),
        Question("lasagna oven temp", "note", (("190",),), (("document", "Lasagna"),)),
        Question("any allergies I should know about?", "note", (("penicillin",),), (("document", "Medications"),)),
        Question("what tyre pressure does my car need", "note", (("35 psi",),), (("document", "Car"),)),
        Question("where's the spare car key", "note", (("kitchen drawer",),), (("document", "Car"),)),
        Question("what's the frame number of my bike", "note", (("WTU284C1193",),), (("document", "Bike"),)),
    ]
    none = [
        "what's my car insurance policy number",
        "What's my blood type?",
        "when is my wedding anniversary",
        "What did Priya say about the Tokyo trip?",
        "how much did the plumber charge",
        "What is my doctor's phone number?",
    ]
    q += [Question(text, "none") for text in none]
    return q
