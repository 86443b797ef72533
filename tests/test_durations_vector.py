"""Durations on the vectorised path (engine/vector/): the decisions that compute with durations are
evaluated per case inside `evaluate_table` (it says which and why), and every value, status and
message is the per-case verdict's; the output columns are exact in Arrow and in Parquet: a duration
in days is `duration[s]`, a duration in months ISO 8601 text, read back by `values()` as `Months`."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.durations import Months, iso
from engine.errors import VerdictError
from tests.test_durations import AS_OF, RULES

CASES = st.fixed_dictionaries({
    "arrival": st.dates(dt.date(1950, 1, 1), dt.date(2090, 12, 31)).map(dt.date.isoformat),
    "stay": st.integers(-5, 400).map(lambda d: f"P{d}D" if d >= 0 else f"-P{-d}D"),
    "seniority": st.integers(-30, 120).map(lambda m: iso(Months(m))),
    "birth": st.dates(dt.date(1900, 1, 1), dt.date(2030, 1, 1)).map(dt.date.isoformat),
})


@pytest.fixture(scope="module")
def durations(tmp_path_factory):
    path = tmp_path_factory.mktemp("durations") / "d.rules"
    path.write_text(RULES, encoding="utf-8")
    return engine.load_ruleset(path)


def _per_case(ruleset, facts, name):
    try:
        return "answered", ruleset.evaluate(facts, as_of=AS_OF, outputs=[name], trace=False).outputs[name], None
    except VerdictError as error:
        return "error", None, "; ".join(d.message for d in error.diagnostics)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(rows=st.lists(CASES, min_size=1, max_size=5))
def test_every_duration_output_is_the_per_case_verdict(durations, rows):
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    result = durations.evaluate_table(columns, AS_OF, list(durations.decisions))
    for name in durations.decisions:
        values = result.values(name)
        for index, facts in enumerate(rows):
            status, value, message = _per_case(durations, facts, name)
            assert ("answered", "no_answer", "error")[result.status[name][index]] == status, (name, facts)
            if status == "answered":
                assert values[index] == value and type(values[index]) is type(value), (name, facts)
            else:
                assert values[index] is None and result.messages[name][index] == message


def test_duration_columns_in_arrow_and_parquet(durations, tmp_path):
    table = pa.table({"arrival": pa.array([dt.date(2024, 1, 31), dt.date(2023, 2, 28)]),
                      "stay": pa.array([dt.timedelta(days=30), dt.timedelta(days=400)], pa.duration("s")),
                      "seniority": ["P1Y6M", "3 months"],
                      "birth": pa.array([dt.date(2000, 2, 29), dt.date(1999, 12, 31)])})
    result = durations.evaluate_table(table, AS_OF, ["notice", "doubled", "age_days", "band"])
    assert result.per_case == {"notice": "a duration (durations are evaluated per case)",
                               "doubled": "arithmetic on values other than numbers (durations, records, lists)",
                               "age_days": "arithmetic on dates", "band": "a duration (durations are evaluated per case)"}
    assert result.values("doubled") == [Months(48), None]
    assert result.values("notice") == [dt.timedelta(days=30), None]
    assert result.messages["band"] == {1: "fact `stay`: 400 days is outside its declared range <= 365 days"}
    path = tmp_path / "out.parquet"
    pq.write_table(result.to_arrow(), path)
    back = pq.read_table(path)
    assert str(back.schema.field("notice").type) == "duration[s]" and str(back.schema.field("doubled").type) == "string"
    assert back.column("doubled").to_pylist() == ["P4Y", None]
    assert back.column("age_days").to_pylist() == [dt.timedelta(days=8737), None]
