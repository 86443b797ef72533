"""stage: one column (its domain, every row's cell) → an axis of numbered slabs; slabs → cells.

The analysis works on integers only. Each column's domain is cut into slabs, numbered 0..n-1,
such that every row's cell is exactly a union of slabs; a cell becomes a tuple of half-open slab
ranges ((start, end), ...), ascending and merged. Two inputs in the same slab are matched by the
same rows of this column, so one representative value per slab decides everything.

- Ordered columns: the slabs are the elementary pieces between the distinct interval endpoints
  ("cuts") of all cells, clipped to the declared range. A cut is a position between two values:
  (1, v) for integers and day ordinals (just before v), (1, v, 0) / (1, v, 1) for decimals (just
  before / just after v), so open and closed ends are both exact; NEG / POS are the infinities.
- Finite columns: one slab per domain value, in declared order.
- Text columns: one slab per string written in some cell of the column, plus one slab "other"
  for all the strings no cell mentions (they all behave alike).
"""
from __future__ import annotations

import abc
import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import Any, Iterable

from engine.checker.table_model import (
    DATE, DENSE, Domain, FiniteDomain, Interval, IntervalSet, OrderedDomain, TextDomain, TextSet,
    ValueSet,
)

NEG = (0,)
POS = (2,)
_MIN_DAY = dt.date.min.toordinal()
_MAX_DAY = dt.date.max.toordinal()
_NICE_DAY = dt.date(2000, 1, 1).toordinal()  # example for a date column nobody constrains


def _floor(x: Any) -> int:
    return x if isinstance(x, int) else int(x.to_integral_value(rounding=ROUND_FLOOR))


def _ceil(x: Any) -> int:
    return x if isinstance(x, int) else int(x.to_integral_value(rounding=ROUND_CEILING))


def runs(indexes: Iterable[int]) -> tuple:
    """Ascending slab numbers → merged half-open ranges."""
    out: list = []
    for i in indexes:
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        elif not out or out[-1][1] < i:
            out.append((i, i + 1))
    return tuple(out)


def slabs_of(ranges: tuple) -> list:
    return [i for s, e in ranges for i in range(s, e)]


# ---------------------------------------------------------------------------- ordered values

class OrderedCodec:
    """Intervals of one ordered domain ↔ pairs of cuts, clipped to the declared range."""

    def __init__(self, domain: OrderedDomain, dates: bool):
        self.dense = domain.kind == DENSE
        self.dates = dates
        self.unit = domain.unit  # a duration column: whole days or months, shown as durations
        lo = self.lo_cut(domain.lo, domain.lo_closed)
        hi = self.hi_cut(domain.hi, domain.hi_closed)
        if dates:  # a date column is bounded by the calendar even when the range is not
            lo, hi = max(lo, (1, _MIN_DAY)), min(hi, (1, _MAX_DAY + 1))
        self.lo, self.hi = lo, hi

    def _num(self, v: Any) -> Any:
        if self.dates:
            if not isinstance(v, dt.date):
                raise TypeError(f"date column: bound {v!r} is not a date")
            return v.toordinal()
        if isinstance(v, bool) or not isinstance(v, (Decimal, int)):
            raise TypeError(f"numeric column: bound {v!r} is not a Decimal")
        if isinstance(v, Decimal) and not v.is_finite():
            raise ValueError(f"numeric column: bound {v!r} is not finite")
        return Decimal(v)

    def lo_cut(self, v: Any, closed: bool) -> tuple:
        if v is None:
            return NEG
        x = self._num(v)
        if self.dense:
            return (1, x, 0 if closed else 1)
        return (1, _ceil(x) if closed else _floor(x) + 1)

    def hi_cut(self, v: Any, closed: bool) -> tuple:
        if v is None:
            return POS
        x = self._num(v)
        if self.dense:
            return (1, x, 1 if closed else 0)
        return (1, _floor(x) + 1 if closed else _ceil(x))

    def spans(self, cell: IntervalSet) -> list:
        """A cell → its (start cut, end cut) pairs inside the domain, ascending and merged."""
        if not isinstance(cell, IntervalSet):
            raise TypeError(f"ordered column needs an IntervalSet, not {cell!r}")
        pairs = []
        for iv in cell.intervals:
            s = max(self.lo_cut(iv.lo, iv.lo_closed), self.lo)
            e = min(self.hi_cut(iv.hi, iv.hi_closed), self.hi)
            if s < e:
                pairs.append((s, e))
        pairs.sort()
        merged: list = []
        for s, e in pairs:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged

    def _value(self, x: Any) -> Any:
        return dt.date.fromordinal(x) if self.dates else Decimal(x)

    def bounds(self, s: tuple, e: tuple) -> tuple:
        """Cut pair → (lo, lo_closed, hi, hi_closed); discrete values come back closed."""
        if self.dense:
            lo = None if s == NEG else s[1]
            hi = None if e == POS else e[1]
            return (lo, s == NEG or s[2] == 0, hi, e == POS or e[2] == 1)
        lo = None if s == NEG or (self.dates and s[1] == _MIN_DAY) else self._value(s[1])
        hi = None if e == POS or (self.dates and e[1] == _MAX_DAY + 1) else self._value(e[1] - 1)
        return (lo, True, hi, True)

    def interval(self, s: tuple, e: tuple) -> Interval:
        return Interval(*self.bounds(s, e))

    def example(self, s: tuple, e: tuple) -> Any:
        """A "nice" value between two cuts: a closed bound, else an integer, else the midpoint."""
        if not self.dense:
            a = None if s == NEG else s[1]
            b = None if e == POS else e[1] - 1
            if self.dates:
                if a is not None and a > _MIN_DAY:
                    return dt.date.fromordinal(a)
                if b is not None and b < _MAX_DAY:
                    return dt.date.fromordinal(b)
                return dt.date.fromordinal(_NICE_DAY)  # the whole calendar
            return a if a is not None else (b if b is not None else 0)
        lo, lo_closed, hi, hi_closed = self.bounds(s, e)
        if lo is not None and lo_closed:
            return lo
        if lo is None:
            if hi is None:
                return Decimal(0)
            return hi if hi_closed else Decimal(_ceil(hi) - 1)
        k = Decimal(_floor(lo) + 1)
        if hi is None or k < hi or (k == hi and hi_closed):
            return k
        if hi_closed:
            return hi
        with localcontext() as ctx:  # exact: as many digits as the two bounds span, and one more
            lowest = min(lo.as_tuple().exponent, hi.as_tuple().exponent)
            ctx.prec = max(28, max(lo.adjusted(), hi.adjusted()) - lowest + 3)
            return lo + (hi - lo) / 2


def has_dates(domain: OrderedDomain, cells: Iterable[Any]) -> bool:
    if domain.kind == DATE or isinstance(domain.lo, dt.date) or isinstance(domain.hi, dt.date):
        return True
    if domain.kind == DENSE:
        return False
    for cell in cells:
        for iv in getattr(cell, "intervals", ()):
            if isinstance(iv.lo, dt.date) or isinstance(iv.hi, dt.date):
                return True
    return False


# ---------------------------------------------------------------------------- axes

class Axis(abc.ABC):
    """One column as `n` slabs; per row, its `ranges[r]` and whether they cover all (`full[r]`).
    Each kind of domain (ordered, finite, text) says how slabs map back to cells and values."""

    n: int
    ranges: list

    def _finish(self) -> None:
        self.whole = ((0, self.n),)
        self.full = [rg == self.whole for rg in self.ranges]

    @abc.abstractmethod
    def cell(self, ranges: tuple) -> Any:
        """Slab ranges → the model's cell."""

    @abc.abstractmethod
    def example(self, ranges: tuple) -> Any:
        """Slab ranges (non-empty) → one value in them."""


class OrderedAxis(Axis):
    def __init__(self, domain: OrderedDomain, cells: list):
        self.codec = codec = OrderedCodec(domain, has_dates(domain, cells))
        of_cell: dict = {}  # id(cell) -> its spans: a table's rows share the cells of one text (engine/checker/check.py)
        spans = []
        for cell in cells:
            found = of_cell.get(id(cell))
            if found is None:
                found = of_cell[id(cell)] = codec.spans(cell)
            spans.append(found)
        if codec.lo < codec.hi:
            ends = {c for sp in spans for pair in sp for c in pair}
            self.cuts = sorted(ends | {codec.lo, codec.hi})
        else:  # empty declared range
            self.cuts = []
        index = {c: i for i, c in enumerate(self.cuts)}
        self.n = max(len(self.cuts) - 1, 0)
        of_spans: dict = {}  # id(spans) -> ranges
        self.ranges = []
        for sp in spans:
            found = of_spans.get(id(sp))
            if found is None:
                found = of_spans[id(sp)] = tuple((index[s], index[e]) for s, e in sp)
            self.ranges.append(found)
        self._finish()

    def cell(self, ranges: tuple) -> IntervalSet:
        return IntervalSet(self.codec.interval(self.cuts[s], self.cuts[e]) for s, e in ranges)

    def example(self, ranges: tuple) -> Any:
        s, e = ranges[0]
        return self.codec.example(self.cuts[s], self.cuts[e])


class FiniteAxis(Axis):
    def __init__(self, domain: FiniteDomain, cells: list):
        self.values = tuple(dict.fromkeys(domain.values))
        index = {v: i for i, v in enumerate(self.values)}
        self.n = len(self.values)
        self.ranges = []
        of_cell: dict = {}  # id(cell) -> its ranges: rows share the cells of one text (engine/checker/check.py)
        for cell in cells:
            found = of_cell.get(id(cell))
            if found is None:
                if not isinstance(cell, ValueSet):
                    raise TypeError(f"finite column needs a ValueSet, not {cell!r}")
                found = of_cell[id(cell)] = runs(sorted(index[v] for v in cell.values if v in index))
            self.ranges.append(found)
        self._finish()

    def cell(self, ranges: tuple) -> ValueSet:
        return ValueSet(self.values[i] for i in slabs_of(ranges))

    def example(self, ranges: tuple) -> Any:
        return self.values[ranges[0][0]]


class TextAxis(Axis):
    def __init__(self, domain: TextDomain, cells: list):
        for cell in cells:
            if not isinstance(cell, TextSet):
                raise TypeError(f"text column needs a TextSet, not {cell!r}")
        self.pool = sorted({v for cell in cells for v in cell.values})
        index = {v: i for i, v in enumerate(self.pool)}
        self.other = len(self.pool)  # the slab of every string no cell mentions
        self.n = self.other + 1
        self.ranges = []
        for cell in cells:
            chosen = {index[v] for v in cell.values}
            if cell.negated:
                chosen = set(range(self.n)) - chosen
            self.ranges.append(runs(sorted(chosen)))
        self._finish()

    def cell(self, ranges: tuple) -> TextSet:
        chosen = set(slabs_of(ranges))
        if self.other in chosen:
            return TextSet((v for i, v in enumerate(self.pool) if i not in chosen), negated=True)
        return TextSet((self.pool[i] for i in chosen), negated=False)

    def example(self, ranges: tuple) -> str:
        last_start, last_end = ranges[-1]
        if last_end - 1 == self.other:
            return fresh_string(self.pool)
        return self.pool[ranges[0][0]]


def fresh_string(taken: Iterable[str]) -> str:
    """"other", "other1", … : the first one that no cell mentions."""
    taken = set(taken)
    name, k = "other", 0
    while name in taken:
        k += 1
        name = f"other{k}"
    return name


def build_axis(domain: Domain, cells: list) -> Axis:
    if isinstance(domain, OrderedDomain):
        return OrderedAxis(domain, cells)
    if isinstance(domain, FiniteDomain):
        return FiniteAxis(domain, cells)
    if isinstance(domain, TextDomain):
        return TextAxis(domain, cells)
    raise TypeError(f"not a domain: {domain!r}")
