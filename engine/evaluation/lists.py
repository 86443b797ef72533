"""lists: the list forms evaluated — as closures (for compile.Compiler) and as generated
source (for codegen.Generator), both through the run-time functions defined once here.

Lists are tuples. Elements are compared with `==`, the language's equality of values, so `x in L`,
`contains V` and `contains(L, x)` mean the same for numbers, texts, symbols, dates or records.
A bound variable lives in `ctx.bound` for the closures, and is a local of a generator expression
in the generated code: `((l0 := <list>), any(<condition> for i0 in l0))[1]` — the list is computed
outside the generator, because Python refuses `:=` inside a generator's iterable.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from engine import ast
from engine.durations import Months
from engine.evaluation.iteration import calls_a_function, indexed, indexing, kept, list_name
from engine.semantics.lists import ANYTHING, FILTER_VARIABLE, bound
from engine.evaluation.runtime import fail
from engine.values import BOOL, DAYS_DURATION, MONTHS_DURATION, ListType

_MISSING = object()


# ---------------------------------------------------------------------------- run time

def list_sum(items):
    """`sum(L)`: exact (integers stay integers, money stays money); 0 for an empty list."""
    return sum(items, 0)


def sum_from(zero, items):
    """`sum(L)` of durations: from no time at all (`0 days`, `0 months`), for an empty list too."""
    return sum(items, zero)


def _duration_zero(compiler, arg):
    """`0 days` or `0 months` when `arg` is a list of durations, else None."""
    type_ = compiler.type_of(arg)
    element = type_.element if isinstance(type_, ListType) else None
    if element == DAYS_DURATION:
        return dt.timedelta(0)
    return Months(0) if element == MONTHS_DURATION else None


def sum_values(*values):
    """`sum(a, b, …)`"""
    return sum(values, 0)


def _extreme(function, name: str):
    def extreme(as_of, span, items):
        if not items:  # the error names the decision and its facts (ruleset._context_of)
            fail(as_of, span, f"`{name}` of an empty list has no value")
        return function(items)
    extreme.__name__ = f"list_{name}"
    return extreme


list_min = _extreme(min, "min")
list_max = _extreme(max, "max")
LIST_FUNCTIONS = {"sum": list_sum, "all": all, "any": any}


def list_item(as_of, span, items, position):
    """`L[n]`: the n-th element from 1; a negative n counts from the end (-1 is the last)."""
    size = len(items)
    if 1 <= position <= size:
        return items[position - 1]
    if -size <= position <= -1:
        return items[position]
    if not size:
        fail(as_of, span, f"there is no element {position} in an empty list")
    fail(as_of, span, f"there is no element {position} in a list of {size} (positions 1 to {size}, "
                      f"or -1 to -{size} from the end)")


def _element(compiler, source):
    type_ = compiler.type_of(source)
    return type_.element if isinstance(type_, ListType) and type_.element is not ANYTHING else None


def _is_position(compiler, expr: ast.Filter) -> bool:
    type_ = compiler.type_of(expr)
    source = compiler.type_of(expr.source)
    return isinstance(source, ListType) and type_ is not None and type_ == source.element and \
        FILTER_VARIABLE not in ast.names_in(expr.condition) and compiler.type_of(expr.condition) != BOOL


# ---------------------------------------------------------------------------- closures

def _scoped(ctx):
    try:
        return ctx.bound
    except AttributeError:
        ctx.bound = {}
        return ctx.bound


def _each(variable: str, get_items, body, combine, of=_MISSING):
    """fn(ctx): `combine` over the values of `body` with `variable` bound to each element; with
    `of` (the body calls a function: engine/evaluation/iteration.py), traced calls know the element's position."""
    def run(ctx):
        items = get_items(ctx)
        scope = _scoped(ctx)
        previous = scope.get(variable, _MISSING)
        try:
            if of is not _MISSING and ctx.traced:
                return combine(items, scope, variable, indexing(body, of), ctx)
            return combine(items, scope, variable, body, ctx)
        finally:
            if previous is _MISSING:
                scope.pop(variable, None)
            else:
                scope[variable] = previous
    return run


def _some(items, scope, variable, body, ctx):
    for item in items:
        scope[variable] = item
        if body(ctx):
            return True
    return False


def _every(items, scope, variable, body, ctx):
    for item in items:
        scope[variable] = item
        if not body(ctx):
            return False
    return True


def _for(items, scope, variable, body, ctx):
    values = []
    for item in items:
        scope[variable] = item
        values.append(body(ctx))
    return tuple(values)


def _filter(items, scope, variable, body, ctx):
    kept = []
    for item in items:
        scope[variable] = item
        if body(ctx):
            kept.append(item)
    return tuple(kept)


def compile_expr(compiler, expr, expected):
    """The closure of one of lists.LIST_NODES."""
    typer = compiler.typer
    match expr:
        case ast.ListLiteral(items=items):
            type_ = compiler.type_of(expr, expected)
            element = type_.element if isinstance(type_, ListType) and type_.element is not ANYTHING else None
            functions = tuple(compiler.expr(item, element) for item in items)
            return lambda ctx: tuple(f(ctx) for f in functions)
        case ast.Quantified(quantifier=quantifier, variable=variable, source=source, condition=condition):
            get_items = compiler.expr(source)
            with bound(typer, variable, _element(compiler, source)):
                body = compiler.expr(condition)
            return _each(variable, get_items, body, _some if quantifier == "some" else _every,
                         *_indexed(compiler, condition, source))
        case ast.ForExpr(variable=variable, source=source, body=body):
            get_items = compiler.expr(source)
            wanted = expected.element if isinstance(expected, ListType) else None
            with bound(typer, variable, _element(compiler, source)):
                value = compiler.expr(body, wanted)
            return _each(variable, get_items, value, _for, *_indexed(compiler, body, source))
        case ast.Filter(source=source, condition=condition):
            get_items = compiler.expr(source)
            if _is_position(compiler, expr):
                position, span = compiler.expr(condition), expr.span
                return lambda ctx: list_item(ctx.as_of, span, get_items(ctx), position(ctx))
            with bound(typer, FILTER_VARIABLE, _element(compiler, source)):
                keep = compiler.expr(condition)
            return _each(FILTER_VARIABLE, get_items, keep, _filter, *_indexed(compiler, condition, source))
        case ast.InList(value=value, source=source):
            get_items = compiler.expr(source)
            get_value = compiler.expr(value, _element(compiler, source))
            return lambda ctx: get_value(ctx) in get_items(ctx)
    raise AssertionError(expr)


def _indexed(compiler, body, source) -> tuple:
    """`(list name,)` when the body calls a declared function (its calls are traced per element)."""
    return (list_name(source),) if calls_a_function(body, compiler.model.functions) else ()


def compile_call(compiler, expr: ast.Call, expected):
    """The closure of a call for which lists.is_list_call holds."""
    name, span = expr.function, expr.span
    if name in ("count", "contains"):
        args = tuple(compiler.expr(a) for a in expr.args)
        return (lambda ctx: 0) if name == "count" else (lambda ctx: args[1](ctx) in ())
    if name == "sum" and not _is_list(compiler, expr.args[0], len(expr.args)):
        args = tuple(compiler.expr(a, expected) for a in expr.args)
        return lambda ctx: sum_values(*(f(ctx) for f in args))
    get_items = compiler.expr(expr.args[0], ListType("list", expected) if expected is not None else None)
    if name in ("min", "max"):
        extreme = list_min if name == "min" else list_max
        return lambda ctx: extreme(ctx.as_of, span, get_items(ctx))
    zero = _duration_zero(compiler, expr.args[0]) if name == "sum" else None
    if zero is not None:
        return lambda ctx: sum_from(zero, get_items(ctx))
    function = LIST_FUNCTIONS[name]
    return lambda ctx: function(get_items(ctx))


def _is_list(compiler, arg, count: int) -> bool:
    return count == 1 and (isinstance(arg, ast.ListLiteral) or isinstance(compiler.type_of(arg), ListType))


def compile_test(compiler, test, column_type):
    """The closure `fn(ctx, value) -> bool` of a `contains V` or `in L` cell."""
    match test:
        case ast.ContainsTest(value=value):
            element = column_type.element if isinstance(column_type, ListType) else None
            get_value = compiler.expr(value, element)
            return lambda ctx, items: get_value(ctx) in items
        case ast.InListTest(source=source):
            get_items = compiler.expr(source, ListType("list", column_type))
            return lambda ctx, value: value in get_items(ctx)
    raise AssertionError(test)


# ---------------------------------------------------------------------------- generated code

@contextmanager
def _local(gen, variable: str, identifier: str, element):
    """While the body is generated, `variable` is the generator expression's `identifier`."""
    previous = getattr(gen, "list_locals", None) or {}
    gen.list_locals = {**previous, variable: identifier}
    try:
        with bound(gen.compiler.typer, variable, element):
            yield
    finally:
        gen.list_locals = previous


def generate_expr(gen, expr, expected) -> str:
    """Python source for one of lists.LIST_NODES, as compile_expr builds its closure."""
    u, compiler = gen.unit, gen.compiler
    match expr:
        case ast.ListLiteral(items=items):
            type_ = compiler.type_of(expr, expected)
            element = type_.element if isinstance(type_, ListType) and type_.element is not ANYTHING else None
            return f"({''.join(gen.expr(item, element) + ', ' for item in items)})"
        case ast.Quantified(quantifier=quantifier, variable=variable, source=source, condition=condition):
            items, each = u.name("l"), u.name("i")
            source_code = gen.expr(source)
            with _local(gen, variable, each, _element(compiler, source)):
                body = gen.expr(condition)
            combine = u.obj(any if quantifier == "some" else all)
            if _indexed_code(gen, condition):
                return f"(({items} := {source_code}), {combine}({_steps(gen, source, body, each, items)}))[1]"
            return f"(({items} := {source_code}), {combine}({body} for {each} in {items}))[1]"
        case ast.ForExpr(variable=variable, source=source, body=body):
            items, each = u.name("l"), u.name("i")
            source_code = gen.expr(source)
            wanted = expected.element if isinstance(expected, ListType) else None
            with _local(gen, variable, each, _element(compiler, source)):
                value = gen.expr(body, wanted)
            if _indexed_code(gen, body):
                return f"(({items} := {source_code}), tuple({_steps(gen, source, value, each, items)}))[1]"
            return f"(({items} := {source_code}), tuple({value} for {each} in {items}))[1]"
        case ast.Filter(source=source, condition=condition):
            source_code = gen.expr(source)
            if _is_position(compiler, expr):
                return f"{u.obj(list_item)}(a, {u.obj(expr.span)}, {source_code}, {gen.expr(condition)})"
            items, each = u.name("l"), u.name("i")
            with _local(gen, FILTER_VARIABLE, each, _element(compiler, source)):
                keep = gen.expr(condition)
            if _indexed_code(gen, condition):
                flags = _steps(gen, source, keep, each, items)
                return f"(({items} := {source_code}), {u.obj(kept)}({items}, {flags}))[1]"
            return f"(({items} := {source_code}), tuple({each} for {each} in {items} if {keep}))[1]"
        case ast.InList(value=value, source=source):
            return f"({gen.expr(value, _element(compiler, source))} in {gen.expr(source)})"
    raise AssertionError(expr)


def _indexed_code(gen, body) -> bool:
    """Traced code whose loop body calls a declared function: each step is indexed (evaluation/iteration.py)."""
    return gen.traced and calls_a_function(body, gen.model.functions)


def _steps(gen, source, value: str, each: str, items: str) -> str:
    """`indexed(name, (value for each in items))`: the body's values, each with its position set."""
    return f"{gen.unit.obj(indexed)}({gen.unit.literal(list_name(source))}, ({value} for {each} in {items}))"


def generate_call(gen, expr: ast.Call, expected) -> str:
    """Python source for a call for which lists.is_list_call holds."""
    u, compiler, name = gen.unit, gen.compiler, expr.function
    if name in ("count", "contains"):
        args = [gen.expr(a) for a in expr.args]
        return "0" if name == "count" else f"({args[1]} in ())"
    if name == "sum" and not _is_list(compiler, expr.args[0], len(expr.args)):
        return f"{u.obj(sum_values)}({', '.join(gen.expr(a, expected) for a in expr.args)})"
    items = gen.expr(expr.args[0], ListType("list", expected) if expected is not None else None)
    if name in ("min", "max"):
        extreme = list_min if name == "min" else list_max
        return f"{u.obj(extreme)}(a, {u.obj(expr.span)}, {items})"
    zero = _duration_zero(compiler, expr.args[0]) if name == "sum" else None
    if zero is not None:
        return f"{u.obj(sum_from)}({u.obj(zero)}, {items})"
    return f"{u.obj(LIST_FUNCTIONS[name])}({items})"


def generate_test(gen, test, column_type, x: str) -> str:
    """A condition on the column value `x`, as compile_test builds its closure."""
    match test:
        case ast.ContainsTest(value=value):
            element = column_type.element if isinstance(column_type, ListType) else None
            return f"({gen.expr(value, element)} in {x})"
        case ast.InListTest(source=source):
            return f"({x} in {gen.expr(source, ListType('list', column_type))})"
    raise AssertionError(test)
