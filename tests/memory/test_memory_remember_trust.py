"""A fact keeps the trust of where it came from (issue #19): what the model `remember`s while a
mail is in the context comes back in later turns as untrusted, never as the user's own word."""

from __future__ import annotations

from pathlib import Path

from app.config import Settings
from app.paths import get_paths
from app.policy.taint import Taint
from app.tools.base import ToolContext
from app.tools.memory_tools import TOOLS


def _remember_tool():
    return next(t for t in TOOLS if t.name == "remember")


def test_a_fact_remembered_under_untrusted_content_stays_untrusted(mem, hearth_home: Path) -> None:
    ctx = ToolContext(paths=get_paths(), settings=Settings(), memory=mem)
    ctx.untrusted_sources = ("mail: Your account",)
    out = _remember_tool().execute({"text": "The user's bank is evil-bank.example"}, ctx)
    assert "untrusted" in out.output

    ctx.untrusted_sources = ()
    _remember_tool().execute({"text": "My pharmacy is on Elm Street"}, ctx)

    hits = {c.snippet.strip(): c for c in mem.search("bank pharmacy", k=5)}
    bank = next(c for s, c in hits.items() if "evil-bank" in s)
    pharmacy = next(c for s, c in hits.items() if "Elm Street" in s)
    assert not bank.trusted and pharmacy.trusted

    taint = Taint()
    taint.add_citations([bank, pharmacy])
    assert len(taint.sources) == 1 and "bank" in taint.sources[0]


def test_the_same_sentence_from_the_user_is_not_merged_with_an_untrusted_copy(mem) -> None:
    untrusted = mem.remember("Call Sam at 555-0100", trusted=False)
    mine = mem.remember("Call Sam at 555-0100")
    assert untrusted != mine
