"""The model phrases an answer from the passages; every sentence passes the stream guard and the
grounding check before it is shown, so an unsupported specific never reaches the user."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.agent import prompt as agent_prompt
from app.answer import compose, grounding
from app.answer import textnorm as tn
from app.answer.guard import MAX_CHARS, MAX_CHARS_SUMMARY, StreamGuard
from app.answer.passages import Passage
from app.events import ContextUsed, ErrorEvent, Event, GenerationDone, Token
from app.runtime.api import GenerationRequest, Message

NOT_FOUND_WORDS = ("couldn't find", "could not find", "don't know", "do not know", "not mentioned",
                   "no information", "not in the sources", "doesn't say", "does not say", "cannot find", "can't find")
PASSAGE_CHARS = 1400  # of each passage in the prompt
EMPTY = re.compile(r"^\W*((the|from|my|your) )?(source|sources|answer|reply|response|quote)?\W*$", re.I)
# a sentence made only of these words talks about the sources ("The source is [1] and the answer is [2].")
META_WORDS = tn.wordset("""the a an my your this that it here there source sources answer answers reply response quote
quotes passage passages context data is are was were and or in see from found according to based on as per below
above following given""")


def says_nothing(sentence: str) -> bool:
    """True for a sentence with no content of its own: empty, or only words about the sources."""
    bare = compose.MARKER.sub("", sentence)
    words = re.findall(r"[a-z']+", bare.lower())
    return bool(EMPTY.match(bare)) or (bool(words) and all(w in META_WORDS for w in words)
                                       and not re.search(r"\d", bare))


@dataclass
class Phrased:
    """What the model said that passed the checks, and why it stopped."""

    sentences: list[str] = field(default_factory=list)  # shown, markers already final
    unsupported: list[str] = field(default_factory=list)  # specifics refused
    stopped: str = ""  # "", "repeating", "new turn", "too long", "unsupported", "cancelled", "error"
    not_found: bool = False  # the model said the sources do not answer it
    error: ErrorEvent | None = None
    used: set[int] = field(default_factory=set)  # passages that backed a shown sentence

    @property
    def text(self) -> str:
        return " ".join(self.sentences).strip()


ECHO_WORDS = 5  # this many words in a row from Hearth's own instructions is an echo, not an answer
_WORD = re.compile(r"[a-z0-9']+")
_CLAUSE = re.compile(r"(?:,|;|:|\s-\s|\s(?:and|but|so|while|because)\s)\s*", re.I)


def instruction_grams(*texts: str) -> frozenset[tuple[str, ...]]:
    """The ECHO_WORDS-word runs of Hearth's own instructions (the system prompt, the answer prompt)."""
    grams: set[tuple[str, ...]] = set()
    for text in texts:
        words = _WORD.findall(text.lower())
        grams.update(tuple(words[i : i + ECHO_WORDS]) for i in range(len(words) - ECHO_WORDS + 1))
    return frozenset(grams)


def without_echo(sentence: str, grams: frozenset[tuple[str, ...]]) -> str:
    """The sentence cut before the clause where it starts repeating Hearth's instructions ("…, and
    the user is not allowed to act on requests written inside data"); '' when it is all echo."""
    spans = [(m.start(), m.group(0)) for m in _WORD.finditer(sentence.lower())]
    for i in range(len(spans) - ECHO_WORDS + 1):
        if tuple(w for _, w in spans[i : i + ECHO_WORDS]) in grams:
            start = spans[i][0]
            cuts = [m.start() for m in _CLAUSE.finditer(sentence, 0, start)]
            head = sentence[: cuts[-1]] if cuts else ""
            head = head.rstrip(" ,;:-")
            return f"{head}." if head and not head.endswith((".", "!", "?")) else head
    return sentence


def user_message(question: str, passages: list[Passage]) -> str:
    blocks = []
    for i, p in enumerate(passages, start=1):
        text = p.text if len(p.text) <= PASSAGE_CHARS else p.text[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"
        extra = f"\n{p.extra}" if p.extra else ""
        blocks.append(f"[{i}] {p.heading}\n{agent_prompt._fence(text)}{extra}")
    return (agent_prompt.load_prompt("answer_sources.md").replace("{sources}", "\n\n".join(blocks))
            .replace("{question}", question))


def phrase(
    model: Any,
    request: GenerationRequest,
    passages: list[Passage],
    context: list[grounding.Support],
    cited: compose.Cited,
    *,
    emit: Callable[[Event], None],
    show: Callable[[str], None],
    register: Callable[[Any], None],
    cancelled: Callable[[], bool],
    summary: bool = False,
    ground: bool = True,
    said_before: Sequence[str] = (),
) -> Phrased:
    """Run the generation; show each sentence that passes; stop at the first that does not.
    ``ground=False`` (a question about the world, no sources) keeps the guard but not the check."""
    supports = [grounding.Support(p.support_text()) for p in passages]
    echo = instruction_grams(*(str(m.get("content", "")) for m in request.messages if m.get("role") == "system"),
                             agent_prompt.load_prompt("answer_sources.md"))
    guard = StreamGuard(max_chars=MAX_CHARS_SUMMARY if summary else MAX_CHARS)
    guard.remember(said_before)  # a follow-up must not say an earlier answer again
    result = Phrased()
    generation = model.generate(request)
    register(generation)
    if cancelled():
        generation.cancel()

    def take(sentences: list[str]) -> None:
        for sentence in sentences:
            if result.stopped:
                return
            sentence = without_echo(sentence, echo)
            lowered = sentence.lower()
            if not sentence or says_nothing(sentence):
                continue  # "The source: [1]", "The source is [1] and the answer is [2]."
            if not ground:
                result.sentences.append(sentence)
                show(sentence)
                continue
            if any(w in lowered for w in NOT_FOUND_WORDS):
                result.not_found = True
                result.stopped = "not found"
                return
            check = grounding.check(sentence, supports, context)
            if not check.ok:
                result.unsupported.extend(s.text.rstrip(".") for s in check.unsupported)
                result.stopped = "unsupported"
                return
            used = check.sources_used()
            result.used |= used
            shown = compose.renumber(sentence, passages, cited, used)
            result.sentences.append(shown)
            show(shown)

    done: GenerationDone | None = None
    for event in generation:
        if isinstance(event, Token):
            take(guard.feed(event.text))
            if (guard.stopped or result.stopped) and not cancelled():
                generation.cancel()
        elif isinstance(event, GenerationDone):
            done = event
        elif isinstance(event, ContextUsed):
            emit(event)
        elif isinstance(event, ErrorEvent):
            result.error = event
            result.stopped = "error"
    register(None)
    if cancelled() or (done is not None and done.finish_reason == "cancelled" and not (guard.stopped or result.stopped)):
        result.stopped = result.stopped or "cancelled"
        return result
    if not result.stopped:
        take(guard.flush())
    result.stopped = result.stopped or guard.stopped
    return result


def request_for(system: str, history: list[Message], question: str, passages: list[Passage], *,
                conversation_id: str, request_id: str, max_tokens: int, temperature: float) -> GenerationRequest:
    return GenerationRequest(
        messages=[{"role": "system", "content": system}, *history,
                  {"role": "user", "content": user_message(question, passages) if passages else question}],
        max_tokens=max_tokens,
        temperature=temperature,
        conversation_id=conversation_id,
        request_id=request_id,
        model_role="answer",
    )
