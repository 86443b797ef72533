"""stage: one decision table (engine.analysis_model) → Findings: overlapping rows, gaps, masked rows.

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
asked for), which keeps a grid-like table near-linear; columns are taken in the order that splits
the rows best. Overlapping pairs are kept as leaf sets, not pairs, so a table of n rows that all
overlap costs O(n), not O(n²), until the reported pairs are picked (at most `max_overlaps`).
"""
from __future__ import annotations

from typing import Callable, Optional

from engine.analysis_axes import Axis, build_axis
from engine.analysis_describe import describe_cell, describe_region, format_value
from engine.analysis_model import (  # re-exported: the analyser's whole API is importable from here
    BOOLEAN, DATE, DENSE, DISCRETE, Column, FiniteDomain, Findings, Gap, Interval, IntervalSet,
    Masked, OrderedDomain, Overlap, Row, Table, TextDomain, TextSet, ValueSet, anything, at_least,
    at_most, between, date_domain, decimal_domain, integer_domain, one_of, point, text_in,
    text_not_in,
)

__all__ = [
    "analyse", "describe_region", "describe_cell", "format_value",
    "Table", "Column", "Row", "OrderedDomain", "FiniteDomain", "TextDomain", "BOOLEAN",
    "DISCRETE", "DENSE", "DATE", "Interval", "IntervalSet", "ValueSet", "TextSet",
    "Findings", "Overlap", "Gap", "Masked",
    "anything", "between", "point", "at_least", "at_most", "one_of", "text_in", "text_not_in",
    "integer_domain", "decimal_domain", "date_domain",
]

# Raw gap boxes kept before merging; past it the report is marked truncated.
RAW_GAP_LIMIT = 20_000


def analyse(table: Table, *, max_overlaps: int = 100, max_gaps: int = 20) -> Findings:
    _check(table)
    columns, rows = table.columns, table.rows
    axes = [build_axis(col.domain, [row.cells[k] for row in rows]) for k, col in enumerate(columns)]
    empty = tuple(r for r in range(len(rows)) if any(not ax.ranges[r] for ax in axes))
    if any(ax.n == 0 for ax in axes):  # a declared range with nothing in it: no input exists
        return Findings(empty=empty)
    live = frozenset(range(len(rows))) - set(empty)

    hit = " ".join(table.hit.lower().split())
    outputs = [row.output for row in rows]
    conflict: Optional[Callable] = None
    if hit == "unique":
        conflict = lambda group: len(group) > 1  # noqa: E731
    elif hit == "any":
        conflict = lambda group: _mixed(group, outputs)  # noqa: E731

    order = _column_order(axes, live)
    walk = _Walk([axes[k] for k in order], conflict, not table.has_otherwise, hit == "first")
    walk.run(live)

    # Everything below speaks the table's column order again.
    place = {k: pos for pos, k in enumerate(order)}

    def unsorted(box: tuple) -> tuple:
        return tuple(box[place[k]] for k in range(len(axes)))

    def example(box: tuple) -> dict:  # box in table order
        return {col.name: ax.example(ranges) for col, ax, ranges in zip(columns, axes, box)}

    pairs, more_pairs = _pairs(walk.cliques, outputs, hit == "any", max_overlaps)
    overlaps = tuple(Overlap(i, j, example(unsorted(walk.cliques[cid][1]))) for i, j, cid in pairs)

    boxes = sorted(unsorted(box) for box in _merge(walk.gaps))
    gaps = tuple(Gap(example(box), tuple(ax.cell(ranges) for ax, ranges in zip(axes, box)))
                 for box in boxes[:max_gaps])

    masked: tuple = ()
    if hit == "first":
        masked = tuple(Masked(r, tuple(sorted(walk.shadows.get(r, ()))),
                              example(tuple(ax.ranges[r] for ax in axes)))
                       for r in sorted(live - walk.winners))

    return Findings(overlaps=overlaps, gaps=gaps, masked=masked, empty=empty,
                    overlaps_truncated=more_pairs,
                    gaps_truncated=walk.gaps_overflow or len(boxes) > max_gaps)


def _check(table: Table) -> None:
    names = [col.name for col in table.columns]
    if len(set(names)) != len(names):
        # Two columns on one input are not independent axes: the caller intersects them first.
        raise ValueError(f"columns must have distinct names: {names}")
    for i, row in enumerate(table.rows):
        if len(row.cells) != len(table.columns):
            raise ValueError(f"row {i} (line {row.line}) has {len(row.cells)} cells, "
                             f"the table {len(table.columns)} columns")


def _mixed(group: frozenset, outputs: list) -> bool:
    it = iter(group)
    first = outputs[next(it)]
    return any(outputs[r] != first for r in it)


# ---------------------------------------------------------------------------- the sweep

def partition(axis: Axis, rows: frozenset) -> list:
    """Rows active here → [(slab ranges, rows whose cell covers them)], one entry per distinct set.

    Rows covering the whole column (`-`) are in every piece: they are added once per distinct set
    instead of being swept, so a wildcard-heavy column costs little.
    """
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
        key = frozenset(active)
        ranges = groups.get(key)
        if ranges is None:
            groups[key] = [(a, b)]
        elif ranges[-1][1] == a:
            ranges[-1] = (ranges[-1][0], b)
        else:
            ranges.append((a, b))
    return [(tuple(ranges), key | fixed if key else fixed) for key, ranges in groups.items()]


def _column_order(axes: list, rows: frozenset) -> list:
    """Columns that split the rows into the smallest sets first (Σ |set|² over the pieces)."""
    def spread(k: int) -> int:
        return sum(len(group) ** 2 for _, group in partition(axes[k], rows))
    return sorted(range(len(axes)), key=lambda k: (spread(k), k))


class _Walk:
    """The column-by-column recursion; collects gap boxes, overlap leaf sets and `first` winners.

    Boxes and paths are tuples of slab ranges, one per column, in the walk's column order.
    """

    def __init__(self, axes: list, conflict: Optional[Callable], want_gaps: bool,
                 want_first: bool):
        self.axes = axes
        self.conflict = conflict
        self.want_gaps = want_gaps
        self.want_first = want_first
        self.gaps: list = []
        self.gaps_overflow = False
        self.cliques: list = []   # (rows that all match the box, box)
        self.winners: set = set()  # rows that fire somewhere under `first`
        self.shadows: dict = {}   # row → rows that fire instead of it somewhere

    def run(self, rows: frozenset) -> None:
        if rows:
            self._visit(0, rows, [])
        elif self.want_gaps:
            self._gap([])

    def _visit(self, k: int, rows: frozenset, path: list) -> None:
        if k == len(self.axes):
            self._leaf(rows, tuple(path))
            return
        for ranges, group in partition(self.axes[k], rows):
            path.append(ranges)
            if not group:
                if self.want_gaps:
                    self._gap(path)
            elif self._worth(group):
                self._visit(k + 1, group, path)
            elif self.want_first:
                # A lone row: it fires on all of its box below this branch.
                self.winners.add(min(group))
            path.pop()

    def _worth(self, group: frozenset) -> bool:
        return (self.want_gaps
                or (self.want_first and len(group) > 1)
                or (self.conflict is not None and self.conflict(group)))

    def _leaf(self, rows: frozenset, box: tuple) -> None:
        if self.want_first:
            winner = min(rows)
            self.winners.add(winner)
            for r in rows:
                if r != winner:
                    self.shadows.setdefault(r, set()).add(winner)
        if self.conflict is not None and self.conflict(rows):
            self.cliques.append((rows, box))

    def _gap(self, path: list) -> None:
        rest = tuple(ax.whole for ax in self.axes[len(path):])
        self.gaps.append(tuple(path) + rest)
        if len(self.gaps) >= RAW_GAP_LIMIT:
            self.gaps_overflow = True
            self.want_gaps = False


# ---------------------------------------------------------------------------- reports

def _pairs(cliques: list, outputs: list, any_policy: bool, cap: int) -> tuple:
    """Leaf sets → the lowest `cap` pairs (i, j, leaf index), i < j; and whether more exist.

    Under `any` only rows with different outputs pair up: members are bucketed by output so a
    row only looks at the other buckets.
    """
    member_of: dict = {}
    for cid, (rows, _) in enumerate(cliques):
        for r in rows:
            member_of.setdefault(r, []).append(cid)
    buckets: list = []
    if any_policy:
        for rows, _ in cliques:
            by_output: dict = {}
            for r in rows:
                by_output.setdefault(outputs[r], []).append(r)
            buckets.append(by_output)
    found: list = []
    for i in sorted(member_of):
        partners: dict = {}
        for cid in member_of[i]:
            if any_policy:
                others = [js for out, js in buckets[cid].items() if out != outputs[i]]
            else:
                others = [cliques[cid][0]]
            for js in others:
                for j in js:
                    if j > i and j not in partners:
                        partners[j] = cid
        for j in sorted(partners):
            if len(found) == cap:
                return found, True
            found.append((i, j, partners[j]))
    return found, False


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
