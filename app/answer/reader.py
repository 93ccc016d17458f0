"""A question's turn: look things up (read-only, each step shown), answer from the data, check,
and finish with the answer, its ``[n]`` markers and only the sources it used.

Order of trust: a calendar question is answered from the events' fields, a contact question from
the card's fields (both templates, no model); anything else from the passages that matched, by the
answer model when it is strong enough (each sentence checked before it is shown) or else, and
whenever the check fails, by a quote of the best passage. A question nothing answers gets an
honest "I couldn't find that", never an invented value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.agent import prompt as agent_prompt
from app.answer import calendar as cal
from app.answer import (
    chats,
    compose,
    contacts,
    extractive,
    grounding,
    mailbox,
    phrase,
    questions,
    specifics,
    wordforms,
)
from app.answer import textnorm as tn
from app.answer.lookups import Lookups
from app.answer.passages import Passage, fields_of, from_record
from app.answer.passages import build as build_passage
from app.events import AnswerChecked, Citation, FinalAnswer, Token, TurnCancelled

NOT_FOUND = "I couldn't find that in your mail, messages, calendar, contacts or notes."
DONT_KNOW = "I don't know that, and I'd rather not guess."
PHRASING_ENV = "HEARTH_ANSWER_PHRASING"  # "model", "quote" or "auto" (the model when it is not the fast one)
OWNER_WORDS = ("me", "myself", "sam")
# stems that say "calendar" rather than what the event is about
CALENDAR_TERMS = frozenset(tn.stem(w) for w in tn.wordset("""
calendar schedule agenda diary plan plans planned busy free booked event events meeting meetings appointment
appointments anything something week weekend today tomorrow tonight month morning afternoon evening happening
doing have on up coming upcoming this next
"""))
ROLE_WORDS = tn.wordset("""
dentist doctor plumber landlord manager boss neighbour neighbor mom mum mother dad father brother sister
brother-in-law sister-in-law colleague pharmacy hr partner friend wife husband aunt uncle cousin
""")
ROLE_STEMS = frozenset(tn.stem(w) for w in ROLE_WORDS)
# "Who is my manager?", "who's the plumber": the card that carries the role
WHO_IS_ROLE = re.compile(r"^\s*who(?:'s| is| are)\s+(?:my|our|the)\s+([\w-]+)\s*\??\s*$")
MAX_TOKENS = 160
# what an event's fields never hold: "How much is the dental plan?" is not the dentist appointment
NOT_FROM_EVENTS = frozenset({"amount", "count"})
MAX_TOKENS_SUMMARY = 260


@dataclass
class Outcome:
    text: str
    method: str
    cited: compose.Cited
    passages: list[Passage] = field(default_factory=list)  # everything read (for taint)
    unsupported: list[str] = field(default_factory=list)
    streamed: bool = False  # the text already went out as tokens


class Reader:
    """Answers one question inside an agent turn (``agent`` gives model, memory, settings, store)."""

    def __init__(self, agent: Any, turn: Any, question: str, conversation_id: str, said: str = "") -> None:
        self.agent = agent
        self.said = said or question  # the user's own words (``question`` may have its "it" resolved)
        self.turn = turn
        self.today = dt.date.today()
        self.now = dt.datetime.now().astimezone()
        self.q = self._with_card_names(questions.read(question, self.today), agent.memory)
        self.conversation_id = conversation_id
        self.lookups = Lookups(agent.memory, turn.emit, turn.turn_id)
        self.history, self.taint = agent._history(conversation_id, native=True)
        self.history = self.history[-6:]
        self._cards: list[Any] | None = None
        self.aliases: dict[str, tuple[str, ...]] = {}  # "Mom" -> ("Linda Rivera", "Linda")

    @staticmethod
    def _with_card_names(q: questions.Question, memory: Any) -> questions.Question:
        """"what's jordan's email": a lower-case possessive is a name when a contact card has it."""
        if not q.maybe_names or memory is None:
            return q
        known = tuple(n for n in q.maybe_names if n not in q.names
                      and memory.records(source_types="contact", person=n, limit=1))
        return dataclasses.replace(q, names=q.names + known) if known else q

    # -- the turn ------------------------------------------------------------------------------
    def run(self) -> None:
        agent, turn = self.agent, self.turn
        agent.conversations.append(self.conversation_id, {"role": "user", "content": self.said},
                                   untrusted_sources=self.taint.sources)
        outcome = self.answer()
        if outcome is None:  # cancelled or failed; the event says which
            return
        if not outcome.streamed:
            turn.emit(Token(request_id=f"{turn.turn_id}-answer", text=outcome.text))
        self.taint.add_citations(p.citation for p in outcome.passages)
        citations = outcome.cited.citations() if compose.MARKER.search(outcome.text) else ()
        turn.emit(AnswerChecked(turn_id=turn.turn_id, method=outcome.method, unsupported=tuple(outcome.unsupported)))
        agent.conversations.append(
            self.conversation_id,
            {"role": "assistant", "content": outcome.text, "citations": [c.to_dict() for c in citations],
             # every item the answer was made from, cited or not: forgetting one removes the answer
             "sources": list(dict.fromkeys(p.citation.item_id for p in outcome.passages if p.citation.item_id))},
            untrusted_sources=self.taint.sources)
        turn.emit(FinalAnswer(turn_id=turn.turn_id, text=outcome.text, citations=citations, checked=outcome.method))

    def answer(self) -> Outcome | None:
        q = self.q
        if self.agent.memory is not None:
            asked = mailbox.read(q.text, self.today)
            if asked is not None:
                return self.mail_listing(asked)
            person = chats.asked_about(q.text)
            if person:
                return self.chat_digest(person)
            if q.calendar_range and q.range is not None:
                return self.calendar_range()
            if q.contact_field:
                found = self.contact_answer()
                if found is not None:
                    return found
            if q.wants == "person" and (q.names or WHO_IS_ROLE.match(tn.fold(q.text))):
                found = self.who_is()
                if found is not None:
                    return found
            if q.wants not in NOT_FROM_EVENTS and (questions.EVENT_QUESTION.search(tn.fold(q.text))
                                                   or questions.CALENDAR_WORDS.search(tn.fold(q.text))):
                found = self.event_answer()
                if found is not None:
                    return found
        return self.from_passages()

    # -- mailbox ---------------------------------------------------------------------------------
    def mail_listing(self, asked: mailbox.MailQuestion) -> Outcome:
        """"Any mail from Priya?", "Who emailed me this week?": the mails' own sender and date fields."""
        people: list[str] = []
        if asked.sender:
            cards = self.cards_named() if self.q.names or self._mentions_role() else []
            people = [asked.sender, *(contacts.card_fields(c).get("name", "") for c in cards)]
            people += [e for c in cards for e in contacts.card_fields(c).get("email", "").split(", ") if e]
            people = list(dict.fromkeys(p for p in people if p))
        rows = mailbox.mails(self.agent.memory, asked, people)
        whom = f" from {asked.sender}" if asked.sender else ""
        self.lookups._step("mail_filter", f"Looked through your mail{whom} {asked.span.label}", "", len(rows))
        cited = compose.Cited()
        passages = [build_passage(self.agent.memory, self.lookups.citation(r)) for r in rows[:mailbox.MAX_LISTED]]
        marks = [cited.mark(p) for p in passages]
        text = mailbox.listing(asked, rows, marks, asked.sender)
        return Outcome(text, "mailbox" if rows else "not_found", cited, passages)

    def chat_digest(self, person: str) -> Outcome:
        """"Summarize my messages with Marco": each day's messages from them, quoted and cited."""
        cards = self.cards_named() if self.q.names or self._mentions_role() else []
        names = list(dict.fromkeys([person, *(contacts.card_fields(c).get("name", "") for c in cards)]))
        found: dict[str, Any] = {}
        for name in (n for n in names if n):
            for row in self.agent.memory.records(source_types="message", person=name):
                found.setdefault(str(row.meta.get("item_id", row.chunk_id)), row)
        days = [(row, said) for row in sorted(found.values(), key=lambda r: str(r.meta.get("date", "")))
                if (said := chats.theirs(row, names))][-chats.MAX_DAYS:]
        shown = names[-1] if len(names) > 1 else person
        self.lookups._step("chat_lookup", f"Read your messages with {shown}", "", len(days))
        cited = compose.Cited()
        passages = [build_passage(self.agent.memory, self.lookups.citation(row)) for row, _ in days]
        text = chats.digest(shown, days, [cited.mark(p) for p in passages])
        return Outcome(text, "chat" if days else "not_found", cited, passages)

    # -- calendar --------------------------------------------------------------------------------
    def calendar_range(self) -> Outcome:
        span = self.q.range
        assert span is not None
        rows = self.lookups.calendar_range(span)
        occurrences = sorted((o for o in map(cal.occurrence, rows) if o is not None), key=lambda o: o.start)
        topic = [t for t in self.q.terms if t not in CALENDAR_TERMS and t not in extractive.GENERIC]
        if topic:
            about = [o for o in occurrences if set(topic) & {tn.stem(w) for w in tn.words(tn.fold(
                f"{o.summary} {o.location}"))}]
            occurrences = about or occurrences
        cited = compose.Cited()
        passages: dict[str, Passage] = {}
        marks = []
        for o in occurrences:
            if o.group not in passages:
                passages[o.group] = cal.passage(o, self.lookups.citation(o.record))
            marks.append(cited.mark(passages[o.group]))
        return Outcome(cal.range_answer(span, occurrences, marks), "calendar", cited, list(passages.values()))

    def event_answer(self) -> Outcome | None:
        """"When is my dentist appointment?": the event whose words the question shares, next occurrence."""
        hits = self.agent.memory.search(self.q.text, k=4, source_types=["calendar"])
        for hit in hits:
            if not event_is_about(self.q, f"{hit.title} {hit.snippet}"):
                continue
            group = self._group_of(hit)
            rows = self.lookups.calendar_series(group, hit.title)
            occurrences = [o for o in map(cal.occurrence, rows) if o is not None]
            if not occurrences:
                continue
            chosen, upcoming = cal.pick(occurrences, self.now)
            cited = compose.Cited()
            passage = cal.passage(chosen, self.lookups.citation(chosen.record))
            return Outcome(cal.event_answer(chosen, cited.mark(passage), upcoming=upcoming), "calendar", cited,
                           [passage])
        return None

    def _group_of(self, hit: Citation) -> str:
        rows = self.agent.memory.item_chunks(hit.item_id)
        return str(rows[0].meta.get("group") or hit.item_id) if rows else hit.item_id

    # -- contacts --------------------------------------------------------------------------------
    def cards_named(self) -> list[Any]:
        """Contact cards for the names (or roles: "my dentist", "Mom") the question mentions."""
        if self._cards is None:
            self._cards = self._find_cards() if self.agent.memory is not None else []
        return self._cards

    def _find_cards(self) -> list[Any]:
        cards: dict[str, Any] = {}
        for name in self.q.names:
            for row in self.lookups.contact(name):
                cards.setdefault(str(row.meta.get("item_id")), row)
                self._alias(name, row)
        if cards:
            return list(cards.values())
        roles = [tn.stem(w) for w in tn.words(tn.fold(self.q.text)) if tn.stem(w) in ROLE_STEMS]
        for role in roles:
            for hit in self.lookups.search(role, k=3, source_types=("contact",), quiet=True):
                rows = self.agent.memory.item_chunks(hit.item_id)
                if rows and tn.stem(role) in {tn.stem(w) for w in tn.words(tn.fold(rows[0].text))}:
                    cards.setdefault(hit.item_id, rows[0])
                    for name in self.q.names:
                        if tn.stem(name) == role:
                            self._alias(name, rows[0])
            if cards:
                self.lookups._step("contact_lookup", f"Looked up your {role} in your contacts", role, len(cards))
                return list(cards.values())
        return []

    def _alias(self, name: str, row: Any) -> None:
        full = contacts.card_fields(row).get("name", "")
        if full and tn.fold(full) != tn.fold(name):
            self.aliases[name] = tuple(dict.fromkeys((*self.aliases.get(name, ()), full, full.split()[0])))

    def cards_from_sources(self) -> tuple[list[Any], Passage | None]:
        """"The neighbour who lent me the ladder": the people of the passage that answers, as cards."""
        passages = [p for p in self.gather() if p.source_type in ("message", "mail", "calendar")]
        quote = extractive.best(self.q, passages, wants="any", min_score=1.0)
        if quote is None:
            return [], None
        for person in (quote.speaker, *quote.passage.citation.people):
            name = person.split(" <")[0].strip()
            if not name or name.lower() in OWNER_WORDS or tn.fold(name) == tn.fold(self._owner()):
                continue
            rows = self.lookups.contact(name)
            if rows:
                return rows[:1], quote.passage
        return [], None

    def _owner(self) -> str:
        return str(getattr(getattr(self.agent.settings, "user", None), "name", "") or "")

    def contact_answer(self) -> Outcome | None:
        rows = self.cards_named()
        via: Passage | None = None
        if not rows and not questions.POSSESSIVE.search(self.q.text):
            # "the neighbour who lent me the ladder"; never another person for "Aunt Rosa's birthday"
            rows, via = self.cards_from_sources()
        if not rows:
            return None
        cited = compose.Cited()
        lead = ""
        if via is not None:
            name = fields_of(rows[0].meta).get("name") or str(rows[0].meta.get("title", ""))
            lead = f"That's {name} {cited.mark(via)}. "
        cards = []
        passages = [via] if via else []
        for row in rows:
            p = from_record(row, self.lookups.citation(row))
            passages.append(p)
            cards.append((contacts.card_fields(row), cited.mark(p)))
        text, found = contacts.answer(self.q.contact_field, cards)
        return Outcome(lead + text, "contact" if found else "not_found", cited, passages)

    def who_is(self) -> Outcome | None:
        asked = WHO_IS_ROLE.match(tn.fold(self.q.text))
        if not self.q.names and (asked is None or tn.stem(asked.group(1)) not in ROLE_STEMS):
            return None
        rows = self.cards_named()
        if len(rows) != 1:
            return None
        fields = contacts.card_fields(rows[0])
        cited = compose.Cited()
        p = from_record(rows[0], self.lookups.citation(rows[0]))
        parts = [x for x in (fields.get("title"), f"at {fields['org']}" if fields.get("org") else "") if x]
        role = " ".join(parts)
        bits = [f"{fields.get('name')} is in your contacts" + (f": {role}" if role else "")]
        if fields.get("note"):
            bits.append(f"your note on the card says “{fields['note']}”")
        if fields.get("tel"):
            bits.append(f"phone {fields['tel']}")
        if fields.get("email"):
            bits.append(f"e-mail {fields['email']}")
        return Outcome("; ".join(bits) + f" {cited.mark(p)}.", "contact", cited, [p])

    # -- passages --------------------------------------------------------------------------------
    def gather(self) -> list[Passage]:
        memory = self.agent.memory
        if memory is None:
            return []
        hits = self.lookups.search(self.q.text, k=6)
        seen = {h.item_id for h in hits}
        for row in self.cards_named() if self.q.names or self._mentions_role() else []:
            name = fields_of(row.meta).get("name") or str(row.meta.get("title", ""))
            for h in self.lookups.search(self.q.text, k=3, person=name):
                if h.item_id not in seen:
                    seen.add(h.item_id)
                    hits.append(h)
        passages = [build_passage(memory, h) for h in hits]
        present = set().union(*(extractive.stems_of(p.support_text()) for p in passages)) if passages else set()
        for term in self.distinctive():  # a word no passage holds: look for it literally, in any form
            if wordforms.has_form(term, present):
                continue
            root = wordforms.root(term)
            for literal in dict.fromkeys((root, root.capitalize())):
                for row in memory.records(contains=literal, limit=3):
                    if str(row.meta.get("item_id")) not in seen:
                        seen.add(str(row.meta.get("item_id")))
                        passages.append(build_passage(memory, memory.citation(row, 0.0)))
        return passages

    def distinctive(self) -> list[str]:
        """The question's words that say what it is about (no question words, no generic ones)."""
        return [t for t in self.q.terms if len(t) >= 3 and t not in extractive.GENERIC and t not in CALENDAR_TERMS]

    def personal(self) -> bool:
        """About the user's own life: "my", "I", a possessive name, a contact's name or role."""
        if self.q.personal or self._mentions_role():
            return True
        return bool(self.q.names) and bool(self.cards_named())

    def _mentions_role(self) -> bool:
        return any(tn.stem(w) in ROLE_STEMS for w in tn.words(tn.fold(self.q.text)))

    def phrasing(self) -> bool:
        mode = os.environ.get(PHRASING_ENV, "auto")
        if mode in ("model", "quote"):
            return mode == "model"
        roles = getattr(self.agent.model, "role_names", None)
        return isinstance(roles, dict) and roles.get("answer", "") not in ("", roles.get("fast", ""))

    def from_passages(self) -> Outcome | None:
        q = self.q
        passages = self.gather()
        summary = q.wants == "summary"
        quotes = extractive.summary(q, passages, aliases=self.aliases) if summary else []
        quote = None if summary else extractive.best(q, passages, aliases=self.aliases)
        relevant = bool(quotes or quote)
        cited = compose.Cited()
        if quote is not None and quote.instead is not None:
            # "car insurance" asked, only renters insurance on file: not the answer, said as what it is
            return Outcome(extractive.render_other_kind(quote, cited.mark(quote.passage)), "not_found", cited,
                           passages)
        if quote is not None and q.wants in extractive.KIND_FOR:
            # a single fact (an amount, a code, a date …) that a passage states: the passage's own
            # words, at once; the model would only restate them, slower and sometimes wrongly
            # (bench/answers.py: the model's answers to these fell back to this quote anyway)
            return Outcome(extractive.render(quote, cited.mark(quote.passage)), "quote", cited, passages)
        if relevant and self.phrasing():
            fallback = quotes or ([quote] if quote else [])
            outcome = self.phrased(passages, cited, summary=summary, fallback=fallback)
            if outcome is None or outcome.text:
                return outcome
            unsupported = outcome.unsupported
        else:
            unsupported = []
        if quote is not None:
            text = extractive.render(quote, cited.mark(quote.passage))
            if unsupported:
                text = f"I couldn't confirm {_listed(unsupported)} in your sources. " + text
            return Outcome(text, "quote", cited, passages, unsupported)
        if quotes:
            text = "\n".join(extractive.render(x, cited.mark(x.passage)) for x in quotes)
            return Outcome(text, "quote", cited, passages, unsupported)
        about_data = any(t in extractive.stems_of(p.support_text()) for p in passages for t in self.distinctive())
        if unsupported or (about_data and not self.history):
            return Outcome(NOT_FOUND, "not_found", cited, [], unsupported)
        if self.personal() or about_data:
            # nothing in the memory answers it; the conversation may ("My name is Ada." … "What is my
            # name?"), so the model answers from it, and every specific must come from it
            return self.general(grounded=True) if self.history else Outcome(NOT_FOUND, "not_found", cited)
        return self.general()

    def phrased(self, passages: list[Passage], cited: compose.Cited, *, summary: bool,
                fallback: list[extractive.Quote]) -> Outcome | None:
        """The model's answer, sentence by sentence as each passes; when it stops at an unsupported
        specific, or says nothing of what was asked, the quote follows it."""
        got = self._model_answer(passages[:5], cited, max_tokens=MAX_TOKENS_SUMMARY if summary else MAX_TOKENS,
                                 summary=summary)
        if got is None:
            return None
        result, show, _streamed = got
        if not result.sentences:
            return Outcome("", "model", cited, passages[:5], result.unsupported)
        if (result.unsupported or not self._says_what_was_asked(result.text)) and fallback:
            note = f"I couldn't confirm {_listed(result.unsupported)} in your sources. " if result.unsupported else ""
            extra = note + "\n".join(extractive.render(x, cited.mark(x.passage)) for x in fallback)
            show(extra)
            return Outcome(f"{result.text} {extra}", "quote", cited, passages, result.unsupported, streamed=True)
        if not compose.MARKER.search(result.text):
            # the model named no source and no specific tied one: the passage the answer shares the
            # most content words with is its source ("Marco keeps the ladder in his garage." [1])
            backing = self._best_backing(result.text, passages[:5])
            if backing is not None:
                mark = cited.mark(backing)
                show(mark)
                result.sentences[-1] = f"{result.sentences[-1]} {mark}"
        if result.unsupported:
            note = f"(I couldn't confirm {_listed(result.unsupported)} in your sources, so I left it out.)"
            show(note)
            return Outcome(f"{result.text} {note}", "model", cited, passages[:5], result.unsupported, streamed=True)
        return Outcome(result.text, "model", cited, passages[:5], streamed=True)

    @staticmethod
    def _best_backing(text: str, passages: list[Passage]) -> Passage | None:
        """The passage an unmarked answer shares the most content words with (at least
        :data:`app.agent.sources.SHARED_WORDS`), or None."""
        from app.agent.sources import SHARED_WORDS, content_words

        said = content_words(text)
        scored = [(len(said & content_words(p.support_text())), -i, p) for i, p in enumerate(passages)]
        best = max(scored, default=None, key=lambda t: (t[0], t[1]))
        return best[2] if best is not None and best[0] >= SHARED_WORDS else None

    def _says_what_was_asked(self, text: str) -> bool:
        """The answer holds a value of the kind asked for (an amount for "how much", a code ...)."""
        kinds = extractive.KIND_FOR.get(self.q.wants)
        return not kinds or any(s.kind in kinds for s in specifics.extract(compose.MARKER.sub("", text)))

    def _model_answer(self, passages: list[Passage], cited: compose.Cited, *, max_tokens: int,
                      **options: Any) -> tuple[phrase.Phrased, Callable[[str], None], list[str]] | None:
        """Ask the answer model (each sentence shown as it passes the checks): what it said, the
        ``show`` that adds to the answer, and what was shown; None when an error or a Stop ended
        the turn (its event already sent)."""
        settings = self.agent.settings
        system = agent_prompt.system_prompt([], routed=False, override_file=settings.model.system_prompt_file)
        request = phrase.request_for(system, self.history, self.q.text, passages,
                                     conversation_id=self.conversation_id, request_id=f"{self.turn.turn_id}-answer",
                                     max_tokens=max_tokens, temperature=settings.model.temperature)
        streamed: list[str] = []

        def show(sentence: str) -> None:
            self.turn.emit(Token(request_id=request.request_id, text=(" " if streamed else "") + sentence))
            streamed.append(sentence)

        context = [grounding.Support(self.q.text)] + [grounding.Support(str(m.get("content", "")))
                                                       for m in self.history]
        result = phrase.phrase(self.agent.model, request, passages, context, cited, emit=self.turn.emit,
                               show=show, register=self._register, cancelled=lambda: self.turn.cancelled,
                               **options)
        if result.error is not None:
            self.turn.emit(result.error)
            return None
        if self.turn.cancelled:
            self.turn.emit(TurnCancelled(turn_id=self.turn.turn_id))
            return None
        return result, show, streamed

    def _register(self, generation: Any) -> None:
        self.turn._generation = generation

    def general(self, *, grounded: bool = False) -> Outcome | None:
        """A question about the world, not the user's data: the model answers, guarded, uncited.
        ``grounded``: a personal question only the conversation may answer; every specific must
        occur in it or the question, else the answer is "I couldn't find that"."""
        earlier = [str(m.get("content", "")) for m in self.history if m.get("role") == "assistant"]
        got = self._model_answer([], compose.Cited(), max_tokens=MAX_TOKENS, ground=grounded, said_before=earlier)
        if got is None:
            return None
        result, show, streamed = got
        if not grounded and not result.text and result.stopped == "repeating":
            # it could only say an earlier answer again (a follow-up a small model did not follow)
            return Outcome(DONT_KNOW, "not_found", compose.Cited())
        if result.not_found or result.unsupported or not result.text:
            if streamed:  # what was shown stays; the rest could not be confirmed
                show(NOT_FOUND)
                return Outcome(result.text + " " + NOT_FOUND, "not_found", compose.Cited(), [],
                               result.unsupported, streamed=True)
            return Outcome(NOT_FOUND, "not_found", compose.Cited(), [], result.unsupported)
        return Outcome(result.text, "model" if grounded else "general", compose.Cited(), streamed=True)


def event_is_about(q: questions.Question, event: str) -> bool:
    """The event (its title and text) is what the question asks about: it holds the question's
    topic words in some form ("fly" finds "Flight …", "the plumber" finds "… (Williams Plumbing)"),
    all of them or all but one of three or more ("the spare car key" is not "Car service"), and
    every name the question mentions."""
    words = {tn.stem(w) for w in tn.words(tn.fold(event))}
    names = {tn.stem(n) for n in q.names}
    topic = {t for t in q.terms if t not in CALENDAR_TERMS and t not in extractive.GENERIC}
    about = topic - names or topic  # "Where does Marco keep the ladder?" is not about "… at Marco's"
    things = about - extractive.VERBS or about  # "when am I seeing the dentist": the dentist
    held = sum(1 for t in things if wordforms.found(t, words))
    return bool(topic) and held >= max(1, len(things) - (1 if len(things) >= 3 else 0)) \
        and all(n in words for n in names)


def _listed(items: list[str]) -> str:
    quoted = [f"“{x}”" for x in dict.fromkeys(items)]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def answer_turn(agent: Any, turn: Any, text: str, conversation_id: str, said: str = "") -> None:
    """Run a question's turn (called by the agent loop for every question); ``said``: the user's
    own words when ``text`` is the question with its "it" resolved (app/answer/followup.py)."""
    Reader(agent, turn, text, conversation_id, said).run()
