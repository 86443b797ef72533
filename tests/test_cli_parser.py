"""engine/cli.build_parser makes a command's own arguments only when that command runs: the help,
usage and errors of every command must read as when every command is made (help, typos)."""
from __future__ import annotations

import contextlib
import io

import pytest

from engine import cli

CORE = ["check", "eval", "test", "explain", "verify", "keygen", "replay"]


def said(parser, words) -> tuple:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as stop:
        parser.parse_args(words)
    return stop.value.code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", CORE)
@pytest.mark.parametrize("after", [["--help"], ["--no-such-option"], []])
def test_a_command_reads_the_same_made_alone_or_with_every_command(command, after, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    words = [command] + after
    alone = said(cli.build_parser(words), words)
    every = said(cli.build_parser(["help"]), words)  # not a command: every one is made, to be listed
    assert alone == every
    assert alone[0] == (0 if after == ["--help"] else 2)
    assert f"usage: verdict {command}" in alone[1] + alone[2]


def test_only_the_command_that_comes_first_is_made():
    parser = cli.build_parser(["test", "rulesets/student_health"])
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert list(commands) == ["test"] and [a.dest for a in commands["test"]._actions] == ["help", "path"]
    assert parser.parse_args(["test", "x"]).path == "x"
    for words in (["help"], ["-h", "test"], ["--he", "test"], ["--version"]):  # not first: every command
        commands = next(a for a in cli.build_parser(words)._actions if a.dest == "command").choices
        assert list(commands)[:len(CORE)] == CORE, words


def test_the_list_of_commands_is_the_same():
    assert said(cli.build_parser(["--help"]), ["--help"]) == said(cli.build_parser(["help"]), ["--help"])
    main_help = said(cli.build_parser(["--he", "eval"]), ["--he", "eval"])[1]  # the main help: every core command
    assert all(f"\n    {name} " in main_help for name in CORE)
    assert said(cli.build_parser(["evl", "x"]), ["evl", "x"]) == said(cli.build_parser(["help"]), ["evl", "x"])
    assert "eval" in said(cli.build_parser(["--help"]), ["--help"])[1]
