"""rows: whether the trace being built is the full one (trace format 3), and its rows.

A compact trace shows a table's fired rows and its row count; the full one every row's outcome
with the first test that failed. Verdict.full_trace() asks for the full one of the builder the
evaluation left, whose signature is the evaluator's business: the request travels in a context
variable that the evaluator's record-making (engine/evaluation/fastpath.py) and the trace builder read."""
from __future__ import annotations

import contextvars

FULL_ROWS = contextvars.ContextVar("verdict_full_rows", default=False)


def full_rows_requested() -> bool:
    """Whether the trace being built is the full one (every row's outcome)."""
    return FULL_ROWS.get()


def row_outcomes(record, plan, columns, values) -> list:
    """Every row's outcome, with the first test that failed: the full trace's `rows`."""
    first_with_id = {}
    for plan_row in plan.rows:
        first_with_id.setdefault(plan_row.rule_id, plan_row)
    rows = []
    for outcome in record.rows:
        row = {"rule": outcome.rule_id, "line": outcome.line, "matched": outcome.matched}
        failed = outcome.failed_column
        if failed is not None:
            cell = first_with_id[outcome.rule_id].row.cells[failed]
            row["failed"] = {"column": columns[failed].title, "test": cell.text, "value": values[failed]}
        rows.append(row)
    return rows
