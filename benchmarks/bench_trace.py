"""stage: the built trace → `to_dict()` of one evaluation of benchmarks/large_table.py at 1,000,
10,000 and 100,000 rows, and the growth exponent (log of the time ratio over log of the row ratio).

A trace whose cost follows the fired rows has an exponent near 0; format 2 writes an entry for
every row of the table, so its exponent is near 1. Each size is evaluated on varied random facts
(a fresh verdict per call: `to_dict()` caches the trace it built).

The first `to_dict()` on a ruleset also prepares, once, what its traces share (which numbers are
written as percentages, the columns' labels): work that reads every row once. It is timed and
printed on its own, and the growth exponent is taken over the calls after it, which is what a
long-running service or a batch pays per call. Before them the collector runs once, untimed:
loading a 100,000-row table leaves millions of new objects that Python's first full collection
walks (about a second), once per process, whichever call it falls in; timed, it would be counted
as 5 ms in each of 200 calls.

Run: .venv/bin/python benchmarks/bench_trace.py [--calls N] [--max-rows 100000]
"""
from __future__ import annotations

import argparse
import gc
import datetime as dt
import math
import sys
import time

from common import ROOT  # noqa: F401  (puts the engine on the import path)
import large_table

import engine
import engine.ruleset_files

AS_OF = dt.date(2025, 9, 1)


def to_dict_seconds(regions: int, calls: int) -> tuple:
    """(the first `to_dict()` on the ruleset, the mean of the `calls` after it), in seconds."""
    path = large_table.write(regions)
    engine.ruleset_files.MAX_RULE_FILE_BYTES = max(engine.ruleset_files.MAX_RULE_FILE_BYTES, 2 * path.stat().st_size)
    ruleset = engine.load_ruleset(path)
    cases = [{"region": r, "category": c, "income": i} for r, c, i in large_table.inputs(calls + 1, regions=regions)]
    verdicts = [ruleset.evaluate(facts, as_of=AS_OF) for facts in cases]  # the evaluation is not timed
    start = time.perf_counter()
    verdicts[0].to_dict()
    first = time.perf_counter() - start
    gc.collect()  # the full collection after a big load, once (see above)
    start = time.perf_counter()
    for verdict in verdicts[1:]:
        verdict.to_dict()
    return first, (time.perf_counter() - start) / calls


def main(argv) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--max-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    sizes = [n for n in (1_000, 10_000, 100_000) if n <= args.max_rows]
    found = {}
    print(f"{'rows':>10}{'first to_dict (ms)':>20}{'to_dict after (µs/call)':>26}")
    for rows in sizes:
        first, found[rows] = to_dict_seconds(rows // 1000, args.calls)
        print(f"{rows:>10,}{first * 1e3:>20.1f}{found[rows] * 1e6:>26.0f}", flush=True)
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        exponent = math.log(found[last] / found[first]) / math.log(last / first)
        print(f"growth exponent of to_dict, {first:,} → {last:,} rows: {exponent:.2f} (goal ≤ 0.1)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
