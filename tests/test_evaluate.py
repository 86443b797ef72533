"""Evaluation: hit policies, unary tests, expressions and functions, dates and versions, money.

Every test writes a small rule file, evaluates concrete facts on a fixed date and compares the
outputs with exact values (Decimal for money and numbers, never float).
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest

import engine
from engine import EvaluationError, RuleError

AS_OF = "2025-06-01"


def error_of(excinfo):
    """The single diagnostic of a VerdictError."""
    diagnostics = excinfo.value.diagnostics
    assert len(diagnostics) == 1, diagnostics
    return diagnostics[0]


# ============================================================================ hit policies

LEVELS = """
type Level = {high, medium, low}
input n : integer
decision d hit {policy}
  | n     || d
  | >= 0  || low
  | >= 5  || high
  | >= 3  || medium
"""

AMOUNTS = """
input n : integer
decision d hit {policy}
  | n     || d
  | >= 0  || {a}
  | >= 5  || {b}
  | >= 3  || {c}
"""


def levels(ws, policy):
    return ws.load(LEVELS.replace("{policy}", policy))


def amounts(ws, policy, a="10", b="3", c="7"):
    return ws.load(AMOUNTS.format(policy=policy, a=a, b=b, c=c))


def out(ruleset, facts, name="d", as_of=AS_OF):
    return ruleset.evaluate(facts, as_of=as_of).outputs[name]


def test_unique_single_match(ws):
    rs = ws.load("""
        input age : integer 0..130
        decision band hit unique
          | age    || band
          | <= 29  || "young"
          | 30..49 || "middle"
          | >= 50  || "old"
        """)
    assert [out(rs, {"age": a}, "band") for a in (0, 29, 30, 49, 50, 130)] == \
        ["young", "young", "middle", "middle", "old", "old"]


def test_unique_is_the_default_policy(ws):
    rs = ws.load("""
        input age : integer
        decision band
          | age    || band
          | <= 40  || "a"
          | >= 30  || "b"
        """)
    assert rs.model.decisions["band"].versions[0].decl.hit.label() == "unique"
    with pytest.raises(EvaluationError) as excinfo:
        rs.evaluate({"age": 35}, as_of=AS_OF)
    assert error_of(excinfo).code == "not-unique"


def test_unique_two_matches_names_rules_lines_and_inputs(ws):
    rs = ws.load("""
        input age : integer
        input territory : {metropole, outre_mer}
        decision band hit unique
          | age    | territory || band
          | <= 29  | -         || "young"
          | 30..49 | metropole || "middle"
          | >= 40  | -         || "old"
        """)
    with pytest.raises(EvaluationError) as excinfo:
        rs.evaluate({"age": 45, "territory": "metropole"}, as_of=AS_OF)
    diagnostic = error_of(excinfo)
    assert diagnostic.code == "not-unique"
    assert diagnostic.message == ("`band` is a unique table but rules band#2 (line 6), band#3 (line 7) both match "
                                  "age = 45, territory = metropole (as of 2025-06-01)")
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == ("r.rules", 3, 10)
    assert diagnostic.hint == "make the rows exclusive, or use `hit first`"


def test_unique_error_uses_explicit_rule_ids(ws):
    rs = ws.load("""
        input age : integer
        decision band hit unique
          | age   || band    | id
          | <= 40 || "a"     | under_41
          | >= 30 || "b"     | over_29
        """)
    with pytest.raises(EvaluationError) as excinfo:
        rs.evaluate({"age": 35}, as_of=AS_OF)
    assert "rules under_41 (line 4), over_29 (line 5) both match age = 35" in error_of(excinfo).message


def test_first_takes_the_first_matching_row(ws):
    rs = levels(ws, "first")
    assert [out(rs, {"n": n}) for n in (0, 4, 6)] == ["low", "low", "low"]
    rs = ws.load("""
        input n : integer
        decision d hit first
          | n     || d
          | >= 5  || "five"
          | >= 3  || "three"
          | >= 0  || "zero"
        """)
    assert [out(rs, {"n": n}) for n in (0, 3, 4, 5, 100)] == ["zero", "three", "three", "five", "five"]


def test_priority_prefers_the_symbol_declared_first(ws):
    rs = levels(ws, "priority")
    # rows in the table: low, high, medium; enumeration order: high, medium, low
    assert [out(rs, {"n": n}) for n in (1, 3, 4, 6)] == ["low", "medium", "medium", "high"]


def test_priority_is_by_enumeration_order_not_row_order(ws):
    rs = ws.load("""
        type Level = {low, medium, high}
        input n : integer
        decision d hit priority
          | n     || d
          | >= 0  || high
          | >= 0  || low
        """)
    assert out(rs, {"n": 1}) == "low"


def test_priority_on_multi_output_table_ranks_by_the_enumeration_column(ws):
    rs = ws.load("""
        type Level = {high, medium, low}
        input n : integer
        decision d hit priority
          | n     || level : Level | amount : money
          | >= 0  || low           | 1 €
          | >= 5  || high          | 2 €
          | >= 3  || medium        | 3 €
        """)
    assert out(rs, {"n": 6}) == {"level": "high", "amount": D("2.00")}
    assert out(rs, {"n": 4}) == {"level": "medium", "amount": D("3.00")}


def test_priority_without_an_enumeration_output_is_a_rule_error(ws):
    diagnostics = ws.errors("""
        input n : integer
        decision d hit priority
          | n     || d
          | >= 0  || 1
        """)
    assert [(d.code, d.span.line, d.span.column) for d in diagnostics] == [("type-mismatch", 2, 12)]
    assert diagnostics[0].message == ("hit policy `priority` ranks outputs by their enumeration order; "
                                      "this table has no enumeration output")


def test_any_agreeing_rows_give_their_common_value(ws):
    rs = ws.load("""
        input n : integer
        decision d hit any
          | n     || d
          | >= 0  || "yes"
          | >= 5  || "yes"
          | < 0   || "no"
        """)
    assert out(rs, {"n": 7}) == "yes"
    assert out(rs, {"n": -1}) == "no"


def test_any_disagreeing_rows_are_an_error_naming_them(ws):
    rs = levels(ws, "any")
    assert out(rs, {"n": 1}) == "low"
    with pytest.raises(EvaluationError) as excinfo:
        rs.evaluate({"n": 6}, as_of=AS_OF)
    diagnostic = error_of(excinfo)
    assert diagnostic.code == "not-unique"
    assert diagnostic.message == ("rules d#1, d#2, d#3 of `d` all match n = 6 and disagree (hit any), "
                                  "as of 2025-06-01")
    assert (diagnostic.span.line, diagnostic.span.column) == (3, 10)


def test_collect_lists_values_in_row_order(ws):
    rs = levels(ws, "collect")
    assert out(rs, {"n": 6}) == ["low", "high", "medium"]
    assert out(rs, {"n": 4}) == ["low", "medium"]
    assert out(rs, {"n": 1}) == ["low"]


@pytest.mark.parametrize("policy", ["collect", "rule order", "output order"])
def test_list_policies_give_an_empty_list_on_no_match(ws, policy):
    rs = levels(ws, policy)
    assert out(rs, {"n": -1}) == []
    verdict = rs.evaluate({"n": -1}, as_of=AS_OF)
    assert verdict.to_dict()["outputs"]["d"] == []


def test_rule_order_lists_values_in_row_order(ws):
    rs = levels(ws, "rule order")
    assert out(rs, {"n": 6}) == ["low", "high", "medium"]


def test_output_order_sorts_by_enumeration_order(ws):
    rs = levels(ws, "output order")
    assert out(rs, {"n": 6}) == ["high", "medium", "low"]
    assert out(rs, {"n": 4}) == ["medium", "low"]


def test_output_order_sorts_records_and_reports_rows_in_that_order(ws):
    rs = ws.load("""
        type Level = {high, medium, low}
        input n : integer
        decision d hit output order
          | n     || level : Level | amount : money
          | >= 0  || low           | 1 €
          | >= 5  || high          | 2 €
          | >= 3  || medium        | 3 €
        """)
    verdict = rs.evaluate({"n": 6}, as_of=AS_OF)
    assert verdict.outputs["d"] == [{"level": "high", "amount": D("2.00")},
                                    {"level": "medium", "amount": D("3.00")},
                                    {"level": "low", "amount": D("1.00")}]
    fired = verdict.to_dict()["decisions"][0]["fired"]
    assert [f["rule"] for f in fired] == ["d#2", "d#3", "d#1"]


def test_collect_sum_adds_the_matching_values(ws):
    rs = amounts(ws, "collect sum", "10.10 €", "0.10 €", "0.20 €")
    assert out(rs, {"n": 6}) == D("10.40")
    assert out(rs, {"n": 4}) == D("10.30")
    assert out(rs, {"n": 1}) == D("10.10")


def test_collect_sum_with_no_match_is_zero(ws):
    rs = amounts(ws, "collect sum", "10.10 €", "0.10 €", "0.20 €")
    assert out(rs, {"n": -1}) == D("0.00")
    assert str(out(rs, {"n": -1})) == "0.00"
    rs = amounts(ws, "collect sum")
    assert out(rs, {"n": -1}) == 0


def test_collect_sum_of_integers_is_an_integer(ws):
    rs = amounts(ws, "collect sum")
    value = out(rs, {"n": 6})
    assert value == 20 and type(value) is int
    assert rs.evaluate({"n": 6}, as_of=AS_OF).to_dict()["outputs"]["d"] == 20


@pytest.mark.parametrize("policy, n, expected", [
    ("collect min", 6, 3), ("collect min", 4, 7), ("collect min", 1, 10),
    ("collect max", 6, 10), ("collect max", 4, 10),
    ("collect count", 6, 3), ("collect count", 4, 2), ("collect count", 1, 1), ("collect count", -1, 0),
])
def test_collect_aggregates(ws, policy, n, expected):
    assert out(amounts(ws, policy), {"n": n}) == expected


def test_collect_min_max_of_money(ws):
    assert out(amounts(ws, "collect min", "10.10 €", "0.10 €", "0.20 €"), {"n": 6}) == D("0.10")
    assert out(amounts(ws, "collect max", "10.10 €", "0.10 €", "0.20 €"), {"n": 6}) == D("10.10")


@pytest.mark.parametrize("policy", ["collect min", "collect max"])
def test_collect_min_max_with_no_match_is_an_error(ws, policy):
    rs = amounts(ws, policy)
    with pytest.raises(EvaluationError) as excinfo:
        rs.evaluate({"n": -1}, as_of=AS_OF)
    diagnostic = error_of(excinfo)
    assert diagnostic.code == "no-match"
    assert diagnostic.message == "no rule of `d` matches n = -1 (as of 2025-06-01)"


def test_collect_count_counts_rows_of_any_output_type(ws):
    rs = levels(ws, "collect count")
    assert out(rs, {"n": 6}) == 3


@pytest.mark.parametrize("policy", ["unique", "first", "priority", "any"])
def test_no_match_without_otherwise_names_decision_and_inputs(ws, policy):
    rs = ws.load(f"""
        type Level = {{high, low}}
        input age : integer
        input territory : {{metropole, outre_mer}}
        decision level hit {policy}
          | age   | territory || level
          | >= 18 | metropole || high
          | >= 65 | -         || low
        """)
    with pytest.raises(EvaluationError) as excinfo:
        rs.evaluate({"age": 17, "territory": "outre_mer"}, as_of=AS_OF)
    diagnostic = error_of(excinfo)
    assert diagnostic.code == "no-match"
    assert diagnostic.message == "no rule of `level` matches age = 17, territory = outre_mer (as of 2025-06-01)"
    assert (diagnostic.span.line, diagnostic.span.column) == (4, 10)
    assert diagnostic.hint == "the rules give no answer for these values (`verdict check` reports this gap); its author can add a row or an `otherwise` row"


OTHERWISE = """
type Level = {high, low}
input n : integer
decision d hit {policy}
  | n         || d
  | >= 5      || high
  | otherwise || low
"""


@pytest.mark.parametrize("policy", ["unique", "first", "priority", "any"])
def test_otherwise_row_applies_only_when_nothing_else_matches(ws, policy):
    rs = ws.load(OTHERWISE.replace("{policy}", policy))
    assert out(rs, {"n": 6}) == "high"
    assert out(rs, {"n": 1}) == "low"


@pytest.mark.parametrize("policy", ["collect", "rule order", "output order"])
def test_otherwise_row_of_a_list_policy_is_a_one_item_list(ws, policy):
    rs = ws.load(OTHERWISE.replace("{policy}", policy))
    assert out(rs, {"n": 6}) == ["high"]
    assert out(rs, {"n": 1}) == ["low"]


@pytest.mark.parametrize("policy, expected_no_match, expected_match", [
    ("collect sum", 7, 2), ("collect min", 7, 2), ("collect max", 7, 2),
])
def test_otherwise_row_of_an_aggregate(ws, policy, expected_no_match, expected_match):
    rs = ws.load(f"""
        input n : integer
        decision d hit {policy}
          | n         || d
          | >= 5      || 2
          | otherwise || 7
        """)
    assert out(rs, {"n": 1}) == expected_no_match
    assert out(rs, {"n": 6}) == expected_match


def test_an_otherwise_row_cannot_be_counted(ws):
    diagnostics = ws.diagnostics("""
        input n : integer
        decision d hit collect count
          | n         || d
          | >= 5      || 2
          | otherwise || 7
        """)
    assert [(d.code, d.span.line, d.message) for d in diagnostics] == [
        ("type-mismatch", 5, "an `otherwise` row in a `collect count` table would count itself")]


def test_otherwise_row_is_reported_as_fired_with_its_number(ws):
    rs = ws.load(OTHERWISE.replace("{policy}", "first"))
    decision = rs.evaluate({"n": 1}, as_of=AS_OF).to_dict(full=True)["decisions"][0]
    assert [(r["rule"], r["line"], r["matched"]) for r in decision["rows"]] == [("d#1", 5, False), ("d#2", 6, True)]
    assert [f["rule"] for f in decision["fired"]] == ["d#2"]


def test_list_outputs_are_lists(ws):
    rs = levels(ws, "collect")
    assert rs.evaluate({"n": -1}, as_of=AS_OF).outputs["d"] == []
    assert rs.evaluate({"n": 4}, as_of=AS_OF).outputs["d"] == ["low", "medium"]


# ============================================================================ unary tests

CELL = """
{extra}
input x : {type}
decision d hit first
  | x         || d
  | {cell} || true
  | otherwise || false
"""


def matches(ws, type_, cell, values, extra=""):
    rs = ws.load(CELL.format(type=type_, cell=cell, extra=extra))
    return [out(rs, {"x": v}) for v in values]


@pytest.mark.parametrize("type_, cell, values, expected", [
    ("integer", "-", [0, -5, 10**9], [True, True, True]),
    ("integer", "42", [42, 41, 43], [True, False, False]),
    ("number", "1.35", [D("1.35"), "1.350", D("1.36")], [True, True, False]),
    ("money", "10166 €", [10166, "10166.00", "10166.01", "10165.99"], [True, True, False, False]),
    ("number", "70%", [D("0.7"), "0.70", 70], [True, True, False]),
    ("date", "2025-04-01", ["2025-04-01", "2025-04-02", "2025-03-31"], [True, False, False]),
    ("text", '"x"', ["x", "X", "x "], [True, False, False]),
    ("bool", "true", [True, False], [True, False]),
    ("bool", "false", [True, False], [False, True]),
    ("{metropole, outre_mer}", "metropole", ["metropole", "outre_mer"], [True, False]),
    ("country", "CN", ["CN", "DE"], [True, False]),
])
def test_literal_equality(ws, type_, cell, values, expected):
    assert matches(ws, type_, cell, values) == expected


@pytest.mark.parametrize("cell, values, expected", [
    ("< 3", [2, 3, 4], [True, False, False]),
    ("<= 3", [2, 3, 4], [True, True, False]),
    ("> 3", [2, 3, 4], [False, False, True]),
    (">= 3", [2, 3, 4], [False, True, True]),
    ("= 3", [2, 3, 4], [False, True, False]),
    ("!= 3", [2, 3, 4], [True, False, True]),
])
def test_comparisons(ws, cell, values, expected):
    assert matches(ws, "integer", cell, values) == expected


@pytest.mark.parametrize("cell, expected", [
    # values:  29     30     31     48     49     50
    ("30..49", [False, True, True, True, True, False]),
    ("[30..49]", [False, True, True, True, True, False]),
    ("[30..49)", [False, True, True, True, False, False]),
    ("(30..49]", [False, False, True, True, True, False]),
    ("(30..49)", [False, False, True, True, False, False]),
    ("not 30..49", [True, False, False, False, False, True]),
])
def test_ranges(ws, cell, expected):
    assert matches(ws, "integer", cell, [29, 30, 31, 48, 49, 50]) == expected


def test_range_of_money_at_the_cent(ws):
    assert matches(ws, "money", "(10166 €..13723.78 €]", ["10166.00", "10166.01", "13723.78", "13723.79"]) == \
        [False, True, True, False]


def test_half_open_date_range(ws):
    assert matches(ws, "date", "[2025-01-01..2025-02-01)",
                   ["2024-12-31", "2025-01-01", "2025-01-31", "2025-02-01"]) == [False, True, True, False]


def test_negative_bounds(ws):
    assert matches(ws, "integer", "-3..-1", [-4, -3, -1, 0]) == [False, True, True, False]


@pytest.mark.parametrize("cell, expected", [
    ("{DK, CH}", [True, True, False]),
    ("not {DK, CH}", [False, False, True]),
    ("DK, CH", [True, True, False]),
    ("not DK", [False, True, True]),
])
def test_country_sets_and_negation(ws, cell, expected):
    assert matches(ws, "country", cell, ["DK", "CH", "NO"]) == expected


def test_enum_set(ws):
    assert matches(ws, "{a, b, c}", "{a, c}", ["a", "b", "c"]) == [True, False, True]
    assert matches(ws, "{a, b, c}", "not {a, c}", ["a", "b", "c"]) == [False, True, False]


def test_comma_list_mixes_kinds_of_tests(ws):
    assert matches(ws, "integer", "1, 3, 5..7", [1, 2, 3, 4, 5, 7, 8]) == \
        [True, False, True, False, True, True, False]
    assert matches(ws, "text", '"a", "b"', ["a", "b", "c"]) == [True, True, False]


def test_not_applies_to_the_whole_comma_list(ws):
    assert matches(ws, "integer", "not 1, 3", [1, 2, 3]) == [False, True, False]


def test_bool_negation(ws):
    assert matches(ws, "bool", "not true", [True, False]) == [False, True]


def test_bound_is_an_expression_over_a_parameter(ws):
    extra = "parameter ceiling : money\n  from 2000-01-01 = 1000 €"
    assert matches(ws, "money", "<= ceiling * 138%", ["1379.99", "1380.00", "1380.01"], extra) == \
        [True, True, False]
    assert matches(ws, "money", "(ceiling..ceiling * 138%]", ["1000.00", "1000.01", "1380.00", "1380.01"], extra) == \
        [False, True, True, False]


def test_bound_is_an_input_or_a_decision(ws):
    rs = ws.load("""
        input x : integer
        input y : integer
        decision limit : integer = y * 2
        decision d hit first
          | x         || d
          | y         || "equal"
          | < limit   || "below double"
          | otherwise || "other"
        """)
    assert [out(rs, {"x": x, "y": 3}) for x in (3, 5, 6)] == ["equal", "below double", "other"]


def test_bound_is_as_of(ws):
    rs = ws.load("""
        input day : date
        decision d hit first
          | day       || d
          | <= as_of  || "past"
          | otherwise || "future"
        """)
    assert out(rs, {"day": "2025-06-01"}) == "past"
    assert out(rs, {"day": "2025-06-02"}) == "future"


def test_bare_name_in_a_cell_is_a_symbol_before_an_input(ws):
    rs = ws.load("""
        type T = {age, other}
        input age : integer
        input t : T
        decision d hit first
          | t         || d
          | age       || "the symbol"
          | otherwise || "no"
        decision q : integer = age
        """)
    assert out(rs, {"age": 3, "t": "age"}) == "the symbol"
    assert out(rs, {"age": 3, "t": "other"}) == "no"


def test_column_can_be_a_field_of_a_multi_output_decision(ws):
    rs = ws.load("""
        input size : integer 1..20
        decision ceilings hit unique
          | size || free : money | participation : money
          | 1    || 10166 €      | 13723.78 €
          | >= 2 || 15249 €      | 20586 €
        decision label hit first
          | ceilings.free || label
          | < 15000 €     || "small"
          | otherwise     || "big"
        """)
    assert out(rs, {"size": 1}, "label") == "small"
    assert out(rs, {"size": 2}, "label") == "big"


# ============================================================================ expressions

EXPR = """
input a : money default 0 €
input b : money default 0 €
input n : integer default 0
input m : number default 0
input d1 : date default 2000-01-01
input d2 : date default 2000-01-01
input xs : list of integer
{extra}
decision r {type} = {expr}
"""


def expr(ws, text, facts=None, type_="", extra=""):
    rs = ws.load(EXPR.format(expr=text, type=f": {type_}" if type_ else "", extra=extra))
    return rs.evaluate({"xs": [], **(facts or {})}, as_of=AS_OF, outputs=["r"]).outputs["r"]


def test_money_sum_is_exact(ws):
    value = expr(ws, "a + b", {"a": 0.1, "b": 0.2}, "money")
    assert value == D("0.30") and str(value) == "0.30" and isinstance(value, D)
    assert expr(ws, "0.10 € + 0.20 €") == D("0.30")


def test_money_times_percent_minus_money(ws):
    value = expr(ws, "30 € * 70% - 2 €", type_="money")
    assert value == D("19.00") and str(value) == "19.00"
    assert str(expr(ws, "30 € * 70% - 2 €")) == "19.00"  # inferred money


@pytest.mark.parametrize("text, facts, expected", [
    ("10 € / 3", {}, "3.33"),
    ("20 € / 3", {}, "6.67"),
    ("a * 0.5", {"a": "0.05"}, "0.03"),     # 0.025 → half up
    ("a * 0.5", {"a": "0.01"}, "0.01"),     # 0.005 → half up
    ("a * 0.5", {"a": "-0.05"}, "-0.03"),   # half up is away from zero
    ("a", {"a": 1}, "1.00"),
])
def test_money_results_are_rounded_to_cents_half_up(ws, text, facts, expected):
    value = expr(ws, text, facts, "money")
    assert isinstance(value, D) and str(value) == expected


def test_money_output_cells_are_rounded_to_cents(ws):
    rs = ws.load("""
        input a : money
        decision d : money hit first
          | a || d
          | - || a * 1.5
        """)
    assert str(out(rs, {"a": "0.05"})) == "0.08"  # 0.075 → 0.08


def test_number_arithmetic_is_decimal(ws):
    assert expr(ws, "m + 0.1", {"m": 0.2}) == D("0.3")
    assert expr(ws, "10 / 4") == D("2.5")
    assert expr(ws, "7 / 2") == D("3.5")
    assert expr(ws, "24 / 2 / 3") == D("4")
    assert expr(ws, "1 / 3") == D(1) / D(3)


@pytest.mark.parametrize("text, expected", [
    ("2 + 3 * 4", 14), ("(2 + 3) * 4", 20), ("10 - 2 - 3", 5), ("-2 * 3", -6), ("2 - -3", 5),
])
def test_integer_arithmetic_and_precedence(ws, text, expected):
    value = expr(ws, text)
    assert value == expected and type(value) is int


@pytest.mark.parametrize("text, facts", [("n / 0", {}), ("a / n", {"a": 1}), ("10 € / (n - n)", {"n": 4})])
def test_division_by_zero_is_an_evaluation_error(ws, text, facts):
    with pytest.raises(EvaluationError) as excinfo:
        expr(ws, text, facts)
    diagnostic = error_of(excinfo)
    assert diagnostic.message.startswith("in `r`: division by zero (as of 2025-06-01)")
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == ("r.rules", 9, 15)


@pytest.mark.parametrize("n, expected", [(3, 1), (2, 2)])
def test_if_then_else(ws, n, expected):
    assert expr(ws, "if n > 2 then 1 else 2", {"n": n}) == expected


def test_if_mixing_money_and_zero_gives_money(ws):
    assert str(expr(ws, "if a > 10 € then 1 € else 0", {"a": 5}, "money")) == "0.00"


@pytest.mark.parametrize("n, expected", [(2, True), (4, False)])
def test_in(ws, n, expected):
    assert expr(ws, "n in {1, 2, 3}", {"n": n}) is expected


def test_in_with_symbols_and_countries(ws):
    extra = "input t : {metropole, outre_mer} default metropole\ninput c : country default FR"
    assert expr(ws, "t in {outre_mer}", {"t": "outre_mer"}, extra=extra) is True
    assert expr(ws, "c in {DK, CH}", {"c": "CH"}, extra=extra) is True
    assert expr(ws, "c in {DK, CH}", {"c": "FR"}, extra=extra) is False


@pytest.mark.parametrize("text, n, expected", [
    ("n > 1 and n < 5", 3, True), ("n > 1 and n < 5", 5, False),
    ("n < 1 or n > 5", 6, True), ("n < 1 or n > 5", 3, False),
    ("not (n > 2)", 3, False), ("not (n > 2)", 2, True),
    ("n > 1 and n < 5 or n = 10", 10, True),
    ("n = 3", 3, True), ("n != 3", 3, False), ("n <= 3", 3, True), ("n >= 4", 3, False),
])
def test_logic_and_comparison(ws, text, n, expected):
    assert expr(ws, text, {"n": n}) is expected


@pytest.mark.parametrize("text, facts, expected", [
    ("min(3, n, 5)", {"n": 1}, 1),
    ("max(3, n, 5)", {"n": 9}, 9),
    ("min(a, 100 €)", {"a": "99.99"}, D("99.99")),
    ("max(a, 100 €)", {"a": "99.99"}, D("100.00")),
    ("min(d1, d2)", {"d1": "2025-01-01", "d2": "2020-06-01"}, dt.date(2020, 6, 1)),
    ("max(d1, d2)", {"d1": "2025-01-01", "d2": "2020-06-01"}, dt.date(2025, 1, 1)),
    ("round(2.345, 2)", {}, D("2.35")),
    ("round(a, 1)", {"a": "2.25"}, D("2.30")),
    ("round(a)", {"a": "2.50"}, D("3.00")),
    ("floor(2.7)", {}, 2),
    ("floor(-2.1)", {}, -3),
    ("ceil(2.1)", {}, 3),
    ("ceil(-2.7)", {}, -2),
    ("abs(-3)", {}, 3),
    ("abs(a)", {"a": "-3.50"}, D("3.50")),
    ("count(xs)", {"xs": [1, 2, 3]}, 3),
    ("count(xs)", {"xs": []}, 0),
    ("contains(xs, 2)", {"xs": [1, 2, 3]}, True),
    ("contains(xs, 5)", {"xs": [1, 2, 3]}, False),
    ("years_between(d1, d2)", {"d1": "2000-03-15", "d2": "2025-03-14"}, 24),
    ("years_between(d1, d2)", {"d1": "2000-03-15", "d2": "2025-03-15"}, 25),
    ("years_between(d1, d2)", {"d1": "2000-02-29", "d2": "2025-02-28"}, 25),
    ("months_between(d1, d2)", {"d1": "2025-01-15", "d2": "2025-03-14"}, 1),
    ("months_between(d1, d2)", {"d1": "2025-01-15", "d2": "2025-03-15"}, 2),
    ("months_between(d1, d2)", {"d1": "2025-01-31", "d2": "2025-02-28"}, 1),
    ("months_between(d1, d2)", {"d1": "2025-03-14", "d2": "2025-01-15"}, -1),
    ("year(d1)", {"d1": "2025-03-14"}, 2025),
    ("month(d1)", {"d1": "2025-03-14"}, 3),
    ("day(d1)", {"d1": "2025-03-14"}, 14),
    ("date(2025, 2, 28)", {}, dt.date(2025, 2, 28)),
    ("date(year(as_of), 1, 1)", {}, dt.date(2025, 1, 1)),
    ("as_of", {}, dt.date(2025, 6, 1)),
])
def test_functions(ws, text, facts, expected):
    value = expr(ws, text, facts)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text, expected", [("round(2.5)", 3), ("round(-2.5)", -3), ("round(2.4)", 2)])
def test_round_without_places_rounds_half_up_to_a_whole_number(ws, text, expected):
    assert expr(ws, text) == expected


def test_round_without_places_is_an_integer(ws):
    value = expr(ws, "round(2.5)")
    assert type(value) is int


def test_years_between_backwards_is_negative(ws):
    # 2020-06-01 is 4 years and 7 months before 2025-01-01
    assert expr(ws, "months_between(d1, d2)", {"d1": "2025-01-01", "d2": "2020-06-01"}) == -55
    assert expr(ws, "years_between(d2, d1)", {"d1": "2025-01-01", "d2": "2020-06-01"}) == 4


def test_years_between_is_antisymmetric(ws):
    assert expr(ws, "years_between(d1, d2)", {"d1": "2025-01-01", "d2": "2020-06-01"}) == -4


def test_round_result_is_usable_as_an_integer(ws):
    assert expr(ws, "date(round(2025.4), 1, 1)") == dt.date(2025, 1, 1)


def test_collect_sum_of_integers_is_usable_as_an_integer(ws):
    rs = ws.load("""
        input n : integer
        decision s hit collect sum
          | n || s
          | - || 2025
        decision r = date(s, 1, 1)
        """)
    assert out(rs, {"n": 1}, "r") == dt.date(2025, 1, 1)


def test_date_that_is_not_a_calendar_date_is_an_evaluation_error(ws):
    with pytest.raises(EvaluationError) as excinfo:
        expr(ws, "date(2025, 2, 29)")
    assert error_of(excinfo).message == "in `r`: date(2025, 2, 29) is not a calendar date (as of 2025-06-01)"


def test_count_and_contains_on_a_collect_decision(ws):
    rs = ws.load("""
        type Level = {high, medium, low}
        input n : integer
        decision levels hit collect
          | n     || levels
          | >= 0  || low
          | >= 5  || high
        decision c : integer = count(levels)
        decision h : bool = contains(levels, high)
        """)
    assert rs.evaluate({"n": 6}, as_of=AS_OF).outputs == {"levels": ["low", "high"], "c": 2, "h": True}
    assert rs.evaluate({"n": 1}, as_of=AS_OF).outputs == {"levels": ["low"], "c": 1, "h": False}


def test_multi_output_table_and_field_access(ws):
    rs = ws.load("""
        input size : integer 1..20
        decision ceilings hit unique
          | size || free : money | participation : money
          | 1    || 10166 €      | 13723.78 €
          | 2    || 15249 €      | 20586 €
        decision total : money = ceilings.free + ceilings.participation
        """)
    verdict = rs.evaluate({"size": 1}, as_of=AS_OF)
    assert verdict.outputs == {"ceilings": {"free": D("10166.00"), "participation": D("13723.78")},
                               "total": D("23889.78")}
    assert verdict.to_dict()["outputs"] == {"ceilings": {"free": "10166.00", "participation": "13723.78"},
                                            "total": "23889.78"}
    assert rs.evaluate({"size": 2}, as_of=AS_OF, outputs=["total"]).outputs == {"total": D("35835.00")}


def test_output_cell_expression_over_inputs(ws):
    rs = ws.load("""
        input household_size : integer 1..20
        decision ceiling : money hit first
          | household_size || ceiling
          | <= 4           || 21711 €
          | otherwise      || 21711 € + (household_size - 4) * 4135 €
        """)
    assert out(rs, {"household_size": 4}, "ceiling") == D("21711.00")
    assert out(rs, {"household_size": 6}, "ceiling") == D("29981.00")


def test_expression_decisions_chain(ws):
    rs = ws.load("""
        parameter free_ceiling : money
          from 2024-04-01 = 10166 €
        decision participation_ceiling : money = free_ceiling * 138%
        decision margin : money = participation_ceiling - free_ceiling
        """)
    assert rs.evaluate({}, as_of=AS_OF).outputs == {"participation_ceiling": D("14029.08"), "margin": D("3863.08")}


# ============================================================================ dates and versions

FEE = """
parameter fee : money source s
  from 2017-05-01 = 25 €
  from 2023-11-01 = 26.50 €
  from 2024-12-22 = 30 €
decision r : money = fee
"""


@pytest.mark.parametrize("as_of, expected", [
    ("2017-05-01", "25.00"), ("2023-10-31", "25.00"), ("2023-11-01", "26.50"),
    ("2024-12-21", "26.50"), ("2024-12-22", "30.00"), ("2099-01-01", "30.00"),
])
def test_parameter_value_changes_on_its_from_date(ws, as_of, expected):
    assert str(ws.load(FEE).evaluate({}, as_of=as_of).outputs["r"]) == expected


def test_parameter_before_its_first_date_is_an_error_naming_it(ws):
    rs = ws.load(FEE)
    with pytest.raises(EvaluationError) as excinfo:
        rs.evaluate({}, as_of="2017-04-30")
    diagnostic = error_of(excinfo)
    assert diagnostic.message == \
        "in `r`: parameter `fee` has no value on 2017-04-30; its first value is from 2017-05-01"
    assert (diagnostic.span.line, diagnostic.span.column) == (5, 22)


def test_parameter_before_its_first_date_in_a_table_cell(ws):
    rs = ws.load("""
        parameter ceiling : money
          from 2024-01-01 = 100 €
        input a : money
        decision r hit first
          | a           || r
          | <= ceiling  || "low"
          | otherwise   || "high"
        """)
    assert out(rs, {"a": 5}, "r", as_of="2024-01-01") == "low"
    with pytest.raises(EvaluationError) as excinfo:
        rs.evaluate({"a": 5}, as_of="2023-12-31")
    assert error_of(excinfo).message == \
        "in `r`: parameter `ceiling` has no value on 2023-12-31; its first value is from 2024-01-01; with a = 5"


def test_parameter_read_is_traced_with_its_effective_date(ws):
    verdict = ws.load(FEE).evaluate({}, as_of="2024-12-21")
    parameters = verdict.to_dict()["decisions"][0]["parameters"]
    assert [(p["name"], p["value"], p["effective_from"], p["source"]) for p in parameters] == \
        [("fee", "26.50", "2023-11-01", "s")]


VERSIONS = """
input n : integer
decision r hit first valid from 2024-01-01 to 2024-12-31
  | n || r
  | - || "old"
decision r hit first valid from 2025-01-01
  | n || r
  | - || "new"
"""


@pytest.mark.parametrize("as_of, expected", [
    ("2024-01-01", "old"), ("2024-12-31", "old"), ("2025-01-01", "new"), ("2099-12-31", "new"),
])
def test_table_versions_by_date_with_inclusive_end(ws, as_of, expected):
    assert out(ws.load(VERSIONS), {"n": 1}, "r", as_of=as_of) == expected


def test_no_version_valid_is_an_error(ws):
    rs = ws.load(VERSIONS)
    with pytest.raises(EvaluationError) as excinfo:
        rs.evaluate({"n": 1}, as_of="2023-12-31")
    diagnostic = error_of(excinfo)
    assert diagnostic.message == ("no version of `r` is valid on 2023-12-31 "
                                  "(versions: 2024-01-01 to 2024-12-31, 2025-01-01 to …)")
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 10)


def test_day_after_the_last_version_ends_is_an_error(ws):
    rs = ws.load("""
        decision r : integer valid from 2024-01-01 to 2024-06-30 = 1
        decision r : integer valid from 2024-07-01 to 2024-12-31 = 2
        """)
    assert [rs.evaluate({}, as_of=d).outputs["r"] for d in ("2024-06-30", "2024-07-01", "2024-12-31")] == [1, 2, 2]
    with pytest.raises(EvaluationError) as excinfo:
        rs.evaluate({}, as_of="2025-01-01")
    assert error_of(excinfo).message == ("no version of `r` is valid on 2025-01-01 "
                                         "(versions: 2024-01-01 to 2024-06-30, 2024-07-01 to 2024-12-31)")


def test_versions_are_traced_with_their_validity(ws):
    verdict = ws.load(VERSIONS).evaluate({"n": 1}, as_of="2024-06-01")
    decision = verdict.to_dict()["decisions"][0]
    assert (decision["valid_from"], decision["valid_to"], decision["location"]["line"]) == \
        ("2024-01-01", "2024-12-31", 2)


def test_as_of_is_required_to_be_a_date(ws):
    rs = ws.load(FEE)
    with pytest.raises(engine.FactError) as excinfo:
        rs.evaluate({}, as_of="2025-13-01")
    assert error_of(excinfo).message == "as_of: expected a date YYYY-MM-DD, got '2025-13-01' (not a day of the calendar)"
    assert rs.evaluate({}, as_of=dt.date(2024, 12, 22)).outputs["r"] == D("30.00")


# ============================================================================ the evaluation API

def test_outputs_restricts_what_is_computed_and_what_facts_are_needed(ws):
    rs = ws.load("""
        input age : integer
        decision fee : money = 30 €
        decision adult : bool = age >= 18
        """)
    verdict = rs.evaluate({}, as_of=AS_OF, outputs=["fee"])
    assert verdict.outputs == {"fee": D("30.00")}
    assert [d["name"] for d in verdict.to_dict()["decisions"]] == ["fee"]
    with pytest.raises(engine.FactError):
        rs.evaluate({}, as_of=AS_OF)


def test_unknown_output_is_refused_with_a_suggestion(ws):
    rs = ws.load("decision fee : money = 30 €\n")
    with pytest.raises(engine.VerdictError) as excinfo:
        rs.evaluate({}, as_of=AS_OF, outputs=["fees"])
    diagnostic = error_of(excinfo)
    assert (diagnostic.code, diagnostic.message, diagnostic.hint) == \
        ("unknown-output", "unknown decision `fees`", "did you mean `fee`?")


def test_a_loaded_ruleset_gives_the_same_answer_twice(ws):
    rs = ws.load(FEE)
    first = rs.evaluate({}, as_of="2024-01-01").to_json()
    rs.evaluate({}, as_of="2025-01-01")
    assert rs.evaluate({}, as_of="2024-01-01").to_json() == first


def test_a_ruleset_is_safe_to_share_between_threads(ws):
    from concurrent.futures import ThreadPoolExecutor
    rs = ws.load(FEE)
    days = ["2017-05-01", "2023-11-01", "2024-12-22"] * 40
    expected = {day: rs.evaluate({}, as_of=day).to_json() for day in set(days)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda day: (day, rs.evaluate({}, as_of=day).to_json()), days))
    assert all(text == expected[day] for day, text in results)


def test_untraced_evaluation_gives_the_same_outputs(ws):
    rs = ws.load(VERSIONS)
    assert rs.evaluate({"n": 1}, as_of=AS_OF, trace=False).outputs == {"r": "new"}


def test_bad_rules_raise_rule_error_listing_every_error(ws):
    path = ws.write("""
        input age : integer
        decision a : integer = agee
        decision b : integer = ag
        """)
    with pytest.raises(RuleError) as excinfo:
        engine.load_ruleset(path)
    assert [(d.code, d.span.line) for d in excinfo.value.diagnostics] == [("unknown-name", 2), ("unknown-name", 3)]


def test_money_outputs_serialise_as_exact_strings(ws):
    verdict = ws.load("decision r : money = 0.10 € + 0.20 €\n").evaluate({}, as_of=AS_OF)
    assert json.loads(verdict.to_json())["outputs"] == {"r": "0.30"}


def test_a_no_answer_row_stops_with_its_reason_on_both_paths(ws):
    rs = ws.load("""
        input n : integer
        decision d : integer hit first
          | n    || d         | because                               | id
          | < 0  || no answer | "Negative counts are not encoded."    | d_negative
          | -    || n         |                                       |
        """)
    assert out(rs, {"n": 3}) == 3
    for run in (rs.evaluate, rs.interpret):
        with pytest.raises(EvaluationError) as excinfo:
            run({"n": -1}, as_of=AS_OF)
        [diagnostic] = excinfo.value.diagnostics
        assert (diagnostic.code, diagnostic.span.line, diagnostic.extra) == ("no-answer", 4, {"rule": "d_negative"})
        assert diagnostic.message == ("in `d`: Negative counts are not encoded. (rule d_negative, as of 2025-06-01); "
                                      "with n = -1")
    assert ws.diagnostics("""
        input n : integer
        decision d : integer
          | n    || d
          | < 0  || no answer
          | >= 0 || n
        """) == []  # a `no answer` row covers its inputs: no gap
