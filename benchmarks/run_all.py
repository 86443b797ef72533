"""`make bench`: every benchmark of this folder, then one table of figures, ratios and targets.

    python benchmarks/run_all.py [--quick]

--quick leaves out the batch runs, the growth and vectorised runs and the HTTP service, and
measures bench_large at 1,000 and 10,000 rows only (the 100,000-row table takes minutes).
Other `bench_*.py` scripts of this folder (e.g. bench_analysis.py) are run afterwards, each
printing its own table.
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import time

from common import HERE, print_table

OURS = ["bench_load", "bench_ruleset", "bench_tables", "bench_css", "bench_batch", "bench_large", "bench_growth",
        "bench_vector", "bench_http"]
SLOW = {"bench_batch", "bench_growth", "bench_vector", "bench_http"}


def main(argv) -> int:
    quick = "--quick" in argv
    os.chdir(HERE)
    rows = []
    print(f"verdict benchmarks · Python {platform.python_version()} · {os.cpu_count()} cores · "
          f"load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    for name in OURS:
        if quick and name in SLOW:
            continue
        start = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        module = __import__(name)
        rows.extend(module.run(module.SIZES[:2]) if quick and name == "bench_large" else module.run())
        print(f"  {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    print()
    print_table(rows)
    others = sorted(p for p in HERE.glob("bench_*.py") if p.stem not in OURS)
    for path in others:
        print(f"\n## {path.name}\n", flush=True)
        subprocess.run([sys.executable, str(path)], cwd=HERE)
    missed = [r for r in rows if r.met is False]
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end; {len(missed)} target(s) missed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
