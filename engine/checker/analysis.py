"""stage: one decision table (analysis_model) → Findings: overlapping rows, gaps, masked rows.

Exact over the declared domains, after Calvanese, Dumas, Laurson, Maggi, Montali, Teinemaa,
"Semantics, analysis and simplification of DMN decision tables", Information Systems 2018: each
row is a box in the input space. The walk sweeps one column at a time: it splits the column into
pieces by the endpoints of the cells of the rows still active, gives each piece the set of rows
whose cell covers it, and goes on to the next column only with that set. Pieces with the same set
are handled together, so a branch is a box too. A branch whose set is empty is uncovered (a gap);
a branch that reaches past the last column is a box where exactly its set of rows match. From
those leaves:

- overlaps: every two rows of a leaf set intersect (`unique`; `any` when their outputs differ);
- masked (`first`): at each leaf the lowest row of the set fires; a row that fires nowhere is
  masked, by the rows that fire in its stead;
- gaps: the empty branches, merged where two differ in one column only.

A branch stops as soon as it can tell nothing more (fewer than two rows when only overlaps are
asked for; a row that is `-` in every remaining column when only gaps are), which keeps a
grid-like table near-linear; columns are taken in the order that splits the rows best. Only the
lowest `max_overlaps + 1` pairs are kept, so n rows that all overlap cost O(n log n), not O(n²).
Tables whose rows overlap each other in many ways can still need far more work (the number of
branches grows like n^columns); a work budget stops those, and the findings say they are
incomplete.
"""
from __future__ import annotations

import heapq
import random
from typing import Optional

from engine.checker.axes import Axis, build_axis
from engine.checker.describe import describe_cell, describe_region, format_value
from engine.checker.table_model import (  # re-exported: the analyser's whole API is importable from here
    BOOLEAN, DATE, DENSE, DISCRETE, Column, FiniteDomain, Findings, Gap, Interval, IntervalSet,
    Masked, OrderedDomain, Overlap, Row, Table, TextDomain, TextSet, ValueSet, anything, at_least,
    at_most, between, date_domain, decimal_domain, duration_domain, integer_domain, one_of, point,
    text_in, text_not_in,
)

__all__ = [
    "analyse", "describe_region", "describe_cell", "format_value", "MAX_WORK",
    "Table", "Column", "Row", "OrderedDomain", "FiniteDomain", "TextDomain", "BOOLEAN",
    "DISCRETE", "DENSE", "DATE", "Interval", "IntervalSet", "ValueSet", "TextSet",
    "Findings", "Overlap", "Gap", "Masked",
    "anything", "between", "point", "at_least", "at_most", "one_of", "text_in", "text_not_in",
    "integer_domain", "decimal_domain", "date_domain", "duration_domain",
]

# Raw gap boxes kept before merging; past it the report is marked truncated.
RAW_GAP_LIMIT = 20_000
# Work allowed to one table, in units of roughly a microsecond on a laptop core. A 5,000-row
# grid-like table needs about 150,000; thousands of rows overlapping each other at random can need
# a hundred times more, and are reported incomplete instead of stalling `verdict check`.
MAX_WORK = 2_000_000


def analyse(table: Table, *, max_overlaps: int = 100, max_gaps: int = 20,
            max_work: int = MAX_WORK) -> Findings:
    """Overlaps (`unique`, `any`), gaps (without `otherwise`) and masked rows (`first`) of a table.

    Reports at most `max_overlaps` pairs (the lowest) and `max_gaps` regions, and says so in the
    `*_truncated` flags. A table that needs more than `max_work` units of work is left half-way:
    what is reported is still true, but `complete` is False, the truncated flags of what was
    asked for are set, and no row is reported masked (that needs the whole walk).
    """
    _check(table)
    columns, rows = table.columns, table.rows
    axes = [build_axis(col.domain, [row.cells[k] for row in rows]) for k, col in enumerate(columns)]
    empty = tuple(r for r in range(len(rows)) if any(not ax.ranges[r] for ax in axes))
    if any(ax.n == 0 for ax in axes):  # a declared range with nothing in it: no input exists
        return Findings(empty=empty)
    live = frozenset(range(len(rows))) - set(empty)

    hit = " ".join(table.hit.lower().split())
    pairs: Optional[_LowestPairs] = None
    if hit == "unique":  # every two rows conflict: each row is its own kind
        pairs = _LowestPairs(max_overlaps, list(range(len(rows))))
    elif hit == "any":  # rows conflict when their outputs differ
        pairs = _LowestPairs(max_overlaps, [row.output for row in rows])
    want_gaps = not table.has_otherwise

    order = _column_order(axes, live)
    walk = _Walk([axes[k] for k in order], pairs, want_gaps, hit == "first", _Meter(max_work))
    walk.run(live)
    complete = not walk.exhausted

    # Everything below speaks the table's column order again.
    place = {k: pos for pos, k in enumerate(order)}

    def unsorted(box: tuple) -> tuple:
        return tuple(box[place[k]] for k in range(len(axes)))

    def example(box: tuple) -> dict:  # box in table order
        return {col.name: ax.example(ranges) for col, ax, ranges in zip(columns, axes, box)}

    found = sorted(pairs.boxes.items()) if pairs else []
    overlaps = tuple(Overlap(i, j, example(unsorted(box))) for (i, j), box in found[:max_overlaps])

    boxes = sorted(unsorted(box) for box in _merge(walk.gaps))
    gaps = tuple(Gap(example(box), tuple(ax.cell(ranges) for ax, ranges in zip(axes, box)))
                 for box in boxes[:max_gaps])

    masked: tuple = ()
    if hit == "first" and complete:
        masked = tuple(Masked(r, tuple(sorted(walk.shadows.get(r, ()))),
                              example(tuple(ax.ranges[r] for ax in axes)))
                       for r in sorted(live - walk.winners))

    return Findings(
        overlaps=overlaps, gaps=gaps, masked=masked, empty=empty,
        overlaps_truncated=len(found) > max_overlaps or (pairs is not None and not complete),
        gaps_truncated=walk.gaps_overflow or len(boxes) > max_gaps or (want_gaps and not complete),
        complete=complete)


def _check(table: Table) -> None:
    names = [col.name for col in table.columns]
    if len(set(names)) != len(names):
        # Two columns on one input are not independent axes: the caller intersects them first.
        raise ValueError(f"columns must have distinct names: {names}")
    for i, row in enumerate(table.rows):
        if len(row.cells) != len(table.columns):
            raise ValueError(f"row {i} (line {row.line}) has {len(row.cells)} cells, "
                             f"the table {len(table.columns)} columns")


# ---------------------------------------------------------------------------- the sweep

class _OutOfWork(Exception):
    pass


class _Meter:
    """Counts work down from a budget; raises _OutOfWork when it is spent.

    Units approximate microseconds: a Python step per row swept or group made, a fifth of one
    per row copied into a set (done in C).
    """

    def __init__(self, budget: int):
        self.left = budget

    def charge(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise _OutOfWork


def partition(axis: Axis, rows: frozenset, meter: _Meter) -> list:
    """Rows active here → [(slab ranges, rows whose cell covers them)], one per distinct set.

    Rows covering the whole column (`-`) are in every piece: they are added once per distinct set
    instead of being swept, so a wildcard-heavy column costs little.
    """
    meter.charge(2 * len(rows))
    full_of, ranges_of = axis.full, axis.ranges
    full, starts, ends = [], {}, {}
    for r in rows:
        if full_of[r]:
            full.append(r)
            continue
        for s, e in ranges_of[r]:
            starts.setdefault(s, []).append(r)
            ends.setdefault(e, []).append(r)
    if not starts:
        return [(axis.whole, rows)]
    fixed = frozenset(full)
    active: set = set()
    groups: dict = {}  # frozenset of partial rows → slab ranges (insertion order = position)
    cuts = sorted({0, axis.n, *starts, *ends})
    for a, b in zip(cuts, cuts[1:]):
        if a in ends:
            active.difference_update(ends[a])
        if a in starts:
            active.update(starts[a])
        meter.charge(3 + len(active) // 5)
        key = frozenset(active)
        ranges = groups.get(key)
        if ranges is None:
            groups[key] = [(a, b)]
        elif ranges[-1][1] == a:
            ranges[-1] = (ranges[-1][0], b)
        else:
            ranges.append((a, b))
    meter.charge(len(groups) * (len(fixed) // 5))
    return [(tuple(ranges), key | fixed if key else fixed) for key, ranges in groups.items()]


def _column_order(axes: list, rows: frozenset) -> list:
    """Columns that split the rows into the smallest sets first: Σ |set|² over a column's pieces.

    Only a heuristic, so the sets are told apart by a hash (XOR of a random key per row, updated
    as rows start and end) instead of being built: this costs O(rows) per column even when the
    sets are huge.
    """
    if not axes:
        return []
    draw = random.Random(0)  # fixed seed: the same table is always walked the same way
    keys = [draw.getrandbits(64) for _ in axes[0].ranges]

    def spread(axis: Axis) -> int:
        full, flips, counts = 0, {}, {}
        for r in rows:
            if axis.full[r]:
                full += 1
                continue
            for s, e in axis.ranges[r]:
                flips[s] = flips.get(s, 0) ^ keys[r]
                flips[e] = flips.get(e, 0) ^ keys[r]
                counts[s] = counts.get(s, 0) + 1
                counts[e] = counts.get(e, 0) - 1
        sizes, sig, size = {}, 0, 0
        for cut in sorted(set(flips) | {0}):
            if cut == axis.n:
                break
            sig ^= flips.get(cut, 0)
            size += counts.get(cut, 0)
            sizes[sig] = size + full
        return sum(n * n for n in sizes.values())

    return sorted(range(len(axes)), key=lambda k: (spread(axes[k]), k))


class _Walk:
    """The column-by-column recursion; collects gap boxes, overlapping pairs and `first` winners.

    Boxes and paths are tuples of slab ranges, one per column, in the walk's column order.
    """

    def __init__(self, axes: list, pairs: Optional[_LowestPairs], want_gaps: bool,
                 want_first: bool, meter: _Meter):
        self.axes = axes
        self.pairs = pairs
        self.want_gaps = want_gaps
        self.want_first = want_first
        self.meter = meter
        self.exhausted = False
        self.gaps: list = []
        self.gaps_overflow = False
        self.winners: set = set()  # rows that fire somewhere under `first`
        self.shadows: dict = {}   # row → rows that fire instead of it somewhere
        # tail[r]: the first column (walk order) from which row r is `-` in every column; below
        # a branch holding such a row at that depth, nothing is uncovered.
        self.tail = [len(axes)] * (len(axes[0].ranges) if axes else 0)
        for r in range(len(self.tail)):
            while self.tail[r] > 0 and axes[self.tail[r] - 1].full[r]:
                self.tail[r] -= 1

    def run(self, rows: frozenset) -> None:
        if not rows:
            if self.want_gaps:
                self._gap([])
            return
        try:
            self._visit(0, rows, [], self.want_gaps)
        except _OutOfWork:
            self.exhausted = True

    def _visit(self, k: int, rows: frozenset, path: list, gaps: bool) -> None:
        if k == len(self.axes):
            self._leaf(rows, tuple(path))
            return
        tail = self.tail
        for ranges, group in partition(self.axes[k], rows, self.meter):
            path.append(ranges)
            if not group:
                if gaps and self.want_gaps:
                    self._gap(path)
            else:
                below = gaps and self.want_gaps and all(tail[r] > k + 1 for r in group)
                if below or self._worth(group):
                    self._visit(k + 1, group, path, below)
                elif self.want_first:
                    # A lone row: it fires on all of its box below this branch.
                    self.winners.add(min(group))
            path.pop()

    def _worth(self, group: frozenset) -> bool:
        """Can the branch still tell something besides gaps?"""
        if self.want_first and len(group) > 1:
            return True
        return self.pairs is not None and self.pairs.may_gain(group)

    def _leaf(self, rows: frozenset, box: tuple) -> None:
        self.meter.charge(len(rows))
        if self.want_first:
            winner = min(rows)
            self.winners.add(winner)
            for r in rows:
                if r != winner:
                    self.shadows.setdefault(r, set()).add(winner)
        if self.pairs is not None and len(rows) > 1:
            self.pairs.offer(rows, box)

    def _gap(self, path: list) -> None:
        rest = tuple(ax.whole for ax in self.axes[len(path):])
        self.gaps.append(tuple(path) + rest)
        if len(self.gaps) >= RAW_GAP_LIMIT:
            self.gaps_overflow = True
            self.want_gaps = False


class _LowestPairs:
    """The `cap + 1` lowest pairs (i < j) of conflicting rows seen, each with a box both match.

    Rows conflict when their kinds differ. Keeping one pair more than is reported tells whether
    the report is truncated, and bounds the work: once `cap + 1` pairs are kept, only lower pairs
    are looked at, so a leaf of n rows that all overlap costs O(n log n), not O(n²).
    """

    def __init__(self, cap: int, kinds: list):
        self.keep = cap + 1
        self.kinds = kinds
        self.heap: list = []   # kept pairs, negated: heap[0] is the highest
        self.boxes: dict = {}  # kept pair → box

    def _above(self, pair: tuple) -> bool:
        """Is the pair no better than what is kept already?"""
        return len(self.heap) >= self.keep and pair >= (-self.heap[0][0], -self.heap[0][1])

    def may_gain(self, rows: frozenset) -> bool:
        if len(rows) < 2:
            return False
        if len(self.heap) >= self.keep and self._above(tuple(heapq.nsmallest(2, rows))):
            return False
        kinds = self.kinds
        it = iter(rows)
        first = kinds[next(it)]
        return any(kinds[r] != first for r in it)

    def offer(self, rows: frozenset, box: tuple) -> None:
        kinds = self.kinds
        ms = sorted(rows)
        n = len(ms)
        # skip[p]: the first position after p whose kind differs from that of ms[p]
        skip = [n] * n
        for p in range(n - 2, -1, -1):
            skip[p] = p + 1 if kinds[ms[p + 1]] != kinds[ms[p]] else skip[p + 1]
        for p, a in enumerate(ms):
            if self._above((a, a)):  # every later pair starts at a higher row
                return
            q = skip[p]
            while q < n:
                pair = (a, ms[q])
                if self._above(pair):
                    break
                self._add(pair, box)
                q += 1
                if q < n and kinds[ms[q]] == kinds[a]:
                    q = skip[q]

    def _add(self, pair: tuple, box: tuple) -> None:
        if pair in self.boxes:
            return
        self.boxes[pair] = box
        heapq.heappush(self.heap, (-pair[0], -pair[1]))
        if len(self.heap) > self.keep:
            i, j = heapq.heappop(self.heap)
            del self.boxes[(-i, -j)]


# ---------------------------------------------------------------------------- reports

def _merge(boxes: list) -> list:
    """Disjoint boxes → fewer disjoint boxes: two that differ in one column only become one."""
    boxes = list(boxes)
    if not boxes:
        return boxes
    width = len(boxes[0])
    changed = True
    while changed:
        changed = False
        for c in range(width):
            buckets: dict = {}
            for box in boxes:
                buckets.setdefault(box[:c] + box[c + 1:], []).append(box[c])
            if len(buckets) == len(boxes):
                continue
            changed = True
            boxes = [rest[:c] + (_union(parts),) + rest[c:] for rest, parts in buckets.items()]
    return boxes


def _union(parts: list) -> tuple:
    """Disjoint slab-range tuples → one, ascending, adjacent ranges joined."""
    out: list = []
    for s, e in sorted(r for part in parts for r in part):
        if out and out[-1][1] == s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return tuple(out)
