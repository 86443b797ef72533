"""A cached `verdict eval` in a new process (issue #15): it imports only what it uses, its help and
errors read as argparse's own, and the `verdict` program ends as main() returns."""
from __future__ import annotations

import argparse
import calendar
import contextlib
import datetime as dt
import io
import json
import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

from engine import cli
from engine.durations import add_months, days_in_month
from engine.facts.plain import read_plain

ROOT = Path(__file__).resolve().parent.parent
STUDENT_HEALTH = ROOT / "rulesets" / "student_health"
WANG = ROOT / "examples" / "wang.yaml"

# Modules that a cached eval of a facts file of `name: value` lines does not need: PyYAML (the
# facts are read by engine/facts/plain.py, the rules come from the cache), shutil (argparse's
# terminal width, for help not shown), calendar (the length of a month), the parser, and Babel
# (the explanation's numbers and dates are written from engine/locale/kept_shapes.py).
NOT_NEEDED = ("yaml", "shutil", "calendar", "pathlib", "lark", "engine.syntax.parse", "engine.yaml_safe", "babel",
              "babel.numbers", "babel.dates", "zoneinfo")
# `python -S`, the engine and its packages on the path: no site (whose finder of an editable
# install imports pathlib itself), so that what the engine imports shows
BARE_PATH = [str(ROOT)] + site.getsitepackages()


def run_eval(folder: Path, facts: Path, *more: str) -> subprocess.CompletedProcess:
    program = (f"import sys\nsys.path[:0] = {BARE_PATH!r}\nfrom engine.cli import main\n"
               f"code = main(['eval', {str(STUDENT_HEALTH)!r}, '--facts', {str(facts)!r}, '--as-of', '2025-09-01', "
               f"'--output', 'css_status'{''.join(f', {m!r}' for m in more)}])\n"
               f"found = sorted(m for m in {NOT_NEEDED!r} if m in sys.modules)\n"
               "sys.stderr.write(repr((code, found)))\n")
    env = dict(os.environ, VERDICT_CACHE_DIR=str(folder))
    return subprocess.run([sys.executable, "-S", "-c", program], capture_output=True, text=True, env=env, cwd=ROOT)


def test_a_cached_eval_imports_neither_pyyaml_nor_the_parser_nor_babel(tmp_path):
    first, second = run_eval(tmp_path / "cache", WANG), run_eval(tmp_path / "cache", WANG)
    assert "yaml" in first.stderr and "lark" in first.stderr  # the first run read ruleset.yaml and parsed
    assert "babel" in first.stderr  # and read the explanation's shapes from Babel
    assert second.stderr == "(0, [])"
    assert second.stdout == first.stdout and "Complémentaire santé solidaire: free" in second.stdout


def test_a_cached_eval_of_json_facts_imports_no_pyyaml_either(tmp_path):
    facts = tmp_path / "wang.json"
    plain = read_plain(WANG.read_text(encoding="utf-8"))
    facts.write_text(json.dumps({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in plain.items()},
                                indent=2), encoding="utf-8")
    run_eval(tmp_path / "cache", WANG)
    from_yaml, from_json = run_eval(tmp_path / "cache", WANG), run_eval(tmp_path / "cache", facts)
    assert from_json.stderr == "(0, [])" and from_json.stdout == from_yaml.stdout


def test_facts_beyond_name_value_lines_are_read_by_pyyaml_to_the_same_verdict(tmp_path):
    marked = tmp_path / "marked.yaml"  # the same facts after a document marker: not a plain line
    marked.write_text("---\n" + WANG.read_text(encoding="utf-8"), encoding="utf-8")
    run_eval(tmp_path / "cache", WANG)
    read_here, read_by_pyyaml = run_eval(tmp_path / "cache", WANG), run_eval(tmp_path / "cache", marked)
    assert read_here.stderr == "(0, [])" and read_by_pyyaml.stderr == "(0, ['engine.yaml_safe', 'yaml'])"
    assert read_by_pyyaml.stdout == read_here.stdout


def test_the_verdict_program_is_main_and_then_the_process_ends(tmp_path):
    env = dict(os.environ, VERDICT_CACHE_DIR=str(tmp_path / "cache"))
    eval_words = ["eval", str(STUDENT_HEALTH), "--facts", str(WANG), "--as-of", "2025-09-01", "--output", "css_status"]
    by_main = run_eval(tmp_path / "cache", WANG)
    # an eval ends the process as soon as the verdict is written: atexit handlers first, then the flush
    program = ("import atexit, sys\nfrom engine import cli\n"
               "atexit.register(lambda: sys.stdout.write('[atexit ran]'))\n"
               f"sys.argv = ['verdict'] + {eval_words!r}\n"
               "code = cli.command()\nsys.stderr.write('[not reached]')\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, cwd=ROOT)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == by_main.stdout + "[atexit ran]"
    by_module = subprocess.run([sys.executable, "-m", "engine"] + eval_words, capture_output=True, text=True,
                               env=env, cwd=ROOT)
    assert (by_module.returncode, by_module.stdout) == (0, by_main.stdout)
    partial = tmp_path / "partial.yaml"
    partial.write_text("nationality: CN\n", encoding="utf-8")
    for facts, status in ((partial, 1), (tmp_path / "none.yaml", 2)):
        words = ["eval", str(STUDENT_HEALTH), "--facts", str(facts), "--as-of", "2025-09-01", "--output", "css_status"]
        program = f"import sys\nfrom engine import cli\nsys.exit(cli.main({words!r}))\n"
        ran = [subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
               for command in ([sys.executable, "-m", "engine"] + words, [sys.executable, "-c", program])]
        assert ran[0].returncode == ran[1].returncode == status
        assert (ran[0].stdout, ran[0].stderr) == (ran[1].stdout, ran[1].stderr) and ran[0].stderr
    # any other command returns, the collector frozen: the collections of Python's exit skip the objects
    program = ("import gc, sys\nfrom engine import cli\n"
               f"sys.argv = ['verdict', 'check', {str(STUDENT_HEALTH)!r}]\n"
               "code = cli.command()\nsys.stderr.write(repr((code, gc.get_freeze_count() > 0)))\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.stderr == "(0, True)"


def formatted(parser: argparse.ArgumentParser, words: list) -> tuple:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as stop:
        parser.parse_args(words)
    return stop.value.code, out.getvalue(), err.getvalue()


def with_argparse_formatter(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The same parser, each of its commands formatting with argparse's own HelpFormatter."""
    parser.formatter_class = argparse.HelpFormatter
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                with_argparse_formatter(command)
    return parser


@pytest.mark.parametrize("columns", ["100", "50"])
@pytest.mark.parametrize("words", [["--help"], ["eval", "--help"], ["eval"], ["eval", "--format", "xml"],
                                   ["check", "--help"], ["evl"], ["fmt", "--help"], ["dmn", "--help"]])
def test_help_and_errors_read_as_with_argparses_own_formatter(words, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", columns)
    ours = formatted(cli.build_parser(words), words)
    assert ours == formatted(with_argparse_formatter(cli.build_parser(words)), words)
    assert ours[0] in (0, 2) and "usage: verdict" in ours[1] + ours[2]


def test_the_formatter_made_for_each_argument_does_not_ask_the_terminal(monkeypatch):
    asked = []
    monkeypatch.setattr("shutil.get_terminal_size", lambda *a: asked.append(a) or os.terminal_size((80, 24)))
    cli.build_parser(["eval"]).parse_args(["eval", "rules", "--facts", "f.yaml"])
    assert asked == []
    formatted(cli.build_parser(["eval", "--help"]), ["eval", "--help"])
    assert asked  # the help is formatted to the terminal's width, as argparse does


def test_a_months_length_is_the_calendars():
    assert all(days_in_month(year, month) == calendar.monthrange(year, month)[1]
               for year in (1, 4, 100, 1900, 2000, 2024, 2025, 9999) for month in range(1, 13))
    assert add_months(dt.date(2024, 1, 31), 1).isoformat() == "2024-02-29"
    assert add_months(dt.date(9999, 11, 30), 1).isoformat() == "9999-12-30"


def test_the_rules_read_back_from_a_pickle_are_the_rules_written(tmp_path):
    """Nodes and spans pickle as a call of their class with their fields (engine/ast.py, span.py):
    what is read back is equal, of the same classes, to the last position."""
    import copy
    import pickle

    import engine
    from engine import ast
    from engine.span import Span
    ruleset = engine.load_ruleset(STUDENT_HEALTH)
    again = pickle.loads(pickle.dumps(ruleset.parsed, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == ruleset.parsed
    kinds = set()

    def walk(node, twin):
        assert type(twin) is type(node)
        if isinstance(node, (ast.Node, Span)):
            kinds.add(type(node).__name__)
            assert node.__reduce_ex__(pickle.HIGHEST_PROTOCOL)[0] is type(node)
            assert repr(twin) == repr(node) and hash(twin) == hash(node)
            for field in node.__attrs_attrs__:
                walk(getattr(node, field.name), getattr(twin, field.name))
        elif isinstance(node, (list, tuple)):
            assert len(twin) == len(node)
            for a, b in zip(node, twin):
                walk(a, b)
    walk(ruleset.parsed, again)
    assert {"Span", "Table", "Row", "Cell", "Literal", "Name", "DecisionDecl"} <= kinds
    first = ruleset.model.decisions["css_status"].versions[0].decl
    assert copy.deepcopy(first) == first and copy.copy(first) == first


def test_a_verdict_that_cannot_be_flushed_ends_as_pythons_exit_ends_it(tmp_path):
    """stdout a pipe nobody reads any more: the last flush fails, and Python's exit says so (120)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["VERDICT_CACHE_DIR"] = str(tmp_path / "cache")
    words = ["eval", str(STUDENT_HEALTH), "--facts", str(WANG), "--as-of", "2025-09-01", "--output", "css_status"]
    ended = []
    for command in ([sys.executable, "-m", "engine"] + words,
                    [sys.executable, "-c", f"import sys\nfrom engine import cli\nsys.exit(cli.main({words!r}))\n"]):
        reader, writer = os.pipe()
        os.close(reader)
        try:
            done = subprocess.run(command, stdout=writer, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        finally:
            os.close(writer)
        ended.append((done.returncode, done.stderr))
    assert ended[0] == ended[1]
    assert ended[0][0] == 120 and "BrokenPipeError" in ended[0][1]


def test_the_quick_check_for_wide_characters_finds_those_of_the_two_ranges_and_no_other():
    """engine/locale/linebreak.py writes the pre-check as the complement of what it does not
    find (cheaper to compile): it finds U+1100..U+115F and U+2E80..U+10FFFF, nothing else."""
    import re

    from engine.locale import linebreak
    written = re.compile("[\u1100-\u115f\u2e80-\U0010ffff]")
    assert [code for code in range(0x110000)
            if (linebreak._MAYBE_WIDE_FROM.search(chr(code)) is None) != (written.search(chr(code)) is None)] == []


def test_importing_the_command_leaves_the_collector_as_it_found_it():
    """engine/cli.py pauses the cyclic collector while its imports run, and sets it back."""
    for switch, expected in (("", "True"), ("gc.disable()\n", "False")):
        program = f"import gc\n{switch}import engine.cli\nimport sys\nsys.stderr.write(repr(gc.isenabled()))\n"
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT)
        assert done.stderr == expected
