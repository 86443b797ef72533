"""Bad and hostile input: nothing crashes, hangs, or answers wrongly in silence.

Rule files, facts and traces that are broken by accident or on purpose must give a diagnostic
(a VerdictError through the API; exit 1 or 2 and a message from the CLI), never another exception,
a traceback, a hang, or output on stdout after an error. Each crash the fuzzer (tests/fuzz.py)
found is a regression test here. Bugs in code this file's author could not change are
xfail(strict=True): they start failing — on purpose — the day they are fixed.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine import cli
from engine.errors import EvaluationError, FactError, RuleError, VerdictError
from engine.syntax.parse import MAX_LINE_LENGTH, MAX_NESTING_DEPTH, MAX_TABLE_COLUMNS
from engine.ruleset import check_path
from engine.ruleset_files import MAX_RULE_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile_ruleset"
AS_OF = "2025-06-01"


# ---------------------------------------------------------------------------- helpers

def load_bytes(tmp_path: Path, data: bytes, name: str = "r.rules"):
    path = tmp_path / name
    path.write_bytes(data)
    return engine.load_ruleset(path)


def load_text(tmp_path: Path, text: str, name: str = "r.rules"):
    return load_bytes(tmp_path, text.encode("utf-8"), name)


def refusal(tmp_path: Path, data: bytes | str, name: str = "r.rules") -> RuleError:
    data = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(RuleError) as caught:
        load_bytes(tmp_path, data, name)
    return caught.value


def run_cli(argv, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main([str(a) for a in argv])
    finally:
        os.chdir(previous)
    return status, out.getvalue(), err.getvalue()


def assert_refused_cleanly(status: int, out: str, err: str, *needles: str):
    assert status == 2, (status, out, err)
    assert out == "", "nothing may be printed on stdout when the command fails"
    assert "Traceback" not in err and "internal error" not in err, err
    for needle in needles:
        assert needle in err, f"{needle!r} not in {err!r}"


FACTS_RULES = """\
type Territory = {metropole, outre_mer}

input age         : integer 0..130      "Age of the applicant"
input income      : money >= 0 €        "Yearly income"
input ratio       : number 0..1 default 0.5
input territory   : Territory           "Where the household lives"
input nationality : country             "Nationality"
input arrival     : date                "Date of arrival"
input name        : text default "x"
input member      : bool default false
input tags        : list of Territory

decision adult : bool = age >= 18
decision rich : bool = income * ratio > 100000 €
decision overseas : bool = territory = outre_mer and not member
decision chinese : bool = nationality = CN
decision recent : bool = years_between(arrival, as_of) < 1
decision named : text = name
decision tagged : integer = count(tags)
"""
GOOD_FACTS = {"age": 30, "income": "20000", "territory": "metropole", "nationality": "CN",
              "arrival": "2024-09-01", "tags": ["metropole"]}


@pytest.fixture
def facts_ruleset(tmp_path):
    return load_text(tmp_path, FACTS_RULES, "facts.rules")


@pytest.fixture
def facts_rules_path(tmp_path):
    path = tmp_path / "facts.rules"
    path.write_text(FACTS_RULES, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- rule files: any bytes

HOSTILE_RULE_FILES = {
    "empty": b"",
    "only-bom": b"\xef\xbb\xbf",
    "only-newlines": b"\n\n\r\n\r",
    "only-comment": b"# nothing here",
    "nul": b"input a\x00 : integer\n",
    "all-bytes": bytes(range(256)),
    "invalid-utf8": b"input a : integer\ninput b\xff : bool\n",
    "truncated-utf8": b"input a : integer \"\xe2\x82",
    "surrogate-utf8": b"input a : integer \"\xed\xa0\x80\"\n",
    "overlong-utf8": b"input a : integer \"\xc0\xaf\"\n",
    "form-feed": b"input a : integer\n\x0cdecision d : integer = a +\n",
    "vertical-tab": b"input a : integer\n\x0bdecision d : integer = a\n",
    "line-separator": "input a : integer\u2028decision d : integer = a\n".encode(),
    "bidi-override": "input a : integer \"\u202eevil\"\ndecision d : integer = a\u202e\n".encode(),
    "zero-width-space": "input a\u200b : integer\n".encode(),
    "nbsp": "input\u00a0a : integer\n".encode(),
    "emoji-name": "input 😀 : integer\n".encode(),
    "combining-name": "input e\u0301 : integer\ndecision d : integer = e\u0301\n".encode(),
    "pipes": b"||||||||||\n|\n||\n",
    "header-only-table": b"input a : integer\ndecision d\n  | a || d |\n",
    "row-without-decision": b"  | a || d |\n  | 1 || 2 |\n",
    "unterminated-string": b'decision d : text = "abc\n',
    "unterminated-row-string": b'input a : integer\ndecision d\n  | a || d |\n  | 1 || "x |\n',
    "escape-at-end": b'decision d : text = "abc\\\n',
    "huge-int": b"decision d : integer = 1" + b"0" * 5000 + b"\n",
    "huge-fraction": b"decision d : number = 0." + b"0" * 5000 + b"1\n",
    "huge-percent": b"decision d : number = 9" + b"9" * 40 + b"%\n",
    "huge-money": b"decision d : money = 9" + b"9" * 40 + b" \xe2\x82\xac\n",
    "bad-date": b"decision d : date = 0000-00-00\n",
    "far-date": b"decision d : date = 9999-12-31\n",
    "deep-parens": b"decision d : integer = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n",
    "deep-brackets-in-cell": b"input a : integer\ndecision d\n  | a || d |\n  | " + b"[" * 3000 + b" || 1 |\n",
    "deep-sets": b"input a : integer\ndecision d : bool = a in " + b"{" * 3000 + b"\n",
    "deep-minus": b"decision d : integer = " + b"-" * 5000 + b"1\n",
    "deep-not": b"decision d : bool = " + b"not " * 2000 + b"true\n",
    "long-sum": b"input a : integer\ndecision d : integer = " + b" + ".join([b"a"] * 3000) + b"\n",
    "long-field-chain": b"input a : integer\ndecision d : integer = a" + b".b" * 3000 + b"\n",
    "long-if-chain": b"input a : integer\ndecision d : integer = " + b"if a > 1 then 1 else " * 500 + b"0\n",
    "deep-calls": b"decision d : integer = " + b"abs(" * 500 + b"1" + b")" * 500 + b"\n",
    "long-line": b"input a : integer \"" + b"x" * 50_000 + b"\"\n",
    "many-columns": b"decision d\n  | " + b" | ".join(b"c%d" % i for i in range(500)) + b" || d |\n  | 1 || 1 |\n",
    "many-cells-in-row": b"input a : integer\ndecision d\n  | a || d |\n  | 1 || 1 |" + b" x |" * 2000 + b"\n",
    "round-huge-places": b"decision d : number = round(1.5, 999999999999999)\n",
    "self-cycle": b"decision d : integer = d + 1\n",
    "lookalike-keyword": "\u0456nput a : integer\n".encode(),
    "tabs-everywhere": b"input\ta\t:\tinteger\n\tdecision\td\t:\tinteger\t=\ta\n",
    "crlf": b"input a : integer\r\ndecision d : integer = a\r\n",
    "cr-only": b"input a : integer\rdecision d : integer = a\r",
    "template-braces": b'input a : integer\ndecision d : integer = a because "{{{a}}} {} {"\n',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_RULE_FILES))
def test_any_rule_file_gives_diagnostics_or_a_ruleset(tmp_path, name):
    data = HOSTILE_RULE_FILES[name]
    path = tmp_path / "r.rules"
    path.write_bytes(data)
    started = time.perf_counter()
    try:
        ruleset = engine.load_ruleset(path)
    except VerdictError as error:
        assert error.diagnostics and all(d.message for d in error.diagnostics)
        error.render()
    else:
        ruleset.check()
    diagnostics, _ = check_path(path)  # `verdict check` never raises for bad rules
    status, out, err = run_cli(["check", path])
    assert status in (0, 1), (status, out, err)
    assert "Traceback" not in out + err and "internal error" not in err
    assert time.perf_counter() - started < 10


def test_control_characters_never_reach_the_terminal(tmp_path):
    path = tmp_path / "r.rules"
    path.write_bytes(b'input a : integer "\x1b[2J\x1b]0;owned\x07"\ndecision d : integer = a +\x1b[31m\n')
    status, out, err = run_cli(["check", path])
    assert status == 1
    assert "\x1b" not in out and "\x07" not in out


# ---------------------------------------------------------------------------- rule files: limits

def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    error = refusal(tmp_path, b"# " + b"x" * MAX_RULE_FILE_BYTES + b"\n")
    assert "the limit is 2,000,000" in str(error)


def test_a_line_at_the_limit_is_accepted_and_one_past_it_refused(tmp_path):
    head = 'input a : integer "'
    at_limit = head + "x" * (MAX_LINE_LENGTH - len(head) - 1) + '"'
    assert len(at_limit) == MAX_LINE_LENGTH
    load_text(tmp_path, at_limit + "\ndecision d : integer = a\n")
    error = refusal(tmp_path, at_limit + "x\n")
    (diagnostic,) = error.diagnostics
    assert diagnostic.span.line == 1 and diagnostic.span.column == MAX_LINE_LENGTH + 1
    assert "10,001 characters long; the limit is 10,000" in diagnostic.message


@pytest.mark.parametrize("wrap", [("(", ")"), ("-", ""), ("not ", ""), ("abs(", ")"), ("(a + ", ")"),
                                  ("max(a, ", ")"), ("if a > 0 then 1 else ", "")])
def test_nesting_at_the_limit_works_end_to_end_and_past_it_is_refused(tmp_path, wrap):
    open_, close = wrap
    kind = "bool" if open_ == "not " else "integer"
    leaf = "true" if kind == "bool" else "a"

    def rules(depth):
        return f"input a : integer\ndecision d : {kind} = {open_ * depth}{leaf}{close * depth}\n"

    ruleset = load_text(tmp_path, rules(MAX_NESTING_DEPTH - 1))
    verdict = ruleset.evaluate({"a": 1}, as_of=AS_OF)
    verdict.to_json(), verdict.explain()
    ruleset.check()
    error = refusal(tmp_path, rules(MAX_NESTING_DEPTH + 1))
    (diagnostic,) = error.diagnostics
    assert diagnostic.code == "syntax" and diagnostic.span.line == 2
    assert f"more than {MAX_NESTING_DEPTH}" in diagnostic.message


def test_a_sum_of_a_hundred_terms_is_fine_and_of_a_thousand_refused(tmp_path):
    ruleset = load_text(tmp_path, "input a : integer\ndecision d : integer = " + " + ".join(["a"] * 100) + "\n")
    assert ruleset.evaluate({"a": 2}, as_of=AS_OF).outputs["d"] == 200
    error = refusal(tmp_path, "input a : integer\ndecision d : integer = " + " + ".join(["a"] * 1000) + "\n")
    assert error.diagnostics[0].span.column == len("decision d : integer = ") + 1  # the start of the expression


def test_nesting_inside_a_table_cell_is_limited_too(tmp_path):
    cell = "-" * (MAX_NESTING_DEPTH + 1) + "1"
    error = refusal(tmp_path, f"input a : integer\ndecision d\n  | a || d |\n  | {cell} || 1 |\n")
    assert error.diagnostics[0].span.line == 4
    brackets = "(" * (MAX_NESTING_DEPTH + 1) + "1" + ")" * (MAX_NESTING_DEPTH + 1)
    error = refusal(tmp_path, f"input a : integer\ndecision d\n  | a || d |\n  | 1 || {brackets} |\n")
    assert "brackets are nested more than 100 deep" in str(error)


def test_brackets_inside_quoted_text_and_comments_do_not_count(tmp_path):
    deep = "(" * 500
    load_text(tmp_path, f'input a : integer "{deep}"  # {deep}\ndecision d : integer = a because "{deep}"\n')


def test_the_column_limit(tmp_path):
    def table(columns):
        inputs = "\n".join(f"input i{k} : integer" for k in range(columns))
        header = " | ".join(f"i{k}" for k in range(columns))
        row = " | ".join("-" for _ in range(columns))
        return f"{inputs}\ndecision d : integer\n  | {header} || d |\n  | {row} || 1 |\n"
    load_text(tmp_path, table(MAX_TABLE_COLUMNS - 1))  # + the output column = the limit
    error = refusal(tmp_path, table(MAX_TABLE_COLUMNS))
    assert f"has {MAX_TABLE_COLUMNS + 1} columns; the limit is {MAX_TABLE_COLUMNS}" in str(error)


def test_the_row_limit(tmp_path, monkeypatch):
    """The real limit is 1,000,000 rows; the mechanism is tested with a small one (parsing 1,000,001
    rows takes seconds)."""
    import engine.syntax.table
    monkeypatch.setattr(engine.syntax.table, "MAX_TABLE_ROWS", 5)
    rows = "".join(f"  | {k} || {k} |\n" for k in range(5))
    load_text(tmp_path, "input a : integer\ndecision d : integer\n  | a || d |\n" + rows)
    error = refusal(tmp_path, "input a : integer\ndecision d : integer\n  | a || d |\n" + rows + "  | 9 || 9 |\n")
    assert "table `d` has 6 rows; the limit is 5" in str(error)


def test_numbers_in_rules_are_bounded(tmp_path):
    load_text(tmp_path, "decision d : integer = 999999999999999\n")
    load_text(tmp_path, "decision d : number = 0.000000000000000000000000001\n")  # 27 places
    for literal in ("1000000000000000", "1" + "0" * 5000, "0." + "0" * 30 + "1", "9" * 20 + " €", "9" * 20 + "%"):
        error = refusal(tmp_path, f"decision d : number = {literal}\n")
        assert "is too long" in str(error), literal


# ---------------------------------------------------------------------------- rule files: text

def test_non_utf8_is_reported_at_the_bad_byte(tmp_path):
    error = refusal(tmp_path, b"input a : integer\ninput caf\xe9 : bool\n")
    (diagnostic,) = error.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 10)
    assert "byte 0xe9 is not UTF-8" in diagnostic.message
    assert diagnostic.render().startswith(f"{tmp_path / 'r.rules'}:2:10: error[syntax]")
    # the column counts characters, not bytes
    error = refusal(tmp_path, "input été : bool \"€\" ".encode() + b"\xff\n")
    assert error.diagnostics[0].span.column == len('input été : bool "€" ') + 1


def test_a_bom_is_accepted_and_does_not_shift_columns(tmp_path):
    ruleset = load_bytes(tmp_path, b"\xef\xbb\xbfinput a : integer\ndecision d : integer = a\n")
    assert ruleset.evaluate({"a": 3}, as_of=AS_OF).outputs["d"] == 3
    error = refusal(tmp_path, b"\xef\xbb\xbfinput a : intger\n")
    assert error.diagnostics[0].span.column == 11


def test_crlf_and_cr_line_ends_keep_positions_right(tmp_path):
    for newline in ("\r\n", "\r"):
        text = newline.join(["input a : integer", "", "decision d : integer = a + nope", ""])
        ruleset_error = refusal(tmp_path, text)
        (diagnostic,) = ruleset_error.diagnostics
        assert (diagnostic.span.line, diagnostic.span.column) == (3, 28)
        rendered = ruleset_error.render()
        assert "   3 | decision d : integer = a + nope" in rendered
        assert "\r" not in rendered


def test_tabs_keep_the_caret_under_the_error(tmp_path):
    error = refusal(tmp_path, "input a : integer\n\tdecision\td : integer =\ta +\tnope\n")
    (diagnostic,) = error.diagnostics
    assert diagnostic.span.column == 29
    line, caret = error.render().split("\n")[1:3]
    assert caret.index("^") == line.index("nope")


def test_form_feeds_and_unicode_line_separators_do_not_shift_the_shown_line(tmp_path):
    error = refusal(tmp_path, "input a : integer \"x\u2028y\"\n\x0cinput b : integer\ndecision d : integer = a +\n")
    (diagnostic,) = error.diagnostics
    assert diagnostic.span.line == 3
    assert "   3 | decision d : integer = a +" in error.render()


def test_a_lookalike_letter_in_a_name_is_named_precisely(tmp_path):
    error = refusal(tmp_path, "input age : integer\ndecision d : integer = \u0430ge + 1\n")
    (diagnostic,) = error.diagnostics
    assert diagnostic.code == "unknown-name" and (diagnostic.span.line, diagnostic.span.column) == (2, 24)
    assert "U+0430" in diagnostic.hint and "Latin `a`" in diagnostic.hint
    # in a table cell, and a Greek omicron
    error = refusal(tmp_path, "input go : integer\ndecision d\n  | g\u03bf || d |\n  | 1 || 1 |\n")
    assert "U+03BF" in error.diagnostics[0].hint


def test_a_lookalike_letter_in_a_keyword_is_named_precisely(tmp_path):
    error = refusal(tmp_path, "\u0456nput a : integer\n")
    (diagnostic,) = error.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 1)
    assert "U+0456" in diagnostic.hint


def test_a_lookalike_letter_in_a_declaration_is_named_precisely(tmp_path):
    error = refusal(tmp_path, "input \u0430ge : integer\ndecision d : integer = age + 1\n")
    assert "U+0430" in error.render()


def test_invisible_characters_are_named_not_printed(tmp_path):
    error = refusal(tmp_path, b"input a\x00 : integer\n")
    assert "U+0000" in error.diagnostics[0].message
    error = refusal(tmp_path, "input a\u200b : integer\n".encode())
    assert "U+200B" in error.diagnostics[0].message


def test_an_unclosed_text_says_so(tmp_path):
    error = refusal(tmp_path, 'input a : integer "Age of\n')
    assert 'ends with `"` on the same line' in error.diagnostics[0].hint


def test_an_unknown_type_is_one_error_not_two(tmp_path):
    error = refusal(tmp_path, "input age : Integer 0..130\n")
    assert [d.code for d in error.diagnostics] == ["unknown-name"]


def test_an_empty_declared_range_is_an_error(tmp_path):
    refusal(tmp_path, "input a : integer 5..1\ndecision d : integer = a\n")


def test_very_long_lines_are_shown_as_a_window_around_the_caret(tmp_path):
    error = refusal(tmp_path, "input a : integer\ndecision d : integer = " + "a + " * 3000 + "\n")
    for line in error.render().split("\n"):
        assert len(line) < 200


# ---------------------------------------------------------------------------- ruleset.yaml and messages

SETTINGS = ["[1, 2]", "42", "languages: 5", "languages: [en, {a: 1}]", "outputs: 5", "outputs: [nope]",
            "sources: 5", "sources: [1, {id: x}]", "sources: {a: 5, b: [1]}", "name: !!python/name:os.system",
            "a: &a [*a]", "\x00", "{", "language: [fr]", "version: 1.0"]
MESSAGES = ["[1, 2]", "42", "because: 5", "because: {x: [1]}", "titles: {age: {a: 1}}", "symbols: [1]",
            "because: {nope: 'text {x}'}", "because: {d: '{', e: '}{'}", "because:\n  d: !!binary aGk=\n"]


def _folder(tmp_path: Path, settings: str | None = None, messages: str | None = None) -> Path:
    folder = tmp_path / "rs"
    folder.mkdir(exist_ok=True)
    (folder / "r.rules").write_text('type T = {a, b}\ninput age : integer\ninput t : T\n'
                                    'decision d : integer = age because "Aged {age}."\ndecision e : T = t\n')
    if settings is not None:
        (folder / "ruleset.yaml").write_text(settings)
    if messages is not None:
        (folder / "ruleset.yaml").write_text("languages: [en, fr]\n")
        (folder / "messages").mkdir(exist_ok=True)
        (folder / "messages" / "fr.yaml").write_text(messages)
    return folder


@pytest.mark.parametrize("settings", SETTINGS)
def test_a_broken_ruleset_yaml_is_a_diagnostic(tmp_path, settings):
    folder = _folder(tmp_path, settings=settings)
    try:
        ruleset = engine.load_ruleset(folder)
        verdict = ruleset.evaluate({"age": 3, "t": "a"}, as_of=AS_OF)
        verdict.to_json(), [verdict.explain(lang) for lang in ruleset.files.languages]
    except VerdictError as error:
        assert "ruleset.yaml" in str(error) or error.diagnostics[0].code == "unknown-output"


@pytest.mark.parametrize("messages", MESSAGES)
def test_a_broken_messages_file_is_a_diagnostic(tmp_path, messages):
    folder = _folder(tmp_path, messages=messages)
    try:
        ruleset = engine.load_ruleset(folder)
        verdict = ruleset.evaluate({"age": 3, "t": "a"}, as_of=AS_OF)
        verdict.to_json(), verdict.explain("fr")
    except VerdictError as error:
        assert "fr.yaml" in str(error)


# ---------------------------------------------------------------------------- facts through the API

BAD_FACT_VALUES = [
    ("age", "thirty"), ("age", 30.5), ("age", True), ("age", None), ("age", [30]), ("age", {"v": 30}),
    ("age", float("nan")), ("age", float("inf")), ("age", Decimal("NaN")), ("age", Decimal("sNaN")),
    ("age", Decimal("Infinity")), ("age", 10 ** 400), ("age", "1e400"), ("age", -1), ("age", 131),
    ("age", b"30"), ("age", 1 + 2j), ("age", object()),
    ("income", "NaN"), ("income", float("-inf")), ("income", "1e400"), ("income", 1e300), ("income", "12,50"),
    ("income", "20000.505"), ("income", -0.01), ("income", "€"), ("income", [1, 2]),
    ("ratio", 1.5), ("ratio", "½"),
    ("territory", "Metropole"), ("territory", "x" * 3_000_000), ("territory", 1), ("territory", ["metropole"]),
    ("nationality", "cn"), ("nationality", "CHN"), ("nationality", "XX"), ("nationality", {"code": "CN"}),
    ("arrival", "2024-02-30"), ("arrival", "yesterday"), ("arrival", dt.datetime(2024, 9, 1, 12)),
    ("arrival", 20240901), ("arrival", "0000-01-01"),
    ("name", "x" * 3_000_000), ("name", 42), ("name", ["a"]),
    ("member", "yes"), ("member", 1), ("member", "true"),
    ("tags", "metropole"), ("tags", ["nowhere"]), ("tags", [["metropole"]]), ("tags", [None]),
    ("tags", ["metropole"] * 20_000),
]


@pytest.mark.parametrize("name, value", BAD_FACT_VALUES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD_FACT_VALUES)])
def test_a_bad_fact_is_refused_naming_the_fact(facts_ruleset, name, value):
    facts = dict(GOOD_FACTS, **{name: value})
    started = time.perf_counter()
    with pytest.raises(FactError) as caught:
        facts_ruleset.evaluate(facts, as_of=AS_OF)
    assert time.perf_counter() - started < 10  # a guard against a hang, not a speed test
    messages = [d.message for d in caught.value.diagnostics]
    assert any(f"`{name}" in m for m in messages), messages
    assert all(len(m) < 1000 for m in messages), "a message quotes at most a short part of the value"


def test_the_good_facts_are_good(facts_ruleset):
    verdict = facts_ruleset.evaluate(GOOD_FACTS, as_of=AS_OF)
    assert verdict.outputs["adult"] is True and verdict.outputs["tagged"] == 1


def test_a_deeply_nested_fact_is_refused_without_recursion(facts_ruleset):
    deep = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(FactError):
        facts_ruleset.evaluate(dict(GOOD_FACTS, age=deep), as_of=AS_OF)
    with pytest.raises(FactError):
        facts_ruleset.evaluate(dict(GOOD_FACTS, tags=deep), as_of=AS_OF)


@pytest.mark.parametrize("facts", [None, [], "age: 30", 42, [("age", 30)]])
def test_facts_that_are_not_a_mapping(facts_ruleset, facts):
    with pytest.raises(FactError):
        facts_ruleset.evaluate(facts, as_of=AS_OF)


@pytest.mark.parametrize("key", ["agee", "", " ", 1, None, (1, 2), "x" * 100_000, "\u0430ge", "__class__"])
def test_unknown_fact_names(facts_ruleset, key):
    with pytest.raises(FactError) as caught:
        facts_ruleset.evaluate(dict(GOOD_FACTS) | {key: 1}, as_of=AS_OF)
    assert any(d.code == "unknown-fact" for d in caught.value.diagnostics)


def test_many_unknown_facts_do_not_hang(facts_ruleset):
    started = time.perf_counter()
    with pytest.raises(FactError):
        facts_ruleset.evaluate(dict(GOOD_FACTS) | {f"k{i}": i for i in range(5000)}, as_of=AS_OF)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("as_of", ["2025-13-01", "", "yesterday", 20250101, b"2025-01-01", [2025], "0000-01-01"])
def test_a_bad_as_of_date_is_refused(facts_ruleset, as_of):
    with pytest.raises(VerdictError) as caught:
        facts_ruleset.evaluate(GOOD_FACTS, as_of=as_of)
    assert "as_of" in str(caught.value)


@pytest.mark.parametrize("outputs", [["nope"], [1], [None], ["ADULT"]])
def test_unknown_outputs_are_refused(facts_ruleset, outputs):
    """[1] crashed did_you_mean (found by the fuzzer): names are now made text before comparing."""
    with pytest.raises(VerdictError) as caught:
        facts_ruleset.evaluate(GOOD_FACTS, as_of=AS_OF, outputs=outputs)
    assert caught.value.diagnostics[0].code == "unknown-output"


# ---------------------------------------------------------------------------- facts through the CLI

HOSTILE_FACT_FILES = {
    "json-nan": (b'{"age": NaN, "income": 1, "territory": "metropole", "nationality": "CN", "arrival": "2024-09-01"}',
                 ["fact `age`", "not a finite number"]),
    "json-infinity": (b'{"age": 30, "income": Infinity, "territory": "metropole", "nationality": "CN", '
                      b'"arrival": "2024-09-01"}', ["fact `income`"]),
    "yaml-nan": (b"age: .nan\nincome: 1\nterritory: metropole\nnationality: CN\narrival: 2024-09-01\n",
                 ["fact `age`", "not a finite number"]),
    "yaml-inf": (b"age: 30\nincome: .inf\nterritory: metropole\nnationality: CN\narrival: 2024-09-01\n",
                 ["fact `income`", "not a finite number"]),
    "yaml-minus-inf": (b"age: 30\nincome: -.inf\nterritory: metropole\nnationality: CN\narrival: 2024-09-01\n",
                       ["fact `income`"]),
    "1e400": (b"age: 30\nincome: 1e400\nterritory: metropole\nnationality: CN\narrival: 2024-09-01\n",
              ["fact `income`", "larger than"]),
    "1.0e+400": (b"age: 30\nincome: 1.0e+400\nterritory: metropole\nnationality: CN\narrival: 2024-09-01\n",
                 ["fact `income`"]),
    "5000-digit-int": (b"age: 1" + b"0" * 5000 + b"\nincome: 1\nterritory: metropole\nnationality: CN\n"
                       b"arrival: 2024-09-01\n", ["fact `age`"]),
    "invalid-yaml-date": (b"age: 30\nincome: 1\nterritory: metropole\nnationality: CN\narrival: 2024-13-45\n",
                          ["fact `arrival`"]),
    "long-string": (b"age: 30\nincome: 1\nterritory: metropole\nnationality: CN\narrival: 2024-09-01\nname: "
                    + b"x" * 20_000 + b"\n", ["fact `name`", "longer than 10000"]),
    "huge-file": (b"age: 30\nincome: 1\nterritory: metropole\nnationality: CN\narrival: 2024-09-01\nname: "
                  + b"x" * 3_000_000 + b"\n", ["more than 1,000,000 bytes"]),
    "nested-junk": (b"age: {a: [1, {b: 2}]}\nincome: [[1]]\nterritory: metropole\nnationality: CN\n"
                    b"arrival: 2024-09-01\n", ["fact `age`", "fact `income`"]),
    "deeply-nested": (b"age: " + b"[" * 50_000 + b"]" * 50_000 + b"\n", ["nested too deeply"]),
    "unknown-key": (b"age: 30\nincome: 1\nterritory: metropole\nnationality: CN\narrival: 2024-09-01\nagee: 3\n",
                    ["unknown fact `agee`", "did you mean `age`?"]),
    "duplicate-key": (b"age: 30\nage: 31\n", ["duplicate key `age`", "facts.yaml:2:1: "]),
    "duplicate-key-json": (b'{"age": 30, "age": 31}', ["duplicate key `age`"]),
    "list-key": (b"? [1, 2]\n: 3\n", ["a key must be"]),
    "set-key": (b"{!!set {a}: 1}\n", ["a key must be"]),
    "python-tag": (b"age: !!python/object/apply:os.system ['echo owned']\n", ["!!python/object/apply:os.system",
                                                                           "not allowed"]),
    "python-name": (b"age: !!python/name:os.system\n", ["not allowed"]),
    "custom-tag": (b"age: !thing 30\n", ["not allowed"]),
    "recursive-alias": (b"age: &a [*a]\n", ["an alias refers to the list or mapping that contains it"]),
    "billion-laughs": (b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                       + b"".join(b"%s: &%s [%s]\n" % (c, c, b",".join([b"*" + p] * 9))
                                  for p, c in zip([b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h"],
                                                  [b"b", b"c", b"d", b"e", b"f", b"g", b"h", b"age"])),
                       ["aliases expanded", "more than 1,000,000 values"]),
    "many-aliases": (b"x: &x 1\n" + b"".join(b"k%d: *x\n" % i for i in range(200)), ["more than 100 YAML aliases"]),
    "not-utf8": (b"age: 30\nterritory: m\xe9tropole\n", [":2:13:", "byte 0xe9 is not UTF-8"]),
    "not-utf8-after-a-bom": (b"\xef\xbb\xbfage: 30\nterritory: m\xe9tropole\n", [":2:13:", "byte 0xe9 is not UTF-8"]),
    "nul-byte": (b"age: 30\nterritory: metro\x00pole\n", ["U+0000", "facts.yaml:2:17: "]),
    "not-a-mapping": (b"- age: 30\n", ["expected a mapping"]),
    "a-scalar": (b"42\n", ["expected a mapping"]),
    "yaml-syntax": (b"age: [30\nincome: 1\n", ["facts file"]),
    "several-documents": (b"age: 30\n---\nage: 31\n", ["facts file"]),
    "bom": (b"\xef\xbb\xbfage: 200\nincome: 1\nterritory: metropole\nnationality: CN\narrival: 2024-09-01\n",
            ["fact `age`", "outside its declared range"]),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FACT_FILES))
def test_hostile_facts_files_through_the_cli(tmp_path, facts_rules_path, name):
    data, needles = HOSTILE_FACT_FILES[name]
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(data)
    started = time.perf_counter()
    status, out, err = run_cli(["eval", facts_rules_path, "--facts", facts, "--as-of", AS_OF])
    assert time.perf_counter() - started < 5
    assert_refused_cleanly(status, out, err, *needles)
    assert not (tmp_path / "owned").exists()


def test_a_python_tag_is_never_executed(tmp_path, facts_rules_path):
    marker = tmp_path / "owned"
    facts = tmp_path / "facts.yaml"
    facts.write_text(f"age: !!python/object/apply:os.system ['touch {marker}']\n"
                     f"income: !!python/object/apply:builtins.exec ['open(r\"{marker}\", \"w\")']\n")
    status, out, err = run_cli(["eval", facts_rules_path, "--facts", facts, "--as-of", AS_OF])
    assert_refused_cleanly(status, out, err)
    assert not marker.exists()


def test_facts_on_standard_input(tmp_path, facts_rules_path, monkeypatch):
    class Stdin:
        buffer = io.BytesIO(b'{"age": NaN}')
    monkeypatch.setattr(sys, "stdin", Stdin)
    status, out, err = run_cli(["eval", facts_rules_path, "--facts", "-", "--as-of", AS_OF])
    assert_refused_cleanly(status, out, err, "fact `age`")


def test_a_missing_facts_file(tmp_path, facts_rules_path):
    status, out, err = run_cli(["eval", facts_rules_path, "--facts", tmp_path / "nope.yaml", "--as-of", AS_OF])
    assert_refused_cleanly(status, out, err, "nope.yaml")


def test_a_folder_as_facts_file(tmp_path, facts_rules_path):
    status, out, err = run_cli(["eval", facts_rules_path, "--facts", tmp_path, "--as-of", AS_OF])
    assert_refused_cleanly(status, out, err)


@pytest.mark.parametrize("as_of", ["2025-13-01", "tomorrow", ""])
def test_a_bad_as_of_through_the_cli(facts_rules_path, tmp_path, as_of):
    facts = tmp_path / "facts.yaml"
    facts.write_text(json.dumps(GOOD_FACTS))
    status, out, err = run_cli(["eval", facts_rules_path, "--facts", facts, "--as-of", as_of])
    assert_refused_cleanly(status, out, err, "as_of")


def test_the_cli_in_a_real_process_never_prints_a_traceback(tmp_path, facts_rules_path):
    """One run per kind of input through the installed command, as a user would meet it."""
    facts = tmp_path / "facts.yaml"
    facts.write_bytes(b"age: .nan\nincome: !!python/object/apply:os.system ['true']\n")
    bad_rules = tmp_path / "bad.rules"
    bad_rules.write_bytes(b"decision d : integer = " + b"-" * 5000 + b"1\n\xff")
    runs = [
        (["eval", facts_rules_path, "--facts", facts, "--as-of", AS_OF], 2),
        (["check", bad_rules], 1),
        (["eval", bad_rules, "--facts", facts, "--as-of", AS_OF], 2),
    ]
    for argv, expected in runs:
        result = subprocess.run([sys.executable, "-m", "engine", *map(str, argv)], capture_output=True,
                                text=True, timeout=60, cwd=ROOT)
        assert result.returncode == expected, result
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
        if expected == 2:
            assert result.stdout == ""


# ---------------------------------------------------------------------------- the CLI's last line of defence

def test_an_unexpected_exception_is_a_short_message_not_a_traceback(monkeypatch, facts_rules_path):
    def boom(args):
        raise ZeroDivisionError("simulated bug")
    monkeypatch.setattr(cli, "cmd_check", boom)
    status, out, err = run_cli(["check", facts_rules_path])
    assert status == 2 and out == ""
    assert err.startswith("internal error: ZeroDivisionError: simulated bug")
    assert "Traceback" not in err
    monkeypatch.setenv("VERDICT_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        run_cli(["check", facts_rules_path])


# ---------------------------------------------------------------------------- evaluation errors

def evaluation_error(tmp_path, rules: str, facts: dict, as_of: str = AS_OF) -> EvaluationError:
    ruleset = load_text(tmp_path, rules)
    with pytest.raises(EvaluationError) as caught:
        verdict = ruleset.evaluate(facts, as_of=as_of)
        verdict.to_json(), verdict.explain()  # a verdict may be built lazily
    return caught.value


def test_no_matching_row_names_the_decision_the_date_and_the_inputs(tmp_path):
    error = evaluation_error(tmp_path, "input age : integer\ndecision band : integer\n  | age || band |\n"
                                       "  | < 18 || 1 |\n", {"age": 70})
    message = error.diagnostics[0].message
    assert "`band`" in message and "age = 70" in message and AS_OF in message


def test_division_by_zero_is_an_evaluation_error(tmp_path):
    error = evaluation_error(tmp_path, "input n : integer\ndecision share : number = 100 / n\n", {"n": 0})
    assert "division by zero" in error.diagnostics[0].message and AS_OF in error.diagnostics[0].message


def test_division_by_zero_names_the_decision_and_the_inputs(tmp_path):
    error = evaluation_error(tmp_path, "input n : integer\ndecision share : number = 100 / n\n", {"n": 0})
    message = error.diagnostics[0].message
    assert "`share`" in message and "n = 0" in message


def test_a_parameter_before_its_first_date_is_an_evaluation_error(tmp_path):
    error = evaluation_error(tmp_path, "parameter fee : money\n  from 2024-12-22 = 30 €\n"
                                       "decision cost : money = fee\n", {}, as_of="2024-01-01")
    message = error.diagnostics[0].message
    assert "`fee`" in message and "2024-01-01" in message and "2024-12-22" in message


def test_a_parameter_before_its_first_date_names_the_decision(tmp_path):
    error = evaluation_error(tmp_path, "parameter fee : money\n  from 2024-12-22 = 30 €\n"
                                       "decision cost : money = fee\n", {}, as_of="2024-01-01")
    assert "`cost`" in error.diagnostics[0].message


def test_an_output_outside_its_declared_range_is_an_evaluation_error(tmp_path):
    error = evaluation_error(tmp_path, "input n : integer\ndecision d : integer 0..10 = n * 2\n", {"n": 9})
    message = error.diagnostics[0].message
    assert "`d`" in message and "18" in message and "0..10" in message


def test_round_with_absurd_places_is_an_evaluation_error(tmp_path):
    evaluation_error(tmp_path, "input p : integer\ndecision d : number = round(1.5, p)\n", {"p": 10 ** 9})


def test_arithmetic_overflow_is_an_evaluation_error(tmp_path):
    lines = ["input n : number"]
    previous = "n"
    for k in range(25):
        lines.append(f"decision x{k} : number = {previous} * {previous}")
        previous = f"x{k}"
    evaluation_error(tmp_path, "\n".join(lines) + "\n", {"n": "99999999999999"})


def test_a_gigantic_integer_result_is_an_evaluation_error(tmp_path):
    product = "*".join(["n"] * 30)
    rules = (f"input n : number\ndecision a : number = {product}\ndecision b : number = "
             + "*".join(["a"] * 11) + "\ndecision c : integer = ceil(b)\n")
    evaluation_error(tmp_path, rules, {"n": "999999999999999"})


def _chain(length: int, typed: bool, reverse: bool) -> str:
    decisions, previous = [], "n"
    for k in range(length):
        decisions.append(f"decision x{k}{' : integer' if typed else ''} = {previous} + 1")
        previous = f"x{k}"
    if reverse:
        decisions.reverse()
    return "input n : integer\n" + "\n".join(decisions) + "\n"


def test_a_chain_of_a_hundred_decisions_works(tmp_path):
    ruleset = load_text(tmp_path, _chain(100, typed=False, reverse=True))
    assert ruleset.evaluate({"n": 0}, as_of=AS_OF, outputs=["x99"]).outputs["x99"] == 100


def test_a_long_chain_of_inferred_decisions_loads_or_is_refused(tmp_path):
    try:
        load_text(tmp_path, _chain(250, typed=False, reverse=True))
    except RuleError:
        pass


def test_a_chain_at_the_depth_limit_evaluates_both_ways_and_one_more_is_refused(tmp_path):
    from engine.semantics.graph import MAX_DECISION_DEPTH
    ruleset = load_text(tmp_path, _chain(MAX_DECISION_DEPTH, typed=True, reverse=False))
    last = f"x{MAX_DECISION_DEPTH - 1}"
    for run in (ruleset.evaluate, ruleset.interpret):
        verdict = run({"n": 0}, as_of=AS_OF, outputs=[last])
        assert verdict.outputs[last] == MAX_DECISION_DEPTH
        verdict.to_json(), verdict.explain()
    error = refusal(tmp_path, _chain(MAX_DECISION_DEPTH + 1, typed=True, reverse=False))
    assert f"rests on a chain of more than {MAX_DECISION_DEPTH} decisions" in error.render()


def test_a_very_long_chain_of_decisions_evaluates_or_is_refused(tmp_path):
    try:
        ruleset = load_text(tmp_path, _chain(1000, typed=True, reverse=False))
        ruleset.evaluate({"n": 0}, as_of=AS_OF, outputs=["x999"]).to_json()
    except VerdictError:
        pass


def test_a_very_long_chain_of_decisions_loads_or_is_refused(tmp_path):
    try:
        load_text(tmp_path, _chain(1000, typed=True, reverse=True))
    except RuleError:
        pass


# ---------------------------------------------------------------------------- traces

@pytest.fixture(scope="module")
def saved_trace():
    ruleset = engine.load_ruleset(HOSTILE)
    facts = {"age": 30, "income": 20000, "status": "worker", "since": "2020-03-01", "tags": ["worker"]}
    return json.loads(ruleset.evaluate(facts, as_of="2024-09-01").to_json())


@pytest.mark.parametrize("text", [b"", b"null", b"[]", b"{}", b'{"trace_format": 1}', b"\xff\xfe", b"{" * 100_000])
def test_a_trace_that_is_not_a_trace(tmp_path, text):
    path = tmp_path / "t.json"
    path.write_bytes(text)
    for argv in (["explain", path], ["replay", path, HOSTILE]):
        status, out, err = run_cli(argv)
        assert_refused_cleanly(status, out, err)


TRACE_DAMAGE = {
    "facts-a-list": lambda t: t.update(facts=[1]),
    "decisions-of-numbers": lambda t: t.update(decisions=[1]),
    "outputs-null": lambda t: t.update(outputs=None),
    "ruleset-null": lambda t: t.update(ruleset=None),
    "requested-a-text": lambda t: t.update(requested="band"),
}


@pytest.mark.parametrize("damage", sorted(TRACE_DAMAGE))
def test_a_damaged_trace_is_refused_with_a_message(tmp_path, saved_trace, damage):
    trace = json.loads(json.dumps(saved_trace))
    TRACE_DAMAGE[damage](trace)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(trace))
    for argv in (["explain", path], ["replay", path, HOSTILE]):
        status, out, err = run_cli(argv)
        assert_refused_cleanly(status, out, err)


@pytest.mark.parametrize("damage", sorted(TRACE_DAMAGE))
def test_a_damaged_trace_never_prints_a_traceback(tmp_path, saved_trace, damage):
    trace = json.loads(json.dumps(saved_trace))
    TRACE_DAMAGE[damage](trace)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(trace))
    for argv in (["explain", path], ["replay", path, HOSTILE]):
        status, out, err = run_cli(argv)
        assert status in (0, 1, 2) and "Traceback" not in err


# ---------------------------------------------------------------------------- regressions from the fuzzer

def test_regression_yaml_reader_error_on_control_characters(tmp_path, facts_rules_path):
    """fuzz seed 0 #73: a NUL in a facts file escaped as yaml.reader.ReaderError."""
    facts = tmp_path / "f.yaml"
    facts.write_bytes(b"age: 30\x00\n")
    assert_refused_cleanly(*run_cli(["eval", facts_rules_path, "--facts", facts, "--as-of", AS_OF]), "U+0000")


def test_regression_unhashable_yaml_keys(tmp_path, facts_rules_path):
    """A list or mapping used as a key escaped as TypeError from the duplicate-key check."""
    facts = tmp_path / "f.yaml"
    for data in (b"{[1]: 2}", b"? {a: 1}\n: 2\n", b"{!!set {a}: 1}"):
        facts.write_bytes(data)
        assert_refused_cleanly(*run_cli(["eval", facts_rules_path, "--facts", facts, "--as-of", AS_OF]),
                               "a key must be")


def test_regression_alias_bomb_under_the_alias_count(tmp_path, facts_rules_path):
    """72 aliases expand to 9**9 values: the alias count alone let it through, and quoting the value
    in the error message then hung. Now the expanded size is bounded."""
    data, _ = HOSTILE_FACT_FILES["billion-laughs"]
    facts = tmp_path / "f.yaml"
    facts.write_bytes(data)
    started = time.perf_counter()
    assert_refused_cleanly(*run_cli(["eval", facts_rules_path, "--facts", facts, "--as-of", AS_OF]))
    assert time.perf_counter() - started < 10  # a guard against a hang, not a speed test


def test_regression_a_huge_value_is_quoted_briefly(facts_ruleset):
    """A fact refused for its type was quoted with repr(): unbounded for a list of millions."""
    huge = [["metropole"] * 1000] * 1000
    started = time.perf_counter()
    with pytest.raises(FactError) as caught:
        facts_ruleset.evaluate(dict(GOOD_FACTS, age=huge), as_of=AS_OF)
    assert time.perf_counter() - started < 1
    assert len(str(caught.value)) < 300


def test_regression_yaml_merge_keys(tmp_path):
    """`<<: *base` was refused as an unknown tag by the duplicate-key constructor."""
    from engine.ruleset_files import load_yaml
    assert load_yaml("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n", "t")["other"] == {"x": 1, "y": 3}


def test_regression_lark_visit_error_on_a_long_integer(tmp_path):
    """An integer literal of more than 4,300 digits escaped as lark.exceptions.VisitError."""
    error = refusal(tmp_path, "decision d : integer = 1" + "0" * 5000 + "\n")
    assert error.diagnostics[0].span.line == 1


def test_regression_recursion_in_the_tree_builder(tmp_path):
    """`- - - … 1` and `not not … x` of a few thousand levels escaped as RecursionError."""
    for text in ("decision d : integer = " + "-" * 3000 + "1\n", "decision d : bool = " + "not " * 1500 + "true\n"):
        refusal(tmp_path, text)


def test_an_unknown_fact_with_a_huge_name_is_quoted_briefly(facts_ruleset):
    with pytest.raises(FactError) as caught:
        facts_ruleset.evaluate(dict(GOOD_FACTS) | {"x" * 100_000: 1}, as_of=AS_OF)
    assert len(str(caught.value)) < 1000


def test_thousands_of_unknown_facts_give_a_short_report(facts_ruleset):
    with pytest.raises(FactError) as caught:
        facts_ruleset.evaluate(dict(GOOD_FACTS) | {f"k{i}": i for i in range(5000)}, as_of=AS_OF)
    assert len(caught.value.diagnostics) <= 100
