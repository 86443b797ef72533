"""scan: the rows of a table that is not indexed, tested in order by generated code — unrolled
`if`s for up to UNROLLED_ROWS rows, a loop over the rows beyond that. A part of codegen.Generator.
"""
from __future__ import annotations

from engine import ast
from engine.compiler.unit import Unsupported
from engine.evaluation.runtime import _scan_constant_tests, _scan_to_first_match

UNROLLED_ROWS = 2000  # a table scanned (not indexed) with more rows is tested by a loop, not by unrolled code


class ScanWriter:
    """The method of codegen.Generator that writes a scan (it brings `self.unit`, `self.test`)."""

    def _scan(self, plan, columns, types, emit, first: bool = False, start: int = 0) -> str:
        """Statements testing every row in order into `h` (and, traced, each row's outcome in `o`).
        `first`: only the first row that matches is wanted (hit first), so a big table's scan stops
        there; `start`: the rows before it are known not to match (engine/compiler/head.py)."""
        pure = all(self.compiler.test_is_constant(cell.test, t) for row in plan.rows
                   for cell, t in zip(row.row.cells, types))
        if len(plan.rows) > UNROLLED_ROWS:
            if not pure:
                raise Unsupported(f"a table of {len(plan.rows):,} rows whose tests read decisions or parameters")
            scan = _scan_to_first_match if first else _scan_constant_tests
            emit(f"h = {self.unit.obj(scan)}({self.unit.obj(plan.rows[start:])}, ({''.join(x + ', ' for x in columns)}))")
            return "None"
        emit("h = []")
        record = self.traced and not pure
        if record:
            emit("o = []")
        for r, row in enumerate(plan.rows):
            tests = [(n, self.test(cell.test, t, x)) for n, (cell, t, x) in enumerate(zip(row.row.cells, types, columns))
                     if not isinstance(cell.test, ast.AnyTest)]
            if not record:
                emit(f"if {' and '.join(t for _, t in tests)}: h.append({r})" if tests else f"h.append({r})")
                continue
            for k, (n, t) in enumerate(tests):
                emit(f"{'if' if k == 0 else 'elif'} not {t}: o.append({n})")
            if tests:
                emit("else:")
            emit(f"{'    ' if tests else ''}o.append(-1)")
            emit(f"{'    ' if tests else ''}h.append({r})")
        # A table of constant tests leaves its outcomes to be worked out again for the trace.
        return "tuple(o)" if record else "None"
