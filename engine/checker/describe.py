"""stage: a region (one cell per column) → a short description: `age 30..60 and flag = false`.

Notation, per column (columns whose cell is the whole declared domain are left out; a region
that leaves out every column is "any input"):

  age = 42                 one value
  stay 31 days..365 days   a duration column, counted in days or months, written as durations
  age 30..60               closed range (both ends included)
  amount in (49..50)       a range with an open end: `(a..b)`, `[a..b)`, `(a..b]`
  amount >= 50, age < 18   a range with one end: the other end is unbounded, or is the end of
                           the declared range (`age <= 17` on `integer 0..130`)
  age in {<= 17, 65..70}   several ranges, each written as above
  flag = false             one value of a finite domain (booleans written true/false)
  nationality in {DK, NO}  several values, in declared order
  nationality not in {…}   when the complement is much shorter (`!=` for a single value)
  language = "fr"          text is quoted; `language not in {"en", "fr"}` (sorted) for negated sets
  age in {}                a cell that selects nothing in the domain
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Optional

from engine.checker.axes import OrderedCodec, has_dates
from engine.checker.table_model import Domain, FiniteDomain, OrderedDomain, TextDomain
from engine.durations import Months, describe as describe_duration


def describe_region(columns: tuple, region: tuple) -> str:
    parts = [describe_cell(col.name, col.domain, cell) for col, cell in zip(columns, region)]
    shown = [p for p in parts if p is not None]
    return " and ".join(shown) if shown else "any input"


def describe_cell(name: str, domain: Domain, cell: Any) -> Optional[str]:
    """One column's test, or None when the cell is the whole domain."""
    if isinstance(domain, OrderedDomain):
        return _ordered(name, domain, cell)
    if isinstance(domain, FiniteDomain):
        return _finite(name, domain, cell)
    if isinstance(domain, TextDomain):
        return _text(name, cell)
    raise TypeError(f"not a domain: {domain!r}")


def format_value(v: Any, unit: Optional[str] = None) -> str:
    """A value as a finding shows it; `unit` ("days", "months") reads a count as a duration."""
    if unit is not None:
        return describe_duration(as_duration(v, unit))
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return _decimal(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def as_duration(count: Any, unit: str):
    """The analyser counts a duration column in whole days or months: the value that count is."""
    return dt.timedelta(days=int(count)) if unit == "days" else Months(int(count))


def _decimal(d: Decimal) -> str:
    if d == d.to_integral_value():
        return str(int(d))
    return format(d, "f").rstrip("0")  # not normalize(): it rounds to the context's precision


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _set(name: str, op: str, items: list) -> str:
    return f"{name} {op} {{{', '.join(items)}}}"


def _ordered(name: str, domain: OrderedDomain, cell: Any) -> Optional[str]:
    codec = OrderedCodec(domain, has_dates(domain, [cell]))
    spans = codec.spans(cell)
    if spans == [(codec.lo, codec.hi)]:
        return None
    if not spans:
        return _set(name, "in", [])
    pieces = [_piece(codec, s, e) for s, e in spans]
    if len(pieces) > 1:
        return _set(name, "in", [text for _, text in pieces])
    form, text = pieces[0]
    return {"point": f"{name} = {text}", "range": f"{name} {text}", "ray": f"{name} {text}",
            "bracket": f"{name} in {text}"}[form]


def _piece(codec: OrderedCodec, s: tuple, e: tuple) -> tuple:
    """A cut pair → (form, text); an end equal to the declared range's end is not written."""
    lo, lo_closed, hi, hi_closed = codec.bounds(s, e)
    lo = None if s == codec.lo else lo
    hi = None if e == codec.hi else hi
    unit = codec.unit
    if lo is None:
        return "ray", f"{'<=' if hi_closed else '<'} {format_value(hi, unit)}"
    if hi is None:
        return "ray", f"{'>=' if lo_closed else '>'} {format_value(lo, unit)}"
    if lo == hi:
        return "point", format_value(lo, unit)
    text = f"{format_value(lo, unit)}..{format_value(hi, unit)}"
    if lo_closed and hi_closed:
        return "range", text
    return "bracket", f"{'[' if lo_closed else '('}{text}{']' if hi_closed else ')'}"


def _finite(name: str, domain: FiniteDomain, cell: Any) -> Optional[str]:
    chosen = [v for v in domain.values if v in cell.values]
    rest = [v for v in domain.values if v not in cell.values]
    if not rest:
        return None
    if len(chosen) == 1:
        return f"{name} = {format_value(chosen[0])}"
    if 2 * len(rest) < len(chosen):  # e.g. all countries but two
        if len(rest) == 1:
            return f"{name} != {format_value(rest[0])}"
        return _set(name, "not in", [format_value(v) for v in rest])
    return _set(name, "in", [format_value(v) for v in chosen])


def _text(name: str, cell: Any) -> Optional[str]:
    values = [_quote(v) for v in sorted(cell.values)]
    if cell.negated:
        if not values:
            return None
        return f"{name} != {values[0]}" if len(values) == 1 else _set(name, "not in", values)
    return f"{name} = {values[0]}" if len(values) == 1 else _set(name, "in", values)
