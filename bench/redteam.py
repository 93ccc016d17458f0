"""The gate's red team, side by side with the classifier before issue #19 (commit e327dfa).

    python bench/redteam.py            # shell commands: today vs e327dfa
    python bench/redteam.py --tools    # also ~75 tool calls through the gate: today vs e327dfa

Per family: cases, unapproved (must ask, yet read-only: it would run unasked), under-tiered (a
credential or destructive family given a lower tier), and false alarms on harmless commands. Runs in
a temporary HOME and HEARTH_HOME; the real home is never read.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import types
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OLD_COMMIT = "e327dfa"


def _isolate() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="hearth-redteam-"))
    (tmp / "home").mkdir()
    os.environ["HOME"] = str(tmp / "home")
    os.environ["HEARTH_HOME"] = str(tmp / "hearth-home")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ.pop(var, None)
    return tmp


def load_old_classifier(commit: str = OLD_COMMIT) -> Callable[..., object]:
    """``classify_shell`` as it was at ``commit`` (its shell.py, shell_parse.py and pathrisk.py)."""
    modules: dict[str, types.ModuleType] = {}
    for name in ("pathrisk", "shell_parse", "shell"):
        source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:app/policy/{name}.py"],
                                check=True, capture_output=True, text=True).stdout
        for other in ("pathrisk", "shell_parse"):
            source = source.replace(f"from app.policy.{other} import", f"from _old_{other} import")
        source = source.replace("from app.policy import pathrisk", "import _old_pathrisk as pathrisk")
        module = types.ModuleType(f"_old_{name}")
        sys.modules[module.__name__] = module
        exec(compile(source, f"{commit}:app/policy/{name}.py", "exec"), module.__dict__)
        modules[name] = module
    return modules["shell"].classify_shell  # type: ignore[no-any-return]


def measure(classify: Callable[[str, Path], object], cases: list, project: Path) -> dict[str, list[int]]:
    """family -> [cases, unapproved, under-tiered, false alarms]."""
    from app.policy.tiers import Tier

    out: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
    for case in cases:
        family = case.family.split(" (")[0]
        row = out[family]
        row[0] += 1
        try:
            tier = classify(case.command, project).tier  # type: ignore[attr-defined]
        except Exception:
            tier = Tier.UNKNOWN
        if case.harmless:
            row[3] += tier != Tier.READ_ONLY
        elif tier == Tier.READ_ONLY:
            row[1] += 1
        elif case.strict and tier < case.min_tier:
            row[2] += 1
    return out


def _table(new: dict[str, list[int]], old: dict[str, list[int]]) -> str:
    lines = ["| family | cases | unapproved now (before) | under-tiered now (before) | false alarms now (before) |",
             "|---|---:|---:|---:|---:|"]
    total_new, total_old = [0, 0, 0, 0], [0, 0, 0, 0]
    for family in sorted(new, key=lambda f: (f.startswith("harmless"), f)):
        n, o = new[family], old.get(family, [0, 0, 0, 0])
        total_new = [a + b for a, b in zip(total_new, n, strict=True)]
        total_old = [a + b for a, b in zip(total_old, o, strict=True)]
        lines.append(f"| {family} | {n[0]} | {n[1]} ({o[1]}) | {n[2]} ({o[2]}) | {n[3]} ({o[3]}) |")
    lines.append(f"| **all** | {total_new[0]} | {total_new[1]} ({total_old[1]}) | {total_new[2]} ({total_old[2]}) "
                 f"| {total_new[3]} ({total_old[3]}) |")
    return "\n".join(lines)


def tool_rows(tmp: Path) -> tuple[dict[str, list[int]], list[str]]:
    """Each tool case through the gate with no approver, in the temporary home with token stores
    planted: family -> [cases, unapproved, under-tiered], and the failing cases. 'Unapproved': it ran
    unasked where it must ask, or ran unasked and its output named a token store or held its text."""
    from tests.policy.redteam_cases import run_tool_cases

    rows: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    failing: list[str] = []
    for outcome in run_tool_cases(tmp):
        case = outcome.case
        row = rows[case.family]
        row[0] += 1
        if outcome.unapproved:
            row[1] += 1
            failing.append(f"unapproved: {case.tool} {case.arguments} {list(outcome.reached) or ''}")
        elif outcome.under_tiered:
            row[2] += 1
            failing.append(f"under-tiered ({outcome.tier.label} < {case.min_tier.label}): {case.tool} {case.arguments}")
    return dict(rows), failing


_OLD_TOOLS = """
import json, os, sys, tempfile
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[2]]
tmp = Path(tempfile.mkdtemp(prefix="hearth-redteam-old-"))
(tmp / "home").mkdir()
os.environ["HOME"] = str(tmp / "home")
os.environ["HEARTH_HOME"] = str(tmp / "hearth-home")
from bench.redteam import tool_rows
print(json.dumps(tool_rows(tmp)[0]))
"""


def old_tool_rows(commit: str = OLD_COMMIT) -> dict[str, list[int]]:
    """The same tool cases through the gate and tools of ``commit`` (its app/ and memory/ from git,
    run in a child process with today's cases)."""
    with tempfile.TemporaryDirectory(prefix="hearth-old-tree-") as old:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "app", "memory"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        out = subprocess.run([sys.executable, "-c", _OLD_TOOLS, old, str(ROOT)], check=True, capture_output=True,
                             text=True, env=env).stdout
    return {k: list(v) for k, v in json.loads(out.strip().splitlines()[-1]).items()}


def run_tools(tmp: Path) -> str:
    """The tool table, today and (in brackets) at e327dfa, with today's failing cases listed."""
    new, failing = tool_rows(tmp)
    old = old_tool_rows()
    lines = ["| tool family | cases | unapproved now (before) | under-tiered now (before) |", "|---|---:|---:|---:|"]
    total_new, total_old = [0, 0, 0], [0, 0, 0]
    for family, n in new.items():
        o = old.get(family, [0, 0, 0])
        total_new = [a + b for a, b in zip(total_new, n, strict=True)]
        total_old = [a + b for a, b in zip(total_old, o, strict=True)]
        lines.append(f"| {family} | {n[0]} | {n[1]} ({o[1]}) | {n[2]} ({o[2]}) |")
    lines.append(f"| **all** | {total_new[0]} | {total_new[1]} ({total_old[1]}) | {total_new[2]} ({total_old[2]}) |")
    return "\n".join(lines) + ("\n\n" + "\n".join(f"- {f}" for f in failing) if failing else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", action="store_true", help="also run the tool-call cases through the gate")
    args = parser.parse_args()
    tmp = _isolate()
    sys.path.insert(0, str(ROOT))
    from app.policy.shell import classify_shell
    from tests.policy.redteam_cases import all_cases, make_workspace

    project = make_workspace(tmp)
    cases = all_cases()
    old = measure(load_old_classifier(), cases, project)
    new = measure(lambda c, p: classify_shell(c, p, git_safe=True), cases, project)
    print(f"Shell commands: today vs {OLD_COMMIT} (in brackets)\n")
    print(_table(new, old))
    if args.tools:
        print(f"\nTool calls through the gate: today vs {OLD_COMMIT} (in brackets)\n")
        print(run_tools(tmp))


if __name__ == "__main__":
    main()
