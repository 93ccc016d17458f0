"""CI runs exactly the README's test command, and that command lints and type-checks too."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Set up and run the checks and tests**", 1)[1]
    match = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert match, "the README names the test command in a sh block"
    return match.group(1).strip()


def test_ci_runs_the_readme_test_command() -> None:
    command = _readme_test_command()
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in lines


def test_the_test_command_runs_ruff_and_mypy_on_every_qt_free_package() -> None:
    command = _readme_test_command()
    assert "ruff check ." in command and "mypy" in command
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    files = re.search(r'^files = \[(.*?)\]', pyproject, re.M)
    assert files is not None
    assert {"app", "memory", "voice"} <= set(re.findall(r'"(\w+)"', files.group(1)))
