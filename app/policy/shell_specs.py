"""The positive grammar of read-only commands: per program, every option and operand known to be safe.

A command is read-only only when its program is listed here and every option and operand fits the
program's spec. Each spec was checked against GTFOBins: options that run programs, write files or
reach the network (``sort -o``, ``find -exec``, ``rg --pre``, ``xxd -r``, ``base64 -o``, ``tree -o``,
``uniq IN OUT``, ``printf -v``, ``test -v``...) are simply absent, so they ask. Programs whose
language can do anything (awk, dc, bc, pagers, ``env``/``arch`` as wrappers) are absent too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Operand kinds
PATHS = "paths"  # every operand is a file or folder that is read
TEXT = "text"  # operands are plain text (never opened)
PATTERN_THEN_PATHS = "pattern+paths"  # first operand a pattern (unless -e/-f gave one), then paths
TEXT_THEN_PATHS = "text+paths"  # first operand a program/format text, then paths
NONE = "none"  # no operands at all

# Option value kinds
NUM = "num"
STR = "text"
PATH = "path"


@dataclass(frozen=True)
class Spec:
    """What a read-only program accepts."""

    flags: str = ""  # single-letter flags without a value (combinable: -la)
    long: frozenset[str] = frozenset()  # long options without a value
    values: dict[str, str] = field(default_factory=dict)  # option (-n, --max-count) -> kind of its value
    operands: str = PATHS
    max_operands: int | None = None
    recursive: bool = False  # always walks folders (rg, fd, find, du, tree)
    recursive_flags: str = ""  # single-letter flags that make it walk folders
    recursive_long: frozenset[str] = frozenset()
    numeric_flag: bool = False  # accepts -5 (head -5)
    pattern_options: frozenset[str] = frozenset()  # options whose value is the pattern


def _s(*names: str) -> frozenset[str]:
    return frozenset(names)


_GREP = Spec(
    flags="nivclLwxohHsqEFGrRIzZabT",
    long=_s("--line-number", "--ignore-case", "--invert-match", "--count", "--files-with-matches",
            "--files-without-match", "--word-regexp", "--line-regexp", "--only-matching", "--no-filename",
            "--with-filename", "--no-messages", "--quiet", "--silent", "--extended-regexp", "--fixed-strings",
            "--basic-regexp", "--recursive", "--dereference-recursive", "--color", "--colour", "--null"),
    values={"-e": STR, "--regexp": STR, "-m": NUM, "--max-count": NUM, "-A": NUM, "-B": NUM, "-C": NUM,
            "--after-context": NUM, "--before-context": NUM, "--context": NUM, "--color": STR, "--colour": STR,
            "-f": PATH, "--file": PATH, "--include": STR, "--exclude": STR, "--exclude-dir": STR},
    operands=PATTERN_THEN_PATHS,
    recursive_flags="rR",
    recursive_long=_s("--recursive", "--dereference-recursive"),
    pattern_options=_s("-e", "--regexp", "-f", "--file"),
)

_RG = Spec(
    flags="niFwxvclosSuH.LN0qUe",
    long=_s("--line-number", "--ignore-case", "--smart-case", "--fixed-strings", "--word-regexp", "--invert-match",
            "--count", "--files-with-matches", "--only-matching", "--hidden", "--no-ignore", "--files",
            "--no-heading", "--heading", "--color", "--json", "--follow", "--vimgrep", "--no-line-number",
            "--case-sensitive", "--multiline", "--stats", "--quiet", "--column", "--trim"),
    values={"-e": STR, "--regexp": STR, "-g": STR, "--glob": STR, "-t": STR, "--type": STR, "-T": STR,
            "--type-not": STR, "-m": NUM, "--max-count": NUM, "-A": NUM, "-B": NUM, "-C": NUM, "--context": NUM,
            "--max-depth": NUM, "-d": NUM, "--color": STR, "-M": NUM, "--max-columns": NUM, "-f": PATH, "--file": PATH},
    operands=PATTERN_THEN_PATHS,
    recursive=True,
    pattern_options=_s("-e", "--regexp", "-f", "--file"),
)

_HASH = Spec(flags="bctwz", long=_s("--binary", "--check", "--text", "--tag", "--quiet", "--status"),
             values={"-a": NUM, "--algorithm": NUM})

SPECS: dict[str, Spec] = {
    "ls": Spec(flags="1aAbBcCdfFghHiklLmnopqrRsStuUvwx@eTGO", recursive_flags="R",
               long=_s("--all", "--almost-all", "--human-readable", "--color", "--classify", "--reverse",
                       "--directory", "--size", "--recursive", "--group-directories-first"),
               values={"--color": STR, "--sort": STR, "--time-style": STR, "-w": NUM, "--width": NUM},
               recursive_long=_s("--recursive")),
    "cat": Spec(flags="nbsvetuAET", long=_s("--number", "--number-nonblank", "--squeeze-blank", "--show-all")),
    "tac": Spec(flags="br", long=_s("--before", "--regex")),
    "head": Spec(flags="qv", values={"-n": NUM, "-c": NUM, "--lines": NUM, "--bytes": NUM}, numeric_flag=True),
    "tail": Spec(flags="qvr", values={"-n": NUM, "-c": NUM, "--lines": NUM, "--bytes": NUM}, numeric_flag=True),
    "wc": Spec(flags="lwcmL", long=_s("--lines", "--words", "--bytes", "--chars", "--max-line-length")),
    "grep": _GREP,
    "egrep": _GREP,
    "fgrep": _GREP,
    "rg": _RG,
    "echo": Spec(flags="neE", operands=TEXT),
    "printf": Spec(operands=TEXT),  # no -v: it assigns a variable and can run code through a subscript
    "pwd": Spec(flags="LP", operands=NONE),
    "whoami": Spec(operands=NONE),
    "date": Spec(flags="uR", long=_s("--utc", "--iso-8601", "--rfc-2822"), values={"-d": STR, "--date": STR, "-r": PATH},
                 operands=TEXT, max_operands=1),  # the operand must be +FORMAT (checked in shell.py)
    "cal": Spec(flags="ymj3", operands=TEXT, max_operands=2),
    "uname": Spec(flags="asnrvmpio", long=_s("--all"), operands=NONE),
    "hostname": Spec(flags="sfi", operands=NONE),  # an operand would set the name
    "id": Spec(flags="ugnrGp", operands=TEXT, max_operands=1),
    "groups": Spec(operands=TEXT, max_operands=1),
    "uptime": Spec(flags="ps", operands=NONE),
    "nproc": Spec(long=_s("--all"), operands=NONE),
    "true": Spec(operands=TEXT),
    "false": Spec(operands=TEXT),
    "which": Spec(flags="as", operands=TEXT),
    "type": Spec(flags="aptP", operands=TEXT),
    "file": Spec(flags="bLhiIkz", long=_s("--brief", "--mime", "--mime-type")),
    "stat": Spec(flags="LlnqrsxF", values={"-c": STR, "-f": STR, "--format": STR, "--printf": STR, "-t": STR}),
    "du": Spec(flags="shacklmxLHd0", long=_s("--summarize", "--human-readable", "--all", "--total"),
               values={"-d": NUM, "--max-depth": NUM}, recursive=True),
    "df": Spec(flags="hHklPiaT", long=_s("--human-readable", "--total")),
    "sort": Spec(flags="nrufbdhgiMVsRzc", long=_s("--numeric-sort", "--reverse", "--unique", "--ignore-case",
                                                  "--human-numeric-sort", "--version-sort", "--stable", "--check"),
                 values={"-k": STR, "--key": STR, "-t": STR, "--field-separator": STR}),
    "uniq": Spec(flags="cdDuiz", long=_s("--count", "--repeated", "--unique", "--ignore-case"),
                 values={"-f": NUM, "-s": NUM, "-w": NUM, "--skip-fields": NUM, "--skip-chars": NUM},
                 max_operands=1),  # a second operand is an output file
    "cut": Spec(flags="sn", values={"-d": STR, "-f": STR, "-c": STR, "-b": STR, "--delimiter": STR, "--fields": STR}),
    "tr": Spec(flags="cdsC", operands=TEXT, max_operands=2),
    "diff": Spec(flags="uqsiwbBaNrtcy", long=_s("--unified", "--brief", "--ignore-case", "--recursive", "--side-by-side",
                                                "--color", "--ignore-all-space", "--new-file", "--text"),
                 values={"-U": NUM, "--unified": NUM, "--color": STR, "-W": NUM}, recursive_flags="r",
                 recursive_long=_s("--recursive"), max_operands=2),
    "cmp": Spec(flags="lsb", values={"-n": NUM}, max_operands=2),
    "comm": Spec(flags="123i", max_operands=2),
    "tree": Spec(flags="adfilpsughDFCnAxJ", long=_s("--noreport", "--dirsfirst", "--du"),
                 values={"-L": NUM, "-I": STR, "-P": STR, "--charset": STR}, recursive=True),  # no -o: it writes
    "basename": Spec(flags="az", values={"-s": STR, "--suffix": STR}, operands=TEXT),
    "dirname": Spec(flags="z", operands=TEXT),
    "realpath": Spec(flags="esqmLPz", operands=TEXT),
    "readlink": Spec(flags="fenmqsvz", operands=TEXT),
    "test": Spec(operands=TEXT),  # operators are checked in shell.py (no -v, no subscripts)
    "[": Spec(operands=TEXT),
    "seq": Spec(flags="w", values={"-s": STR, "-f": STR}, operands=TEXT, max_operands=3),
    "sleep": Spec(operands=TEXT, max_operands=1),
    "md5sum": _HASH,
    "sha1sum": _HASH,
    "sha256sum": _HASH,
    "sha512sum": _HASH,
    "shasum": _HASH,
    "cksum": Spec(),
    "md5": Spec(flags="qr", values={"-s": STR}),
    "column": Spec(flags="txne", values={"-s": STR, "-c": NUM, "-o": STR}),  # column -o is the separator
    "nl": Spec(flags="p", values={"-b": STR, "-n": STR, "-w": NUM, "-s": STR, "-v": NUM, "-i": NUM}),
    "fold": Spec(flags="bs", values={"-w": NUM, "--width": NUM}),
    "paste": Spec(flags="sz", values={"-d": STR, "--delimiters": STR}),
    "rev": Spec(),
    "od": Spec(flags="bcdoxvs", values={"-A": STR, "-t": STR, "-N": NUM, "-j": NUM, "-w": NUM}),
    "hexdump": Spec(flags="bcCdovx", values={"-n": NUM, "-s": NUM}),
    "xxd": Spec(flags="puie", values={"-l": NUM, "-s": NUM, "-c": NUM, "-g": NUM}, max_operands=1),  # no -r, no OUT
    "strings": Spec(flags="a", values={"-n": NUM, "-t": STR}),
    "base64": Spec(flags="dD", long=_s("--decode"), values={"-w": NUM, "--wrap": NUM, "-i": PATH, "--input": PATH},
                   max_operands=1),  # no -o, no second operand
    "printenv": Spec(operands=TEXT),
    "ps": Spec(flags="AaceEfjlMmrSTuvwxXh", values={"-o": STR, "-p": STR, "-u": STR, "-U": STR, "-O": STR}, operands=TEXT, max_operands=1),
    "pgrep": Spec(flags="filnaxv", values={"-u": STR}, operands=TEXT, max_operands=1),
    "who": Spec(flags="abHmqsu", operands=NONE),
    "w": Spec(flags="hs", operands=TEXT, max_operands=1),
    "free": Spec(flags="bkmghtw", operands=NONE),
    "vm_stat": Spec(operands=NONE),
    "sw_vers": Spec(long=_s("--productName", "--productVersion", "--buildVersion"), operands=NONE),
    "locale": Spec(flags="ak", operands=TEXT),
    "getconf": Spec(flags="a", operands=TEXT, max_operands=1),
    "expr": Spec(operands=TEXT),
    "jq": Spec(flags="rcsneSjMCa", long=_s("--raw-output", "--compact-output", "--slurp", "--null-input",
                                           "--sort-keys", "--tab", "--exit-status"),
               values={"--indent": NUM}, operands=TEXT_THEN_PATHS),
    "fd": Spec(flags="HIsiFaLl0pug", long=_s("--hidden", "--no-ignore", "--follow", "--absolute-path", "--glob",
                                             "--case-sensitive", "--ignore-case", "--list-details"),
               values={"-t": STR, "--type": STR, "-e": STR, "--extension": STR, "-d": NUM, "--max-depth": NUM,
                       "-E": STR, "--exclude": STR, "--min-depth": NUM, "-S": STR, "--size": STR},
               operands=PATTERN_THEN_PATHS, recursive=True),  # no -x / -X: they run commands
    "mdls": Spec(values={"-name": STR, "-n": STR}),
    "mdfind": Spec(flags="0", values={"-onlyin": PATH, "-name": STR}, operands=TEXT),
    "look": Spec(flags="df", values={"-t": STR}, operands=TEXT_THEN_PATHS, max_operands=2),
    "numfmt": Spec(values={"--to": STR, "--from": STR}, operands=TEXT),
    "join": Spec(flags="i", values={"-t": STR, "-1": NUM, "-2": NUM, "-a": NUM, "-v": NUM, "-o": STR}, max_operands=2),
}

# sed: only one plain `Np`/`N,Mp`/`s/a/b/[gip]` program; anything else (e, w, s///e, -i) asks.
SED_FLAGS = frozenset({"-n", "-E", "-r", "--quiet", "--silent", "-e"})

# find: the primaries that only select and print.
FIND_TESTS_NO_VALUE = frozenset({"-print", "-print0", "-not", "!", "-o", "-a", "-or", "-and", "(", ")", "-empty",
                                 "-prune", "-true", "-false", "-ls", "-depth", "-follow", "-xdev", "-mount",
                                 "-readable", "-executable", "-writable", "-nouser", "-nogroup"})
FIND_TESTS_WITH_VALUE = frozenset({"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-type",
                                   "-maxdepth", "-mindepth", "-size", "-mtime", "-mmin", "-atime", "-amin", "-ctime",
                                   "-cmin", "-user", "-group", "-perm", "-regex", "-iregex", "-links", "-inum",
                                   "-uid", "-gid", "-newer", "-lname", "-ilname", "-samefile", "-xtype"})
FIND_GLOBAL_OPTIONS = frozenset({"-H", "-L", "-P", "-E", "-x", "-s"})

# git: read-only subcommands and the options each accepts (value options end with "=").
GIT_LOG_OPTIONS = _s(
    "--oneline", "--stat", "--shortstat", "--numstat", "--graph", "--decorate", "--all", "-p", "--patch", "-s",
    "--no-patch", "--name-only", "--name-status", "--reverse", "--first-parent", "--no-merges", "--merges",
    "--abbrev-commit", "--no-color", "--color", "--follow", "-1", "-2", "-3", "-5", "-10", "--cached", "--staged",
    "--word-diff", "--no-decorate", "--summary", "--raw", "--full-history", "--topo-order", "--date-order",
    "--no-ext-diff", "--no-textconv", "-w", "--ignore-all-space", "--check", "--dirstat", "--compact-summary",
    "--stat-width=", "-n=", "--max-count=", "--skip=", "--author=", "--committer=", "--since=", "--until=",
    "--after=", "--before=", "--grep=", "--format=", "--pretty=", "--date=", "-U=", "--unified=", "--abbrev=",
    "-L=", "-S=", "-G=", "--diff-filter=", "--color=", "--word-diff=", "--decorate=",
)
GIT_READ: dict[str, frozenset[str]] = {
    "status": _s("-s", "--short", "-b", "--branch", "--porcelain", "--porcelain=", "-u", "-uno", "-unormal",
                 "-uall", "--untracked-files=", "--ignored", "-v", "--long", "--show-stash", "--ahead-behind",
                 "--no-ahead-behind"),
    "log": GIT_LOG_OPTIONS,
    "diff": GIT_LOG_OPTIONS,  # --output, --ext-diff, --no-index, --textconv are absent
    "show": GIT_LOG_OPTIONS,
    "branch": _s("-l", "--list", "-a", "--all", "-r", "--remotes", "-v", "-vv", "--show-current", "--merged",
                 "--no-merged", "--contains=", "--sort=", "--no-color", "--color"),
    "tag": _s("-l", "--list", "-n", "--sort=", "--contains=", "--points-at="),
    "rev-parse": _s("--show-toplevel", "--abbrev-ref", "--is-inside-work-tree", "--short", "--verify",
                    "--show-prefix", "--show-cdup", "--symbolic-full-name", "-q", "--quiet"),
    "ls-files": _s("-m", "-o", "-d", "-c", "-s", "--modified", "--others", "--deleted", "--cached", "--stage",
                   "--exclude-standard", "-z", "--full-name"),
    "blame": _s("-L=", "-w", "-s", "-e", "-l", "--date=", "--porcelain", "-M", "-C"),
    "describe": _s("--tags", "--always", "--long", "--dirty", "--abbrev=", "--all"),
    "shortlog": _s("-s", "-n", "-e", "-sn", "-sne", "--summary", "--numbered", "--email", "--all", "--since=",
                   "--until="),
    "remote": _s("-v", "--verbose"),  # without a subcommand: `remote show` and `remote update` use the network
    "stash": _s(),  # only `git stash list` (checked in shell.py)
    "rev-list": _s("--count", "--all", "--max-count=", "-n=", "--since=", "--until="),
    "cat-file": _s("-t", "-s", "-p", "-e"),
    "version": _s(),
}
GIT_NET = frozenset({"push", "pull", "fetch", "clone", "submodule", "ls-remote", "send-email", "request-pull",
                     "archive", "remote-update"})
GIT_DESTRUCTIVE = frozenset({"reset", "clean", "rm", "filter-branch", "gc", "prune", "restore", "checkout", "switch",
                             "rebase", "reflog", "stash", "filter-repo", "update-ref", "replace", "worktree"})
GIT_REVERSIBLE = frozenset({"add", "commit", "init", "mv", "merge", "cherry-pick", "revert", "apply", "am", "tag",
                            "branch", "notes"})
