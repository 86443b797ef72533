"""Tables of 1,000, 10,000 and 100,000 rows (benchmarks/hard_table.py, not an index's best
case): the time per call at each size, and how it grows (the exponent k of time ∝ rows^k,
from the smallest to the largest table).

    python benchmarks/bench_large.py [--quick]      (--quick: 1,000 and 10,000 rows only)

Targets: per call ≤ 20 µs at 100,000 rows, exponent ≤ 0.1. The built trace (`to_dict()`) is shown
per size too: it has an entry for every row (trace format 2), so it grows with the table.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import sys
import time

from common import Row, per_call, print_table

import engine
import engine.ruleset_files
import hard_table

AS_OF = dt.date(2025, 1, 1)
SIZES = (1_000, 10_000, 100_000)


def measure(count: int) -> dict:
    path = hard_table.write(count)
    engine.ruleset_files.MAX_RULE_FILE_BYTES = max(engine.ruleset_files.MAX_RULE_FILE_BYTES, 2 * path.stat().st_size)
    start = time.perf_counter()
    ruleset = engine.load_ruleset(path)
    loaded = time.perf_counter() - start
    rows = hard_table.table_rows(count)
    calls = hard_table.inputs(5000 if count <= 10_000 else 200)  # a scanned table is slow per call
    facts = [{"region": r, "income": i, "age": a} for r, i, a in calls]
    start = time.perf_counter()
    fn = ruleset.decision_function("rate", AS_OF)
    ruleset.evaluate(facts[0], as_of=AS_OF, trace=False)
    compiled = time.perf_counter() - start
    for (r, i, a), f in zip(calls[:100], facts):
        assert fn(r, i, a) == hard_table.expected(rows, r, i, a) == \
            ruleset.evaluate(f, as_of=AS_OF, trace=False).outputs["rate"]
    built_calls = facts[:max(3, 100_000 // count)]
    return {
        "loaded": loaded, "compiled": compiled,
        "direct": per_call(lambda: [fn(r, i, a) for r, i, a in calls], len(calls), repeat=7),
        "untraced": per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF, trace=False) for f in facts], len(facts),
                             repeat=7),
        "traced": per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF) for f in facts], len(facts), repeat=5),
        "built": per_call(lambda: [ruleset.evaluate(f, as_of=AS_OF).to_dict() for f in built_calls],
                          len(built_calls), repeat=3),
    }


def run(sizes=SIZES) -> list:
    found = {count: measure(count) for count in sizes}
    small, large = sizes[0], sizes[-1]
    rows = []
    for key, label in (("direct", "decision_function(…) per call"),
                       ("untraced", "rs.evaluate(facts, trace=False) per call"),
                       ("traced", "rs.evaluate(facts) traced, per call (trace not built)"),
                       ("built", "rs.evaluate(facts).to_dict() per call")):
        for count in sizes:
            value = found[count][key]
            target = "≤ 20 µs" if key != "built" and count == large else ""
            rows.append(Row(f"{count:,}-row table", label, value, reference=found[small][key] if count != small else None,
                            reference_name=f"{small:,} rows", target=target,
                            met=(value <= 20e-6) if target else None))
        exponent = math.log(found[large][key] / found[small][key]) / math.log(large / small)
        rows.append(Row(f"{small:,} → {large:,} rows", f"{label}: exponent k (time ∝ rows^k)", exponent, unit="",
                        target="≤ 0.1" if key != "built" else "", met=(exponent <= 0.1) if key != "built" else None))
    for count in sizes:
        rows.append(Row(f"{count:,}-row table", "load_ruleset (parse, resolve, compile)", found[count]["loaded"],
                        unit="s"))
        rows.append(Row(f"{count:,}-row table", "index and code, on first use", found[count]["compiled"], unit="s"))
    return rows


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    print_table(run(SIZES[:2] if "--quick" in sys.argv else SIZES))
