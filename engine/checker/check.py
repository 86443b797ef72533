"""check: every table version → the analyser's boxes → `overlap`, `gap` and `masked-rule` diagnostics.

A row becomes a box: one cell per input column, the set of values its test accepts within the
column's declared domain. Bounds must be constants, or parameters: a table whose bounds read
parameters is analysed once per period in which those parameters keep one value, and each finding
names its period. Bounds that read inputs or decisions cannot be known before evaluation; such a
table is not analysed (and says nothing rather than something wrong).
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Optional

from engine.checker import analysis as an
from engine import ast
from engine.checker import lists as lists_check
from engine.compiler.compile import Compiler
from engine.countries import COUNTRY_CODES
from engine.errors import Diagnostic, EvaluationError
from engine.evaluation.evaluate import Context
from engine.semantics.records import path_range, why_not_analysed
from engine.checker.describe import as_duration
from engine.durations import Months
from engine.values import DAYS_DURATION, MONTHS_DURATION, EnumType, Type, to_json_value

GAP_POLICIES = ("unique", "first", "priority", "any")


class _NotAnalysable(Exception):
    """A bound that depends on facts: the table's shape is not known before evaluation."""


def analyse_tables(ruleset, skipped: Optional[list] = None) -> list[Diagnostic]:
    """Findings of every table version; those that cannot be analysed go to `skipped` (their decls)."""
    found = []
    for info in ruleset.model.decisions.values():
        for version in info.versions:
            if isinstance(version.decl.body, ast.Table):
                note = lists_check.unanalysable(version)  # lists (h16-lists): a list-valued column
                if note is not None:
                    found.append(note)
                    continue
                try:
                    found.extend(_analyse_version(ruleset, version))
                except _NotAnalysable:
                    reason = why_not_analysed(ruleset.model, version.decl)  # records (h16-records): say why
                    if reason is not None:
                        found.append(Diagnostic("note", "not-analysed", f"`{info.name}` is not checked for gaps "
                                                f"and overlaps: {reason}", version.decl.span))
                    elif skipped is not None:
                        skipped.append(version.decl)
    from engine.checker.functions import analyse_functions  # a function's table too (h16-calls)
    found.extend(analyse_functions(ruleset, _analyse_version, _NotAnalysable))
    return found


# ---------------------------------------------------------------------------- domains

def column_domain(model, column: ast.Column, type_: Type):
    """The analyser's domain of an input column: its type, narrowed by a declared input range."""
    range_ = None
    if isinstance(column.expr, ast.Name) and column.expr.name in model.inputs:
        range_ = model.inputs[column.expr.name].range
    elif isinstance(column.expr, ast.Field):
        range_ = path_range(model, column.expr)  # a record field's declared range (records, h16-records)
    if isinstance(type_, EnumType):
        return an.FiniteDomain(type_.symbols)
    name = type_.name if type(type_) is Type else None
    if name == "bool":
        return an.BOOLEAN
    if name == "country":
        return an.FiniteDomain(COUNTRY_CODES)
    if name == "text":
        return an.TextDomain()
    if type_ in (DAYS_DURATION, MONTHS_DURATION):  # counted in whole days or months (engine/durations.py)
        unit = "days" if type_ == DAYS_DURATION else "months"
        lo = None if range_ is None or range_.lo is None else _bound(range_.lo)
        hi = None if range_ is None or range_.hi is None else _bound(range_.hi)
        if lo is not None and not range_.lo_closed:
            lo += 1
        if hi is not None and not range_.hi_closed:
            hi -= 1
        return an.duration_domain(unit, lo, hi)
    if name in ("integer", "number", "money", "date"):
        lo = range_.lo if range_ else None
        hi = range_.hi if range_ else None
        lo_closed = range_.lo_closed if range_ else True
        hi_closed = range_.hi_closed if range_ else True
        if name == "integer":
            # An open bound on an integer is the next integer, closed.
            lo = None if lo is None else (lo if lo_closed else lo + 1)
            hi = None if hi is None else (hi if hi_closed else hi - 1)
            return an.integer_domain(lo, hi)
        if name == "date":
            lo = None if lo is None else (lo if lo_closed else lo + dt.timedelta(days=1))
            hi = None if hi is None else (hi if hi_closed else hi - dt.timedelta(days=1))
            return an.date_domain(lo, hi)
        return an.decimal_domain(lo, hi, lo_closed, hi_closed)
    raise _NotAnalysable()


# ---------------------------------------------------------------------------- cells

def _bound(value):
    if isinstance(value, bool):
        raise _NotAnalysable()
    if isinstance(value, dt.timedelta):  # a duration column is analysed as a count of days or months
        return Decimal(value.days)
    if isinstance(value, Months):
        return Decimal(value.count)
    return Decimal(value) if isinstance(value, int) else value


def _full(domain):
    return an.anything(domain)


def _union(domain, cells: list):
    if isinstance(domain, an.OrderedDomain):
        return an.IntervalSet(tuple(i for c in cells for i in c.intervals))
    if isinstance(domain, an.FiniteDomain):
        return an.ValueSet(frozenset().union(*(c.values for c in cells)))
    values, negated = frozenset(), False
    for cell in cells:
        if not negated and not cell.negated:
            values = values | cell.values
        elif negated and cell.negated:
            values = values & cell.values
        elif negated:
            values = values - cell.values
        else:
            values, negated = cell.values - values, True
    return an.TextSet(values, negated)


def _complement(domain, cell):
    if isinstance(domain, an.FiniteDomain):
        return an.ValueSet(frozenset(domain.values) - cell.values)
    if isinstance(domain, an.TextDomain):
        return an.TextSet(cell.values, not cell.negated)
    return an.IntervalSet(_complement_intervals(cell.intervals))


def _complement_intervals(intervals) -> tuple:
    """The complement of a union of intervals over the whole line (each bound's closedness flips)."""
    def start_key(i):  # a closed start comes before an open one at the same point
        return (0,) if i.lo is None else (1, i.lo, 0 if i.lo_closed else 1)

    merged = []  # [lo, lo_closed, hi, hi_closed]; None = unbounded
    for piece in sorted(intervals, key=start_key):
        if merged:
            last = merged[-1]
            touches = last[2] is None or (piece.lo is not None and (
                piece.lo < last[2] or (piece.lo == last[2] and (last[3] or piece.lo_closed))))
            if touches or piece.lo is None:
                if last[2] is not None and (piece.hi is None or piece.hi > last[2]
                                            or (piece.hi == last[2] and piece.hi_closed)):
                    last[2], last[3] = piece.hi, piece.hi_closed
                continue
        merged.append([piece.lo, piece.lo_closed, piece.hi, piece.hi_closed])
    if not merged:
        return (an.Interval(),)
    result = []
    if merged[0][0] is not None:
        result.append(an.Interval(None, True, merged[0][0], not merged[0][1]))
    for left, right in zip(merged, merged[1:]):
        result.append(an.Interval(left[2], not left[3], right[0], not right[1]))
    if merged[-1][2] is not None:
        result.append(an.Interval(merged[-1][2], not merged[-1][3], None, True))
    return tuple(result)


class _Cells:
    """Turns unary tests into analyser cells, with parameter values fixed for one period."""

    def __init__(self, compiler: Compiler, ctx: Context):
        self.compiler = compiler
        self.ctx = ctx
        self.of_text: dict = {}  # (column position, cell text) -> its analyser cell

    def row(self, row_cells, domains, column_types) -> tuple:
        """The analyser cells of a row. The same text in the same column is the same cell (for
        one period): it is made once, and the analyser sees one object for all its rows."""
        found = []
        for position, (cell, domain, column_type) in enumerate(zip(row_cells, domains, column_types)):
            key = (position, cell.text)
            made = self.of_text.get(key)
            if made is None:
                made = self.of_text[key] = self.cell(cell.test, domain, column_type)
            found.append(made)
        return tuple(found)

    def value(self, expr: ast.Expr, column_type):
        if type(expr) is ast.Literal:  # most bounds: no name to resolve, nothing to compile
            return expr.value
        for name in ast.names_in(expr):
            kind = self.compiler.name_kind(name, column_type)
            if kind in ("input", "decision", "as_of", "argument"):  # known only when evaluating (a call)
                raise _NotAnalysable()
        return self.compiler.expr(expr, column_type)(self.ctx)

    def cell(self, test: ast.Test, domain, column_type):
        match test:
            case ast.AnyTest():
                return _full(domain)
            case ast.CompareTest(op=op, bound=bound):
                value = self.value(bound, column_type)
                return self._compare(op, value, domain)
            case ast.RangeTest(lo=lo, hi=hi, lo_closed=lo_closed, hi_closed=hi_closed):
                if not isinstance(domain, an.OrderedDomain):
                    raise _NotAnalysable()
                return an.IntervalSet((an.Interval(_bound(self.value(lo, column_type)), lo_closed,
                                                   _bound(self.value(hi, column_type)), hi_closed),))
            case ast.SetTest(values=values):
                return _union(domain, [self._compare("=", self.value(v, column_type), domain) for v in values])
            case ast.AnyOfTest(tests=tests):
                return _union(domain, [self.cell(t, domain, column_type) for t in tests])
            case ast.NotTest(test=inner):
                return _complement(domain, self.cell(inner, domain, column_type))
            case ast.InListTest():  # lists (h16-lists)
                return lists_check.in_list_cell(self, test, domain, column_type, _union)
        raise _NotAnalysable()

    @staticmethod
    def _compare(op, value, domain):
        if isinstance(domain, an.OrderedDomain):
            value = _bound(value)
            if op == "=":
                return an.point(value)
            if op == "!=":
                return an.IntervalSet((an.Interval(None, True, value, False), an.Interval(value, False, None, True)))
            if op in ("<", "<="):
                return an.at_most(value, closed=op == "<=")
            return an.at_least(value, closed=op == ">=")
        if op not in ("=", "!="):
            raise _NotAnalysable()
        if isinstance(domain, an.FiniteDomain):
            cell = an.ValueSet(frozenset([value]))
        else:
            cell = an.TextSet(frozenset([value]), False)
        return cell if op == "=" else _complement(domain, cell)


# ---------------------------------------------------------------------------- periods

def _periods(ruleset, version) -> list[tuple[Optional[dt.date], Optional[dt.date]]]:
    """Sub-periods of the version's validity in which every parameter its tests read is constant."""
    decl, table = version.decl, version.decl.body
    texts = {cell.text: cell.test for row in table.rows for cell in row.cells}  # a text's names are its test's
    names = {n for test in texts.values() for n in ast.names_in(test)}
    starts = sorted({value.start for n in names if n in ruleset.model.parameters
                     for value in ruleset.model.parameters[n].values})
    start, end = decl.valid_from, decl.valid_to
    cuts = [s for s in starts if (start is None or s > start) and (end is None or s <= end)]
    bounds = [start] + cuts
    periods = []
    for index, lo in enumerate(bounds):
        hi = cuts[index] - dt.timedelta(days=1) if index < len(cuts) else end
        periods.append((lo, hi))
    return periods


def _period_words(period, several: bool) -> str:
    if not several:
        return ""
    lo, hi = period
    if hi is None:
        return f" (from {lo})"
    return f" (from {lo or 'the start'} to {hi})"


# ---------------------------------------------------------------------------- one version

def _analyse_version(ruleset, version, scope=None, compiler=None) -> list[Diagnostic]:
    """A table's findings; a function's table (checker/functions.py) brings the `scope` where its
    columns' names are declared (its parameters) and its body's compiler."""
    decl, table = version.decl, version.decl.body
    model = ruleset.model
    if len({c.title for c in table.inputs}) < len(table.inputs):
        raise _NotAnalysable()  # two columns test one input: they are not independent dimensions
    domains = [column_domain(scope or model, c, t) for c, t in zip(table.inputs, version.column_types)]
    compiler = compiler or Compiler(model, ruleset.typer)
    policy = decl.hit.policy if decl.hit.aggregator is None else f"collect {decl.hit.aggregator}"
    hit = {"unique": "unique", "any": "any", "first": "first"}.get(policy, "priority")
    wants_gaps = policy in GAP_POLICIES or policy in ("collect min", "collect max")
    rows = [(row, rule_id) for row, rule_id in zip(table.rows, version.rule_ids) if not row.is_otherwise]
    has_otherwise = len(rows) < len(table.rows) or not wants_gaps
    columns = tuple(an.Column(c.title, d) for c, d in zip(table.inputs, domains))
    periods = _periods(ruleset, version)
    found, seen = [], set()
    for period in periods:
        day = period[0] or (period[1] if period[1] else dt.date(2000, 1, 1))
        ctx = Context({}, day, ruleset.plans, traced=False)
        cells = _Cells(compiler, ctx)
        try:
            boxes = [an.Row(cells.row(row.cells, domains, version.column_types), _output_key(row), row.span.line)
                     for row, _ in rows]
        except EvaluationError:  # a parameter without a value in this period: evaluation reports it
            continue
        findings = an.analyse(an.Table(columns, tuple(boxes), hit, has_otherwise))
        when = _period_words(period, len(periods) > 1)
        for diagnostic in _diagnostics(decl, rows, columns, findings, when):
            key = (diagnostic.code, diagnostic.span, diagnostic.message.split(" (from")[0])
            if key not in seen:
                seen.add(key)
                found.append(diagnostic)
    return found


def _output_key(row: ast.Row) -> tuple:
    """What a row outputs, comparable between rows: the outputs' expressions without positions."""
    return tuple(("Literal", expr.kind, expr.value) if type(expr) is ast.Literal else ast.shape(expr)
                 for expr in row.outputs)  # a literal's shape, without the generic walk


def _example(example: dict, columns) -> dict:
    units = _units(columns)
    return {name: to_json_value(as_duration(v, units[name]) if name in units
                                else int(v) if isinstance(v, Decimal) and v == v.to_integral_value() else v)
            for name, v in example.items()}


def _units(columns) -> dict:
    """The duration columns' units: their example values are counts of days or months."""
    return {c.name: c.domain.unit for c in columns if getattr(c.domain, "unit", None)}


def _shown(example: dict, columns) -> str:
    """`age = 40, lang = "en"`: text values quoted, as they are written in a rule file."""
    texts = {c.name for c in columns if isinstance(c.domain, an.TextDomain)}
    units = _units(columns)
    return ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False) if k in texts else an.format_value(v, units.get(k))}"
                     for k, v in example.items())


def _diagnostics(decl, rows, columns, findings, when: str) -> list[Diagnostic]:
    name = decl.name
    out = []
    for overlap in findings.overlaps:
        (first, first_id), (second, second_id) = rows[overlap.first], rows[overlap.second]
        out.append(Diagnostic(
            "error", "overlap",
            f"rows {first_id} (line {first.span.line}) and {second_id} (line {second.span.line}) of "
            f"`{name}` both match {_shown(overlap.example, columns)}{when}",
            second.span, hint=f"a `{decl.hit.label()}` table needs rows that exclude each other; narrow one "
                              "of them, or use `hit first`",
            example=_example(overlap.example, columns), extra={"lines": [first.span.line, second.span.line]}))
    for gap in findings.gaps:
        region = an.describe_region(columns, gap.region)
        example = _shown(gap.example, columns)
        # a region of single values is its own example: say it once
        for_example = "" if region.replace(" and ", ", ") == example else f"; for example {example}"
        out.append(Diagnostic(
            "warning", "gap", f"no rule of `{name}` matches {region}{when}{for_example}",
            decl.span, hint="add a row for these inputs, or an `otherwise` row",
            example=_example(gap.example, columns), extra={"region": region}))
    if findings.gaps_truncated and findings.complete:
        out.append(Diagnostic("warning", "gap", f"`{name}` has more gaps than are shown here{when}", decl.span))
    if not findings.complete:
        out.append(Diagnostic("warning", "gap", f"`{name}` is too irregular to analyse completely{when}: the "
                              "overlaps and gaps shown are real, but others may be missing", decl.span,
                              hint="split the table, or give its rows fewer overlapping ranges"))
    for masked in findings.masked:
        row, rule_id = rows[masked.row]
        by = ", ".join(f"{rows[b][1]} (line {rows[b][0].span.line})" for b in masked.by)
        extra = {"masked_by": [rows[b][0].span.line for b in masked.by]}
        out.append(Diagnostic(
            "warning", "masked-rule", f"row {rule_id} of `{name}` can never fire{when}: earlier rows {by} "
            "match every input it matches", row.span, hint="remove it, or move it above the rows that hide it",
            example=_example(masked.example, columns) if masked.example else None, extra=extra))
    for index in findings.empty:
        row, rule_id = rows[index]
        out.append(Diagnostic(
            "warning", "masked-rule", f"row {rule_id} of `{name}` can never fire{when}: no input within the "
            "declared ranges matches it", row.span, hint="check its bounds against the inputs' declared ranges"))
    return out
