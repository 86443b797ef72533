"""The hand-written cell scanner (engine/syntax/cell.py) builds the same AST as Lark, spans included,
or leaves the cell to Lark: for every generated cell, and for a table read both ways."""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import RuleError, ast
from engine.syntax.parse import _parse_fragment, parse
from engine.syntax.cell import scan_expression, scan_tests
from engine.syntax.table import _split_plain_row, _split_quoted_row

ROOT = Path(__file__).resolve().parent.parent

numbers = st.one_of(st.integers(0, 10**6).map(str),
                    st.tuples(st.integers(0, 9999), st.integers(0, 999)).map(lambda p: f"{p[0]}.{p[1]}"),
                    st.sampled_from(["0007", "1" * 16, "12345678901234.5678901234567890"]))
values = st.one_of(
    numbers, numbers.map(lambda n: f"{n} €"), numbers.map(lambda n: f"{n}€"), numbers.map(lambda n: f"{n}%"),
    numbers.map(lambda n: f"-{n}"), numbers.map(lambda n: f"- {n} €"),
    st.sampled_from(["2025-01-01", "2024-02-29", "2023-02-29", "true", "false", "metropole", "r17", "âge",
                     "x.y", "f(1)", "not", "in", "source", '"a text"', '"with \\" quote"', "a + 1", "2 * x",
                     "(x)", "_x1", "--1", "+1", "1..", "#c"]))
tests = st.one_of(
    values,
    st.tuples(st.sampled_from(["<=", ">=", "<", ">", "=", "!=", "= ", "<"]), values).map("".join),
    st.tuples(st.sampled_from(["[", "(", ""]), values, st.sampled_from(["..", " .. "]), values,
              st.sampled_from(["]", ")", ""])).map("".join),
    st.lists(values, max_size=4).map(lambda v: "{" + ", ".join(v) + "}"),
)
cells = st.one_of(tests, st.lists(tests, min_size=2, max_size=3).map(", ".join),
                  tests.map(lambda t: "not " + t), st.lists(tests, min_size=2, max_size=3).map(lambda t: "not " + ",".join(t)))


def _lark(text: str, start: str, column: int):
    try:
        return _parse_fragment(text, start, "t.rules", 12, column)
    except RuleError:
        return None


@settings(max_examples=400, deadline=None)
@given(cells, st.integers(1, 40))
def test_the_scanner_reads_a_test_cell_as_lark_does_or_leaves_it_to_lark(text, column):
    scanned = scan_tests(text, "t.rules", 12, column)
    if scanned is not None:
        assert scanned == _lark(text, "unary_tests", column)


@settings(max_examples=300, deadline=None)
@given(values, st.integers(1, 40))
def test_the_scanner_reads_an_output_cell_as_lark_does_or_leaves_it_to_lark(text, column):
    scanned = scan_expression(text, "t.rules", 12, column)
    if scanned is not None:
        assert scanned == _lark(text, "expression", column)


def test_the_common_forms_are_read_by_the_scanner():
    assert scan_tests("[500 €..1000 €)", "f", 3, 7) == ast.RangeTest(
        _span(3, 7, 22), ast.Literal(_span(3, 8, 13), "money", D(500)),
        ast.Literal(_span(3, 15, 21), "money", D(1000)), True, False)
    assert scan_tests("not {DK, CH}", "f", 1, 1) == ast.NotTest(_span(1, 1, 13), ast.SetTest(
        _span(1, 5, 13), (ast.Name(_span(1, 6, 8), "DK"), ast.Name(_span(1, 10, 12), "CH"))))
    assert scan_expression("70%", "f", 1, 1) == ast.Literal(_span(1, 1, 4), "number", D("0.7"))
    for left_to_lark in ("x + 1", "a.b", "min(a, b)", "if a then b else c", "12345678901234567 €", "2023-02-30"):
        assert scan_tests(left_to_lark, "f", 1, 1) is None


def _span(line, column, end):
    from engine.span import Span
    return Span("f", line, column, line, end)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["|", "|", "||", " ", "a", "1 €", "\t", "x y", "\u00a0"]), max_size=12),
       st.integers(1, 9))
def test_a_plain_row_is_split_as_the_character_loop_splits_it(parts, column):
    text = "|" + "".join(parts)
    assert _split_plain_row(text, column) == _split_quoted_row(text, column)


def test_the_bundled_ruleset_parses_to_the_same_ast_with_and_without_the_scanner(monkeypatch):
    import engine.syntax.table as parse_table
    for path in sorted((ROOT / "rulesets" / "student_health").glob("*.rules")):
        text = path.read_text(encoding="utf-8")
        fast = parse(text, path.name)
        monkeypatch.setattr(parse_table, "scan_tests", lambda *a: None)
        monkeypatch.setattr(parse_table, "scan_expression", lambda *a: None)
        slow = parse(text, path.name)
        monkeypatch.undo()
        assert fast == slow, path.name


def test_rows_set_aside_from_lark_come_back_in_place_with_their_lines(monkeypatch):
    import engine.syntax.parse as parse_module
    text = ("input a : integer\ndecision d : integer\n  | a || d |\n  | 1 || 1 |\n  # a comment\n"
            "  | 2 || 2 |\n\n  | 3 || 3 |\n  | 4 || 4 | # note\n")
    fast = parse(text, "t.rules")
    monkeypatch.setattr(parse_module, "set_rows_aside", lambda t: (t, {}))
    assert parse(text, "t.rules") == fast
    rows = fast.declarations[1].body.rows
    assert [(r.number, r.span.line, r.span.column) for r in rows] == [(1, 4, 3), (2, 6, 3), (3, 8, 3), (4, 9, 3)]
    monkeypatch.undo()
    try:
        parse(text.replace("| 3 || 3 |", "| 3 || 3 + |"), "t.rules")
    except RuleError as error:
        assert error.diagnostics[0].span.line == 8
    else:
        raise AssertionError("the bad row was not reported")
