"""Durations (engine/durations.py): exact date arithmetic with month-end clamping and leap years,
facts in ISO 8601 and in words, JSON and explanations, type errors at their place, and both
evaluation paths (generated code and closures) agreeing."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import FactError, RuleError
from engine.durations import Months, format_duration, iso
from engine.evaluation.runtime import whole_months
from tests.test_codegen import both_ways

AS_OF = "2025-01-01"
RULES = """\
input arrival : date
input stay : duration <= 365 days
input seniority : duration in months
input birth : date
decision departure : date = arrival + stay
decision renewal : date = arrival + seniority
decision before : date = arrival - seniority
decision age_days : duration = arrival - birth
decision n_days : integer = days_between(birth, arrival)
decision long_stay : bool = stay > 90 days
decision tenure_years : integer = seniority.years
decision tenure_months : integer = seniority.months
decision doubled : duration in months = 2 * seniority + 1 year
decision band : text
  | stay                || band
  | < 90 days           || "short"
  | [90 days..180 days] || "medium"
  | > 180 days          || "long"
decision notice : duration
  | seniority           || notice
  | < 6 months          || 8 days
  | [6 months..2 years) || 1 day * 30
  | >= 2 years          || 60 days
"""


@pytest.fixture(scope="module")
def durations(tmp_path_factory):
    path = tmp_path_factory.mktemp("durations") / "d.rules"
    path.write_text(RULES, encoding="utf-8")
    return engine.load_ruleset(path)


FACTS = {"arrival": "2024-01-31", "stay": "P30D", "seniority": "1 year 6 months", "birth": "2000-02-29"}


def test_date_arithmetic_is_exact_with_month_end_clamping(durations, monkeypatch):
    def fell_back(*args, **kwargs):
        raise AssertionError("the generated code fell back to the closures")
    verdict = durations.evaluate(FACTS, as_of=AS_OF)
    assert verdict.outputs == {
        "departure": dt.date(2024, 3, 1), "renewal": dt.date(2025, 7, 31), "before": dt.date(2022, 7, 31),
        "age_days": dt.timedelta(days=8737), "n_days": 8737, "long_stay": False, "tenure_years": 1,
        "tenure_months": 6, "doubled": Months(48), "band": "short", "notice": dt.timedelta(days=30)}
    assert verdict.to_dict()["outputs"]["doubled"] == "P4Y" and verdict.to_dict()["facts"]["seniority"] == "P1Y6M"
    monkeypatch.setattr(durations, "interpret", fell_back)
    assert durations.evaluate(dict(FACTS, arrival="2023-01-31"), as_of=AS_OF).outputs["renewal"] == dt.date(2024, 7, 31)


def test_one_month_after_the_31st_is_the_last_day_of_february():
    assert dt.date(2024, 1, 31) + Months(1) == dt.date(2024, 2, 29)
    assert dt.date(2023, 1, 31) + Months(1) == dt.date(2023, 2, 28)
    assert dt.date(2024, 2, 29) + Months(12) == dt.date(2025, 2, 28)
    assert dt.date(2024, 3, 31) - Months(1) == dt.date(2024, 2, 29)
    assert Months(1) + dt.date(2024, 1, 30) == dt.date(2024, 2, 29)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), count=st.integers(-1200, 1200))
def test_months_between_counts_back_what_was_added(day, count):
    assert whole_months(day, day + Months(count)) == count


@settings(max_examples=60, deadline=None)
@given(arrival=st.dates(dt.date(1950, 1, 1), dt.date(2090, 12, 31)), days=st.integers(0, 365),
       months=st.integers(0, 120), birth=st.dates(dt.date(1900, 1, 1), dt.date(2030, 1, 1)))
def test_both_paths_agree(durations, arrival, days, months, birth):
    facts = {"arrival": arrival.isoformat(), "stay": f"P{days}D", "seniority": iso(Months(months)),
             "birth": birth.isoformat()}
    both_ways(durations, facts, AS_OF)


@pytest.mark.parametrize("raw, message", [
    ("P1Y", "fact `stay`: expected duration, got 'P1Y' (years and months are not a whole number of days)"),
    ("abc", "fact `stay`: expected duration, got 'abc' (not a duration)"),
    (30, "fact `stay`: expected duration, got 30 (a number has no unit)"),
    ("PT3H", "fact `stay`: expected duration, got 'PT3H' (a duration here counts whole days or months, "
             "not hours, minutes or seconds)"),
    ("400 days", "fact `stay`: 400 days is outside its declared range <= 365 days"),
])
def test_a_wrong_duration_fact_names_the_fact_and_an_example(durations, raw, message):
    with pytest.raises(FactError) as raised:
        durations.evaluate(dict(FACTS, stay=raw), as_of=AS_OF)
    assert raised.value.diagnostics[0].message == message
    if "range" not in message:
        assert raised.value.diagnostics[0].hint == "write it as 30 days or P30D"


def test_durations_in_three_languages():
    assert [format_duration(Months(18), lang) for lang in ("en", "fr", "zh")] == [
        "1\u00a0year\u00a06\u00a0months", "1\u00a0an\u00a06\u00a0mois", "1年6个月"]
    assert [format_duration(dt.timedelta(days=30), lang) for lang in ("en", "fr", "zh")] == [
        "30\u00a0days", "30\u00a0jours", "30天"]
    assert [iso(v) for v in (dt.timedelta(days=-3), Months(0), Months(24), Months(-18))] == ["-P3D", "P0M", "P2Y", "-P1Y6M"]


@pytest.mark.parametrize("line, message", [
    ("decision b = stay + seniority", "4:14: cannot add a duration in months to a duration"),
    ("decision c = stay * 1.5", "4:14: a duration multiplies by a whole number; got duration and number"),
    ("decision d = stay < seniority", "4:14: cannot compare duration with duration in months"),
    ("decision e = seniority.days", "4:14: `days` is not a part of a duration in months"),
    ("decision f = stay / 2", "4:14: a duration cannot be divided"),
    ("decision g = 1.5 days", "4:14: a duration counts whole days, not `1.5 days`"),
    ("decision h = 30 days 1 month", "4:14: a duration counts either days or months, not both"),
    ("decision i : duration in weeks = stay", "4:14: `duration in weeks` is not a type"),
])
def test_type_errors_name_their_place(tmp_path, line, message):
    path = tmp_path / "bad.rules"
    path.write_text("input arrival : date\ninput stay : duration\ninput seniority : duration in months\n"
                    + line + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        engine.load_ruleset(path)
    diagnostic = raised.value.diagnostics[0]
    assert f"{diagnostic.span.line}:{diagnostic.span.column}: {diagnostic.message}" == message


def test_the_example_of_the_language_reference_gives_what_its_text_says(tmp_path):
    from pathlib import Path
    import re
    text = (Path(__file__).resolve().parent.parent / "docs" / "language.md").read_text(encoding="utf-8")
    rules, = re.findall(r"```rules durations\n(.*?)```", text, re.S)
    (tmp_path / "d.rules").write_text(rules, encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "d.rules")
    verdict = ruleset.evaluate({"arrival": "2024-01-31", "stay": "P120D", "cover": "1 year 6 months"},
                               as_of="2025-09-01")
    assert verdict.outputs == {"leaves": dt.date(2024, 5, 30), "renewal": dt.date(2025, 7, 31), "days_here": 579,
                               "waited": dt.timedelta(days=579), "long_stay": True, "cover_years": 1,
                               "category": "long stay"}
    assert ruleset.evaluate({"arrival": "2024-01-31", "stay": "P30D", "cover": "1 month"},
                            as_of="2025-09-01").outputs["renewal"] == dt.date(2024, 2, 29)


LIST_RULES = """\
input stays : list of duration
input covers : list of duration in months
input stay : duration
decision total : duration = sum(stays)
decision longest : duration = max(stays)
decision shortest : duration in months = min(covers)
decision cover_total : duration in months = sum(covers)
decision letter : text = "Your stay of " + string(stay) + " and " + string(sum(covers)) + "."
"""


@settings(max_examples=40, deadline=None)
@given(stays=st.lists(st.integers(-400, 400), min_size=1, max_size=5),
       covers=st.lists(st.integers(-30, 300), min_size=1, max_size=5), stay=st.integers(0, 400))
def test_durations_add_up_order_and_read_as_text_on_both_paths(tmp_path_factory, stays, covers, stay):
    path = tmp_path_factory.mktemp("lists") / "l.rules"
    path.write_text(LIST_RULES, encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    facts = {"stays": [iso(dt.timedelta(days=d)) for d in stays], "covers": [iso(Months(m)) for m in covers],
             "stay": f"P{stay}D"}
    both_ways(ruleset, facts, AS_OF)
    outputs = ruleset.evaluate(facts, as_of=AS_OF).outputs
    assert outputs["total"] == dt.timedelta(days=sum(stays)) and outputs["longest"] == dt.timedelta(days=max(stays))
    assert outputs["shortest"] == Months(min(covers)) and outputs["cover_total"] == Months(sum(covers))


def test_the_sum_of_no_durations_is_no_time_and_string_writes_a_duration_in_words(tmp_path):
    (tmp_path / "l.rules").write_text(LIST_RULES, encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "l.rules")
    facts = {"stays": [], "covers": [], "stay": "P1D"}
    for evaluate in (ruleset.evaluate, ruleset.interpret):
        outputs = evaluate(facts, as_of=AS_OF, outputs=["total", "cover_total", "letter"]).outputs
        assert outputs == {"total": dt.timedelta(0), "cover_total": Months(0), "letter": "Your stay of 1 day and 0 months."}
    facts = {"stays": ["P30D"], "covers": ["P1Y", "P6M"], "stay": "P30D"}
    assert ruleset.evaluate(facts, as_of=AS_OF, outputs=["letter"]).outputs["letter"] == \
        "Your stay of 30 days and 1 year 6 months."
