"""plan: the decisions of a ruleset, on one date, evaluated over whole columns with numpy.

Each expression and unary test of the resolved rules becomes numpy operations on engine.vector
values; a table becomes one boolean mask per row and the row each case fires (`unique` and
`first` tables). What is not vectorised (see `Unsupported`, and docs/performance.md) is
evaluated per case, decision by decision, by the generated code (`Ruleset.decision_function`).
"""
from __future__ import annotations

import datetime as dt
import decimal

import attrs
import numpy as np

from engine import ast
from engine.errors import EvaluationError
from engine.evaluation.runtime import FUNCTIONS, make_date
from engine.values import COUNTRY, ENGINE_CONTEXT, MONEY, EnumType, ListType, RecordType, Type
from engine.countries import ISO_3166_ALPHA2
from engine.vector import values as vv
from engine.vector.grid import MAX_GRID, column_cells, grid_applies, grid_key
from engine.vector.values import V, Unsupported, either

COUNTRIES = tuple(sorted(ISO_3166_ALPHA2))
VECTOR_POLICIES = ("unique", "first")
MAX_VECTOR_ROWS = 2000  # a bigger table is evaluated per case, through its index


def vocab_of(type_) -> tuple:
    if isinstance(type_, EnumType):
        return tuple(type_.symbols)
    if type_ == COUNTRY:
        return COUNTRIES
    return ()


def kind_of(type_) -> str:
    """The vector kind holding values of a declared type ("obj" for what stays Python objects)."""
    if isinstance(type_, (ListType, RecordType)) or type(type_) not in (Type, EnumType):
        return "obj"
    if isinstance(type_, EnumType) or type_ == COUNTRY:
        return "sym"
    return {"bool": "bool", "integer": "num", "number": "num", "money": "num", "date": "date",
            "text": "text"}.get(type_.name, "obj")


class Evaluation:
    """One evaluation of the wanted decisions over n cases, memoised per decision."""

    def __init__(self, ruleset, day: dt.date, columns: dict, n: int, per_case):
        self.ruleset = ruleset
        self.model = ruleset.model
        self.compiler = ruleset.plans.compiler
        self.day = day
        self.columns = columns      # input name -> V
        self.n = n
        self.per_case = per_case    # name -> V, by the per-case evaluator (fallback.decision_values)
        self.values: dict = {}
        # table decision -> (row numbers, chosen): `numbers[chosen + 1]` are the fired row numbers
        # (0: none; see TableResult.trace), taken only when a trace is asked for
        self.fired: dict = {}
        self.per_case_decisions: dict = {}  # decision -> why it was evaluated per case
        self.cells: dict = {}       # grid.column_cells, shared by tables cutting a column alike

    # ------------------------------------------------------------------ decisions
    def decision(self, name: str) -> V:
        value = self.values.get(name)
        if value is None:
            try:
                value = self._decision(name)
            except Unsupported as why:
                self.per_case_decisions[name] = str(why)
                value = self.per_case(name)
            self.values[name] = value
        return value

    def _decision(self, name: str) -> V:
        info = self.model.decisions[name]
        version = info.version_on(self.day)
        if version is None:
            return _all_bad(info.type, self.n)
        body = version.decl.body
        if isinstance(body, ast.ExpressionBody):
            value = self._finish(self.expr(body.expr, info.type), info.type)
        else:
            value = self._table(name, version, body)
        if version.range is not None:
            value = self._in_range(value, version.range, version.output_types[0])
        return value

    def _finish(self, value: V, type_) -> V:
        if type_ == MONEY and value.kind == "num":
            return vv.round_half_up(value, 2)  # engine.values.round_money (a table's rows: per row)
        return value

    @staticmethod
    def _in_range(value: V, range_, type_) -> V:
        if value.kind == "record":
            raise Unsupported("a declared range on a table of several outputs")
        return vv.with_range(value, range_, type_)

    # ------------------------------------------------------------------ tables
    def _table(self, name: str, version, table: ast.Table) -> V:
        policy = version.decl.hit.policy
        if policy not in VECTOR_POLICIES:
            raise Unsupported(f"hit {version.decl.hit.label()}")
        rows = [row for row in table.rows if not row.is_otherwise]
        otherwise = next((row for row in table.rows if row.is_otherwise), None)
        if len(rows) > MAX_VECTOR_ROWS:
            raise Unsupported(f"a table of {len(rows):,} rows (its index is faster per case)")
        n = self.n
        columns = [self.expr(c.expr, t) for c, t in zip(table.inputs, version.column_types)]
        bad = None
        for column in columns:
            bad = either(bad, column.bad)
        found = self._grid(rows, columns, version.column_types, policy)
        if found is None:
            found = self._match(rows, columns, version.column_types, n, policy)
        chosen, ambiguous, match_bad = found
        bad = either(bad, either(ambiguous, match_bad))
        unmatched = chosen < 0
        if otherwise is not None:
            rows = rows + [otherwise]
            chosen[unmatched] = len(rows) - 1
        elif unmatched.any():
            bad = either(bad, unmatched)
        self.fired[name] = (np.array([0] + [row.number for row in rows], dtype=np.int32), chosen)
        outputs, fired_at = {}, {}
        for k, (column, type_) in enumerate(zip(table.outputs, version.output_types)):
            row_values = []
            for index, row in enumerate(rows):
                expr = row.outputs[k]
                if self.compiler.is_constant(expr, type_) or isinstance(expr, ast.NoAnswer):
                    row_values.append(self._finish(self.expr(expr, type_), type_))
                    continue
                # A computed value: only for the cases where its row fired, as per case.
                if index not in fired_at:
                    fired_at[index] = np.flatnonzero(chosen == index)
                where = fired_at[index]
                row_values.append((where, self._finish(_Subset(self, where).expr(expr, type_), type_)))
            outputs[column.name] = self._pick(chosen, row_values, type_)
        if len(outputs) == 1:
            value = next(iter(outputs.values()))
            return vv.with_bad(value, bad)
        return V("record", outputs, bad=bad)

    def _match(self, rows, columns, column_types, n: int, policy: str):
        """(the first row matching each case or -1, cases where several rows of a `unique` table
        match, cases where a test failed to compute): one boolean mask per row."""
        bad = None
        chosen = np.full(n, -1, dtype=np.int32)
        scratch = np.empty(n, dtype=np.int32)
        count = np.zeros(n, dtype=np.int8) if policy == "unique" else None
        for index in range(len(rows) - 1, -1, -1):
            mask = None
            for cell, column, type_ in zip(rows[index].cells, columns, column_types):
                if isinstance(cell.test, ast.AnyTest):
                    continue
                result = self.test(cell.test, column, type_)
                bad = either(bad, result.bad)
                mask = result.data if mask is None else mask & result.data
            if mask is None or np.ndim(mask) == 0:
                if mask is None or bool(mask):
                    chosen.fill(index)
                    if count is not None:
                        count += 1
                continue
            # chosen[mask] = index, as arithmetic: a `where=` on an irregular mask mispredicts
            # a branch per case (4-5x slower on a million cases)
            np.subtract(chosen, index, out=scratch)
            np.multiply(scratch, mask, out=scratch)
            np.subtract(chosen, scratch, out=chosen)
            if count is not None:
                np.add(count, mask, out=count, casting="unsafe")
        return chosen, (count > 1 if count is not None else None), bad

    def _grid(self, rows, columns, column_types, policy: str):
        """`_match` by looking each case up in the table evaluated once per cell (grid.py), or None."""
        if not grid_applies(self.compiler, rows, column_types, columns):
            return None
        cells, representatives, sizes = [], [], []
        for index, (column, type_) in enumerate(zip(columns, column_types)):
            cell, representative, size = column_cells(self.compiler, rows, index, column, type_, self.cells)
            cells.append(cell)
            representatives.append(representative)
            sizes.append(size)
        total = int(np.prod(sizes))
        if total > MAX_GRID:
            return None
        strides = np.cumprod([1] + sizes[:-1])
        grid = np.arange(total)
        grid_columns = [attrs.evolve(r, data=r.data[(grid // stride) % size], bad=None)
                        for r, stride, size in zip(representatives, strides, sizes)]
        grid_chosen, grid_ambiguous, _ = self._match(rows, grid_columns, column_types, total, policy)
        key = grid_key(cells, strides, self.cells)
        ambiguous = grid_ambiguous[key] if grid_ambiguous is not None and grid_ambiguous.any() else None
        return grid_chosen[key], ambiguous, None

    def _pick(self, chosen, row_values: list, type_) -> V:
        """Row by row, the value of the row that fired; a row's failure counts where it fired.
        An item of `row_values` is a value for every case, or (cases, value) for those cases."""
        parts = [item if isinstance(item, tuple) else (None, item) for item in row_values]
        answers = [v for _, v in parts if v.kind != "none"] or [parts[0][1]]
        kind = answers[0].kind
        parts = [(w, _stand_in(answers[0], v.bad) if v.kind == "none" else v) for w, v in parts]
        if any(v.kind != kind for _, v in parts) or kind in ("record", "obj", "none"):
            raise Unsupported("rows giving values of different kinds")
        scale = max(v.scale for _, v in parts) if kind == "num" else 0
        vocab = (vocab_of(type_) or answers[0].vocab) if kind == "sym" else ()
        if kind == "num":
            parts = [(w, vv.rescale(v, scale)) for w, v in parts]
        datas = [(w, vv.recode(v, vocab) if kind == "sym" else v.data) for w, v in parts]
        bad = None
        for index, (where, value) in enumerate(parts):
            if value.bad is None:
                continue
            if where is None:
                bad = either(bad, value.bad & (chosen == index))
            else:
                spread = np.zeros(len(chosen), dtype=bool)
                spread[where] = value.bad
                bad = either(bad, spread)
        if len(chosen) and chosen.min() < 0:
            chosen = np.maximum(chosen, 0)  # a case no row fired is bad already; any value will do
        # The rows giving a constant: one lookup; then each row giving a computed value, where it fired.
        dtype = np.result_type(*[np.asarray(d).dtype for _, d in datas])
        lookup = np.array([d if w is None and np.ndim(d) == 0 else np.zeros((), dtype) for w, d in datas], dtype=dtype)
        data = lookup[chosen.astype(np.intp)]  # numpy takes twice as fast by intp as by int32
        for index, (where, d) in enumerate(datas):
            if where is not None:
                data[where] = d
            elif np.ndim(d):
                np.copyto(data, d, where=chosen == index)
        return V(kind, data, scale, vocab, bad)

    # ------------------------------------------------------------------ unary tests
    def test(self, test: ast.Test, value: V, type_) -> V:
        match test:
            case ast.AnyTest():
                return V("bool", np.bool_(True))
            case ast.CompareTest(op=op, bound=bound):
                return vv.compare(op, value, self.expr(bound, type_))
            case ast.RangeTest(lo=lo, hi=hi, lo_closed=lo_closed, hi_closed=hi_closed):
                low = vv.compare(">=" if lo_closed else ">", value, self.expr(lo, type_))
                high = vv.compare("<=" if hi_closed else "<", value, self.expr(hi, type_))
                return V("bool", low.data & high.data, bad=either(low.bad, high.bad))
            case ast.SetTest(values=values):
                return self._any([vv.compare("=", value, self.expr(v, type_)) for v in values])
            case ast.AnyOfTest(tests=tests):
                return self._any([self.test(t, value, type_) for t in tests])
            case ast.NotTest(test=inner):
                result = self.test(inner, value, type_)
                return V("bool", ~result.data, bad=result.bad)
        raise Unsupported(type(test).__name__)

    @staticmethod
    def _any(results: list) -> V:
        data, bad = np.bool_(False), None
        for result in results:
            data = data | result.data
            bad = either(bad, result.bad)
        return V("bool", data, bad=bad)

    # ------------------------------------------------------------------ expressions
    def expr(self, expr: ast.Expr, expected=None) -> V:
        match expr:
            case ast.Literal(kind=kind, value=value):
                return vv.constant(value, kind)
            case ast.Name(name=name):
                return self._name(name, expected)
            case ast.Field(base=base, field=field):
                record = self.expr(base)
                if record.kind != "record":
                    raise Unsupported("a field of a value that is not a table's outputs")
                return vv.with_bad(record.data[field], record.bad)
            case ast.Unary(op="not", operand=operand):
                inner = self.expr(operand)
                return V("bool", ~inner.data, bad=inner.bad)
            case ast.Unary(op="-", operand=operand):
                return vv.negate(self._number(self.expr(operand, expected)))
            case ast.Binary(op="and" | "or" as op, left=left, right=right):
                a, b = self.expr(left), self.expr(right)
                if op == "and":  # b is read only where a holds, as Python's `and`
                    return V("bool", a.data & b.data, bad=either(a.bad, _masked(b.bad, a.data)))
                return V("bool", a.data | b.data, bad=either(a.bad, _masked(b.bad, ~a.data)))
            case ast.Binary(op=op, left=left, right=right) if op in vv._COMPARE:
                left_type = self.compiler.type_of(left)
                if left_type is None:
                    right_type = self.compiler.type_of(right)
                    return vv.compare(op, self.expr(left, right_type), self.expr(right))
                return vv.compare(op, self.expr(left), self.expr(right, left_type))
            case ast.Binary(op="+" | "-" as op, left=left, right=right):
                return vv.add(self._number(self.expr(left)), self._number(self.expr(right)), 1 if op == "+" else -1)
            case ast.Binary(op="*", left=left, right=right):
                return vv.multiply(self._number(self.expr(left)), self._number(self.expr(right)))
            case ast.IfExpr(condition=condition, then=then, otherwise=otherwise):
                return vv.select(self.expr(condition), self.expr(then, expected), self.expr(otherwise, expected))
            case ast.InExpr(value=value, options=options):
                value_type = self.compiler.type_of(value)
                subject = self.expr(value)
                return self._any([vv.compare("=", subject, self.expr(o, value_type)) for o in options])
            case ast.NoAnswer():  # a value of no kind, bad wherever it is read
                return V("none", np.bool_(False), bad=np.ones(self.n, dtype=bool))
            case ast.Call():
                return self._call(expr, expected)
        raise Unsupported(f"`{type(expr).__name__}` ({getattr(expr, 'op', '')})")

    @staticmethod
    def _number(value: V) -> V:
        if value.kind != "num":
            raise Unsupported(f"arithmetic on {vv.KIND_WORDS.get(value.kind, value.kind)}")
        return value

    def _name(self, name: str, expected) -> V:
        kind = self.compiler.name_kind(name, expected)
        if kind == "input":
            return self.columns[name]
        if kind == "decision":
            return self.decision(name)
        if kind == "parameter":
            info = self.model.parameters[name]
            entry = info.value_on(self.day)
            if entry is None:
                return _all_bad(info.type, self.n)
            return self._constant(entry.value, info.type)
        if kind == "as_of":
            return vv.constant(self.day, "date")
        vocab = vocab_of(expected) or (name,)
        return vv.constant(name, "sym", vocab)

    def _constant(self, value, type_) -> V:
        kind = kind_of(type_)
        if kind == "sym":
            return vv.constant(value, "sym", vocab_of(type_))
        if kind == "obj":
            raise Unsupported(f"a value of type {type_.describe()}")
        return vv.constant(value, type_.name)

    def _call(self, expr: ast.Call, expected) -> V:
        name = expr.function
        args = [self.expr(a, expected if name in ("min", "max") else None) for a in expr.args]
        if all(a.is_scalar and a.bad is None for a in args) and name != "round":
            return self._fold(expr, args)
        if name in ("min", "max") and args and all(a.kind == "num" for a in args):
            result = args[0]
            for other in args[1:]:  # Python's min and max: the first of equal values
                result, other = vv.align(result, other)
                better = other.data < result.data if name == "min" else other.data > result.data
                result = vv.V("num", np.where(better, other.data, result.data), result.scale,
                              bad=either(result.bad, other.bad))
            return result
        if name == "abs" and len(args) == 1 and args[0].kind == "num":
            return vv.V("num", np.abs(args[0].data), args[0].scale, bad=args[0].bad)
        if name in ("years_between", "months_between") and len(args) == 2 and all(a.kind == "date" for a in args):
            months = whole_months_between(args[0].data, args[1].data)
            if name == "years_between":
                months = np.where(months >= 0, months // 12, -((-months) // 12))
            return vv.V("num", months.astype(np.int64), 0, bad=either(args[0].bad, args[1].bad))
        if name in ("year", "month", "day") and len(args) == 1 and args[0].kind == "date":
            years, months, days = civil_from_days(args[0].data)
            part = {"year": years, "month": months, "day": days}[name]
            return vv.V("num", part.astype(np.int64), 0, bad=args[0].bad)
        if name in ("floor", "ceil") and len(args) == 1 and args[0].kind == "num":
            return vv.floor_to(args[0], 0, ceiling=name == "ceil")
        if name == "round" and args and args[0].kind == "num":
            if len(args) == 2:
                if not (args[1].is_scalar and args[1].kind == "num" and args[1].scale == 0):
                    raise Unsupported("round to a number of places read from the facts")
                return vv.round_half_up(args[0], int(args[1].data))
            return vv.round_half_up(args[0], 0)
        raise Unsupported(f"the function {name}() on these values")

    def _fold(self, expr: ast.Call, args: list) -> V:
        """A call on constants (e.g. `date(year(as_of), 1, 1)`): computed once, by the runtime."""
        python = [to_python_scalar(a) for a in args]
        try:
            with decimal.localcontext(ENGINE_CONTEXT):
                if expr.function == "date":
                    result = make_date(self.day, expr.span, *python)
                else:
                    result = FUNCTIONS[expr.function](*python)
        except (EvaluationError, ArithmeticError, TypeError, ValueError, KeyError):
            raise Unsupported(f"{expr.function}() fails on constants") from None
        return vv.constant(result, "date" if isinstance(result, dt.date) else "number")


class _Subset(Evaluation):
    """The evaluation restricted to some cases (`where`): their inputs, their decisions."""

    def __init__(self, parent: Evaluation, where: np.ndarray):
        self.parent, self.where = parent, where
        self.ruleset, self.model, self.compiler, self.day = parent.ruleset, parent.model, parent.compiler, parent.day
        self.n = len(where)
        self.columns = _Sliced(parent.columns, where)
        self.per_case, self.per_case_decisions = parent.per_case, parent.per_case_decisions
        self.values, self.fired, self.cells = {}, {}, {}

    def decision(self, name: str) -> V:
        return take(self.parent.decision(name), self.where)


class _Sliced(dict):
    def __init__(self, columns: dict, where):
        super().__init__()
        self.columns, self.where = columns, where

    def __missing__(self, name):
        value = self[name] = take(self.columns[name], self.where)
        return value


def take(value: V, where) -> V:
    """Some cases of a value."""
    if value.kind == "record":
        return V("record", {k: take(v, where) for k, v in value.data.items()},
                 bad=None if value.bad is None else np.broadcast_to(value.bad, (len(value.bad),))[where])
    data = value.data if np.ndim(value.data) == 0 else value.data[where]
    bad = value.bad if value.bad is None or np.ndim(value.bad) == 0 else value.bad[where]
    return attrs.evolve(value, data=data, bad=bad)


def _stand_in(like: V, bad) -> V:
    """A value of the kind of `like` for a `no answer` row: never given, since the row is bad."""
    return V(like.kind, np.zeros((), dtype=np.asarray(like.data).dtype), like.scale, like.vocab, bad)


def _masked(bad, where):
    return None if bad is None else bad & where


def _all_bad(type_, n: int) -> V:
    kind = kind_of(type_)
    data = {"num": np.int64(0), "bool": np.bool_(False), "sym": np.int32(0), "date": np.int64(0)}.get(
        kind, np.array(None, dtype=object))
    return V(kind if kind != "obj" else "obj", data, vocab=vocab_of(type_), bad=np.ones(n, dtype=bool))


def to_python_scalar(value: V):
    data = value.data.item() if hasattr(value.data, "item") else value.data
    if value.kind == "num":
        return data if value.scale == 0 else decimal.Decimal(data).scaleb(-value.scale)
    if value.kind == "date":
        return vv.EPOCH + dt.timedelta(days=data)
    if value.kind == "sym":
        return value.vocab[data]
    return data


# ---------------------------------------------------------------------------- calendar

def civil_from_days(days):
    """(year, month, day) arrays of days since 1970-01-01, proleptic Gregorian, in integer
    arithmetic (H. Hinnant's `civil_from_days`: much faster than numpy's datetime64 casts)."""
    z = np.asarray(days, dtype=np.int64) + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _last_day(years, months):
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    return _MONTH_DAYS[months] + (leap & (months == 2))


def whole_months_between(start, end):
    """engine.evaluation.runtime.whole_months, row by row (tests/test_vector.py compares the two). With one
    side fixed (an age on the as-of date), computed once per distinct day, then looked up."""
    for varying, fixed, sign in ((start, end, 1), (end, start, -1)):
        if np.ndim(fixed) == 0 and np.ndim(varying) == 1 and len(varying) > 1000:
            lo, hi = int(varying.min()), int(varying.max())
            if hi - lo < len(varying):
                days = np.arange(lo, hi + 1, dtype=np.int64)
                table = _whole_months(days, fixed) if sign > 0 else _whole_months(fixed, days)
                return table[varying - lo]
    return _whole_months(start, end)


def _whole_months(start, end):
    start, end = np.broadcast_arrays(np.asarray(start, dtype=np.int64), np.asarray(end, dtype=np.int64))
    backwards = end < start
    lo, hi = np.where(backwards, end, start), np.where(backwards, start, end)
    y1, m1, d1 = civil_from_days(lo)
    y2, m2, d2 = civil_from_days(hi)
    months = (y2 - y1) * 12 + m2 - m1
    last = _last_day(y2, m2)
    short = (d2 < d1) & ~((d2 == last) & (d1 > last))
    months = months - short
    return np.where(backwards, -months, months)

