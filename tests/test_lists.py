"""Lists (docs/language.md "## Lists"): literals, count/sum/min/max, some/every/for, filters,
membership, list cells, list facts with element paths, the checker's note, lists of records,
and both evaluation paths agreeing."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import EvaluationError, FactError, RuleError
from engine.ruleset import check_path
from tests.test_codegen import both_ways

AS_OF = "2025-01-01"

HOUSEHOLD = """\
type Person = {age: integer 0..130, nationality: country}

input household : list of Person
input ages : list of integer
input rents : list of money

decision members : integer = count(household)
decision has_minor : bool = some m in household satisfies m.age < 18
decision all_adults : bool = every m in household satisfies m.age >= 18
decision total_age : integer = sum(for m in household return m.age)
decision oldest : integer = max(ages)
decision youngest : integer = min(ages)
decision young : list of integer = ages[item < 30]
decision listed : bool = 3 in [1, 2, 3]
decision total_rent : money = sum(rents)

decision label : text
  | ages          || label
  | contains 40   || "has a forty"
  | otherwise     || "no forty"
"""

FACTS = {"household": [{"age": 40, "nationality": "CN"}, {"age": 12, "nationality": "FR"}],
         "ages": [40, 12, 25], "rents": ["410.50", "89.25"]}


@pytest.fixture()
def household(tmp_path):
    path = tmp_path / "household.rules"
    path.write_text(HOUSEHOLD, encoding="utf-8")
    return engine.load_ruleset(path)


def test_list_operations_over_values_and_records(household):
    assert both_ways(household, FACTS, AS_OF)[0] == "ok"
    outputs = household.evaluate(FACTS, as_of=AS_OF).outputs
    assert outputs == {"members": 2, "has_minor": True, "all_adults": False, "total_age": 52, "oldest": 40,
                       "youngest": 12, "young": [12, 25], "listed": True, "total_rent": D("499.75"),
                       "label": "has a forty"}


def test_an_empty_list(household):
    facts = {"household": [], "ages": [], "rents": []}
    verdict = household.evaluate(facts, as_of=AS_OF, outputs=["members", "has_minor", "all_adults", "total_rent",
                                                                "young", "label"])
    assert verdict.outputs == {"members": 0, "has_minor": False, "all_adults": True, "total_rent": D("0"),
                               "young": [], "label": "no forty"}


def test_max_of_an_empty_list_is_an_error_naming_the_decision(household):
    with pytest.raises(EvaluationError) as raised:
        household.evaluate({"household": [], "ages": [], "rents": []}, as_of=AS_OF, outputs=["oldest"])
    diagnostic = raised.value.diagnostics[0]
    assert (diagnostic.span.line, diagnostic.span.column) == (11, 29)
    assert diagnostic.message == "in `oldest`: `max` of an empty list has no value (as of 2025-01-01); with ages = []"


def test_a_wrong_element_is_named_by_its_path(household):
    facts = dict(FACTS, household=[{"age": 40, "nationality": "CN"}, {"age": "x", "nationality": "FR"}],
                 ages=[1, "b"])
    with pytest.raises(FactError) as raised:
        household.evaluate(facts, as_of=AS_OF)
    messages = [d.message for d in raised.value.diagnostics]
    assert messages == ["fact `household[2].age`: expected integer, got 'x' (not a number; write a whole number, "
                        "e.g. 12)",
                        "fact `ages[2]`: expected integer, got 'b' (not a number; write a whole number, e.g. 12)"]


def test_sum_of_a_list_of_truths_is_a_type_error_at_its_place(tmp_path):
    path = tmp_path / "bad.rules"
    path.write_text("input ages : list of integer\ndecision bad : integer = sum(for a in ages return a > 1)\n",
                    encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        engine.load_ruleset(path)
    diagnostic = raised.value.diagnostics[0]
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("type-mismatch", 2, 30)
    assert diagnostic.message == "`sum` needs a list of numbers, money or durations; this is list of bool"


def test_the_checker_says_why_a_list_column_is_not_analysed(tmp_path):
    path = tmp_path / "household.rules"
    path.write_text(HOUSEHOLD, encoding="utf-8")
    diagnostics, _ = check_path(path)
    notes = [d for d in diagnostics if d.code == "not-analysed"]
    assert [(d.span.line, d.span.column) for d in notes] == [(18, 5)]
    assert notes[0].message == ("`label` is not checked for gaps and overlaps: its column `ages` holds a list "
                                "(list of integer), and the checker analyses columns of single values")


LIST_RULES = """\
input xs : list of integer
decision n : integer = count(xs)
decision s : integer = sum(xs)
decision big : list of integer = xs[item > 3]
decision doubled : list of integer = for x in xs return x * 2
decision any_even : bool = some x in xs satisfies x = 2 * floor(x / 2)
decision has_seven : bool = 7 in xs
decision kind : text hit first
  | xs          || kind
  | contains 7  || "seven"
  | contains 3  || "three"
  | otherwise   || "other"
"""


@pytest.fixture(scope="module")
def list_rules(tmp_path_factory):
    path = tmp_path_factory.mktemp("lists") / "l.rules"
    path.write_text(LIST_RULES, encoding="utf-8")
    return engine.load_ruleset(path)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-10, 10), max_size=6))
def test_both_evaluation_paths_agree_with_python_on_random_lists(list_rules, xs):
    both_ways(list_rules, {"xs": xs}, AS_OF)
    outputs = list_rules.evaluate({"xs": xs}, as_of=AS_OF).outputs
    assert outputs["n"] == len(xs) and outputs["s"] == sum(xs)
    assert outputs["big"] == [x for x in xs if x > 3]
    assert outputs["doubled"] == [2 * x for x in xs]
    assert outputs["any_even"] == any(x % 2 == 0 for x in xs)
    assert outputs["has_seven"] == (7 in xs)
    assert outputs["kind"] == ("seven" if 7 in xs else "three" if 3 in xs else "other")
