"""stage: converted decision table → the AST-free model that engine.checker.analysis reads and reports in.

A table is a list of rows; each row is a box in the input space: one cell per column, each cell a
set of values of that column's declared domain. The caller (the AST converter) builds these
classes; the analyser never sees the AST.

Domains
  OrderedDomain  integers and dates ("discrete": a date is discrete in days) or exact decimals
                 ("dense": number, money), with the declared range as bounds (None = unbounded).
                 kind "date" is accepted as a synonym of "discrete" that also says the values are
                 dates: needed only when no bound of the column is a date (then the analyser
                 cannot tell an unbounded date column from an integer one).
  FiniteDomain   booleans, enumeration symbols (declared order), countries.
  TextDomain     every string; cells compare by equality only.

Cells
  IntervalSet    union of intervals, for ordered columns.
  ValueSet       for finite columns.
  TextSet        for text columns; negated = every string except `values`.
Values outside the declared domain do not count: a cell is read as its intersection with it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Hashable, Optional, Union

import attrs

Bound = Union[Decimal, dt.date, None]

DISCRETE = "discrete"
DENSE = "dense"
DATE = "date"
DURATION_UNITS = ("days", "months")


# ---------------------------------------------------------------------------- domains

@attrs.frozen
class OrderedDomain:
    kind: str  # "discrete" | "dense" | "date"
    lo: Bound = None
    lo_closed: bool = True
    hi: Bound = None
    hi_closed: bool = True
    unit: Optional[str] = None  # "days" | "months": a discrete duration, counted in that unit

    def __attrs_post_init__(self) -> None:
        if self.kind not in (DISCRETE, DENSE, DATE):
            raise ValueError(f"OrderedDomain kind must be discrete, dense or date: {self.kind!r}")
        if self.unit is not None and (self.unit not in DURATION_UNITS or self.kind != DISCRETE):
            raise ValueError(f"OrderedDomain unit must be days or months, on a discrete domain: {self.unit!r}")


@attrs.frozen
class FiniteDomain:
    values: tuple = attrs.field(converter=tuple)


@attrs.frozen
class TextDomain:
    pass


Domain = Union[OrderedDomain, FiniteDomain, TextDomain]

BOOLEAN = FiniteDomain((False, True))


def integer_domain(lo: Bound = None, hi: Bound = None) -> OrderedDomain:
    """`integer lo..hi` (either end may be None)."""
    return OrderedDomain(DISCRETE, _dec(lo), True, _dec(hi), True)


def duration_domain(unit: str, lo: Bound = None, hi: Bound = None) -> OrderedDomain:
    """A duration column as whole `unit`s ("days" or "months"), with its declared range in them."""
    return OrderedDomain(DISCRETE, _dec(lo), True, _dec(hi), True, unit)


def date_domain(lo: Optional[dt.date] = None, hi: Optional[dt.date] = None) -> OrderedDomain:
    return OrderedDomain(DATE, lo, True, hi, True)


def decimal_domain(lo: Bound = None, hi: Bound = None, lo_closed: bool = True,
                   hi_closed: bool = True) -> OrderedDomain:
    """`number`/`money` with an optional range (`money >= 0` is decimal_domain(0))."""
    return OrderedDomain(DENSE, _dec(lo), lo_closed, _dec(hi), hi_closed)


# ---------------------------------------------------------------------------- cells

@attrs.frozen
class Interval:
    lo: Bound = None
    lo_closed: bool = True
    hi: Bound = None
    hi_closed: bool = True


@attrs.frozen
class IntervalSet:
    intervals: tuple = attrs.field(converter=tuple)


@attrs.frozen
class ValueSet:
    values: frozenset = attrs.field(converter=frozenset)


@attrs.frozen
class TextSet:
    values: frozenset = attrs.field(converter=frozenset, default=frozenset())
    negated: bool = False


Cell = Union[IntervalSet, ValueSet, TextSet]


def anything(domain: Domain) -> Cell:
    """The `-` cell of a column: its whole domain."""
    if isinstance(domain, OrderedDomain):
        return IntervalSet((Interval(),))
    if isinstance(domain, FiniteDomain):
        return ValueSet(domain.values)
    if isinstance(domain, TextDomain):
        return TextSet(frozenset(), negated=True)
    raise TypeError(f"not a domain: {domain!r}")


def between(lo: Bound, hi: Bound, lo_closed: bool = True, hi_closed: bool = True) -> IntervalSet:
    """`lo..hi`, `(lo..hi]` …; None for an unbounded end."""
    return IntervalSet((Interval(_dec(lo), lo_closed, _dec(hi), hi_closed),))


def point(value: Bound) -> IntervalSet:
    return between(value, value)


def at_least(value: Bound, closed: bool = True) -> IntervalSet:
    """`>= value`, or `> value` when not closed."""
    return between(value, None, lo_closed=closed)


def at_most(value: Bound, closed: bool = True) -> IntervalSet:
    """`<= value`, or `< value` when not closed."""
    return between(None, value, hi_closed=closed)


def one_of(*values: Hashable) -> ValueSet:
    return ValueSet(frozenset(values))


def text_in(*values: str) -> TextSet:
    return TextSet(frozenset(values), negated=False)


def text_not_in(*values: str) -> TextSet:
    return TextSet(frozenset(values), negated=True)


def _dec(value: Any) -> Bound:
    # Helpers accept ints for convenience; the model itself only holds Decimal or date.
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"bound must be Decimal, int or date, not {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    return value


# ---------------------------------------------------------------------------- table

@attrs.frozen
class Column:
    name: str
    domain: Domain


@attrs.frozen
class Row:
    cells: tuple = attrs.field(converter=tuple)
    output: Hashable = ()
    line: int = 0


@attrs.frozen
class Table:
    columns: tuple = attrs.field(converter=tuple)
    rows: tuple = attrs.field(converter=tuple)
    hit: str = "unique"
    has_otherwise: bool = False


# ---------------------------------------------------------------------------- findings
# `example` maps column name → a concrete input value; dicts are not hashable, so they are left
# out of the generated __hash__ (equality still compares them).

@attrs.frozen
class Overlap:
    first: int
    second: int
    example: dict = attrs.field(hash=False)


@attrs.frozen
class Gap:
    example: dict = attrs.field(hash=False)
    region: tuple  # one cell per column, in the table's column order


@attrs.frozen
class Masked:
    row: int
    by: tuple  # earlier rows that fire instead of `row` somewhere in its box, ascending
    example: Optional[dict] = attrs.field(default=None, hash=False)


@attrs.frozen
class Findings:
    overlaps: tuple = ()
    gaps: tuple = ()
    masked: tuple = ()
    # Rows that no input in the declared domains can match (e.g. `> 200` on `integer 0..130`).
    empty: tuple = ()
    overlaps_truncated: bool = False  # more overlapping pairs exist (or may) than are reported
    gaps_truncated: bool = False      # more gap regions exist (or may) than are reported
    # False when analyse() ran out of work budget: what is reported is true, but maybe not all
    # of it, and masked rows are not reported at all.
    complete: bool = True

    @property
    def truncated(self) -> bool:
        return self.overlaps_truncated or self.gaps_truncated
