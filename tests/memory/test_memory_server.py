"""The same Memory against a Chroma server (``chroma run`` on loopback, started by the test)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import MemorySettings
from app.paths import get_paths


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chroma_cli() -> str | None:
    candidate = Path(sys.executable).with_name("chroma")
    return str(candidate) if candidate.exists() else shutil.which("chroma")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    cli = _chroma_cli()
    if cli is None:
        pytest.skip("the chroma CLI is not installed")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [cli, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "chroma run did not start: " + (tmp_path / "chroma.log").read_text()
                    ) from None
                time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_memory_on_a_chroma_server(chroma_server: int, tmp_path: Path) -> None:
    from memory.api import open_memory

    settings = MemorySettings(
        backend="server", server_host="127.0.0.1", server_port=chroma_server, embedding="onnx"
    )
    memory = open_memory(get_paths(), settings)
    try:
        docs = tmp_path / "docs"
        docs.mkdir()
        (docs / "car.txt").write_text("The car insurance renews on 14 March with Allianz.", encoding="utf-8")
        (docs / "bike.txt").write_text("The bike lock code is 2580.", encoding="utf-8")
        assert memory.ingest_path(docs).added == 2
        item = memory.remember("My sister lives in Porto")
        (hit,) = memory.search("when does the car insurance renew", k=1)
        assert "Allianz" in hit.snippet and hit.source_type == "document"
        assert (
            memory.search("where does my sister live", k=1, source_types=["conversation"])[0].item_id == item
        )
        assert memory.stats()["backend"] == "server" and memory.stats()["chunks"] == 3
        assert memory.forget(item_id=item) == 1
        assert memory.ingest_path(docs).skipped == 2  # incremental on the server too
    finally:
        memory.close()
    # nothing was written to the embedded store's folder
    assert not (get_paths().memory_dir / "chroma").exists()
