"""evaluate: compiled plan + facts + as-of date → decision records (the raw material of a verdict)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable, Optional

import attrs

from engine.attrs_repr import frozen
from engine import ast
from engine.errors import Diagnostic, EvaluationError
from engine.semantics.records import RecordValue
from engine.semantics.resolve import TEMPLATE_HOLE
from engine.values import INTEGER, MONEY, NUMBER, EnumType, format_value, round_money

LIST_POLICIES = ("collect", "rule_order", "output_order")
CALLS = ("calls",)  # the key, among a decision's figures read, of its function calls (evaluation/functions.py)


@frozen
class RowPlan:
    rule_id: str
    row: ast.Row
    tests: tuple          # fn(ctx, value) -> bool, one per input column
    outputs: tuple        # fn(ctx) -> value, one per output column
    index: int = -1       # position among the table's rows; the `otherwise` row comes after the others


@frozen
class VersionPlan:
    """One compiled version of a decision: a table or an expression."""

    name: str
    version: object       # resolve.Version
    columns: tuple        # fn(ctx) -> value, one per input column
    rows: tuple           # RowPlan of the ordinary rows, in order
    otherwise: Optional[RowPlan]
    expression: Optional[Callable]
    output_names: tuple
    output_types: tuple
    result_type: object

    @property
    def decl(self) -> ast.DecisionDecl:
        return self.version.decl


@frozen
class ParameterRead:
    name: str
    value: object
    effective_from: dt.date
    source: Optional[str]
    checked: Optional[dt.date]


@frozen
class RowOutcome:
    rule_id: str
    line: int
    matched: bool
    failed_column: Optional[int] = None   # index of the first test that failed


@frozen
class DecisionRecord:
    """What one decision did: the inputs it read, each row's outcome, what fired, the value."""

    name: str
    plan: VersionPlan
    inputs: tuple          # values of the input columns
    rows: tuple            # RowOutcome (empty for expressions and untraced runs)
    fired: tuple           # RowPlan of the rows that produced the output
    value: object
    parameters: tuple      # ParameterRead
    reads: tuple           # names of decisions and inputs read, in order
    calls: tuple = ()      # functions_eval.CallRecord of the functions it called, in order


class Context:
    """The state of one evaluation: facts, date, memoised decisions, and what was read."""

    __slots__ = ("facts", "as_of", "plans", "results", "records", "traced", "_reads",
                 "bound")  # lists (h16-lists): the variables of some/every/for/filter, set when used

    def __init__(self, facts: dict, as_of: dt.date, plans: dict, traced: bool = True):
        self.facts = facts
        self.as_of = as_of
        self.plans = plans
        self.results: dict = {}
        self.records: dict = {}
        self.traced = traced
        self._reads: list = []

    def parameter(self, name: str, span):
        info = self.plans.parameters[name]
        entry = info.value_on(self.as_of)
        if entry is None:
            raise no_parameter_value(self.as_of, info, span)
        if self._reads:
            self._reads[-1][name] = ParameterRead(name, entry.value, entry.start, entry.source, info.checked)
        return entry.value

    def decision(self, name: str):
        if name in self.results:
            return self.results[name]
        self._reads.append({})
        try:
            value = evaluate_decision(self, name)
        finally:
            params = self._reads.pop()
        self.results[name] = value
        if self.traced and name in self.records:
            calls = tuple(params.pop(CALLS, ()))
            self.records[name] = attrs.evolve(self.records[name], parameters=tuple(params.values()), calls=calls)
        return value


def evaluate_decision(ctx: Context, name: str):
    plan = ctx.plans.version_on(name, ctx.as_of)
    if plan is None:
        raise no_version(ctx.as_of, ctx.plans.model.decisions[name])
    if plan.expression is not None:
        value = _finish(plan, plan.expression(ctx))
        if plan.version.range is not None:
            check_range(value, plan, ctx.as_of)
        if ctx.traced:
            ctx.records[name] = DecisionRecord(name, plan, (), (), (), value, (), plan.version.dependencies)
        return value
    inputs = tuple(column(ctx) for column in plan.columns)
    matched, outcomes = match_rows(plan, ctx, inputs, ctx.traced)
    fired, value = hit_policy(ctx.as_of, plan, matched, inputs, lambda row: _row_value(ctx, plan, row))
    if plan.version.range is not None:
        check_range(value, plan, ctx.as_of)
    if ctx.traced:
        _evaluate_template_names(ctx, fired, name)
        if plan.otherwise is not None:
            outcomes.append(RowOutcome(plan.otherwise.rule_id, plan.otherwise.row.span.line,
                                       bool(fired) and fired[0] is plan.otherwise))
        ctx.records[name] = DecisionRecord(name, plan, inputs, tuple(outcomes), tuple(fired), value, (),
                                           plan.version.dependencies)
    return value


def match_rows(plan: VersionPlan, scope, inputs: tuple, traced: bool) -> tuple[list, list]:
    """The rows of a table whose tests all pass on `inputs` (tests read `scope`: a decision's
    context or a function's frame), and, when traced, every row's outcome with its failing test."""
    matched, outcomes = [], []
    for row in plan.rows:
        failed = None
        for index, (test, value) in enumerate(zip(row.tests, inputs)):
            if not test(scope, value):
                failed = index
                break
        if failed is None:
            matched.append(row)
        if traced:
            outcomes.append(RowOutcome(row.rule_id, row.row.span.line, failed is None, failed))
    return matched, outcomes


def _evaluate_template_names(ctx, fired, own_name):
    """Decisions named only in a fired row's `because` are computed too, so the text can show them."""
    for row in fired:
        if row.row.because is not None:
            for match in TEMPLATE_HOLE.finditer(row.row.because.text):
                head = match.group(1).strip().split(".")[0]
                if head in ctx.plans.by_name and head != own_name:
                    ctx.decision(head)


def _period(decl) -> str:
    start = decl.valid_from.isoformat() if decl.valid_from else "…"
    end = decl.valid_to.isoformat() if decl.valid_to else "…"
    return f"{start} to {end}"


def _row_value(ctx, plan: VersionPlan, row: RowPlan):
    values = [finish_value(t, f(ctx), row.row.span) for f, t in zip(row.outputs, plan.output_types)]
    if len(values) == 1:
        return values[0]
    return RecordValue(zip(plan.output_names, values))  # hashable, compared by value (records, h16-records)


def finish_money(value):
    """A money value as a decision gives it: rounded to the cent."""
    if isinstance(value, (Decimal, int)):
        return round_money(Decimal(value))
    return value


MAX_WHOLE = 10 ** 28  # a whole number past exact arithmetic's 28 digits is a runaway formula


def finish_integer(value, span=None):
    """A whole-number decision's value, refused past 28 digits (as floor, ceil and round refuse):
    products of whole numbers are exact in Python however long, and a verdict of 5,000 digits can
    be neither written nor meant."""
    if type(value) is int and not -MAX_WHOLE < value < MAX_WHOLE:
        digits = f"{len(str(abs(value))):,}" if value.bit_length() < 13_000 else "over 4,000"
        raise EvaluationError(Diagnostic(
            "error", "evaluation", f"the whole number computed has {digits} digits, more than the 28 of exact "
            f"arithmetic", span, hint="check the facts for an absurd figure, or the rules for a runaway formula"))
    return value


def finish_number(value, span=None):
    """A `number` decision's value: a whole number computed exactly (`10 ** 900`, products of
    whole numbers) is refused past 10^1000, the bound of `**`, as no verdict means it and JSON
    cannot write one of over 4,300 digits."""
    if type(value) is int and value.bit_length() > _NUMBER_BITS and not -MAX_NUMBER < value < MAX_NUMBER:
        raise EvaluationError(Diagnostic(
            "error", "evaluation", "the number computed is 10^1000 or more in size, past what `**` allows", span,
            hint="check the facts for an absurd figure, or the rules for a runaway formula"))
    return value


MAX_NUMBER = 10 ** 1000
_NUMBER_BITS = MAX_NUMBER.bit_length() - 1  # below it, surely within the bound: the cheap test first
FINISHERS = {INTEGER: finish_integer, NUMBER: finish_number}  # the generated code's (compiler/codegen.py)


def finish_value(type_, value, span=None):
    """A value as a decision gives it: money rounded to the cent, numbers bounded, anything
    else as computed."""
    if type_ == MONEY:
        return finish_money(value)
    finish = FINISHERS.get(type_)
    return value if finish is None else finish(value, span)


def _finish(plan: VersionPlan, value):
    return finish_value(plan.result_type, value, plan.decl.span)


def no_match(as_of, plan: VersionPlan, inputs) -> EvaluationError:
    shown = ", ".join(f"{c.title} = {format_value(v)}" for c, v in zip(plan.decl.body.inputs, inputs))
    return EvaluationError(Diagnostic(
        "error", "no-match", f"no rule of `{plan.name}` matches {shown} (as of {as_of})", plan.decl.span,
        hint="the rules give no answer for these values (`verdict check` reports this gap); "
             "its author can add a row or an `otherwise` row"))


def not_unique(as_of, plan: VersionPlan, matched: list, inputs) -> EvaluationError:
    ids = ", ".join(f"{r.rule_id} (line {r.row.span.line})" for r in matched)
    shown = ", ".join(f"{c.title} = {format_value(v)}" for c, v in zip(plan.decl.body.inputs, inputs))
    return EvaluationError(Diagnostic(
        "error", "not-unique", f"`{plan.name}` is a unique table but rules {ids} {'both' if len(matched) == 2 else 'all'} match {shown} "
        f"(as of {as_of})", plan.decl.span, hint="make the rows exclusive, or use `hit first`"))


def check_range(value, plan: VersionPlan, as_of):
    """The decision's value, if it lies in the range its header declares; else an EvaluationError."""
    range_ = plan.version.range
    values = value if isinstance(value, (tuple, list)) else (value,)
    for item in values:
        if not range_.contains(item):
            raise EvaluationError(Diagnostic(
                "error", "out-of-range",
                f"`{plan.name}` gives {format_value(item, plan.result_type if not isinstance(value, (tuple, list)) else None)}, "
                f"outside its declared range {range_.describe(plan.output_types[0])} (as of {as_of})",
                plan.decl.span, hint="the rules or the facts give a value the declaration says cannot happen"))
    return value


def no_version(as_of, info) -> EvaluationError:
    periods = ", ".join(_period(v.decl) for v in info.versions)
    return EvaluationError(Diagnostic("error", "evaluation",
                                      f"no version of `{info.name}` is valid on {as_of} (versions: {periods})",
                                      info.span))


def no_parameter_value(as_of, info, span) -> EvaluationError:
    first = info.values[0].start if info.values else None
    return EvaluationError(Diagnostic(
        "error", "evaluation",
        f"parameter `{info.decl.name}` has no value on {as_of}; its first value is from {first}", span))


def _priority(plan: VersionPlan, value) -> tuple:
    """Sort key: values declared earlier in their enumeration come first (DMN priority)."""
    values = value if isinstance(value, dict) else {plan.output_names[0]: value}
    key = []
    for name, type_ in zip(plan.output_names, plan.output_types):
        if isinstance(type_, EnumType):
            symbol = values[name]
            key.append(type_.symbols.index(symbol) if symbol in type_.symbols else len(type_.symbols))
    return tuple(key)


def hit_policy(as_of, plan: VersionPlan, matched: list, inputs, row_value) -> tuple[list, object]:
    """(the rows that fired, the decision's value), per the table's hit policy; `row_value(row)`
    computes a row's output. Shared by the closures and the generated code."""
    hit = plan.decl.hit
    policy, aggregator = hit.policy, hit.aggregator
    if not matched and plan.otherwise is not None:
        matched = [plan.otherwise]
        if policy in LIST_POLICIES and aggregator is None:
            return matched, (row_value(plan.otherwise),)
    if policy in LIST_POLICIES:
        values = [row_value(row) for row in matched]
        if policy == "output_order":
            order = sorted(range(len(values)), key=lambda i: _priority(plan, values[i]))
            matched, values = [matched[i] for i in order], [values[i] for i in order]
        if aggregator is None:
            return matched, tuple(values)
        if aggregator == "count":
            return matched, len(values)
        if aggregator == "sum":
            return matched, _finish(plan, sum(values, 0))  # integers stay integers
        if not values:
            raise no_match(as_of, plan, inputs)
        return matched, (min if aggregator == "min" else max)(values)
    if not matched:
        raise no_match(as_of, plan, inputs)
    if policy == "first":
        return matched[:1], row_value(matched[0])
    if policy == "priority":
        values = [row_value(row) for row in matched]
        best = min(range(len(values)), key=lambda i: _priority(plan, values[i]))
        return [matched[best]], values[best]
    if policy == "unique":
        if len(matched) > 1:
            raise not_unique(as_of, plan, matched, inputs)
        return matched, row_value(matched[0])
    if policy == "any":
        values = [row_value(row) for row in matched]
        if any(v != values[0] for v in values[1:]):
            ids = ", ".join(r.rule_id for r in matched)
            shown = ", ".join(f"{c.title} = {format_value(v)}" for c, v in zip(plan.decl.body.inputs, inputs))
            raise EvaluationError(Diagnostic(
                "error", "not-unique", f"rules {ids} of `{plan.name}` all match {shown} and disagree (hit any), "
                f"as of {as_of}", plan.decl.span, hint="rows of an `any` table may overlap only where they agree"))
        return matched, values[0]
    raise AssertionError(policy)
