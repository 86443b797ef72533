"""functions: reusable decision logic — `function NAME(p: T, ...) : T` with a table or an
expression — resolved and type-checked, and the calls `NAME(arg, ...)` checked where they stand.

As a DMN business knowledge model, a function sees only its parameters, the ruleset's dated
`parameter` figures, `as_of` and other functions: never an input or a decision, which the caller
passes as an argument. Calls may not recurse (a cycle between functions is an error), so every
call ends. Compilation and evaluation are in evaluation/functions.py, the trace in trace/calls.py.
"""
from __future__ import annotations

from typing import Optional

import attrs

from engine.attrs_repr import frozen
from engine import ast
from engine.errors import suggestion_hint
from engine.semantics.model import Version
from engine.semantics.typecheck import BUILTIN_NAMES, FUNCTIONS, UNKNOWN, ExpressionTyper
from engine.values import INTEGER, MONEY, NUMBER, ListType, Type

TEMPLATE_HOLE_NAMES = "a parameter of the function, a `parameter` figure or `as_of`"


@frozen
class Signature:
    """What a call needs to know: the parameters' names, types and declared ranges, the result."""
    name: str
    param_names: tuple
    param_types: tuple
    param_ranges: tuple      # Range or None, one per parameter
    type: Type
    decl: ast.FunctionDecl

    def shown(self) -> str:
        """`share(age: integer, free: bool)` — for messages."""
        return f"{self.name}({', '.join(f'{n}: {t.describe()}' for n, t in zip(self.param_names, self.param_types))})"


@frozen
class FunctionInfo:
    """A resolved function: its signature and its body's version (a table or an expression),
    read by the compiler, the checker and the trace like a decision's version."""
    signature: Signature
    version: Version
    calls: tuple             # names of the functions its body calls

    @property
    def name(self) -> str:
        return self.signature.name

    @property
    def decl(self) -> ast.FunctionDecl:
        return self.signature.decl


# ---------------------------------------------------------------------------- declarations

def declare_functions(resolver) -> None:
    """The signatures of every function, on `resolver.function_signatures` (before any decision
    is typed: a decision's type may come from a call)."""
    signatures = {}
    for name, decl in resolver.function_decls.items():
        names, types, ranges = [], [], []
        for param in decl.params:
            if param.name in names:
                resolver.error("duplicate-name", f"function `{name}` has two parameters named `{param.name}`",
                               param.span, "give each parameter its own name")
            type_ = resolver.type_of_expr(param.type, param.name)
            names.append(param.name)
            types.append(type_)
            ranges.append(resolver._declared_range(param.name, param.range, type_))
        result = resolver.type_of_expr(decl.type, name)
        signatures[name] = Signature(name, tuple(names), tuple(types), tuple(ranges), result, decl)
    resolver.function_signatures = signatures


def builtin_clash(resolver, decl) -> bool:
    """A function named like a built-in one (`round`) is refused: every call would be ambiguous."""
    if decl.name in FUNCTIONS:
        resolver.error("duplicate-name", f"`{decl.name}` is a built-in function", decl.span,
                       "give your function another name")
        return True
    return False


def resolve_functions(resolver) -> dict:
    """Every function's body typed and checked (diagnostics on the resolver); name → FunctionInfo.
    A cycle of calls is reported here, at the first function of the cycle."""
    infos = {}
    for name, signature in resolver.function_signatures.items():
        typer = FunctionTyper(resolver, signature)
        infos[name] = FunctionInfo(signature, typer.version(), tuple(typer.called))
    _report_cycles(resolver, infos)
    called = {callee for info in infos.values() for callee in info.calls} | resolver.used_functions
    for name, info in infos.items():
        if name not in called:
            resolver.warning("unused", f"function `{name}` is not called by any decision", info.decl.span)
    return infos


def _report_cycles(resolver, infos: dict) -> None:
    reported = set()
    for root in infos:
        path, stack, on_path = [root], [iter(infos[root].calls)], {root}
        while stack:
            for target in stack[-1]:
                if target in on_path:
                    cycle = path[path.index(target):] + [target]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        resolver.error("cycle", "these functions call each other: " + " → ".join(cycle),
                                       infos[target].decl.span,
                                       "a function cannot call itself, even indirectly: write the repetition "
                                       "as a table, or as a decision over a list")
                elif target in infos and target not in path:
                    path.append(target)
                    on_path.add(target)
                    stack.append(iter(infos[target].calls))
                    break
            else:
                stack.pop()
                on_path.discard(path.pop())


# ---------------------------------------------------------------------------- bodies

class FunctionTyper(ExpressionTyper):
    """Types a function's body: its parameters are the only names of the facts' kind it sees."""

    def __init__(self, resolver, signature: Signature):
        self.resolver = resolver
        self.signature = signature
        self.scope = dict(zip(signature.param_names, signature.param_types))
        self.inputs: dict = {}
        self.decision_decls: dict = {}
        self.parameters = resolver.parameters
        self.symbols = resolver.symbols
        self.used = resolver.used
        self.function_signatures = resolver.function_signatures
        self.called: list = []
        self.error = resolver.error

    def _all_names(self):
        return list(self.scope) + list(self.parameters) + list(BUILTIN_NAMES)

    def _is_known_name(self, name: str) -> bool:
        return name in self.scope or self.resolver._is_known_name(name)

    def decision_type(self, name):  # no decision is visible inside a function
        return UNKNOWN

    def name_type(self, expr: ast.Name, expected: Optional[Type], deps, report=True) -> Type:
        name = expr.name
        if name in self.scope and not _is_symbol(name, expected):
            return self.scope[name]
        resolver = self.resolver
        kind = "input" if name in resolver.inputs else "decision" if name in resolver.decision_decls else None
        if kind is not None and not _is_symbol(name, expected):
            if report:
                resolver.used.add(name)
                params = ", ".join(self.signature.param_names) or "none"
                resolver.error("unknown-name", f"function `{self.signature.name}` cannot read the {kind} `{name}`: "
                               f"a function sees only its parameters ({params}), `parameter` figures and `as_of`",
                               expr.span, f"pass it as an argument: add a parameter `{name}: "
                               f"{(resolver.inputs[name].type if kind == 'input' else resolver.decision_type(name)).describe()}`"
                               f" to `{self.signature.name}` and give `{name}` where it is called")
                return UNKNOWN
            raise _unknown()
        return super().name_type(expr, expected, deps, report)

    def version(self) -> Version:
        """The body as a Version (no validity: a function is the same on every day)."""
        signature, decl = self.signature, self.signature.decl
        resolver, result = self.resolver, signature.type
        deps: list = []
        range_ = resolver._declared_range(decl.name, decl.range, result)
        body = decl.body
        if isinstance(body, ast.ExpressionBody):
            type_ = self.expr_type(body.expr, result, deps)
            self._fits(result, type_, body.expr, f"`{decl.name}` is declared {result.describe()} but its "
                       f"expression gives {type_.describe()}")
            self._template(body.because)
            self.called = called_in(body.expr, self.function_signatures)
            return Version(decl, (), (result,), (), (decl.name,), range_)
        if len(body.outputs) != 1:
            resolver.error("type-mismatch", f"the table of function `{decl.name}` has {len(body.outputs)} output "
                           "columns; a function gives one value", body.outputs[1].span,
                           "give it one output column, or declare one function per output")
        element = resolver._element(result, decl.hit) or UNKNOWN
        declared_column = body.outputs[0].type
        if declared_column is not None:
            element = resolver.type_of_expr(declared_column, body.outputs[0].name)
        column_types = [self.expr_type(column.expr, None, deps) for column in body.inputs]
        rule_ids = []
        for row in body.rows:
            rule_ids.append(row.rule_id or f"{decl.name}#{row.number}")
            for cell, column_type, column in zip(row.cells, column_types, body.inputs):
                self._test(cell.test, column_type, column.title, deps)
            for expr in row.outputs[:1]:
                type_ = self.expr_type(expr, element, deps)
                self._fits(element, type_, expr, f"this cell gives {type_.describe()}; `{decl.name}` gives "
                           f"{element.describe()}")
            self._template(row.because)
            resolver._check_source(row)
        resolver._check_source(decl)
        resolver._check_hit_policy(decl, [element])
        aggregate = resolver._aggregate(element, decl.hit)
        if element is not UNKNOWN and result is not UNKNOWN and not self.compatible(result, aggregate):
            resolver.error("type-mismatch", f"`{decl.name}` is declared {result.describe()} but its table "
                           f"(hit {decl.hit.label()}) gives {aggregate.describe()}", decl.type.span)
        self.called = called_in(body, self.function_signatures)
        return Version(decl, tuple(column_types), (element,), (), tuple(rule_ids), range_)

    def _fits(self, expected, actual, expr, message):
        if actual is not UNKNOWN and expected is not UNKNOWN and not self.compatible(expected, actual):
            self.error("type-mismatch", message, expr.span)

    def _template(self, template):
        if template is None:
            return
        from engine.semantics.resolve import TEMPLATE_HOLE
        for match in TEMPLATE_HOLE.finditer(template.text):
            head = match.group(1).strip().split(".")[0]
            if head in self.scope or head in self.parameters or head in BUILTIN_NAMES:
                if head in self.parameters:
                    self.used.add(head)
                continue
            quoted = template.span.end_column - template.span.column == len(template.text) + 2
            offset = template.span.column + (1 if quoted else 0)
            span = attrs.evolve(template.span, column=offset + match.start(), end_column=offset + match.end())
            self.error("unknown-name", f"unknown name `{head}` in the explanation of function "
                       f"`{self.signature.name}`", span,
                       suggestion_hint(head, self._all_names()) or f"a hole names {TEMPLATE_HOLE_NAMES}")


def _unknown():
    from engine.semantics.typecheck import _Unknown
    return _Unknown()


def _is_symbol(name, expected) -> bool:
    from engine.semantics.typecheck import is_symbol_of
    return expected is not None and is_symbol_of(name, expected)


def called_in(node, signatures) -> list:
    """The declared functions a body calls, in order of first call (walks the AST, no recursion)."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            stack.extend(reversed(item))
        elif isinstance(item, ast.Node) and not isinstance(item, (ast.Literal, ast.Template)):
            if isinstance(item, ast.Call) and item.function in signatures and item.function not in found:
                found.append(item.function)
            stack.extend(reversed([getattr(item, f.name) for f in item.__attrs_attrs__ if f.name != "span"]))
    return found


# ---------------------------------------------------------------------------- calls

def check_call(typer, expr: ast.Call, deps, report) -> Type:
    """The type of `NAME(arg, ...)` for a declared function: the argument count and each
    argument's type checked against the parameters, with the call's line and column."""
    signature = typer.function_signatures[expr.function]
    if hasattr(typer, "used_functions"):
        typer.used_functions.add(expr.function)
    args = expr.args
    if len(args) != len(signature.param_names):
        for arg in args:
            typer.expr_type(arg, None, deps, report)
        if report:
            typer.error("type-mismatch", f"`{expr.function}` takes {len(signature.param_names)} argument(s), "
                        f"not {len(args)}", expr.span, f"call it as {signature.shown()}")
            return UNKNOWN
        raise _unknown()
    for position, (arg, name, expected) in enumerate(zip(args, signature.param_names, signature.param_types), 1):
        actual = typer.expr_type(arg, expected, deps, report)
        if actual is UNKNOWN or expected is UNKNOWN:
            continue
        if not typer.compatible(expected, actual) or _money_mix(expected, actual, arg):
            if not report:
                raise _unknown()
            typer.error("type-mismatch", f"argument {position} of `{expr.function}` ({name}) must be "
                        f"{expected.describe()}; this is {actual.describe()}", arg.span,
                        f"call it as {signature.shown()}")
    return signature.type


def _money_mix(expected: Type, actual: Type, arg: ast.Expr) -> bool:
    """Money passed for a count or rate, or a count or rate (not a literal) passed for money."""
    if expected == MONEY:
        return actual in (INTEGER, NUMBER) and not isinstance(arg, ast.Literal)
    return actual == MONEY and expected in (INTEGER, NUMBER)


def is_list_result(signature: Signature) -> bool:
    return isinstance(signature.type, ListType)
