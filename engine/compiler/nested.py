"""nested: an indexed `unique` or `first` table, untraced, written as nested if/else on its
columns — the code a programmer writes for a look-up table. A part of codegen.Generator.

Each column is one level: a short ordered column by the comparisons of codegen_tree (a binary
search, neighbouring segments of one kind merged), a column of a few constants by `==` tests with
an `else` for any other value. A leaf gives the value itself: a constant, or the row's formula
written in place; where the hit policy raises (no row, or two rows of a `unique` table) the leaf
calls runtime's `_pick`, which raises as the closures do. No tuple, no look-up, no call on the
way to an answer.
"""
from __future__ import annotations

from engine.compiler.tree import _tree_fits
from engine.evaluation.evaluate import RecordValue, finish_value
from engine.evaluation.runtime import _pick
from engine.values import BOOL, INTEGER, EnumType

NESTED_KEYS = 256   # segment combinations up to which an indexed table is written as nested tests
INLINE_POINTS = 8   # constants up to which an unordered column is tested by `==` (else: no nesting)


def nested_fits(index, plan) -> bool:
    """Whether the table is written as nested tests (its index and its hit policy allow it)."""
    if index is None or index.dense is None or len(index.dense) > NESTED_KEYS:
        return False
    if plan.decl.hit.policy not in ("unique", "first") or plan.decl.hit.aggregator:
        return False
    return all(_tree_fits(c) if c.ordered else len(c.points) <= INLINE_POINTS for c in index.columns)


def _refuse(as_of, plan, rows, inputs):
    """A leaf where the hit policy gives no row: `_pick` raises (no match, or not unique)."""
    _pick(as_of, plan, rows, inputs)
    raise AssertionError(f"the hit policy of {plan.name} chose a row the index did not foresee")


class NestedWriter:
    """The method of codegen.Generator that writes a table as nested tests."""

    def _nested(self, j: int, plan, rows: tuple, index, columns: list, inputs: str, emit, group=None) -> None:
        """Statements putting decision j's value in `v`, for the column values in `columns`.

        `group` (codegen_inline): several tables on the same columns cut into the same segments,
        as (plan, rows, index, inputs, lines written after its value) each: one set of nested
        tests, and at each leaf the values of all of them, in order."""
        u = self.unit
        types = plan.version.column_types
        members = group if group is not None else [(plan, rows, index, inputs, ())]

        def leaves_of(plan, rows, index) -> list:
            """Per segment key, (kind, source) of the table's value there."""
            policy = plan.decl.hit.policy
            values = {}  # row -> source of its value, written once per row

            def chosen(key: int):
                matched = index.dense[key]
                if matched and (policy == "first" or len(matched) == 1):
                    return matched[0]
                if not matched and plan.otherwise is not None:
                    return len(rows) - 1
                return None

            def value_of(r: int):
                """(kind, source) of row r's value: equal constants are one kind, a formula its own."""
                row = rows[r]
                if len(row.outputs) == 1 and self.compiler.is_constant(row.row.outputs[0], plan.output_types[0]):
                    value = finish_value(plan.output_types[0], row.outputs[0](None))
                    return ("constant", type(value).__name__, repr(value)), u.obj(value)
                if r not in values and len(row.outputs) == 1:  # a formula of one small input: worked out in advance
                    from engine.compiler.inline import tabulated  # it imports this module
                    values[r] = tabulated(self, row.row.outputs[0], plan.output_types[0], row.row.span)
                if values.get(r) is None:
                    written = [self._finished(t, self.expr(e, t), row.row.span, e)
                               for e, t in zip(row.row.outputs, plan.output_types)]
                    values[r] = written[0] if len(written) == 1 else (
                        f"{u.obj(RecordValue)}(zip({u.obj(plan.output_names)}, ({''.join(w + ', ' for w in written)})))")
                return ("row", r), values[r]

            found = []
            for key in range(len(index.dense)):
                r = chosen(key)
                found.append(value_of(r) if r is not None else (("refused", index.dense[key]), None))
            return found

        per_member = [leaves_of(p, r, i) for p, r, i, _, _ in members]
        # per key: the kinds of every member's value there (equal tuples: one leaf), and the members' leaves
        leaves = {key: (tuple(m[key][0] for m in per_member), [m[key] for m in per_member])
                  for key in range(len(index.dense))}

        kinds = {}

        def kind(n: int, base: int):
            """What the columns from n on decide, for the segments before n giving `base`."""
            if n == len(columns):
                return leaves[base][0]
            found = kinds.get((n, base))
            if found is None:
                stride = index.strides[n]
                found = kinds[(n, base)] = tuple(kind(n + 1, base + s * stride)
                                                 for s in range(len(index.columns[n].masks)))
            return found

        def write(n: int, base: int, prefix: str):
            if n == len(columns):
                for ((what, *_), source), (plan_, _, index_, inputs_, after) in zip(leaves[base][1], members):
                    if what == "refused":
                        source = (f"{u.obj(_refuse)}(a, {u.obj(plan_)}, {u.obj(index_.dense[base])}, {inputs_})")
                    emit(f"{prefix}v = {source}")
                    for line in after:
                        emit(f"{prefix}{line}")
                return
            column, x, stride = index.columns[n], columns[n], index.strides[n]
            segments = list(kind(n, base))
            if column.ordered:
                if types[n] == INTEGER:
                    _fill_empty_segments(column.bounds, segments)
                self._tree(column.bounds, x, emit, segments,
                           lambda segment, inner: write(n + 1, base + segment * stride, inner), prefix)
                return
            rest = column.other  # the segment the `else` stands for
            if _covers_every_value(types[n], column.points):
                rest = list(column.points.values())[-1]  # no other value can come: one test less
            other = segments[rest]
            branches = {}  # kind -> the constants giving it, in the order of the table
            for constant, segment in column.points.items():
                if segments[segment] != other:
                    branches.setdefault(segments[segment], []).append((constant, segment))
            for k, group in enumerate(branches.values()):
                test = " or ".join(f"{x} == {u.literal(constant)}" for constant, _ in group)
                emit(f"{prefix}{'if' if k == 0 else 'elif'} {test}:")
                write(n + 1, base + group[0][1] * stride, prefix + "    ")
            if branches:
                emit(f"{prefix}else:")
                write(n + 1, base + rest * stride, prefix + "    ")
            else:
                write(n + 1, base + rest * stride, prefix)
        write(0, 0, "")


def _covers_every_value(column_type, points: dict) -> bool:
    """Whether the constants are every value the column's type has (all the symbols, both booleans)."""
    if isinstance(column_type, EnumType):
        return set(column_type.symbols) <= set(points)
    return column_type == BOOL and {True, False} <= set(points) and len(points) == 2


def _fill_empty_segments(bounds: tuple, segments: list) -> None:
    """A whole number never lies strictly between two consecutive whole bounds (4 and 5): that
    segment takes its lower neighbour's kind, so that it adds no comparison."""
    for i in range(1, len(bounds)):
        low, high = bounds[i - 1], bounds[i]
        if low == int(low) and high == int(high) and high - low == 1:
            segments[2 * i] = segments[2 * i - 1]


def surely_decimal(expr, is_decision) -> bool:
    """Whether an expression's value is a Decimal whatever the inputs: a Decimal literal, a
    decision (its value was finished), or `+ - *` and `-x` with such an operand. Money of that
    kind is rounded by `.quantize` in place, the one C call `finish_money` ends with; an input
    is not trusted (a prepared evaluator may be given an int for money)."""
    from engine import ast
    from decimal import Decimal
    match expr:
        case ast.Literal(value=value):
            return type(value) is Decimal
        case ast.Name(name=name):
            return is_decision(name)
        case ast.Unary(op="-", operand=operand):
            return surely_decimal(operand, is_decision)
        case ast.Binary(op="+" | "-" | "*", left=left, right=right):
            return surely_decimal(left, is_decision) or surely_decimal(right, is_decision)
    return False
