"""Check a read-only command against its positive grammar (:mod:`app.policy.shell_specs`).

Every option must be listed for the program, every value must be of its kind, and every operand is
checked by kind: paths are resolved and matched (case-folded) against the secret stores; a folder
that is walked recursively must not contain one; globs, braces, ``..`` and ``~user`` that can reach
outside the working folder ask. Anything that does not fit raises the risk to "unknown" (asks).
"""

from __future__ import annotations

import contextvars
import glob
import os
import re
from pathlib import Path

from app.policy import pathrisk, secret_stores
from app.policy.shell_specs import (
    FIND_GLOBAL_OPTIONS,
    FIND_TESTS_NO_VALUE,
    FIND_TESTS_WITH_VALUE,
    GIT_DESTRUCTIVE,
    GIT_NET,
    GIT_READ,
    GIT_REVERSIBLE,
    NONE,
    NUM,
    PATH,
    PATTERN_THEN_PATHS,
    SED_FLAGS,
    SPECS,
    TEXT,
    TEXT_THEN_PATHS,
)
from app.policy.tiers import Risk, Tier

git_guarded: contextvars.ContextVar[bool] = contextvars.ContextVar("git_guarded", default=False)

_GLOB = re.compile(r"[*?\[]")
_BRACE = re.compile(r"\{[^{}]*(,|\.\.)[^{}]*\}")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?[kKmMgGbBcwsdh]?$")
_SED_SIMPLE = re.compile(r"^(\d+(,\d+)?p|\$p|s/[^/\\\n;]*/[^/\\\n;]*/[gip0-9]*|/[^/\\\n;]*/p)$")


def _ask(risk: Risk, why: str) -> None:
    risk.raise_to(Tier.UNKNOWN, why)


def is_secret(path: Path) -> bool:
    """A credential store (matched case-folded: a macOS disk ignores case)."""
    return pathrisk.is_credential_path(path) or secret_stores.is_secret(path, fold=True)


def holds_secret(folder: Path) -> str | None:
    """The first secret store inside ``folder`` (case-folded), when a recursive read would reach it."""
    text = str(folder).casefold().rstrip("/") + "/"
    for store, what in secret_stores.store_paths(every_system=True):
        if str(store).casefold().startswith(text) or str(store).casefold() + "/" == text:
            return f"{pathrisk.display(store)} ({what})"
    return None


def check_read_path(word: str, cwd: str, risk: Risk, *, recursive: bool = False, name: str = "") -> None:
    """The risk of reading the path operand ``word``."""
    if word == "-":
        return
    if word.startswith("~") and not (word == "~" or word.startswith("~/")):
        _ask(risk, f"`{word}` points into another user's home folder.")
        return
    if ".." in word.split("/"):
        _ask(risk, f"`{word}` goes up out of the working folder (`..`).")
    if _BRACE.search(word):
        _ask(risk, f"`{word}` uses brace expansion, which can name files Hearth cannot check.")
        return
    if _GLOB.search(word):
        if "/" in word.rstrip("/") or word.startswith(("~", ".")):
            _ask(risk, f"`{word}` is a pattern that can reach files outside the working folder.")
            return
        for match in glob.glob(os.path.join(glob.escape(cwd), word)):
            check_read_path(os.path.basename(match), cwd, risk, recursive=recursive, name=name)
        return
    path = pathrisk.resolve(word, cwd)
    if is_secret(path):
        risk.raise_to(Tier.CREDENTIALS, f"It reads {pathrisk.display(path)}, which holds credentials.")
    elif recursive:
        inside = holds_secret(path)
        if inside:
            risk.raise_to(Tier.CREDENTIALS, f"`{name or 'It'}` searches {pathrisk.display(path)}, which holds {inside}.")


def _check_text(word: str, quoted: bool, risk: Risk) -> None:
    if not quoted and (_GLOB.search(word) or _BRACE.search(word)) and ("/" in word or word.startswith(("~", "."))):
        _ask(risk, f"`{word}` is a pattern that can reach files outside the working folder.")


def _check_value(kind: str, value: str, cwd: str, risk: Risk, option: str) -> None:
    if kind == NUM and not _NUMBER.match(value):
        _ask(risk, f"The value of `{option}` is not a plain number.")
    elif kind == PATH:
        check_read_path(value, cwd, risk)


def check_spec(name: str, args: list[str], dyn: list[bool], quoted: list[bool], cwd: str, risk: Risk) -> None:
    """Raise ``risk`` unless every option and operand of ``name`` fits its spec."""
    spec = SPECS[name]
    if any(dyn):
        _ask(risk, f"`{name}` gets an argument only known when it runs (a variable or substitution).")
        for word, d in zip(args, dyn, strict=False):
            if not d and not word.startswith("-") and ("/" in word or word.startswith(("~", "."))):
                check_read_path(word, cwd, risk, name=name)
        return
    if name in ("test", "["):
        _check_test(name, args, risk)
        return
    operands: list[tuple[str, bool]] = []
    pattern_given = False
    recursive = spec.recursive
    i, dashdash = 0, False
    while i < len(args):
        a = args[i]
        i += 1
        if dashdash or a == "-" or not a.startswith("-") or (a[1:2].isdigit() and not spec.numeric_flag and operands):
            operands.append((a, quoted[i - 1] if i - 1 < len(quoted) else False))
            continue
        if a == "--":
            dashdash = True
            continue
        if a.startswith("--"):
            opt, eq, val = a.partition("=")
            if opt in spec.long and not eq:
                recursive = recursive or opt in spec.recursive_long
                continue
            if opt in spec.values:
                if not eq:
                    if i >= len(args):
                        _ask(risk, f"`{name} {opt}` is missing its value.")
                        return
                    val, i = args[i], i + 1
                _check_value(spec.values[opt], val, cwd, risk, opt)
                pattern_given = pattern_given or opt in spec.pattern_options
                continue
            _ask(risk, f"`{name} {opt}` is not an option Hearth knows to be safe.")
            continue
        if a in spec.values:
            if i >= len(args):
                _ask(risk, f"`{name} {a}` is missing its value.")
                return
            _check_value(spec.values[a], args[i], cwd, risk, a)
            pattern_given = pattern_given or a in spec.pattern_options
            i += 1
            continue
        if spec.numeric_flag and a[1:].isdigit():
            continue
        for k, letter in enumerate(a[1:], start=1):
            opt = "-" + letter
            if letter in spec.flags:
                recursive = recursive or letter in spec.recursive_flags
                continue
            if opt in spec.values:
                val = a[k + 1 :]
                if not val:
                    if i >= len(args):
                        _ask(risk, f"`{name} {opt}` is missing its value.")
                        return
                    val, i = args[i], i + 1
                _check_value(spec.values[opt], val, cwd, risk, opt)
                pattern_given = pattern_given or opt in spec.pattern_options
                break
            _ask(risk, f"`{name} {opt}` is not an option Hearth knows to be safe.")
            break
    _check_operands(name, spec.operands, spec.max_operands, operands, pattern_given, recursive, cwd, risk)


def _check_operands(name: str, kind: str, most: int | None, operands: list[tuple[str, bool]], pattern_given: bool,
                    recursive: bool, cwd: str, risk: Risk) -> None:
    if most is not None and len(operands) > most:
        _ask(risk, f"`{name}` is given more operands than it reads; an extra one may be written.")
    if kind == NONE and operands:
        _ask(risk, f"`{name}` with an operand may change something.")
        return
    if name == "date" and operands and not operands[0][0].startswith("+"):
        _ask(risk, "`date` with a value sets the clock.")
    paths = operands
    if kind in (TEXT,):
        for word, q in operands:
            _check_text(word, q, risk)
        return
    if kind == TEXT_THEN_PATHS or (kind == PATTERN_THEN_PATHS and not pattern_given):
        paths = operands[1:]
    if not paths and recursive:
        check_read_path(".", cwd, risk, recursive=True, name=name)
    for word, _q in paths:
        check_read_path(word, cwd, risk, recursive=recursive, name=name)


_TEST_UNARY = frozenset(["-e", "-f", "-d", "-s", "-r", "-w", "-x", "-z", "-n", "-L", "-h", "-b", "-c", "-p", "-S", "-t", "-g", "-u", "-k", "-O", "-G", "-N"])
_TEST_BINARY = frozenset(["=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef", "!", "-a", "-o", "(", ")"])


def _check_test(name: str, args: list[str], risk: Risk) -> None:
    words = args[:-1] if name == "[" and args[-1:] == ["]"] else args
    for w in words:
        if w.startswith("-") and w not in _TEST_UNARY and w not in _TEST_BINARY and not w[1:].isdigit():
            _ask(risk, f"`{name} {w}` is not a test Hearth knows to be safe.")
        elif "[" in w or "$" in w or "`" in w:
            _ask(risk, f"`{name}` is given `{w}`, which the shell may evaluate as code.")


def check_sed(args: list[str], dyn: list[bool], quoted: list[bool], cwd: str, risk: Risk) -> None:
    """sed reads only with one plain print or substitute program; e, w, r and the rest ask."""
    if any(dyn):
        _ask(risk, "`sed` gets an argument only known when it runs.")
        return
    program_seen = False
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and a != "-":
            if a not in SED_FLAGS:
                _ask(risk, f"`sed {a}` is not an option Hearth knows to be safe.")
                return
            if a == "-e":
                if i + 1 >= len(args) or program_seen or not _SED_SIMPLE.match(args[i + 1]):
                    _ask(risk, "The sed program may write files or run commands; Hearth only lets plain printing "
                               "and substitution run unasked.")
                    return
                program_seen = True
                i += 2
                continue
        elif not program_seen:
            if not _SED_SIMPLE.match(a):
                _ask(risk, "The sed program may write files or run commands; Hearth only lets plain printing "
                           "and substitution run unasked.")
                return
            program_seen = True
        else:
            check_read_path(a, cwd, risk, name="sed")
        i += 1


def check_find(args: list[str], dyn: list[bool], cwd: str, risk: Risk) -> None:
    """find reads only with selecting and printing primaries (no -exec, -delete, -fprint, -ok)."""
    if any(dyn):
        _ask(risk, "`find` gets an argument only known when it runs.")
        return
    i = 0
    while i < len(args) and args[i] in FIND_GLOBAL_OPTIONS:
        i += 1
    roots = []
    while i < len(args) and not args[i].startswith("-") and args[i] not in ("!", "(", ")"):
        roots.append(args[i])
        i += 1
    for root in roots or ["."]:
        check_read_path(root, cwd, risk, recursive=True, name="find")
    while i < len(args):
        a = args[i]
        if a in FIND_TESTS_NO_VALUE:
            i += 1
        elif a in FIND_TESTS_WITH_VALUE:
            if a in ("-newer", "-samefile") and i + 1 < len(args):
                check_read_path(args[i + 1], cwd, risk)
            i += 2
        else:
            _ask(risk, f"`find {a}` is not a test Hearth knows to be safe (it may run a command or write a file).")
            return


# -- git --------------------------------------------------------------------------------------

# Config that names a program, a pager or another config file: a repository can make git run code.
_GIT_RISKY_CONFIG = re.compile(
    r"^\s*(fsmonitor|hookspath|pager|external|textconv|command|editor|sshcommand|askpass|process|clean|smudge|"
    r"program|helper|cmd|tool|gpgprogram|difftool|mergetool|worktree)\s*=|"
    r"^\s*\[\s*(alias|include|includeif|pager|filter|diff\s|gpg|credential|core\s+\"?fsmonitor)",
    re.I | re.M)

_GIT_OVERRIDES = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", "/dev/null"),
    ("core.pager", "cat"),
    ("diff.external", ""),
    ("core.sshCommand", "false"),
    ("core.askPass", ""),
    ("credential.helper", ""),
    ("protocol.allow", "never"),
)


def git_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the shell tool runs commands with: git's hooks, fsmonitor, pagers, external
    diff, outside config and network off (config from the environment has the priority of ``-c``)."""
    env = {k: v for k, v in (base if base is not None else os.environ).items()
           if not (k.startswith("GIT_") or k in ("PAGER", "MANPAGER", "LESSOPEN", "LESSCLOSE", "EDITOR", "VISUAL"))}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_PAGER": "cat", "PAGER": "cat",
                "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_CONFIG_COUNT": str(len(_GIT_OVERRIDES))})
    for n, (key, value) in enumerate(_GIT_OVERRIDES):
        env[f"GIT_CONFIG_KEY_{n}"] = key
        env[f"GIT_CONFIG_VALUE_{n}"] = value
    return env


def safe_git_argv(args: list[str]) -> list[str]:
    """``git ARGS`` with the same overrides on the command line, for callers that run git directly."""
    argv = ["git", "--no-pager"]
    for key, value in _GIT_OVERRIDES:
        argv += ["-c", f"{key}={value}"]
    return argv + list(args)


def _repo_config(cwd: str) -> Path | None:
    """The repository's own config file for ``cwd`` (None outside a repository)."""
    here = Path(cwd)
    for folder in (here, *here.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return dot / "config"
        if dot.is_file():
            text = dot.read_text(errors="replace").strip()
            gitdir = Path(text.removeprefix("gitdir:").strip())
            gitdir = gitdir if gitdir.is_absolute() else folder / gitdir
            common = gitdir / "commondir"
            if common.is_file():
                c = Path(common.read_text().strip())
                gitdir = c if c.is_absolute() else gitdir / c
            return gitdir / "config"
    return None


def check_git(args: list[str], dyn: list[bool], cwd: str, risk: Risk) -> None:
    """git reads unasked only for listed subcommands and options, with the tool's overrides applied,
    and in a repository whose own config names no program."""
    if any(dyn):
        _ask(risk, "`git` gets an argument only known when it runs.")
        return
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a in ("--no-pager", "-P", "--no-optional-locks"):
            i += 1
            continue
        if a == "-C" and i + 1 < len(args) and not args[i + 1].startswith(("/", "~")) and ".." not in args[i + 1].split("/"):
            cwd = str(pathrisk.resolve(args[i + 1], cwd))
            i += 2
            continue
        _ask(risk, f"`git {a}` changes git's configuration, folder or programs for this run.")
        return
    sub = args[i] if i < len(args) else ""
    rest = args[i + 1 :]
    allowed = GIT_READ.get(sub)
    if allowed is None:
        if sub not in GIT_NET | GIT_DESTRUCTIVE | GIT_REVERSIBLE:
            _ask(risk, f"Hearth does not know `git {sub}` to be safe.")
        return  # otherwise shell.py gave it its tier
    if sub == "stash" and rest != ["list"]:
        return
    if sub == "remote" and any(not a.startswith("-") for a in rest):
        return
    if sub in ("branch", "tag") and any(not a.startswith("-") for a in rest) and not {"-l", "--list"} & set(rest):
        return
    dashdash = False
    j = 0
    while j < len(rest):
        a = rest[j]
        j += 1
        if a == "--":
            dashdash = True
            continue
        if a.startswith("-") and not dashdash:
            opt, eq, _val = a.partition("=")
            if a in allowed or (eq and opt + "=" in allowed):
                continue
            if opt + "=" in allowed:
                j += 1  # its value is the next word
                continue
            if re.fullmatch(r"-\d+", a) and sub in ("log", "show", "shortlog", "rev-list"):
                continue
            _ask(risk, f"`git {sub} {opt}` is not an option Hearth knows to be safe.")
            return
        if a.startswith(("/", "~")) or ".." in a.split("/"):
            _ask(risk, f"`git {sub} {a}` reaches outside the repository.")
            return
        if sub not in ("log", "show", "diff", "blame", "describe", "rev-parse", "rev-list", "cat-file") or os.path.exists(os.path.join(cwd, a)):
            check_read_path(a, cwd, risk, name="git")
    if sub in ("version",):
        return
    config = _repo_config(cwd)
    if config is None:
        _ask(risk, "It runs git outside a repository, where `git diff` compares any two files.")
        return
    if not git_guarded.get():
        _ask(risk, "git can run programs named in the repository's settings; Hearth only runs it unasked with "
                   "hooks, pagers and external programs turned off.")
        return
    try:
        text = config.read_text(errors="replace") if config.exists() else ""
    except OSError:
        text = "?"
    if text == "?" or _GIT_RISKY_CONFIG.search(text):
        _ask(risk, "This repository's own settings name programs or other settings files for git to use.")
