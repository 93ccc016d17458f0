"""``hearth memory ...`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from memory_corpus import make_mail, write_mbox

from app.cli import main


@pytest.fixture(autouse=True)
def onnx_embeddings(hearth_home: Path) -> None:
    config = hearth_home / "config"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text('[memory]\nembedding = "onnx"\n', encoding="utf-8")


def test_ingest_search_forget_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "wifi.txt").write_text("The guest wifi password is BlueHeron42.", encoding="utf-8")
    (docs / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not text")
    mbox = write_mbox(tmp_path / "m.mbox", [make_mail("Tickets", "Concert tickets for Saturday, row F.")])

    assert main(["memory", "ingest", str(docs), "--mbox", str(mbox)]) == 0
    out = capsys.readouterr().out
    assert "1 added, 0 updated, 0 removed, 1 skipped" in out
    assert "skipped: " in out and "unsupported file type (.jpg)" in out

    assert main(["memory", "search", "wifi password", "--json", "-k", "1"]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()
    hit = json.loads(line)
    assert "BlueHeron42" in hit["snippet"] and hit["source_type"] == "document"

    assert main(["memory", "search", "concert", "--source", "mail"]) == 0
    out = capsys.readouterr().out
    assert "Tickets" in out and "[third-party]" in out

    assert main(["memory", "remember", "my", "pharmacy", "is", "Walgreens"]) == 0
    capsys.readouterr()
    assert main(["memory", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["chunks_by_source_type"] == {"document": 1, "mail": 1, "conversation": 1}
    assert len(stats["source_list"]) == 2

    assert main(["memory", "forget", "--item", hit["item_id"]]) == 0
    assert "forgot 1 chunk" in capsys.readouterr().out
    assert main(["memory", "search", "wifi password", "--source", "document"]) == 0
    assert "nothing found" in capsys.readouterr().out
    assert main(["memory", "stats"]) == 0
    out = capsys.readouterr().out
    assert f"source: {docs.resolve()} (documents, 0 items, last ingest " in out
    assert f"source: {mbox.resolve()} (mbox, 1 item, last ingest " in out


def test_errors_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["memory", "ingest", str(tmp_path / "missing")]) == 1
    assert "hearth: no such file or folder" in capsys.readouterr().err
    assert main(["memory", "forget"]) == 1
    assert "say what to forget" in capsys.readouterr().err
    assert main(["memory", "search", "x", "--since", "last tuesday"]) == 1
    assert "not a date" in capsys.readouterr().err
