"""Time `verdict check` end to end (parse, resolve, analyse) on a generated 5,000-row, 6-column table.

The table is a realistic non-overlapping grid: territory × status × household size × age band ×
resources band × a boolean, one row per combination, so a `unique` table with no overlap or gap.
A second run adds two defects (one overlap, one gap) to show they are found at the same speed.
"""
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.syntax import parse as parse_module  # noqa: E402
from engine.ruleset import check_path  # noqa: E402

HEADER = """type Territory = {metropole, outre_mer}
type Status = {student, worker, retired, other, none}
input territory : Territory
input status : Status
input household_size : integer 1..20
input age : integer 0..130
input resources : money >= 0 €
input flag : bool
"""
AGES = ["<= 17", "18..29", "30..49", "50..69", ">= 70"]
RESOURCES = ["< 5000 €", "[5000 €..10000 €)", "[10000 €..20000 €)", "[20000 €..40000 €)", ">= 40000 €"]
SIZES = [str(n) for n in range(1, 20)] + [">= 20"]


def table(defects: bool) -> str:
    rows = []
    for territory in ("metropole", "outre_mer"):
        for status in ("student", "worker", "retired", "other", "none"):
            for size in SIZES:
                for age in AGES:
                    for resources in RESOURCES:
                        rows.append(f"  | {territory} | {status} | {size} | {age} | {resources} | - || {len(rows)} |")
    rows = rows[:5000]
    if defects:
        rows[10] = rows[10].replace("| < 5000 € |", "| <= 5000 € |")  # overlaps the next band at 5000
        rows[24] = rows[24].replace("| >= 40000 € |", "| > 40000 € |")  # leaves 40000 itself uncovered
    return HEADER + ("decision x : integer hit unique\n"
                     "  | territory | status | household_size | age | resources | flag || x |\n") + "\n".join(rows) + "\n"


def measure(defects: bool, runs: int = 3) -> tuple[float, int, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.rules"
        text = table(defects)
        path.write_text(text, encoding="utf-8")
        times, cpu = [], []
        for _ in range(runs):
            parse_module._fragment_trees.clear()  # each run parses from scratch
            start, start_cpu = time.perf_counter(), time.process_time()
            diagnostics, _ = check_path(path)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        rows = text.count("\n  | ") - 1
        codes = [d.code for d in diagnostics]
        return statistics.median(times), statistics.median(cpu), rows, codes.count("overlap"), codes.count("gap")


def main():
    print("verdict check, end to end (parse + resolve + analyse), median of 3 runs")
    print(f"{'table':<22}{'rows':>6}{'seconds':>10}{'CPU s':>8}{'overlaps':>10}{'gaps':>6}")
    for label, defects in (("grid, unique", False), ("grid + 2 defects", True)):
        seconds, cpu, rows, overlaps, gaps = measure(defects)
        print(f"{label:<22}{rows:>6}{seconds:>10.2f}{cpu:>8.2f}{overlaps:>10}{gaps:>6}")
    print("target: under 2 seconds (2 cores)")


if __name__ == "__main__":
    main()
