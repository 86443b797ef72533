"""`verdict eval rulesets/student_health --batch FILE.jsonl` on the CSS decisions: verdicts per second.

    python benchmarks/bench_batch.py

Target: ≥ 50,000 untraced verdicts per second on this machine, the whole command timed (start,
load, every line, output written). The input is 300,000 random households (20,000 for the run with
full traces), written once to benchmarks/.cache/.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import time

from common import HERE, ROOT, Row, print_table

LINES = 300_000
OUTPUTS = ["css_status", "css_monthly_participation", "css_free_ceiling", "css_participation_ceiling"]
VERDICT = ROOT / ".venv" / "bin" / "verdict"


def write_input(lines: int = LINES) -> object:
    path = HERE / ".cache" / f"css_households_{lines}.jsonl"
    if path.exists() and sum(1 for _ in path.open("rb")) == lines:
        return path
    path.parent.mkdir(exist_ok=True)
    rng = random.Random(5)
    with path.open("w", encoding="utf-8") as out:
        for _ in range(lines):
            facts = {"household_size": rng.randrange(1, 9), "annual_resources": rng.randrange(0, 45000),
                     "territory": rng.choice(["metropole", "outre_mer"]),
                     "birth_date": f"{rng.randrange(1950, 2007)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"}
            out.write(json.dumps(facts) + "\n")
    return path


def timed(path, ruleset: str, *extra, lines: int = LINES) -> tuple:
    command = [str(VERDICT), "eval", ruleset, "--batch", str(path), "--as-of", "2025-09-01"]
    for name in OUTPUTS:
        command += ["--output", name]
    start = time.perf_counter()
    done = subprocess.run(command + list(extra), capture_output=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1) or done.stdout.count(b"\n") != lines:
        raise RuntimeError(f"batch failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed, done.stdout


def run() -> list:
    from bench_ruleset import load
    _, where = load()
    ruleset = "rulesets/student_health" if where.startswith("rulesets") else "benchmarks/student_health"
    path = write_input()
    everything, out_all = timed(path, ruleset)
    one, out_one = timed(path, ruleset, "--jobs", "1")
    assert out_all == out_one, "the parallel batch must give the same lines, in the same order"
    traced_lines = 20_000
    traced, _ = timed(write_input(traced_lines), ruleset, "--trace", lines=traced_lines)
    cores = len(os.sched_getaffinity(0))
    rate, single = LINES / everything, LINES / one
    return [Row("batch, CSS decisions", f"untraced, {cores} cores (whole command)", rate, unit="/s",
                reference=single, reference_name="1 core", target="≥ 50,000/s", met=rate >= 50_000),
            Row("batch, CSS decisions", f"--trace, {cores} cores (a full trace on every line)",
                traced_lines / traced, unit="/s")]


if __name__ == "__main__":
    os.chdir(HERE)
    print_table(run())
