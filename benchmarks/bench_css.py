"""css_status of the bundled ruleset (three tables: the two ceilings, then the status), on varied
random households, each way it can be run, side by side:

- untraced: `decision_function("css_status")` and `rs.evaluate(..., trace=False)` against the
  function a programmer would write (peers.py), and OpenFisca vectorised (per person, all the
  cases in one simulation);
- traced: the trace built (`to_dict()`) and the explanation rendered (`explain()`) against
  zen-engine's traced evaluation through its static loader.

    python benchmarks/bench_css.py

Targets: the prepared evaluator ≤ 2× hand-written; the built trace ≤ 0.5× zen traced.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import time
from decimal import Decimal

from common import ROOT, Row, per_call, print_table, side_by_side
from peers import css_status_py, openfisca_css, zen_engine

import engine

AS_OF = dt.date(2025, 9, 1)
CALLS = 2000
OUTPUTS = ("css_status",)


def cases(count: int = CALLS, seed: int = 3) -> list:
    """(annual_resources, household_size, territory, insured_in): resources around the ceilings."""
    rng = random.Random(seed)
    return [(Decimal(rng.randrange(0, 45000)).quantize(Decimal("0.01")), rng.randrange(1, 9),
             rng.choice(["metropole", "outre_mer"]), "FR" if rng.random() < 0.9 else rng.choice(["DE", "BE", "CN"]))
            for _ in range(count)]


def run() -> list:
    ruleset = engine.load_ruleset(ROOT / "rulesets" / "student_health")
    calls = cases()
    facts = [{"annual_resources": int(r), "household_size": n, "territory": t, "insured_in": c} for r, n, t, c in calls]
    fn = ruleset.decision_function("css_status", AS_OF)
    assert fn.inputs == ("annual_resources", "household_size", "territory", "insured_in"), fn.inputs
    for args, f in zip(calls, facts):
        expected = css_status_py(*args)
        assert fn(*args) == expected == ruleset.evaluate(f, as_of=AS_OF, outputs=OUTPUTS).outputs["css_status"], args
    group = "css_status (3 tables)"
    ours, theirs = side_by_side(lambda: [fn(*a) for a in calls], lambda: [css_status_py(*a) for a in calls],
                                len(calls))
    rows = [Row(group, "untraced, decision_function(…), the prepared evaluator", ours, reference=theirs,
                reference_name="hand-written", target="≤ 2×", met=ours <= 2 * theirs)]
    untraced = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF, outputs=OUTPUTS, trace=False) for f in facts],
                        len(facts), repeat=9)
    rows.append(Row(group, "untraced, rs.evaluate(facts, trace=False)", untraced, reference=theirs,
                    reference_name="hand-written"))
    calculate, of_note = openfisca_css()
    if calculate is not None:
        columns = [list(c) for c in zip(*calls)]
        sizes, resources, territories, insured = columns[1], columns[0], columns[2], columns[3]
        assert calculate(sizes, resources, territories, insured) == [css_status_py(*a) for a in calls]
        start = time.perf_counter()
        for _ in range(5):
            calculate(sizes, resources, territories, insured)
        vectorised = (time.perf_counter() - start) / 5 / len(calls)
        rows.append(Row(group, f"untraced, rs.evaluate(facts, trace=False), {len(calls)} cases", untraced,
                        reference=vectorised, reference_name="openfisca per case", note=of_note))
    else:
        rows.append(Row(group, "untraced, against OpenFisca", untraced, note=of_note))
    built_run = lambda: [ruleset.evaluate(f, as_of=AS_OF, outputs=OUTPUTS).to_dict() for f in facts]  # noqa: E731
    explained = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF, outputs=OUTPUTS).explain() for f in facts[:500]],
                         500, repeat=3)
    zen, zen_note = zen_engine()
    zen_traced = None
    if zen is not None:
        for f, args in zip(facts, calls):
            assert zen.evaluate("css_status", f, {"trace": True})["result"]["css_status"] == css_status_py(*args)
        built, zen_traced = side_by_side(built_run, lambda: [zen.evaluate("css_status", f, {"trace": True})
                                                             for f in facts], len(facts), repeat=5)
    else:
        built = per_call(built_run, len(facts), repeat=5)
    rows.append(Row(group, "traced, rs.evaluate(facts).to_dict() (the trace built)", built, reference=zen_traced,
                    reference_name="zen traced", target="≤ 0.5×", met=(built * 2 <= zen_traced) if zen_traced else None,
                    note=zen_note))
    rows.append(Row(group, "traced, rs.evaluate(facts).explain() (the text rendered)", explained,
                    reference=zen_traced, reference_name="zen traced"))
    return rows


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    print_table(run())
