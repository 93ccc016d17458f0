"""Adding a folder reads every file Hearth can read in it: mail, calendars and contacts go to
their own connectors instead of being skipped as "unsupported file type"."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build(root: Path, today: dt.date) -> object:
    """bench/personal_corpus.py's corpus (loaded by path: bench/ holds a memory.py of its own)."""
    spec = importlib.util.spec_from_file_location("personal_corpus", ROOT / "bench" / "personal_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("personal_corpus", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.build(root, today)


def test_a_folder_holding_mbox_ics_and_vcf_is_read_whole(mem, tmp_path: Path) -> None:
    corpus_root = tmp_path / "corpus"
    build(corpus_root, dt.date(2026, 12, 3))
    folder = tmp_path / "Personal"
    (folder / "inner").mkdir(parents=True)
    shutil.copy(corpus_root / "mail.mbox", folder / "mail.mbox")
    shutil.copy(corpus_root / "calendar.ics", folder / "inner" / "calendar.ics")
    shutil.copy(corpus_root / "contacts.vcf", folder / "contacts.vcf")
    (folder / "note.md").write_text("# Bike\nThe bike lock code is 4471.\n", encoding="utf-8")

    finished = mem.ingest_path(folder)

    assert not [r for r in finished.skipped_reasons if "unsupported file type" in r], finished.skipped_reasons
    by_type = mem.stats().get("chunks_by_source_type") or {}
    assert {"mail", "calendar", "contact", "document"} <= set(by_type), by_type
    mail = mem.search("pharmacy prescription", k=5, source_types="mail")
    assert mail and all(c.source_type == "mail" for c in mail)
    assert "#" in mail[0].path and mail[0].path.split("#")[0] == str((folder / "mail.mbox").resolve())
    assert mem.search("Priya", k=3, source_types="contact")

    again = mem.ingest_path(folder)  # unchanged: nothing is added or removed the second time
    assert (again.added, again.removed) == (0, 0)
