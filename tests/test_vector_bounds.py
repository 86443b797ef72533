"""The bound on |mantissa| that vector values carry (engine.vector.values.V.most) lets an operation
skip scanning its result for int64 overflow: it must never be below the real largest value, and
arithmetic near the int64 limit must still give the per-case evaluator's answers."""
from __future__ import annotations

import tempfile
from decimal import Decimal as D
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.vector import values as vv

mantissas = st.lists(st.integers(-(2 ** 62) + 1, 2 ** 62 - 1), min_size=1, max_size=8)
scales = st.integers(0, 4)


def column(data: list, scale: int) -> vv.V:
    array = np.array(data, dtype=np.int64)
    return vv.V("num", array, scale, most=vv.magnitude(array))


def holds(value: vv.V) -> None:
    """Every row not marked bad is within the bound carried."""
    if value.most is None:
        return
    good = np.ones(np.size(value.data), dtype=bool) if value.bad is None else ~np.asarray(value.bad)
    assert int(np.max(np.abs(np.asarray(value.data, dtype=object)[good]), initial=0)) <= value.most


@settings(max_examples=300, deadline=None)
@given(mantissas, scales, mantissas, scales, st.sampled_from(["add", "sub", "mul", "rescale", "round", "select"]))
def test_the_bound_carried_is_never_below_the_largest_value(a, sa, b, sb, operation):
    n = min(len(a), len(b))
    x, y = column(a[:n], sa), column(b[:n], sb)
    try:
        value = {"add": lambda: vv.add(x, y), "sub": lambda: vv.add(x, y, -1), "mul": lambda: vv.multiply(x, y),
                 "rescale": lambda: vv.rescale(x, min(sa + sb, vv.MAX_SCALE)),
                 "round": lambda: vv.round_half_up(x, max(0, sa - 1)),
                 "select": lambda: vv.select(vv.V("bool", np.array(a[:n]) > 0), x, y)}[operation]()
    except vv.Unsupported:
        return
    holds(value)


def test_a_bound_from_constants_and_columns_is_exact():
    assert vv.constant(D("-12.50"), "money").most == 1250
    total = vv.add(column([3, -7], 0), vv.constant(D("0.5"), "number"))
    assert (total.scale, total.most, total.data.tolist()) == (1, 75, [35, -65])


RULES = """
input a : number
input b : number
decision product : number = a * b + a
"""


def products_ruleset():
    folder = Path(tempfile.mkdtemp())
    (folder / "products.rules").write_text(RULES)
    return engine.load_ruleset(folder)


PRODUCTS = products_ruleset()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-(10 ** 12), 10 ** 12), st.integers(0, 3),
                          st.integers(-(10 ** 9), 10 ** 9), st.integers(0, 3)), min_size=1, max_size=6))
def test_products_near_the_int64_limit_are_the_per_case_values(pairs):
    a = [D(m).scaleb(-s) for m, s, _, _ in pairs]
    b = [D(m).scaleb(-s) for _, _, m, s in pairs]
    result = PRODUCTS.evaluate_table({"a": a, "b": b}, "2025-01-01", ["product"])
    expected = [PRODUCTS.evaluate({"a": x, "b": y}, as_of="2025-01-01", outputs=["product"], trace=False).outputs["product"]
                for x, y in zip(a, b)]
    assert result.values("product") == expected


def test_a_value_past_int64_mantissas_is_written_exactly_from_the_per_case_evaluator():
    # 997004398644 × -99999999.9 has a 21-digit mantissa: the vectorised value is refused, the
    # case evaluated alone, and its value written as it is (it was 0.0 before)
    result = PRODUCTS.evaluate_table({"a": [D(997004398644), D(2)], "b": [D("-99999999.9"), D("1.5")]},
                                     "2025-01-01", ["product"])
    assert result.values("product") == [D("-99700438767695161491.6"), D("5.0")]
    assert str(result.outputs["product"].type) == "decimal128(38, 1)"
    assert result.status["product"].tolist() == [0, 0]
