"""compile: typed AST → plan of Python closures. No rule text is ever passed to eval/exec.

An expression becomes `fn(ctx) -> value`; a unary test becomes `fn(ctx, value) -> bool`.
Names are bound here, once, so evaluation does no lookups by string beyond the context's dicts.
"""
from __future__ import annotations

import operator
from decimal import Decimal
from typing import Callable

import attrs

from engine import ast, durations
from engine.semantics import lists
from engine.evaluation import lists as lists_eval
from engine.evaluation import operators
from engine.evaluation import text_functions
from engine.evaluation.runtime import fail, function_for, make_date, no_answer
from engine.semantics.typecheck import is_symbol_of
from engine.values import MONEY

COMPARE = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
           ">": operator.gt, ">=": operator.ge}


class Compiler:
    """Binds names and builds closures; `typer` is the resolver, asked for types of sub-expressions."""

    def __init__(self, model, typer):
        self.model = model
        self.typer = typer

    def type_of(self, expr, expected=None):
        from engine.semantics.typecheck import _Unknown
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
                if durations.is_duration(self.type_of(base)):  # durations (h16-dur): `d.days`
                    part = durations.part
                    return lambda ctx: part(get(ctx), field)
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
            case ast.Binary(op="+" | "**") if operators.applies(self, expr):  # texts joined, powers
                return operators.compile_binary(self, expr)
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
            case ast.NoAnswer():
                return lambda ctx: no_answer(ctx.as_of, expr)
            case ast.Call():
                return self._call(expr, expected)
            case _ if isinstance(expr, lists.LIST_NODES):  # lists (h16-lists)
                return lists_eval.compile_expr(self, expr, expected)
        raise AssertionError(expr)

    def name_kind(self, name: str, expected) -> str:
        """What a bare name stands for where a value of type `expected` is wanted:
        "constant" (an enumeration symbol or a country code, the name itself), "input",
        "parameter", "decision" or "as_of" — in the order typecheck.name_type resolves names."""
        model = self.model
        if self.typer.list_scope and name in self.typer.list_scope:  # lists (h16-lists)
            return "bound"
        if is_symbol_of(name, expected):
            return "constant"
        if name in model.inputs:
            return "input"
        if name in model.parameters:
            return "parameter"
        if name in model.decisions:
            return "decision"
        if name == "as_of":
            return "as_of"
        # A symbol of some enumeration, a country code, or an undeclared symbol of an inferred
        # output enumeration.
        return "constant"

    def _name(self, name: str, expected, span) -> Callable:
        kind = self.name_kind(name, expected)
        if kind == "input":
            return lambda ctx: ctx.facts[name]
        if kind == "parameter":
            return lambda ctx: ctx.parameter(name, span)
        if kind == "decision":
            return lambda ctx: ctx.decision(name)
        if kind == "as_of":
            return lambda ctx: ctx.as_of
        if kind == "bound":  # lists (h16-lists): the element a some/every/for/filter is at
            return lambda ctx: ctx.bound[name]
        return lambda ctx: name

    # ------------------------------------------------------------------ constants
    def is_constant(self, expr: ast.Expr, expected=None) -> bool:
        """Whether `expr` reads nothing (no input, parameter, decision or date): a literal, a
        symbol, or a negated literal. Its value is then `self.expr(expr, expected)(None)`."""
        if isinstance(expr, ast.Literal):
            return True
        if isinstance(expr, ast.Name):
            return self.name_kind(expr.name, expected) == "constant"
        if isinstance(expr, ast.Unary) and expr.op == "-":
            return isinstance(expr.operand, ast.Literal)
        return False

    def test_is_constant(self, test: ast.Test, column_type) -> bool:
        """Whether a unary test compares the column's value with constants only: its outcome
        then depends on that value alone, and can be computed again later, or in advance."""
        match test:
            case ast.AnyTest():
                return True
            case ast.CompareTest(bound=bound):
                return self.is_constant(bound, column_type)
            case ast.RangeTest(lo=lo, hi=hi):
                return self.is_constant(lo, column_type) and self.is_constant(hi, column_type)
            case ast.SetTest(values=values):
                return all(self.is_constant(v, column_type) for v in values)
            case ast.AnyOfTest(tests=tests):
                return all(self.test_is_constant(t, column_type) for t in tests)
            case ast.NotTest(test=inner):
                return self.test_is_constant(inner, column_type)
        return False

    def constants_of_test(self, test: ast.Test, column_type) -> list:
        """The constant values a constant test compares with (for an index's boundaries)."""
        match test:
            case ast.CompareTest(bound=bound):
                return [self.expr(bound, column_type)(None)]
            case ast.RangeTest(lo=lo, hi=hi):
                return [self.expr(lo, column_type)(None), self.expr(hi, column_type)(None)]
            case ast.SetTest(values=values):
                return [self.expr(v, column_type)(None) for v in values]
            case ast.AnyOfTest(tests=tests):
                return [c for t in tests for c in self.constants_of_test(t, column_type)]
            case ast.NotTest(test=inner):
                return self.constants_of_test(inner, column_type)
        return []

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
                fail(ctx.as_of, span, "division by zero")
            return Decimal(a(ctx)) / Decimal(divisor)
        return divide

    def _call(self, expr: ast.Call, expected) -> Callable:
        name = expr.function
        if name in self.model.functions:  # a declared `function` (engine/evaluation/functions.py)
            from engine.evaluation.functions import compile_call
            return compile_call(self, expr)
        if lists.is_list_call(self.typer, expr):  # lists (h16-lists)
            return lists_eval.compile_call(self, expr, expected)
        args = tuple(self.expr(a, expected if name in ("min", "max") else None) for a in expr.args)
        if name == "substring":  # its error names its place
            span, substring = expr.span, text_functions.substring
            return lambda ctx: substring(ctx.as_of, span, *(f(ctx) for f in args))
        if name == "string":  # its conversion depends on the argument's type (engine/evaluation/operators.py)
            return operators.compile_string(self, expr, args)
        if name == "date":
            span = expr.span
            return lambda ctx: make_date(ctx.as_of, span, *(f(ctx) for f in args))
        impl = function_for(name, len(args), bool(args) and self.type_of(expr.args[0]) == MONEY)
        if len(args) == 1:
            only = args[0]
            return lambda ctx: impl(only(ctx))
        return lambda ctx: impl(*(f(ctx) for f in args))

    def row_plans(self, body, version) -> tuple:
        """The rows of a table body (a decision's or a function's) as RowPlans, and its
        `otherwise` row (numbered after the others), or None."""
        from engine.evaluation.evaluate import RowPlan  # evaluate imports this module
        rows, otherwise, shared_tests = [], None, {}
        for row, rule_id in zip(body.rows, version.rule_ids):
            plan = RowPlan(rule_id, row, self.cell_tests(row.cells, version.column_types, shared_tests),
                           tuple(self.expr(e, t) for e, t in zip(row.outputs, version.output_types)),
                           -1 if row.is_otherwise else len(rows))
            if row.is_otherwise:
                otherwise = plan
            else:
                rows.append(plan)
        if otherwise is not None:
            otherwise = attrs.evolve(otherwise, index=len(rows))
        return tuple(rows), otherwise

    # ------------------------------------------------------------------ unary tests
    def cell_tests(self, cells, column_types, shared: dict) -> tuple:
        """The test functions of a row's cells. A constant test (engine.compiler.compile.test_is_constant)
        is a function of its text and column alone: one function serves every cell of the same
        text in the same column of a table (`shared`: (position, text) -> function)."""
        found = []
        for position, (cell, column_type) in enumerate(zip(cells, column_types)):
            key = (position, cell.text)
            function = shared.get(key)
            if function is None:
                function = self.test(cell.test, column_type)
                if self.test_is_constant(cell.test, column_type):
                    shared[key] = function
            found.append(function)
        return tuple(found)

    def test(self, test: ast.Test, column_type) -> Callable:
        match test:
            case ast.AnyTest():
                return lambda ctx, value: True
            case ast.CompareTest(op=op, bound=bound):
                bound_fn = self.expr(bound, column_type)
                if isinstance(bound, ast.Literal) or (isinstance(bound, ast.Name) and is_symbol_of(bound.name, column_type)):
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
                if all(isinstance(v, ast.Literal) or (isinstance(v, ast.Name) and is_symbol_of(v.name, column_type))
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
            case _ if isinstance(test, lists.LIST_TESTS):  # lists (h16-lists)
                return lists_eval.compile_test(self, test, column_type)
        raise AssertionError(test)
