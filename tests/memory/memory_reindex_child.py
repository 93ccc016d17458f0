"""Run by the reindex test in a subprocess: re-embed the store in small batches, printing progress."""

from __future__ import annotations

import time

from app.config import MemorySettings
from app.events import IngestProgress
from memory.api import open_memory


def main() -> None:
    memory = open_memory(settings=MemorySettings(embedding="onnx"))
    import memory.reindex as reindex_module

    reindex_module.BATCH = 8  # many small commits, so a kill lands between them

    def show(event: object) -> None:
        if isinstance(event, IngestProgress):
            print(f"progress {event.done} {event.total}", flush=True)
            time.sleep(0.05)

    report = memory.reindex(on_event=show)
    print(f"done {report.updated} {report.skipped}", flush=True)
    memory.close()


if __name__ == "__main__":
    main()
