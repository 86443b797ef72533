"""Shared helpers for the core tests: rule text written to a temporary folder and loaded.

Every helper works in a fresh temporary directory that is also the working directory, so the
file names in diagnostics and traces are short and exact (`r.rules`, not an absolute path).

Golden files (tests/golden/*.json) are compared byte for byte. To rewrite them after an
intended change, run `pytest tests/test_trace.py --regen-golden` (or set
VERDICT_REGEN_GOLDEN=1) and review the diff.
"""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

import engine
from engine.ruleset import check_path

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
AS_OF = "2025-06-01"


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.json from the current engine instead of comparing")


@pytest.fixture
def regen_golden(request) -> bool:
    return bool(request.config.getoption("--regen-golden")) or os.environ.get("VERDICT_REGEN_GOLDEN") == "1"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


class Workspace:
    """A temporary working directory in which rule files are written, loaded and checked."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, text: str, name: str = "r.rules") -> Path:
        """Write one rule file (dedented); returns its path relative to the workspace."""
        path = Path(name)
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(dedent(text), encoding="utf-8")
        return path

    def folder(self, files: dict, ruleset_yaml: str | None = None, name: str = "rs") -> Path:
        """A ruleset folder `name/` with the given {file name: text} and an optional ruleset.yaml."""
        for file, text in files.items():
            self.write(text, f"{name}/{file}")
        if ruleset_yaml is not None:
            self.write(ruleset_yaml, f"{name}/ruleset.yaml")
        return Path(name)

    def load(self, text: str, name: str = "r.rules") -> engine.Ruleset:
        return engine.load_ruleset(self.write(text, name))

    def check(self, text: str, name: str = "r.rules"):
        """(diagnostics, sources) of `verdict check` on one rule file; never raises for bad rules."""
        return check_path(self.write(text, name))

    def diagnostics(self, text: str, name: str = "r.rules") -> list:
        return self.check(text, name)[0]

    def errors(self, text: str, name: str = "r.rules") -> list:
        return [d for d in self.diagnostics(text, name) if d.is_error]

    def evaluate(self, text: str, facts: dict, as_of: str = AS_OF, **kwargs):
        return self.load(text).evaluate(facts, as_of=as_of, **kwargs)


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Workspace:
    monkeypatch.chdir(tmp_path)
    return Workspace(tmp_path)

