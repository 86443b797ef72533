"""The vectorised path (engine/vector/) gives, case by case, what Ruleset.evaluate gives: the same
values of the same types, the same status, the same messages; on the bundled ruleset and on
generated tables of cases."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.errors import EvaluationError, FactError, VerdictError
from engine.evaluation.runtime import whole_months
from engine.vector.plan import whole_months_between

ROOT = Path(__file__).resolve().parent.parent
RULESET = engine.load_ruleset(ROOT / "rulesets" / "student_health")
COUNTRIES = ["FR", "DE", "CN", "GB", "CH", "NO", "DK", "IE", "US", "HR", "CA", "xx"]

cases = st.fixed_dictionaries({
    "nationality": st.sampled_from(COUNTRIES),
    "birth_date": st.dates(dt.date(1940, 1, 1), dt.date(2024, 12, 31)),
    "higher_education": st.booleans(),
    "stay_months": st.integers(0, 620),
    "holds_ceam": st.booleans(),
    "holds_s1": st.booleans(),
    "quebec_form": st.booleans(),
    "birth_certificate_language": st.sampled_from(["zh", "fr", "en", "de", "ar"]),
    "salaried": st.booleans(),
    "annual_work_hours": st.integers(0, 2000),
    "household_size": st.integers(0, 22),
    "annual_resources": st.one_of(st.integers(0, 6_000_000).map(lambda c: D(c) / 100),
                                  st.sampled_from([D("9719"), D("9719.01"), D("13118"), D("-1")])),
    "territory": st.sampled_from(["metropole", "outre_mer", "mars"]),
    "insured_in": st.sampled_from(COUNTRIES),
    "destination": st.sampled_from(COUNTRIES),
    "has_medecin_traitant": st.booleans(),
    "doctor_sector": st.sampled_from(["sector_1", "sector_2_optam", "sector_2"]),
})
days = st.one_of(st.dates(dt.date(2019, 6, 1), dt.date(2026, 12, 31)), st.just(dt.date(2025, 9, 1)))


def per_case(facts: dict, day, name):
    try:
        return "answered", RULESET.evaluate(facts, as_of=day, outputs=[name], trace=False).outputs[name], None
    except VerdictError as error:
        message = "; ".join(d.message for d in error.diagnostics)
        no_answer = isinstance(error, EvaluationError) and any(d.code == "no-answer" for d in error.diagnostics)
        return ("no_answer" if no_answer else "error"), None, message


def as_columns(rows: list, form: str):
    names = list(rows[0])
    if form == "arrow":
        types = {"annual_resources": pa.decimal128(12, 2), "birth_date": pa.date32()}
        return pa.table({n: pa.array([r[n] for r in rows], types.get(n)) for n in names})
    if form == "numpy":
        columns = {n: [r[n] for r in rows] for n in names}
        columns["birth_date"] = np.array(columns["birth_date"], dtype="datetime64[D]")
        columns["household_size"] = np.array(columns["household_size"])
        return columns
    return {n: [r[n] for r in rows] for n in names}  # Python lists: Decimal objects, strings


def assert_same_as_per_case(rows, day, outputs, form):
    result = RULESET.evaluate_table(as_columns(rows, form), day, outputs)
    labels = ("answered", "no_answer", "error")
    for name in outputs:
        values = result.values(name)
        for index, facts in enumerate(rows):
            facts = {n: facts[n] for n in rows[0]}  # in the columns' order, as the messages are
            status, value, message = per_case(facts, day, name)
            assert labels[result.status[name][index]] == status, (name, facts, message)
            if status == "answered":
                assert values[index] == value and type(values[index]) is type(value), (name, facts)
            else:
                assert values[index] is None and result.messages[name][index] == message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cases, min_size=1, max_size=6), days, st.sampled_from(["arrow", "numpy", "lists"]))
def test_every_output_of_the_bundled_ruleset_is_the_per_case_verdict(rows, day, form):
    assert_same_as_per_case(rows, day, RULESET.decisions, form)


def test_the_css_decisions_are_vectorised_and_the_row_that_fired_is_traced():
    rows = [dict(household_size=1, annual_resources=D("9000.00"), territory="metropole", birth_date=dt.date(2001, 3, 14)),
            dict(household_size=2, annual_resources=D("16000.50"), territory="metropole", birth_date=dt.date(1990, 1, 1)),
            dict(household_size=1, annual_resources=D("50000"), territory="outre_mer", birth_date=dt.date(1950, 6, 30))]
    outputs = ["css_status", "css_monthly_participation"]
    result = RULESET.evaluate_table(as_columns(rows, "arrow"), "2025-09-01", outputs, trace=True)
    assert result.per_case == {}
    assert result.values("css_status") == ["free", "participation", "not_eligible"]
    assert result.values("css_monthly_participation") == [D("0.00"), D("14.00"), D("0.00")]  # aged 35
    assert str(result.outputs["css_monthly_participation"].type) == "decimal128(38, 2)"
    assert result.trace["css_status"].tolist() == [2, 3, 4]  # row 1: insured outside France
    assert result.trace["css_monthly_participation"].tolist() == [6, 2, 6]
    assert_same_as_per_case(rows, dt.date(2025, 9, 1), outputs, "arrow")


def test_a_case_with_no_answer_or_a_refused_fact_gets_its_status_and_the_per_case_message():
    rows = [{"birth_date": dt.date(2015, 1, 1), "has_medecin_traitant": True},
            {"birth_date": dt.date(2000, 1, 1), "has_medecin_traitant": True}]
    result = RULESET.evaluate_table(as_columns(rows, "lists"), "2025-09-01", ["reimbursement_rate"])
    assert result.status["reimbursement_rate"].tolist() == [1, 0]
    assert result.values("reimbursement_rate") == [None, D("0.7")]
    assert result.messages["reimbursement_rate"][0].startswith("in `reimbursement_rate`: For children under 16")
    refused = RULESET.evaluate_table({"birth_date": ["2000-13-01"], "has_medecin_traitant": [True]},
                                     "2025-09-01", ["reimbursement_rate"])
    assert refused.status["reimbursement_rate"].tolist() == [2]
    assert "birth_date" in refused.messages["reimbursement_rate"][0]


def test_what_is_not_vectorised_is_said_and_still_exact():
    rows = [{"nationality": "CN", "birth_date": dt.date(2001, 3, 14), "higher_education": True, "stay_months": 12,
             "holds_ceam": False, "birth_certificate_language": "zh"}]
    result = RULESET.evaluate_table(as_columns(rows, "lists"), "2025-09-01", ["enrolment_documents"])
    assert "enrolment_documents" in result.per_case and "hit collect" in result.per_case["enrolment_documents"]
    assert result.values("enrolment_documents") == [per_case(rows[0], dt.date(2025, 9, 1), "enrolment_documents")[1]]


def test_columns_that_are_not_inputs_or_missing_are_refused_with_their_names():
    with pytest.raises(FactError) as error:
        RULESET.evaluate_table({"househld_size": [1], "annual_resources": [D(1)]}, "2025-09-01", ["css_status"])
    messages = [d.message for d in error.value.diagnostics]
    assert "unknown column `househld_size`" in messages
    assert "missing column `household_size` (integer)" in messages
    assert "missing column `territory` (Territory {metropole, outre_mer})" in messages


@given(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
def test_whole_months_row_by_row_are_the_runtime_s(start, end):
    epoch = dt.date(1970, 1, 1)
    got = whole_months_between(np.array([(start - epoch).days]), np.array([(end - epoch).days]))
    assert int(got[0]) == whole_months(start, end)
