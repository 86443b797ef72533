"""stage: small hand-written tables → engine.checker.analysis findings, checked against exact expectations."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal as D

import pytest

from engine.checker.analysis import (
    BOOLEAN, Column, FiniteDomain, Interval, IntervalSet, Row, Table, TextDomain,
    MAX_WORK, TextSet, ValueSet, analyse, anything, at_least, at_most, between, date_domain,
    decimal_domain, describe_region, integer_domain, one_of, point, text_in, text_not_in,
)
from engine.countries import COUNTRY_CODES

AGE = Column("age", integer_domain(0, 130))
INT = Column("n", integer_domain())
AMOUNT = Column("amount", decimal_domain())
MONEY = Column("amount", decimal_domain(0))  # money >= 0
FLAG = Column("flag", BOOLEAN)
TERRITORY = Column("territory", FiniteDomain(("metropole", "outre_mer", "etranger")))
LANGUAGE = Column("language", TextDomain())
NATIONALITY = Column("nationality", FiniteDomain(COUNTRY_CODES))
DAY = Column("day", date_domain())


def table(columns, *cells_per_row, hit="unique", otherwise=False, outputs=None):
    rows = tuple(Row(cells, (outputs[i] if outputs else i,), 10 + i)
                 for i, cells in enumerate(cells_per_row))
    return Table(tuple(columns), rows, hit, otherwise)


def pairs(findings):
    return [(o.first, o.second) for o in findings.overlaps]


def described(t, findings):
    return [describe_region(t.columns, g.region) for g in findings.gaps]


# ---------------------------------------------------------------------------- ordered columns

def test_integer_adjacency_leaves_no_gap():
    t = table([INT], [at_most(49)], [at_least(50)])
    f = analyse(t)
    assert f.gaps == () and f.overlaps == () and not f.truncated


def test_integer_open_bounds_are_read_as_whole_numbers():
    # (9..20) on integers is 10..19; with <= 9 and >= 20 it covers everything, exactly once
    t = table([INT], [at_most(9)], [between(9, 20, lo_closed=False, hi_closed=False)],
              [at_least(20)])
    assert analyse(t) == analyse(table([INT], [at_most(9)], [between(10, 19)], [at_least(20)]))
    assert analyse(t).gaps == () and analyse(t).overlaps == ()


def test_integer_fractional_bounds_round_inwards():
    t = table([INT], [at_most(D("49.5"))], [at_least(D("49.5"))])
    assert analyse(t).gaps == () and analyse(t).overlaps == ()
    t = table([INT], [at_most(D("49.5"), closed=False)], [at_least(D("49.5"), closed=False)])
    assert analyse(t).gaps == () and analyse(t).overlaps == ()
    t = table([INT], [at_most(D("49.5"), closed=False)], [at_least(49)])
    assert [o.example for o in analyse(t).overlaps] == [{"n": 49}]


def test_dense_adjacency_leaves_the_open_interval_between():
    t = table([AMOUNT], [at_most(49)], [at_least(50)])
    f = analyse(t)
    assert f.overlaps == ()
    assert len(f.gaps) == 1
    gap = f.gaps[0]
    assert gap.region == (IntervalSet((Interval(D(49), False, D(50), False),)),)
    assert gap.example == {"amount": D("49.5")}
    assert described(t, f) == ["amount in (49..50)"]


def test_dense_open_bounds_on_both_sides_leave_the_point():
    t = table([AMOUNT], [at_most(50, closed=False)], [at_least(50, closed=False)])
    f = analyse(t)
    assert [g.example for g in f.gaps] == [{"amount": D(50)}]
    assert described(t, f) == ["amount = 50"]


def test_dense_half_open_adjacency_is_exact():
    t = table([AMOUNT], [at_most(50, closed=False)], [at_least(50)])
    assert analyse(t).gaps == () and analyse(t).overlaps == ()


def test_closed_bounds_meeting_overlap_on_the_shared_point():
    t = table([AMOUNT], [at_most(50)], [at_least(50)])
    f = analyse(t)
    assert pairs(f) == [(0, 1)]
    assert f.overlaps[0].example == {"amount": D(50)}
    assert f.gaps == ()


def test_gap_example_between_close_decimals_is_the_midpoint():
    t = table([AMOUNT], [at_most(D("0.25"))], [at_least(D("0.5"))])
    f = analyse(t)
    assert f.gaps[0].example == {"amount": D("0.375")}


def test_gap_example_prefers_an_integer_inside_an_open_interval():
    t = table([AMOUNT], [at_most(D("48.5"))], [at_least(D("51.5"))])
    assert analyse(t).gaps[0].example == {"amount": D(49)}


def test_declared_range_bounds_everything():
    t = table([AGE], [at_most(64)], [between(65, 130)])
    assert analyse(t).gaps == ()
    # `>= 18` on 0..130: the gap is 0..17, written without the declared lower end
    t = table([AGE], [at_least(18)])
    f = analyse(t)
    assert f.gaps[0].region == (IntervalSet((Interval(D(0), True, D(17), True),)),)
    assert f.gaps[0].example == {"age": 0}
    assert type(f.gaps[0].example["age"]) is int
    assert described(t, f) == ["age <= 17"]


def test_cells_outside_the_declared_range_do_not_count():
    # the first row reaches past 130 and below 0; only 0..130 matters, and the third never matches
    t = table([AGE], [between(-5, 70)], [between(71, 500)], [at_least(200)])
    f = analyse(t)
    assert f.gaps == () and f.overlaps == ()
    assert f.empty == (2,)


def test_money_domain_starts_at_zero():
    t = table([MONEY], [at_least(10)])
    f = analyse(t)
    assert f.gaps[0].example == {"amount": D(0)}
    assert described(t, f) == ["amount < 10"]


def test_several_intervals_in_one_cell():
    cell = IntervalSet((Interval(None, True, D(10), True), Interval(D(20), True, None, True)))
    t = table([INT], [cell])
    f = analyse(t)
    assert [g.example for g in f.gaps] == [{"n": 11}]
    assert described(t, f) == ["n 11..19"]


def test_dates_are_discrete_in_days():
    t = table([DAY], [at_most(dt.date(2024, 12, 31))], [at_least(dt.date(2025, 1, 1))])
    assert analyse(t).gaps == ()
    t = table([DAY], [at_most(dt.date(2024, 12, 30))], [at_least(dt.date(2025, 1, 1))])
    f = analyse(t)
    assert f.gaps[0].example == {"day": dt.date(2024, 12, 31)}
    assert described(t, f) == ["day = 2024-12-31"]


def test_date_column_without_bounds_still_gives_dates():
    t = table([DAY, FLAG], [anything(DAY.domain), one_of(True)])
    assert analyse(t).gaps[0].example == {"day": dt.date(2000, 1, 1), "flag": False}


# ---------------------------------------------------------------------------- finite and text

def test_enum_gap():
    t = table([TERRITORY], [one_of("metropole")], [one_of("outre_mer")])
    f = analyse(t)
    assert [g.region for g in f.gaps] == [(ValueSet({"etranger"}),)]
    assert f.gaps[0].example == {"territory": "etranger"}
    assert described(t, f) == ["territory = etranger"]


def test_bool_gap_and_overlap():
    t = table([FLAG, TERRITORY], [one_of(True), anything(TERRITORY.domain)],
              [anything(BOOLEAN), one_of("etranger")])
    f = analyse(t)
    assert pairs(f) == [(0, 1)]
    assert f.overlaps[0].example == {"flag": True, "territory": "etranger"}
    assert described(t, f) == ["flag = false and territory in {metropole, outre_mer}"]


def test_text_tested_by_equality_always_leaves_a_gap():
    t = table([LANGUAGE], [text_in("fr")], [text_in("en")])
    f = analyse(t)
    assert f.gaps[0].region == (TextSet({"en", "fr"}, negated=True),)
    assert f.gaps[0].example == {"language": "other"}
    assert described(t, f) == ['language not in {"en", "fr"}']


def test_text_negation_covers_the_rest():
    t = table([LANGUAGE], [text_in("fr")], [text_not_in("fr")])
    assert analyse(t).gaps == () and analyse(t).overlaps == ()


def test_text_example_is_a_fresh_string_no_cell_mentions():
    t = table([LANGUAGE], [text_not_in("fr")], [text_not_in("other")])
    f = analyse(t)
    assert pairs(f) == [(0, 1)]
    assert f.overlaps[0].example == {"language": "other1"}
    assert f.gaps == ()


def test_text_overlap_on_a_named_value():
    t = table([LANGUAGE], [text_in("fr", "de")], [text_not_in("de", "en")])
    f = analyse(t)
    assert f.overlaps[0].example == {"language": "fr"}
    assert described(t, f) == ['language = "en"']


def test_country_sets():
    rest = [c for c in COUNTRY_CODES if c not in ("DK", "NO")]
    t = table([NATIONALITY], [one_of(*rest)], [one_of("DK")], [one_of("NO", "SE")])
    f = analyse(t)
    assert f.gaps == ()
    assert pairs(f) == [(0, 2)]
    assert f.overlaps[0].example == {"nationality": "SE"}
    t = table([NATIONALITY], [one_of(*rest)])
    assert described(t, analyse(t)) == ["nationality in {DK, NO}"]
    t = table([NATIONALITY], [one_of("DK", "NO")])
    assert described(t, analyse(t)) == ["nationality not in {DK, NO}"]


# ---------------------------------------------------------------------------- hit policies

def test_unique_reports_every_overlapping_pair():
    t = table([AGE, FLAG], [at_most(40), anything(BOOLEAN)], [between(30, 60), one_of(False)],
              [at_least(50), anything(BOOLEAN)])
    f = analyse(t)
    assert pairs(f) == [(0, 1), (1, 2)]
    assert [o.example for o in f.overlaps] == [{"age": 30, "flag": False},
                                               {"age": 50, "flag": False}]


def test_any_reports_only_overlaps_with_different_outputs():
    rows = ([at_most(40)], [at_least(30)])
    assert analyse(table([AGE], *rows, hit="any", outputs=["x", "x"])).overlaps == ()
    f = analyse(table([AGE], *rows, hit="any", outputs=["x", "y"]))
    assert pairs(f) == [(0, 1)] and f.overlaps[0].example == {"age": 30}


def test_other_policies_report_no_overlaps_but_gaps():
    for hit in ("first", "priority", "collect", "collect sum", "rule order", "output order"):
        f = analyse(table([AGE], [at_most(40)], [between(30, 60)], hit=hit))
        assert f.overlaps == (), hit
        assert [g.example for g in f.gaps] == [{"age": 61}], hit


def test_otherwise_suppresses_gaps():
    f = analyse(table([AGE], [at_most(40)], otherwise=True))
    assert f.gaps == () and not f.gaps_truncated


def test_first_masks_a_row_covered_by_the_union_of_two_earlier_rows():
    t = table([AGE], [at_most(50)], [at_least(40)], [between(30, 60)], hit="first")
    f = analyse(t)
    assert [(m.row, m.by) for m in f.masked] == [(2, (0, 1))]
    assert f.masked[0].example == {"age": 30}


def test_first_partly_covered_row_is_not_masked():
    t = table([AGE], [at_most(50)], [between(40, 60)], [between(30, 61)], hit="first")
    assert analyse(t).masked == ()


def test_first_by_lists_the_rows_that_fire_instead():
    # row 1 intersects row 2 but row 0 always fires first there
    t = table([AGE], [at_most(50)], [at_least(40)], [between(45, 46)], hit="first")
    assert [(m.row, m.by) for m in analyse(t).masked] == [(2, (0,))]


def test_first_masking_across_columns():
    t = table([AGE, FLAG], [at_most(40), one_of(True)], [anything(AGE.domain), one_of(False)],
              [at_most(30), anything(BOOLEAN)], [at_least(41), one_of(True)], hit="first")
    f = analyse(t)
    assert [(m.row, m.by) for m in f.masked] == [(2, (0, 1))]
    assert f.gaps == ()


def test_first_with_otherwise_still_finds_masked_rows():
    t = table([AGE], [at_most(3)], [at_least(2)], [between(1, 2)], hit="first", otherwise=True)
    f = analyse(t)
    assert [(m.row, m.by) for m in f.masked] == [(2, (0,))] and f.gaps == ()


def test_masking_only_for_first():
    t = table([AGE], [at_most(50)], [at_most(10)], hit="unique")
    assert analyse(t).masked == ()


# ---------------------------------------------------------------------------- limits and edges

def test_overlap_pairs_are_capped_lowest_first():
    t = table([AGE, FLAG], *[[anything(AGE.domain), anything(BOOLEAN)]] * 30)
    f = analyse(t, max_overlaps=5)
    assert pairs(f) == [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)]
    assert f.overlaps_truncated and f.truncated
    f = analyse(t, max_overlaps=30 * 29 // 2)
    assert len(f.overlaps) == 435 and not f.overlaps_truncated


def test_gaps_in_one_column_make_one_region():
    t = table([INT], *[[point(2 * i)] for i in range(30)])
    f = analyse(t)
    assert len(f.gaps) == 1
    assert f.gaps[0].region[0].intervals[:2] == (Interval(None, True, D(-1), True),
                                                 Interval(D(1), True, D(1), True))


def test_gaps_are_capped():
    # a staircase: row i is n = i and m >= i; the gaps n = i, m < i cannot merge
    n, m = Column("n", integer_domain(0, 29)), Column("m", integer_domain(0, 29))
    t = table([n, m], *[[point(i), at_least(i)] for i in range(30)])
    f = analyse(t, max_gaps=3)
    assert len(f.gaps) == 3 and f.gaps_truncated
    assert [g.example for g in f.gaps] == [{"n": 1, "m": 0}, {"n": 2, "m": 0}, {"n": 3, "m": 0}]
    f = analyse(t, max_gaps=100)
    assert len(f.gaps) == 29 and not f.gaps_truncated


def test_adjacent_gap_boxes_are_merged():
    # uncovered: age 0..17 whatever the flag → one region, not one per flag value
    t = table([FLAG, AGE], [one_of(True), at_least(18)], [one_of(False), at_least(18)])
    f = analyse(t)
    assert described(t, f) == ["age <= 17"]


def test_gap_boxes_merge_only_over_uncovered_values():
    # metropole and etranger lack ages 0..17; outre_mer between them is covered
    t = table([TERRITORY, AGE], [one_of("metropole"), at_least(18)],
              [one_of("outre_mer"), anything(AGE.domain)], [one_of("etranger"), at_least(18)])
    f = analyse(t)
    assert [g.region for g in f.gaps] == [
        (ValueSet({"metropole", "etranger"}), IntervalSet((Interval(D(0), True, D(17), True),)))]
    assert described(t, f) == ["territory in {metropole, etranger} and age <= 17"]


def test_out_of_work_reports_only_what_it_found():
    ladder = [[between(i, i + 20), anything(BOOLEAN)] for i in range(0, 60, 3)]
    t = table([AGE, FLAG], *ladder, [between(10, 30), one_of(True)], hit="first")
    assert analyse(t).complete and [m.row for m in analyse(t).masked] == [20]
    f = analyse(t, max_work=150)
    assert not f.complete and f.masked == () and f.gaps_truncated
    assert all(g.example["age"] >= 78 for g in f.gaps)  # only true gaps, if any


def test_a_5000_row_grid_is_analysed_well_within_the_work_budget():
    # the work budget is counted in fixed units, so this is not a timing test
    territory = Column("territory", FiniteDomain(tuple("abcde")))
    money = [between(v, v + 1000, True, False) for v in range(0, 9000, 1000)] + [at_least(9000)]
    bands = [between(v, v + 12) for v in range(0, 117, 13)]
    size = Column("size", integer_domain(1, 20))
    rows = [[one_of(t), b, m, one_of(f), h]
            for t, b, m, f, h in itertools.product(
                "abcde", bands + [between(117, 130)], money, (False, True),
                [point(1), point(2), point(3), point(4), at_least(5)])]
    t = table([territory, AGE, MONEY, FLAG, size], *rows)
    assert len(t.rows) == 5000
    f = analyse(t, max_work=MAX_WORK // 5)
    assert f.complete and f.overlaps == () and f.gaps == ()
    f = analyse(table([territory, AGE, MONEY, FLAG, size], *rows[:-1], hit="first"),
                max_work=MAX_WORK // 5)
    assert f.complete and [g.example for g in f.gaps] == [
        {"territory": "e", "age": 117, "amount": D(9000), "flag": True, "size": 5}]


def test_table_without_rows_is_one_gap():
    t = table([AGE, FLAG])
    f = analyse(t)
    assert described(t, f) == ["any input"]
    assert f.gaps[0].example == {"age": 0, "flag": False}


def test_empty_declared_range_has_no_inputs():
    t = table([Column("n", integer_domain(5, 4))], [anything(integer_domain(5, 4))])
    assert analyse(t).gaps == () and analyse(t).empty == (0,)


def test_wrong_cell_kind_is_rejected():
    with pytest.raises(TypeError):
        analyse(table([FLAG], [at_most(3)]))
    with pytest.raises(TypeError):
        analyse(table([AMOUNT], [at_most(3.5)]))


# ---------------------------------------------------------------------------- describe_region

@pytest.mark.parametrize("columns, region, text", [
    ((AGE, FLAG), (between(30, 60), one_of(False)), "age 30..60 and flag = false"),
    ((AMOUNT,), (between(49, 50, False, False),), "amount in (49..50)"),
    ((AMOUNT,), (between(49, 50, True, False),), "amount in [49..50)"),
    ((AMOUNT,), (between(49, 50, False, True),), "amount in (49..50]"),
    ((AMOUNT,), (at_least(50),), "amount >= 50"),
    ((AMOUNT,), (at_most(49, closed=False),), "amount < 49"),
    ((AMOUNT,), (at_least(D("49.50"), closed=False),), "amount > 49.5"),
    ((AGE,), (point(42),), "age = 42"),
    ((AGE,), (between(70, 130),), "age >= 70"),
    ((AGE, FLAG), (anything(AGE.domain), anything(BOOLEAN)), "any input"),
    ((AGE,), (IntervalSet((Interval(None, True, D(17), True),
                           Interval(D(65), True, D(70), False))),), "age in {<= 17, 65..69}"),
    ((NATIONALITY,), (one_of("NO", "DK"),), "nationality in {DK, NO}"),
    ((NATIONALITY,), (one_of(*(c for c in COUNTRY_CODES if c not in ("DK", "NO"))),),
     "nationality not in {DK, NO}"),
    ((NATIONALITY,), (one_of(*(c for c in COUNTRY_CODES if c != "FR")),), "nationality != FR"),
    ((TERRITORY,), (one_of("etranger", "metropole"),), "territory in {metropole, etranger}"),
    ((LANGUAGE,), (text_not_in("fr", "en"),), 'language not in {"en", "fr"}'),
    ((LANGUAGE,), (text_not_in("fr"),), 'language != "fr"'),
    ((LANGUAGE,), (text_in('say "hi"'),), 'language = "say \\"hi\\""'),
    ((LANGUAGE, FLAG), (text_not_in(), one_of(True)), "flag = true"),
    ((DAY,), (between(dt.date(2025, 1, 1), dt.date(2025, 3, 31)),), "day 2025-01-01..2025-03-31"),
    ((AGE,), (at_least(200),), "age in {}"),
])
def test_describe_region(columns, region, text):
    assert describe_region(columns, region) == text
