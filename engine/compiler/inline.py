"""inline: the prepared evaluator (`Ruleset.decision_function`) of a `first` table whose
tests read other decisions, written as one function, as a programmer writes a chain of tables:
the decisions it reads computed in place into locals, then its rows as `if`/`elif`, the value
of the first that matches written in place. A part of codegen.build_entry.

The reference evaluates every row of a `first` table (engine/evaluation/evaluate.py match_rows) and each
decision the tests read when a test first reads it. The function written here gives the same
values and the same errors because it only applies when:

- the tests and the columns are made of what cannot raise (constants, inputs, parameters that
  have a value, decisions, `+ - *` of numbers, comparisons): testing a row after the first that
  matches changes nothing, so the `elif` chain may stop there;
- the decisions the tests read are read in one order on every path (the first read of each is
  certain, or comes before any other decision's): computing them first, in that order, raises
  the error the reference meets first.

Also here: a formula of one whole-number input with a small declared range, worked out for every
value of that range in advance (`tabulated`), so that a leaf of a look-up table is a dict look-up.
"""
from __future__ import annotations

import decimal
import math

from engine import ast
from engine.compiler.nested import nested_fits
from engine.evaluation.evaluate import Context, RecordValue, check_range, finish_value
from engine.compiler.index import index_table
from engine.evaluation.runtime import _pick
from engine.values import ENGINE_CONTEXT, INTEGER, MONEY, NUMERIC

TABULATED_VALUES = 128  # a formula of one whole-number input is worked out in advance up to this many values


# ---------------------------------------------------------------------------- what cannot raise

def _reads(gen, expr, expected, arithmetic: bool = False) -> list | None:
    """The decisions an expression reads, in order, as (decision number, always read); None when
    the expression could raise (anything but constants, names and `+ - *` of numbers).

    In arithmetic, a decision must be money or a whole number (bounded: under 10^28); a `number`
    decision may be as large as 10^999999, and its sum or product then overflows."""
    c = gen.compiler
    match expr:
        case ast.Literal():
            return []
        case ast.Name(name=name):
            kind = c.name_kind(name, expected)
            if kind == "decision":
                j = gen.decision_index[name]
                plan = gen.versions[j]
                if arithmetic and plan is not None and plan.result_type not in (MONEY, INTEGER):
                    return None
                return [(j, True)]
            if kind == "parameter":
                return [] if gen.present[gen.parameter_index[name]] else None
            return [] if kind in ("input", "constant", "as_of") else None
        case ast.Unary(op="-", operand=operand) if _numeric(c, expr):
            return _reads(gen, operand, expected, True)
        case ast.Binary(op="+" | "-" | "*", left=left, right=right) if _numeric(c, expr):
            a, b = _reads(gen, left, expected, True), _reads(gen, right, expected, True)
            return None if a is None or b is None else a + b
    return None


def _numeric(compiler, expr) -> bool:
    type_ = compiler.type_of(expr)
    return type_ is not None and getattr(type_, "name", None) in NUMERIC


def _test_reads(gen, test, column_type) -> list | None:
    """The decisions a unary test reads, in the order the closures of compiler/compile.py read them, each
    marked whether it is read whatever the column value; None when the test could raise."""
    match test:
        case ast.AnyTest():
            return []
        case ast.CompareTest(bound=bound):
            return _reads(gen, bound, column_type)
        case ast.RangeTest(lo=lo, hi=hi):  # `lo <= x and x <= hi`: hi only when lo passes
            a, b = _reads(gen, lo, column_type), _reads(gen, hi, column_type)
            return None if a is None or b is None else a + [(k, False) for k, _ in b]
        case ast.SetTest(values=values):  # `any(x == v ...)`: the first value always
            found = [_reads(gen, v, column_type) for v in values]
            if any(f is None for f in found):
                return None
            return [read for n, f in enumerate(found) for read in (f if n == 0 else [(k, False) for k, _ in f])]
        case ast.NotTest(test=inner):
            return _test_reads(gen, inner, column_type)
        case ast.AnyOfTest(tests=tests):
            found = [_test_reads(gen, t, column_type) for t in tests]
            if any(f is None for f in found):
                return None
            return [read for n, f in enumerate(found) for read in (f if n == 0 else [(k, False) for k, _ in f])]
    return None


def first_reads(gen, plan) -> list | None:
    """The decisions the rows' tests read, in the order the reference first reads them on every
    path; None when that order depends on the values, or when a test could raise."""
    sequence = []
    for row in plan.rows:
        certain = True  # a cell is tested only when the cells before it in the row passed
        for cell, column_type in zip(row.row.cells, plan.version.column_types):
            found = _test_reads(gen, cell.test, column_type)
            if found is None:
                return None
            sequence.extend((k, always and certain) for k, always in found)
            if not isinstance(cell.test, ast.AnyTest):
                certain = False
    order = []
    for at, (k, always) in enumerate(sequence):
        if k in order or always:
            if k not in order:
                order.append(k)
            continue
        # a read that may not happen: its decision is still first read here or at its next
        # certain read, provided no other decision is first read in between
        later = next((p for p in range(at + 1, len(sequence)) if sequence[p] == (k, True)), None)
        if later is None or any(other not in order and other != k for other, _ in sequence[at + 1:later]):
            return None
        order.append(k)
    return order


# ---------------------------------------------------------------------------- the entry function

def chain_order(gen, plan) -> list | None:
    """The decisions to compute before the rows of `plan`, in order, when it is a `first` table
    of the kind above (its tests read decisions); None otherwise."""
    if plan.expression is not None or plan.decl.hit.policy != "first" or plan.decl.hit.aggregator:
        return None
    if gen.plans.indexes.get(id(plan), False) is False:
        gen.plans.indexes[id(plan)] = index_table(gen.compiler, plan)
    if nested_fits(gen.plans.indexes[id(plan)], plan):
        return None  # a look-up table: codegen_nested writes it already
    if any(_reads(gen, column.expr, None) != [] for column in plan.decl.body.inputs):
        return None
    return first_reads(gen, plan) or None


def write_entry(gen, j: int, plan, depth: int) -> bool:
    """Writes decision j's entry body (its value returned) when its table is of the kind above;
    False (nothing written) otherwise."""
    order = chain_order(gen, plan)
    if order is None:
        return False
    for group in _same_columns(gen, order):
        if len(group) == 1:
            _compute(gen, group[0], depth)
        else:
            _compute_together(gen, group, depth)
    _rows(gen, plan, depth)
    if plan.version.range is not None:
        gen.unit.emit(depth, f"{gen.unit.obj(check_range)}(v, {gen.unit.obj(plan)}, a)")
    gen.unit.emit(depth, "return v")
    return True


def write_chain(gen, plan, depth: int) -> bool:
    """The same for a decision function of a program (codegen.Generator._table, untraced): the
    decisions read through the memo into locals, once each, then the rows as `if`/`elif`, the
    value in `v`. False (nothing written) when the table is not of that kind."""
    order = chain_order(gen, plan)
    if order is None:
        return False
    saved, gen.inlined = gen.inlined, {}
    try:
        names = list(gen.model.decisions)
        for k in order:
            local = gen.unit.local(f"u{k}")
            gen.unit.emit(depth, f"{local} = {gen._name(names[k], None, None)}")
            gen.inlined[k] = local
        _rows(gen, plan, depth)
    finally:
        gen.inlined = saved
    return True


def _column_locals(gen, inputs, depth: int) -> tuple:
    """Each input column's value into a local `x<position>`: (the locals, their tuple's source)."""
    columns = []
    for position, column in enumerate(inputs):
        x = gen.unit.local(f"x{position}")
        gen.unit.emit(depth, f"{x} = {gen.expr(column.expr)}")
        columns.append(x)
    return columns, f"({''.join(x + ', ' for x in columns)})"


def _rows(gen, plan, depth: int) -> None:
    """The columns, then the rows of a `first` table as `if`/`elif`: the first match's value in `v`."""
    u = gen.unit
    emit = lambda line, extra=0: u.emit(depth + extra, line)  # noqa: E731
    columns, inputs = _column_locals(gen, plan.decl.body.inputs, depth)
    types = plan.version.column_types
    opened = False
    for row in plan.rows:
        tests = [gen.test(cell.test, t, x) for cell, t, x in zip(row.row.cells, types, columns)
                 if not isinstance(cell.test, ast.AnyTest)]
        if not tests:  # every value matches: the rows after it are never chosen
            emit("else:" if opened else "if True:")
            emit(f"v = {_value(gen, plan, row)}", 1)
            break
        emit(f"{'elif' if opened else 'if'} {' and '.join(tests)}:")
        emit(f"v = {_value(gen, plan, row)}", 1)
        opened = True
    else:
        emit("else:")
        if plan.otherwise is not None:
            emit(f"v = {_value(gen, plan, plan.otherwise)}", 1)
        else:
            emit(f"v = {u.obj(_no_row)}(a, {u.obj(plan)}, {inputs})", 1)


def _compute(gen, k: int, depth: int) -> None:
    """Decision k's value into the local `u<k>`: written in place when it reads no decision and
    is an expression or a look-up table; else through its function and the memo."""
    u, plan = gen.unit, gen.versions[k]
    local = u.local(f"u{k}")
    name = list(gen.model.decisions)[k]
    inline = plan is not None and not any(dep in gen.decision_index for dep in plan.version.dependencies)
    if inline and plan.expression is None:
        if gen.plans.indexes.get(id(plan), False) is False:
            gen.plans.indexes[id(plan)] = index_table(gen.compiler, plan)
        inline = nested_fits(gen.plans.indexes[id(plan)], plan)
    if not inline:
        u.emit(depth, f"{local} = {gen._name(name, None, None)}")
    else:
        if plan.expression is not None:
            u.emit(depth, f"v = {gen._finished(plan.result_type, gen.expr(plan.decl.body.expr, plan.result_type), plan.decl.span, plan.decl.body.expr)}")
        else:
            gen._table(k, plan, depth)
        if plan.version.range is not None:
            u.emit(depth, f"{u.obj(check_range)}(v, {u.obj(plan)}, a)")
        u.emit(depth, f"{local} = v")
    gen.inlined[k] = local


def _look_up_layout(gen, k: int):
    """The columns (input names) and segments of decision k when it is a look-up table of
    inputs written as nested tests; None otherwise."""
    plan = gen.versions[k]
    if plan is None or plan.expression is not None:
        return None
    if any(dep in gen.decision_index for dep in plan.version.dependencies):
        return None
    if gen.plans.indexes.get(id(plan), False) is False:
        gen.plans.indexes[id(plan)] = index_table(gen.compiler, plan)
    index = gen.plans.indexes[id(plan)]
    if not nested_fits(index, plan):
        return None
    columns = []
    for column in plan.decl.body.inputs:
        if not (isinstance(column.expr, ast.Name) and gen.compiler.name_kind(column.expr.name, None) == "input"):
            return None
        columns.append(column.expr.name)
    segments = tuple((c.ordered, c.bounds, tuple(c.points.items()), c.other, len(c.masks)) for c in index.columns)
    return tuple(columns), segments


def _same_columns(gen, order: list) -> list:
    """The decisions in `order`, in runs of neighbours that are look-up tables on the same inputs
    cut into the same segments (computed by one set of nested tests); the others alone."""
    runs, last = [], None
    for k in order:
        layout = _look_up_layout(gen, k)
        if layout is not None and layout == last:
            runs[-1].append(k)
        else:
            runs.append([k])
        last = layout
    return runs


def _compute_together(gen, group: list, depth: int) -> None:
    """Look-up tables on the same columns and segments into their locals `u<k>`, in order: one set
    of nested tests, each leaf giving every table's value there (or raising as its table does)."""
    u = gen.unit
    emit = lambda line: u.emit(depth, line)  # noqa: E731
    first = gen.versions[group[0]]
    columns, inputs = _column_locals(gen, first.decl.body.inputs, depth)
    members = []
    for k in group:
        plan = gen.versions[k]
        after = [f"{u.obj(check_range)}(v, {u.obj(plan)}, a)"] if plan.version.range is not None else []
        after.append(f"{u.local(f'u{k}')} = v")
        rows = plan.rows + ((plan.otherwise,) if plan.otherwise is not None else ())
        members.append((plan, rows, gen.plans.indexes[id(plan)], inputs, after))
    gen._nested(group[0], first, members[0][1], members[0][2], columns, inputs, emit, group=members)
    for k in group:
        gen.inlined[k] = f"u{k}"


def _value(gen, plan, row) -> str:
    """The source of a row's value, as the closures finish it."""
    u = gen.unit
    if len(row.outputs) == 1 and gen.compiler.is_constant(row.row.outputs[0], plan.output_types[0]):
        return u.obj(finish_value(plan.output_types[0], row.outputs[0](None)))
    written = [gen._finished(t, gen.expr(e, t), row.row.span, e) for e, t in zip(row.row.outputs, plan.output_types)]
    if len(written) == 1:
        return written[0]
    return f"{u.obj(RecordValue)}(zip({u.obj(plan.output_names)}, ({''.join(w + ', ' for w in written)})))"


def _no_row(as_of, plan, inputs):
    """No row of a `first` table matches (and it has no `otherwise`): `_pick` raises no-match."""
    _pick(as_of, plan, (), inputs)
    raise AssertionError(f"no row of {plan.name} matches, yet the hit policy chose one")


# ---------------------------------------------------------------------------- formulas in advance

def tabulated(gen, expr, type_, span) -> str | None:
    """Source giving a formula's finished value by a dict look-up when it reads one whole-number
    input of a small declared range and nothing else (the formula itself for any other value or
    type), or None. The values are the closures' own, under the engine's decimal context."""
    names = set()
    if not _plain_formula(gen, expr, type_, names) or len(names) != 1:
        return None
    name = names.pop()
    info = gen.model.inputs[name]
    range_ = info.range
    if info.type != INTEGER or range_ is None or range_.lo is None or range_.hi is None:
        return None
    low, high = math.floor(range_.lo), math.ceil(range_.hi)
    if high - low >= TABULATED_VALUES:
        return None
    closure = gen.compiler.expr(expr, type_)
    values = {}
    with decimal.localcontext(ENGINE_CONTEXT):
        for x in range(low, high + 1):
            if range_.contains(x):
                try:
                    values[x] = finish_value(type_, closure(Context({name: x}, None, None, traced=False)), span)
                except Exception:  # noqa: BLE001 - that value is left to the formula, which raises
                    continue
    u = gen.unit
    x = gen.read_input(gen.input_index[name])
    formula = gen._finished(type_, gen.expr(expr, type_), span, expr)
    return f"(w if {u.obj(type)}({x}) is int and (w := {u.obj(values)}.get({x})) is not None else {formula})"


def _plain_formula(gen, expr, expected, names: set) -> bool:
    """Whether an expression is constants, inputs and `+ - *` of numbers (the inputs into `names`)."""
    match expr:
        case ast.Literal():
            return True
        case ast.Name(name=name):
            kind = gen.compiler.name_kind(name, expected)
            if kind == "input":
                names.add(name)
            return kind in ("input", "constant")
        case ast.Unary(op="-", operand=operand) if _numeric(gen.compiler, expr):
            return _plain_formula(gen, operand, expected, names)
        case ast.Binary(op="+" | "-" | "*", left=left, right=right) if _numeric(gen.compiler, expr):
            return _plain_formula(gen, left, expected, names) and _plain_formula(gen, right, expected, names)
    return False
