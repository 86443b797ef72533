"""The fast explanation (#15) writes what verdict 0.2.0's wrote, byte for byte, in every language.

tests/explain_reference.py is the 0.2.0 renderer; the traces compared are the bundled ruleset's on
seeded random households (some with facts missing, at dates before and after its figures changed),
the recorded traces of tests/golden/explain_traces.json (function calls, records, lists, warnings,
every kind of no-answer) and hand-made ones for what neither has. The parts made fast are
compared with what they replace on their own too: Babel's number formats, and line breaking."""
import copy
import datetime as dt
import decimal
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from babel import numbers

import engine
from engine.explain.render import explain_trace
from engine.explain.number_patterns import shapes
from engine.explain.values import long_date
from engine.locale import formatting
from engine.locale.linebreak import wrap
from tests import explain_reference as reference

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_ruleset import random_facts  # noqa: E402

LANGUAGES = ("en", "fr", "zh")
DATES = (dt.date(2019, 11, 1), dt.date(2020, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 9, 1), dt.date(2026, 3, 1))


@pytest.fixture(scope="module")
def student_health():
    return engine.load_ruleset(ROOT / "rulesets" / "student_health")


def _random_traces(ruleset, count: int, seed: int) -> list:
    rng = random.Random(seed)
    traces = []
    for index, facts in enumerate(random_facts(count, seed=seed)):
        facts = {k: v for k, v in facts.items() if k in ruleset.model.inputs}
        if index % 4 == 0:
            for name in rng.sample(sorted(facts), 3):
                del facts[name]
        traces.append(ruleset.evaluate(facts, as_of=rng.choice(DATES), partial=True).to_dict())
    return traces


def _assert_same(trace: dict, lang):
    ours, theirs = explain_trace(trace, lang), reference.explain_trace(trace, lang)
    assert ours == theirs


def test_random_households_read_the_same_in_every_language(student_health):
    traces = _random_traces(student_health, 120, seed=15)
    assert sum(1 for t in traces if t.get("warnings")) >= 10  # the stale-figure warnings are compared too
    assert sum(1 for t in traces if any(s["status"] != "answered" for s in t["status"].values())) >= 10
    for trace in traces:
        for lang in LANGUAGES:
            _assert_same(trace, lang)


def test_the_same_facts_twice_read_the_same(student_health):
    """What is kept from the first explanation (values, lines) gives the second the same text."""
    trace = _random_traces(student_health, 1, seed=3)[0]
    first = [explain_trace(trace, lang) for lang in LANGUAGES]
    assert [explain_trace(trace, lang) for lang in LANGUAGES] == first
    assert first == [reference.explain_trace(trace, lang) for lang in LANGUAGES]


def test_recorded_traces_read_the_same():
    traces = json.loads((ROOT / "tests" / "golden" / "explain_traces.json").read_text(encoding="utf-8"))
    assert len(traces) >= 50
    assert any(d.get("calls") for t in traces for d in t["decisions"])  # function calls
    assert any(isinstance(code, dict) for t in traces for code in t.get("types", {}).values())  # records
    for trace in traces:
        for lang in (None, *trace.get("languages", ["en"])):
            _assert_same(trace, lang)


def _stale_chain(length: int, circular: bool = False) -> dict:
    """A hand-made trace: d0 rests on d1, … on d{n-1}, whose figure is stale; d{n-1} reads d0 if circular."""
    decisions = []
    for index in range(length):
        reads = [f"d{index + 1}"] if index + 1 < length else (["d0"] if circular else [])
        decisions.append({"name": f"d{index}", "kind": "expression", "output": index, "reads": reads,
                          "location": {"file": "r.rules", "line": index + 1, "column": 1},
                          "fired": [{"rule": f"d{index}", "line": index + 1}],
                          "parameters": [{"name": f"p{index}", "value": "1.5", "effective_from": "2024-01-01"}]})
    return {"languages": ["en", "fr", "zh"], "ruleset": {"name": "chain", "version": "1", "sha256": "ab" * 32},
            "as_of": "2025-09-01", "requested": ["d0", "d2"], "outputs": {"d0": 0, "d2": 2},
            "types": {f"d{i}": "integer" for i in range(length)} | {f"p{i}": "money" for i in range(length)},
            "decisions": decisions, "labels": {},
            "warnings": [{"name": f"p{length - 1}", "checked": "2024-02-01", "source": "S"},
                         {"name": "d1", "checked": "2023-05-05"}]}


@pytest.mark.parametrize("circular", [False, True])
def test_warnings_beneath_a_chain_read_the_same(circular):
    trace = _stale_chain(30, circular)
    for lang in LANGUAGES:
        _assert_same(trace, lang)
    assert explain_trace(trace, "en").count("this value was last checked on 1\u00a0February\u00a02024") == 2


def test_durations_symbols_and_odd_values_read_the_same():
    trace = _stale_chain(3)
    trace["types"] |= {"d1": "duration", "d2": "duration in months", "d0": "money"}
    decisions = trace["decisions"]
    decisions[0]["output"], decisions[1]["output"], decisions[2]["output"] = "12.345", "P30D", "P1Y6M"
    decisions[0]["parameters"][0]["value"] = "not a number"
    decisions[1]["parameters"][0]["value"] = "-0"
    decisions[2]["parameters"][0]["value"] = "1E+3"
    trace["outputs"] = {"d0": "12.345", "d2": "P1Y6M"}
    for lang in LANGUAGES:
        _assert_same(trace, lang)
    assert "€12.34" in explain_trace(trace, "en")  # Babel's rounding of money: half to even


def test_money_rounds_as_the_callers_decimal_context_says():
    trace = _stale_chain(2)
    trace["types"]["d0"] = "money"
    trace["outputs"]["d0"] = trace["decisions"][0]["output"] = "0.125"
    assert "€0.12" in explain_trace(trace, "en")
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):
        assert "€0.13" in explain_trace(trace, "en")
        _assert_same(trace, "en")
    assert "€0.12" in explain_trace(copy.deepcopy(trace), "en")


_DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=None, min_value=-10 ** 12, max_value=10 ** 12),
    st.integers(-10 ** 15, 10 ** 15).map(Decimal),
    st.tuples(st.integers(-10 ** 9, 10 ** 9), st.integers(-12, 6)).map(lambda t: Decimal(t[0]).scaleb(t[1])),
    st.sampled_from([Decimal("-0"), Decimal("0.00"), Decimal("1E+3"), Decimal("0.005"), Decimal("-0.125"),
                     Decimal("Infinity"), Decimal("NaN")]))


@settings(max_examples=400, deadline=None)
@given(value=_DECIMALS, lang=st.sampled_from(LANGUAGES + ("xx",)))
def test_number_shapes_write_what_babel_writes(value, lang):
    locale = formatting._locale(lang)
    shape = shapes(locale, "EUR")
    assert shape["number"].format(value, quantize=False) == numbers.format_decimal(value, locale=locale,
                                                                                   decimal_quantization=False)
    assert shape["percent"].format(value, quantize=False) == numbers.format_percent(value, locale=locale,
                                                                                    decimal_quantization=False)
    assert shape["money"].format(value, quantize=True) == numbers.format_currency(value, "EUR", locale=locale)


@settings(max_examples=300, deadline=None)
@given(day=st.dates(), lang=st.sampled_from(LANGUAGES + ("xx",)))
def test_long_dates_are_written_as_babel_writes_them(day, lang):
    assert long_date(day, lang) == formatting.format_date(day, lang)


def test_first_of_the_month_in_french():
    assert long_date(dt.date(2001, 3, 1), "fr") == "1er\u00a0mars\u00a02001"
    assert long_date(dt.date(5, 12, 31), "zh") == formatting.format_date(dt.date(5, 12, 31), "zh") == "5年12月31日"


def test_a_pattern_the_shapes_do_not_cover_is_left_to_babel():
    locale = formatting._locale("en")
    scientific = numbers.parse_pattern("#E0")
    shape = type(shapes(locale, "EUR")["number"])(scientific, locale, None, lambda v: "by Babel")
    assert not shape.covered and shape.format(Decimal("1234"), quantize=False) == "by Babel"


_TEXT = st.text(alphabet=st.sampled_from(list("ab  Z9,.:;!?%()«»“”") + ["\t", "\n", "\u00a0", "\u202f",
                                                                       "中", "文", "，", "。", "（", "）", "€"]),
                max_size=120)


@settings(max_examples=500, deadline=None)
@given(text=_TEXT, width=st.integers(1, 60))
def test_wrap_breaks_lines_as_0_2_0_did(text, width):
    assert wrap(text, width) == reference.wrap(text, width)
    assert wrap(text, width) == reference.wrap(text, width)  # and the second time, from what it kept


_NARROW = st.text(alphabet=st.sampled_from(list("ab  Z9,.:;!?%()«»“”\u00a0\u202f€")), max_size=160)


@settings(max_examples=500, deadline=None)
@given(text=_NARROW, width=st.integers(1, 40))
def test_wrap_of_text_without_wide_characters_is_0_2_0s(text, width):
    assert wrap(text, width) == reference.wrap(text, width)
