"""tree: how generated code finds the segment of a column value (engine/compiler/index.py's
ColumnIndex.segment, written out): inline comparisons for a short ordered column, a dictionary
and a bisection for a long one, a dictionary for the others. A part of codegen.Generator.
"""
from __future__ import annotations

from bisect import bisect_right


TREE_BOUNDS = 16  # an ordered column with at most this many constants is searched by inline comparisons


def _tree_fits(column) -> bool:
    return column.ordered and 0 < len(column.bounds) <= TREE_BOUNDS


class SegmentWriter:
    """The methods of codegen.Generator that write segment look-ups (it brings `self.unit`)."""

    def _segments(self, index, columns, emit, prefix: str = "s") -> str:
        """Statements putting each column's segment in s0, s1, ... (or `prefix`0, …); returns the dense key."""
        u = self.unit
        key = []
        for n, (column, x) in enumerate(zip(index.columns, columns)):
            s = u.local(f"{prefix}{n}")
            if column.ordered and _tree_fits(column):
                self._tree(column.bounds, x, emit, list(column.masks),
                           lambda segment, prefix, s=s: emit(f"{prefix}{s} = {segment}"))
            elif column.ordered:
                emit(f"{s} = {u.obj(column.points)}.get({x})")
                emit(f"if {s} is None: {s} = {u.obj(bisect_right)}({u.obj(column.bounds)}, {x}) * 2")
            else:
                emit(f"{s} = {u.obj(column.points)}.get({x}, {column.other})")
            key.append(f"{s} * {index.strides[n]}" if index.strides[n] != 1 else s)
        return " + ".join(key)

    def _tree(self, bounds: tuple, x: str, emit, kinds: list, leaf, prefix: str = ""):
        """Inline comparisons finding the segment of `x` among the sorted `bounds` (as
        ColumnIndex.segment does: 2i+1 on bounds[i], 2i just below it) and `leaf(segment, prefix)`
        writing what to do there: a binary search in if/else, no call, no look-up. Neighbouring
        segments of the same kind (`kinds[segment]`: the same answer, or the same rows) are one
        leaf, so a band `30..49` costs one comparison, not four."""
        runs = [0]  # the first segment of each run of segments of one kind
        for segment in range(1, len(kinds)):
            if kinds[segment] != kinds[segment - 1]:
                runs.append(segment)

        def below(segment: int) -> str:
            """The test that `x` lies in a segment before `segment` (which starts a run)."""
            value = bounds[(segment - 1) // 2]
            bound = self.unit.literal(value) if type(value) is int else self.unit.obj(value)
            return f"{x} < {bound}" if segment % 2 else f"{x} <= {bound}"

        def walk(lo: int, hi: int, prefix: str):
            if hi - lo == 1:
                leaf(runs[lo], prefix)
                return
            mid = (lo + hi) // 2
            emit(f"{prefix}if {below(runs[mid])}:")
            walk(lo, mid, prefix + "    ")
            emit(f"{prefix}else:")
            walk(mid, hi, prefix + "    ")
        walk(0, len(runs), prefix)
