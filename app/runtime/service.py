"""ModelService: the one thread that owns the MLX model and serves generation requests.

MLX streams belong to the thread that created them, so loading, prefill and decoding all happen
on a single long-lived thread (as mlx-lm's own server does). Callers on any thread submit a
:class:`GenerationRequest` and get a :class:`GenerationHandle` that streams typed events.
"""

from __future__ import annotations

import atexit
import importlib
import itertools
import os
import queue
import sys
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from app.config import Settings, load_settings
from app.events import (
    ContextUsed,
    ErrorEvent,
    Event,
    GenerationDone,
    GenerationStarted,
    HearthError,
    ModelLoading,
    ModelReady,
    Token,
)
from app.paths import Paths, get_paths
from app.runtime.api import GenerationRequest, Message
from app.runtime.generation import GenerationHandle
from app.runtime.loader import LoadedModel, load_model_dir
from app.runtime.prefill import StepSizer, StoppedReading, prefill
from app.runtime.prompt_cache import PromptCachePool
from app.runtime.registry import locate_model
from app.runtime.stops import StopMatcher

Listener = Callable[[Event], None]
# Overrides ``[model] answer`` for this process: a model name, or "" to answer with the fast model
# (the test suite sets "" so mechanics tests run on SmolLM2 alone).
ANSWER_MODEL_ENV = "HEARTH_ANSWER_MODEL"
# How prompts are read: steps sized from the measured speed, a Stop checked after every layer
# (app/runtime/prefill.py). ``bench/stop.py`` swaps this for mlx_lm's fixed steps to compare.
Sizer = Callable[[], StepSizer]
PREFILL_SIZER: Sizer = StepSizer
PREFILL_PER_LAYER = True


_ids = itertools.count(1)
_live_services: weakref.WeakSet[ModelService] = weakref.WeakSet()


# How long an ending process waits for model work that cannot be cut short (a model being
# loaded: minutes on a busy CPU) before it leaves without finalizing the interpreter.
EXIT_WAIT_S = 600.0


def finish_all(wait: float) -> bool:
    """Cancel and release every model service, waiting up to ``wait`` s in all; True when no
    model thread is still working (a parked one is harmless at exit)."""
    deadline = time.monotonic() + wait
    services = list(_live_services)
    for service in services:
        service.shutdown(timeout=max(0.0, deadline - time.monotonic()))
    return all(service.wait_idle(max(0.0, deadline - time.monotonic())) for service in services)


def exit_if_working(code: int, wait: float = 2.0) -> None:
    """End a finished command now, with ``code``, if a model thread is still inside MLX work
    (say, loading the answer model in the background): finalizing the interpreter around a
    working MLX thread aborts the process ("terminate called without an active exception").
    Returns (and the process ends normally) when every model thread is idle."""
    if finish_all(wait):
        return
    _leave(code)


def _leave(code: int) -> None:
    """Flush what this process wrote and end it without finalizing (no native teardown)."""
    import logging

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say there
            pass
    logging.shutdown()
    os._exit(code)


@atexit.register
def _shutdown_all() -> None:
    """MLX aborts the process if its thread is cut off mid-computation during finalization:
    cancel and finish all model work before the interpreter finalizes, or leave without
    finalizing when it does not finish in time."""
    if not finish_all(EXIT_WAIT_S):
        print("hearth: the model was still busy at exit; leaving without waiting", file=sys.stderr)
        _leave(1)


class ModelService:
    """Owns the model on a dedicated thread; implements :class:`app.runtime.api.ChatModel`."""

    def __init__(
        self,
        paths: Paths | None = None,
        settings: Settings | None = None,
        listener: Listener | None = None,
        model_name: str | None = None,
    ) -> None:
        self.paths = paths or get_paths()
        self.settings = settings or load_settings(self.paths)
        self.name = model_name or self.settings.model.name
        answer = os.environ.get(ANSWER_MODEL_ENV, self.settings.model.answer)
        # An explicitly named model serves every role (benchmarks, tests, `--model`).
        self.role_names = {"fast": self.name, "answer": (answer or self.name) if model_name is None else self.name}
        self._others: dict[str, tuple[LoadedModel, PromptCachePool]] = {}  # loaded non-fast models by name
        self._unavailable: dict[str, str] = {}  # model name -> why it could not load
        self._listeners: list[Listener] = [listener] if listener else []
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._loaded: LoadedModel | None = None
        self._pool: PromptCachePool | None = None
        self._current: GenerationHandle | None = None
        self._closing = False  # shut down: background preloads are skipped
        self._pending = 0  # jobs submitted and not yet finished
        self._settled = threading.Condition()

    # -- public API (any thread) --------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @property
    def loaded(self) -> LoadedModel | None:
        return self._loaded

    def ensure_loaded(self, timeout: float | None = None) -> LoadedModel:
        """Load the selected model (importing the embedded default on first use) and wait."""
        return self._call(self._load_selected, timeout)

    def use_model(self, name: str, timeout: float | None = None, role: str = "fast") -> LoadedModel:
        """Switch the model of a role ("fast" or "answer"); its conversation caches are dropped."""

        def switch() -> LoadedModel:
            if role != "fast":
                self.role_names[role] = name
                self._others.pop(name, None)
                self._unavailable.pop(name, None)
                return self._role_model(role)[0]
            self.name = self.role_names["fast"] = name
            self._loaded = None
            self._pool = None
            return self._load_selected()

        return self._call(switch, timeout)

    def preload(self, role: str = "answer") -> None:
        """Load a role's model in the background (on the model thread, after queued work)."""

        def job() -> None:
            if self._closing:  # nobody will use it: a process that is ending must not wait for it
                return
            try:
                self._role_model(role)
            except Exception as exc:  # never take the model thread down; the request will say it
                self._emit(ModelLoading(name=self.role_names.get(role, self.name), progress=1.0, message=str(exc)))

        self._submit(job)

    def role_status(self) -> dict[str, str]:
        """Each role's model name and whether it is loaded, loading later, or unavailable (why)."""
        out = {}
        for role, name in self.role_names.items():
            loaded = self._loaded is not None if name == self.name else name in self._others
            why = self._unavailable.get(name)
            out[role] = f"{name} ({'unavailable: ' + why if why else 'loaded' if loaded else 'not loaded yet'})"
        return out

    def generate(self, request: GenerationRequest) -> GenerationHandle:
        handle = GenerationHandle(request.request_id or f"gen-{next(_ids)}")
        self._submit(lambda: self._generate(request, handle))
        return handle

    def count_tokens(self, text: str) -> int:
        loaded = self.ensure_loaded()
        return len(loaded.tokenizer.encode(text, add_special_tokens=False))

    def render_prompt(self, messages: list[Message], tools: list[dict] | None = None) -> str:
        """The prompt text the chat template makes of these messages."""
        loaded = self.ensure_loaded()
        return _apply_template(loaded.tokenizer, messages, tools)

    def forget_conversation(self, conversation_id: str) -> None:
        def drop() -> None:
            for pool in [self._pool, *(p for _, p in self._others.values())]:
                if pool is not None:
                    pool.drop(conversation_id)

        self._submit(drop)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Cancel what is running and release the model. The thread itself stays parked: MLX's
        thread-local destructors must never run while the interpreter is finalizing (they abort
        the process), and a parked daemon thread simply ends with the process. A background
        load not yet started is dropped; one under way cannot be cut short (see ``wait_idle``)."""
        self._closing = True
        current = self._current
        if current is not None:
            current.cancel()
        if self._thread is not None and self._thread.is_alive():
            try:
                self._call(self._release, timeout)
            except Exception:  # shutting down: nothing left to report to
                pass

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until the model thread has no work left; True when it has none."""
        with self._settled:
            return self._settled.wait_for(lambda: self._pending == 0, timeout)

    def _release(self) -> None:
        self._synchronize()
        self._loaded = None
        self._pool = None
        self._others.clear()
        import gc

        gc.collect()

    # -- the model thread ---------------------------------------------------------------------

    def _submit(self, job: Callable[[], None]) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name="hearth-mlx", daemon=True)
                self._thread.start()
                _live_services.add(self)
        with self._settled:
            self._pending += 1
        self._jobs.put(job)

    def _call(self, fn: Callable[[], Any], timeout: float | None) -> Any:
        future: Future[Any] = Future()

        def job() -> None:
            try:
                future.set_result(fn())
            except BaseException as exc:  # delivered to the caller
                future.set_exception(exc)

        self._submit(job)
        return future.result(timeout)

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                job()
            finally:
                with self._settled:
                    self._pending -= 1
                    self._settled.notify_all()

    def _synchronize(self) -> None:
        """Wait for MLX work still queued on this thread's stream (generate_step computes the
        next token asynchronously), so nothing is in flight when the thread or process ends."""
        if self._loaded is not None:
            import mlx.core as mx

            mx.synchronize()

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not take the model thread down
                pass

    def _load_selected(self) -> LoadedModel:
        if self._loaded is not None:
            return self._loaded
        try:
            self._loaded = self._load(self.name)
        except HearthError as exc:
            self._emit(ErrorEvent(stage="model", message=str(exc)))
            raise
        self._pool = PromptCachePool(self._loaded.model)
        if self.role_names.get("answer", self.name) != self.name:
            self.preload("answer")  # queued behind whatever is waiting; the app starts on the fast model
        return self._loaded

    def _load(self, name: str) -> LoadedModel:
        started = time.perf_counter()
        self._emit(ModelLoading(name=name, progress=0.0, message="finding the model"))
        path = locate_model(
            self.paths,
            name,
            progress=lambda f, msg: self._emit(ModelLoading(name=name, progress=0.8 * f, message=msg)),
        )
        self._emit(ModelLoading(name=name, progress=0.85, message="loading weights"))
        loaded = load_model_dir(path)
        self._emit(
            ModelReady(
                name=name,
                path=str(path),
                device=f"{loaded.device}, {loaded.precision}",
                load_seconds=time.perf_counter() - started,
            )
        )
        return loaded

    def _role_model(self, role: str) -> tuple[LoadedModel, PromptCachePool]:
        """The model (and its prompt caches) for a role; the fast model when the role's is missing."""
        fast = self._load_selected()
        assert self._pool is not None
        name = self.role_names.get(role, self.name)
        if name == self.name or name in self._unavailable:
            return fast, self._pool
        if name not in self._others:
            try:
                loaded = self._load(name)
            except Exception as exc:  # a broken answer model must not stop Hearth answering
                self._unavailable[name] = str(exc)
                self._emit(ModelLoading(name=name, progress=1.0,
                                        message=f"not available, {self.name} answers instead: {exc}"))
                return fast, self._pool
            self._others[name] = (loaded, PromptCachePool(loaded.model))
        return self._others[name]

    def _generate(self, request: GenerationRequest, handle: GenerationHandle) -> None:
        self._current = handle
        try:
            self._run_generation(request, handle)
        except Exception as exc:
            message = str(exc) if isinstance(exc, HearthError) else f"generation failed: {exc}"
            handle.put(ErrorEvent(stage="model", message=message, request_id=handle.request_id))
        finally:
            self._current = None
            handle.end()

    def _run_generation(self, request: GenerationRequest, handle: GenerationHandle) -> None:
        started = time.perf_counter()
        loaded, pool = self._role_model(request.model_role)
        tokenizer = loaded.tokenizer
        limit = min(self.settings.model.context_limit, loaded.context_length)
        prompt, trimmed = _fit_prompt(tokenizer, request, limit)
        handle.put(ContextUsed(tokens=len(prompt), limit=limit, trimmed_tokens=trimmed))
        cache, feed, reused = pool.prepare(request.conversation_id, prompt)
        handle.put(GenerationStarted(request_id=handle.request_id, prompt_tokens=len(prompt), cached_tokens=reused))

        gen_mod = importlib.import_module("mlx_lm.generate")
        sample_utils = importlib.import_module("mlx_lm.sample_utils")
        sampler = sample_utils.make_sampler(temp=request.temperature, top_p=request.top_p)
        processors = list(request.logits_processors(tokenizer)) if request.logits_processors else None
        max_tokens = max(1, min(request.max_tokens, limit - len(prompt)))

        stops = StopMatcher(request.stop)
        pieces: list[str] = []
        generated: list[int] = []
        first_token_at: float | None = None
        finish = "length"
        last: Any = None
        reading_started = time.perf_counter()
        try:  # all but the last prompt token; stream_generate reads that one and answers
            prefill(loaded.model, cache, feed[:-1], stop=lambda: handle.cancelled, sizer=PREFILL_SIZER(),
                    stream=gen_mod.generation_stream, per_layer=PREFILL_PER_LAYER)
        except StoppedReading:  # the cache holds part of the prompt: dropped below, never reused
            finish = "cancelled"
        read_s = time.perf_counter() - reading_started
        stream = None if finish == "cancelled" else gen_mod.stream_generate(
            loaded.model,
            tokenizer,
            feed[-1:],
            max_tokens=max_tokens,
            sampler=sampler,
            logits_processors=processors,
            prompt_cache=cache,
        )
        try:
            for response in stream or ():
                last = response
                if first_token_at is None:
                    read_s += 1 / max(float(response.prompt_tps), 1e-9)  # the last prompt token
                    first_token_at = time.perf_counter()
                generated.append(int(response.token))  # each response carries a new token
                if handle.cancelled:
                    finish = "cancelled"
                    break
                text = stops.feed(response.text)
                if text:
                    pieces.append(text)
                    handle.put(Token(request_id=handle.request_id, text=text))
                if stops.stopped:
                    finish = "stop"
                    break
                if response.finish_reason is not None:
                    finish = response.finish_reason
        finally:
            if stream is not None:
                stream.close()
            self._synchronize()
        tail = stops.flush()
        if tail and finish != "cancelled":
            pieces.append(tail)
            handle.put(Token(request_id=handle.request_id, text=tail))
        offset = cache[0].offset if cache and hasattr(cache[0], "offset") else 0
        if request.conversation_id is not None:
            if len(prompt) <= offset <= len(prompt) + len(generated):
                pool.record(request.conversation_id, generated[: offset - len(prompt)])
            else:  # the cache holds tokens we cannot account for: start this conversation over
                pool.drop(request.conversation_id)
        now = time.perf_counter()
        handle.put(
            GenerationDone(
                request_id=handle.request_id,
                text="".join(pieces),
                finish_reason=finish,
                prompt_tokens=len(prompt),
                cached_tokens=reused,
                generation_tokens=len(generated),
                time_to_first_token_s=(first_token_at or now) - started,
                prompt_tps=len(prompt[reused:]) / read_s if last is not None else 0.0,
                generation_tps=float(last.generation_tps) if last is not None else 0.0,
                peak_memory_gb=float(last.peak_memory) if last is not None else 0.0,
            )
        )


def _apply_template(tokenizer: Any, messages: list[Message], tools: list[dict] | None) -> str:
    kwargs: dict[str, Any] = {"add_generation_prompt": True, "tokenize": False}
    if tools:
        kwargs["tools"] = tools
    return str(tokenizer.apply_chat_template(messages, **kwargs))


def _encode(tokenizer: Any, request: GenerationRequest, messages: list[Message]) -> list[int]:
    text = _apply_template(tokenizer, messages, request.tools) + request.assistant_prefix
    return list(tokenizer.encode(text, add_special_tokens=False))


def _fit_prompt(tokenizer: Any, request: GenerationRequest, limit: int) -> tuple[list[int], int]:
    """Encode the conversation; drop the oldest turns (never the system prompt or the last message)
    until the prompt leaves room for the answer. Returns (tokens, tokens trimmed away)."""
    messages = list(request.messages)
    prompt = _encode(tokenizer, request, messages)
    full = len(prompt)
    budget = max(limit - min(request.max_tokens, limit // 2), 1)
    while len(prompt) > budget:
        droppable = [i for i, m in enumerate(messages[:-1]) if m.get("role") != "system"]
        if not droppable:
            break
        del messages[droppable[0]]
        prompt = _encode(tokenizer, request, messages)
    if len(prompt) > budget:  # one message alone is too long: keep its end
        prompt = prompt[-budget:]
    return prompt, full - len(prompt)
