"""engine.vector: a ruleset evaluated over a whole table of cases at once (numpy, Arrow).

    result = ruleset.evaluate_table(columns, as_of="2025-09-01", outputs=["css_status"])
    result.outputs["css_status"]      # a pyarrow Array, one value per case
    result.status["css_status"]       # 0 answered, 1 no_answer, 2 error, per case

The values are the per-case evaluator's (tests/test_vector.py checks it on generated cases):
cases the vectorised plan cannot compute are evaluated again one by one by `Ruleset.evaluate`.
Needs the `vector` extra (numpy, pyarrow; dask for engine.vector.dask); this package imports
them only when used, so the rest of the engine imports without them. See docs/performance.md.

    columns.py   input columns → vector values, checked as facts are
    values.py    the vector values (exact int64 mantissas) and their operations
    plan.py      expressions, tests and tables over columns; grid.py: tables looked up
    fallback.py  what is left to the per-case evaluator
    result.py    the outputs as Arrow columns, with a status per case
    table.py     evaluate_table, start to finish
    dask.py      the same over a Dask DataFrame; parquet.py: `verdict eval --batch x.parquet`
"""
from __future__ import annotations


def evaluate_table(ruleset, columns, as_of, outputs=None, trace: bool = False):
    """engine.vector.table.evaluate_table (imported on first use: numpy and pyarrow)."""
    require()
    from engine.vector.table import evaluate_table as evaluate
    return evaluate(ruleset, columns, as_of, outputs, trace)


def require() -> None:
    """numpy and pyarrow, or an error saying how to install them."""
    try:
        import numpy  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as error:
        from engine.errors import Diagnostic, VerdictError
        raise VerdictError(Diagnostic("error", "usage", f"evaluating a table of cases needs numpy and pyarrow "
                                      f"({error.name or error} is not installed)",
                                      hint="pip install 'verdict[vector]'")) from None
