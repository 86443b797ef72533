"""index: a table whose tests compare with constants → a per-column index of row bitsets, so that
the rows a set of input values matches are found without a scan (used by the generated code).
"""
from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal
from typing import Optional

import attrs

from engine import ast
from engine.values import BOOL, COUNTRY, DATE, INTEGER, TEXT, EnumType, is_ordered

#
# A table whose tests all compare with constants is indexed: for each input column, the constants
# cut the column's values into segments (for an ordered column: each constant, and the open
# intervals between them; otherwise: each constant, and "any other value"); every value of a
# segment passes or fails each row's test alike. A row set is an int, bit (rows - 1 - r) standing
# for row r, so that the lowest matching row is `rows - q.bit_length()`. The rows a set of values
# matches is the AND of one segment's mask per column: no scan, and the matched rows, in order,
# are exactly those a scan finds.

DENSE_KEYS = 4096                 # up to this many segment combinations, the answers are tabulated
MAX_INDEX_BYTES = 256 * 2 ** 20   # beyond this, a table is scanned instead
_OTHER = object()                 # a value equal to no constant
_EMPTY = object()                 # a segment no value can fall in (between consecutive dates)


@attrs.frozen
class ColumnIndex:
    """One input column of an indexed table: a value's segment, and each segment's rows."""

    ordered: bool
    points: dict        # constant -> its segment
    bounds: tuple       # the constants in order (ordered columns): open segment i*2 lies below bounds[i]
    other: int          # the segment of any value that is no constant (unordered columns)
    masks: tuple        # per segment, the rows whose test passes there

    def segment(self, value) -> int:
        found = self.points.get(value)
        if found is not None:
            return found
        return bisect.bisect_right(self.bounds, value) * 2 if self.ordered else self.other


@attrs.frozen
class TableIndex:
    rows: int
    columns: tuple      # ColumnIndex per input column
    strides: tuple      # key = sum(segment * stride)
    dense: Optional[tuple]  # per key, the matched rows, when there are at most DENSE_KEYS keys

    def matched(self, values) -> tuple:
        """The rows (ascending) whose tests all pass for these column values."""
        if self.dense is not None:
            return self.dense[sum(c.segment(v) * s for c, v, s in zip(self.columns, values, self.strides))]
        rows = (1 << self.rows) - 1
        for column, value in zip(self.columns, values):
            rows &= column.masks[column.segment(value)]
        return rows_of(rows, self.rows)


def rows_of(mask: int, count: int) -> tuple:
    """The rows of a row set, ascending."""
    found = []
    while mask:
        top = mask.bit_length()
        found.append(count - top)
        mask ^= 1 << (top - 1)
    return tuple(found)


def index_table(compiler, plan, rows: Optional[tuple] = None) -> Optional[TableIndex]:
    """The index of a table whose tests all compare with constants, or None (then it is scanned);
    of its first rows only when `rows` is given (engine/compiler/head.py)."""
    rows = plan.rows if rows is None else rows
    types = plan.version.column_types
    if not rows or not types:
        return None
    for column_type in types:
        if not (is_ordered(column_type) or column_type in (BOOL, TEXT, COUNTRY) or isinstance(column_type, EnumType)):
            return None
    if not all(compiler.test_is_constant(cell.test, t) for row in rows for cell, t in zip(row.row.cells, types)):
        return None
    columns = []
    for position, column_type in enumerate(types):
        column = _index_column(compiler, rows, position, column_type)
        if column is None:
            return None
        columns.append(column)
    if sum(len(c.masks) for c in columns) * (len(rows) // 8 + 1) > MAX_INDEX_BYTES:
        return None
    strides, stride = [], 1
    for column in reversed(columns):
        strides.append(stride)
        stride *= len(column.masks)
    strides.reverse()
    index = TableIndex(len(rows), tuple(columns), tuple(strides), None)
    if stride <= DENSE_KEYS:
        dense = []
        for key in range(stride):
            mask = (1 << len(rows)) - 1
            for column, step in zip(columns, strides):
                mask &= column.masks[key // step % len(column.masks)]
            dense.append(rows_of(mask, len(rows)))
        index = attrs.evolve(index, dense=tuple(dense))
    return index


def _index_column(compiler, rows, position, column_type) -> Optional[ColumnIndex]:
    tests = [row.row.cells[position].test for row in rows]
    constants = [c for test in tests for c in compiler.constants_of_test(test, column_type)]
    ordered = is_ordered(column_type)
    if ordered:
        try:
            bounds = tuple(sorted(set(constants)))
        except TypeError:
            return None
        points = {b: 2 * i + 1 for i, b in enumerate(bounds)}
        samples = []
        for segment in range(2 * len(bounds) + 1):
            if segment % 2:
                samples.append(bounds[segment // 2])
            else:
                samples.append(_between(bounds[segment // 2 - 1] if segment else None,
                                        bounds[segment // 2] if segment // 2 < len(bounds) else None,
                                        column_type))
        if len(points) != len(bounds) or any(s is None for s in samples):
            return None
        other = -1
    else:
        points = {}
        for constant in constants:
            points.setdefault(constant, len(points))
        bounds = ()
        other = len(points)
        samples = list(points) + [_OTHER]
    count = len(rows)
    if len(samples) * (count // 8 + 1) > MAX_INDEX_BYTES:
        return None
    members = [bytearray(count // 8 + 1) for _ in samples]
    for r, (row, test) in enumerate(zip(rows, tests)):
        segments = _segments(compiler, test, column_type, ordered, points, bounds, len(samples))
        if segments is None:
            check = row.tests[position]
            segments = [s for s, sample in enumerate(samples) if sample is not _EMPTY and check(None, sample)]
        bit = count - 1 - r
        byte, flag = bit >> 3, 1 << (bit & 7)
        for segment in segments:
            members[segment][byte] |= flag
    masks = tuple(int.from_bytes(m, "little") for m in members)
    if column_type == INTEGER and bounds and all(b == int(b) for b in bounds) and bounds[-1] - bounds[0] <= 2048:
        # every whole number around the constants gets its segment too: one dict look-up, no bisection
        for whole in range(int(bounds[0]) - 1, int(bounds[-1]) + 2):
            points.setdefault(whole, bisect.bisect_right(bounds, whole) * 2)
    return ColumnIndex(ordered, points, bounds, other, masks)


def _between(low, high, column_type):
    """A value strictly between two constants (None: unbounded), _EMPTY if there is none, or
    None if none can be found (then the column is not indexed)."""
    try:
        if column_type == DATE:
            if low is None and high is None:
                return dt.date(2000, 1, 1)
            candidate = low + dt.timedelta(days=1) if low is not None else high - dt.timedelta(days=1)
            if high is not None and candidate >= high:
                return _EMPTY
            return candidate
        if low is None and high is None:
            return 0
        if low is None:
            return high - 1
        if high is None:
            return low + 1
        middle = (Decimal(low) + Decimal(high)) / 2
        return middle if low < middle < high else None
    except (OverflowError, ArithmeticError, TypeError):
        return None


def _segments(compiler, test, column_type, ordered, points, bounds, size) -> Optional[list]:
    """The segments a common test passes in, worked out directly (None: ask the test itself)."""
    def point(expr):
        return points[compiler.expr(expr, column_type)(None)]
    match test:
        case ast.AnyTest():
            return list(range(size))
        case ast.CompareTest(op="=", bound=bound):
            return [point(bound)]
        case ast.SetTest(values=values):
            return sorted({point(v) for v in values})
        case ast.CompareTest(op="!=", bound=bound):
            at = point(bound)
            return [s for s in range(size) if s != at]
        case ast.CompareTest(op=op, bound=bound) if ordered:
            at = point(bound)
            low, high = {"<": (0, at - 1), "<=": (0, at), ">": (at + 1, size - 1), ">=": (at, size - 1)}[op]
            return list(range(low, high + 1))
        case ast.RangeTest(lo=lo, hi=hi, lo_closed=lo_closed, hi_closed=hi_closed) if ordered:
            low = point(lo) if lo_closed else point(lo) + 1
            high = point(hi) if hi_closed else point(hi) - 1
            return list(range(low, high + 1))
    return None


