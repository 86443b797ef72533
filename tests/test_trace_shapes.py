"""A compact trace of a shape met before is made by the code generated for that shape
(engine/trace/shapes.py): the same trace, byte for byte and digest included, as trace/build.py
makes; shapes it cannot make are left to trace/build.py."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.trace import build as trace_build
from engine.trace import fast as trace_fast
from engine.trace import shapes as trace_shapes
from engine.trace.dumps import digest_of

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 9, 1)
DEFAULT_AFTER = trace_shapes.GENERATE_AFTER


@pytest.fixture(autouse=True, scope="module")
def _shapes_soon():
    """Shapes get their code on their third trace here, to be tested without sixteen of each."""
    trace_shapes.GENERATE_AFTER = 3
    payback, trace_fast.PAYBACK = trace_fast.PAYBACK, 0  # learning never waits longer here (tests/test_trace_fast.py)
    yield
    trace_shapes.GENERATE_AFTER = DEFAULT_AFTER
    trace_fast.PAYBACK = payback


def test_a_shape_gets_its_code_when_it_has_been_met_generate_after_times(monkeypatch):
    monkeypatch.setattr(trace_shapes, "GENERATE_AFTER", DEFAULT_AFTER)
    ruleset = engine.load_ruleset(ROOT / "rulesets" / "student_health")
    rng = random.Random(9)
    calls = [dict(_css_facts(rng), household_size=2, territory="metropole", insured_in="DE") for _ in range(30)]
    traces = []
    for n, facts in enumerate(calls, 1):  # insured elsewhere: one row fires whatever the resources
        traces.append(ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"]).to_json())
        assert len(_generated(ruleset)) == (1 if n >= DEFAULT_AFTER else 0), n
    assert DEFAULT_AFTER == 16
    assert traces == [ruleset.evaluate(f, as_of=AS_OF, outputs=["css_status"]).to_json() for f in calls]


def _generated(ruleset) -> list:
    """The shapes with code: trace/shapes.py's, and those trace/fast.py made for the fast path."""
    return [s for s in _shapes(ruleset) if s is not trace_shapes.REFUSED]


def _shapes(ruleset) -> list:
    found = list(trace_build._cache(ruleset).shaped.generated.values())
    fast = ruleset.__dict__.get("_fast")
    for layout in fast.traces.layouts.values() if fast is not None else ():
        found += list(layout.shapes.values()) if layout is not trace_shapes.REFUSED else [layout]
    return found


def _css_facts(rng) -> dict:
    return {"annual_resources": rng.randrange(0, 45000), "household_size": rng.randrange(1, 9),
            "territory": rng.choice(["metropole", "outre_mer"]), "insured_in": rng.choice(["FR", "FR", "DE"])}


@pytest.mark.parametrize("path", ["evaluate", "interpret"])
def test_a_shaped_trace_is_the_trace_trace_build_makes(path):
    ruleset = engine.load_ruleset(ROOT / "rulesets" / "student_health")
    run = getattr(ruleset, path)
    rng = random.Random(15)
    calls = [_css_facts(rng) for _ in range(40)]
    first = [run(f, as_of=AS_OF, outputs=["css_status"]).to_json() for f in calls]  # shapes counted, some made
    for facts, built in zip(calls, first):
        for _ in range(trace_shapes.GENERATE_AFTER):
            verdict = run(facts, as_of=AS_OF, outputs=["css_status"])
            assert verdict.to_json() == built, facts
            trace = verdict.to_dict()
            assert trace["digest"]["sha256"] == digest_of(trace)
    assert _generated(ruleset), "no shape got its code"
    # values change, shapes do not: far fewer shapes than verdicts
    assert len(_generated(ruleset)) <= 2 * 8 * 4


def test_a_shaped_trace_is_the_traces_own_and_the_full_trace_is_not_shaped():
    ruleset = engine.load_ruleset(ROOT / "rulesets" / "student_health")
    facts = {"annual_resources": 12000, "household_size": 2, "territory": "metropole", "insured_in": "FR"}
    traces = [ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"]).to_dict()
              for _ in range(trace_shapes.GENERATE_AFTER)]
    assert len(_generated(ruleset)) == 1
    shaped = ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"]).to_dict()
    shaped["decisions"][0]["inputs"][0]["value"] = "edited"  # a caller's edit of a value stays in its trace
    shaped["facts"]["annual_resources"] = "edited"
    with pytest.raises(TypeError, match="shared with other traces"):  # the parts traces share: read-only
        shaped["labels"]["en"]["symbols"]["free"] = "edited"
    again = ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"]).to_dict()
    assert again == traces[0] and again["labels"]["en"]["symbols"]["free"] == "free"
    full = ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"]).to_dict(full=True)
    assert full["trace_detail"] == "full" and full["digest"]["sha256"] == digest_of(full)
    assert full["decisions"][0]["rows"][0]["matched"] is False  # every row, not the fired ones


RULES = """\
type Band = {low, high}

input amount : money
input size : integer 1..9

parameter fee : money "Fee"
  from 2020-01-01 = 10 €

decision band : Band "Band"
  | amount    || band | because
  | <= fee    || low  | "Say \\"{amount}\\"\\n'); __import__('os') # {fee} 中文 {size}"
  | otherwise || high | "{amount} > {fee}"

decision total : money "Total" = amount + fee
"""


def test_rule_text_of_any_kind_enters_the_generated_code_as_a_literal(tmp_path, monkeypatch):
    folder = tmp_path / "rs"
    folder.mkdir()
    (folder / "ruleset.yaml").write_text('name: bands\ntitle: "Bands \\"quoted\\""\nversion: "1"\nlanguage: en\n',
                                         encoding="utf-8")
    (folder / "bands.rules").write_text(RULES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ruleset = engine.load_ruleset("rs")
    rng = random.Random(3)
    calls = [{"amount": rng.choice([5, 10, 11, 40]) + rng.randrange(0, 100) / 100, "size": rng.randrange(1, 10)}
             for _ in range(30)]
    calls = [{"amount": str(f["amount"]), "size": f["size"]} for f in calls]
    first = [ruleset.evaluate(f, as_of=AS_OF).to_json() for f in calls]
    again = [ruleset.evaluate(f, as_of=AS_OF).to_json() for f in calls]
    assert again == first
    assert len(_generated(ruleset)) == 2  # low and high
    trace = ruleset.evaluate({"amount": "7.5", "size": 3}, as_of=AS_OF).to_dict()
    fired = trace["decisions"][0]["fired"][0]
    assert fired["because"]["en"] == "Say \"{amount}\"\n'); __import__('os') # {fee} 中文 {size}"
    assert fired["holes"] == {"amount": "7.50", "fee": "10", "size": 3}
    assert trace["digest"]["sha256"] == digest_of(trace)


def test_a_shape_whose_code_would_not_give_its_trace_back_is_refused():
    ruleset = engine.load_ruleset(ROOT / "rulesets" / "student_health")
    facts = {"annual_resources": 12000, "household_size": 2, "territory": "metropole", "insured_in": "FR"}
    verdict = ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"])
    trace = verdict.to_dict()
    values = ["12000.00", 2]
    assert trace_shapes.make_shape(trace, values, [("facts", "nowhere"), ("outputs", "css_status")], ()) \
        is trace_shapes.REFUSED  # a value with no place
    assert trace_shapes.make_shape(trace, values, [("facts", "annual_resources"), ("facts", "household_size")], ()) \
        is not trace_shapes.REFUSED
    assert trace_shapes.make_shape(trace, ["1.00", 2], [("facts", "annual_resources"), ("facts", "household_size")],
                                   ()) is trace_shapes.REFUSED  # values that are not those of the trace


def test_a_ruleset_whose_shapes_have_used_their_budget_gets_no_more_code(monkeypatch):
    monkeypatch.setattr(trace_shapes, "SOURCE_BUDGET", 20_000)  # about two css_status traces
    ruleset = engine.load_ruleset(ROOT / "rulesets" / "student_health")
    rng = random.Random(4)
    calls = [_css_facts(rng) for _ in range(30)]
    first = [ruleset.evaluate(f, as_of=AS_OF, outputs=["css_status"]).to_json() for f in calls]
    for _ in range(trace_shapes.GENERATE_AFTER):
        assert [ruleset.evaluate(f, as_of=AS_OF, outputs=["css_status"]).to_json() for f in calls] == first
    shaped = trace_build._cache(ruleset).shaped
    assert 1 <= len(_generated(ruleset)) <= 2 and trace_shapes.REFUSED in _shapes(ruleset)
    assert shaped.budget >= 0


_SHAPED = {}


def _rulesets():
    """One ruleset whose traces are shaped, and one whose shapes have no budget (trace/build.py only)."""
    if not _SHAPED:
        shaped = engine.load_ruleset(ROOT / "rulesets" / "student_health")
        plain = engine.load_ruleset(ROOT / "rulesets" / "student_health")
        trace_build._cache(plain).shaped.budget = 0
        _SHAPED["rulesets"] = (shaped, plain)
    return _SHAPED["rulesets"]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10 ** 6), outputs=st.sampled_from([None, ("css_status",), ("ceam_usable", "css_status")]))
def test_property_a_trace_is_the_same_bytes_shaped_or_not(seed, outputs):
    from tests.test_trace_canonical import _random_facts
    shaped, plain = _rulesets()
    rng = random.Random(seed)
    facts = {k: v for k, v in _random_facts(rng).items() if k in shaped.model.inputs}
    facts.update(_css_facts(rng))
    facts = {k: v for k, v in facts.items() if k in shaped.model.inputs}
    want = plain.evaluate(facts, as_of=AS_OF, outputs=outputs, partial=True).to_json()
    for _ in range(trace_shapes.GENERATE_AFTER + 1):
        assert shaped.evaluate(facts, as_of=AS_OF, outputs=outputs, partial=True).to_json() == want
    assert not _generated(plain)
    if '"complete": true' in want:  # a complete trace without calls is shaped by now
        assert _generated(shaped)


def test_a_table_where_no_row_fired_is_shaped_with_every_rows_outcome():
    shaped, plain = _rulesets()
    from tests.test_trace_canonical import _random_facts
    rng = random.Random(7)
    seen = 0
    before = len(_generated(shaped))
    for _ in range(20):
        facts = {k: v for k, v in _random_facts(rng).items() if k in shaped.model.inputs}
        want = plain.evaluate(facts, as_of=AS_OF).to_json()
        for _ in range(trace_shapes.GENERATE_AFTER + 1):
            verdict = shaped.evaluate(facts, as_of=AS_OF)
            assert verdict.to_json() == want
        entry = next(d for d in verdict.to_dict()["decisions"] if d["name"] == "enrolment_documents")
        if not entry["fired"]:  # a collect table where nothing matched: every row's outcome
            seen += 1
            assert len(entry["rows"]) == entry["row_count"]
            assert any("failed" in row for row in entry["rows"])
    assert seen > 0
    assert len(_generated(shaped)) > before and trace_shapes.REFUSED not in _shapes(shaped)
