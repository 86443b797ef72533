"""stage: the built trace → `to_dict()` of one evaluation of benchmarks/large_table.py at 1,000,
10,000 and 100,000 rows, and the growth exponent (log of the time ratio over log of the row ratio).

A trace whose cost follows the fired rows has an exponent near 0; format 2 writes an entry for
every row of the table, so its exponent is near 1. Each size is evaluated on varied random facts
(a fresh verdict per call: `to_dict()` caches the trace it built).

Run: .venv/bin/python benchmarks/bench_trace.py [--calls N] [--max-rows 100000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time

from common import ROOT  # noqa: F401  (puts the engine on the import path)
import large_table

import engine
import engine.ruleset_files

AS_OF = dt.date(2025, 9, 1)


def to_dict_seconds(regions: int, calls: int) -> float:
    path = large_table.write(regions)
    engine.ruleset_files.MAX_RULE_FILE_BYTES = max(engine.ruleset_files.MAX_RULE_FILE_BYTES, 2 * path.stat().st_size)
    ruleset = engine.load_ruleset(path)
    cases = [{"region": r, "category": c, "income": i} for r, c, i in large_table.inputs(calls, regions=regions)]
    verdicts = [ruleset.evaluate(facts, as_of=AS_OF) for facts in cases]  # the evaluation is not timed
    start = time.perf_counter()
    for verdict in verdicts:
        verdict.to_dict()
    return (time.perf_counter() - start) / calls


def main(argv) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--max-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    sizes = [n for n in (1_000, 10_000, 100_000) if n <= args.max_rows]
    found = {}
    print(f"{'rows':>10}{'to_dict (µs/call)':>20}")
    for rows in sizes:
        found[rows] = to_dict_seconds(rows // 1000, args.calls)
        print(f"{rows:>10,}{found[rows] * 1e6:>20.0f}", flush=True)
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        exponent = math.log(found[last] / found[first]) / math.log(last / first)
        print(f"growth exponent of to_dict, {first:,} → {last:,} rows: {exponent:.2f} (goal ≤ 0.1)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
