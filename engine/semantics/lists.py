"""lists: the types of the list forms — list literals, `some`/`every`/`for` over a list, filters,
`x in L`, the functions sum/min/max/all/any over a list, and the cells `contains V` and `in L`.

A helper of typecheck.ExpressionTyper (`typer` below): it reads the typer's declarations and
reports through its `error`. Everything here is generic over the element type: elements are
compared with the language's one equality, so a list of records works as a list of numbers does.

A variable bound by `some`, `every`, `for` (or `item` in a filter) is known inside its condition or
body only. It may not have the name of an input, parameter, decision, symbol or of a variable
bound around it: a name means one thing wherever it is read.
"""
from __future__ import annotations

from contextlib import contextmanager

from engine import ast
from engine.durations import is_duration
from engine.values import BOOL, INTEGER, MONEY, NUMBER, ListType, Type, is_numeric, is_ordered, same_kind

ANYTHING = Type("anything")            # the element of `[]` where nothing tells more
ANY_LIST = ListType("list", ANYTHING)  # what count, sum, all, any… accept: any list, `[]` included
FILTER_VARIABLE = "item"               # the element, in a filter `L[item > 3]`
LIST_NODES = (ast.ListLiteral, ast.Quantified, ast.ForExpr, ast.Filter, ast.InList)
LIST_TESTS = (ast.ContainsTest, ast.InListTest)
ADDED_FUNCTIONS = {"sum": (1, 99), "all": (1, 1), "any": (1, 1)}


def _typecheck():
    from engine.semantics import typecheck  # typecheck imports this module: read its names when called
    return typecheck


@contextmanager
def bound(typer, name: str, type_):
    """`name` has type `type_` while the body of a some/every/for/filter is typed or compiled."""
    previous = typer.list_scope
    typer.list_scope = {**(previous or {}), name: type_}
    try:
        yield
    finally:
        typer.list_scope = previous


def _clash(typer, name: str):
    """What else `name` already means, or None."""
    tc = _typecheck()
    if typer.list_scope and name in typer.list_scope:
        return "a variable bound around it"
    for kind, names in (("an input", typer.inputs), ("a parameter", typer.parameters),
                        ("a decision", typer.decision_decls), ("a built-in name", tc.BUILTIN_NAMES)):
        if name in names:
            return kind
    if name in typer.symbols:
        return f"a value of {typer.symbols[name].describe()}"
    return None


def _bind_checked(typer, variable: str, node, report: bool, used_in=None):
    if not report or (used_in is not None and variable not in ast.names_in(used_in)):
        return
    clash = _clash(typer, variable)
    if clash is None:
        return
    if variable == FILTER_VARIABLE and isinstance(node, ast.Filter):
        typer.error("duplicate-name", f"in a filter `{variable}` is the element, but `{variable}` is also "
                    f"{clash}", node.span, "rename it, or write `for x in L return …` with a name of your choice")
    else:
        typer.error("duplicate-name", f"the variable `{variable}` would hide {clash} of the same name",
                    node.span, "give the variable another name")


def source_element(typer, source: ast.Expr, deps, report: bool, what: str):
    """The element type of the list a form runs over (UNKNOWN when it is not a list)."""
    tc = _typecheck()
    type_ = typer.expr_type(source, ANY_LIST if isinstance(source, ast.ListLiteral) else None, deps, report)
    if isinstance(type_, ListType):
        return type_.element
    if type_ is not tc.UNKNOWN:
        if not report:
            raise tc._Unknown()
        typer.error("type-mismatch", f"{what} needs a list; this is {type_.describe()}", source.span)
    return tc.UNKNOWN


def _unified(typer, types: list, items: tuple, report: bool):
    """The element type of a list literal: one type for all its items (integers widen to numbers,
    numbers to money, as in `if`)."""
    tc = _typecheck()
    result = None
    for type_, item in zip(types, items):
        if type_ is tc.UNKNOWN:
            continue
        if result is None or (is_numeric(result) and is_numeric(type_) and typer.compatible(type_, result)):
            if result is None or result == INTEGER or type_ == MONEY:
                result = type_
            continue
        if typer.compatible(result, type_):
            continue
        if typer.compatible(type_, result):
            result = type_
            continue
        if report:
            typer.error("type-mismatch", f"a list holds values of one type: this is {type_.describe()}, "
                        f"the one before is {result.describe()}", item.span)
        return tc.UNKNOWN
    return result if result is not None else tc.UNKNOWN


def expr_type(typer, expr, expected, deps, report: bool):
    """The type of one of the LIST_NODES."""
    tc = _typecheck()
    match expr:
        case ast.ListLiteral(items=()):
            if isinstance(expected, ListType) and expected.element is not tc.UNKNOWN:
                return expected
            if not report:
                raise tc._Unknown()
            typer.error("type-mismatch", "the type of the elements of `[]` cannot be known here", expr.span,
                        "compare it with a list (`xs = []`), declare the decision's type (`: list of integer`), "
                        "or test `count(xs) = 0`")
            return tc.UNKNOWN
        case ast.ListLiteral(items=items):
            element = expected.element if isinstance(expected, ListType) and expected.element is not ANYTHING else None
            types = [typer.expr_type(item, element, deps, report) for item in items]
            element = _unified(typer, types, items, report)
            return ListType("list", element) if element is not tc.UNKNOWN else tc.UNKNOWN
        case ast.Quantified(quantifier=quantifier, variable=variable, source=source, condition=condition):
            element = source_element(typer, source, deps, report, f"`{quantifier} … in`")
            _bind_checked(typer, variable, expr, report)
            with bound(typer, variable, element):
                typer._expect(condition, BOOL, deps, report, "`satisfies` needs a condition")
            return BOOL
        case ast.ForExpr(variable=variable, source=source, body=body):
            element = source_element(typer, source, deps, report, "`for … in`")
            _bind_checked(typer, variable, expr, report)
            wanted = expected.element if isinstance(expected, ListType) else None
            with bound(typer, variable, element):
                type_ = typer.expr_type(body, wanted, deps, report)
            return ListType("list", type_) if type_ is not tc.UNKNOWN else tc.UNKNOWN
        case ast.Filter(source=source, condition=condition):
            return _filter_type(typer, expr, source, condition, deps, report)
        case ast.InList(value=value, source=source):
            element = source_element(typer, source, deps, report, "`in`")
            known = element if element not in (tc.UNKNOWN, ANYTHING) else None
            value_type = typer.expr_type(value, known, deps, report)
            if known is not None:
                typer._comparable("in", value_type, element, expr, report)
            return BOOL
    raise AssertionError(expr)


def _filter_type(typer, expr, source, condition, deps, report):
    """`L[condition on item]` is a list like L; `L[position]` (a whole number, from 1; negative
    counts from the end) is one element."""
    tc = _typecheck()
    list_type = typer.expr_type(source, None, deps, report)
    if list_type is tc.UNKNOWN:
        return tc.UNKNOWN
    if not isinstance(list_type, ListType):
        if not report:
            raise tc._Unknown()
        typer.error("type-mismatch", f"`[…]` filters a list; this is {list_type.describe()}", source.span)
        return tc.UNKNOWN
    _bind_checked(typer, FILTER_VARIABLE, expr, report, used_in=condition)
    with bound(typer, FILTER_VARIABLE, list_type.element):
        type_ = typer.expr_type(condition, None, deps, report)
    if type_ == BOOL:
        return list_type
    if type_ == INTEGER and FILTER_VARIABLE not in ast.names_in(condition):
        return list_type.element
    if type_ is not tc.UNKNOWN and report:
        typer.error("type-mismatch", f"a filter `[…]` holds a condition on `{FILTER_VARIABLE}` or a position "
                    f"(a whole number that does not read `{FILTER_VARIABLE}`); this is {type_.describe()}",
                    condition.span, f"e.g. `xs[{FILTER_VARIABLE} > 3]`, or `xs[1]` for the first element")
    elif not report:
        raise tc._Unknown()
    return tc.UNKNOWN


def is_list_call(typer, expr: ast.Call) -> bool:
    """Whether a call is one of the list forms: sum/all/any, count or contains of `[]`, and
    min/max of one list (min(a, b, …) of values stays typecheck's)."""
    name, args = expr.function, expr.args
    if name in ADDED_FUNCTIONS:
        return True
    if name in ("count", "contains") and args and isinstance(args[0], ast.ListLiteral) and not args[0].items:
        return True
    return name in ("min", "max") and len(args) == 1 and _quietly_a_list(typer, args[0])


def _quietly_a_list(typer, arg) -> bool:
    if isinstance(arg, (ast.ListLiteral, ast.ForExpr)):
        return True
    try:
        return isinstance(typer.expr_type(arg, None, frozenset(), report=False), ListType)
    except _typecheck()._Unknown:
        return False


def call_type(typer, expr: ast.Call, expected, deps, report: bool):
    """The type of a call for which is_list_call holds (its argument count already checked)."""
    tc = _typecheck()
    name, args = expr.function, expr.args
    if name in ("count", "contains"):
        for arg in args[1:]:
            typer.expr_type(arg, None, deps, report)
        return INTEGER if name == "count" else BOOL
    if name == "sum" and len(args) > 1 or (name == "sum" and not _quietly_a_list(typer, args[0])):
        types = [typer.expr_type(a, expected, deps, report) for a in args]
        if tc.UNKNOWN in types:
            return tc.UNKNOWN
        for arg, type_ in zip(args, types):
            if not is_numeric(type_) and report:
                typer.error("type-mismatch", f"`sum` needs numbers or money, or one list of them; this is "
                            f"{type_.describe()}", arg.span)
        return MONEY if MONEY in types else (INTEGER if all(t == INTEGER for t in types) else NUMBER)
    known = expected not in (None, tc.UNKNOWN) and name in ("sum", "min", "max")
    wanted = ListType("list", expected) if known else ANY_LIST
    list_type = typer.expr_type(args[0], wanted if isinstance(args[0], ast.ListLiteral) else None, deps, report)
    if list_type is tc.UNKNOWN:
        return tc.UNKNOWN
    element = list_type.element if isinstance(list_type, ListType) else None
    if element is ANYTHING:  # `[]`
        if name in ("min", "max"):
            if report:
                typer.error("type-mismatch", f"`{name}` of an empty list has no value", expr.span)
            return tc.UNKNOWN
        return INTEGER if name == "sum" else BOOL
    def adds(t):  # durations add too (engine/durations.py)
        return is_numeric(t) or is_duration(t)

    def orders(t):
        return is_ordered(t) or is_duration(t)
    need = {"sum": (adds, "numbers, money or durations"), "min": (orders, "numbers, money, dates or durations"),
            "max": (orders, "numbers, money, dates or durations"), "all": (lambda t: t == BOOL, "conditions (true or false)"),
            "any": (lambda t: t == BOOL, "conditions (true or false)")}[name]
    if element is None or not need[0](element):
        if report:
            typer.error("type-mismatch", f"`{name}` needs a list of {need[1]}; this is {list_type.describe()}",
                        args[0].span)
        return tc.UNKNOWN
    return BOOL if name in ("all", "any") else element


def test_type(typer, test, column_type, column: str, deps):
    """Type-check a `contains V` or `in L` cell of the column `column`."""
    tc = _typecheck()
    match test:
        case ast.ContainsTest(value=value):
            element = column_type.element if isinstance(column_type, ListType) else None
            value_type = typer.expr_type(value, element, deps)
            if column_type is tc.UNKNOWN or value_type is tc.UNKNOWN:
                return
            if element is None:
                typer.error("type-mismatch", f"`contains` tests a list; `{column}` is {column_type.describe()}",
                            test.span, "test a single value with `= v`, or with a set `{a, b}`")
            elif not same_kind(element, value_type) or tc._money_mix(element, value_type, value):
                typer.error("type-mismatch", f"`{column}` is {column_type.describe()}; this test gives "
                            f"{value_type.describe()}", test.span)
        case ast.InListTest(source=source):
            wanted = ListType("list", column_type) if column_type is not tc.UNKNOWN else None
            list_type = typer.expr_type(source, wanted if isinstance(source, ast.ListLiteral) else None, deps)
            if column_type is tc.UNKNOWN or list_type is tc.UNKNOWN:
                return
            if not isinstance(list_type, ListType):
                typer.error("type-mismatch", f"`in` needs a list here; this is {list_type.describe()}", test.span,
                            "for a few values, write a set: `{a, b}`")
            elif list_type.element is not ANYTHING and not same_kind(column_type, list_type.element):
                typer.error("type-mismatch", f"`{column}` is {column_type.describe()}; this list holds "
                            f"{list_type.element.describe()}", test.span)
