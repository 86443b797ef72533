"""compile: typed AST → plan of Python closures. No rule text is ever passed to eval/exec.

An expression becomes `fn(ctx) -> value`; a unary test becomes `fn(ctx, value) -> bool`.
Names are bound here, once, so evaluation does no lookups by string beyond the context's dicts.
"""
from __future__ import annotations

import datetime as dt
import math
import operator
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Callable

from engine import ast
from engine.countries import ISO_3166_ALPHA2
from engine.errors import Diagnostic, EvaluationError
from engine.values import COUNTRY, MONEY, EnumType, Type, round_money

COMPARE = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
           ">": operator.gt, ">=": operator.ge}


def constant_value(expr: ast.Expr, type_: Type):
    """The value of a constant expression in a declaration (a literal, possibly negated)."""
    if isinstance(expr, ast.Literal):
        return expr.value
    if isinstance(expr, ast.Name) and isinstance(type_, EnumType) and expr.name in type_.symbols:
        return expr.name
    if isinstance(expr, ast.Name) and type_ == COUNTRY and expr.name in ISO_3166_ALPHA2:
        return expr.name
    raise ValueError("write a literal value here")


def _fail(ctx, span, message: str):
    raise EvaluationError(Diagnostic("error", "evaluation", f"{message} (as of {ctx.as_of})", span))


class Compiler:
    """Binds names and builds closures; `typer` is the resolver, asked for types of sub-expressions."""

    def __init__(self, model, typer):
        self.model = model
        self.typer = typer

    def type_of(self, expr, expected=None):
        from engine.resolve import _Unknown
        try:
            return self.typer.expr_type(expr, expected, frozenset(), report=False)
        except _Unknown:
            return None

    # ------------------------------------------------------------------ expressions
    def expr(self, expr: ast.Expr, expected=None) -> Callable:
        match expr:
            case ast.Literal(value=value):
                return lambda ctx: value
            case ast.Name(name=name):
                return self._name(name, expected, expr.span)
            case ast.Field(base=base, field=field):
                get = self.expr(base)
                return lambda ctx: get(ctx)[field]
            case ast.Unary(op="not", operand=operand):
                inner = self.expr(operand)
                return lambda ctx: not inner(ctx)
            case ast.Unary(op="-", operand=operand):
                inner = self.expr(operand, expected)
                return lambda ctx: -inner(ctx)
            case ast.Binary(op="and", left=left, right=right):
                a, b = self.expr(left), self.expr(right)
                return lambda ctx: a(ctx) and b(ctx)
            case ast.Binary(op="or", left=left, right=right):
                a, b = self.expr(left), self.expr(right)
                return lambda ctx: a(ctx) or b(ctx)
            case ast.Binary(op=op, left=left, right=right) if op in COMPARE:
                left_type = self.type_of(left)
                if left_type is None:
                    right_type = self.type_of(right)
                    a, b = self.expr(left, right_type), self.expr(right)
                else:
                    a, b = self.expr(left), self.expr(right, left_type)
                compare = COMPARE[op]
                return lambda ctx: compare(a(ctx), b(ctx))
            case ast.Binary(op=op, left=left, right=right):
                return self._arithmetic(op, self.expr(left), self.expr(right), expr.span)
            case ast.IfExpr(condition=condition, then=then, otherwise=otherwise):
                c, t, e = self.expr(condition), self.expr(then, expected), self.expr(otherwise, expected)
                return lambda ctx: t(ctx) if c(ctx) else e(ctx)
            case ast.InExpr(value=value, options=options):
                value_type = self.type_of(value)
                get = self.expr(value)
                option_fns = tuple(self.expr(o, value_type) for o in options)
                return lambda ctx: get(ctx) in {f(ctx) for f in option_fns}
            case ast.Call():
                return self._call(expr, expected)
        raise AssertionError(expr)

    def _name(self, name: str, expected, span) -> Callable:
        model = self.model
        if isinstance(expected, EnumType) and name in expected.symbols:
            return lambda ctx: name
        if expected == COUNTRY and name in ISO_3166_ALPHA2:
            return lambda ctx: name
        if name in model.inputs:
            return lambda ctx: ctx.facts[name]
        if name in model.parameters:
            return lambda ctx: ctx.parameter(name, span)
        if name in model.decisions:
            return lambda ctx: ctx.decision(name)
        if name == "as_of":
            return lambda ctx: ctx.as_of
        if name in model.symbols or name in ISO_3166_ALPHA2:
            return lambda ctx: name
        # An undeclared symbol of an inferred output enumeration.
        return lambda ctx: name

    @staticmethod
    def _arithmetic(op, a, b, span) -> Callable:
        if op == "+":
            return lambda ctx: a(ctx) + b(ctx)
        if op == "-":
            return lambda ctx: a(ctx) - b(ctx)
        if op == "*":
            return lambda ctx: a(ctx) * b(ctx)

        def divide(ctx):
            divisor = b(ctx)
            if divisor == 0:
                _fail(ctx, span, "division by zero")
            return Decimal(a(ctx)) / Decimal(divisor)
        return divide

    def _call(self, expr: ast.Call, expected) -> Callable:
        name = expr.function
        args = tuple(self.expr(a, expected if name in ("min", "max") else None) for a in expr.args)
        span = expr.span
        if name == "min":
            return lambda ctx: min(f(ctx) for f in args)
        if name == "max":
            return lambda ctx: max(f(ctx) for f in args)
        if name == "abs":
            return lambda ctx: abs(args[0](ctx))
        if name == "floor":
            return lambda ctx: int(Decimal(args[0](ctx)).to_integral_value(ROUND_FLOOR))
        if name == "ceil":
            return lambda ctx: int(Decimal(args[0](ctx)).to_integral_value(ROUND_CEILING))
        if name == "round":
            if len(args) == 1:
                return lambda ctx: Decimal(args[0](ctx)).to_integral_value(ROUND_HALF_UP)
            return lambda ctx: Decimal(args[0](ctx)).quantize(Decimal(1).scaleb(-int(args[1](ctx))), ROUND_HALF_UP)
        if name == "count":
            return lambda ctx: len(args[0](ctx))
        if name == "contains":
            return lambda ctx: args[1](ctx) in args[0](ctx)
        if name == "years_between":
            return lambda ctx: whole_months(args[0](ctx), args[1](ctx)) // 12
        if name == "months_between":
            return lambda ctx: whole_months(args[0](ctx), args[1](ctx))
        if name == "year":
            return lambda ctx: args[0](ctx).year
        if name == "month":
            return lambda ctx: args[0](ctx).month
        if name == "day":
            return lambda ctx: args[0](ctx).day
        if name == "date":
            def make_date(ctx):
                y, m, d = (f(ctx) for f in args)
                try:
                    return dt.date(y, m, d)
                except (ValueError, TypeError, OverflowError):
                    _fail(ctx, span, f"date({y}, {m}, {d}) is not a calendar date")
            return make_date
        raise AssertionError(name)

    # ------------------------------------------------------------------ unary tests
    def test(self, test: ast.Test, column_type) -> Callable:
        match test:
            case ast.AnyTest():
                return lambda ctx, value: True
            case ast.CompareTest(op=op, bound=bound):
                bound_fn = self.expr(bound, column_type)
                if isinstance(bound, ast.Literal) or (isinstance(bound, ast.Name) and _is_constant_symbol(bound, column_type)):
                    constant = bound_fn(None)
                    if op == "=":
                        return lambda ctx, value: value == constant
                    compare = COMPARE[op]
                    return lambda ctx, value: compare(value, constant)
                compare = COMPARE[op]
                return lambda ctx, value: compare(value, bound_fn(ctx))
            case ast.RangeTest(lo=lo, hi=hi, lo_closed=lo_closed, hi_closed=hi_closed):
                lo_fn, hi_fn = self.expr(lo, column_type), self.expr(hi, column_type)
                low = operator.le if lo_closed else operator.lt
                high = operator.le if hi_closed else operator.lt
                return lambda ctx, value: low(lo_fn(ctx), value) and high(value, hi_fn(ctx))
            case ast.SetTest(values=values):
                fns = tuple(self.expr(v, column_type) for v in values)
                if all(isinstance(v, ast.Literal) or (isinstance(v, ast.Name) and _is_constant_symbol(v, column_type))
                       for v in values):
                    members = frozenset(f(None) for f in fns)
                    return lambda ctx, value: value in members
                return lambda ctx, value: any(value == f(ctx) for f in fns)
            case ast.AnyOfTest(tests=tests):
                fns = tuple(self.test(t, column_type) for t in tests)
                return lambda ctx, value: any(f(ctx, value) for f in fns)
            case ast.NotTest(test=inner):
                fn = self.test(inner, column_type)
                return lambda ctx, value: not fn(ctx, value)
        raise AssertionError(test)


def _is_constant_symbol(expr: ast.Name, column_type) -> bool:
    return ((isinstance(column_type, EnumType) and expr.name in column_type.symbols)
            or (column_type == COUNTRY and expr.name in ISO_3166_ALPHA2))


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
