"""Agent benchmark, measured side by side in one run on the real default model.

1. Tool-call validity: the same requests, with Hearth's constrained decoding and without it (the
   model writes ``Arguments: {json}`` freely after the same prompt). Share of tool requests that
   become a call that parses and validates against the tool's schema (goal: 100% constrained),
   and how often the model chose sensibly (the right tool, or answering a plain question).
2. Decode speed with the grammar processor vs without, same prompts (goal: ratio >= 0.9).
3. The processor's own cost per step on random logits over the 49k vocabulary (ms/step).

Usage: .venv/bin/python bench/agent.py [--reps 1] [--json bench/results/agent.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (request, what a sensible assistant would do: a tool name or "answer")
REQUESTS = [
    ("Delete the file ~/notes.txt", {"delete_files"}),
    ("Send an email to sam@example.com saying I will be late", {"send_mail", "draft_mail"}),
    ("Show me what is in my Downloads folder", {"list_files", "search_files"}),
    ("Add a meeting with Alex tomorrow at 3pm to my calendar", {"create_event"}),
    ("Run the command ls -la in my home folder", {"run_command"}),
    ("Move ~/report.pdf to ~/Documents", {"move_file"}),
    ("What is the capital of France?", {"answer"}),
    ("Hi, how are you?", {"answer"}),
    ("Tell me a joke", {"answer"}),
]
MAX_TOKENS = 96


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "agent.json"))
    args = parser.parse_args()

    import numpy as np

    from app.agent import grammar, prompt, toolcall
    from app.config import Settings
    from app.paths import get_paths
    from app.runtime.api import GenerationRequest
    from app.runtime.registry import ensure_default_model
    from app.runtime.service import ModelService
    from app.tools.base import validate
    from app.tools.registry import default_tools

    paths = get_paths().ensure()
    model_dir = ensure_default_model(paths)
    settings = Settings()
    service = ModelService(paths=paths, settings=settings, model_name=str(model_dir))
    loaded = service.ensure_loaded()
    tools = list(default_tools(settings))
    schemas = {t.name: t.parameters for t in tools}
    system = prompt.system_prompt(tools, routed=True)

    def run(text: str, constrained: bool) -> tuple[bool, float, str, str]:
        factory = None
        if constrained:
            factory = grammar.processor_factory(lambda: grammar.routed_call_grammar(schemas), max_tokens=MAX_TOKENS,
                                                copy_from=text)
        request = GenerationRequest(messages=[{"role": "system", "content": system}, {"role": "user", "content": text}],
                                    max_tokens=MAX_TOKENS, temperature=0.0, logits_processors=factory,
                                    assistant_prefix="Action:")
        done = service.generate(request).result()
        parsed = toolcall.parse_routed("Action:" + done.text)
        ok = isinstance(parsed, toolcall.Answer) or (
            isinstance(parsed, toolcall.Call) and parsed.tool in schemas and not validate(schemas[parsed.tool], parsed.arguments)
        )
        chose = "answer" if isinstance(parsed, toolcall.Answer) else getattr(parsed, "tool", "invalid")
        return ok, done.generation_tps, done.text, chose

    rows = []
    for rep in range(args.reps):
        for text, expected in REQUESTS:
            for constrained in ((True, False) if rep % 2 == 0 else (False, True)):
                ok, tps, out, chose = run(text, constrained)
                right = ok and chose in expected
                rows.append({"request": text, "constrained": constrained, "valid": ok, "right_choice": right,
                             "chose": chose, "tps": tps, "text": out[:200]})
                print(f"{'grammar' if constrained else 'free   '} valid={ok!s:5} right={right!s:5} {tps:6.1f} tok/s  "
                      f"{out[:80]!r}", flush=True)

    def summary(flag: bool) -> dict:
        sel = [r for r in rows if r["constrained"] is flag]
        calls = [r for r in sel if "answer" not in next(e for t, e in REQUESTS if t == r["request"])]
        return {"valid_share": sum(r["valid"] for r in sel) / len(sel),
                "valid_tool_calls_share": sum(r["valid"] and r["chose"] != "answer" for r in calls) / len(calls),
                "right_choice_share": sum(r["right_choice"] for r in sel) / len(sel),
                "median_tps": statistics.median(r["tps"] for r in sel)}

    on, off = summary(True), summary(False)

    table = grammar.token_table(loaded.tokenizer)
    import mlx.core as mx

    rng = np.random.default_rng(0)
    logits = mx.array(rng.normal(size=(1, table.size)).astype(np.float32))
    processor = grammar.GrammarProcessor(grammar.routed_call_grammar({"write_file": schemas["write_file"]}, answer=False), table)
    for ch in ' write_file\nArguments: {"path": "':
        processor.cursor.feed_char(ch)
    processor.calls = 1
    token = mx.array([int(table.by_string["a"][0])])
    start = time.perf_counter()
    steps = 200
    for _ in range(steps):
        mx.eval(processor(token, logits))
    in_string_ms = (time.perf_counter() - start) / steps * 1000
    start = time.perf_counter()
    for _ in range(steps):
        mx.eval(mx.where(mx.array(table.valid), logits, -1e9))
    bare_mask_ms = (time.perf_counter() - start) / steps * 1000

    result = {
        "requests": len(REQUESTS), "reps": args.reps, "max_tokens": MAX_TOKENS,
        "constrained": on, "unconstrained": off,
        "tps_ratio_constrained_over_free": on["median_tps"] / off["median_tps"] if off["median_tps"] else None,
        "processor_ms_per_step_in_string": in_string_ms, "bare_mask_ms_per_step": bare_mask_ms,
        "rows": rows,
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=1))
    service.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
