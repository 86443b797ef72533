"""The table checker end to end: rule text → `overlap`, `gap`, `masked-rule` with lines and examples."""
import itertools
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.ruleset import load_ruleset

HEADER = """type Flag = {red, green, blue}
input age : integer 0..130
input amount : money >= 0 €
input flag : Flag
input lang : text
input ok : bool
parameter limit : money
  from 2024-01-01 = 100 €
  from 2025-01-01 = 120 €
"""


def check(tmp_path, body: str):
    path = tmp_path / "t.rules"
    path.write_text(HEADER + body, encoding="utf-8")
    return [d for d in load_ruleset(path).check() if d.code != "unused"]


def line_of(body: str, needle: str) -> int:
    """The line number of `needle` in the file written by `check` (HEADER + body)."""
    for number, line in enumerate((HEADER + body).split("\n"), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_overlap_names_both_rows_and_gives_a_witness(tmp_path):
    body = """
decision u : text
  | age    | flag      || u   |
  | <= 49  | -         || "a" |
  | >= 50  | red       || "b" |
  | 40..60 | not {red} || "c" |
  | >= 61  | not red   || "d" |
"""
    [overlap] = check(tmp_path, body)
    assert (overlap.code, overlap.severity) == ("overlap", "error")
    assert overlap.span.line == line_of(body, "40..60") and overlap.span.column == 3
    assert overlap.to_dict()["lines"] == [line_of(body, "<= 49"), line_of(body, "40..60")]
    assert overlap.message == (f"rows u#1 (line {line_of(body, '<= 49')}) and u#3 (line {line_of(body, '40..60')}) "
                               "of `u` both match age = 40, flag = green")
    assert overlap.example == {"age": 40, "flag": "green"}


def test_integers_leave_no_gap_between_49_and_50_but_money_does(tmp_path):
    body = """
decision i : text
  | age   || i   |
  | <= 49 || "a" |
  | >= 50 || "b" |

decision m : text
  | amount  || m   |
  | <= 49 € || "a" |
  | >= 50 € || "b" |
"""
    [gap] = check(tmp_path, body)
    assert gap.code == "gap" and gap.severity == "warning"
    assert (gap.span.line, gap.span.column) == (line_of(body, "decision m"), 10)
    assert gap.to_dict()["region"] == "amount in (49..50)"
    assert gap.example == {"amount": "49.5"}


def test_otherwise_row_means_no_gap(tmp_path):
    body = """
decision m : text
  | amount    || m   |
  | <= 49 €   || "a" |
  | otherwise || "b" |
"""
    assert check(tmp_path, body) == []


def test_masked_row_under_first_names_the_rows_that_hide_it(tmp_path):
    body = """
decision f : text hit first
  | age    | flag       || f   |
  | < 30   | -          || "a" |
  | >= 30  | red, green || "b" |
  | 20..40 | red        || "c" |
  | -      | -          || "z" |
"""
    [masked] = check(tmp_path, body)
    assert masked.code == "masked-rule" and masked.span.line == line_of(body, "20..40")
    assert masked.message == (f"row f#3 of `f` can never fire: earlier rows f#1 (line {line_of(body, '< 30 ')}), "
                              f"f#2 (line {line_of(body, '| red, green')}) match every input it matches")


def test_parameter_bounds_are_analysed_per_period(tmp_path):
    body = """
decision p : text
  | amount   || p   |
  | <= limit || "a" |
  | > 110 €  || "b" |
"""
    gap, overlap = check(tmp_path, body)
    assert gap.code == "gap" and gap.message.startswith(
        "no rule of `p` matches amount in (100..110] (from 2024-01-01 to 2024-12-31)")
    assert overlap.code == "overlap" and "(from 2025-01-01)" in overlap.message


def test_text_compares_by_equality_so_any_other_string_is_a_gap(tmp_path):
    body = """
decision t : text
  | lang             || t   |
  | "fr"             || "a" |
  | not {"fr", "en"} || "b" |
"""
    [gap] = check(tmp_path, body)
    assert gap.to_dict()["region"] == 'lang = "en"' and gap.example == {"lang": "en"}


def test_any_reports_overlaps_only_when_outputs_differ(tmp_path):
    body = """
decision same : text hit any
  | ok   | age   || same |
  | true | -     || "y"  |
  | -    | <= 10 || "y"  |
  | false| >= 10 || "n"  |
"""
    [overlap] = check(tmp_path, body)  # rows 1 and 2 overlap too, but they agree
    assert overlap.code == "overlap" and overlap.example == {"ok": False, "age": 10}
    assert overlap.message.startswith("rows same#2 (line") and "same#3" in overlap.message


def test_collect_tables_have_no_gap_warning(tmp_path):
    body = """
decision c : list of text hit collect
  | age  || c   |
  | < 18 || "minor" |
"""
    assert check(tmp_path, body) == []


def test_a_row_outside_the_declared_range_can_never_fire(tmp_path):
    body = """
decision r : text
  | age   || r   |
  | -     || "a" |
  | > 200 || "b" |
"""
    [finding] = check(tmp_path, body)
    assert finding.code == "masked-rule" and "no input within the declared ranges" in finding.message


# ---------------------------------------------------------------------------- against brute force

CELLS_INT = ["-", "1", "< 2", "<= 2", "> 1", ">= 3", "1..3", "[1..3)", "(0..2]", "not 2", "{0, 4}", "not {1, 2}",
             "0, 3..4"]
CELLS_FLAG = ["-", "red", "green", "{red, blue}", "not blue", "not {red, green}"]


def _table(policy, rows):
    lines = [f"decision x : integer hit {policy}", "  | n | flag || x |"]
    for index, (a, b) in enumerate(rows):
        lines.append(f"  | {a} | {b} || {index} |")
    return "type Flag = {red, green, blue}\ninput n : integer 0..4\ninput flag : Flag\n" + "\n".join(lines) + "\n"


def _matches(ruleset, n, flag):
    plan = ruleset.plans.by_name["x"][0]
    from engine.evaluation.evaluate import Context
    import datetime as dt
    ctx = Context({"n": n, "flag": flag}, dt.date(2025, 1, 1), ruleset.plans)
    return [i for i, row in enumerate(plan.rows) if row.tests[0](ctx, n) and row.tests[1](ctx, flag)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policy=st.sampled_from(["unique", "first"]),
       rows=st.lists(st.tuples(st.sampled_from(CELLS_INT), st.sampled_from(CELLS_FLAG)), min_size=1, max_size=5))
def test_findings_agree_with_brute_force(tmp_path, policy, rows):
    path = tmp_path / "p.rules"
    path.write_text(_table(policy, rows), encoding="utf-8")
    ruleset = load_ruleset(path)
    space = list(itertools.product(range(5), ["red", "green", "blue"]))
    hits = {point: _matches(ruleset, *point) for point in space}
    agree_with_brute_force(ruleset.check(), hits, policy, len(rows), lambda e: (e["n"], e["flag"]))


def agree_with_brute_force(diagnostics, hits: dict, policy: str, row_count: int, point_of) -> None:
    """The checker's findings on a table `x` against `hits` (every point of its input space → the
    rows it matches); `point_of` reads a finding's example as such a point."""
    findings = [d for d in diagnostics if d.code in ("overlap", "gap", "masked-rule")]
    # Gaps: reported exactly when some point matches no row, and every example is a true gap.
    uncovered = [p for p, m in hits.items() if not m]
    gaps = [d for d in findings if d.code == "gap"]
    assert bool(gaps) == bool(uncovered)
    for gap in gaps:
        assert hits[point_of(gap.example)] == []
    # Overlaps (unique): every overlapping pair is reported, each with a true witness.
    if policy == "unique":
        pairs = {(m[i], m[j]) for m in hits.values() for i in range(len(m)) for j in range(i + 1, len(m))}
        reported = set()
        for overlap in (d for d in findings if d.code == "overlap"):
            first, second = (int(n) - 1 for n in re.findall(r"x#(\d+)", overlap.message))
            reported.add((first, second))
            assert {first, second} <= set(hits[point_of(overlap.example)])
        assert reported == pairs
    # Masked (first): exactly the rows that are never the first match anywhere.
    if policy == "first":
        fires = {m[0] for m in hits.values() if m}
        never = {i for i in range(row_count) if i not in fires}
        masked = {int(d.message.split()[1].split("#")[1]) - 1 for d in findings if d.code == "masked-rule"}
        assert masked == never
