"""Facts coming in: every kind of refusal (unknown, missing, wrong type, out of range, inexact,
not finite), each naming the fact and saying what is allowed; defaults when a fact is omitted."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from engine import FactError

RULES = """
type Territory = {metropole, outre_mer}
input age         : integer 0..130      "Age of the applicant"
input resources   : money >= 0 €
input ratio       : number
input birth       : date
input note        : text default "none"
input salaried    : bool default false
input territory   : Territory
input nationality : country
input hours       : integer >= 0 default 0
decision d : text = if salaried and hours > 0 then note else "x"
decision e : bool = age > 0 and resources >= 0 € and ratio > 0 and birth > 2000-01-01 and territory = metropole and nationality = CN
"""

BASE = {"age": 24, "resources": "100.50", "ratio": D("0.5"), "birth": "2001-03-14", "territory": "metropole",
        "nationality": "CN"}


@pytest.fixture
def rs(ws):
    return ws.load(RULES)


def refuse(rs, **changes):
    """The diagnostics of evaluating BASE with `changes` (a value of ... removes the fact)."""
    facts = dict(BASE)
    for name, value in changes.items():
        if value is ...:
            facts.pop(name)
        else:
            facts[name] = value
    with pytest.raises(FactError) as excinfo:
        rs.evaluate(facts, as_of="2025-06-01")
    return [(d.code, d.message, d.hint) for d in excinfo.value.diagnostics]


def test_valid_facts_are_accepted(rs):
    verdict = rs.evaluate(BASE, as_of="2025-06-01")
    assert verdict.outputs == {"d": "x", "e": True}


def test_unknown_fact_with_a_suggestion(rs):
    assert refuse(rs, agee=3) == [("unknown-fact", "unknown fact `agee`", "did you mean `age`?")]


def test_unknown_fact_without_a_close_name_lists_the_inputs(rs):
    (code, message, hint), = refuse(rs, zzz=3)
    assert (code, message) == ("unknown-fact", "unknown fact `zzz`")
    assert hint == ("the inputs are: age, resources, ratio, birth, note, salaried, territory, nationality, hours")


def test_missing_fact_names_it_its_type_its_readers_and_its_description_and_what_can_be_answered(rs):
    assert refuse(rs, age=...) == [("missing-fact", "missing fact `age` (integer 0..130), read by e",
                                    "Age of the applicant; give it, or ask only for what these facts answer: "
                                    "outputs=['d'] (verdict eval: --output d)")]


def test_every_missing_fact_is_reported_at_once(rs):
    assert refuse(rs, age=..., resources=..., territory=...) == [
        ("missing-fact", "missing fact `age` (integer 0..130), read by e", "Age of the applicant"),
        ("missing-fact", "missing fact `resources` (money >= 0.00 €), read by e", None),
        ("missing-fact", "missing fact `territory` (Territory {metropole, outre_mer}), read by e",
         "give it, or ask only for what these facts answer: outputs=['d'] (verdict eval: --output d)"),
    ]


def test_unknown_and_wrong_facts_are_reported_together(rs):
    assert [c for c, _, _ in refuse(rs, agee=3, age=True, resources="abc")] == \
        ["fact-type", "fact-type", "unknown-fact"]


@pytest.mark.parametrize("name, value, message, hint", [
    ("age", True, "fact `age`: expected integer, got True", None),
    ("age", 24.5, "fact `age`: expected integer, got 24.5 (not a whole number)", None),
    ("age", None, "fact `age`: expected integer, got None", None),
    ("resources", "abc", "fact `resources`: expected money, got 'abc' "
                         "(not a number; write digits with a dot, e.g. 9000.50)", None),
    ("resources", True, "fact `resources`: expected money, got True", None),
    ("ratio", True, "fact `ratio`: expected number, got True", None),
    ("birth", "2001-02-30", "fact `birth`: expected date, got '2001-02-30' (not a day of the calendar)",
     "check the month and the day"),
    ("birth", "14/03/2001", "fact `birth`: expected date, got '14/03/2001'",
     "write the date as YYYY-MM-DD, e.g. 2001-03-14"),
    ("birth", 20010314, "fact `birth`: expected date, got 20010314", "write the date as YYYY-MM-DD, e.g. 2001-03-14"),
    ("birth", dt.datetime(2001, 3, 14, 10, 0),
     "fact `birth`: expected date, got datetime.datetime(2001, 3, 14, 10, 0) (a date has no time of day)", None),
    ("nationality", "cn", "fact `nationality`: expected country, got 'cn' (not an ISO 3166-1 alpha-2 code)",
     "write `CN` (ISO 3166-1 alpha-2, upper case)"),
    ("nationality", "XX", "fact `nationality`: expected country, got 'XX' (not an ISO 3166-1 alpha-2 code)",
     "e.g. CN, DE, FR"),
    ("territory", "metropol", "fact `territory`: expected Territory {metropole, outre_mer}, got 'metropol'",
     "did you mean `metropole`?"),
    ("territory", 1, "fact `territory`: expected Territory {metropole, outre_mer}, got 1",
     "one of: metropole, outre_mer"),
    ("note", 3, "fact `note`: expected text, got 3 (not a text)", None),
    ("salaried", "true", "fact `salaried`: expected bool, got 'true'", "write true or false"),
    ("salaried", 1, "fact `salaried`: expected bool, got 1", "write true or false"),
])
def test_wrong_type(rs, name, value, message, hint):
    assert refuse(rs, **{name: value}) == [("fact-type", message, hint)]


@pytest.mark.parametrize("name, value, message", [
    ("age", 131, "fact `age`: 131 is outside its declared range 0..130"),
    ("age", -1, "fact `age`: -1 is outside its declared range 0..130"),
    ("resources", "-0.01", "fact `resources`: -0.01 € is outside its declared range >= 0.00 €"),
    ("hours", -1, "fact `hours`: -1 is outside its declared range >= 0"),
])
def test_out_of_range(rs, name, value, message):
    assert refuse(rs, **{name: value}) == [("fact-range", message, None)]


@pytest.mark.parametrize("declaration, value, message", [
    ("date 2000-01-01..2030-12-31", "1999-12-31",
     "fact `x`: 1999-12-31 is outside its declared range 2000-01-01..2030-12-31"),
    ("number > 0", 0, "fact `x`: 0 is outside its declared range > 0"),
    ("number < 1", 1, "fact `x`: 1 is outside its declared range < 1"),
])
def test_declared_ranges_of_other_types(ws, declaration, value, message):
    rs = ws.load(f"input x : {declaration}\ndecision r = x\n")
    with pytest.raises(FactError) as excinfo:
        rs.evaluate({"x": value}, as_of="2025-06-01")
    assert [(d.code, d.message) for d in excinfo.value.diagnostics] == [("fact-range", message)]


def test_range_bounds_are_inclusive(rs):
    for age in (0, 130):
        assert rs.evaluate({**BASE, "age": age}, as_of="2025-06-01").outputs["e"] is (age > 0)
    assert rs.evaluate({**BASE, "resources": 0}, as_of="2025-06-01").outputs["e"] is True


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), "NaN", "Infinity", D("NaN")])
def test_not_a_finite_number(rs, value):
    (code, message, _), = refuse(rs, resources=value)
    assert code == "fact-type"
    shown = str(value) if isinstance(value, D) else repr(value)  # a Decimal as written, not Decimal('…')
    assert message == f"fact `resources`: expected money, got {shown} (not a finite number)"


def test_float_money_that_is_not_a_whole_number_of_cents(rs):
    assert refuse(rs, resources=0.1 + 0.2) == [
        ("fact-type", "fact `resources`: expected money, got 0.30000000000000004 (money has at most 2 decimal places)",
         None)]
    assert refuse(rs, resources="12.345") == [
        ("fact-type", "fact `resources`: expected money, got '12.345' (money has at most 2 decimal places)", None)]


def test_huge_numbers_are_refused(rs):
    assert refuse(rs, resources=1e20) == [
        ("fact-type", "fact `resources`: expected money, got 1e+20 (larger than 1,000,000,000,000,000)", None)]
    assert refuse(rs, age=10**15) == [
        ("fact-type", "fact `age`: expected integer, got 1000000000000000 (larger than 1,000,000,000,000,000)", None)]


@pytest.mark.parametrize("value, expected", [
    (0.1, D("0.1")), ("100.50", D("100.50")), (100, D("100")), (D("7.25"), D("7.25")), (" 12 € ", D("12")),
])
def test_money_facts_become_exact_decimals(ws, value, expected):
    rs = ws.load("input a : money\ndecision d : money = a\n")
    verdict = rs.evaluate({"a": value}, as_of="2025-06-01")
    assert verdict.outputs["d"] == expected and isinstance(verdict.outputs["d"], D)


def test_float_facts_are_read_as_written_not_as_binary(ws):
    rs = ws.load("input a : money\ninput b : money\ndecision d : money = a + b\n")
    assert str(rs.evaluate({"a": 0.1, "b": 0.2}, as_of="2025-06-01").outputs["d"]) == "0.30"
    rs = ws.load("input m : number\ndecision d : bool = m = 0.1\n")
    assert rs.evaluate({"m": 0.1}, as_of="2025-06-01").outputs["d"] is True


@pytest.mark.parametrize("value, expected", [(24.0, 24), ("24", 24), (D("24.00"), 24)])
def test_whole_numbers_are_accepted_as_integers(rs, value, expected):
    verdict = rs.evaluate({**BASE, "age": value}, as_of="2025-06-01")
    assert verdict.to_dict()["facts"]["age"] == expected


def test_dates_may_be_date_objects(rs):
    verdict = rs.evaluate({**BASE, "birth": dt.date(2001, 3, 14)}, as_of="2025-06-01")
    assert verdict.to_dict()["facts"]["birth"] == "2001-03-14"


def test_defaults_are_applied_when_omitted_and_shown_apart(rs):
    verdict = rs.evaluate(BASE, as_of="2025-06-01")
    trace = verdict.to_dict()
    assert trace["defaults"] == {"note": "none", "salaried": False, "hours": 0}
    assert set(trace["facts"]) == set(BASE)


def test_a_given_fact_overrides_its_default(rs):
    verdict = rs.evaluate({**BASE, "salaried": True, "hours": 10, "note": "works"}, as_of="2025-06-01")
    assert verdict.outputs["d"] == "works"
    assert verdict.to_dict()["defaults"] == {}


def test_a_default_country_and_symbol(ws):
    rs = ws.load("""
        input insured_in : country default FR
        input t : {a, b} default b
        decision d : bool = insured_in = FR and t = b
        """)
    verdict = rs.evaluate({}, as_of="2025-06-01")
    assert verdict.outputs == {"d": True}
    assert verdict.to_dict()["defaults"] == {"insured_in": "FR", "t": "b"}


def test_only_facts_the_requested_outputs_need_are_required(ws):
    rs = ws.load("""
        input a : integer
        input b : integer
        decision da : integer = a
        decision db : integer = b
        """)
    assert rs.evaluate({"a": 1}, as_of="2025-06-01", outputs=["da"]).outputs == {"da": 1}
    with pytest.raises(FactError) as excinfo:
        rs.evaluate({"a": 1}, as_of="2025-06-01")
    assert [d.message for d in excinfo.value.diagnostics] == ["missing fact `b` (integer), read by db"]
    assert excinfo.value.diagnostics[0].hint == ("give it, or ask only for what these facts answer: "
                                                 "outputs=['da'] (verdict eval: --output da)")
    assert excinfo.value.diagnostics[0].to_dict()["needed_by"] == ["db"]


def test_a_missing_fact_read_through_another_decision_names_the_reader_and_the_output(ws):
    rs = ws.load("""
        input birth : date
        input n : integer
        decision age : integer = years_between(birth, as_of)
        decision adult : bool = age >= 18
        decision twice : integer = n * 2
        """)
    with pytest.raises(FactError) as excinfo:
        rs.evaluate({"n": 2}, as_of="2025-06-01", outputs=["adult", "twice"])
    [diagnostic] = excinfo.value.diagnostics
    assert diagnostic.message == "missing fact `birth` (date), read by age; needed for adult"
    assert diagnostic.hint == ("give it, or ask only for what these facts answer: outputs=['twice'] "
                               "(verdict eval: --output twice)")


def test_facts_only_needed_by_another_version_are_not_required(ws):
    rs = ws.load("""
        input old_flag : bool
        decision d : bool valid from 2020-01-01 to 2024-12-31 = old_flag
        decision d : bool valid from 2025-01-01 = true
        """)
    assert rs.evaluate({}, as_of="2025-06-01").outputs == {"d": True}
    with pytest.raises(FactError):
        rs.evaluate({}, as_of="2024-06-01")


def test_list_facts(ws):
    rs = ws.load("""
        input documents : list of {passport, visa}
        decision n : integer = count(documents)
        decision has_visa : bool = contains(documents, visa)
        """)
    assert rs.evaluate({"documents": ["passport", "visa"]}, as_of="2025-06-01").outputs == {"n": 2, "has_visa": True}
    with pytest.raises(FactError) as excinfo:
        rs.evaluate({"documents": ["pasport"]}, as_of="2025-06-01")
    assert [(d.message, d.hint) for d in excinfo.value.diagnostics] == [
        ("fact `documents[1]`: expected {passport, visa}, got 'pasport'", "did you mean `passport`?")]
    with pytest.raises(FactError) as excinfo:
        rs.evaluate({"documents": "passport"}, as_of="2025-06-01")
    assert [d.message for d in excinfo.value.diagnostics] == [
        "fact `documents`: expected list of {passport, visa}, got 'passport' (not a list)"]


def test_facts_must_be_a_mapping(rs):
    with pytest.raises(FactError) as excinfo:
        rs.evaluate([("age", 3)], as_of="2025-06-01")
    assert [d.message for d in excinfo.value.diagnostics] == ["facts must be a mapping of name → value, got list"]


def test_the_caller_facts_are_not_modified(rs):
    facts = dict(BASE)
    rs.evaluate(facts, as_of="2025-06-01")
    assert facts == BASE


def test_decimals_in_yaml_and_json_are_read_exactly():
    from engine.ruleset_files import load_yaml
    facts = load_yaml("resources: 99999999999999.99\nversion: 1.10\n", "facts")
    assert facts == {"resources": D("99999999999999.99"), "version": D("1.10")}


def test_evaluation_ignores_the_callers_decimal_context(rs):
    import decimal
    expected = rs.evaluate(BASE, as_of="2025-06-01").to_json()
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        ctx.traps[decimal.Inexact] = True
        assert rs.evaluate(BASE, as_of="2025-06-01").to_json() == expected
