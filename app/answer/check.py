"""Check a model's answer against its sources; replace an unsupported one with a quote or an honest "not found"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.answer.extractive import best_quote
from app.answer.grounding import Specific, unsupported
from app.events import Citation

NOT_FOUND = "I couldn't find that in your mail, messages, calendar, contacts or notes."

KIND_LABELS = {
    "contact": "your contact card",
    "mail": "the mail",
    "message": "the message",
    "calendar": "your calendar event",
    "document": "your note",
    "conversation": "our earlier conversation",
}


@dataclass(frozen=True)
class Checked:
    """The answer to show: ``checked`` is "model" (kept as written), "quote" or "not_found"."""

    text: str
    checked: str
    unsupported: tuple[Specific, ...] = ()


def source_label(citation: Citation) -> str:
    """How a passage is named in a quote ("your contact card “Priya Shah”")."""
    kind = KIND_LABELS.get(citation.source_type, f"the {citation.source_type or 'source'}")
    return f"{kind} “{citation.title}”" if citation.title else kind


def _listed(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def check_answer(answer: str, question: str, citations: Sequence[Citation], context: Iterable[str] = ()) -> Checked:
    """Keep ``answer`` when every specific in it occurs in the passages, question or conversation.

    Otherwise the answer is not shown as fact: it names what could not be confirmed and quotes the
    sentence(s) of the best passage that hold what was asked, with its ``[n]`` marker; with no passage
    to quote it says honestly that nothing was found.
    """
    passages = [c.snippet for c in citations]
    missing = unsupported(answer, [*passages, question, *context])
    if not missing:
        return Checked(answer, "model")
    quote = best_quote(question, passages) if passages else None
    if quote is None:
        return Checked(NOT_FOUND, "not_found", tuple(missing))
    values = _listed([s.text for s in missing])
    label = source_label(citations[quote.index])
    text = (f"I couldn't confirm {values} in your data. "
            f"Here is what {label} says: “{quote.text}” [{quote.index + 1}]")
    return Checked(text, "quote", tuple(missing))
