"""The whole student_health verdict, traced and untraced: the median of single calls.

    python benchmarks/bench_ruleset.py

Targets: traced ≤ 100 µs, untraced ≤ 20 µs. The facts are what a JSON request carries (dates
as text, whole euros as integers). If the bundled ruleset does not load (it is being edited), a
copy of a loadable version put in benchmarks/student_health/ is measured instead, and the table
says so.
"""
from __future__ import annotations

import datetime as dt
import os

from common import HERE, ROOT, Row, median_call, print_table

import engine
from engine.errors import RuleError

AS_OF = dt.date(2025, 9, 1)
FACTS = {"nationality": "CN", "birth_date": "2003-05-14", "higher_education": True, "stay_months": 24,
         "holds_ceam": False, "birth_certificate_language": "zh", "household_size": 1, "annual_resources": 9000,
         "territory": "metropole", "destination": "DE", "has_medecin_traitant": True, "doctor_sector": "sector_1"}


def load() -> tuple:
    try:
        return engine.load_ruleset(ROOT / "rulesets" / "student_health"), "rulesets/student_health"
    except RuleError:
        if not (HERE / "student_health").is_dir():
            raise
        return engine.load_ruleset(HERE / "student_health"), "benchmarks/student_health (a copy)"


def run() -> list:
    ruleset, where = load()
    facts = {k: v for k, v in FACTS.items() if k in ruleset.model.inputs}
    group = f"student_health, {len(ruleset.default_outputs())} outputs"
    reference = ruleset.interpret(facts, as_of=AS_OF)
    verdict = ruleset.evaluate(facts, as_of=AS_OF)
    assert verdict.outputs == reference.outputs and verdict.to_dict() == reference.to_dict()
    traced = median_call(lambda: ruleset.evaluate(facts, as_of=AS_OF))
    untraced = median_call(lambda: ruleset.evaluate(facts, as_of=AS_OF, trace=False))
    with_dict = median_call(lambda: ruleset.evaluate(facts, as_of=AS_OF).to_dict(), 500)
    with_json = median_call(lambda: ruleset.evaluate(facts, as_of=AS_OF).to_json(), 300)
    interpreted = median_call(lambda: ruleset.interpret(facts, as_of=AS_OF), 200)
    interpreted_untraced = median_call(lambda: ruleset.interpret(facts, as_of=AS_OF, trace=False), 500)
    note = "" if where == "rulesets/student_health" else f"measured on {where}"
    return [
        Row(group, "traced verdict, median", traced, reference=interpreted, reference_name="interpreter",
            target="≤ 100 µs", met=traced <= 100e-6, note=note),
        Row(group, "untraced verdict, median", untraced, reference=interpreted_untraced,
            reference_name="interpreter", target="≤ 20 µs", met=untraced <= 20e-6),
        Row(group, "traced verdict + to_dict()", with_dict, reference=interpreted, reference_name="interpreter"),
        Row(group, "traced verdict + to_json()", with_json),
    ]


if __name__ == "__main__":
    os.chdir(HERE)
    print_table(run())
