"""The worked example of docs/student_health.md is the engine's real output, in every language."""
import re
import shlex
from pathlib import Path

import pytest

from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "student_health.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```\n\$ (verdict eval .*?)\n(?!    )(.*?)```", DOC, re.S)


def test_the_worked_example_is_there_in_three_languages():
    assert len(EXAMPLES) == 3


@pytest.mark.parametrize("command, expected", EXAMPLES, ids=["en", "fr", "zh"][:len(EXAMPLES)])
def test_the_worked_example_is_what_the_engine_prints(command, expected, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    argv = shlex.split(command.replace("\\\n", " "))[1:]
    assert main(argv) == 0
    assert capsys.readouterr().out == expected
