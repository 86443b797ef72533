"""A ruleset at the size limit: 60,000 decisions in one file just under 2 MB, one output asked.

    python benchmarks/bench_size_limit.py

Evaluation generates code only for the decisions the asked outputs read (issue #14.6): the first
evaluation of one output costs about as much on 60,000 decisions as on 2,000. Side by side, on
2,000 decisions: one output against every output (every decision generated, as before the fix).
Loading is shown too: its simple one-line declarations are read by hand (engine/syntax/lines.py).
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, Row, print_table

sys.path.insert(0, str(ROOT))
import engine  # noqa: E402
from engine.ruleset_files import MAX_RULE_FILE_BYTES  # noqa: E402


def write(folder: Path, count: int) -> Path:
    path = folder / f"many{count}.rules"
    path.write_text("input n : integer\n" + "".join(f"decision x{i} : integer = n\n" for i in range(count)),
                    encoding="utf-8")
    assert path.stat().st_size < MAX_RULE_FILE_BYTES
    return path


def first_evaluation(path: Path, outputs) -> tuple[float, float]:
    start = time.perf_counter()
    ruleset = engine.load_ruleset(path)
    loaded = time.perf_counter()
    ruleset.evaluate({"n": 1}, as_of="2025-01-01", outputs=outputs, trace=False)
    return loaded - start, time.perf_counter() - loaded


def run() -> list:
    with tempfile.TemporaryDirectory() as folder:
        small = write(Path(folder), 2_000)
        _, one_small = first_evaluation(small, ["x7"])
        _, every_small = first_evaluation(small, None)
        large = write(Path(folder), 60_000)
        load_large, one_large = first_evaluation(large, ["x7"])
    return [
        Row("size limit", "2,000 decisions: first evaluation of one output", one_small, "ms",
            every_small, "of every output", note="every output generates all 2,000 decisions' code"),
        Row("size limit", "60,000 decisions (1.8 MB): first evaluation of one output", one_large, "ms",
            one_small, "2,000 decisions", target="≤ 5 s", met=one_large <= 5),
        Row("size limit", "60,000 decisions (1.8 MB): load", load_large, "ms",
            target="≤ 3 s", met=load_large <= 3,
            note="one-line declarations read by hand, linear in the file's size"),
    ]


if __name__ == "__main__":
    print_table(run())
