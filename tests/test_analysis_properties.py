"""stage: random small tables → engine.checker.analysis findings, checked against brute-force enumeration.

Each column gets a finite list of sample inputs that meets every class of inputs the cells can
tell apart: all integers/days of a small range, for decimals every bound written anywhere and the
midpoints between them (and one beyond each end), for text the strings written plus one that no
cell mentions. Membership is computed here from the model's definitions, independently of the
analyser's slab encoding.
"""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.checker.analysis import (
    BOOLEAN, DATE, DENSE, DISCRETE, Column, FiniteDomain, Interval, IntervalSet, OrderedDomain,
    Row, Table, TextDomain, TextSet, ValueSet, analyse, anything, describe_region,
)

D0 = dt.date(2025, 3, 1)
# Fractional bounds on integer columns check rounding inwards; quarters on decimal columns give
# open intervals with no whole number inside (the example is then a midpoint).
INT_BOUNDS = [D(v) for v in ("-1", "0", "0.5", "1", "2", "2.5", "3", "4", "4.5", "6", "7")]
DENSE_BOUNDS = [D(v) for v in ("-0.5", "0", "0.25", "0.5", "0.75", "1", "1.5", "2.25", "2.5",
                               "3", "3.5")]
DATE_BOUNDS = [D0 + dt.timedelta(days=k) for k in range(-1, 7)]
TEXT_POOL = ["x", "y", "other"]
UNMENTIONED = "zz unmentioned"

DOMAINS = {
    "int": [OrderedDomain(DISCRETE, D(0), True, D(6), True),
            OrderedDomain(DISCRETE, None, True, D(6), True),
            OrderedDomain(DISCRETE, D(0), False, None, True)],
    "dense": [OrderedDomain(DENSE, D(0), True, D(3), True),
              OrderedDomain(DENSE, D(0), False, D(3), False),
              OrderedDomain(DENSE)],
    "date": [OrderedDomain(DATE, D0, True, D0 + dt.timedelta(days=5), True),
             OrderedDomain(DISCRETE, None, True, D0 + dt.timedelta(days=5), False)],
    "enum": [FiniteDomain(("a", "b", "c"))],
    "bool": [BOOLEAN],
    "text": [TextDomain()],
}
BOUNDS = {"int": INT_BOUNDS, "dense": DENSE_BOUNDS, "date": DATE_BOUNDS}


# ---------------------------------------------------------------------------- generation

def cells(kind: str, domain, sparse: bool):
    if sparse:  # single values: many small gaps in many branches, which then have to merge
        if kind in BOUNDS:
            some = st.sampled_from(BOUNDS[kind]).map(
                lambda v: IntervalSet((Interval(v, True, v, True),)))
        elif kind == "text":
            some = st.sampled_from(TEXT_POOL).map(lambda v: TextSet({v}))
        else:
            some = st.sampled_from(domain.values).map(lambda v: ValueSet({v}))
    elif kind in BOUNDS:
        some = st.lists(intervals(BOUNDS[kind]), min_size=1, max_size=2).map(
            lambda ivs: IntervalSet(tuple(ivs)))
    elif kind == "text":
        some = st.builds(TextSet, st.frozensets(st.sampled_from(TEXT_POOL), min_size=1,
                                                max_size=2), st.booleans())
    else:
        some = st.frozensets(st.sampled_from(domain.values), min_size=1).map(ValueSet)
    return st.one_of(st.just(anything(domain)), some, some)


@st.composite
def intervals(draw, bounds):
    # mostly lo <= hi: an inverted interval is an empty cell, which the empty-row check covers
    lo, hi = (draw(st.one_of(st.none(), st.sampled_from(bounds))) for _ in range(2))
    if lo is not None and hi is not None and lo > hi and draw(st.integers(0, 9)):
        lo, hi = hi, lo
    return Interval(lo, draw(st.booleans()), hi, draw(st.booleans()))


@st.composite
def tables(draw):
    kinds = draw(st.lists(st.sampled_from(list(DOMAINS)), min_size=1, max_size=3))
    columns = [Column(f"c{k}_{kind}", draw(st.sampled_from(DOMAINS[kind])))
               for k, kind in enumerate(kinds)]
    sparse = draw(st.booleans())
    rows = [Row(tuple(draw(cells(kind, col.domain, sparse)) for kind, col in zip(kinds, columns)),
                (draw(st.sampled_from("xy")),), i + 1)
            for i in range(draw(st.integers(1, 7)))]
    hit = draw(st.sampled_from(["unique", "any", "first", "first", "collect"]))
    otherwise = draw(st.sampled_from([False, False, True]))
    return Table(tuple(columns), tuple(rows), hit, otherwise)


# ---------------------------------------------------------------------------- brute force

def in_interval(v, iv: Interval) -> bool:
    if iv.lo is not None and (v < iv.lo or (v == iv.lo and not iv.lo_closed)):
        return False
    if iv.hi is not None and (v > iv.hi or (v == iv.hi and not iv.hi_closed)):
        return False
    return True


def in_cell(v, cell) -> bool:
    if isinstance(cell, IntervalSet):
        return any(in_interval(v, iv) for iv in cell.intervals)
    if isinstance(cell, ValueSet):
        return v in cell.values
    return (v in cell.values) != cell.negated


def in_domain(v, domain) -> bool:
    if isinstance(domain, OrderedDomain):
        if domain.kind == DENSE:
            ok_type = isinstance(v, D)
        elif is_date(domain):
            ok_type = isinstance(v, dt.date)
        else:
            ok_type = isinstance(v, int) and not isinstance(v, bool)
        return ok_type and in_interval(v, Interval(domain.lo, domain.lo_closed,
                                                   domain.hi, domain.hi_closed))
    if isinstance(domain, FiniteDomain):
        return v in domain.values
    return isinstance(v, str)


def is_date(domain: OrderedDomain) -> bool:
    return domain.kind == DATE or any(isinstance(b, dt.date) for b in (domain.lo, domain.hi))


def samples(column: Column, table: Table) -> list:
    """Inputs of the column's domain, one at least in every class its cells can tell apart."""
    domain = column.domain
    k = table.columns.index(column)
    if isinstance(domain, FiniteDomain):
        return list(domain.values)
    if isinstance(domain, TextDomain):
        return TEXT_POOL + [UNMENTIONED]
    written = {b for row in table.rows for iv in row.cells[k].intervals for b in (iv.lo, iv.hi)}
    written |= {domain.lo, domain.hi}
    written.discard(None)
    if not written:
        written = {D0 if is_date(domain) else D(0)}
    if is_date(domain):
        days = sorted(d.toordinal() for d in written)
        points = [dt.date.fromordinal(d) for d in range(days[0] - 1, days[-1] + 2)]
    elif domain.kind == DISCRETE:
        points = list(range(int(min(written)) - 1, int(max(written)) + 2))
    else:
        values = sorted(written)
        mids = [(a + b) / 2 for a, b in zip(values, values[1:])]
        points = sorted(values + mids + [values[0] - 1, values[-1] + 1])
    return [p for p in points if in_domain(p, domain)]


class Brute:
    """The table's input space as a finite set of sample points (tuples of indexes)."""

    def __init__(self, table: Table):
        self.table = table
        self.points = [samples(col, table) for col in table.columns]
        self.space = set(itertools.product(*(range(len(p)) for p in self.points)))
        self.rows = [self.box(row.cells) for row in table.rows]

    def box(self, cells) -> set:
        return set(itertools.product(*(
            [i for i, v in enumerate(pts) if in_cell(v, cell)]
            for pts, cell in zip(self.points, cells))))

    def matches(self, example: dict, cells) -> bool:
        return all(in_domain(example[col.name], col.domain) and in_cell(example[col.name], cell)
                   for col, cell in zip(self.table.columns, cells))

    def overlapping_pairs(self) -> list:
        t = self.table
        if t.hit not in ("unique", "any"):
            return []
        return [(i, j) for i, j in itertools.combinations(range(len(t.rows)), 2)
                if self.rows[i] & self.rows[j]
                and (t.hit == "unique" or t.rows[i].output != t.rows[j].output)]

    def firing(self, point) -> int:
        return min(r for r, box in enumerate(self.rows) if point in box)


# ---------------------------------------------------------------------------- properties

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(tables())
def test_findings_agree_with_brute_force(table):
    f = analyse(table, max_overlaps=10_000, max_gaps=10_000)
    brute = Brute(table)
    rows = table.rows
    assert f.complete and not f.truncated

    assert f.empty == tuple(r for r, box in enumerate(brute.rows) if not box)

    # overlaps: exactly the pairs that share an input, each with a shared input as witness
    assert [(o.first, o.second) for o in f.overlaps] == brute.overlapping_pairs()
    for o in f.overlaps:
        assert brute.matches(o.example, rows[o.first].cells)
        assert brute.matches(o.example, rows[o.second].cells)

    # gaps: every input is matched by some row or lies in exactly one gap region
    covered = set().union(*brute.rows)
    if table.has_otherwise:
        assert f.gaps == ()
    else:
        seen: set = set()
        for g in f.gaps:
            region = brute.box(g.region)
            assert region and not region & covered and not region & seen
            seen |= region
            assert brute.matches(g.example, g.region)
            assert not any(brute.matches(g.example, row.cells) for row in rows)
            assert describe_region(table.columns, g.region)
        assert seen == brute.space - covered

    # masked (first): rows that never fire, by the rows that fire in their place
    if table.hit == "first":
        expected = [(r, tuple(sorted({brute.firing(p) for p in box})))
                    for r, box in enumerate(brute.rows)
                    if box and all(brute.firing(p) < r for p in box)]
        assert [(m.row, m.by) for m in f.masked] == expected
        for m in f.masked:
            assert brute.matches(m.example, rows[m.row].cells)
    else:
        assert f.masked == ()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(0, 3), st.integers(0, 3))
def test_caps_keep_the_first_findings_and_say_so(table, max_overlaps, max_gaps):
    whole = analyse(table, max_overlaps=10_000, max_gaps=10_000)
    capped = analyse(table, max_overlaps=max_overlaps, max_gaps=max_gaps)
    assert capped.overlaps == whole.overlaps[:max_overlaps]
    assert capped.overlaps_truncated == (len(whole.overlaps) > max_overlaps)
    assert capped.gaps == whole.gaps[:max_gaps]
    assert capped.gaps_truncated == (len(whole.gaps) > max_gaps)
    assert capped.masked == whole.masked


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(0, 400))
def test_out_of_work_findings_are_still_true(table, max_work):
    whole = analyse(table, max_overlaps=10_000, max_gaps=10_000)
    part = analyse(table, max_overlaps=10_000, max_gaps=10_000, max_work=max_work)
    if part.complete:
        assert part == whole
        return
    brute = Brute(table)
    assert set(part.overlaps) <= set(whole.overlaps)
    assert part.overlaps_truncated == (table.hit in ("unique", "any"))
    covered = set().union(*brute.rows)
    for g in part.gaps:
        assert brute.box(g.region) and not brute.box(g.region) & covered
    assert part.gaps_truncated == (not table.has_otherwise)
    assert part.masked == () and part.empty == whole.empty
