"""The first turns of a real session: what a new user types besides questions about their data.

Trying Hearth as a new user showed these going wrong although every data question of the main
set was right: "Hi! What can you do?" answered with a quote about a knee surgery, the weather
invented ("sunny with a mild breeze"), "thanks!" answered "I couldn't find that" with four
sources, 15% of 84.17 computed wrongly by the model, "Any mail from Priya?" not found while her
mail was there, a chat summary that was one quote of one day, and follow-ups ("And where is it?")
answered as general knowledge. A question holding "\\n" is several turns of one conversation; the
last answer is judged (by :func:`bench.question_set.judge`).
"""

from __future__ import annotations

import datetime as dt

from bench.personal_corpus import Corpus
from bench.question_set import Question, date_forms

NO_LIVE = ("no internet", "can't check", "cannot check", "no live", "don't have access", "do not have access",
           "not able to access", "unable to")


def questions(corpus: Corpus) -> list[Question]:
    bill_due = corpus.today + dt.timedelta(days=11)
    return [
        Question("Hi! What can you do?", "hearth", (("mail",), ("calendar",), ("approv",))),
        Question("thanks!", "hearth", (("welcome",),)),
        Question("What's the weather in Lisbon right now?", "live", (NO_LIVE,)),
        Question("Will it rain tomorrow?", "live", (NO_LIVE,)),
        Question("What is 15% of 84.17?", "math", (("12.6255", "12.63"),)),
        Question("What's 1,850 times 12?", "math", (("22,200", "22200"),)),
        Question("Any mail from Priya?", "mailbox", (("Photos from the ceramics class",),),
                 (("mail", "Photos from the ceramics class"),)),
        Question("Did Mom email me?", "mailbox", (("Christmas plans",),), (("mail", "Christmas plans"),)),
        Question("Who emailed me yesterday?", "mailbox", (("Bright Smile Dental", "Appointment reminder"),),
                 (("mail", "Appointment reminder"),)),
        Question("Any mail from Noah?", "none"),
        Question("Summarize my messages with Marco.", "chat",
                 (("ladder",), ("4821",), ("recycling", "Wednesday"), ("Celtics",)), (("message", "Marco Bellini"),)),
        Question("Summarize my messages with Mom", "chat", (("knee",), ("Northeastern",), ("4 pm",)),
                 (("message", "Linda Rivera"),)),
        Question("When is my dentist appointment?\nAnd where is it?", "followup",
                 (("123 Harbor Avenue", "Bright Smile Dental"),), (("calendar", "Dentist appointment"),)),
        Question("What is Priya's phone number?\nand her email?", "followup", (("priya.raman@example.com",),),
                 (("contact", "Priya Raman"),)),
        Question("How much is my electricity bill?\nWhen is it due?", "followup", (date_forms(bill_due),),
                 (("mail", "electricity bill"),)),
        Question("Any mail from Priya?\nWhat did she say?", "followup",
                 (("photos", "mug", "ceramics", "dinner", "Wingspan", "Elm Street", "table"),),
                 (("mail", "Photos"), ("message", "Priya Raman"))),
    ]
