"""Parsing: rule text → AST, and syntax errors in words with exact positions and a caret."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from engine import RuleError, RuleSyntaxError, ast
from engine.syntax.parse import parse, parse_expression

DOCS = Path(__file__).resolve().parent.parent / "docs" / "language.md"

# Lark's own names for terminals: none of them may reach a policy editor.
RAW_TOKEN = re.compile(r"\b(?:RPAR|LPAR|RSQB|LSQB|LBRACE|RBRACE|COMMA|COLON|DOT|EQUAL|MORETHAN|LESSTHAN|"
                       r"NAME|NUMBER|STRING|DATE|TABLE_ROW|COMPARATOR|ADD_OP|MUL_OP|PERCENT)\b|__ANON|\$END|_NL\b")


def syntax_error(text: str, file: str = "r.rules"):
    with pytest.raises(RuleSyntaxError) as excinfo:
        parse(text, file)
    diagnostics = excinfo.value.diagnostics
    assert len(diagnostics) == 1
    diagnostic = diagnostics[0]
    assert diagnostic.code == "syntax" and diagnostic.severity == "error"
    return diagnostic


# ============================================================================ the AST

def test_every_example_of_the_language_reference_parses():
    blocks = re.findall(r"```rules\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 5
    names = [[d.name for d in parse(block, f"doc{i}").declarations] for i, block in enumerate(blocks)]
    assert names == [["Territory", "age", "household_size", "annual_resources", "territory", "nationality",
                      "holds_s1"], ["consultation_fee_gp"], ["css_participation"], ["participation_ceiling"],
                     ["assert", "assert", "assert"]]


def test_input_declaration():
    decl, = parse('input age : integer 0..130 default 18 "Age of the applicant"\n').declarations
    assert isinstance(decl, ast.InputDecl)
    assert (decl.name, decl.type.name, decl.description) == ("age", "integer", "Age of the applicant")
    assert (decl.range.lo.value, decl.range.lo_closed, decl.range.hi.value, decl.range.hi_closed) == (0, True, 130, True)
    assert decl.default.value == 18
    assert (decl.span.line, decl.span.column) == (1, 7)


@pytest.mark.parametrize("text, lo, lo_closed, hi, hi_closed", [
    (">= 0 €", D(0), True, None, True),
    ("> 0 €", D(0), False, None, True),
    ("<= 5 €", None, True, D(5), True),
    ("< 5 €", None, True, D(5), False),
    ("1 €..5 €", D(1), True, D(5), True),
])
def test_declared_ranges(text, lo, lo_closed, hi, hi_closed):
    decl, = parse(f"input a : money {text}\n").declarations
    r = decl.range
    assert (r.lo.value if r.lo else None, r.lo_closed, r.hi.value if r.hi else None, r.hi_closed) == \
        (lo, lo_closed, hi, hi_closed)


def test_types():
    decls = parse("type T = {a, b}\ninput x : {c, d}\ninput y : list of T\ninput z : country\n").declarations
    assert [s.name for s in decls[0].enum.symbols] == ["a", "b"]
    assert [s.name for s in decls[1].type.symbols] == ["c", "d"]
    assert isinstance(decls[2].type, ast.ListTypeExpr) and decls[2].type.element.name == "T"
    assert decls[3].type.name == "country"


def test_parameter_with_dated_values_and_sources():
    decl, = parse('parameter fee : money "GP fee" source ameli checked 2025-01-01\n'
                  "  from 2017-05-01 = 25 €\n"
                  "  from 2023-11-01 = 26.50 € source other\n").declarations
    assert (decl.name, decl.title, decl.source, decl.checked) == ("fee", "GP fee", "ameli", dt.date(2025, 1, 1))
    assert [(v.start, v.value.kind, v.value.value, v.source) for v in decl.values] == [
        (dt.date(2017, 5, 1), "money", D("25"), None), (dt.date(2023, 11, 1), "money", D("26.50"), "other")]
    assert [v.span.line for v in decl.values] == [2, 3]


@pytest.mark.parametrize("text, kind, value", [
    ("12 €", "money", D("12")),
    ("12.50 €", "money", D("12.50")),
    ("70%", "number", D("0.70")),
    ("138%", "number", D("1.38")),
    ("2025-04-01", "date", dt.date(2025, 4, 1)),
    ('"text"', "text", "text"),
    ('"a \\"quoted\\" word"', "text", 'a "quoted" word'),
    ("true", "bool", True),
    ("false", "bool", False),
    ("42", "integer", 42),
    ("1.35", "number", D("1.35")),
    ("-3", "integer", -3),
    ("-2.5 €", "money", D("-2.5")),
])
def test_literals(text, kind, value):
    literal = parse_expression(text)
    assert isinstance(literal, ast.Literal)
    assert (literal.kind, literal.value) == (kind, value)
    assert type(literal.value) is type(value)


def test_expression_precedence_and_spans():
    e = parse_expression("1 + 2 * x")
    assert isinstance(e, ast.Binary) and e.op == "+"
    assert isinstance(e.right, ast.Binary) and e.right.op == "*"
    assert (e.right.right.name, e.right.right.span.column) == ("x", 9)
    e = parse_expression("not a and b or c")
    assert e.op == "or" and e.left.op == "and" and isinstance(e.left.left, ast.Unary)


def test_field_call_if_and_in():
    e = parse_expression("if css_ceilings.free > max(1 €, x) then y in {a, b} else false")
    assert isinstance(e, ast.IfExpr)
    assert isinstance(e.condition.left, ast.Field) and e.condition.left.field == "free"
    assert isinstance(e.condition.right, ast.Call) and e.condition.right.function == "max"
    assert len(e.condition.right.args) == 2
    assert isinstance(e.then, ast.InExpr) and [o.name for o in e.then.options] == ["a", "b"]


@pytest.mark.parametrize("words, policy, aggregator", [
    ("", "unique", None), ("hit unique", "unique", None), ("hit first", "first", None),
    ("hit priority", "priority", None), ("hit any", "any", None), ("hit collect", "collect", None),
    ("hit collect sum", "collect", "sum"), ("hit collect min", "collect", "min"),
    ("hit collect max", "collect", "max"), ("hit collect count", "collect", "count"),
    ("hit rule order", "rule_order", None), ("hit output order", "output_order", None),
])
def test_hit_policies(words, policy, aggregator):
    decl, = parse(f"decision d {words}\n  | x || d\n  | - || 1\n").declarations
    assert (decl.hit.policy, decl.hit.aggregator) == (policy, aggregator)
    assert decl.hit.label() == (words[4:] if words else "unique")


def test_decision_header_clauses():
    decl, = parse('decision d : money "Title" hit first valid from 2024-01-01 to 2024-12-31 source s checked 2025-02-01\n'
                  "  | x || d\n  | - || 1 €\n").declarations
    assert (decl.type.name, decl.title, decl.hit.policy, decl.valid_from, decl.valid_to, decl.source, decl.checked) == \
        ("money", "Title", "first", dt.date(2024, 1, 1), dt.date(2024, 12, 31), "s", dt.date(2025, 2, 1))


def test_expression_decision_with_because():
    decl, = parse('decision c : money = free * 138% because "138% of {free}"\n').declarations
    assert isinstance(decl.body, ast.ExpressionBody)
    assert decl.body.because.text == "138% of {free}"
    assert decl.body.expr.op == "*"


TABLE = '''\
decision d hit first   # a comment after the header
  | age    | territory || d : money | because          | source | id
  |:------:|-----------||-----------|------------------|--------|-----
  | <= 29  | -         || 8 €       | "young {age}"    | s1     | young   # trailing comment
  # a comment between rows
  | 30..49 | metropole || 14 €      | "a | pipe; # kept" |      |
  | otherwise | -      || 0 €       |                  |        |
'''


def test_table_structure():
    decl, = parse(TABLE).declarations
    table = decl.body
    assert [c.title for c in table.inputs] == ["age", "territory"]
    assert [(o.name, o.type.name) for o in table.outputs] == [("d", "money")]
    assert [r.number for r in table.rows] == [1, 2, 3]
    assert [r.span.line for r in table.rows] == [4, 6, 7]
    assert [r.rule_id for r in table.rows] == ["young", None, None]
    assert [r.source for r in table.rows] == ["s1", None, None]
    assert [r.because.text if r.because else None for r in table.rows] == ["young {age}", "a | pipe; # kept", None]
    assert [r.is_otherwise for r in table.rows] == [False, False, True]
    assert [c.text for c in table.rows[0].cells] == ["<= 29", "-"]
    assert [(c.span.line, c.span.column) for c in table.rows[1].cells] == [(6, 5), (6, 14)]
    assert isinstance(table.rows[0].cells[1].test, ast.AnyTest)


@pytest.mark.parametrize("cell, node, details", [
    ("42", ast.CompareTest, ("=",)),
    ("<= 29", ast.CompareTest, ("<=",)),
    ("!= 3", ast.CompareTest, ("!=",)),
    ("30..49", ast.RangeTest, (True, True)),
    ("[30..49]", ast.RangeTest, (True, True)),
    ("[30..49)", ast.RangeTest, (True, False)),
    ("(30..49]", ast.RangeTest, (False, True)),
    ("(30..49)", ast.RangeTest, (False, False)),
    ("{DK, CH}", ast.SetTest, (2,)),
    ("not {DK, CH}", ast.NotTest, ()),
    ("not 30..49", ast.NotTest, ()),
    ("1, 3, 5..7", ast.AnyOfTest, (3,)),
])
def test_unary_test_cells(cell, node, details):
    decl, = parse(f"decision d\n  | x || d\n  | {cell} || 1\n").declarations
    test = decl.body.rows[0].cells[0].test
    assert isinstance(test, node)
    if node is ast.CompareTest:
        assert (test.op,) == details
    elif node is ast.RangeTest:
        assert (test.lo_closed, test.hi_closed) == details
    elif node is ast.SetTest:
        assert (len(test.values),) == details
    elif node is ast.AnyOfTest:
        assert (len(test.tests),) == details


def test_crlf_and_missing_final_newline_parse_the_same():
    unix = parse("input x : integer\ndecision d : integer = x\n")
    windows = parse("input x : integer\r\ndecision d : integer = x")
    assert unix == windows


# ============================================================================ syntax errors

@pytest.mark.parametrize("text, line, column, message", [
    ("input x : integer\ndecision d : integer = (x + 1\n", 2, 30,
     "unexpected end of the line; expected `)`"),
    ("input x : integer\ndecision d : integer = x + 1)\n", 2, 29,
     "unexpected `)`; expected `because` or the end of the line"),
    ("inptu age : integer\n", 1, 1,
     "unexpected `inptu`; expected `assert`, `decision`, `function`, `input`, `parameter` or `type`"),
    ("input x integer\n", 1, 9, "unexpected `integer`; expected `:`"),
    ("input x : list integer\n", 1, 16, "unexpected `integer`; expected `of`"),
    ("type T = {}\n", 1, 11, "unexpected `}`; expected a name"),
    ("parameter p : money\n  from 2020-01-01 25 €\n", 2, 19, "unexpected `25`; expected `=`"),
    ("decision d : integer = 1 because x\n", 1, 34, 'unexpected `x`; expected a quoted text ("…")'),
    ("decision d valid 2020-01-01\n  | x || d\n", 1, 18, "unexpected `2020-01-01`; expected `from`"),
    ("decision d : integer = if x then 1\n", 1, 35, "unexpected end of the line; expected `else`"),
    ("input x : integer\ndecision d hit first\n", 2, 21,
     "unexpected end of the text; expected a table row starting with `|`"),
])
def test_syntax_errors_in_words_at_exact_positions(text, line, column, message):
    diagnostic = syntax_error(text)
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == ("r.rules", line, column)
    assert diagnostic.message == message


@pytest.mark.parametrize("text, line, column, message, hint", [
    ("decision d hit uniqe\n  | x || d\n  | - || 1\n", 1, 12, "unknown hit policy `uniqe`", "did you mean `unique`?"),
    ("decision d hit collect avg\n  | x || d\n  | - || 1\n", 1, 12, "unknown hit policy `collect avg`",
     "did you mean `collect max`?"),
    ("decision d : date = 2025-02-30\n", 1, 21, "`2025-02-30` is not a valid date",
     "write a real calendar date as YYYY-MM-DD"),
    ("decision d valid from 2025-01-01 to 2024-12-31\n  | x || d\n  | - || 1\n", 1, 37,
     "validity ends (2024-12-31) before it starts (2025-01-01)", None),
    ("decision d hit first\n  | age  d\n  | - || 1\n", 2, 3,
     "the header of table `d` has no `||` between input and output columns",
     "write `| input columns || output columns | because |`"),
    ("decision d hit first\n  | age | || d\n  | - | - || 1\n", 2, 11, "an input column needs a name",
     "write the name of an input, parameter or decision"),
    ("decision d hit first\n  | x || d\n  | - | 3 || 1\n", 3, 3,
     "this row of `d` has 2 input cells before `||`, the header has 1",
     "give every row one cell per input column, then `||`"),
    ("decision d hit first\n  | x || d\n  | - || 1 | \"x\"\n", 3, 3,
     "this row of `d` has 2 cells after `||`, the header has 1 output and 0 annotation columns", None),
    ("decision d hit first\n  | x || d\n  |  || 1\n", 3, 6, "this input cell is empty",
     "write `-` to match anything"),
    ("decision d hit first\n  | x || d\n  | 1 ||    |\n", 3, 13, "this output cell is empty",
     "every row gives a value to each output column"),
    ("decision d hit first\n  | x | y || d\n  | otherwise | 3 || 1\n", 3, 17,
     "an `otherwise` row has `-` in its other input cells", None),
    ("decision d hit first\n  | x | y || d\n  | - | otherwise || 1\n", 3, 9,
     "`otherwise` goes in the first input cell of a row", None),
    ("decision d hit first\n  | x || d\n  |---||---|\n", 1, 10, "table `d` has no rows", None),
    ("decision d hit first\n  | x || d | because | e\n  | 1 || 1 | | 2\n", 2, 24,
     "output column `e` comes after the annotation columns", "put output columns first, then because, source, id"),
    ("decision d hit first\n  | x || d | because\n  | 1 || 1 | \"unclosed\n", 3, 14,
     "this explanation text is not closed", 'end it with `"`'),
    ("decision d hit first\n  | x || 1d\n  | 1 || 1\n", 2, 10, "`1d` is not an output column name",
     "write a name, optionally `name : type`"),
])
def test_table_and_header_errors(text, line, column, message, hint):
    diagnostic = syntax_error(text)
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.message, diagnostic.hint) == \
        (line, column, message, hint)


def test_error_inside_a_cell_is_positioned_in_the_file():
    diagnostic = syntax_error("input age : integer\ndecision d hit first\n  | age || d\n  | <= 29) || 1\n")
    assert (diagnostic.span.line, diagnostic.span.column) == (4, 10)
    assert diagnostic.message.startswith("unexpected `)`; expected ")
    assert diagnostic.hint == ("an input cell is `-`, a value, a comparison (`<= 29`), a range (`30..49`), "
                               "a set (`{a, b}`) or `not …`")


def test_error_in_an_output_cell_is_positioned_in_the_file():
    diagnostic = syntax_error("decision d hit first\n  | x || d\n  | 1 || (1\n")
    assert (diagnostic.span.line, diagnostic.span.column) == (3, 11)
    assert diagnostic.message == "unexpected end of the text; expected `)`"


def test_error_positions_survive_crlf():
    diagnostic = syntax_error("input x : integer\r\ndecision d hit first\r\n  | x || d\r\n  | 1) || 1\r\n")
    assert (diagnostic.span.line, diagnostic.span.column) == (4, 6)


@pytest.mark.parametrize("char, hint", [
    ("$", "write money as a number followed by ` €`, e.g. `25 €`"),
    ("×", "only ASCII operators and punctuation are allowed outside quoted text"),
])
def test_unexpected_character_hints(char, hint):
    diagnostic = syntax_error(f"input x : integer\ndecision d : integer = x {char} 1\n")
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 26)
    assert diagnostic.message == f"unexpected character `{char}`"  # the hint says what to write
    assert diagnostic.hint == hint


@pytest.mark.parametrize("text, column, hint", [
    ("decision d hit first\n  | x || d\n  | 1 || 8 euros\n", 12, "write money as a number followed by ` €`: `8 €`"),
    ("decision d : money = 14 EUR\n", 25, "write money as a number followed by ` €`: `14 €`"),
    ("decision d : money = €14\n", 22, "write money as a number followed by ` €`: `14 €`"),
    ("parameter p : money\n  from 2024-01-01 = 30.50 Euro\n", 27, "write money as a number followed by ` €`: `30.50 €`"),
])
def test_money_written_with_a_word_or_the_sign_first_gets_the_amount_rewritten(text, column, hint):
    diagnostic = syntax_error(text)
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.hint) == (text.count("\n"), column, hint)


@pytest.mark.parametrize("row, column, width", [
    ('| "unterminated || "b"', 5, len('"unterminated || "')),  # no `||` left outside the texts
    ('| "a | "c" || "b"', 5, len('"a | "')),                  # an input cell short
    ('| "a" || "b', 12, len('"b')),                          # the last text open: nothing taken in
])
def test_a_quoted_text_left_open_in_a_row_is_named_where_the_row_went_wrong(row, column, width):
    diagnostic = syntax_error(f'input x : text\ninput y : text\ndecision d : text hit first\n  | x | y || d\n  {row}\n')
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.span.end_column - diagnostic.span.column) == (
        5, column, width)
    assert diagnostic.message == ('a quoted text of this row is not closed: its `"` pairs with the next one, and '
                                  'the `|` between them are read as text')
    assert diagnostic.hint == 'end each text with `"` before the next `|`'


BROKEN = [
    "input x : integer\ndecision d : integer = (x + 1\n",
    "input x : integer\ndecision d : integer = x +\n",
    "input x : integer\ndecision d : integer = min(x,\n",
    "input x : integer\ndecision d : integer = min(x 2)\n",
    "input x : integer\ndecision d : integer = x in {1, 2\n",
    "input x : {a, b\n",
    "type T = {a,}\n",
    "parameter p : money\n",
    "parameter p : money\n  from 2020-01-01 = \n",
    "decision d\n",
    "decision d =\n",
    "decision d : integer = 1 because\n",
    "decision d valid from 2020-01-01 to\n  | x || d\n",
    "decision d hit first\n  | x || d\n  | [1..2 || 1\n",
    "decision d hit first\n  | x || d\n  | 1.. || 1\n",
    "decision d hit first\n  | x || d\n  | {1, 2 || 1\n",
    "decision d hit first\n  | x || d\n  | not || 1\n",
    "decision d hit first\n  | x || d\n  | <= || 1\n",
    "decision d hit first\n  | x || d\n  | @ || 1\n",
    "decision d hit first\n  | x + || d\n  | 1 || 1\n",
    "decision d hit first\n  | x || d\n  | 1 || 1 +\n",
    "input x : integer 0..\n",
    "input x : integer default\n",
    'input x : integer "desc" default 3\n',
    "input x : integer\ndecision d : integer = x..1\n",
    'input x : integer\ndecision d : integer = "abc\n',
    "decision d : integer = 1 = 2 = 3\n",
]


@pytest.mark.parametrize("text", BROKEN)
def test_syntax_messages_never_show_raw_token_names(text):
    diagnostic = syntax_error(text)
    assert diagnostic.message.startswith("unexpected ")
    assert not RAW_TOKEN.search(diagnostic.message), diagnostic.message
    assert not RAW_TOKEN.search(diagnostic.hint or ""), diagnostic.hint
    assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1


def test_rendered_syntax_error_shows_the_line_and_a_caret():
    text = "input age : integer 0..130\ndecision d : integer = (age + 1\n"
    with pytest.raises(RuleSyntaxError) as excinfo:
        parse(text, "r.rules")
    rendered = excinfo.value.diagnostics[0].render({"r.rules": text})
    assert rendered == (
        "r.rules:2:32: error[syntax]: unexpected end of the line; expected `)`\n"
        "   2 | decision d : integer = (age + 1\n"
        "     |                                ^")


def test_rendered_error_underlines_the_whole_token_and_shows_the_hint():
    text = "inptu age : integer\n"
    with pytest.raises(RuleSyntaxError) as excinfo:
        parse(text, "r.rules")
    assert excinfo.value.diagnostics[0].render({"r.rules": text}) == (
        "r.rules:1:1: error[syntax]: unexpected `inptu`; expected `assert`, `decision`, `function`, `input`, `parameter` or `type`\n"
        "   1 | inptu age : integer\n"
        "     | ^^^^^\n"
        "  = did you mean `input`?")


def test_str_of_a_rule_error_is_the_rendered_text():
    text = "decision d hit uniqe\n  | x || d\n  | - || 1\n"
    with pytest.raises(RuleError) as excinfo:
        parse(text, "r.rules")
    assert str(excinfo.value) == "r.rules:1:12: error[syntax]: unknown hit policy `uniqe`\n  = did you mean `unique`?"


def test_syntax_errors_of_every_file_are_reported_together(ws):
    from engine.ruleset import check_path
    folder = ws.folder({"a.rules": "input x integer\n", "b.rules": "decision d : integer = (1\n"})
    diagnostics, sources = check_path(folder)
    assert [(d.code, d.span.file, d.span.line) for d in diagnostics] == \
        [("syntax", "rs/a.rules", 1), ("syntax", "rs/b.rules", 1)]
    assert set(sources) == {"rs/a.rules", "rs/b.rules"}
