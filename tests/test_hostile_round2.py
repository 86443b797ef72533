"""Hostile input, round two (issue #14): threads, batch lines, YAML numbers, ruleset folders,
tiny exponents, lazy compilation, and the small points of item 7. Each test holds the exact
reproducer of the issue."""
from __future__ import annotations

import datetime as dt
import json
import random
import threading
from pathlib import Path

import pytest

import engine
from engine.errors import VerdictError
from engine.ruleset_files import load_yaml

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "rulesets" / "student_health"
WANG = load_yaml((ROOT / "examples" / "wang.yaml").read_text(encoding="utf-8"), "wang.yaml")


# ---------------------------------------------------------------------------- 1. threads

def _outcome(ruleset, facts, day, outputs, traced):
    try:
        verdict = ruleset.evaluate(facts, as_of=day, outputs=outputs, trace=traced)
    except VerdictError as error:
        return "error: " + error.render()
    return verdict.to_json() if traced else json.dumps(engine.values.to_json_value(verdict.outputs))


def test_sixteen_threads_on_a_fresh_ruleset_give_the_serial_results():
    """Code is generated per day and per output list on first use; 16 threads asking at once on a
    freshly loaded ruleset (cold caches) must build it once, without the interpreter's AST
    converter failing ("SystemError: AST constructor recursion depth mismatch")."""
    days = [dt.date(2011, 1, 1) + dt.timedelta(days=173 * k) for k in range(32)]
    decisions = engine.load_ruleset(BUNDLED).decisions
    output_lists = [None, ("css_status",), ("enrolment", "zone"), ("gp_reimbursement",), tuple(decisions[:5])]
    jobs = [(days[k % len(days)], output_lists[k % len(output_lists)], k % 4 == 0,
             WANG if k % 7 else dict(WANG, household_size=0)) for k in range(160)]
    serial_ruleset = engine.load_ruleset(BUNDLED)
    serial = [_outcome(serial_ruleset, facts, day, outputs, traced) for day, outputs, traced, facts in jobs]
    shared = engine.load_ruleset(BUNDLED)  # fresh: nothing generated yet
    barrier = threading.Barrier(16)
    failures, done = [], [0]

    def worker(number: int):
        order = list(range(len(jobs)))
        random.Random(number).shuffle(order)
        try:
            barrier.wait(timeout=60)
            for index in order * 2:
                day, outputs, traced, facts = jobs[index]
                got = _outcome(shared, facts, day, outputs, traced)
                if got != serial[index]:
                    failures.append((number, index, got[:300]))
                done[0] += 1
        except Exception as error:  # noqa: BLE001 - any exception in a thread is the failure looked for
            failures.append((number, "exception", repr(error)))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    assert done[0] == 16 * 2 * len(jobs)  # 5,120 evaluations
