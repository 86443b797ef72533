"""The worked example of docs/student_health.md is the engine's real output, in every language.

After an intended change of the output (or of the ruleset, whose hash the header shows), rewrite
the examples with `VERDICT_REGEN=1 pytest tests/test_docs.py` and review the diff."""
import os
import re
import shlex
from pathlib import Path

import pytest

from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC_PATH = ROOT / "docs" / "student_health.md"
EXAMPLE = re.compile(r"(```\n\$ (verdict eval .*?)\n)(?!    )(.*?)(```)", re.S)


def _examples():
    return EXAMPLE.findall(DOC_PATH.read_text(encoding="utf-8"))


def _run(command: str, capsys, monkeypatch) -> str:
    monkeypatch.chdir(ROOT)
    argv = shlex.split(command.replace("\\\n", " "))[1:]
    assert main(argv) == 0
    return capsys.readouterr().out


def test_the_worked_example_is_there_in_three_languages():
    assert len(_examples()) == 3


@pytest.mark.parametrize("index", range(3), ids=["en", "fr", "zh"])
def test_the_worked_example_is_what_the_engine_prints(index, capsys, monkeypatch):
    _, command, expected, _ = _examples()[index]
    output = _run(command, capsys, monkeypatch)
    if os.environ.get("VERDICT_REGEN") == "1":
        text = DOC_PATH.read_text(encoding="utf-8")
        matches = list(EXAMPLE.finditer(text))
        match = matches[index]
        DOC_PATH.write_text(text[:match.start(3)] + output + text[match.end(3):], encoding="utf-8")
        return
    assert output == expected
