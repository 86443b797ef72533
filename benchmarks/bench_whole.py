"""stage: the whole bundled ruleset traced and explained (issue #15: ≤ 300 µs), side by side with
another checkout of verdict (`--before DIR`, e.g. `git archive main | tar -x -C DIR`).

Each side runs in its own process, in turns (ours, theirs, ours, …), so that a change of the
machine's load falls on both alike; each process evaluates 240 random households of
bench_ruleset.py three times first (as bench_explain.py's traces are made before it times them),
then times batches of 40 households, in CPU time of the process: `evaluate(...).to_dict()`,
`evaluate(...).explain()`, and `explain_trace` of traces built before. A figure is the median
over the batches of a process; the table shows the best and the median of the processes.

Run: .venv/bin/python benchmarks/bench_whole.py [--before DIR] [--rounds N]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from common import ROOT

_SIDE = r"""
import datetime as dt, json, statistics, sys, time
root = sys.argv[1]
sys.path[:0] = [root, root + "/benchmarks"]
import engine
from bench_ruleset import random_facts
from engine.explain.render import explain_trace
AS_OF = dt.date(2025, 9, 1)
rs = engine.load_ruleset(root + "/rulesets/student_health")
households = [{k: v for k, v in f.items() if k in rs.model.inputs} for f in random_facts(240)]
for _ in range(3):
    for f in households:
        rs.evaluate(f, as_of=AS_OF).explain()
batches = [households[i:i + 40] for i in range(0, 240, 40)]
traces = [[rs.evaluate(f, as_of=AS_OF).to_dict() for f in batch] for batch in batches]
runs = {"to_dict": lambda n: [rs.evaluate(f, as_of=AS_OF).to_dict() for f in batches[n]],
        "explain": lambda n: [rs.evaluate(f, as_of=AS_OF).explain() for f in batches[n]],
        "explain_trace": lambda n: [explain_trace(t) for t in traces[n]]}
found = {name: [] for name in runs}
for _ in range(2):
    for n in range(len(batches)):
        for name, run in runs.items():
            start = time.process_time()
            run(n)
            found[name].append((time.process_time() - start) / 40)
print(json.dumps({name: statistics.median(times) for name, times in found.items()}))
"""


def side(root: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _SIDE, str(root)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="another checkout of verdict, measured in turns with this one")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sides = [("this checkout", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
    found = {name: [] for name, _ in sides}
    for _ in range(args.rounds):
        for name, root in sides:
            found[name].append(side(root))
    rows = ("to_dict", "explain", "explain_trace")
    labels = {"to_dict": "evaluate + to_dict()", "explain": "evaluate + explain()",
              "explain_trace": "explain_trace, trace built before"}
    print(f"whole bundled ruleset, 22 outputs, µs per verdict (best / median of {args.rounds} processes)")
    print(f"{'':<36}" + "".join(f"{name:>22}" for name, _ in sides) + ("    ratio" if len(sides) > 1 else ""))
    for row in rows:
        cells = []
        for name, _ in sides:
            times = [run[row] * 1e6 for run in found[name]]
            cells.append((min(times), statistics.median(times)))
        line = f"{labels[row]:<36}" + "".join(f"{best:>12.0f} / {median:>6.0f}" for best, median in cells)
        if len(cells) > 1:
            line += f"  {cells[1][0] / cells[0][0]:>6.2f}×"
        print(line)
    print("target: evaluate + explain() ≤ 300 µs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
