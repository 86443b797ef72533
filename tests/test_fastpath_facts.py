"""Facts given already typed (a Decimal for money) take the fast check of engine/evaluation/fastpath.py;
whatever they are, the verdict or the error is the interpreter's, whose fact checks are the
reference (Ruleset.prepare_facts)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from tests.test_codegen import both_ways

RULES = """\
input low : money >= 0 €
input band : money 10 €..20 €
input under : money < 5 €
input free : money
decision total : money = low + band + free + under
"""

DAY = "2025-06-01"


@pytest.fixture(scope="module")
def ruleset(tmp_path_factory):
    path = tmp_path_factory.mktemp("money") / "m.rules"
    path.write_text(RULES, encoding="utf-8")
    return engine.load_ruleset(path)


EDGES = [Decimal("0"), Decimal("0.00"), Decimal("-0.00"), Decimal("-0.01"), Decimal("1E+2"), Decimal("12.5"),
         Decimal("12.345"), Decimal("12.340"), Decimal("10"), Decimal("9.99"), Decimal("20.00"), Decimal("20.01"), Decimal("5"), Decimal("4.99"),
         Decimal("999999999999999.99"), Decimal("1E+15"), Decimal("-1E+15"), Decimal("NaN"), Decimal("sNaN"),
         Decimal("Infinity"), Decimal("-Infinity"), Decimal("1E-70"), 15, 10, 20, -1, True, 12.5, "15.00"]


@pytest.mark.parametrize("raw", EDGES, ids=repr)
def test_a_money_fact_at_every_edge_is_checked_as_the_interpreter_checks_it(ruleset, raw):
    for name in ("low", "band", "free", "under"):
        facts = {"low": Decimal("1.00"), "band": Decimal("15.00"), "free": Decimal("0.00"), "under": Decimal("4.99"), name: raw}
        both_ways(ruleset, facts, DAY)


def test_a_decimal_in_cents_is_the_canonical_money_value(ruleset):
    verdict = ruleset.evaluate({"low": Decimal("1E+2"), "band": Decimal("12.5"), "free": Decimal("-0.00"), "under": Decimal("-5")},
                               as_of=DAY, trace=False)
    assert repr(verdict.outputs["total"]) == "Decimal('107.50')"
    with pytest.raises(engine.FactError) as raised:
        ruleset.evaluate({"low": Decimal("-0.01"), "band": Decimal("15"), "free": 0, "under": 0}, as_of=DAY)
    assert "fact `low`: -0.01 € is outside its declared range >= 0.00 €" in str(raised.value)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.decimals(allow_nan=True, allow_infinity=True, places=None) |
                       st.decimals(-100, 100, places=2) | st.decimals(9, 21, places=3), min_size=4, max_size=4))
def test_random_decimals_both_ways(ruleset, values):
    both_ways(ruleset, dict(zip(("low", "band", "free", "under"), values)), DAY)
