"""The agent loop. A turn: retrieve from memory → prompt → stream → parse a tool call → gate →
execute → feed the result back → repeat until an answer or the step limit. Everything is emitted
as typed events; a turn runs on its own thread and can be cancelled at any point."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from app.answer import followup, smalltalk
from app.answer.check import check_answer
from app.answer.guard import MAX_CHARS_SUMMARY
from app.answer.questions import is_read_request
from app.audit import AuditLog
from app.config import Settings, agent_role, load_settings
from app.conversations import ConversationStore
from app.event_stream import EventStream
from app.events import (
    ActionResult,
    ContextUsed,
    ErrorEvent,
    Event,
    FinalAnswer,
    GenerationDone,
    HearthError,
    MemoryRetrieved,
    Token,
    TurnCancelled,
    TurnStarted,
)
from app.paths import Paths, get_paths
from app.policy.allow_rules import AllowRules
from app.policy.approval import ApprovalRefused, Approver, Gate
from app.policy.taint import Taint
from app.runtime.api import ChatModel, GenerationRequest, Message
from app.tools.base import Tool, ToolContext, ToolError, ToolOutput, validate
from app.tools.registry import ToolRegistry, default_tools

from . import actions, arguments, callformat, grammar, intent, modelcall, prompt, readiness, toolcall
from .people import directory_from
from .reply_guard import ReplyGuard
from .steps import StepRecorder

CANCELLED_BY_USER = "cancelled by the user"
CANNOT_RUN = "cannot_run"  # who "decided" a call that could not run (a missing file): nobody was asked
NO_REPLY = "I lost the thread there. Could you say that again, in other words?"  # the guard let nothing through
# Tools whose result is what the answer is made of: the turn goes on to answer from it. After any
# other call (done, failed or declined) the turn ends, saying what happened.
_FEEDS_ANSWER = intent.READ_TOOLS | {"web_fetch"}


class Turn(EventStream):
    """One running turn: iterate it for events, ``cancel()`` it, ``wait()`` for it."""

    def __init__(self, turn_id: str, text: str) -> None:
        super().__init__()
        self.turn_id = turn_id
        self.text = text
        self.events: list[Event] = []
        self.final: FinalAnswer | None = None
        self._generation: Any = None
        self._thread: threading.Thread | None = None
        self.recorder: Callable[[Event], None] | None = None  # keeps the turn's steps in its conversation

    def emit(self, event: Event) -> None:
        self.events.append(event)
        if isinstance(event, FinalAnswer):
            self.final = event
        if self.recorder is not None:
            self.recorder(event)
        self.put(event)

    def _finish(self) -> None:
        self.end()

    def cancel(self) -> None:
        super().cancel()
        generation = self._generation
        if generation is not None:
            generation.cancel()

    @property
    def done(self) -> bool:
        return self.ended

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the turn ends; True when it did within ``timeout``."""
        return self.wait_ended(timeout)


class Agent:
    """``Agent(model, *, memory=None, tools=None, approver=None, audit=None, settings=None)``."""

    def __init__(
        self,
        model: ChatModel,
        *,
        memory: Any = None,
        tools: ToolRegistry | Iterable[Tool] | None = None,
        approver: Approver | None = None,
        audit: AuditLog | None = None,
        settings: Settings | None = None,
        paths: Paths | None = None,
        conversations: ConversationStore | None = None,
        cwd: str | Path | None = None,
        preroute: bool = True,
    ) -> None:
        self.model = model
        self.memory = memory
        self.paths = paths or get_paths()
        self.settings = settings or load_settings(self.paths)
        if tools is None:
            self.tools = default_tools(self.settings, memory=memory)
        elif isinstance(tools, ToolRegistry):
            self.tools = tools
        else:
            self.tools = ToolRegistry(tools)
        self.approver = approver
        self.audit = audit if audit is not None else AuditLog(paths=self.paths)
        self.allow_rules = AllowRules(self.settings, self.paths)
        self.context = ToolContext(self.paths, self.settings, memory)
        if cwd is not None:
            self.context.cwd = Path(cwd)
        self.conversations = conversations if conversations is not None else ConversationStore(self.paths)
        self._lock = threading.Lock()  # one turn at a time: the model serves one generation anyway
        self.preroute = preroute  # offer only the tool families the request's words ask for

    # -- public ------------------------------------------------------------------------------
    def start_turn(self, text: str, *, conversation_id: str = "default", source: str = "text") -> Turn:
        turn = Turn(f"t-{uuid.uuid4().hex[:10]}", text)
        turn.recorder = StepRecorder(lambda record: self.conversations.append(conversation_id, record))
        thread = threading.Thread(target=self._run, args=(turn, text, conversation_id, source),
                                  name=f"hearth-turn-{turn.turn_id}", daemon=True)
        turn._thread = thread
        thread.start()
        return turn

    def ask(self, text: str, *, conversation_id: str = "default", timeout: float | None = None) -> Turn:
        """Run a turn to the end (for scripts and tests)."""
        turn = self.start_turn(text, conversation_id=conversation_id)
        turn.wait(timeout)
        return turn

    # -- the turn ----------------------------------------------------------------------------
    def _run(self, turn: Turn, text: str, conversation_id: str, source: str) -> None:
        try:
            with self._lock:
                turn.emit(TurnStarted(turn_id=turn.turn_id, text=text, source=source))
                self._turn(turn, text, conversation_id)
        except Exception as exc:  # one clear line, never a dead thread
            message = str(exc) if isinstance(exc, HearthError) else f"the agent failed: {exc}"
            turn.emit(ErrorEvent(stage="agent", message=message))
        finally:
            turn._finish()

    def warm(self, conversation_id: str = "default") -> None:
        """Prefill a plain question's prompt (system prompt and history) into the model's cache.

        The prefix is exactly what :meth:`_turn` sends for a request that gets no tools, so the
        next such turn only processes its own words (voice warms at the push-to-talk press).
        """
        history, _ = self._history(conversation_id, native=self._native())
        system = prompt.system_prompt([], routed=False, override_file=self.settings.model.system_prompt_file)
        request = GenerationRequest(
            messages=[{"role": "system", "content": system}, *history, {"role": "user", "content": ""}],
            max_tokens=1,
            conversation_id=conversation_id,
            model_role="answer",
        )
        self.model.generate(request).result(60)

    def _native(self) -> bool:
        return self._call_format() != callformat.ROUTED

    def _call_format(self) -> str:
        """The tool-call format the agent's model writes, from its chat template (app/agent/callformat.py)."""
        flag = getattr(self.model, "call_format", None) or getattr(self.model, "supports_tools", None)
        if isinstance(flag, bool):
            return callformat.HERMES if flag else callformat.ROUTED
        if isinstance(flag, str):
            return flag
        ensure = getattr(self.model, "ensure_loaded", None)
        loaded = ensure() if callable(ensure) else getattr(self.model, "loaded", None)
        return callformat.detect(callformat.template_text(getattr(loaded, "tokenizer", None)))

    def _history(self, conversation_id: str, *, native: bool) -> tuple[list[Message], Taint]:
        if not self.conversations.exists(conversation_id):
            return [], Taint()
        data = self.conversations.load(conversation_id)
        messages: list[Message] = []
        for m in data.get("messages", []):
            role, content = m.get("role"), str(m.get("content", ""))
            if role == "user":  # as it was sent (with its retrieved notes), so the cached prefix matches
                messages.append({"role": "user", "content": str(m.get("prompt") or content)})
            elif role == "assistant" and m.get("tool"):
                messages.append(prompt.call_message(m["tool"], m.get("arguments", {}), native=native,
                                                    call_format=self._call_format() if native else ""))
            elif role == "assistant":
                messages.append({"role": "assistant", "content": content if native else f"Action: answer\n{content}"})
            elif role == "tool":
                messages.append(prompt.tool_result_message(str(m.get("tool", "")), content, native=native))
        return messages, Taint(data.get("untrusted_sources", []))

    def _turn(self, turn: Turn, text: str, conversation_id: str) -> None:
        if self.preroute and self._smalltalk(turn, text, conversation_id):
            return
        offered = set(intent.tools_to_offer(text, [t.name for t in self.tools])) - {"search_memory"}
        if self.preroute and (intent.is_question(text) or is_read_request(text)) and not offered:
            # a question that no file tool serves (not "what is in ~/x.txt"): the read path answers
            # it from the user's data, checked against its sources (app/answer)
            from app.answer.reader import answer_turn

            earlier = (self.conversations.load(conversation_id).get("messages", [])
                       if self.conversations.exists(conversation_id) else [])
            answer_turn(self, turn, followup.resolve(text, earlier), conversation_id, said=text)
            return
        settings = self.settings
        call_format = self._call_format()
        native = call_format != callformat.ROUTED
        history, taint = self._history(conversation_id, native=native)
        citations: tuple = ()
        if self.memory is not None:
            try:
                citations = tuple(self.memory.search(text, k=settings.memory.retrieve_top_k))
            except Exception as exc:
                turn.emit(ErrorEvent(stage="memory", message=f"memory search failed, answering without it: {exc}"))
        turn.emit(MemoryRetrieved(turn_id=turn.turn_id, citations=citations))
        taint.add_citations(citations)
        user_prompt = prompt.user_message(text, citations)
        self.conversations.append(conversation_id, {"role": "user", "content": text, "prompt": user_prompt,
                                                    "cited": [c.item_id for c in citations]},
                                  untrusted_sources=taint.sources)

        all_tools, set_up_first = readiness.usable(text, list(self.tools), self.context, preroute=self.preroute)
        if set_up_first:  # asked for a tool that cannot work here yet: how to set it up, no proposal
            self._say(turn, conversation_id, set_up_first, taint)
            return
        tools = list(all_tools)
        if self.preroute:
            # Only the user's own words pick which tools the grammar may choose (never retrieved or
            # tool content); the system prompt keeps listing all of them so the prompt cache holds.
            offered = set(intent.tools_to_offer(text, [t.name for t in all_tools]))
            tools = [t for t in all_tools if t.name in offered]
        schemas = {t.name: t.parameters for t in tools}
        # A request with no action words is plain chat: no tool format in the prompt at all. The
        # routed format's examples otherwise leak into small models' answers ("Hello! How can I
        # help?" to a real question). Switching between plain and tool turns costs a cache refill.
        plain = self.preroute and not tools
        prompt_tools = [] if plain else all_tools
        gate = Gate(context=self.context, approver=self.approver, audit=self.audit, allow_rules=self.allow_rules,
                    timeout_s=settings.agent.approval_timeout_s)
        planned = self._plan(turn, text, conversation_id, all_tools, taint) if self.preroute else None
        if planned is False:
            return
        if isinstance(planned, actions.Plan):  # an explicit action request: its tool and stated arguments, no guessing
            self._planned(turn, gate, planned, text, conversation_id, taint)
            return
        new: list[Message] = [{"role": "user", "content": user_prompt}]
        steps = max(1, settings.agent.max_steps)
        seen: dict[str, str] = {}  # calls made this turn -> their result
        for step in range(steps):
            offer = bool(tools) and step < steps - 1
            routed = not native and not plain
            prefix = (toolcall.ROUTE_PREFIX if offer else "Action: answer\n") if routed else ""
            factory = None
            if offer:
                factory = grammar.processor_factory(callformat.grammar_for(dict(schemas), call_format),
                                                    max_tokens=settings.model.max_tokens, copy_from=text)
            elif routed or plain:
                factory = grammar.processor_factory(grammar.answer_grammar)
            # The system prompt (and the tool list) stays the same at every step and turn, so the
            # model's prompt cache is reused; only the forced prefix and the grammar change.
            system = prompt.system_prompt(prompt_tools, routed=routed, override_file=settings.model.system_prompt_file,
                                          call_format=call_format)
            request = GenerationRequest(
                messages=[{"role": "system", "content": system}, *history, *new],
                max_tokens=settings.model.max_tokens,
                temperature=settings.model.temperature,
                top_p=settings.model.top_p,
                conversation_id=conversation_id,
                tools=[t.schema() for t in prompt_tools] if native and prompt_tools else None,
                logits_processors=factory,
                assistant_prefix=prefix,
                request_id=f"{turn.turn_id}-{step}",
                model_role="answer" if plain else agent_role(settings.model),  # questions: the stronger model
            )
            guard = self._reply_guard()
            done = self._generate(turn, request, toolcall.AnswerStream(routed and offer), guard)
            if done is None:
                return
            if offer:
                parsed = toolcall.parse_routed(prefix + done.text) if routed else toolcall.parse_native(done.text)
            else:
                parsed = toolcall.parse_answer(done.text)
                if isinstance(parsed, toolcall.Call):  # a call where only an answer may go: never shown as prose
                    parsed = (toolcall.Invalid("only a reply in plain words may go here", done.text)
                              if step < steps - 1 else toolcall.Answer(toolcall.without_calls(done.text)))
            if isinstance(parsed, toolcall.Answer):
                parsed = toolcall.Answer(guard.text or NO_REPLY)  # what the guard let through, as it was shown
                # Every specific must come from a passage, the question or what the user and tools said
                # (never from an earlier answer, which may have named a value it could not confirm).
                context = [str(m.get("content", "")) for m in (*history, *new) if m.get("role") != "assistant"]
                shown = check_answer(parsed.text, text, citations, context)
                self.conversations.append(conversation_id, {"role": "assistant", "content": shown.text,
                                                            "citations": [c.to_dict() for c in citations]},
                                          untrusted_sources=taint.sources)
                turn.emit(FinalAnswer(turn_id=turn.turn_id, text=shown.text, citations=citations,
                                      checked=shown.checked))
                return
            if isinstance(parsed, toolcall.Invalid):
                new += [{"role": "assistant", "content": parsed.raw},
                        {"role": "user", "content": f"That tool call was not valid: {parsed.problem}."}]
                continue
            tool = self.tools.get(parsed.tool) if parsed.tool in schemas else None
            problems = ([f"no tool named {parsed.tool} is available for this request"] if tool is None
                        else validate(tool.parameters, parsed.arguments))
            if tool is None or problems:
                new += [{"role": "assistant", "content": parsed.raw or parsed.tool},
                        {"role": "user", "content": "That tool call was not valid: " + "; ".join(problems) + "."}]
                continue
            # A date, path, address or command the request states is what the call carries, and (with
            # the pre-router on, as in the app) no specific that the request, the conversation or the
            # cited context does not hold; preroute=False is the bare model-to-gate path the gate's tests use.
            if tool.name in arguments.STRUCTURED:
                directory = directory_from(self.memory) if tool.family == "mail" else None
                if self.preroute:
                    said = [str(m.get("content", "")) for m in history if m.get("role") == "user"]
                    cited = [str(m.get("content", "")) for m in new if m.get("role") != "assistant"]
                    checked = modelcall.check(tool.name, parsed.arguments, text, [*said, settings.mail.sender_name],
                                              cited=cited, required=tool.parameters.get("required", ()),
                                              directory=directory)
                    if checked.ask:
                        waiting = ({"tool": tool.name, "request": text, "unclear": []}
                                   if tool.family == "calendar" else None)
                        self._say(turn, conversation_id, checked.ask, taint, pending=waiting)
                        return
                    parsed.arguments = checked.arguments
                else:
                    parsed.arguments = arguments.correct(tool.name, parsed.arguments, text, directory=directory)[0]
            key = json.dumps([tool.name, parsed.arguments], sort_keys=True)
            if key in seen:  # the same call again: stop offering tools and ask for the answer
                tools, schemas = [], {}
                new += [{"role": "user", "content": f"({tool.name} already ran; its result was: {seen[key]}) "
                                                    "Now reply to the user's request in plain words."}]
                continue
            outcome = self._act(turn, gate, tool, parsed.arguments, taint)
            if outcome is None:
                return
            args, output, ok, approved, by = outcome
            seen[key] = output[:200]
            if by != CANNOT_RUN:  # nothing was proposed: no call to keep
                self._record_call(conversation_id, tool.name, args, output, taint)
            if not approved or tool.name not in _FEEDS_ANSWER:  # one request, one proposal: say what happened, stop
                self._say(turn, conversation_id, actions.outcome(tool.name, args, approved=approved, ok=ok,
                                                                 output=output, by=by), taint)
                return
            new += [prompt.call_message(tool.name, args, native=native, call_format=call_format),
                    prompt.tool_result_message(tool.name, output, native=native)]
        turn.emit(ErrorEvent(stage="agent", message="the step limit was reached without an answer"))

    def _smalltalk(self, turn: Turn, text: str, conversation_id: str) -> bool:
        """A greeting, a thank-you, "what can you do?", the time, or a question only live data could
        answer: Hearth's own words (app/answer/smalltalk.py), no search and no model. Not while
        Hearth's last question waits for this reply."""
        said = smalltalk.reply(text, kinds=self._memory_kinds)
        if said is None:
            return False
        if self.conversations.exists(conversation_id) and actions.waiting(
                self.conversations.load(conversation_id).get("messages", [])) is not None:
            return False
        self.conversations.append(conversation_id, {"role": "user", "content": text})
        self.conversations.append(conversation_id, {"role": "assistant", "content": said.text})
        turn.emit(Token(request_id=f"{turn.turn_id}-said", text=said.text))
        turn.emit(FinalAnswer(turn_id=turn.turn_id, text=said.text, citations=(), checked="hearth"))
        return True

    def _memory_kinds(self) -> tuple[str, ...]:
        if self.memory is None:
            return ()
        try:
            return tuple(self.memory.stats().get("chunks_by_source_type", {}))
        except Exception:  # the answer still says what Hearth can do
            return ()

    def _record_call(self, conversation_id: str, tool: str, args: dict[str, Any], output: str, taint: Taint) -> None:
        self.conversations.append(conversation_id, {"role": "assistant", "content": f"(used {tool})",
                                                    "tool": tool, "arguments": args}, untrusted_sources=taint.sources)
        self.conversations.append(conversation_id, {"role": "tool", "tool": tool, "content": output},
                                  untrusted_sources=taint.sources)

    def _say(self, turn: Turn, conversation_id: str, text: str, taint: Taint,
             pending: dict[str, Any] | None = None) -> None:
        """End the turn with Hearth's own words (an outcome, or a question back to the user, which
        keeps the action it is about waiting for the answer)."""
        record: dict[str, Any] = {"role": "assistant", "content": text}
        if pending:
            record["pending_action"] = pending
        self.conversations.append(conversation_id, record, untrusted_sources=taint.sources)
        turn.emit(Token(request_id=f"{turn.turn_id}-said", text=text))
        turn.emit(FinalAnswer(turn_id=turn.turn_id, text=text, citations=()))

    def _plan(self, turn: Turn, text: str, conversation_id: str, tools: list[Tool],
              taint: Taint) -> actions.Plan | bool | None:
        """The explicit action this request asks for, or the one Hearth's last question was about and
        this request answers; False when the turn is over (the user called the waiting action off)."""
        sender = self.settings.mail.sender_name
        planned = actions.plan(text, tools, self.memory, sender=sender)
        if planned is not None and not planned.quick or intent.is_question(text) and len(text.split()) > 4:
            return planned
        pending = actions.waiting(self.conversations.load(conversation_id).get("messages", []))
        if pending is None or planned is not None and pending.get("tool") not in ("create_event", "create_reminder"):
            return planned  # a quick add answers a question about a day or time, nothing else
        if planned is not None:
            return actions.follow_up(pending, text, tools, self.memory, sender=sender)
        if actions.is_cancel(text):
            self._say(turn, conversation_id, "OK, I won't do it.", taint)
            return False
        return actions.follow_up(pending, text, tools, self.memory, sender=sender)

    def _planned(self, turn: Turn, gate: Gate, planned: actions.Plan, text: str, conversation_id: str,
                 taint: Taint) -> None:
        """An explicit action request: one proposal with the stated arguments, then its outcome in words."""
        draft, tool = planned.draft, self.tools.get(planned.tool)
        if tool is None or draft.ask:
            self._say(turn, conversation_id, draft.ask or f"{planned.tool} is not available.", taint,
                      pending=planned.pending() if draft.ask else None)
            return
        text = planned.request or text
        args = dict(draft.fields)
        if draft.fill:
            request = actions.fill_request(text, tool, draft, conversation_id=conversation_id,
                                           request_id=f"{turn.turn_id}-fill", temperature=self.settings.model.temperature,
                                           mail=planned.mail, model_role=agent_role(self.settings.model))
            hidden = toolcall.AnswerStream(True)
            hidden.decided = "call"  # the JSON of the fields is never shown as text
            done = self._generate(turn, request, hidden)
            if done is None:
                return
            args = actions.filled(draft, done.text, planned.mail)
        taint.add(draft.untrusted)
        problems = validate(tool.parameters, args)
        if problems:
            self._say(turn, conversation_id, f"I could not prepare {tool.name}: {'; '.join(problems)}.", taint)
            return
        outcome = self._act(turn, gate, tool, args, taint)
        if outcome is None:
            return
        ran, output, ok, approved, by = outcome
        if by != CANNOT_RUN:
            self._record_call(conversation_id, tool.name, ran, output, taint)
        self._say(turn, conversation_id, actions.outcome(tool.name, ran, approved=approved, ok=ok, output=output, by=by),
                  taint)

    def _reply_guard(self) -> ReplyGuard:
        """The guard on a reply's stream: Hearth's own instructions are what it must not recite."""
        override = self.settings.model.system_prompt_file
        instructions = [prompt.load_prompt("system.md", override), *(prompt.load_prompt(name) for name in (
            "retrieved.md", "tool_result.md", "tools_routed.md", "tools_native.md"))]
        return ReplyGuard(instructions, max_chars=max(MAX_CHARS_SUMMARY, self.settings.model.max_tokens * 8))

    def _generate(self, turn: Turn, request: GenerationRequest, stream: toolcall.AnswerStream,
                  guard: ReplyGuard | None = None) -> GenerationDone | None:
        """Run one generation, streaming what ``stream`` (and ``guard``, when given) lets through;
        a guard that stops the reply ends the generation early, and that is not a cancel."""
        if turn.cancelled:
            turn.emit(TurnCancelled(turn_id=turn.turn_id))
            return None
        generation = self.model.generate(request)
        turn._generation = generation
        if turn.cancelled:
            generation.cancel()
        done: GenerationDone | None = None
        for event in generation:
            if isinstance(event, Token):
                shown = stream.feed(event.text)
                if shown and guard is not None:
                    shown = guard.feed(shown)
                    if guard.stopped and not turn.cancelled:
                        generation.cancel()
                if shown:
                    turn.emit(Token(request_id=event.request_id, text=shown))
            elif isinstance(event, GenerationDone):
                done = event
            elif isinstance(event, ContextUsed):
                turn.emit(event)
            elif isinstance(event, ErrorEvent):
                turn.emit(event)
                return None
        turn._generation = None
        stopped = guard is not None and bool(guard.stopped)
        if turn.cancelled or (done is not None and done.finish_reason == "cancelled" and not stopped):
            turn.emit(TurnCancelled(turn_id=turn.turn_id))
            return None
        if done is None:
            turn.emit(ErrorEvent(stage="model", message="the model stopped without finishing its answer"))
            return None
        tail = stream.flush()
        if guard is not None:
            tail = guard.feed(tail) + guard.flush() if tail else guard.flush()
        if tail:
            turn.emit(Token(request_id=request.request_id, text=tail))
        return done

    def _act(self, turn: Turn, gate: Gate, tool: Tool, arguments: dict[str, Any],
             taint: Taint) -> tuple[dict[str, Any], str, bool, bool, str] | None:
        """Gate and run one call; returns (arguments that ran or were refused, output for the model, whether
        it succeeded, whether it was approved, and who decided)."""
        why_not = tool.why_not(arguments, self.context)
        if why_not:  # e.g. a file that is not there: said, never put up for approval
            return arguments, f"not run: {why_not}", False, False, CANNOT_RUN
        action_id = f"a-{uuid.uuid4().hex[:8]}"
        verdict = gate.review(turn_id=turn.turn_id, action_id=action_id, tool=tool, arguments=arguments, taint=taint,
                              emit=turn.emit, cancelled=turn._cancel)
        if verdict.by == "cancelled" or turn.cancelled:
            turn.emit(TurnCancelled(turn_id=turn.turn_id))
            return None
        undo = None
        if not verdict.approved:
            ok, output = False, CANCELLED_BY_USER if not verdict.message else f"not run: {verdict.message}"
        else:
            self.context.cancel = turn._cancel
            self.context.untrusted_sources = taint.sources
            try:
                result: ToolOutput = gate.execute(verdict, tool, verdict.arguments)
                ok, output, undo = result.ok, result.output, result.undo
                taint.add(result.untrusted_sources)
            except (ApprovalRefused, ToolError, HearthError, OSError) as exc:
                ok, output = False, f"failed: {exc}"
            except Exception as exc:
                ok, output = False, f"failed unexpectedly: {exc}"
        can_undo = bool(ok and undo and tool.undo is not None)
        self.audit.append("result", turn_id=turn.turn_id, action_id=action_id, tool=tool.name, ok=ok,
                          executed=verdict.approved, output=output[:4000], undo=undo if can_undo else None)
        turn.emit(ActionResult(turn_id=turn.turn_id, action_id=action_id, tool=tool.name, ok=ok, output=output,
                               undo_available=can_undo))
        if turn.cancelled:
            turn.emit(TurnCancelled(turn_id=turn.turn_id))
            return None
        return verdict.arguments, output, ok, verdict.approved, verdict.by
