"""A small POSIX-shell lexer that keeps what matters for risk: every command, however it is hidden.

It splits a script into simple commands at ``;``, ``&``, ``&&``, ``||``, ``|``, newlines and
carriage returns; removes quotes and backslash escapes the way the shell does (``r\\m`` is
``rm``); pulls out ``$( )``, backticks and ``<( )`` as nested scripts; records redirections; and
marks words whose value is only known at run time (``$VAR``, ``$'..'``, globs in a command name).
Anything it does not understand (heredocs, arithmetic, unbalanced quotes) is reported as a problem,
which the classifier turns into "asks".
"""

from __future__ import annotations

from dataclasses import dataclass, field

_SEPARATORS = ";&|\n\r()"
_SPACE = " \t"


@dataclass
class Redirect:
    op: str  # ">", ">>", "<", "<>", "<<<"
    target: str
    dynamic: bool = False


@dataclass
class SimpleCommand:
    words: list[str] = field(default_factory=list)
    dynamic: list[bool] = field(default_factory=list)
    quoted: list[bool] = field(default_factory=list)  # the word had quotes or backslashes
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Script:
    commands: list[SimpleCommand] = field(default_factory=list)
    nested: list[str] = field(default_factory=list)  # bodies of $( ), backticks, <( )
    problems: list[str] = field(default_factory=list)
    subshell: bool = False  # parentheses seen: a folder change inside may not last


class _Lexer:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.script = Script()
        self.cmd = SimpleCommand()
        self.last_quoted = False

    # -- helpers ---------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.s[j] if j < len(self.s) else ""

    def problem(self, text: str) -> None:
        if text not in self.script.problems:
            self.script.problems.append(text)

    def end_command(self) -> None:
        if self.cmd.words or self.cmd.redirects:
            self.script.commands.append(self.cmd)
        self.cmd = SimpleCommand()

    def read_balanced(self, open_ch: str, close_ch: str) -> str:
        """Read up to the matching ``close_ch`` (self.i is just past the opener), honouring quotes."""
        depth = 1
        start = self.i
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\":
                self.i += 2
                continue
            if c == "'":
                end = self.s.find("'", self.i + 1)
                if end < 0:
                    break
                self.i = end + 1
                continue
            if c == '"':
                self.i += 1
                while self.i < len(self.s) and self.s[self.i] != '"':
                    self.i += 2 if self.s[self.i] == "\\" else 1
                self.i += 1
                continue
            if c == open_ch:
                depth += 1
            elif c == close_ch:
                depth -= 1
                if depth == 0:
                    body = self.s[start : self.i]
                    self.i += 1
                    return body
            self.i += 1
        self.problem(f"an unbalanced '{open_ch}'")
        return self.s[start:]

    def read_backtick(self) -> str:
        start = self.i
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\":
                self.i += 2
                continue
            if c == "`":
                body = self.s[start : self.i]
                self.i += 1
                return body.replace("\\`", "`")
            self.i += 1
        self.problem("an unbalanced backtick")
        return self.s[start:]

    def read_expansion(self, out: list[str]) -> bool:
        """At ``$`` or a backtick (quoted or not): keep its literal text in ``out`` and note any
        nested command; True when the word's value is only known at run time."""
        if self.peek() == "$":
            text, dynamic = self.read_dollar()
            out.append(text)
            return dynamic
        self.i += 1
        self.script.nested.append(self.read_backtick())
        return True

    def read_dollar(self) -> tuple[str, bool]:
        """At a ``$``: returns (literal text to keep, dynamic?)."""
        nxt = self.peek(1)
        if nxt == "(":
            if self.peek(2) == "(":
                self.i += 3
                body = self.read_balanced("(", ")")
                self.problem("shell arithmetic")
                self.script.nested.append(body)
                return "", True
            self.i += 2
            self.script.nested.append(self.read_balanced("(", ")"))
            return "", True
        if nxt == "{":
            self.i += 2
            body = self.read_balanced("{", "}")
            if "$(" in body or "`" in body:
                self.problem("a command inside a ${...} expansion")
            return "", True
        if nxt == "'":
            # ANSI-C quoting: $'\x72m' may spell anything.
            self.i += 2
            while self.i < len(self.s) and self.s[self.i] != "'":
                self.i += 2 if self.s[self.i] == "\\" else 1
            self.i += 1
            return "", True
        if nxt and (nxt.isalnum() or nxt in "_@*#?$!-"):
            self.i += 1
            if nxt.isalpha() or nxt == "_":
                while self.peek().isalnum() or self.peek() == "_":
                    self.i += 1
            else:
                self.i += 1
            return "", True
        self.i += 1
        return "$", False

    # -- words -----------------------------------------------------------------------------
    def read_word(self) -> tuple[str, bool, bool]:
        """Read one word; returns (text, dynamic, found)."""
        self.last_quoted = False
        out: list[str] = []
        dynamic = False
        found = False
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in _SPACE or c in _SEPARATORS or c in "<>":
                break
            found = True
            if c in "\\'\"":
                self.last_quoted = True
            if c == "\\":
                nxt = self.peek(1)
                if nxt in ("\n", ""):
                    self.i += 2
                    continue
                out.append(nxt)
                self.i += 2
            elif c == "'":
                end = self.s.find("'", self.i + 1)
                if end < 0:
                    self.problem("an unbalanced quote")
                    out.append(self.s[self.i + 1 :])
                    self.i = len(self.s)
                else:
                    out.append(self.s[self.i + 1 : end])
                    self.i = end + 1
            elif c == '"':
                self.i += 1
                closed = False
                while self.i < len(self.s):
                    d = self.s[self.i]
                    if d == '"':
                        self.i += 1
                        closed = True
                        break
                    if d == "\\" and self.peek(1) in '$`"\\\n':
                        if self.peek(1) != "\n":
                            out.append(self.peek(1))
                        self.i += 2
                    elif d in ("$", "`"):
                        dynamic = self.read_expansion(out) or dynamic
                    else:
                        out.append(d)
                        self.i += 1
                if not closed:
                    self.problem("an unbalanced quote")
            elif c in ("$", "`"):
                dynamic = self.read_expansion(out) or dynamic
            else:
                out.append(c)
                self.i += 1
        return "".join(out), dynamic, found

    def skip_space(self) -> None:
        while self.peek() in (" ", "\t") and self.peek():
            self.i += 1

    def read_redirect(self, op: str) -> None:
        self.skip_space()
        if self.peek() == "(":
            self.problem("a redirection into a subshell")
            return
        target, dynamic, found = self.read_word()
        if not found:
            self.problem("a redirection without a target")
            return
        if op in (">&", "<&"):
            if target.isdigit() or target == "-":
                return  # fd duplication, no file
            op = ">" if op == ">&" else "<"
        self.cmd.redirects.append(Redirect(op, target, dynamic))

    # -- main loop -------------------------------------------------------------------------
    def run(self) -> Script:
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c in _SPACE:
                self.i += 1
            elif c in "\n\r;&|()":
                if c == "&" and self.peek(1) == ">":
                    op = "&>>" if self.peek(2) == ">" else "&>"
                    self.i += len(op)
                    self.read_redirect(">>" if op == "&>>" else ">")
                    continue
                if c == "(" and self.cmd.words:
                    self.problem("a function definition or unexpected parenthesis")
                if c in "()":
                    self.script.subshell = True
                self.end_command()
                self.i += 1
            elif c == "#" and not self.cmd.words:
                while self.i < len(s) and s[self.i] not in "\n\r":
                    self.i += 1
            elif c in "<>":
                # A preceding all-digit word was a file descriptor (2>file).
                if self.cmd.words and self.cmd.words[-1].isdigit() and self.i > 0 and s[self.i - 1].isdigit():
                    self.cmd.words.pop()
                    self.cmd.dynamic.pop()
                    self.cmd.quoted.pop()
                if s.startswith("<<<", self.i):
                    self.i += 3
                    self.read_redirect("<<<")
                elif s.startswith("<<", self.i):
                    self.problem("a here-document")
                    self.i += 2
                    self.read_redirect("<<")
                elif s.startswith("<(", self.i) or s.startswith(">(", self.i):
                    self.i += 2
                    self.script.nested.append(self.read_balanced("(", ")"))
                    self.cmd.words.append("/dev/fd/63")
                    self.cmd.dynamic.append(True)
                    self.cmd.quoted.append(False)
                elif s.startswith(">>", self.i):
                    self.i += 2
                    self.read_redirect(">>")
                elif s.startswith(">|", self.i):
                    self.i += 2
                    self.read_redirect(">")
                elif s.startswith(">&", self.i) or s.startswith("<&", self.i):
                    op = s[self.i : self.i + 2]
                    self.i += 2
                    self.read_redirect(op)
                elif s.startswith("<>", self.i):
                    self.i += 2
                    self.read_redirect("<>")
                else:
                    self.i += 1
                    self.read_redirect(c)
            else:
                word, dynamic, _found = self.read_word()
                self.cmd.words.append(word)
                self.cmd.dynamic.append(dynamic)
                self.cmd.quoted.append(self.last_quoted)
        self.end_command()
        return self.script


def parse(text: str) -> Script:
    """Split a shell script into simple commands, nested scripts and problems."""
    if "\x00" in text:
        script = Script()
        script.problems.append("a NUL character")
        return script
    return _Lexer(text).run()
