"""pieces: a fact's domain cut at the thresholds the rules compare it with, into the pieces on
which every decision keeps its value (space.py finds the thresholds)."""
from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import Optional

import attrs


@attrs.frozen
class Piece:
    """A part of a fact's domain where every decision keeps its value.

    Ordered facts: the interval lo..hi (None = unbounded; closedness for dense types; integers
    and dates are always given closed). Finite facts: `values`, the set of values it stands for.
    `sample` is the value evaluated."""

    sample: object
    lo: object = None
    lo_closed: bool = True
    hi: object = None
    hi_closed: bool = True
    values: Optional[frozenset] = None

    def contains(self, value) -> bool:
        if self.values is not None:
            return value in self.values
        if self.lo is not None and (value < self.lo or (value == self.lo and not self.lo_closed)):
            return False
        if self.hi is not None and (value > self.hi or (value == self.hi and not self.hi_closed)):
            return False
        return True



def ordered_pieces(points: list, kind: str, domain: tuple, current) -> list:
    lo, lo_closed, hi, hi_closed = domain
    discrete = kind == "discrete"
    if discrete:
        points = discrete_points(points)
    inside = [p for p in points if _in_domain(p, domain)]
    for end, closed in ((lo, lo_closed), (hi, hi_closed)):
        if end is not None and closed:
            inside.append(end)
    inside = sorted(set(inside))
    if not inside:
        if lo is None and hi is None:
            return [Piece(current if current is not None else Decimal(0))]
        sample = current if current is not None else _between(lo, hi, discrete)
        return [Piece(sample, lo, lo_closed, hi, hi_closed)]
    pieces = []
    one = (dt.timedelta(days=1) if isinstance(inside[0], dt.date) else 1 if isinstance(inside[0], int) else Decimal(1))
    # below the first point
    first = inside[0]
    if lo is None:
        pieces.append(_stretch(None, first, discrete, one))
    elif lo < first:
        pieces.append(_stretch((lo, lo_closed), first, discrete, one, left_open=not lo_closed))
    for a, b in zip(inside, inside[1:]):
        pieces.append(Piece(a, a, True, a, True))
        if discrete:
            if b - a > one:
                pieces.append(Piece(a + one, a + one, True, b - one, True))
        else:
            pieces.append(Piece((a + b) / 2, a, False, b, False))
    last = inside[-1]
    pieces.append(Piece(last, last, True, last, True))
    if hi is None:
        pieces.append(Piece(last + one, last + one, True, None, True) if discrete
                      else Piece(last + one, last, False, None, True))
    elif last < hi:
        if discrete:
            pieces.append(Piece(last + one, last + one, True, hi, True))
        else:
            pieces.append(Piece((last + hi) / 2, last, False, hi, hi_closed))
    return [p for p in pieces if p is not None]


def on_grid(pieces: list, grid: Decimal) -> list:
    """Money facts are whole cents: a piece's sample is a cent inside it, and a piece with no
    cent inside (a threshold of 10,339.005 €, or the open stretch next to it) is no piece."""
    kept = []
    for piece in pieces:
        sample = piece.sample
        if sample != sample.quantize(grid):
            if piece.lo is None:
                sample = sample.quantize(grid, decimal.ROUND_FLOOR)
            else:
                sample = piece.lo.quantize(grid, decimal.ROUND_FLOOR)
                while not piece.contains(sample):
                    sample += grid
                    if piece.hi is not None and sample > piece.hi:
                        break
        if piece.contains(sample):
            kept.append(attrs.evolve(piece, sample=sample))
    return kept


def _stretch(lo_end, first, discrete, one, left_open=False):
    if lo_end is None:
        if discrete:
            return Piece(first - one, None, True, first - one, True)
        return Piece(first - one, None, True, first, False)
    lo, _closed = lo_end
    if discrete:
        return Piece(first - one, lo, True, first - one, True) if first - one >= lo else None
    return Piece((lo + first) / 2, lo, not left_open, first, False)


def _between(lo, hi, discrete):
    if lo is not None:
        return lo if not discrete else lo
    return hi


def discrete_points(points: list) -> list:
    out = []
    for p in points:
        if isinstance(p, Decimal) and p != p.to_integral_value():
            out += [p.to_integral_value(decimal.ROUND_FLOOR), p.to_integral_value(decimal.ROUND_CEILING)]
        else:
            out.append(p)
    return out


def _in_domain(p, domain) -> bool:
    lo, lo_closed, hi, hi_closed = domain
    try:
        if lo is not None and (p < lo or (p == lo and not lo_closed)):
            return False
        if hi is not None and (p > hi or (p == hi and not hi_closed)):
            return False
    except TypeError:
        return False
    return True


def last_without(has_value, without: int, within: int) -> int:
    """Between a point where `has_value` is false and one where it is true, the last where it is
    false (the values taken to lie in one stretch, as a declared range makes them): a bisection."""
    while abs(within - without) > 1:
        middle = (without + within) // 2
        if has_value(middle):
            within = middle
        else:
            without = middle
    return without
