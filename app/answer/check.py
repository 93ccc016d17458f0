"""The last check on an agent turn's answer (a turn that did not take the read path, e.g. one that
read files or ran a tool): every specific must occur in a cited passage, the question or what the
user and tools said. An unsupported answer is replaced by a quote of the best passage, or by an
honest "not found"; the read path (:mod:`app.answer.reader`) checks its answers sentence by sentence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.answer import extractive, grounding, questions, specifics
from app.answer.passages import Passage
from app.events import Citation

NOT_FOUND = "I couldn't find that in your mail, messages, calendar, contacts or notes."


@dataclass(frozen=True)
class Checked:
    """The answer to show: ``checked`` is "model" (kept as written), "quote" or "not_found"."""

    text: str
    checked: str
    unsupported: tuple[specifics.Specific, ...] = ()


def _listed(values: Sequence[str]) -> str:
    quoted = [f"“{v}”" for v in dict.fromkeys(values)]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _passage(citation: Citation) -> Passage:
    heading = {"contact": "Contact card", "mail": "Mail", "message": "Messages", "calendar": "Calendar",
               "document": "Note"}.get(citation.source_type, "Source")
    return Passage(citation=citation, text=citation.snippet, heading=f"{heading}: {citation.title}")


def check_answer(answer: str, question: str, citations: Sequence[Citation], context: Iterable[str] = ()) -> Checked:
    """Keep ``answer`` when every specific in it is backed; otherwise say what could not be
    confirmed and quote the sentence(s) of the best passage with its ``[n]`` marker, or, with no
    passage that answers, say that nothing was found."""
    passages = [_passage(c) for c in citations]
    sources = [grounding.Support(p.support_text()) for p in passages]
    backing = [grounding.Support(question), *(grounding.Support(text) for text in context)]
    result = grounding.check(answer, sources, backing)
    if result.ok:
        return Checked(answer, "model")
    missing = tuple(result.unsupported)
    asked = questions.read(question)
    wants = asked.contact_field if asked.contact_field in extractive.KIND_FOR else ""
    quote = extractive.best(asked, passages, wants=wants) if passages else None
    if quote is None:
        return Checked(NOT_FOUND, "not_found", missing)
    mark = f"[{citations.index(quote.passage.citation) + 1}]"
    text = (f"I couldn't confirm {_listed([s.text for s in missing])} in your data. "
            + extractive.render(quote, mark))
    return Checked(text, "quote", missing)
