"""One table, each way it can be run, on the two tables of benchmarks/rules/ and varied random facts:

- untraced: verdict's prepared evaluator (`decision_function`, inputs and date fixed) and
  `rs.evaluate(facts, trace=False)`, against the function a programmer would write (peers.py);
- traced: what a user gets, the trace built (`rs.evaluate(facts).to_dict()`), against zen-engine's
  traced evaluation through its static loader (its fastest documented path), on the same facts.

    python benchmarks/bench_tables.py

Targets: the prepared evaluator ≤ 2× the hand-written function; the built trace ≤ 0.5× zen traced.
"""
from __future__ import annotations

import datetime as dt
import os
import random

from common import RULES, Row, per_call, print_table, side_by_side
from peers import ceiling_py, participation_py, zen_engine

import engine

AS_OF = dt.date(2025, 6, 1)
CALLS = 2000


def tables() -> list:
    rng = random.Random(1)
    ages = [(rng.randrange(0, 131),) for _ in range(CALLS)]
    rng = random.Random(2)
    pairs = [(rng.randrange(1, 19), rng.choice(["metropole", "outre_mer"])) for _ in range(CALLS)]
    return [("participation (5 rows)", RULES / "participation.rules", "participation", participation_py,
             ages, ["age"]),
            ("ceilings (36 rows)", RULES / "ceilings.rules", "ceiling", ceiling_py, pairs,
             ["household_size", "territory"])]


def loop(fn, calls):
    if len(calls[0]) == 1:
        values = [c[0] for c in calls]
        return lambda: [fn(v) for v in values]
    return lambda: [fn(a, b) for a, b in calls]


def run() -> list:
    rows = []
    zen, zen_note = zen_engine()
    for label, path, decision, handwritten, calls, names in tables():
        ruleset = engine.load_ruleset(path)
        fn = ruleset.decision_function(decision, AS_OF)
        facts = [dict(zip(names, args)) for args in calls]
        for args, f in zip(calls, facts):
            assert fn(*args) == handwritten(*args) == ruleset.evaluate(f, as_of=AS_OF).outputs[decision], args
        ours, theirs = side_by_side(loop(fn, calls), loop(handwritten, calls), len(calls))
        rows.append(Row(label, "untraced, decision_function(…)(positional), the prepared evaluator", ours,
                        reference=theirs, reference_name="hand-written", target="≤ 2×", met=ours <= 2 * theirs))
        untraced = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF, trace=False) for f in facts], len(facts),
                            repeat=9)
        rows.append(Row(label, "untraced, rs.evaluate(facts, trace=False).outputs", untraced, reference=theirs,
                        reference_name="hand-written"))
        built_run = lambda: [ruleset.evaluate(f, as_of=AS_OF).to_dict() for f in facts]  # noqa: E731
        zen_traced = zen_untraced = None
        if zen is not None:
            for f, args in zip(facts[:200], calls):
                got = zen.evaluate(decision, f, {"trace": True})["result"][decision]
                assert str(got) == str(handwritten(*args).normalize()) or got == int(handwritten(*args)), (got, args)
            built, zen_traced = side_by_side(built_run, lambda: [zen.evaluate(decision, f, {"trace": True})
                                                                 for f in facts], len(facts), repeat=5)
            zen_untraced = per_call(lambda: [zen.evaluate(decision, f) for f in facts], len(facts), repeat=5)
        else:
            built = per_call(built_run, len(facts), repeat=5)
        rows.append(Row(label, "traced, rs.evaluate(facts).to_dict() (the trace built)", built,
                        reference=zen_traced, reference_name="zen traced", target="≤ 0.5×",
                        met=(built * 2 <= zen_traced) if zen_traced else None, note=zen_note))
        rows.append(Row(label, "untraced, rs.evaluate(facts, trace=False)", untraced,
                        reference=zen_untraced, reference_name="zen untraced"))
    return rows


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    print_table(run())
