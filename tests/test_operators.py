"""Text concatenation with `+`, exponentiation with `**`, and `string(x)` (docs/language.md
"## Joining texts, powers"): exact values, FEEL's grouping, type errors and the size bounds at
their place, both evaluation paths agreeing, and powers correctly rounded."""
from __future__ import annotations

import decimal
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import EvaluationError, RuleError
from engine.evaluation.operators import MAX_TEXT, power
from engine.values import ENGINE_CONTEXT
from tests.test_codegen import both_ways

AS_OF = "2025-01-01"

RULES = """\
type Tier = {bronze, gold}
input name : text
input n : integer
input k : integer
input x : number
input amount : money
input day : date
input tier : Tier
input home : country
input flag : bool
decision greeting : text = "Dear " + name + "!"
decision label : text = string(n) + "|" + string(x) + "|" + string(amount) + "|" + string(day) + "|" + string(tier) + "|" + string(home) + "|" + string(flag) + "|" + string(name)
decision square : integer = n ** 2
decision power : number = x ** k
decision grouped : integer = 2 ** 3 ** 2
decision negated : integer = -3 ** 2
decision tighter : integer = 2 * 3 ** 2 + 1
decision inverse : number = 2 ** -2
decision third : number = 3 ** -1
decision grown : money = amount * (1 + x) ** k
decision shout : text
  | n      || shout
  | < 2 ** 3 || upper(name) + "!"
  | >= 2 ** 3 || name + " " + string(n ** 2)
"""

FACTS = {"name": "Wang", "n": 3, "k": 2, "x": "0.5", "amount": "1234.5", "day": "2025-04-01", "tier": "gold",
         "home": "CN", "flag": True}


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    path = tmp_path_factory.mktemp("ops") / "ops.rules"
    path.write_text(RULES, encoding="utf-8")
    return engine.load_ruleset(path)


def evaluate_both(ruleset, facts, outputs=None):
    """The outputs, after checking that the generated code and the closures give the same verdict."""
    assert both_ways(ruleset, facts, AS_OF, outputs)[0] == "ok"
    return ruleset.evaluate(facts, as_of=AS_OF, outputs=outputs).outputs


def error_of(ruleset, facts, output):
    """The one diagnostic both paths give, as (line, column, message)."""
    outcome = both_ways(ruleset, facts, AS_OF, [output])
    assert outcome[0] == "error"
    with pytest.raises(EvaluationError) as raised:
        ruleset.evaluate(facts, as_of=AS_OF, outputs=[output])
    diagnostic = raised.value.diagnostics[0]
    return diagnostic.span.line, diagnostic.span.column, diagnostic.message


def test_exact_values(rules):
    outputs = evaluate_both(rules, FACTS)
    assert outputs == {
        "greeting": "Dear Wang!", "label": "3|0.5|1,234.50 €|2025-04-01|gold|CN|true|Wang",
        "square": 9, "power": Decimal("0.25"), "grouped": 64, "negated": 9, "tighter": 19,
        "inverse": Decimal("0.25"), "third": Decimal("0.3333333333333333333333333333"),
        "grown": Decimal("2777.63"), "shout": "WANG!"}
    assert type(outputs["square"]) is int and type(outputs["grouped"]) is int
    assert evaluate_both(rules, {**FACTS, "n": 12}, ["shout"]) == {"shout": "Wang 144"}


def test_powers_group_as_feel_does(rules):
    # DMN TCK 0075-feel-exponent: `3 ** 4 ** 5` is (3 ** 4) ** 5, and `-3 ** 2` is (-3) ** 2
    outputs = evaluate_both(rules, FACTS, ["grouped", "negated", "tighter"])
    assert outputs == {"grouped": (2 ** 3) ** 2, "negated": 9, "tighter": 2 * 9 + 1}


@pytest.mark.parametrize("x, k, expected", [
    ("2", 10, Decimal("1024")), ("-2", 3, Decimal("-8")), ("-2", -3, Decimal("-0.125")), ("1.5", 2, Decimal("2.25")),
    ("2.0", 2, Decimal("4.00")), ("0", 0, Decimal("1")), ("0", 5, Decimal("0")), ("10", -5, Decimal("0.00001")),
    ("7", 0, Decimal("1")), ("-1", -999, Decimal("-1")), ("1.05", 30, Decimal("4.321942375150662009157288199")),
    ("2.5", 999, Decimal("3.483923926486886670230478198E+397")),
])
def test_a_number_to_a_whole_power(rules, x, k, expected):
    value = evaluate_both(rules, {**FACTS, "x": x, "k": k}, ["power"])["power"]
    assert (value, str(value)) == (expected, str(expected))


@pytest.mark.parametrize("facts, output, message", [
    ({"x": "2.5", "k": 2}, "power", None),
    ({"x": "2", "k": 1001}, "power", "the exponent of `**` is at most 1,000 in size, not 1,001"),
    ({"x": "2", "k": -1001}, "power", "the exponent of `**` is at most 1,000 in size, not -1,001"),
    ({"x": "10", "k": 1000}, "power", "`**` would give a number of about 10^1,000; a power lies between "
                                      "10^-1,000 and 10^1,000"),
    ({"x": "0.1", "k": 1000}, "power", "`**` would give a number of about 10^-1,000; a power lies between "
                                       "10^-1,000 and 10^1,000"),
    ({"x": "0", "k": -1}, "power", "0 ** -1 divides by zero"),
])
def test_powers_beyond_the_bounds_are_errors_naming_the_decision(rules, facts, output, message):
    if message is None:  # within the bounds: for contrast
        assert evaluate_both(rules, {**FACTS, **facts}, [output]) == {"power": Decimal("6.25")}
        return
    line, column, text = error_of(rules, {**FACTS, **facts}, output)
    assert (line, column) == (14, 27)
    assert text == f"in `power`: {message} (as of {AS_OF}); with x = {facts['x']}, k = {facts['k']}"


def test_a_fractional_exponent_is_an_evaluation_error(tmp_path):
    path = tmp_path / "f.rules"
    path.write_text("input x : number\ninput e : number\ndecision p : number = x ** e\n", encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    assert evaluate_both(ruleset, {"x": 4, "e": "2.0"}) == {"p": 16}
    line, column, message = error_of(ruleset, {"x": 4, "e": "0.5"}, "p")
    assert (line, column, message) == (3, 23, "in `p`: the exponent of `**` must be a whole number, not 0.5 "
                                              "(as of 2025-01-01); with x = 4, e = 0.5")


def test_a_text_past_a_million_characters_is_refused(tmp_path):
    # each decision doubles the text: 10,000 characters (the most a fact may have) × 2^7 = 1,280,000
    lines = ["input s : text", "decision d1 : text = s + s"]
    lines += [f"decision d{i} : text = d{i - 1} + d{i - 1}" for i in range(2, 8)]
    path = tmp_path / "double.rules"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    assert len(evaluate_both(ruleset, {"s": "ab" * 5000}, ["d6"])["d6"]) == 640_000
    assert error_of(ruleset, {"s": "ab" * 5000}, "d7") == (
        8, 22, "in `d7`: `+` would make a text of 1,280,000 characters, more than the 1,000,000 a text may have "
               "(as of 2025-01-01)")
    assert MAX_TEXT == 1_000_000


@pytest.mark.parametrize("expression, message, column, hint", [
    ('"Age " + n', "`+` joins two texts; this adds text and integer", 14,
     'join texts only; write `string(x)` for a number, an amount, a date or a symbol: "Age " + string(age)'),
    ('n + "x"', "`+` joins two texts; this adds integer and text", 14,
     'join texts only; write `string(x)` for a number, an amount, a date or a symbol: "Age " + string(age)'),
    ('name + day', "`+` joins two texts; this adds text and date", 14,
     'join texts only; write `string(x)` for a number, an amount, a date or a symbol: "Age " + string(age)'),
    ("amount ** 2", "`**` cannot raise money to a power", 14,
     "raise a rate, then multiply the amount: `amount * (1 + rate) ** years`"),
    ("2 ** amount", "`**` cannot take money as an exponent", 14,
     "raise a rate, then multiply the amount: `amount * (1 + rate) ** years`"),
    ('name ** 2', "`**` needs numbers; got text and integer", 14, None),
    ("n ** 2.5", "the exponent of `**` must be a whole number; this is 2.5", 19,
     "powers are exact: a root such as `x ** 0.5` is not"),
    ("n ** -5000", "the exponent of `**` is at most 1,000 in size; this is -5000", 19, None),
    ("string([1, 2])", "`string` needs a number, an amount, a date, a duration, a bool, a symbol or a text; this is list of "
                       "integer", 21, None),
])
def test_wrong_operands_are_type_errors_at_their_place(tmp_path, expression, message, column, hint):
    path = tmp_path / "bad.rules"
    path.write_text("input n : integer\ninput name : text\ninput amount : money\ninput day : date\n"
                    f"decision u = {expression}\n", encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        engine.load_ruleset(path)
    diagnostic = raised.value.diagnostics[0]
    assert (diagnostic.code, diagnostic.message, diagnostic.span.line, diagnostic.span.column, diagnostic.hint) == (
        "type-mismatch", message, 5, column, hint)


def test_a_power_is_a_whole_number_only_for_a_literal_exponent(tmp_path):
    path = tmp_path / "t.rules"
    path.write_text("input n : integer\ninput k : integer\ndecision d : integer = n ** k\n", encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        engine.load_ruleset(path)
    diagnostic = raised.value.diagnostics[0]
    assert (diagnostic.message, diagnostic.span.line, diagnostic.span.column) == (
        "`d` is declared integer but its expression gives number", 3, 24)


def test_the_checker_reads_tables_and_expressions_with_them(rules):
    assert [d for d in rules.check() if d.severity == "error"] == []


def test_the_syntax_error_names_the_operator(tmp_path):
    path = tmp_path / "s.rules"
    path.write_text("input n : integer\ndecision d = n ** \n", encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        engine.load_ruleset(path)
    assert (raised.value.diagnostics[0].span.line, raised.value.diagnostics[0].code) == (2, "syntax")


def correctly_rounded(base: Fraction, exponent: int) -> Decimal:
    """base ** exponent, exact as a fraction, rounded once to 28 digits (half even)."""
    exact = base ** exponent
    with decimal.localcontext(decimal.Context(prec=2000)):
        # 2000 digits are far more than 28 beyond any of these values' leading digit
        numerator, denominator = Decimal(exact.numerator), Decimal(exact.denominator)
        quotient = numerator / denominator
    with decimal.localcontext(ENGINE_CONTEXT):
        return +quotient


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False) | st.integers(-50, 50),
       st.integers(-40, 40))
def test_powers_are_correctly_rounded(base, exponent):
    if base == 0 and exponent < 0:
        return
    with decimal.localcontext(ENGINE_CONTEXT):
        value = power(None, None, base, exponent)
    if type(base) is int and exponent >= 0:
        assert type(value) is int and value == base ** exponent
    else:
        assert value == correctly_rounded(Fraction(base), exponent)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="aZ é中!", max_size=8), st.integers(-20, 20), st.integers(-12, 12),
       st.decimals(min_value=-50, max_value=50, places=2, allow_nan=False))
def test_both_paths_agree(rules, name, n, k, x):
    facts = {**FACTS, "name": name, "n": n, "k": k, "x": x}
    outcome = both_ways(rules, facts, AS_OF)
    if outcome[0] == "ok":
        outputs = rules.evaluate(facts, as_of=AS_OF).outputs
        assert outputs["greeting"] == "Dear " + name + "!" and outputs["square"] == n * n
        assert outputs["label"].startswith(f"{n}|")


def test_the_documented_example_evaluates(tmp_path):
    doc = (Path(__file__).resolve().parent.parent / "docs" / "language.md").read_text(encoding="utf-8")
    path = tmp_path / "doc.rules"
    path.write_text(re.search(r"```rules operators\n(.*?)```", doc, re.S).group(1), encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    facts = {"name": "Wang", "age": 24, "fee": "1234.5", "rate": "0.05", "years": 3}
    assert evaluate_both(ruleset, facts) == {
        "letter": "Dear Wang, aged 24: 1,234.50 €.", "compounded": Decimal("1.157625"),
        "projected": Decimal("1429.09"), "cells": 64, "half": Decimal("0.5")}


def test_string_writes_a_number_by_its_value(tmp_path):
    path = tmp_path / "s.rules"
    path.write_text("input x : number\ndecision s : text = string(x) + \"/\" + string(2.0 ** 2)\n", encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    assert evaluate_both(ruleset, {"x": "0.10"}) == evaluate_both(ruleset, {"x": "0.1"}) == {"s": "0.1/4"}
    assert evaluate_both(ruleset, {"x": "120"}) == {"s": "120/4"}


DMN = ('<?xml version="1.0"?>\n<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="m" '
       'namespace="urn:m">\n'
       '<inputData id="i1" name="Full Name"><variable name="Full Name" typeRef="string"/></inputData>\n'
       '<inputData id="i2" name="rate"><variable name="rate" typeRef="number"/></inputData>\n'
       '<decision id="d1" name="Greeting"><variable name="Greeting" typeRef="string"/>'
       '<informationRequirement><requiredInput href="#i1"/></informationRequirement>'
       '<literalExpression><text>"Hello " + Full Name + "!"</text></literalExpression></decision>\n'
       '<decision id="d2" name="Left"><variable name="Left" typeRef="number"/>'
       '<literalExpression><text>3 ** 4 ** 5</text></literalExpression></decision>\n'
       '<decision id="d3" name="Negated"><variable name="Negated" typeRef="number"/>'
       '<literalExpression><text>-3 ** 2 * 2</text></literalExpression></decision>\n'
       '<decision id="d4" name="Factor"><variable name="Factor" typeRef="number"/>'
       '<informationRequirement><requiredInput href="#i2"/></informationRequirement>'
       '<literalExpression><text>(1 + rate/12) ** -2</text></literalExpression></decision>\n'
       '</definitions>\n')


def test_dmn_import_translates_string_plus_and_powers_as_feel_means_them():
    from engine.dmn.to_rules import import_dmn
    result = import_dmn(DMN.encode(), "m.dmn")
    for line in ('decision Greeting : text = (("Hello " + Full_Name) + "!")',
                 "decision Left : number = ((3 ** 4) ** 5)", "decision Negated : number = ((-3 ** 2) * 2)",
                 "decision Factor : number = ((1 + (rate / 12)) ** -2)"):
        assert line in result.text, (line, result.text)
    outputs = evaluate_both(result.ruleset, {"Full_Name": "Ada", "rate": "0.12"})
    assert outputs == {"Greeting": "Hello Ada!", "Left": 3486784401, "Negated": 18,
                       "Factor": Decimal("0.9802960494069208901088128615")}  # 1 / 1.0201


def test_the_tck_runner_counts_expected_binary_floats_apart():
    from engine.dmn.tck import _float_close
    assert _float_close(Decimal("2778.69354943277"), Decimal("2778.693549432766768088520383"))
    assert _float_close(Decimal("562.707359373292"), Decimal("562.7073593732659271562143706"))
    assert not _float_close(Decimal("0.5"), Decimal("0.5000001"))  # a real difference
    assert not _float_close(Decimal("2778.693549432766768"), Decimal("2778.693549432766768088520383"))  # 19 digits
    assert not _float_close(Decimal("2778.69354943277"), True)


def test_a_number_past_10_to_the_1000_stops_its_decision_on_both_paths_and_a_long_one_is_explained(tmp_path):
    # products of whole numbers are exact however long: a `number` decision is held to the bound of
    # `**`, else its JSON (over 4,300 digits) could not be written
    (tmp_path / "b.rules").write_text("input n : number\ndecision a : number = 10 ** 900\n"
                                      "decision b : number = a * a\ndecision c : number = a * 2\n", encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "b.rules")
    for evaluate in (ruleset.evaluate, ruleset.for_few_verdicts().evaluate):
        verdict = evaluate({"n": 1}, as_of="2026-01-01", outputs=["b", "c"], partial=True)
        assert verdict.outputs == {"c": 2 * 10 ** 900}
        assert verdict.unanswered["b"].to_dict()["reason"] == {
            "en": "in `b`: the number computed is 10^1000 or more in size, past what `**` allows"}
    explained = verdict.explain()
    assert "c:\n    2,000,000,000,000,000" in explained and "  because  in `b`: the number computed is 10^1000" in explained
    assert len(verdict.to_json()) > 900
