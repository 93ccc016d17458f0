"""Classify a shell command by parsing it: the highest tier of any part wins; anything unclear asks."""

from __future__ import annotations

import os
import re
from pathlib import Path

from app.policy import pathrisk, run_places
from app.policy.shell_grammar import (
    check_find,
    check_git,
    check_read_path,
    check_sed,
    check_spec,
    git_guarded,
    is_secret,
)
from app.policy.shell_parse import SimpleCommand, parse
from app.policy.shell_specs import SPECS
from app.policy.tiers import Risk, Tier

MAX_DEPTH = 6
MAX_COMMANDS = 200

TRUSTED_BIN_DIRS = tuple(
    str(Path(p).resolve())
    for p in ("/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin", "/opt/homebrew/bin")
)

READ_ONLY = frozenset(SPECS)  # the programs with a positive grammar (app/policy/shell_specs.py)
# Commands that write the paths they are given (reversible unless the path is sensitive).
WRITES_PATHS = {"mkdir", "touch", "ln", "gzip", "gunzip", "bzip2", "xz", "unxz", "mktemp"}
DESTRUCTIVE = {
    "rm", "rmdir", "unlink", "shred", "srm", "dd", "truncate", "kill", "killall", "pkill", "shutdown",
    "reboot", "halt", "poweroff", "fdisk", "diskutil", "launchctl", "systemctl", "service", "crontab",
    "chmod", "chown", "chgrp", "chflags", "xattr", "wipefs", "parted", "mount", "umount", "trash",
    "tmutil", "pmset", "at", "batch", "renice", "ditto",
}
NETWORK = {
    "curl", "wget", "ssh", "scp", "sftp", "nc", "ncat", "netcat", "telnet", "ftp", "ping", "ping6",
    "dig", "nslookup", "host", "mail", "mailx", "sendmail", "mutt", "http", "https", "httpie",
    "aria2c", "socat", "gh", "aws", "gcloud", "az", "pip", "pip3", "npm", "npx", "yarn", "pnpm",
    "brew", "apt", "apt-get", "port", "gem", "cargo", "go", "docker", "traceroute", "whois",
    "networkquality", "softwareupdate", "mas", "rclone", "s3cmd", "ollama", "huggingface-cli",
    "nmap", "tailscale", "mosh", "rsh", "rlogin", "tftp", "lftp", "uv", "conda",
}
CREDENTIALS = {
    "security", "passwd", "su", "ssh-keygen", "ssh-add", "ssh-agent", "ssh-copy-id", "gpg", "gpg2",
    "pass", "keychain", "spctl", "csrutil", "fdesetup", "pfctl", "visudo", "dscl", "systemsetup",
    "tccutil", "ufw", "iptables", "nft", "firewall-cmd", "sudo", "doas", "pkexec", "kinit",
    "profiles", "dseditgroup", "sysadminctl", "openssl", "certtool", "htpasswd", "chpasswd", "usermod",
    "useradd", "userdel", "networksetup", "scutil", "codesign",
}
INTERPRETERS = {
    "python", "python2", "python3", "perl", "ruby", "node", "deno", "bun", "php", "lua", "osascript",
    "tclsh", "wish", "Rscript", "julia", "swift", "java", "jshell", "irb", "pwsh", "powershell",
    "expect", "make", "cmake", "vim", "vi", "nvim", "emacs", "nano", "ed", "ex", "script",
}
SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "fish", "csh", "tcsh", "ash", "mksh", "rbash"}
# Prefixes that run the rest of the line as a command.
WRAPPERS = {"nohup", "time", "command", "exec", "builtin", "caffeinate", "unbuffer", "then", "do", "else",
            "if", "elif", "while", "until", "!", "{", "}", "fi", "done", "esac"}
WRAPPERS_WITH_ARG = {"nice": {"-n"}, "ionice": {"-c", "-n"}, "stdbuf": set(), "timeout": {"-s", "-k"}}
CONTROL_UNKNOWN = {"coproc", "for", "case", "select", "function", "trap", "source", ".", "alias", "chroot", "exit"}
_DANGEROUS_ENV = ("PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "IFS", "BASH_ENV", "ENV", "PROMPT_COMMAND",
                  "SHELLOPTS", "PS4", "GIT_SSH_COMMAND", "GIT_EXEC_PATH", "PYTHONPATH", "PYTHONSTARTUP")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_MONEY = re.compile(r"(checkout|purchase|/buy|/cart|/order|payment|paypal|stripe|/pay\b|venmo|wallet)", re.I)


_ODD_SPACE = re.compile(r"[\r\v\f\u0085\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]")


def classify_shell(command: str, cwd: str | Path | None = None, *, git_safe: bool = False) -> Risk:
    """The tier of running ``command`` (a shell script) in ``cwd``, with reasons in plain words.

    ``git_safe``: the caller runs git with :func:`app.policy.shell_grammar.git_environment` (hooks,
    fsmonitor, pagers, external diff and outside config off); only then can git read-only commands
    run without asking.
    """
    risk = Risk()
    if _ODD_SPACE.search(command):
        risk.raise_to(Tier.UNKNOWN, "It contains a carriage return or unusual spacing that can hide a command.")
    token = git_guarded.set(git_safe)
    try:
        _classify_script(command, str(cwd or os.getcwd()), risk, 0)
    finally:
        git_guarded.reset(token)
    if not risk.reasons:
        risk.reasons.append("It only reads information.")
    return risk


def _classify_script(text: str, cwd: str, risk: Risk, depth: int) -> None:
    if depth > MAX_DEPTH:
        risk.raise_to(Tier.UNKNOWN, "It nests commands too deeply for Hearth to follow.")
        return
    script = parse(text)
    for problem in script.problems:
        risk.raise_to(Tier.UNKNOWN, f"It uses {problem}, which Hearth does not fully understand.")
    if len(script.commands) > MAX_COMMANDS:
        risk.raise_to(Tier.UNKNOWN, "It chains too many commands to check each one.")
    for body in script.nested:
        _classify_script(body, cwd, risk, depth + 1)
    changed_folder = False
    for cmd in script.commands:
        name = cmd.words[0] if cmd.words else ""
        if name in ("cd", "pushd", "popd", "chdir"):
            # Follow one plain `cd` so later relative paths are judged where they really land.
            args = cmd.words[1:]
            if (name != "cd" or changed_folder or script.subshell or any(cmd.dynamic) or args[:1] == ["-"] or len(args) > 1
                    or any(ch in "".join(args) for ch in "*?[{")):
                risk.raise_to(Tier.UNKNOWN, "It changes folder in a way Hearth cannot follow.")
            else:
                cwd = str(pathrisk.resolve(args[0] if args else "~", cwd))
                changed_folder = True
            continue
        _classify_command(cmd, cwd, risk, depth)


def _classify_command(cmd: SimpleCommand, cwd: str, risk: Risk, depth: int) -> None:
    own = Risk()
    _classify_parts(cmd, cwd, own, depth)
    if own.tier > Tier.READ_ONLY:  # it asks: a run place it names is a place it may write
        _check_named_run_places(cmd, cwd, own)
    risk.merge(own)


# A path inside a word: after an option letter (``-o~/.bashrc``), an ``=`` (``of=~/.bashrc``), a quote or
# a program's text (``awk '{print > "~/.bashrc"}'``, ``sed 'w ~/.bashrc'``).
_FRAGMENT_SPLIT = re.compile(r"[\s'\"=,;<>|&()`{}]+")
_GLUED_OPTION = re.compile(r"^-{1,2}[A-Za-z][\w-]*(?=[~/])")


def _check_named_run_places(cmd: SimpleCommand, cwd: str, risk: Risk) -> None:
    """Raise to the write tier of any login item, start-up file, PATH folder, task setting or secret
    store that the command names anywhere in its arguments, in whatever option or program text.

    Options that write (``uniq IN OUT``, ``tree -o FILE``, ``sort -o``, ``split``, ``sed 'w FILE'``) are
    too many to list; a command that asks anyway is judged by the worst place it could write.
    """
    home = str(pathrisk.home())
    fragments: list[str] = []
    for word, dynamic in zip(cmd.words[1:], cmd.dynamic[1:], strict=False):
        for fragment in _FRAGMENT_SPLIT.split(word):
            fragment = _GLUED_OPTION.sub("", fragment)
            if not fragment or "://" in fragment or fragment.startswith("-"):
                continue
            if fragment.startswith(("~", "/", ".")) or "/" in fragment:
                fragments.append(fragment)
            if dynamic and fragment.startswith("/"):
                fragments.append("~" + fragment)  # ``$HOME/.zshrc``: a variable's value is gone; judged as in the home
    for fragment in dict.fromkeys(fragments):
        path = pathrisk.resolve(fragment, cwd)
        if str(path) == home:
            continue
        if pathrisk.is_credential_path(path):
            risk.raise_to(Tier.CREDENTIALS, f"It names {pathrisk.display(path)}, which holds credentials, and "
                                            "may write it.")
            continue
        place = run_places.write_place(path, system_bin=False)
        if place is not None:
            risk.raise_to(place[0], f"It names {pathrisk.display(path)} and may write it. {place[1]}")


def _classify_parts(cmd: SimpleCommand, cwd: str, risk: Risk, depth: int) -> None:
    for redirect in cmd.redirects:
        if redirect.dynamic:
            risk.raise_to(Tier.UNKNOWN, "It redirects to a file whose name is only known when it runs.")
            continue
        if redirect.op == "<<":
            continue
        if redirect.target.startswith(("/dev/tcp/", "/dev/udp/")):
            risk.raise_to(Tier.EXTERNAL, f"It opens a network connection ({redirect.target}).")
            continue
        if redirect.op in ("<", "<<<"):
            if redirect.op == "<":
                check_read_path(redirect.target, cwd, risk)
            continue
        if re.search(r"[*?\[{]", redirect.target) or redirect.target.startswith("~") and not redirect.target.startswith("~/"):
            risk.raise_to(Tier.UNKNOWN, f"It redirects to `{redirect.target}`, a name the shell expands to files Hearth cannot check.")
        path = pathrisk.resolve(redirect.target, cwd)
        if is_secret(path):
            risk.raise_to(Tier.CREDENTIALS, f"A redirection writes {pathrisk.display(path)}, which holds credentials.")
        tier, why = pathrisk.write_tier(path, overwrite_ok=redirect.op == ">>")
        if tier > Tier.READ_ONLY:
            risk.raise_to(tier, f"A redirection writes a file. {why}")
    _classify_words(cmd.words, cmd.dynamic, cwd, risk, depth, cmd.quoted)


def _resolve_name(word: str, cwd: str) -> str | None:
    """The command a word names; None when it is a program Hearth cannot vouch for."""
    if "/" not in word:
        return word
    real = pathrisk.resolve(word, cwd)
    if str(real.parent) in TRUSTED_BIN_DIRS:
        return real.name
    return None


def _path_args(args: list[str], dyn: list[bool]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    after_dashdash = False
    for word, d in zip(args, dyn, strict=False):
        if word == "--" and not after_dashdash:
            after_dashdash = True
            continue
        if word.startswith("-") and not after_dashdash:
            continue
        out.append((word, d))
    return out


def _check_reads(args: list[str], dyn: list[bool], cwd: str, risk: Risk) -> None:
    for word, _d in _path_args(args, dyn):
        if "://" in word:
            continue
        tier, why = pathrisk.read_tier(pathrisk.resolve(word, cwd))
        if why:
            risk.raise_to(tier, why)


def _check_writes(name: str, args: list[str], dyn: list[bool], cwd: str, risk: Risk, base: Tier) -> None:
    paths = _path_args(args, dyn)
    for word, d in paths:
        if d:
            risk.raise_to(max(base, Tier.UNKNOWN), f"`{name}` acts on a path only known when it runs.")
            continue
        tier, why = pathrisk.write_tier(pathrisk.resolve(word, cwd))
        risk.raise_to(max(tier, base), why)


def _classify_words(words: list[str], dyn: list[bool], cwd: str, risk: Risk, depth: int,
                    quoted: list[bool] | None = None) -> None:
    words, dyn = list(words), list(dyn)
    quoted = list(quoted) if quoted is not None and len(quoted) == len(words) else [False] * len(words)
    # Environment assignments before the command: they can change what any program does.
    while words and _ASSIGN.match(words[0]):
        name = words[0].split("=", 1)[0]
        if name in _DANGEROUS_ENV or name.startswith("DYLD_"):
            risk.raise_to(Tier.UNKNOWN, f"It sets {name}, which changes what program actually runs.")
        elif len(words) > 1:
            risk.raise_to(Tier.UNKNOWN, f"It sets {name} for the command, which can change what the program does.")
        words.pop(0)
        dyn.pop(0)
        quoted.pop(0)
    if not words:
        return
    if dyn[0] or (words[0] != "[" and any(ch in words[0] for ch in "*?[{")):
        risk.raise_to(Tier.UNKNOWN, "The command's name is only known when it runs.")
        return
    if quoted[0]:
        risk.raise_to(Tier.UNKNOWN, "The command's name is quoted or escaped, which can hide what really runs.")
    resolved = _resolve_name(words[0], cwd)
    if resolved is None:
        shown = pathrisk.display(pathrisk.resolve(words[0], cwd))
        risk.raise_to(Tier.UNKNOWN, f"It runs {shown}, a program outside the system folders; Hearth cannot tell what it does.")
        return
    name = resolved
    args, adyn, aquoted = words[1:], dyn[1:], quoted[1:]

    def rest(skip: int = 0) -> None:
        _classify_words(args[skip:], adyn[skip:], cwd, risk, depth + 1, aquoted[skip:])

    if depth > MAX_DEPTH:
        risk.raise_to(Tier.UNKNOWN, "It nests commands too deeply for Hearth to follow.")
        return
    if name in CONTROL_UNKNOWN:
        risk.raise_to(Tier.UNKNOWN, f"It uses `{name}`, which Hearth does not follow.")
        return
    if name in WRAPPERS:
        if name == "command" and args[:1] in (["-v"], ["-V"]):
            return
        rest(1 if args[:1] == ["-p"] else 0)
        return
    if name in WRAPPERS_WITH_ARG:
        i = 0
        takes = WRAPPERS_WITH_ARG[name]
        while i < len(args) and args[i].startswith("-"):
            i += 2 if args[i] in takes else 1
        if name == "timeout" and i < len(args):
            i += 1  # the duration
        rest(i)
        return
    if name in ("sudo", "doas", "pkexec"):
        risk.raise_to(Tier.CREDENTIALS, f"`{name}` runs a command with administrator rights.")
        i = 0
        while i < len(args) and args[i].startswith("-"):
            if args[i] in ("-s", "-i", "--shell", "--login"):
                risk.raise_to(Tier.UNKNOWN, "It opens an administrator shell.")
            i += 2 if args[i] in ("-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U") else 1
        rest(i)
        return
    if name == "env":
        if not args:
            return  # prints the environment
        i = 0
        while i < len(args):
            a = args[i]
            if a in ("-S", "--split-string") or a.startswith(("-S", "--split-string=")):
                risk.raise_to(Tier.UNKNOWN, "`env -S` splits a string into a new command line.")
                tail = args[i + 1 :] if a in ("-S", "--split-string") else [a.split("=", 1)[-1] if a.startswith("--") else a[2:], *args[i + 1 :]]
                _classify_script(" ".join(tail), cwd, risk, depth + 1)
                return
            if a.startswith("-") or _ASSIGN.match(a):
                risk.raise_to(Tier.UNKNOWN, f"`env {a}` changes the environment of the command it runs.")
                i += 2 if a in ("-u", "--unset", "-C", "--chdir") else 1
            else:
                break
        rest(i)
        return
    if name == "xargs":
        i = 0
        with_arg = {"-n", "-I", "-L", "-P", "-d", "-E", "-s", "-a", "--max-args", "--delimiter"}
        while i < len(args) and args[i].startswith("-"):
            i += 2 if args[i] in with_arg else 1
        if i >= len(args):
            return  # xargs alone runs echo
        # Its arguments come from input: the command's paths are unknown.
        _classify_words(args[i:] + ["$input"], adyn[i:] + [True], cwd, risk, depth + 1)
        return
    if name == "busybox":
        risk.raise_to(Tier.UNKNOWN, "`busybox` runs any of its built-in programs; Hearth does not vouch for them.")
        if args:
            rest()
        return
    if name in SHELLS:
        script_index = None
        for i, a in enumerate(args):
            if a.startswith("-") and not a.startswith("--") and "c" in a[1:]:
                script_index = i + 1
                break
            if not a.startswith("-"):
                break
        if script_index is None or script_index >= len(args):
            risk.raise_to(Tier.UNKNOWN, f"It runs `{name}` on a script or input Hearth cannot see.")
            return
        if adyn[script_index]:
            risk.raise_to(Tier.UNKNOWN, f"It runs `{name}` on a script only known when it runs.")
        _classify_script(args[script_index], cwd, risk, depth + 1)
        return
    if name == "eval":
        risk.raise_to(Tier.UNKNOWN, "`eval` runs text as a new command line.")
        _classify_script(" ".join(args), cwd, risk, depth + 1)
        return
    if name in ("watch",):
        i = 0
        while i < len(args) and args[i].startswith("-"):
            i += 2 if args[i] in ("-n", "--interval") else 1
        _classify_script(" ".join(args[i:]), cwd, risk, depth + 1)
        return
    if name in ("awk", "gawk", "mawk", "nawk"):
        risk.raise_to(Tier.UNKNOWN, "An awk program can run commands and write files; Hearth asks before any.")
        _check_reads(args[1:], adyn[1:], cwd, risk)
        return
    if name in INTERPRETERS:
        risk.raise_to(Tier.UNKNOWN, f"`{name}` runs a program whose effects Hearth cannot check.")
        return
    if name == "find":
        _classify_find(args, adyn, cwd, risk, depth)
        check_find(args, adyn, cwd, risk)
        return
    if name == "git":
        _classify_git(args, adyn, cwd, risk)
        check_git(args, adyn, cwd, risk)
        return
    if name in ("sed", "gsed"):
        if any(a == "-i" or a.startswith(("-i", "--in-place")) or (a.startswith("-") and not a.startswith("--") and "i" in a[1:]) for a in args):
            risk.raise_to(Tier.DESTRUCTIVE, "`sed -i` rewrites files in place; the old text cannot be recovered.")
            _check_writes(name, [a for a in args[1:] if not a.startswith("-")], [False] * len(args), cwd, risk, Tier.DESTRUCTIVE)
        else:
            check_sed(args, adyn, aquoted, cwd, risk)
        _check_reads(args, adyn, cwd, risk)
        return
    if name in ("sort",) and any(a.startswith(("-o", "--output")) for a in args):
        risk.raise_to(Tier.DESTRUCTIVE, "`sort -o` overwrites a file.")
        return
    if name in ("defaults",):
        verb = args[0] if args else ""
        if verb in ("read", "domains", "find", "read-type") and len(args) <= 3 and not any(adyn):
            return
        domain = " ".join(args[1:2]).lower()
        if any(k in domain for k in ("security", "firewall", "alf", "loginwindow", "screensaver", "gatekeeper")):
            risk.raise_to(Tier.CREDENTIALS, "It changes security settings.")
        risk.raise_to(Tier.DESTRUCTIVE, "It changes system or app settings.")
        return
    if name in ("open", "xdg-open"):
        for word, d in _path_args(args, adyn):
            if "://" in word or word.startswith("mailto:") or d:
                if _MONEY.search(word):
                    risk.raise_to(Tier.MONEY, f"It opens {word}, which looks like a purchase or payment.")
                risk.raise_to(Tier.EXTERNAL, f"It opens {word or 'a web address'} (network access).")
        risk.raise_to(Tier.REVERSIBLE, "It opens a file or an application.")
        return
    if name in ("cp", "mv", "install", "rsync", "tee", "ln"):
        _classify_copy(name, args, adyn, cwd, risk)
        return
    if name in ("tar", "unzip", "zip"):
        if name == "unzip" or any(("x" in a.lstrip("-") and not a.startswith("--")) or a == "--extract" for a in args[:1]):
            risk.raise_to(Tier.DESTRUCTIVE, f"`{name}` extracts files and may overwrite existing ones.")
        else:
            risk.raise_to(Tier.REVERSIBLE, f"`{name}` writes an archive.")
            _check_writes(name, args, adyn, cwd, risk, Tier.REVERSIBLE)
        return
    if name in NETWORK:
        for a in args:
            if _MONEY.search(a):
                risk.raise_to(Tier.MONEY, f"It contacts {a}, which looks like a purchase or payment.")
        risk.raise_to(Tier.EXTERNAL, f"`{name}` connects to the network.")
        _check_reads(args, adyn, cwd, risk)
        uploads = [a.split("@", 1)[1] for a in args if "@" in a and "://" not in a]
        uploads += [b for a, b in zip(args, args[1:], strict=False) if a in ("-T", "--upload-file", "--data-binary")]
        _check_reads(uploads, [False] * len(uploads), cwd, risk)
        return
    if name in CREDENTIALS:
        risk.raise_to(Tier.CREDENTIALS, f"`{name}` works with passwords, keys or security settings.")
        return
    if name in DESTRUCTIVE:
        _destructive_reason(name, args, adyn, cwd, risk)
        return
    if name in WRITES_PATHS:
        risk.raise_to(Tier.REVERSIBLE, f"`{name}` creates or changes files.")
        _check_writes(name, args, adyn, cwd, risk, Tier.REVERSIBLE)
        return
    if name in ("say", "afplay", "pbcopy", "osascript-notify", "notify-send", "terminal-notifier"):
        risk.raise_to(Tier.REVERSIBLE, f"`{name}` makes a small local change (sound, clipboard or notification).")
        return
    if name in SPECS:
        check_spec(name, args, adyn, aquoted, cwd, risk)
        return
    risk.raise_to(Tier.UNKNOWN, f"Hearth does not know what `{name}` does.")


def _destructive_reason(name: str, args: list[str], adyn: list[bool], cwd: str, risk: Risk) -> None:
    words = {
        "rm": "deletes files permanently (not to the Trash)",
        "rmdir": "deletes folders",
        "shred": "destroys file contents",
        "dd": "writes raw data and can overwrite disks",
        "kill": "stops running programs",
        "killall": "stops running programs",
        "pkill": "stops running programs",
        "chmod": "changes file permissions",
        "chown": "changes file ownership",
    }
    targets = [w if not d else "(a path known only when it runs)" for w, d in _path_args(args, adyn)]
    where = f": {', '.join(targets[:5])}" if targets and name not in ("kill", "killall", "pkill") else ""
    risk.raise_to(Tier.DESTRUCTIVE, f"`{name}` {words.get(name, 'makes a change that cannot be undone')}{where}.")
    for word, _d in _path_args(args, adyn):
        if "/" in word or word.startswith(("~", ".")):
            path = pathrisk.resolve(word, cwd)
            tier, why = pathrisk.write_tier(path)
            if tier == Tier.CREDENTIALS:
                risk.raise_to(tier, why)


def _classify_copy(name: str, args: list[str], adyn: list[bool], cwd: str, risk: Risk) -> None:
    paths = _path_args(args, adyn)
    if any(d for a, d in zip(args, adyn, strict=False) if a.startswith("-")):
        risk.raise_to(Tier.UNKNOWN, f"`{name}` has an option only known when it runs (such as where it writes).")
    if name == "rsync":
        if any(":" in w for w, _ in paths):
            risk.raise_to(Tier.EXTERNAL, "`rsync` copies over the network.")
        if any(a.startswith("--delete") or a == "--remove-source-files" for a in args):
            risk.raise_to(Tier.DESTRUCTIVE, "`rsync --delete` removes files.")
    if name == "tee":
        append = any(a in ("-a", "--append") for a in args)
        for word, d in paths:
            if d:
                risk.raise_to(Tier.UNKNOWN, "`tee` writes a file only known when it runs.")
                continue
            tier, why = pathrisk.write_tier(pathrisk.resolve(word, cwd), overwrite_ok=append)
            risk.raise_to(max(tier, Tier.REVERSIBLE), why)
        return
    if not paths:
        risk.raise_to(Tier.UNKNOWN, f"`{name}` without paths is not understood.")
        return
    if any(d for _, d in paths):
        risk.raise_to(Tier.UNKNOWN, f"`{name}` acts on paths only known when they run.")
    *sources, (dest_word, _) = paths if len(paths) > 1 else [*paths, (".", False)]
    dest = pathrisk.resolve(dest_word, cwd)
    for src_word, _ in sources:
        src = pathrisk.resolve(src_word, cwd)
        target = dest / src.name if dest.is_dir() else dest
        tier, why = pathrisk.write_tier(target, overwrite_ok=False)
        risk.raise_to(max(tier, Tier.REVERSIBLE), why or f"`{name}` writes {pathrisk.display(target)}.")
        if name == "mv":
            tier, why = pathrisk.write_tier(src, moving_out=True)
            risk.raise_to(tier, why)
        else:
            tier, why = pathrisk.read_tier(src)
            if why:
                risk.raise_to(tier, why)
    if any(a in ("-f", "--force") for a in args):
        risk.raise_to(Tier.DESTRUCTIVE, f"`{name} -f` overwrites without asking.")


def _classify_find(args: list[str], adyn: list[bool], cwd: str, risk: Risk, depth: int) -> None:
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-exec", "-execdir", "-ok", "-okdir"):
            j = i + 1
            while j < len(args) and args[j] not in (";", "+"):
                j += 1
            inner = [w if w != "{}" else "$found" for w in args[i + 1 : j]]
            inner_dyn = [d or w == "{}" for w, d in zip(args[i + 1 : j], adyn[i + 1 : j], strict=False)]
            _classify_words(inner, inner_dyn, cwd, risk, depth + 1)
            i = j + 1
            continue
        if a == "-delete":
            risk.raise_to(Tier.DESTRUCTIVE, "`find -delete` deletes every file it matches.")
        elif a in ("-fprint", "-fprint0", "-fprintf", "-fls") and i + 1 < len(args):
            tier, why = pathrisk.write_tier(pathrisk.resolve(args[i + 1], cwd), overwrite_ok=False)
            risk.raise_to(max(tier, Tier.REVERSIBLE), why)
        elif not a.startswith("-") and i == 0:
            tier, why = pathrisk.read_tier(pathrisk.resolve(a, cwd))
            if why:
                risk.raise_to(tier, why)
        i += 1


_GIT_READ = {"status", "log", "diff", "show", "branch", "tag", "blame", "ls-files", "rev-parse", "describe",
             "shortlog", "remote", "version", "stash", "rev-list", "cat-file"}
_GIT_NET = {"push", "pull", "fetch", "clone", "submodule", "ls-remote", "send-email", "request-pull"}
_GIT_DESTRUCTIVE = {"reset", "clean", "rm", "filter-branch", "gc", "prune", "restore", "checkout", "switch", "rebase",
                    "reflog", "update-ref", "replace", "filter-repo"}


def _classify_git(args: list[str], adyn: list[bool], cwd: str, risk: Risk) -> None:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] in ("-c", "-C", "--git-dir", "--work-tree", "--exec-path", "--namespace", "--config-env"):
            i += 2
        else:
            i += 1
    sub = args[i] if i < len(args) else ""
    rest = args[i + 1 :]
    if sub in _GIT_NET:
        risk.raise_to(Tier.EXTERNAL, f"`git {sub}` talks to another computer.")
    elif sub in _GIT_DESTRUCTIVE:
        risk.raise_to(Tier.DESTRUCTIVE, f"`git {sub}` can discard changes for good.")
    elif sub in _GIT_READ:
        if sub == "config" and any(not a.startswith("-") for a in rest[1:]) or sub == "stash" and rest[:1] != ["list"]:
            risk.raise_to(Tier.DESTRUCTIVE, f"`git {sub}` changes repository state.")
        elif sub == "remote" and rest[:1] and rest[0] in ("update", "show", "prune", "set-head"):
            risk.raise_to(Tier.EXTERNAL, f"`git remote {rest[0]}` talks to another computer.")
        elif sub == "branch" and any(a in ("-D", "-d", "--delete", "-M", "-f", "--force", "-C") or
                                     (a.startswith("-") and not a.startswith("--") and set(a[1:]) & set("DdMfC")) for a in rest):
            risk.raise_to(Tier.DESTRUCTIVE, "`git branch` deletes or overwrites a branch, with its unmerged work.")
        elif sub in ("branch", "tag", "remote") and any(not a.startswith("-") for a in rest) and not {"-l", "--list"} & set(rest):
            risk.raise_to(Tier.REVERSIBLE, f"`git {sub}` changes repository references.")
    elif sub == "worktree" and rest[:1] and rest[0] in ("remove", "prune"):
        risk.raise_to(Tier.DESTRUCTIVE, f"`git worktree {rest[0]}` deletes a working folder with its changes.")
    elif sub in ("add", "commit", "init", "mv", "merge", "cherry-pick", "revert", "apply", "am", "worktree"):
        risk.raise_to(Tier.REVERSIBLE, f"`git {sub}` records a change in the repository.")
    else:
        risk.raise_to(Tier.UNKNOWN, f"Hearth does not know what `git {sub}` does.")
