"""Shared by the benchmarks: timing, the engine's import path, the rows of the summary table."""
from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RULES = HERE / "rules"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def per_call(run, calls: int, repeat: int = 15) -> float:
    """Seconds per call: `run()` makes `calls` calls; the median of `repeat` runs (after a warm-up).
    A median resists the other processes of a busy machine better than a mean."""
    run()
    samples = []
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            run()
            samples.append((time.perf_counter() - start) / calls)
    finally:
        if gc_was:
            gc.enable()
    return statistics.median(samples)


def side_by_side(ours, theirs, calls: int, repeat: int = 15) -> tuple:
    """(ours, theirs), seconds per call as per_call gives them, the runs taken in turns so that a
    change of the machine's load falls on both sides alike."""
    ours(), theirs()
    samples = ([], [])
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for run, found in zip((ours, theirs), samples):
                start = time.perf_counter()
                run()
                found.append((time.perf_counter() - start) / calls)
    finally:
        if gc_was:
            gc.enable()
    return statistics.median(samples[0]), statistics.median(samples[1])


def median_call(fn, count: int = 3000) -> float:
    """Seconds: the median of `count` single calls of `fn()`, each timed alone."""
    fn()
    clock = time.perf_counter_ns
    samples = []
    for _ in range(count):
        start = clock()
        fn()
        samples.append(clock() - start)
    return statistics.median(samples) / 1e9


class Row:
    """One line of the summary: a measure, its value, what it is compared with, the target."""

    def __init__(self, group: str, measure: str, value: float, unit: str = "µs", reference: float = None,
                 reference_name: str = "", target: str = "", met=None, note: str = ""):
        self.group, self.measure, self.value, self.unit = group, measure, value, unit
        self.reference, self.reference_name = reference, reference_name
        self.target, self.met, self.note = target, met, note

    @property
    def ratio(self):
        if self.reference in (None, 0) or self.value is None:
            return None
        return self.value / self.reference


def shown(value: float, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "µs":
        return f"{value * 1e6:,.2f} µs" if value < 1e-4 else f"{value * 1e6:,.0f} µs"
    if unit == "ms":
        return f"{value * 1e3:,.0f} ms"
    if unit == "s":
        return f"{value:,.1f} s"
    if unit == "/s":
        return f"{value:,.0f}/s"
    return f"{value:,.2f} {unit}"


def print_table(rows: list, out=sys.stdout):
    header = ("measure", "value", "compared with", "ratio", "target", "met")
    lines = []
    for row in rows:
        ratio = row.ratio
        lines.append((f"{row.group}: {row.measure}", shown(row.value, row.unit),
                      f"{row.reference_name} {shown(row.reference, row.unit)}" if row.reference is not None else "",
                      f"{ratio:.2f}×" if ratio is not None else "", row.target,
                      {True: "yes", False: "NO", None: ""}[row.met]))
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    rule = "-+-".join("-" * w for w in widths)
    out.write(" | ".join(h.ljust(w) for h, w in zip(header, widths)) + "\n" + rule + "\n")
    for line in lines:
        out.write(" | ".join(cell.ljust(w) for cell, w in zip(line, widths)) + "\n")
    notes = [f"- {row.group}: {row.measure}: {row.note}" for row in rows if row.note]
    if notes:
        out.write("\n" + "\n".join(notes) + "\n")
