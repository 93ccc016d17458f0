"""The app and a ``hearth`` command started together on a first run do not both import the
embedded model into the same folder: the second waits for the first and then uses its model."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from app.config import DEFAULT_MODEL
from app.paths import get_paths
from app.runtime.registry import _importing, is_model_dir

ROOT = Path(__file__).resolve().parents[2]
CHILD = ("import sys\nfrom app.paths import get_paths\nfrom app.runtime.registry import ensure_default_model\n"
         "print('started', flush=True)\nprint(ensure_default_model(get_paths()), flush=True)\n")


def test_a_second_process_waits_for_the_import_under_way_and_uses_its_model(
        default_model_dir: Path, hearth_home: Path) -> None:
    paths = get_paths()
    target = paths.models_dir / DEFAULT_MODEL
    paths.models_dir.mkdir(parents=True)
    with _importing(paths, DEFAULT_MODEL):  # this process is importing
        child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert child.stdout is not None and child.stdout.readline().strip() == "started"
        time.sleep(2)
        assert child.poll() is None  # waiting, not importing beside us
        assert not [p for p in paths.models_dir.iterdir() if ".importing-" in p.name]
        target.symlink_to(default_model_dir)  # our import finishes
    out, _ = child.communicate(timeout=120)
    assert child.returncode == 0 and out.strip() == str(target)
    assert target.is_symlink() and is_model_dir(target)  # used as it was, not imported again
