"""Answer benchmark: the question set over the personal corpus, today's read path side by side
with the old agent (commit e327dfa), same corpus, same model.

Per kind: answers correct, a supporting passage cited, answers stating unsupported specifics
(a number, date, time, amount, code, phone number, address or name that occurs nowhere in the
corpus or the question), and for the "none" kind honest "couldn't find" answers; time to first
token and to the full answer (medians). Each side runs in its own process with its own
HEARTH_HOME, ingested by its own code.

Usage:
  git worktree add /tmp/answers-old e327dfa   # once (copy app/runtime/native/*.so into it too)
  .venv/bin/python bench/answers.py [--old /tmp/answers-old] [--answer-model NAME] [--only-new]
      [--limit N] [--timeout 45] [--json bench/results/answers.json] [--set main|heldout|session]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# run as a script, bench/ itself is first on the path, and bench/memory.py would shadow the package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def child(config_path: str) -> int:
    """Run the questions through whichever Hearth is on PYTHONPATH; one JSON line per answer."""
    config = json.loads(Path(config_path).read_text())
    from app.core import HearthCore

    core = HearthCore()
    agent = core.agent
    for n, turns in enumerate(config["questions"]):
        *before, text = turns.split("\n")  # earlier turns of the same conversation, then the one judged
        for earlier in before:
            for _event in agent.start_turn(earlier, conversation_id=f"bench-{n}"):
                pass
        started = time.perf_counter()
        turn = agent.start_turn(text, conversation_id=f"bench-{n}")
        first = None
        final = ""
        citations: list[list[str]] = []
        kinds: list[str] = []
        tools: list[str] = []
        method = ""
        deadline = started + config["timeout"]
        for event in turn:
            kinds.append(event.kind)
            if event.kind == "Token" and first is None:
                first = time.perf_counter() - started
            elif event.kind == "FinalAnswer":
                final = event.text
                citations = [[c.source_type, c.title] for c in event.citations]
            elif event.kind == "ActionProposed":
                tools.append(event.tool)
            elif event.kind == "AnswerChecked":
                method = event.method
            if time.perf_counter() > deadline and not turn.cancelled:
                turn.cancel()
        if not final:  # cancelled or failed: what streamed is what the user saw
            final = "".join(e.text for e in turn.events if e.kind == "Token")
        total = time.perf_counter() - started
        print(json.dumps({"question": text, "answer": final, "citations": citations, "ttft": first, "total": total,
                          "tools": tools, "method": method, "timed_out": total > config["timeout"]}), flush=True)
    core.shutdown()
    return 0


def _ingest(code: Path, home: Path, corpus: object) -> None:
    env = {**os.environ, "PYTHONPATH": str(code), "HEARTH_HOME": str(home)}
    for path, kind in corpus.sources:  # type: ignore[attr-defined]
        flag = [] if kind == "documents" else [f"--{'imessage' if kind == 'imessage' else kind}"]
        subprocess.run([sys.executable, "-m", "app", "memory", "ingest", *flag, str(path)], env=env, check=True,
                       capture_output=True, cwd=code)


def _run_side(code: Path, home: Path, questions: list[str], timeout: float, answer_model: str) -> list[dict]:
    config = home / "bench-config.json"
    config.write_text(json.dumps({"questions": questions, "timeout": timeout}))
    env = {**os.environ, "PYTHONPATH": str(code), "HEARTH_HOME": str(home), "HEARTH_ANSWER_MODEL": answer_model}
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(config)], env=env,
                          capture_output=True, text=True, cwd=code)
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or len(rows) != len(questions):
        sys.stderr.write(proc.stderr[-4000:])
    return rows


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(name: str, qs: list, rows: list[dict], corpus: object) -> dict:
    from app.answer import grounding
    from bench.question_set import corpus_support, judge

    support = grounding.Support(corpus_support(corpus))  # type: ignore[arg-type]
    kinds: dict[str, dict] = {}
    details = []
    for q, row in zip(qs, rows, strict=False):
        v = judge(q, row["answer"], [tuple(c) for c in row["citations"]], corpus, support)  # type: ignore[arg-type]
        k = kinds.setdefault(q.kind, {"n": 0, "correct": 0, "cited": 0, "unsupported": 0, "honest": 0,
                                      "ttft": [], "total": [], "actions": 0})
        k["n"] += 1
        k["correct"] += v.correct
        k["cited"] += v.cited and q.kind != "none"
        k["unsupported"] += bool(v.unsupported)
        k["honest"] += v.honest and q.kind == "none"
        k["actions"] += bool(row["tools"])
        if row["ttft"] is not None:
            k["ttft"].append(row["ttft"])
        k["total"].append(row["total"])
        details.append({**row, "kind": q.kind, "correct": v.correct, "cited_ok": v.cited, "unsupported": v.unsupported})
    total = {"n": sum(k["n"] for k in kinds.values())}
    for key in ("correct", "cited", "unsupported", "honest", "actions"):
        total[key] = sum(k[key] for k in kinds.values())
    total["ttft"] = _median([t for k in kinds.values() for t in k["ttft"]])
    total["total"] = _median([t for k in kinds.values() for t in k["total"]])
    for k in kinds.values():
        k["ttft"], k["total"] = _median(k["ttft"]), _median(k["total"])
    return {"name": name, "kinds": kinds, "all": total, "details": details}


def table(results: list[dict]) -> str:
    lines = ["| kind | n | " + " | ".join(f"{r['name']}: correct / cited / unsupported / TTFT / full" for r in results)
             + " |", "|---|---|" + "---|" * len(results)]
    kinds = list(results[0]["kinds"]) + ["all"]
    for kind in kinds:
        cells = []
        n = 0
        for r in results:
            k = r["all"] if kind == "all" else r["kinds"].get(kind)
            if not k:
                cells.append("–")
                continue
            n = k["n"]
            extra = f" (honest {k['honest']})" if kind == "none" else ""
            cells.append(f"{k['correct']}/{k['n']}{extra} / {k['cited']} / {k['unsupported']} / "
                         f"{k['ttft']:.2f} s / {k['total']:.2f} s")
        lines.append(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--old", default="/tmp/answers-old")
    parser.add_argument("--only-new", action="store_true")
    parser.add_argument("--old-answer-model", default="",
                        help="the old side's answer model ('' = its fast model: e327dfa had no other)")
    parser.add_argument("--answer-model", default="", help="the new side's answer model ('' = the fast model)")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=45.0)
    parser.add_argument("--json", default="")
    parser.add_argument("--work", default="")
    parser.add_argument("--set", default="main", choices=("main", "heldout", "session"),
                        help="main: bench/question_set.py; heldout: bench/question_set_heldout.py; "
                             "session: bench/question_set_session.py (a new user's first turns)")
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    sys.path.insert(0, str(ROOT))
    from bench.personal_corpus import build
    if args.set == "heldout":
        from bench.question_set_heldout import questions
    elif args.set == "session":
        from bench.question_set_session import questions
    else:
        from bench.question_set import questions

    work = Path(args.work or tempfile.mkdtemp(prefix="hearth-answers-"))
    corpus = build(work / "corpus", dt.date.today())
    qs = questions(corpus)
    if args.limit:
        qs = qs[: args.limit]
    texts = [q.text for q in qs]
    sides = [("today", ROOT, work / "home-new", args.answer_model)]
    if not args.only_new:
        label = subprocess.run(["git", "-C", args.old, "rev-parse", "--short=7", "HEAD"], capture_output=True,
                               text=True).stdout.strip() or "old"
        sides.append((label, Path(args.old), work / "home-old", args.old_answer_model))
    results = []
    for name, code, home, model in sides:
        home.mkdir(parents=True, exist_ok=True)
        started = time.time()
        _ingest(code, home, corpus)
        rows = _run_side(code, home, texts, args.timeout, model)
        print(f"{name}: {len(rows)} answers in {time.time() - started:.0f} s", file=sys.stderr)
        results.append(report(name, qs[: len(rows)], rows, corpus))
    print(table(results))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
