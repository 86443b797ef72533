"""stage: a ruleset on one day → for one fact, the pieces of its domain on which nothing changes.

A fact reaches a decision in one of a few ways the rules can compare: as a table column, in a
comparison `x <= e` or `x in {…}`, or through an expression decision that is a monotone function
of it (`years_between(birth_date, as_of)`, or the fact itself). Every such use gives thresholds:
the bounds it compares with, evaluated with the other facts as they are. Between two thresholds
every test reads the same, so every decision gives the same value there: evaluating one sample
of each piece is exact, not a search.

Where a fact is used otherwise (in arithmetic: `(household_size - 4) * 4135 €`, or as a bound
of another column), its pieces are its single values when its domain is small (booleans,
enumerations, integers with a range of at most ENUMERABLE values), and it is `not covered`
otherwise. Countries and texts, compared only for equality, split into the values the rules
name and one piece for every other value.
"""
from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import Optional

import attrs

from engine import ast
from engine.countries import COUNTRY_CODES
from engine.errors import EvaluationError
from engine.evaluation.evaluate import Context
from engine.values import CENT, ENGINE_CONTEXT, EnumType, Type
from engine.whatif.pieces import Piece, discrete_points, last_without, on_grid, ordered_pieces

ENUMERABLE = 200
MONOTONE_CALLS = ("years_between", "months_between")
FAR = 100_000  # bisection window for monotone date functions, in days either side


class NoValue:
    """The outcome when the rules give no value (a `no answer` row, a gap, a missing version)."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = NoValue()
_FAILURES = (EvaluationError, decimal.DecimalException, OverflowError, KeyError, RecursionError)


def step_of(type_):
    """The smallest change of a fact of this type — a cent, a day, one — or None (a number has none)."""
    name = type_.name if type(type_) is Type else None
    return {"money": CENT, "date": dt.timedelta(days=1), "integer": Decimal(1)}.get(name)


class NotCovered(Exception):
    """The fact is used in a way whose thresholds cannot be read off the rules."""


def kind_of(type_) -> str:
    if isinstance(type_, EnumType):
        return "enum"
    name = type_.name if type(type_) is Type else None
    if name in ("integer", "date"):
        return "discrete"
    if name in ("number", "money"):
        return "dense"
    if name in ("bool", "country", "text"):
        return name
    return "other"


class Space:
    """Evaluation and pieces over one ruleset on one day."""

    def __init__(self, ruleset, day: dt.date, claims: tuple = ()):
        self.ruleset = ruleset
        self.model = ruleset.model
        self.day = day
        # A property's own comparisons (`assert age <= 20`) divide the facts as the rules' do: a
        # piece is cut there too, or a claim would be judged on one value of a whole stretch.
        self.claims = tuple(claim for claim in claims if claim is not None)
        self.compiler = ruleset.plans.compiler
        self._reads: dict = {}
        self._uses: dict = {}
        self._functions: dict = {}
        self._compiled: dict = {}  # (id(expr), id(type)) → (expr, closure); expr kept alive

    # ------------------------------------------------------------------ evaluation
    def value(self, facts: dict, name: str, cut: Optional[dict] = None):
        """The value of decision (or input) `name`; NO_VALUE when the rules give none."""
        if name in self.model.inputs:
            return facts.get(name, NO_VALUE)
        if not cut:
            return self._fast(name, facts)
        ctx = Context(facts, self.day, self.ruleset.plans, traced=False)
        ctx.results.update(cut)
        try:
            with decimal.localcontext(ENGINE_CONTEXT):
                return ctx.decision(name)
        except _FAILURES:
            return NO_VALUE

    def _fast(self, name: str, facts: dict):
        """The generated code's decision function (engine/compiler/codegen.py): far faster than the
        interpreter, and the same values (tests/test_codegen.py holds them equal)."""
        fn = self._functions.get(name)
        if fn is None:
            try:
                fn = self._functions[name] = self.ruleset.decision_function(name, self.day)
            except _FAILURES:
                return NO_VALUE
        try:
            with decimal.localcontext(ENGINE_CONTEXT):
                return fn(**{k: facts[k] for k in fn.inputs if k in facts})
        except _FAILURES + (TypeError,):
            return NO_VALUE

    def expression(self, expr: ast.Expr, facts: dict, cut: Optional[dict] = None, expected=None):
        return self.expressions([(expr, expected)], facts, cut)[0]

    def expressions(self, exprs: list, facts: dict, cut: Optional[dict] = None) -> list:
        """[(expr, expected type)] → their values, in one evaluation (decisions computed once)."""
        ctx = Context(facts, self.day, self.ruleset.plans, traced=False)
        if cut:
            ctx.results.update(cut)
        else:  # the decisions read, by the generated code; the expressions then find them made
            for expr, _ in exprs:
                for name in ast.names_in(expr):
                    if name in self.model.decisions and name not in ctx.results:
                        value = self._fast(name, facts)
                        if value is not NO_VALUE:
                            ctx.results[name] = value
        values = []
        with decimal.localcontext(ENGINE_CONTEXT):
            for expr, expected in exprs:
                key = (id(expr), id(expected))
                compiled = self._compiled.get(key)
                if compiled is None:
                    compiled = self._compiled[key] = (expr, self.compiler.expr(expr, expected))
                try:
                    values.append(compiled[1](ctx))
                except _FAILURES:
                    values.append(NO_VALUE)
        return values

    # ------------------------------------------------------------------ the graph
    def version(self, name: str):
        info = self.model.decisions.get(name)
        return info.version_on(self.day) if info else None

    def reads(self, name: str) -> frozenset:
        """Every input and decision `name` reads, transitively, on this day."""
        found = self._reads.get(name)
        if found is None:
            self._reads[name] = frozenset()  # cycles are refused at load; this only guards
            version = self.version(name)
            found = set()
            for dep in (version.dependencies if version else ()):
                found.add(dep)
                if dep in self.model.decisions:
                    found |= self.reads(dep)
            found = self._reads[name] = frozenset(found)
        return found

    def cone(self, names) -> list:
        """The decisions `names` need (themselves included)."""
        out = []
        for name in names:
            if name in self.model.decisions and name not in out:
                out.append(name)
            out.extend(d for d in self.reads(name) if d in self.model.decisions and d not in out)
        return out

    def depends(self, expr, var: str) -> bool:
        for name in ast.names_in(expr):
            if name == var or (name in self.model.decisions and var in self.reads(name)):
                return True
        return False

    def type_of(self, name: str):
        if name in self.model.inputs:
            return self.model.inputs[name].type
        return self.model.decisions[name].type

    # ------------------------------------------------------------------ pieces
    def pieces(self, var: str, facts: dict, within: list, cut: Optional[dict] = None) -> list:
        """The pieces of `var`'s domain, the other facts as in `facts`, for the decisions `within`.

        Raises NotCovered when var's thresholds cannot be read and its domain is too large."""
        type_ = self.type_of(var)
        kind = kind_of(type_)
        if kind == "bool":
            return [Piece(v, values=frozenset([v])) for v in (False, True)]
        if kind == "enum":
            return [Piece(v, values=frozenset([v])) for v in type_.symbols]
        uses = self.uses(var, within)
        if kind in ("country", "text"):
            return self._finite_pieces(var, kind, uses, facts, cut)
        if kind not in ("discrete", "dense"):
            raise NotCovered(f"`{var}` is a {type_.describe()}")
        lo, lo_closed, hi, hi_closed = self.domain(var)
        if not uses.supported:
            if kind == "discrete" and isinstance(lo, Decimal) and hi is not None and hi - lo < ENUMERABLE:
                return [Piece(v, v, True, v, True) for v in range(int(lo), int(hi) + 1)]
            raise NotCovered(uses.why)
        points = sorted(uses.thresholds(facts, cut, kind))
        if kind == "discrete" and not isinstance(lo or hi or (points[0] if points else None), dt.date):
            # whole numbers: thresholds between two integers count on both sides
            points = sorted({int(q) for p in points for q in discrete_points([p])})
            lo = None if lo is None else int(lo)
            hi = None if hi is None else int(hi)
        current = facts.get(var)
        if current is None and getattr(type_, "name", None) == "date":
            current = self.day  # a date's one piece, when nothing divides it, is sampled on a day, not at 0
        pieces = ordered_pieces(points, kind, (lo, lo_closed, hi, hi_closed), current)
        return on_grid(pieces, CENT) if kind == "dense" and step_of(type_) == CENT else pieces

    def uses(self, var: str, within: list) -> "_Uses":
        """How `var` reaches the decisions `within` (made once: it does not depend on the facts)."""
        key = (var, tuple(within))
        found = self._uses.get(key)
        if found is None:
            found = self._uses[key] = _Uses(self, var, within)
        return found

    def domain(self, var: str) -> tuple:
        """(lo, lo_closed, hi, hi_closed) of an ordered fact; integers and dates made closed."""
        info = self.model.inputs.get(var)
        rng = info.range if info is not None else self.version(var).range if self.version(var) else None
        if rng is None:
            return (None, True, None, True)
        lo, lo_closed, hi, hi_closed = rng.lo, rng.lo_closed, rng.hi, rng.hi_closed
        kind = kind_of(self.type_of(var))
        if kind == "discrete":
            one = step_of(self.type_of(var))
            lo = None if lo is None else (lo if lo_closed else lo + one)
            hi = None if hi is None else (hi if hi_closed else hi - one)
            lo_closed = hi_closed = True
        if isinstance(lo, int) and not isinstance(lo, bool):
            lo = Decimal(lo)
        if isinstance(hi, int) and not isinstance(hi, bool):
            hi = Decimal(hi)
        return (lo, lo_closed, hi, hi_closed)

    def _finite_pieces(self, var, kind, uses, facts, cut) -> list:
        everything = COUNTRY_CODES if kind == "country" else None
        if not uses.supported:
            if everything is None:
                raise NotCovered(uses.why)
            return [Piece(v, values=frozenset([v])) for v in everything]
        named = sorted({v for v in uses.constants(facts, cut) if isinstance(v, str)})
        pieces = [Piece(v, values=frozenset([v])) for v in named]
        if everything is not None:
            rest = frozenset(everything) - set(named)
            if rest:
                current = facts.get(var)
                sample = current if current in rest else min(rest)
                pieces.append(Piece(sample, values=rest))
        else:
            current = facts.get(var)
            sample = current if isinstance(current, str) and current not in named else _fresh_text(named)
            pieces.append(Piece(sample, values=None, lo=None, hi=None))  # every other text
            pieces[-1] = attrs.evolve(pieces[-1], values=_OtherTexts(frozenset(named)))
        return pieces


class _OtherTexts(frozenset):
    """Every string except those named: `in` answers for the complement."""

    def __new__(cls, named):
        obj = super().__new__(cls)
        obj.named = frozenset(named)
        return obj

    def __contains__(self, value) -> bool:
        return isinstance(value, str) and value not in self.named

    def __eq__(self, other):
        return isinstance(other, _OtherTexts) and other.named == self.named

    def __hash__(self):
        return hash(("other", self.named))


def _fresh_text(named) -> str:
    n = 0
    while f"other{n}" in named:
        n += 1
    return f"other{n}"


class _Uses:
    """How `var` reaches the decisions `within`: the comparisons it meets, through the chain of
    monotone expression decisions that carry it (`age` from `birth_date`)."""

    def __init__(self, space: Space, var: str, within: list):
        self.space = space
        self.var = var
        self.supported = True
        self.why = ""
        # carriers: name → (parent name, call expr or None): how the name is computed from var
        self.carriers = {var: None}
        self.bounds: list = []  # (carrier name, expr, expected type)
        decisions = [d for d in within if var in space.reads(d) or d == var]
        changed = True
        while changed:  # carriers first: a chain may be declared in any order
            changed = False
            for name in decisions:
                if name in self.carriers:
                    continue
                link = self._carrier_link(name)
                if link is not None:
                    self.carriers[name] = link
                    changed = True
        for name in decisions:
            if name in self.carriers and self.carriers[name] is not None:
                continue
            self._scan(name)
        for claim in space.claims:
            self._scan_expr(claim)

    def _fail(self, why: str) -> None:
        if self.supported:
            self.supported, self.why = False, why

    def _carrier_link(self, name: str):
        version = self.space.version(name)
        if version is None or not isinstance(version.decl.body, ast.ExpressionBody):
            return None
        expr = version.decl.body.expr
        if isinstance(expr, ast.Name) and expr.name in self.carriers:
            return (expr.name, None)
        if isinstance(expr, ast.Call) and expr.function in MONOTONE_CALLS and len(expr.args) == 2:
            first, second = expr.args
            for mine, other in ((first, second), (second, first)):
                if (isinstance(mine, ast.Name) and mine.name in self.carriers
                        and self._independent(other)):
                    return (mine.name, expr)
        return None

    def _independent(self, expr) -> bool:
        return not any(n in self.carriers for n in ast.names_in(expr)) and not self.space.depends(expr, self.var)

    def _scan(self, name: str) -> None:
        version = self.space.version(name)
        if version is None:
            return
        body = version.decl.body
        if isinstance(body, ast.ExpressionBody):
            self._scan_expr(body.expr)
            return
        for k, column in enumerate(body.inputs):
            column_type = version.column_types[k]
            if isinstance(column.expr, ast.Name) and column.expr.name in self.carriers:
                for row in body.rows:
                    if not row.is_otherwise:
                        self._scan_test(row.cells[k].test, column.expr.name, column_type)
            else:
                self._scan_expr(column.expr)
                for row in body.rows:
                    if not row.is_otherwise and not self._independent(row.cells[k].test):
                        self._fail(f"`{self.var}` is a bound of the column `{column.title}` of `{name}`")
        for row in body.rows:
            for out in row.outputs:
                self._scan_expr(out)

    def _scan_test(self, test, carrier: str, column_type) -> None:
        match test:
            case ast.AnyTest():
                return
            case ast.CompareTest(bound=bound):
                self._bound(carrier, bound, column_type)
            case ast.RangeTest(lo=lo, hi=hi):
                self._bound(carrier, lo, column_type)
                self._bound(carrier, hi, column_type)
            case ast.SetTest(values=values):
                for v in values:
                    self._bound(carrier, v, column_type)
            case ast.AnyOfTest(tests=tests):
                for t in tests:
                    self._scan_test(t, carrier, column_type)
            case ast.NotTest(test=inner):
                self._scan_test(inner, carrier, column_type)

    def _bound(self, carrier: str, expr, expected) -> None:
        if not self._independent(expr):
            self._fail(f"`{self.var}` is compared with a bound that depends on it")
            return
        self.bounds.append((carrier, expr, expected))

    def _scan_expr(self, expr) -> None:
        if expr is None:
            return
        match expr:
            case ast.Name(name=name):
                if name in self.carriers:
                    through = "" if name == self.var else f" (through `{name}`)"
                    self._fail(f"`{self.var}` is used in a computation{through}")
            case ast.Binary(op=op, left=left, right=right) if op in ("=", "!=", "<", "<=", ">", ">="):
                for mine, other in ((left, right), (right, left)):
                    if isinstance(mine, ast.Name) and mine.name in self.carriers:
                        self._bound(mine.name, other, self.space.type_of(mine.name))
                        return
                self._scan_expr(left)
                self._scan_expr(right)
            case ast.InExpr(value=value, options=options) if isinstance(value, ast.Name) and value.name in self.carriers:
                for o in options:
                    self._bound(value.name, o, self.space.type_of(value.name))
            case ast.Node():
                for f in expr.__attrs_attrs__:
                    if f.name != "span":
                        self._scan_expr(getattr(expr, f.name))
            case tuple():
                for item in expr:
                    self._scan_expr(item)

    # ------------------------------------------------------------------ values
    def constants(self, facts, cut) -> list:
        return self.space.expressions([(expr, expected) for _, expr, expected in self.bounds], facts, cut)

    def thresholds(self, facts, cut, kind) -> set:
        """Thresholds on var: the bounds each carrier meets, mapped back through the chain."""
        by_carrier: dict = {}
        values = self.constants(facts, cut)
        for (carrier, expr, expected), value in zip(self.bounds, values):
            if value is NO_VALUE or isinstance(value, (bool, str)):
                continue
            if isinstance(value, int):
                value = Decimal(value)
            by_carrier.setdefault(carrier, set()).add(value)
        points: set = set()
        for carrier, values in by_carrier.items():
            points |= self._back(carrier, values, facts, cut, kind)
        return points

    def _back(self, carrier: str, values: set, facts, cut, kind) -> set:
        """Thresholds on `carrier` → thresholds on var, through the chain of carriers."""
        link = self.carriers[carrier]
        if link is None:  # the var itself
            return values
        parent, call = link
        if call is None:
            return self._back(parent, values, facts, cut, kind)
        # A monotone whole-number function of a date: for each bound v the values of the parent
        # where the function steps to v and to v + 1 (a `< v` and a `<= v` test change there).
        steps = set()
        for v in values:
            base = v.to_integral_value(decimal.ROUND_FLOOR)
            steps |= {base, base + 1, v.to_integral_value(decimal.ROUND_CEILING)}
        found = set()
        for step in steps:
            found |= self._crossings(carrier, parent, step, facts, cut)
        return self._back(parent, found, facts, cut, kind) if self.carriers[parent] is not None else found

    def _crossings(self, carrier, parent, step, facts, cut) -> set:
        """The parent dates d where carrier(d) ≥ step changes to carrier(d + 1) < step (or back)."""
        centre = facts.get(parent) if isinstance(facts.get(parent), dt.date) else self.space.day
        lo, hi = centre.toordinal() - FAR, centre.toordinal() + FAR
        lo, hi = max(lo, 1), min(hi, dt.date.max.toordinal())

        def f(ordinal):
            trial = dict(facts)
            trial[parent] = dt.date.fromordinal(ordinal)
            return self.space.value(trial, carrier, _without(cut, carrier))

        a, b = f(lo), f(hi)
        edges = set()
        if a is NO_VALUE or b is NO_VALUE:
            # The carrier has no value far off (`age : integer 0..130` for a birth date 200 years
            # away): search where it has one, and count where it stops having one as a threshold too.
            middle = centre.toordinal()
            has_value = lambda ordinal: f(ordinal) is not NO_VALUE  # noqa: E731
            if not has_value(middle):
                return set()
            if a is NO_VALUE:
                lo = last_without(has_value, lo, middle)
                edges |= {dt.date.fromordinal(lo), dt.date.fromordinal(lo + 1)}
                lo, a = lo + 1, f(lo + 1)
            if b is NO_VALUE:
                hi = last_without(has_value, hi, middle)
                edges |= {dt.date.fromordinal(hi), dt.date.fromordinal(hi - 1)}
                hi, b = hi - 1, f(hi - 1)
        if (a >= step) == (b >= step):
            return edges
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if (f(mid) >= step) == (a >= step):
                lo = mid
            else:
                hi = mid
        return edges | {dt.date.fromordinal(lo), dt.date.fromordinal(hi)}



def _without(cut, name):
    if not cut:
        return cut
    return {k: v for k, v in cut.items() if k != name}
