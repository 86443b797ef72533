"""The checker on duration columns (engine/checker/check.py): a duration is analysed as a count of whole
days or months, and its findings speak in durations (`stay 91 days..100 days`, JSON in ISO 8601);
`check --suggest` writes merged cells back as durations; the findings agree with brute force."""
from __future__ import annotations

import datetime as dt
import itertools
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.durations import Months
from engine.ruleset import load_ruleset
from engine.checker.simplify import suggest
from tests.test_check import agree_with_brute_force

RULES = """\
input stay : duration <= 365 days
input cover : duration in months

decision band : text
  | stay               || band
  | < 30 days          || "short"
  | [30 days..90 days] || "mid"
  | > 100 days         || "long"

decision renewal : text
  | cover              || renewal
  | <= 1 year          || "soon"
  | >= 1 year 6 months || "later"
  | >= 2 years         || "much later"
"""


def _load(tmp_path, text: str):
    path = tmp_path / "d.rules"
    path.write_text(text, encoding="utf-8")
    return load_ruleset(path)


def test_gaps_and_overlaps_of_duration_columns_are_found_and_said_in_durations(tmp_path):
    findings = [(d.code, d.span.line, d.message, d.example) for d in _load(tmp_path, RULES).check()]
    assert findings == [
        ("gap", 4, "no rule of `band` matches stay 91 days..100 days; for example stay = 91 days", {"stay": "P91D"}),
        ("gap", 10, "no rule of `renewal` matches cover 1 year 1 month..1 year 5 months; for example "
                    "cover = 1 year 1 month", {"cover": "P1Y1M"}),
        ("overlap", 14, "rows renewal#2 (line 13) and renewal#3 (line 14) of `renewal` both match cover = 2 years",
         {"cover": "P2Y"}),
    ]


def test_the_declared_range_of_a_duration_bounds_the_analysis(tmp_path):
    # `<= 365 days` ends the input: no gap above 365 days; `< 30 days` covers the negative ones.
    text = "input stay : duration <= 365 days\ndecision band : text\n  | stay || band\n" \
           "  | < 30 days || \"short\"\n  | [30 days..365 days] || \"long\"\n"
    assert _load(tmp_path, text).check() == []


def test_suggest_merges_duration_cells_into_a_range_of_durations(tmp_path):
    text = ("input stay : duration <= 365 days\n\ndecision band : text\n  | stay               || band\n"
            "  | < 30 days          || \"short\"\n  | [30 days..60 days] || \"mid\"\n"
            "  | [61 days..90 days] || \"mid\"\n  | otherwise          || \"long\"\n")
    diff = suggest(_load(tmp_path, text))
    assert "+  | 30 days..90 days   || \"mid\"\n" in diff
    merged = text.replace("  | [30 days..60 days] || \"mid\"\n  | [61 days..90 days] || \"mid\"\n",
                          "  | 30 days..90 days   || \"mid\"\n")
    assert _load(tmp_path, merged).check() == []  # the written cell parses and means the same


# ---------------------------------------------------------------------------- against brute force

CELLS_DAYS = ["-", "1 day", "< 2 days", "<= 2 days", "> 1 day", ">= 3 days", "1 day..3 days", "[1 day..3 days)",
              "(0 days..2 days]", "not 2 days", "{0 days, 4 days}", "not {1 day, 2 days}", "0 days, 3 days..4 days"]
CELLS_MONTHS = ["-", "1 year", "< 6 months", ">= 1 year 6 months", "[6 months..1 year]", "not 2 years",
                "(1 year..2 years)"]


def _table(policy, rows) -> str:
    lines = [f"decision x : integer hit {policy}", "  | stay | cover || x |"]
    lines += [f"  | {a} | {b} || {index} |" for index, (a, b) in enumerate(rows)]
    return ("input stay : duration 0 days..4 days\ninput cover : duration in months 0 months..2 years\n"
            + "\n".join(lines) + "\n")


def _matches(ruleset, stay, cover):
    from engine.evaluation.evaluate import Context
    plan = ruleset.plans.by_name["x"][0]
    ctx = Context({"stay": stay, "cover": cover}, dt.date(2025, 1, 1), ruleset.plans)
    return [i for i, row in enumerate(plan.rows) if row.tests[0](ctx, stay) and row.tests[1](ctx, cover)]


def _point(example: dict):
    return int(re.fullmatch(r"P(\d+)D", example["stay"])[1]), _months(example["cover"])


def _months(iso: str) -> int:
    years, months = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?", iso).groups()
    return 12 * int(years or 0) + int(months or 0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policy=st.sampled_from(["unique", "first"]),
       rows=st.lists(st.tuples(st.sampled_from(CELLS_DAYS), st.sampled_from(CELLS_MONTHS)), min_size=1, max_size=4))
def test_findings_on_durations_agree_with_brute_force(tmp_path, policy, rows):
    ruleset = _load(tmp_path, _table(policy, rows))
    space = list(itertools.product(range(5), range(25)))
    hits = {p: _matches(ruleset, dt.timedelta(days=p[0]), Months(p[1])) for p in space}
    agree_with_brute_force(ruleset.check(), hits, policy, len(rows), _point)
