"""The whole student_health verdict on 500 varied random households: untraced, traced with the
trace built (`to_dict()`, `to_json()`) and rendered (`explain()`), the time per call.

    python benchmarks/bench_ruleset.py

Targets: untraced ≤ 20 µs; traced + explained ≤ 300 µs. The facts are what a JSON request
carries (dates as text, whole euros as integers), drawn at random (random_facts). If the bundled ruleset does not load (it is being edited), a
copy of a loadable version put in benchmarks/student_health/ is measured instead, and the table
says so.
"""
from __future__ import annotations

import datetime as dt
import os
import random

from common import HERE, ROOT, Row, per_call, print_table

import engine
from engine.errors import RuleError

AS_OF = dt.date(2025, 9, 1)
FACTS = {"nationality": "CN", "birth_date": "2003-05-14", "higher_education": True, "stay_months": 24,
         "holds_ceam": False, "birth_certificate_language": "zh", "household_size": 1, "annual_resources": 9000,
         "territory": "metropole", "destination": "DE", "has_medecin_traitant": True, "doctor_sector": "sector_1"}


def random_facts(count: int, seed: int = 4) -> list:
    """Households around the ceilings, of every nationality group, age and kind of stay."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        facts = dict(FACTS)
        facts.update(nationality=rng.choice(["CN", "DE", "FR", "US", "BR", "IT", "MA", "CH"]),
                     birth_date=dt.date(rng.randrange(1950, 2008), rng.randrange(1, 13), rng.randrange(1, 29)).isoformat(),
                     higher_education=rng.random() < 0.8, stay_months=rng.randrange(1, 60),
                     holds_ceam=rng.random() < 0.3, household_size=rng.randrange(1, 9),
                     annual_resources=rng.randrange(0, 45000), territory=rng.choice(["metropole", "outre_mer"]),
                     destination=rng.choice(["DE", "FR", "US", "ES"]), has_medecin_traitant=rng.random() < 0.7,
                     doctor_sector=rng.choice(["sector_1", "sector_2_optam"]))  # sector_2: no answer
        out.append(facts)
    return out


def load() -> tuple:
    try:
        return engine.load_ruleset(ROOT / "rulesets" / "student_health"), "rulesets/student_health"
    except RuleError:
        if not (HERE / "student_health").is_dir():
            raise
        return engine.load_ruleset(HERE / "student_health"), "benchmarks/student_health (a copy)"


def run() -> list:
    ruleset, where = load()
    facts = [{k: v for k, v in f.items() if k in ruleset.model.inputs} for f in random_facts(500)]
    group = f"student_health, {len(ruleset.default_outputs())} outputs"
    for f in facts[:50]:
        reference = ruleset.interpret(f, as_of=AS_OF)
        verdict = ruleset.evaluate(f, as_of=AS_OF)
        assert verdict.outputs == reference.outputs and verdict.to_dict() == reference.to_dict()
    n = len(facts)
    untraced = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF, trace=False) for f in facts], n, repeat=9)
    traced = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF) for f in facts], n, repeat=9)
    with_dict = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF).to_dict() for f in facts], n, repeat=3)
    with_json = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF).to_json() for f in facts], n, repeat=3)
    explained = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF).explain() for f in facts], n, repeat=3)
    interpreted = per_call(lambda: [ruleset.interpret(f, as_of=AS_OF, trace=False) for f in facts[:100]], 100,
                           repeat=3)
    note = "" if where == "rulesets/student_health" else f"measured on {where}"
    return [
        Row(group, "untraced verdict", untraced, reference=interpreted, reference_name="interpreter",
            target="≤ 20 µs", met=untraced <= 20e-6, note=note),
        Row(group, "traced verdict, trace not built", traced),
        Row(group, "traced verdict + to_dict() (the trace built)", with_dict),
        Row(group, "traced verdict + to_json()", with_json),
        Row(group, "traced verdict + explain() (the text rendered)", explained, target="≤ 300 µs",
            met=explained <= 300e-6),
    ]


if __name__ == "__main__":
    os.chdir(HERE)
    print_table(run())
