"""Run by the durability test in a subprocess: ingest a folder, printing progress as it goes."""

from __future__ import annotations

import sys
from pathlib import Path

from app.config import MemorySettings
from app.events import IngestProgress
from memory.api import open_memory


def main() -> None:
    memory = open_memory(settings=MemorySettings(embedding="onnx"))
    import memory.ingest as ingest_module

    ingest_module.BATCH_CHUNKS = 32  # many small commits, so a kill lands between them

    def show(event: object) -> None:
        if isinstance(event, IngestProgress):
            print(f"progress {event.done} {memory.collection.count()}", flush=True)

    report = memory.ingest_path(Path(sys.argv[1]), on_event=show)
    print(f"done {report.added} {report.updated} {report.removed}", flush=True)
    if sys.argv[2] != "exit-without-close":
        memory.close()


if __name__ == "__main__":
    main()
