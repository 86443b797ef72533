"""functions: declared functions compiled to closures, and the one implementation of a call
that both evaluation paths use — the reference closures (compiler/compile.py) and the generated code
(compiler/codegen.py) evaluate the arguments themselves, then hand them to `invoke`, so the two paths
agree by construction on what a function gives, which rows fire and what is traced.

A call made while tracing leaves a CallRecord with the calling decision (or, for a call inside a
function, with the calling function's record): the function, where it was called, the arguments,
the rows tested and fired, the value, the calls it made in turn, and — when a list is iterated
(`for m in members return share(m)`) — the element's position (engine/evaluation/iteration.py).
"""
from __future__ import annotations

from typing import Optional

import attrs

from engine import ast
from engine.compiler.compile import Compiler
from engine.errors import Diagnostic, EvaluationError
from engine.evaluation.evaluate import CALLS, RowOutcome, VersionPlan, check_range, finish_value, hit_policy, match_rows, \
    no_parameter_value
from engine.evaluation.iteration import ITERATION
from engine.span import Span
from engine.semantics.typecheck import is_symbol_of
from engine.values import format_value


@attrs.frozen
class CallRecord:
    """One call, as the trace shows it."""
    function: str
    span: Span               # the call's place in the rule file
    arguments: tuple         # the values, one per parameter
    inputs: tuple            # the table's column values (empty for an expression)
    rows: tuple              # RowOutcome of every row (tables)
    fired: tuple             # RowPlan of the rows that gave the value
    value: object
    calls: tuple             # CallRecord of the calls the function made
    index: Optional[tuple]   # ((position, list name or None), ...) when called while lists are iterated


@attrs.frozen
class FunctionPlan:
    """A compiled function: its signature and its body as a VersionPlan (a table or an expression)."""
    info: object             # functions.FunctionInfo
    plan: VersionPlan
    registry: object = attrs.field(eq=False, repr=False)  # FunctionPlans: the model, the parameter numbers


class Frame:
    """What a function's body sees while it runs: its arguments, the date, and where the figures it
    reads and the calls it makes are recorded."""

    __slots__ = ("as_of", "args", "root", "calls", "bound")  # bound: some/every/for/filter variables (lists_eval)

    def __init__(self, as_of, args: dict, root, calls):
        self.as_of = as_of
        self.args = args
        self.root = root      # .parameter(name, span): the calling decision's record of figures
        self.calls = calls    # list of CallRecord, or None when not traced

    def parameter(self, name: str, span):
        return self.root.parameter(name, span)

    @property
    def traced(self) -> bool:
        return self.calls is not None


class _CodeReads:
    """The generated code's record of figures read (parameter numbers in its list `R`)."""

    __slots__ = ("as_of", "reads", "registry")

    def __init__(self, as_of, reads, registry):
        self.as_of = as_of
        self.reads = reads
        self.registry = registry

    def parameter(self, name: str, span):
        info = self.registry.model.parameters[name]
        entry = info.value_on(self.as_of)
        if entry is None:
            raise no_parameter_value(self.as_of, info, span)
        if self.reads is not None:
            self.reads.append(self.registry.parameter_index[name])
        return entry.value


# ---------------------------------------------------------------------------- compilation

class FunctionPlans:
    """The compiled functions of one ruleset, made when first called; kept on its root compiler."""

    def __init__(self, compiler: Compiler):
        self.compiler = compiler
        self.model = compiler.model
        self.parameter_index = {name: p for p, name in enumerate(self.model.parameters)}
        self.plans: dict = {}
        self._building: set = set()

    def get(self, name: str) -> Optional[FunctionPlan]:
        """The plan of `name`; None while it is being built (a cycle, reported by the checker)."""
        plan = self.plans.get(name)
        if plan is None and name not in self._building:
            self._building.add(name)
            try:
                plan = self.plans[name] = _build(self, self.model.functions[name])
            finally:
                self._building.discard(name)
        return plan


def registry_of(compiler) -> FunctionPlans:
    root = getattr(compiler, "root", compiler)
    registry = root.__dict__.get("function_plans")
    if registry is None:
        registry = root.__dict__["function_plans"] = FunctionPlans(root)
    return registry


class FunctionCompiler(Compiler):
    """Compiler of a function's body: its parameters are read from the frame's arguments."""

    def __init__(self, root: Compiler, info):
        from engine.semantics.functions import FunctionTyper
        super().__init__(root.model, FunctionTyper(root.typer, info.signature))
        self.root = root
        self.scope = frozenset(info.signature.param_names)

    def name_kind(self, name: str, expected) -> str:
        if self.typer.list_scope and name in self.typer.list_scope:  # the innermost: a list form's variable
            return "bound"
        if is_symbol_of(name, expected):
            return "constant"
        if name in self.scope:
            return "argument"
        if name in self.model.parameters:
            return "parameter"
        return "as_of" if name == "as_of" else "constant"

    def _name(self, name: str, expected, span):
        if self.name_kind(name, expected) == "argument":
            return lambda ctx: ctx.args[name]
        return super()._name(name, expected, span)


def _build(registry: FunctionPlans, info) -> FunctionPlan:
    compiler = FunctionCompiler(registry.compiler, info)
    version, result, name = info.version, info.signature.type, info.name
    body = info.decl.body
    if isinstance(body, ast.ExpressionBody):
        plan = VersionPlan(name, version, (), (), None, compiler.expr(body.expr, result), (name,), (result,), result)
        return FunctionPlan(info, plan, registry)
    rows, otherwise = compiler.row_plans(body, version)
    columns = tuple(compiler.expr(c.expr) for c in body.inputs)
    plan = VersionPlan(name, version, columns, rows, otherwise, None,
                       tuple(c.name for c in body.outputs[:1]), tuple(version.output_types), result)
    return FunctionPlan(info, plan, registry)


def compile_call(compiler: Compiler, expr: ast.Call):
    """The closure of `NAME(arg, ...)` for Compiler.expr: in a decision (ctx: evaluate.Context) or
    in a function's body (ctx: Frame)."""
    registry = registry_of(compiler)
    signature = compiler.model.functions[expr.function].signature
    args = tuple(compiler.expr(a, t) for a, t in zip(expr.args, signature.param_types))
    name, span = expr.function, expr.span
    registry.get(name)

    def call(ctx):
        values = tuple(f(ctx) for f in args)
        fplan = registry.plans.get(name) or registry.get(name)
        if type(ctx) is Frame:
            return invoke(fplan, ctx.root, ctx.as_of, values, span, ctx.calls)
        calls = None
        if ctx.traced and ctx._reads:
            calls = ctx._reads[-1].setdefault(CALLS, [])
        return invoke(fplan, ctx, ctx.as_of, values, span, calls)
    return call


def generate_call(gen, expr: ast.Call) -> str:
    """Python source of `NAME(arg, ...)` for the generated code (codegen.Generator): the arguments
    are generated; the call goes to `traced_call`/`plain_call` with the compiled function."""
    u = gen.unit
    signature = gen.model.functions[expr.function].signature
    args = [gen.expr(a, t) for a, t in zip(expr.args, signature.param_types)]
    fplan = registry_of(gen.compiler).get(expr.function)
    if fplan is None:
        from engine.compiler.unit import Unsupported
        raise Unsupported(f"the function {expr.function} calls itself")
    shown = f"({''.join(a + ', ' for a in args)})"
    if gen.traced:
        return f"{u.obj(traced_call)}({u.obj(fplan)}, a, R, {u.obj(expr.span)}, {shown})"
    return f"{u.obj(plain_call)}({u.obj(fplan)}, a, {u.obj(expr.span)}, {shown})"


def traced_call(fplan: FunctionPlan, as_of, reads: list, span, args: tuple):
    """A call from traced generated code: the figures read go to the decision's `R` as parameter
    numbers, and the CallRecord after them."""
    calls: list = []
    value = invoke(fplan, _CodeReads(as_of, reads, fplan.registry), as_of, args, span, calls)
    reads.extend(calls)
    return value


def plain_call(fplan: FunctionPlan, as_of, span, args: tuple):
    return invoke(fplan, _CodeReads(as_of, None, fplan.registry), as_of, args, span, None)


# ---------------------------------------------------------------------------- evaluation

def invoke(fplan: FunctionPlan, root, as_of, args: tuple, span, calls: Optional[list]):
    """The value of one call; with `calls` (a list), its CallRecord is appended there."""
    signature = fplan.info.signature
    for name, type_, range_, value in zip(signature.param_names, signature.param_types, signature.param_ranges, args):
        if range_ is not None and not range_.contains(value):
            raise EvaluationError(Diagnostic(
                "error", "out-of-range", f"`{signature.name}` is called with {name} = {format_value(value, type_)}, "
                f"outside the range its parameter declares ({range_.describe(type_)}), as of {as_of}", span,
                hint="the caller gives a value the function's declaration says it cannot take"))
    inner = [] if calls is not None else None
    frame = Frame(as_of, dict(zip(signature.param_names, args)), root, inner)
    plan = fplan.plan
    index = ITERATION.get() if calls is not None else ()
    if index:  # the body's own iterations are counted afresh: the caller's are this call's
        token = ITERATION.set(())
    try:
        if plan.expression is not None:
            value = finish_value(plan.result_type, plan.expression(frame), plan.decl.span)
            inputs, outcomes, fired = (), (), ()
        else:
            inputs, outcomes, fired, value = _table(plan, frame, calls is not None)
    except EvaluationError as error:
        raise _with_the_call(error, span, index) from None
    finally:
        if index:
            ITERATION.reset(token)
    if plan.version.range is not None:
        check_range(value, plan, as_of)
    if calls is not None:
        calls.append(CallRecord(signature.name, span, args, inputs, outcomes, fired, value, tuple(inner),
                                index or None))
    return value


def _with_the_call(error: EvaluationError, span, index: tuple) -> EvaluationError:
    """The error of a function's body, told with where it was called and, inside `for`, `some`,
    `every` or a filter, for which element (`for ages[2]`: known when tracing, as the trace's
    is): the function's own line does not say which of its calls failed. An error a call inside
    the body already told is passed on as it is."""
    if getattr(error, "call_told", False):
        return error
    # positions shown from 1, as the language's `L[1]` and the facts' `household[1]` count
    where = f"called at {span.location()}" + "".join(f" for {of or 'element'}[{position + 1}]" for position, of in index)
    told = EvaluationError([attrs.evolve(d, message=f"{d.message}, {where}") for d in error.diagnostics], error.sources)
    told.call_told = True
    return told


def _table(plan: VersionPlan, frame: Frame, traced: bool):
    inputs = tuple(column(frame) for column in plan.columns)
    matched, outcomes = match_rows(plan, frame, inputs, traced)
    output_type = plan.output_types[0]
    fired, value = hit_policy(frame.as_of, plan, matched, inputs,
                              lambda row: finish_value(output_type, row.outputs[0](frame), row.row.span))
    if traced and plan.otherwise is not None:
        outcomes.append(RowOutcome(plan.otherwise.rule_id, plan.otherwise.row.span.line,
                                   bool(fired) and fired[0] is plan.otherwise))
    return inputs, tuple(outcomes), tuple(fired), value
