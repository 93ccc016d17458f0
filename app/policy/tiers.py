"""Risk tiers, ordered: the highest tier of any part of an action wins, and the model never lowers one."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from app.wording import THIS_COMPUTER


class Tier(IntEnum):
    """How risky an action is. Everything from UNKNOWN up always asks and cannot be allow-listed."""

    READ_ONLY = 0
    REVERSIBLE = 1
    UNKNOWN = 2  # not understood: asks
    DESTRUCTIVE = 3
    EXTERNAL = 4  # mail, messages, any network egress
    MONEY = 5
    CREDENTIALS = 6  # credentials and security settings

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def always_asks(self) -> bool:
        return self >= Tier.UNKNOWN

    @classmethod
    def from_label(cls, label: str) -> Tier:
        return cls[label.upper()]


TIER_WORDS = {
    Tier.READ_ONLY: "only reads",
    Tier.REVERSIBLE: "makes a local change that can be undone",
    Tier.UNKNOWN: "is not fully understood by Hearth",
    Tier.DESTRUCTIVE: "deletes or overwrites something and cannot be undone",
    Tier.EXTERNAL: f"sends data outside {THIS_COMPUTER} (network, mail or messages)",
    Tier.MONEY: "may spend money",
    Tier.CREDENTIALS: "touches passwords, keys or security settings",
}


@dataclass
class Risk:
    """A classification: the tier, plain-language reasons, and one sentence explaining the action."""

    tier: Tier = Tier.READ_ONLY
    reasons: list[str] = field(default_factory=list)
    explanation: str = ""

    def raise_to(self, tier: Tier, reason: str) -> Risk:
        """Raise (never lower) the tier and record why."""
        if tier > self.tier:
            self.tier = tier
        if reason and reason not in self.reasons:
            self.reasons.append(reason)
        return self

    def merge(self, other: Risk) -> Risk:
        for reason in other.reasons:
            self.raise_to(other.tier, reason)
        if other.tier > self.tier:
            self.tier = other.tier
        return self
