"""stage: a decision over a list → the cost of calling a function per element, side by side with
the same logic written inline (no function), untraced, traced, and with the trace built.

The function's rows are matched by one implementation in both paths (functions_eval.invoke); a
traced call also records its arguments, rows and element (engine/evaluation/iteration.py), and the trace
writes an entry per call. The ratios say what the reuse and the per-element trace cost.

Run: .venv/bin/python benchmarks/bench_calls.py [--elements 1000] [--repeat 20]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT  # noqa: F401  (puts the engine on the import path)

import engine

AS_OF = dt.date(2025, 1, 1)
CALLED = """\
input ages : list of integer
function share(a: integer 0..130) : money
  | a      || share
  | <= 29  || 8 €
  | 30..49 || 14 €
  | >= 50  || 21 €
decision shares : list of money = for x in ages return share(x)
"""
INLINE = """\
input ages : list of integer
decision shares : list of money = for x in ages return if x <= 29 then 8 € else if x <= 49 then 14 € else 21 €
"""


def _seconds(action, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def measure(text: str, facts: dict, repeat: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calls.rules"
        path.write_text(text, encoding="utf-8")
        ruleset = engine.load_ruleset(path)
        ruleset.evaluate(facts, as_of=AS_OF)  # the code is generated before timing
        return {
            "untraced": _seconds(lambda: ruleset.evaluate(facts, as_of=AS_OF, trace=False), repeat),
            "traced": _seconds(lambda: ruleset.evaluate(facts, as_of=AS_OF), repeat),
            "trace built": _seconds(lambda: ruleset.evaluate(facts, as_of=AS_OF).to_dict(), repeat),
        }


def main(argv) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elements", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    facts = {"ages": [i % 90 for i in range(args.elements)]}
    called, inline = measure(CALLED, facts, args.repeat), measure(INLINE, facts, args.repeat)
    print(f"a list of {args.elements} elements, best of {args.repeat}")
    print(f"{'':12} {'function':>12} {'inline':>12} {'ratio':>7}")
    for key in called:
        print(f"{key:12} {called[key] * 1e3:10.2f}ms {inline[key] * 1e3:10.2f}ms {called[key] / inline[key]:6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
