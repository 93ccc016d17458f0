"""Allow rules: a tool plus the exact arguments it was approved with, stored in settings, listed
and revocable.

A rule only ever covers the reversible tier, and never while untrusted content is in context.
A rule made by "Always allow" is exact: the canonical JSON of the approved arguments, and a ``*``
in those arguments (``touch *.log``) is a literal character, never a wildcard. Only a rule the
user writes by hand with ``wildcard = true`` is a pattern, and then ``*`` matches within one word:
never a quote, whitespace, ``..`` or a shell operator, so it cannot stretch across ``;``, ``&&``,
``|``, a redirection, a substitution or up a folder; for ``run_command`` the command must also parse as exactly one
simple command with no redirections or substitutions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.config import Settings, load_settings, save_settings
from app.paths import Paths
from app.policy.hashing import canonical_json
from app.policy.tiers import Tier

# What a wildcard may stand for: characters of one word, never a quote, backslash, whitespace or
# anything the shell treats as an operator, expansion or redirection, and never ``..`` (a rule for
# ``~/notes/*`` must not reach ``~/notes/../Documents``).
_WILDCARD = r"""(?:(?!\.\.)[^"\\\s;&|<>()$`'*?\[\]{}~!#])*"""


def _one_simple_command(command: Any) -> bool:
    from app.policy.shell_parse import parse

    if not isinstance(command, str):
        return False
    script = parse(command)
    return (len(script.commands) == 1 and not script.nested and not script.problems and not script.subshell
            and not script.commands[0].redirects)


@dataclass(frozen=True)
class AllowRule:
    tool: str
    pattern: str
    wildcard: bool = False  # only for rules the user wrote by hand

    def matches(self, tool: str, arguments: dict[str, Any]) -> bool:
        if tool != self.tool:
            return False
        text = canonical_json(arguments)
        if not self.wildcard or "*" not in self.pattern:
            return text == self.pattern
        if tool == "run_command" and not _one_simple_command(arguments.get("command")):
            return False
        regex = "".join(_WILDCARD if part == "*" else re.escape(part) for part in re.split(r"(\*)", self.pattern))
        return re.fullmatch(regex, text) is not None


def can_allow_always(tier: Tier, tainted: bool) -> bool:
    return tier == Tier.REVERSIBLE and not tainted


class AllowRules:
    """The allow-list in ``settings.agent.allow_rules``; changes are saved at once."""

    def __init__(self, settings: Settings | None = None, paths: Paths | None = None, *, persist: bool = True) -> None:
        self.paths = paths
        self.settings = settings if settings is not None else load_settings(paths)
        self.persist = persist

    def list(self) -> list[AllowRule]:
        out = []
        for raw in self.settings.agent.allow_rules:
            if isinstance(raw, dict) and isinstance(raw.get("tool"), str) and isinstance(raw.get("pattern"), str):
                out.append(AllowRule(raw["tool"], raw["pattern"], raw.get("wildcard") is True))
        return out

    def allows(self, tool: str, arguments: dict[str, Any], tier: Tier, tainted: bool) -> AllowRule | None:
        if not can_allow_always(tier, tainted):
            return None
        return next((r for r in self.list() if r.matches(tool, arguments)), None)

    def add(self, tool: str, arguments: dict[str, Any], tier: Tier) -> AllowRule:
        if tier != Tier.REVERSIBLE:
            raise ValueError(f"a {tier.label} action cannot be allow-listed")
        rule = AllowRule(tool, canonical_json(arguments))
        if rule not in self.list():
            self.settings.agent.allow_rules.append({"tool": rule.tool, "pattern": rule.pattern})
            self._save()
        return rule

    def revoke(self, index: int) -> AllowRule:
        rules = self.list()
        rule = rules[index]
        self.settings.agent.allow_rules = [
            r for r in self.settings.agent.allow_rules if not (r.get("tool") == rule.tool and r.get("pattern") == rule.pattern)
        ]
        self._save()
        return rule

    def _save(self) -> None:
        if self.persist:
            save_settings(self.settings, self.paths)
