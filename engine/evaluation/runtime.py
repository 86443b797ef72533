"""runtime: what evaluated rules call — by the closures of compiler/compile.py and by the code compiler/codegen.py
generates alike, so the two paths share one definition of each operation.
"""
from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

from engine import durations
from engine.evaluation import text_functions
from engine.errors import Diagnostic, EvaluationError
from engine.evaluation.evaluate import MAX_WHOLE, hit_policy, no_match, not_unique

UNSET = type("Unset", (), {"__repr__": lambda self: "UNSET", "__slots__": ()})()  # not computed yet


def fail(as_of, span, message: str):
    raise EvaluationError(Diagnostic("error", "evaluation", f"{message} (as of {as_of})", span))


def no_answer(as_of, node):
    """A `no answer` row fired: the rules deliberately say nothing here, and the row says why."""
    reason = node.reason or "the rules deliberately give no answer for these inputs"
    raise EvaluationError(Diagnostic("error", "no-answer", f"{reason} (rule {node.rule_id}, as of {as_of})",
                                     node.span, hint="this is a limit the ruleset states, not an error in "
                                                     "the facts", extra={"rule": node.rule_id}))


def make_date(as_of, span, y, m, d) -> dt.date:
    """`date(y, m, d)`, or an evaluation error at the call when it is no day of the calendar."""
    try:
        return dt.date(y, m, d)
    except (ValueError, TypeError, OverflowError):
        fail(as_of, span, f"date({y}, {m}, {d}) is not a calendar date")




def to_whole(value, rounding: str) -> int:
    """`floor`, `ceil` and `round` to a whole number: an int, refused past 28 digits."""
    number = Decimal(value)
    if not number.is_finite() or abs(number) >= MAX_WHOLE:
        raise decimal.Overflow(f"{number} has more digits than exact arithmetic keeps")
    return int(number.to_integral_value(rounding))


def whole_years(start: dt.date, end: dt.date) -> int:
    """Whole years from `start` to `end`, towards zero (an age; negative when `end` is earlier)."""
    months = whole_months(start, end)
    return months // 12 if months >= 0 else -(-months // 12)


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from `start` to `end` (negative when `end` is earlier)."""
    if end < start:
        return -whole_months(end, start)
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        # A birthday on the 29th-31st is reached on the month's last day when the month is shorter.
        last_day = (dt.date(end.year + end.month // 12, end.month % 12 + 1, 1) - dt.timedelta(days=1)).day
        if not (end.day == last_day and start.day > last_day):
            months -= 1
    return months


def _floor(value):
    return to_whole(value, "ROUND_FLOOR")


def _ceil(value):
    return to_whole(value, "ROUND_CEILING")


def _round_whole(value) -> int:
    return to_whole(value, "ROUND_HALF_UP")


def _round_euros(value) -> Decimal:
    return Decimal(value).to_integral_value("ROUND_HALF_UP")


def _round_places(value, places) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-int(places)), "ROUND_HALF_UP")


# The built-in functions of the rule language, on evaluated arguments: one definition, called by
# the closures and by the generated code (which writes only the plainest ones inline).
FUNCTIONS = {
    "min": lambda *values: min(values), "max": lambda *values: max(values), "abs": abs,
    "floor": _floor, "ceil": _ceil, "count": len, "contains": lambda items, item: item in items,
    "years_between": whole_years, "months_between": whole_months, "days_between": durations.days_between,
    "year": lambda day: day.year, "month": lambda day: day.month, "day": lambda day: day.day,
    **text_functions.IMPLEMENTATIONS,
}


def function_for(name: str, arguments: int, money_argument: bool):
    """The implementation of a call (`round` depends on its arguments: whole number, whole euros, places)."""
    if name == "round":
        if arguments == 2:
            return _round_places
        return _round_euros if money_argument else _round_whole
    return FUNCTIONS[name]


# ---------------------------------------------------------------------------- for generated code

def _pick(as_of, plan, rows, inputs):
    """The row that fires in a `unique` or `first` table when not exactly one row matched."""
    if not rows:
        if plan.otherwise is not None:
            return plan.otherwise.index
        raise no_match(as_of, plan, inputs)
    if len(rows) > 1 and plan.decl.hit.policy == "unique":
        raise not_unique(as_of, plan, [plan.rows[i] for i in rows], inputs)
    return rows[0]


def _hits(as_of, plan, rows, inputs, constants, functions, call):
    """(fired rows, value) for the other hit policies, through the shared `hit_policy`."""
    def row_value(row):
        value = constants[row.index]
        return call(functions[row.index]) if value is UNSET else value
    return hit_policy(as_of, plan, [plan.rows[i] for i in rows], inputs, row_value)


def _tabulate(plan, rows, dense: tuple, values: list) -> tuple:
    """For a table whose rows all give constants: per key, the value and the rows that fire
    (UNSET and None where the hit policy raises an error, left for run time to raise)."""
    answers, fired = [], []
    for matched in dense:
        try:
            rows_fired, value = hit_policy(None, plan, [rows[i] for i in matched], (), lambda row: values[row.index])
        except EvaluationError:
            answers.append(UNSET)
            fired.append(None)
            continue
        answers.append(value)
        fired.append(tuple(rows_fired))
    return tuple(answers), tuple(fired)


def _scan_constant_tests(rows, values) -> list:
    """The rows (in order) whose tests, all against constants, pass: a big table not indexed."""
    return [row.index for row in rows if all(test(None, value) for test, value in zip(row.tests, values))]


def _scan_to_first_match(rows, values) -> list:
    """[the first row whose tests, all against constants, pass], or []: a big `hit first` table not
    indexed costs the rows read up to its answer, not the table's size."""
    for row in rows:
        if all(test(None, value) for test, value in zip(row.tests, values)):
            return [row.index]
    return []


def _caller(m, f, a):
    return lambda fn: fn(m, f, a)


def _traced_caller(m, f, a, T, R):
    return lambda fn: fn(m, f, a, T, R)


def _template_decisions(functions, wanted, fired, m, f, a, T):
    """Decisions named only in a fired row's `because` are computed too (as the closures do)."""
    for row in fired:
        for j in wanted[row.index]:
            if m[j] is UNSET:
                functions[j](m, f, a, T)
