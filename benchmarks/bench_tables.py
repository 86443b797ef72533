"""One table, three ways: verdict's compiled decision function, a hand-written if/elif function of
the same table, and GoRules zen-engine (traced), on the two tables of benchmarks/rules/.

    python benchmarks/bench_tables.py

Targets: untraced, verdict ≤ 2× the hand-written function; traced, verdict ≥ 2× faster than zen.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
from decimal import Decimal

from common import HERE, RULES, Row, per_call, print_table

import engine

AS_OF = dt.date(2025, 6, 1)
CALLS = 2000
ZEN_VENV = HERE / ".venv-zen"

# ---------------------------------------------------------------------------- hand-written Python
# What a programmer would write for these tables, with the values made once (as verdict's are).

P8, P14, P21, P25, P30 = (Decimal(v).quantize(Decimal("0.01")) for v in (8, 14, 21, 25, 30))


def participation_py(age):
    if age <= 29:
        return P8
    elif 30 <= age <= 49:
        return P14
    elif 50 <= age <= 59:
        return P21
    elif 60 <= age <= 69:
        return P25
    elif age >= 70:
        return P30
    raise ValueError(f"no rule matches age = {age}")


C = tuple(Decimal(v).quantize(Decimal("0.01")) for v in (
    10339, 11507, 15508, 17260, 18609, 20712, 21711, 24164, 25846, 28766, 29981, 33368, 34116, 37970, 38251, 42572,
    42386, 47174, 46521, 51776, 50656, 56378, 54791, 60980, 58926, 65582, 63061, 70184, 67196, 74786, 71331, 79388,
    75466, 83990, 79601, 88592))


def ceiling_py(household_size, territory):
    if household_size == 1 and territory == "metropole":
        return C[0]
    elif household_size == 1 and territory == "outre_mer":
        return C[1]
    elif household_size == 2 and territory == "metropole":
        return C[2]
    elif household_size == 2 and territory == "outre_mer":
        return C[3]
    elif household_size == 3 and territory == "metropole":
        return C[4]
    elif household_size == 3 and territory == "outre_mer":
        return C[5]
    elif household_size == 4 and territory == "metropole":
        return C[6]
    elif household_size == 4 and territory == "outre_mer":
        return C[7]
    elif household_size == 5 and territory == "metropole":
        return C[8]
    elif household_size == 5 and territory == "outre_mer":
        return C[9]
    elif household_size == 6 and territory == "metropole":
        return C[10]
    elif household_size == 6 and territory == "outre_mer":
        return C[11]
    elif household_size == 7 and territory == "metropole":
        return C[12]
    elif household_size == 7 and territory == "outre_mer":
        return C[13]
    elif household_size == 8 and territory == "metropole":
        return C[14]
    elif household_size == 8 and territory == "outre_mer":
        return C[15]
    elif household_size == 9 and territory == "metropole":
        return C[16]
    elif household_size == 9 and territory == "outre_mer":
        return C[17]
    elif household_size == 10 and territory == "metropole":
        return C[18]
    elif household_size == 10 and territory == "outre_mer":
        return C[19]
    elif household_size == 11 and territory == "metropole":
        return C[20]
    elif household_size == 11 and territory == "outre_mer":
        return C[21]
    elif household_size == 12 and territory == "metropole":
        return C[22]
    elif household_size == 12 and territory == "outre_mer":
        return C[23]
    elif household_size == 13 and territory == "metropole":
        return C[24]
    elif household_size == 13 and territory == "outre_mer":
        return C[25]
    elif household_size == 14 and territory == "metropole":
        return C[26]
    elif household_size == 14 and territory == "outre_mer":
        return C[27]
    elif household_size == 15 and territory == "metropole":
        return C[28]
    elif household_size == 15 and territory == "outre_mer":
        return C[29]
    elif household_size == 16 and territory == "metropole":
        return C[30]
    elif household_size == 16 and territory == "outre_mer":
        return C[31]
    elif household_size == 17 and territory == "metropole":
        return C[32]
    elif household_size == 17 and territory == "outre_mer":
        return C[33]
    elif household_size == 18 and territory == "metropole":
        return C[34]
    elif household_size == 18 and territory == "outre_mer":
        return C[35]
    raise ValueError(f"no rule matches {household_size}, {territory}")


# ---------------------------------------------------------------------------- the measures

def tables() -> list:
    rng = random.Random(1)
    ages = [rng.randrange(18, 91) for _ in range(CALLS)]
    rng = random.Random(2)
    pairs = [(rng.randrange(1, 19), rng.choice(["metropole", "outre_mer"])) for _ in range(CALLS)]
    return [("participation (5 rows)", RULES / "participation.rules", "participation", participation_py,
             [(a,) for a in ages], ["age"]),
            ("ceilings (36 rows)", RULES / "ceilings.rules", "ceiling", ceiling_py, pairs,
             ["household_size", "territory"])]


def loop_positional(fn, calls):
    if len(calls[0]) == 1:
        values = [c[0] for c in calls]
        return lambda: [fn(v) for v in values]
    return lambda: [fn(a, b) for a, b in calls]


def loop_keywords(fn, calls, names):
    if len(names) == 1:
        values = [c[0] for c in calls]
        name = names[0]
        if name == "age":
            return lambda: [fn(age=v) for v in values]
    return lambda: [fn(household_size=a, territory=b) for a, b in calls]


def zen_results() -> tuple:
    """(results, note): zen-engine's times from its own venv, made here when missing."""
    python = ZEN_VENV / "bin" / "python"
    if not python.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(ZEN_VENV)], check=True, capture_output=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", "zen-engine"], check=True,
                           capture_output=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as error:
            detail = getattr(error, "stderr", b"") or b""
            return None, f"zen-engine could not be installed ({error}; {detail.decode(errors='replace')[-200:]})"
    try:
        done = subprocess.run([str(python), str(HERE / "zen_bench.py")], check=True, capture_output=True,
                              timeout=600)
        return json.loads(done.stdout), ""
    except (subprocess.SubprocessError, OSError, ValueError) as error:
        return None, f"zen-engine did not run: {error}"


def run() -> list:
    rows = []
    zen, zen_note = zen_results()
    for label, path, decision, handwritten, calls, names in tables():
        ruleset = engine.load_ruleset(path)
        fn = ruleset.decision_function(decision, AS_OF)
        for args in calls[:300]:
            assert fn(*args) == handwritten(*args), args
        ours = per_call(loop_positional(fn, calls), len(calls))
        theirs = per_call(loop_positional(handwritten, calls), len(calls))
        rows.append(Row(label, "untraced, verdict decision_function(…)(positional)", ours, reference=theirs,
                        reference_name="hand-written", target="≤ 2×", met=ours <= 2 * theirs))
        ours_kw = per_call(loop_keywords(fn, calls, names), len(calls))
        theirs_kw = per_call(loop_keywords(handwritten, calls, names), len(calls))
        rows.append(Row(label, "untraced, keyword arguments", ours_kw, reference=theirs_kw,
                        reference_name="hand-written", target="≤ 2×", met=ours_kw <= 2 * theirs_kw))
        facts = [dict(zip(names, args)) for args in calls]
        traced = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF) for f in facts], len(facts), repeat=9)
        with_json = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF).to_dict() for f in facts], len(facts),
                             repeat=5)
        untraced = per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF, trace=False) for f in facts], len(facts),
                            repeat=9)
        key = "participation" if decision == "participation" else "ceilings"
        zen_traced = zen[key]["traced"] if zen else None
        zen_untraced = zen[key]["untraced"] if zen else None
        rows.append(Row(label, "traced, rs.evaluate(facts) (trace JSON built on demand)", traced,
                        reference=zen_traced, reference_name="zen traced", target="≤ 0.5×",
                        met=(traced * 2 <= zen_traced) if zen else None, note=zen_note))
        rows.append(Row(label, "traced, rs.evaluate(facts).to_dict() (the whole trace JSON)", with_json,
                        reference=zen_traced, reference_name="zen traced", target="",
                        met=None))
        rows.append(Row(label, "untraced, rs.evaluate(facts, trace=False)", untraced,
                        reference=zen_untraced, reference_name="zen untraced"))
    return rows


if __name__ == "__main__":
    os.chdir(HERE)
    print_table(run())
