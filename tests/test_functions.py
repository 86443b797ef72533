"""Reusable logic: `function` declarations, calls checked and evaluated alike by both paths."""
import datetime as dt
from decimal import Decimal

from engine.ruleset import check_path, load_ruleset

RULES = """\
input age : integer 0..130
input free : bool
input partner_age : integer 0..130

parameter base_fee : money
  from 2020-01-01 = 10 €

function share(age: integer 0..130, free: bool) : money "Monthly share"
  | age   | free  || share | because
  | -     | true  || 0 €   | "Free."
  | <= 29 | false || 8 €   | "Aged {age}."
  | >= 30 | false || 14 € + base_fee |

function double(x: money) : money = x * 2

decision total : money = double(share(age, free)) + share(partner_age, false)
"""

BAD = """\
input age : integer 0..130
input name : text

function share(a: integer) : money = if a > 29 then 14 € else 8 €
function reads_input(x: integer) : integer = x + age
function f(x: integer) : integer = g(x)
function g(x: integer) : integer = f(x) + 1

decision d1 : money = share(age, 1)
decision d2 : money = shre(age)
decision d3 : money = share(name)
decision d4 : integer = reads_input(age)
decision d5 : integer = f(age)
"""


def _folder(tmp_path, text):
    (tmp_path / "x.rules").write_text(text, encoding="utf-8")
    return tmp_path


def test_both_paths_give_the_same_value_and_record_the_calls(tmp_path):
    ruleset = load_ruleset(_folder(tmp_path, RULES))
    facts = {"age": 24, "free": False, "partner_age": 40}
    for evaluate in (ruleset.evaluate, ruleset.interpret):
        verdict = evaluate(facts, dt.date(2025, 1, 1))
        assert verdict.outputs == {"total": Decimal("40.00")}


def test_calls_are_checked_with_line_and_column(tmp_path):
    diagnostics, _ = check_path(_folder(tmp_path, BAD))
    shown = [(d.span.line, d.span.column, d.code, d.message) for d in diagnostics if d.severity == "error"]
    assert shown == [
        (5, 50, "unknown-name", "function `reads_input` cannot read the input `age`: a function sees only its "
                                "parameters (x), `parameter` figures and `as_of`"),
        (6, 10, "cycle", "these functions call each other: f → g → f"),
        (9, 23, "type-mismatch", "`share` takes 1 argument(s), not 2"),
        (10, 23, "unknown-name", "unknown function `shre`"),
        (11, 29, "type-mismatch", "argument 1 of `share` (a) must be integer; this is text"),
    ]
    assert [d.hint for d in diagnostics if d.code == "unknown-name"][1] == "did you mean `share`?"


def test_the_documented_example_checks_and_evaluates(tmp_path):
    import re
    from decimal import Decimal
    from pathlib import Path
    import engine
    from engine.ruleset import check_path
    doc = (Path(__file__).resolve().parent.parent / "docs" / "language.md").read_text(encoding="utf-8")
    example = re.search(r"```rules functions\n(.*?)```", doc, re.S).group(1)
    path = tmp_path / "functions.rules"
    path.write_text(example, encoding="utf-8")
    diagnostics, _ = check_path(path)
    assert diagnostics == []
    verdict = engine.load_ruleset(path).evaluate({"age": 24, "ages": [20, 40]}, as_of="2025-01-01")
    assert verdict.outputs == {"mine": Decimal("8.00"), "all_shares": [Decimal("8.00"), Decimal("14.00")], "twice": 48}


LIST_BODIES = """\
input xs : list of integer
function doubled_total(ys: list of integer) : integer = sum(for y in ys return y * 2)
function any_big(ys: list of integer) : bool = some y in ys satisfies y > 10
function all_small(ys: list of integer) : bool = every y in ys satisfies y < 100
function bigs(ys: list of integer) : list of integer = ys[item > 10]
function bump(y: integer) : integer = y + 1
function bumped(ys: list of integer) : list of integer = for y in ys return bump(y)
decision t : integer = doubled_total(xs)
decision b : bool = any_big(xs)
decision s : bool = all_small(xs)
decision f : list of integer = bigs(xs)
decision n : list of integer = bumped(xs)
decision nested : list of integer = for x in xs return doubled_total([x, x])
"""


def test_list_forms_inside_a_function_body_see_their_own_variable(tmp_path):
    # they stopped with an internal error ('Frame' object has no attribute 'bound'), and a
    # variable read inside a function body was taken for a symbol
    from tests.test_codegen import both_ways
    ruleset = load_ruleset(_folder(tmp_path, LIST_BODIES))
    for xs, expected in (([1, 20], {"t": 42, "b": True, "s": True, "f": (20,), "n": (2, 21), "nested": (4, 80)}),
                         ([], {"t": 0, "b": False, "s": True, "f": (), "n": (), "nested": ()})):
        verdict = ruleset.evaluate({"xs": xs}, as_of=dt.date(2025, 1, 1))
        assert {k: tuple(v) if isinstance(v, (list, tuple)) else v for k, v in verdict.outputs.items()} == expected
        both_ways(ruleset, {"xs": xs}, dt.date(2025, 1, 1))
