"""ruleset: load a folder (ruleset.yaml + *.rules) into one checked, compiled, immutable Ruleset."""
from __future__ import annotations

import datetime as dt
import decimal
import functools
import gc
import threading
from typing import Iterable, Mapping, Optional

import attrs

from engine import ast
from engine.compiler.compile import Compiler
from engine.evaluation.context import thread_engine_context
from engine.errors import Diagnostic, EvaluationError, FactError, RuleError, VerdictError, listed, suggestion_hint
from engine.evaluation.evaluate import Context, VersionPlan
from engine.semantics.graph import evaluation_order, find_cycles, required_inputs
from engine.semantics.model import NO_DEFAULT, Model
from engine.semantics.resolve import Resolver
from engine.ruleset_files import RulesetFiles, read_ruleset
from engine.span import Span
from engine.values import ENGINE_CONTEXT, NOT_A_DAY, coerce_fact, iso_date, shown_value
from engine.facts.reader import shown_text


_FAST_PATH_LOCK = threading.Lock()
MAX_FACT_PROBLEMS = 50  # past this, a list of problems helps nobody: the facts are of another kind


class Plans:
    """The compiled versions of every decision, by name; immutable once built."""

    def __init__(self, model: Model, by_name: dict, compiler: Optional[Compiler] = None):
        self.model = model
        self.parameters = model.parameters
        self.by_name = by_name
        self.compiler = compiler  # kept for the generated code (codegen), made when first needed
        self.indexes: dict = {}   # id(table plan) -> its index (index.index_table), made when first needed

    def version_on(self, name: str, day: dt.date) -> Optional[VersionPlan]:
        for plan in self.by_name[name]:
            if plan.version.valid_on(day):
                return plan
        return None


def _compile(model: Model, resolver: Resolver) -> Plans:
    compiler = Compiler(model, resolver)
    by_name = {}
    for name, info in model.decisions.items():
        plans = []
        for version in info.versions:
            decl = version.decl
            body = decl.body
            result_type = info.type
            if isinstance(body, ast.ExpressionBody):
                plans.append(VersionPlan(name, version, (), (), None, compiler.expr(body.expr, result_type),
                                         (name,), (result_type,), result_type))
                continue
            columns = tuple(compiler.expr(c.expr) for c in body.inputs)
            rows, otherwise = compiler.row_plans(body, version)
            plans.append(VersionPlan(name, version, columns, rows, otherwise, None,
                                     tuple(c.name for c in body.outputs), tuple(version.output_types), result_type))
        by_name[name] = tuple(plans)
    return Plans(model, by_name, compiler)


def _as_date(value, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return iso_date(value)
        except ValueError as error:
            if error.args == NOT_A_DAY:  # the shape is right, the day is not: say which is wrong
                why, hint = NOT_A_DAY
                raise FactError(Diagnostic("error", "fact-type", f"{what}: expected a date YYYY-MM-DD, got {value!r} "
                                           f"({why})", hint=hint)) from None
    raise FactError(Diagnostic("error", "fact-type", f"{what}: expected a date YYYY-MM-DD, got {value!r}"))


class Ruleset:
    """A loaded, checked ruleset. Immutable and safe to share between threads."""

    def __init__(self, files: RulesetFiles, parsed: list, model: Model, diagnostics: list, plans: Plans,
                 typer: Resolver):
        self.files = files
        self.typer = typer  # the resolver: types sub-expressions for later stages (check, compile)
        self.parsed = parsed
        self.model = model
        self.diagnostics = diagnostics
        self.plans = plans
        self.name = files.name
        self.version = files.version
        self.sha256 = files.sha256

    @property
    def decisions(self) -> tuple:
        return tuple(self.model.decisions)

    @property
    def inputs(self) -> tuple:
        return tuple(self.model.inputs)

    def check(self, analyse: bool = True, skipped: Optional[list] = None,
              properties: bool = False) -> list[Diagnostic]:
        """Every diagnostic, warnings included: what `verdict check` reports. Tables whose bounds
        read facts cannot be analysed; their declarations are appended to `skipped`. With
        `properties`, the `assert` declarations are decided too (engine/whatif/properties.py:
        seconds on a large ruleset, so `verdict check` and GET /check do it, the editor does not)."""
        from engine.translations import check_translations
        found = list(self.diagnostics) + check_translations(self)
        if analyse:
            from engine.checker.check import analyse_tables
            from engine.whatif.properties import check_properties
            with decimal.localcontext(ENGINE_CONTEXT):  # bounds over parameters are computed
                found.extend(analyse_tables(self, skipped))
                if properties:
                    found.extend(check_properties(self))
        return sort_diagnostics(found)

    def default_outputs(self) -> tuple:
        return self.files.outputs or self.decisions

    def prepare_facts(self, facts: Mapping, outputs: Iterable[str], as_of: dt.date) -> dict:
        """Facts coerced to their declared types; unknown, missing and wrong facts refused."""
        if not isinstance(facts, Mapping):
            raise FactError(Diagnostic("error", "fact-type", f"facts must be a mapping of name → value, "
                                       f"got {type(facts).__name__}"))
        inputs = self.model.inputs
        problems = []
        prepared = {}
        for name, raw in facts.items():
            if not isinstance(name, str) or name not in inputs:
                if isinstance(name, str) and name in self.model.decisions:
                    reads = ", ".join(required_inputs(self.model, [name], as_of)) or "no input"
                    hint = f"`{name}` is a decision the ruleset computes, not a fact; it reads {reads}"
                else:
                    label = name if isinstance(name, str) else shown_value(name)  # str(10**5000) fails
                    hint = suggestion_hint(label, inputs) or f"the inputs are: {listed(inputs)}"
                shown = shown_text(name if isinstance(name, str) else shown_value(name))
                problems.append(Diagnostic("error", "unknown-fact", f"unknown fact `{shown}`", hint=hint))
                if len(problems) >= MAX_FACT_PROBLEMS:
                    break
                continue
            info = inputs[name]
            try:
                prepared[name] = coerce_fact(name, info.type, raw, info.range)
            except FactError as error:
                problems.extend(error.diagnostics)
        missing = []
        for name in required_inputs(self.model, outputs, as_of):
            if name in prepared or name in facts:
                continue
            info = inputs[name]
            if info.default is not NO_DEFAULT:
                prepared[name] = info.default
            else:
                missing.append(name)
        if missing:
            problems.extend(self.missing_fact_diagnostics(missing, tuple(outputs), facts, as_of))
        for name, info in inputs.items():
            if name not in prepared and info.default is not NO_DEFAULT:
                prepared[name] = info.default
        if problems:
            if len(problems) > MAX_FACT_PROBLEMS:
                hidden = len(problems) - MAX_FACT_PROBLEMS
                problems = problems[:MAX_FACT_PROBLEMS] + [
                    Diagnostic("error", "fact-type", f"… and {hidden} more problem(s) with these facts")]
            raise FactError(problems)
        return prepared

    def missing_fact_diagnostics(self, missing: list, outputs: tuple, facts, as_of) -> list:
        """One diagnostic per missing fact: which decisions read it, which of the outputs asked
        need it, and which outputs these facts would answer."""
        from engine.evaluation.partial import missing_facts
        inputs = self.model.inputs
        asked = outputs or self.default_outputs()
        lacking = {name: set(missing_facts(self.model, facts, name, as_of)) for name in asked}
        answerable = [name for name in asked if not lacking[name]]
        if answerable:
            shown = ", ".join(repr(n) for n in answerable)
            advice = (f"give it, or ask only for what these facts answer: outputs=[{shown}] "
                      f"(verdict eval: {' '.join('--output ' + n for n in answerable)})")
        else:
            advice = "give it: none of the outputs asked can be answered without it"
        found = []
        for name in missing:
            info = inputs[name]
            described = info.type.describe() + (f" {info.range.describe(info.type)}" if info.range else "")
            readers = [d for d in evaluation_order(self.model, asked, as_of)
                       if name in (self.model.decisions[d].version_on(as_of).dependencies
                                   if self.model.decisions[d].version_on(as_of) else ())]
            needing = [o for o in asked if name in lacking[o]]
            message = f"missing fact `{name}` ({described}), read by {', '.join(readers)}"
            if needing != readers:
                message += f"; needed for {', '.join(needing)}"
            last = name == missing[-1]  # the advice once, after every missing fact is named
            hint = "; ".join(t for t in (info.decl.description, advice if last else None) if t) or None
            found.append(Diagnostic("error", "missing-fact", message, hint=hint,
                                    extra={"fact": name, "needed_by": needing, "answerable": answerable}))
        return found

    def evaluate(self, facts: Mapping, as_of=None, outputs: Optional[Iterable[str]] = None, trace: bool = True,
                 partial: bool = False):
        """The verdict for `facts` as of a date (default: today), for `outputs` (default: all).

        Runs generated code (engine/compiler/codegen.py); `trace=False` skips the trace records (then
        `to_dict()` has no decisions), and the trace JSON is built on the first `to_dict()`.

        By default a missing fact raises FactError and an output the rules cannot give raises
        EvaluationError. With `partial=True` the verdict answers what it can instead: an output
        with no answer or missing facts is left out of `outputs`, and `verdict.status[name]`
        says why (engine/evaluation/status.py); `verdict.complete` tells whether everything was answered.
        Wrong facts (unknown, of the wrong type, out of range) are refused either way."""
        day = as_of if type(as_of) is dt.date else _as_date(as_of, "as_of") if as_of is not None else dt.date.today()
        if isinstance(outputs, str):  # one name, not its letters
            outputs = (outputs,)
        if partial:
            from engine.evaluation.partial import evaluate_partial
            wanted = tuple(outputs) if outputs else tuple(self.default_outputs())
            return evaluate_partial(self, facts, day, wanted, trace)
        if self.__dict__.get("_few_verdicts"):
            return self.interpret(facts, day, outputs, trace)
        fast = self.__dict__.get("_fast") or self._fast_path()
        try:
            previous = decimal.getcontext()
            decimal.setcontext(thread_engine_context())  # as localcontext(ENGINE_CONTEXT), no copy made
            try:
                return fast.evaluate(facts, day, tuple(outputs) if outputs else None, trace)
            finally:
                decimal.setcontext(previous)
        except (EvaluationError, decimal.DecimalException, OverflowError, RecursionError) as error:
            raise _context_of(self, error, facts, day) from None

    def for_few_verdicts(self) -> "Ruleset":
        """This ruleset, set for a process that gives one verdict or a few (`verdict eval --facts`):
        `evaluate` then runs the reference interpreter (the closures of compiler/compile.py, already built
        by the load), whose first verdict costs about a millisecond, instead of generating code
        (some 20 ms for the bundled ruleset, repaid only over many verdicts). The verdicts are the
        same (tests/test_codegen.py); `decision_function` still generates its code."""
        self.__dict__["_few_verdicts"] = True
        return self

    def _fast_path(self):
        """The generated-code evaluator, made once even when threads ask at the same moment."""
        with _FAST_PATH_LOCK:
            fast = self.__dict__.get("_fast")
            if fast is None:
                from engine.evaluation.fastpath import FastPath
                fast = self.__dict__["_fast"] = FastPath(self)
            return fast

    def decision_function(self, name: str, as_of=None):
        """Decision `name` as of a date, as a plain function of the inputs it needs:
        `fn(**inputs)` (or positionally, in the order of `fn.inputs`) → its value.

        For hot loops: it skips fact validation (give engine values: int, Decimal, symbols as str,
        datetime.date) and keeps no trace. An input with a default may be left out. It runs in the
        caller's decimal context: wrap the loop in `decimal.localcontext(engine.values.ENGINE_CONTEXT)`
        when the program changed its own. A list value comes as a tuple here."""
        day = as_of if type(as_of) is dt.date else _as_date(as_of, "as_of") if as_of is not None else dt.date.today()
        fast = self.__dict__.get("_fast") or self._fast_path()
        return fast.decision_function(name, day)

    def evaluate_table(self, columns, as_of, outputs: Optional[Iterable[str]] = None, trace: bool = False):
        """The outputs for a whole table of cases at once (numpy/Arrow; the `vector` extra):
        engine.vector.evaluate_table, whose values are those `evaluate` gives case by case."""
        from engine.vector import evaluate_table
        return evaluate_table(self, columns, as_of, outputs, trace)

    def interpret(self, facts: Mapping, as_of=None, outputs: Optional[Iterable[str]] = None, trace: bool = True):
        """The same verdict as `evaluate`, by the reference interpreter (the closures of compiler/compile.py):
        slower, and simple enough to check the generated code against."""
        from engine.trace.verdict import Verdict, build_trace
        day = _as_date(as_of, "as_of") if as_of is not None else dt.date.today()
        if isinstance(outputs, str):  # one name, not its letters
            outputs = [outputs]
        wanted = tuple(outputs) if outputs else self.default_outputs()
        for name in wanted:
            if name not in self.model.decisions:
                raise VerdictError(Diagnostic("error", "unknown-output", f"unknown decision `{name}`",
                                              hint=suggestion_hint(name, self.model.decisions) or
                                              f"the decisions are: {listed(self.model.decisions)}"))
        prepared = self.prepare_facts(facts, wanted, day)
        ctx = Context(prepared, day, self.plans, traced=trace)
        try:
            with decimal.localcontext(ENGINE_CONTEXT):
                values = {name: ctx.decision(name) for name in wanted}
        except (EvaluationError, decimal.DecimalException, OverflowError, RecursionError) as error:
            raise _context_of(self, error, facts, day) from None
        order = evaluation_order(self.model, wanted, day)
        records = [ctx.records[n] for n in order if n in ctx.records] if trace else []
        # built when read, compact or full (trace format 3); a partial, not a closure: this verdict
        # still does not name its ruleset to `counterfactuals`, as before
        return Verdict(dict(values), None,
                       functools.partial(build_trace, self, day, facts, prepared, wanted, values, records))


def _decision_at(model: Model, span) -> Optional[tuple]:
    """(name, version) of the decision whose text contains `span`: the last header above it."""
    best = None
    if span is None:
        return None
    for name, info in model.decisions.items():
        for version in info.versions:
            where = version.decl.span
            if where.file == span.file and where.line <= span.line and (best is None or where.line > best[1].decl.span.line):
                best = (name, version)
    return best


def _context_of(ruleset, error, facts, day) -> EvaluationError:
    """An evaluation error that names its decision and the facts that decision read."""
    if isinstance(error, RecursionError):
        return EvaluationError(Diagnostic(
            "error", "evaluation", f"the decisions read each other too deeply to evaluate as of {day}",
            hint="compute the steps in fewer decisions"))
    if not isinstance(error, EvaluationError):
        # decimal's own limits (about 10^999999, or 28 significant digits for places): no span to show
        return EvaluationError(Diagnostic(
            "error", "evaluation", f"a computation went beyond exact arithmetic ({type(error).__name__}) "
            f"as of {day}", hint="check the facts for an absurd figure, or the rules for a runaway formula"))
    diagnostics = []
    for diagnostic in error.diagnostics:
        found = _decision_at(ruleset.model, diagnostic.span)
        message = diagnostic.message
        if found is not None and f"`{found[0]}`" not in message:
            # e.g. a division by zero deep in an expression: say in which decision, with which facts
            name, version = found
            message = f"in `{name}`: {message}"
            read = [n for n in version.dependencies if n in ruleset.model.inputs and isinstance(facts, Mapping)
                    and n in facts]
            if read:
                message += "; with " + ", ".join(f"{n} = {str(facts[n])[:40]}" for n in read)
        diagnostics.append(attrs.evolve(diagnostic, message=message))
    return EvaluationError(diagnostics, error.sources)


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    def key(d: Diagnostic):
        span = d.span
        return (span.file if span else "", span.line if span else 0, span.column if span else 0,
                0 if d.is_error else 1, d.code)
    return sorted(diagnostics, key=key)


def _front_end(path):
    """Read, parse and resolve: (files, parsed files, model, resolver, every diagnostic so far)."""
    from engine.syntax.parse import parse  # lark, only when there is something to parse (engine/cache.py)
    files = read_ruleset(path)
    parsed, errors = [], []
    for display, text in files.rule_texts.items():
        try:
            parsed.append(parse(text, display))
        except RuleError as error:
            errors.extend(error.diagnostics)
    if errors:
        raise RuleError(errors, files.rule_texts)
    resolver = Resolver(parsed, files.sources, files.has_registry)
    model = resolver.run()
    return files, parsed, model, resolver, sort_diagnostics(resolver.diagnostics + find_cycles(model)
                                                            + _unknown_default_outputs(files, model))


def _unknown_default_outputs(files: RulesetFiles, model: Model) -> list:
    """`outputs:` of ruleset.yaml naming no decision would make every plain evaluation fail."""
    found = []
    for name in files.outputs:
        if name in model.decisions:
            continue
        span, lines = None, files.settings_text.splitlines()
        start = next((k for k, line in enumerate(lines) if line.startswith("outputs")), 0)
        for number, line in enumerate(lines[start:], start + 1):
            column = _word_at(line, name)
            if column and not line.lstrip().startswith("#"):
                span = Span.point(files.settings_path, number, column, len(name))
                break
        found.append(Diagnostic(
            "error", "unknown-output", f"`outputs` of ruleset.yaml names `{name}`, which is not a decision",
            span, hint=suggestion_hint(name, model.decisions) or f"the decisions are: {listed(model.decisions)}"))
    return found


def _word_at(line: str, word: str) -> int:
    """The column (from 1) where `word` stands alone in `line`, or 0."""
    import re
    match = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", line)
    return match.start() + 1 if match else 0


def _without_collection(function):
    """Loading builds millions of small objects and frees almost none: the cyclic garbage
    collector would walk them all again and again (most of the time of compiling a 100,000-row
    table). It is paused while `function` runs (for the whole process: it is one switch)."""
    @functools.wraps(function)
    def run(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return run


@_without_collection
def load_ruleset(path) -> Ruleset:
    """Read, parse, resolve, check and compile a ruleset; RuleError lists every error found."""
    files, parsed, model, resolver, diagnostics = _front_end(path)
    errors = [d for d in diagnostics if d.is_error]
    if errors:
        raise RuleError(errors, files.rule_texts)
    plans = _compile(model, resolver)
    return Ruleset(files, parsed, model, diagnostics, plans, resolver)


@_without_collection
def check_path(path, skipped: Optional[list] = None) -> tuple[list[Diagnostic], dict]:
    """All diagnostics for a ruleset path, warnings included (never raises for bad rules).

    Table analysis needs a ruleset without errors; with errors, the rest is still reported.
    Table versions that could not be analysed are appended to `skipped`."""
    try:
        files, parsed, model, resolver, diagnostics = _front_end(path)
    except RuleError as error:
        return sort_diagnostics(error.diagnostics), error.sources
    if any(d.is_error for d in diagnostics):
        return diagnostics, files.texts
    ruleset = Ruleset(files, parsed, model, diagnostics, _compile(model, resolver), resolver)
    return ruleset.check(skipped=skipped, properties=True), files.texts
