"""stage: generated 5,000-row decision tables → time taken by engine.checker.analysis.analyse, as a table.

Variants:
  grid          a realistic unique table with no overlap and no gap: territory (enum, equality) ×
                age bands (integer 0..130) × resources bands (money >= 0) × holds_s1 (bool) ×
                household size (integer 1..20, equality and `>= 5`) × nationality (country, `-`)
  grid+defects  the same with 5 rows removed (gaps) and 5 age bands widened by one year (overlaps)
  grid first    the defective grid under `first`, with 25 repeated rows (masked)
  any           the defective grid under `any`, every row with its own output
  all '-'       5,000 rows of `-` in all six columns: 12.5 million overlapping pairs (capped)

Run: .venv/bin/python benchmarks/bench_analysis.py [--repeat N]
"""
from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from decimal import Decimal as D

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine.checker.analysis import (  # noqa: E402
    BOOLEAN, Column, FiniteDomain, Row, Table, analyse, anything, at_least, between,
    decimal_domain, integer_domain, one_of, point,
)
from engine.countries import COUNTRY_CODES  # noqa: E402

TERRITORIES = ("metropole", "guadeloupe", "martinique", "guyane", "reunion")
AGE_BANDS = [(0, 17), (18, 24), (25, 29), (30, 39), (40, 49), (50, 59), (60, 64), (65, 69),
             (70, 79), (80, 130)]
MONEY_STEPS = [D(v) for v in (0, 5000, 9000, 12000, 15000, 20000, 25000, 35000, 50000, 80000)]

COLUMNS = (
    Column("territory", FiniteDomain(TERRITORIES)),
    Column("age", integer_domain(0, 130)),
    Column("resources", decimal_domain(0)),
    Column("holds_s1", BOOLEAN),
    Column("household_size", integer_domain(1, 20)),
    Column("nationality", FiniteDomain(COUNTRY_CODES)),
)


def grid_cells() -> list:
    """5 × 10 × 10 × 2 × 5 = 5,000 rows that tile the input space exactly."""
    money = [between(lo, hi, True, False) for lo, hi in zip(MONEY_STEPS, MONEY_STEPS[1:])]
    money.append(at_least(MONEY_STEPS[-1]))
    household = [point(n) for n in range(1, 5)] + [at_least(5)]
    nationality = anything(COLUMNS[5].domain)
    return [[one_of(t), between(lo, hi), m, one_of(s1), h, nationality]
            for t, (lo, hi), m, s1, h in itertools.product(
                TERRITORIES, AGE_BANDS, money, (False, True), household)]


def table(cells: list, hit: str = "unique") -> Table:
    return Table(COLUMNS, tuple(Row(tuple(c), (i,), i + 3) for i, c in enumerate(cells)), hit)


def with_defects(cells: list) -> list:
    cells = [list(c) for c in cells]
    for i in range(37, 5000, 997):  # widen an age band by one year into the next band
        band = cells[i][1].intervals[0]
        if band.hi < 130:
            cells[i][1] = between(band.lo, band.hi + 1)
    removed = set(range(101, 5000, 1009))
    return [c for i, c in enumerate(cells) if i not in removed]


def variants() -> list:
    grid = grid_cells()
    defects = with_defects(grid)
    first = defects + [list(c) for c in defects[:25]]  # repeated rows: masked under first
    wild = [[anything(col.domain) for col in COLUMNS]] * 5000
    return [("grid", table(grid)),
            ("grid+defects", table(defects)),
            ("grid first", table(first, "first")),
            ("any", table(defects, "any")),
            ("all '-'", table(wild))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant (median shown)")
    args = parser.parse_args()
    print(f"{'variant':<14} {'rows':>5} {'cols':>4} {'seconds':>8} {'overlaps':>9} {'gaps':>5} "
          f"{'masked':>6}")
    for name, t in variants():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            findings = analyse(t)
            times.append(time.perf_counter() - start)
        overlaps = f"{len(findings.overlaps)}{'+' if findings.overlaps_truncated else ''}"
        gaps = f"{len(findings.gaps)}{'+' if findings.gaps_truncated else ''}"
        print(f"{name:<14} {len(t.rows):>5} {len(t.columns):>4} {statistics.median(times):>8.3f} "
              f"{overlaps:>9} {gaps:>5} {len(findings.masked):>6}")
    print("(+ = capped: more exist than are reported)")


if __name__ == "__main__":
    main()
