"""fastpath: facts + as-of date → Verdict through the generated code of compiler/codegen.py.

The reference is the interpreter of evaluation/evaluate.py (`Ruleset.interpret`); this path gives the same
outputs, the same errors and the same trace, faster:

- the decisions in force on a day (versions and parameter values) are a *signature*; the code for
  a signature is generated once, when first needed, and shared by every day that has it;
- facts are checked by one small function per input, with the common cases first (an int in
  range, a known symbol); anything else, and every error, goes through `Ruleset.prepare_facts`;
- a traced run keeps raw records (a tuple per decision); the trace JSON is built from them on the
  first `to_dict()`, by the same code as before (trace.build_trace).
"""
from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

from engine.countries import ISO_3166_ALPHA2
from engine.errors import Diagnostic, VerdictError, listed, suggestion_hint
from engine.evaluation.evaluate import DecisionRecord, ParameterRead, RowOutcome
from engine.semantics.graph import evaluation_order, required_inputs
from engine.semantics.model import NO_DEFAULT
from engine.trace.verdict import Verdict, build_trace
from engine.trace.fast import FastTraces, first_failure, layout_key
from engine.trace.rows import full_rows_requested
from engine.values import CENT, MAX_MAGNITUDE, MAX_TEXT_LENGTH, SURROGATE, EnumType, ListType, coerce_fact

MAX_CACHED = 4096   # days, and output lists per day, remembered; beyond that the cache starts again
MAX_PARTIAL_UNITS = 8  # units of some decisions only, per day's program, before one of every decision
PARTIAL_FROM = 256     # decisions in a ruleset from which only those the outputs read are generated


class FastPath:
    """The generated-code evaluation of one ruleset; its caches fill as days and outputs are asked."""

    def __init__(self, ruleset):
        from engine.compiler import codegen
        self.codegen = codegen
        self.unset = codegen.UNSET
        self.ruleset = ruleset
        model = ruleset.model
        self.model = model
        self.decisions = tuple(model.decisions)
        self.decision_index = {name: j for j, name in enumerate(self.decisions)}
        self.inputs = tuple(model.inputs)
        self.input_index = {name: i for i, name in enumerate(self.inputs)}
        self.parameters = tuple(model.parameters.values())
        self.slots = {name: (i, _fast_coercer(name, info)) for i, (name, info) in enumerate(model.inputs.items())}
        self.defaults = [info.default if info.default is not NO_DEFAULT else self.unset
                         for info in model.inputs.values()]
        self.count = len(self.decisions)
        self.default_outputs = tuple(ruleset.default_outputs())
        self.traces = FastTraces()
        self.forms = _forms(self)  # the traces of new layouts, entry by entry (trace/forms.py)
        self.calls = bool(model.functions)  # a decision may call a function: its records may hold calls
        self._days: dict = {}
        self._programs: dict = {}
        self._units: dict = {}
        # Generated code is built under this lock (once per unit); evaluation reads the built
        # functions without it.
        self.building = threading.RLock()

    # ------------------------------------------------------------------ programs
    def program(self, day: dt.date) -> "Program":
        program = self._days.get(day)
        if program is None:
            plans = self.ruleset.plans
            versions = tuple(plans.version_on(name, day) for name in self.decisions)
            entries = tuple(info.value_on(day) for info in self.parameters)
            key = (tuple(map(id, versions)), tuple(map(id, entries)))
            program = self._programs.get(key)
            if program is None:
                program = self._programs[key] = Program(self, versions, entries)
            if len(self._days) >= MAX_CACHED:
                self._days.clear()
            self._days[day] = program
        return program

    def unit(self, versions: tuple, present: tuple, traced: bool, subset=None):
        key = (tuple(map(id, versions)), present, traced, subset)
        make = self._units.get(key)
        if make is None:
            plans = self.ruleset.plans
            if len(self._units) >= MAX_CACHED:
                self._units.clear()  # the programs keep the functions they have
            make = self._units[key] = self.codegen.build(plans, plans.compiler, versions, present, traced, subset)
        return make

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, facts, day: dt.date, wanted, traced: bool):
        """The verdict for `facts` on `day` (wanted: a tuple of decision names, or None for the
        ruleset's default outputs)."""
        if wanted is None:
            wanted = self.default_outputs
        program = self._days.get(day) or self.program(day)
        if program.interpreted:
            return self.ruleset.interpret(facts, day, wanted, traced)
        need = program.needs.get(wanted) or program.need(wanted, day)
        f = self.facts(facts, need, day)
        unset = self.unset
        m = [unset] * self.count
        values = []
        try:
            functions = (need.traced or program.functions(True, need)) if traced else \
                (need.untraced or program.functions(False, need))
        except self.codegen.Unsupported:
            return self.ruleset.interpret(facts, day, wanted, traced)
        if traced:
            records = [None] * self.count
            for j in need.indexes:
                value = m[j]
                if value is unset:
                    value = functions[j](m, f, day, records)
                values.append(value)
        else:
            records = None
            for j in need.indexes:
                value = m[j]
                if value is unset:
                    value = functions[j](m, f, day)
                values.append(value)
        outputs = {wanted[0]: values[0]} if len(values) == 1 else dict(zip(wanted, values))  # (one: no zip)
        given = tuple(facts)
        return Verdict(outputs, None, _Traced(self, (program, need, day, given, f, outputs, records)))

    def facts(self, facts, need: "Need", day) -> list:
        """The facts as a list by input number (defaults filled in), or the FactError of
        `Ruleset.prepare_facts`, which also has the last word on anything unusual."""
        f = need.template.copy()
        slots = self.slots
        try:
            for name, raw in facts.items():
                i, coerce = slots[name]
                f[i] = coerce(raw)
        except Exception:
            return self._slow_facts(facts, need, day)
        unset = self.unset
        for i in need.checked:
            if f[i] is unset:
                return self._slow_facts(facts, need, day)
        return f

    def _slow_facts(self, facts, need, day) -> list:
        prepared = self.ruleset.prepare_facts(facts, need.wanted, day)
        f = [self.unset] * len(self.inputs)
        for name, value in prepared.items():
            f[self.input_index[name]] = value
        return f

    # ------------------------------------------------------------------ the trace, when asked
    def trace(self, program, need, day, given: tuple, f: list, outputs: dict, records, into=None) -> dict:
        key = None
        if records is not None and not full_rows_requested():  # a layout met before (trace/fast.py)
            key = layout_key(need, program.versions, day, given, records, self.calls)
            if key is not None:
                trace = self.traces.trace(key, records, f, outputs)
                if trace is not None:
                    return trace
                if self.forms is not None:  # entry by entry, each of a form met before (trace/forms.py)
                    trace, hints = self.forms.trace(program, need, day, given, f, outputs, records, key)
                    if into is not None:
                        into.hints = hints
                    if self.traces.should_learn(key, records, f, outputs):
                        self.learn(program, need, day, given, f, outputs, records, key, trace)
                    return trace
        prepared = {name: f[self.input_index[name]] for name in given}
        inputs = self.model.inputs
        for name in list(need.required) + list(inputs):
            if name not in prepared and inputs[name].default is not NO_DEFAULT:
                prepared[name] = inputs[name].default
        decision_records = []
        if records is not None:
            decision_records = [self.record(program, j, records[j]) for j in need.order if records[j] is not None]
        trace = build_trace(self.ruleset, day, dict.fromkeys(given), prepared, need.wanted, outputs, decision_records,
                            shaped=key is None)
        if key is not None and self.traces.should_learn(key, records, f, outputs):
            self.learn(program, need, day, given, f, outputs, records, key, trace, prepared, decision_records)
        return trace

    def learn(self, program, need, day, given, f, outputs, records, key, trace, prepared=None, decision_records=None):
        """Learn the layout `key` (engine/trace/fast.py) from `trace`, built by trace/build.py or trace/forms.py."""
        if prepared is None:
            prepared = {name: f[self.input_index[name]] for name in given}
            inputs = self.model.inputs
            for name in list(need.required) + list(inputs):
                if name not in prepared and inputs[name].default is not NO_DEFAULT:
                    prepared[name] = inputs[name].default
            decision_records = [self.record(program, j, records[j]) for j in need.order if records[j] is not None]
        from engine.trace.build import value_places
        places = value_places(self.ruleset, day, dict.fromkeys(given), prepared, need.wanted, outputs,
                              decision_records)
        if places is not None:
            with self.building:
                self.traces.learn(key, self, need, records, f, outputs, trace, places)

    def record(self, program, j: int, raw: tuple) -> DecisionRecord:
        plan = program.versions[j]
        inputs, outcomes, fired, value, reads = raw
        parameters = []
        seen = set()
        calls = tuple(p for p in reads if type(p) is not int)  # functions_eval.CallRecord, among the figures
        for p in reads:
            if type(p) is int and p not in seen:
                seen.add(p)
                info, entry = self.parameters[p], program.entries[p]
                parameters.append(ParameterRead(info.decl.name, entry.value, entry.start, entry.source, info.checked))
        dependencies = plan.version.dependencies
        if plan.expression is not None:
            return DecisionRecord(plan.name, plan, (), (), (), value, tuple(parameters), dependencies, calls)
        if fired and not full_rows_requested():  # a compact trace shows the fired rows only
            return DecisionRecord(plan.name, plan, inputs, (), tuple(fired), value, tuple(parameters), dependencies, calls)
        if outcomes is None:
            outcomes = [first_failure(row, inputs) for row in plan.rows]
        rows = [RowOutcome(row.rule_id, row.row.span.line, failed < 0, None if failed < 0 else failed)
                for row, failed in zip(plan.rows, outcomes)]
        if plan.otherwise is not None:
            rows.append(RowOutcome(plan.otherwise.rule_id, plan.otherwise.row.span.line,
                                   bool(fired) and fired[0] is plan.otherwise))
        return DecisionRecord(plan.name, plan, inputs, tuple(rows), tuple(fired), value, tuple(parameters),
                              dependencies, calls)

    # ------------------------------------------------------------------ one decision as a function
    def decision_function(self, name: str, day: dt.date):
        if name not in self.decision_index:
            raise _unknown_output(name, self.model)
        program = self.program(day)
        if program.interpreted:
            return self._interpreted_function(name, day)
        j = self.decision_index[name]
        needed = required_inputs(self.model, [name], day)
        inputs = self.model.inputs
        ordered = ([n for n in needed if inputs[n].default is NO_DEFAULT]
                   + [n for n in needed if inputs[n].default is not NO_DEFAULT])
        arguments = tuple(self.input_index[n] for n in ordered)
        key = (tuple(map(id, program.versions)), program.present, j, arguments)
        try:
            need = program.need((name,), day)
            functions = need.untraced or program.functions(False, need)
            with self.building:
                make = self._units.get(key)
                if make is None:
                    plans = self.ruleset.plans
                    make = self._units[key] = self.codegen.build_entry(plans, plans.compiler, program.versions,
                                                                       program.present, j, arguments, need.subset)
            fn = make(program.values, day, functions)
        except self.codegen.Unsupported:
            program.interpreted = True
            return self._interpreted_function(name, day)
        code = fn.__code__
        fn.__code__ = code.replace(co_varnames=tuple(ordered) + code.co_varnames[len(ordered):])
        defaults = tuple(inputs[n].default for n in ordered if inputs[n].default is not NO_DEFAULT)
        fn.__defaults__ = defaults or None
        fn.__name__ = fn.__qualname__ = name
        fn.inputs = tuple(ordered)
        return fn


    def _interpreted_function(self, name: str, day):
        """decision_function by the closures, for what the generator does not know (facts checked)."""
        ruleset = self.ruleset
        needed = required_inputs(self.model, [name], day)
        inputs = self.model.inputs
        ordered = tuple([n for n in needed if inputs[n].default is NO_DEFAULT]
                        + [n for n in needed if inputs[n].default is not NO_DEFAULT])

        def decision(*args, **kwargs):
            facts = dict(zip(ordered, args), **kwargs)
            value = ruleset.interpret(facts, day, [name], trace=False).outputs[name]
            return tuple(value) if isinstance(value, list) else value  # as the generated function gives it
        decision.__name__ = decision.__qualname__ = name
        decision.inputs = ordered
        return decision


class _Traced:
    """A fast-path verdict's builder: its trace, when first asked, and what the explanation may
    read of how it was built (`hints`, engine/trace/forms.py; None when trace/build.py built it)."""

    __slots__ = ("fast", "made", "hints")

    def __init__(self, fast, made: tuple):
        self.fast, self.made, self.hints = fast, made, None

    def __call__(self) -> dict:
        self.hints = None
        return self.fast.trace(*self.made, into=self)

    @property
    def ruleset(self):
        """The ruleset whose evaluation made the verdict (engine/whatif/verdicts.py looks for it)."""
        return self.fast.ruleset


class Program:
    """The decisions in force on some days, as generated functions (made when first needed)."""

    def __init__(self, fast: FastPath, versions: tuple, entries: tuple):
        self.fast = fast
        self.versions = versions
        self.entries = entries
        self.present = tuple(entry is not None for entry in entries)
        self.values = tuple(entry.value if entry is not None else None for entry in entries)
        self.built: dict = {}   # (traced, subset) -> functions by decision number
        self.needs: dict = {}
        self.interpreted = False  # the generator met something it does not know: the closures do it all

    def functions(self, traced: bool, need: "Need") -> tuple:
        """The functions `need` calls. Only the decisions its outputs read are generated (one
        output of a ruleset of 60,000 decisions compiles a few), until several partial sets
        have been asked: then every decision, once, serves all later output lists."""
        with self.fast.building:
            built = need.traced if traced else need.untraced
            if built is not None:  # another thread built them while this one waited
                return built
            functions = self.built.get((traced, None))
            if functions is None:
                functions = self.built.get((traced, need.subset))
            if functions is None:
                partial = sum(1 for kind, subset in self.built if kind == traced and subset is not None)
                subset = need.subset if partial < MAX_PARTIAL_UNITS else None
                try:
                    functions = self.fast.unit(self.versions, self.present, traced, subset)(self.values)
                except self.fast.codegen.Unsupported:
                    self.interpreted = True
                    raise
                self.built[(traced, subset)] = functions
            if traced:
                need.traced = functions
            else:
                need.untraced = functions
            return functions

    def need(self, wanted: tuple, day) -> "Need":
        """What `wanted` needs; the same on every day of this program."""
        need = self.needs.get(wanted)
        if need is None:
            fast = self.fast
            for name in wanted:
                if name not in fast.decision_index:
                    raise _unknown_output(name, fast.model)
            need = Need(fast, wanted, day)
            if len(self.needs) >= MAX_CACHED:
                self.needs.clear()
            self.needs[wanted] = need
        return need


class Need:
    """What computing some outputs needs on the days of a program: inputs, order, defaults."""

    def __init__(self, fast: FastPath, wanted: tuple, day):
        model = fast.model
        self.wanted = wanted
        self.indexes = tuple(fast.decision_index[name] for name in wanted)
        self.required = tuple(required_inputs(model, wanted, day))
        self.checked = tuple(fast.input_index[n] for n in self.required if model.inputs[n].default is NO_DEFAULT)
        self.template = list(fast.defaults)
        self.order = tuple(fast.decision_index[n] for n in evaluation_order(model, wanted, day))
        # The decisions to generate; None: every one, in one unit shared by all output lists (below
        # PARTIAL_FROM decisions that is cheaper than a unit for each list of outputs asked).
        partial = fast.count >= PARTIAL_FROM and len(self.order) < fast.count
        self.subset = tuple(sorted(self.order)) if partial else None
        self.untraced = None
        self.traced = None


def _forms(fast):
    from engine.trace.forms import Forms
    from engine.trace.build import _cache
    return Forms(fast) if _cache(fast.ruleset).top["compact", False] is not None else None


def _unknown_output(name, model) -> VerdictError:
    return VerdictError(Diagnostic("error", "unknown-output", f"unknown decision `{name}`",
                                   hint=suggestion_hint(name, model.decisions) or
                                   f"the decisions are: {listed(model.decisions)}"))


# ---------------------------------------------------------------------------- checking facts fast

def _fast_coercer(name: str, info):
    """coerce_fact for one input, with the common, valid cases answered first."""
    type_, range_ = info.type, info.range

    def slow(raw):
        return coerce_fact(name, type_, raw, range_)

    if isinstance(type_, EnumType):
        symbols = frozenset(type_.symbols)
        return lambda raw: raw if type(raw) is str and raw in symbols else slow(raw)
    if isinstance(type_, ListType):
        return slow
    kind = type_.name
    if kind == "bool":
        return lambda raw: raw if raw is True or raw is False else slow(raw)
    if kind == "country":
        return lambda raw: raw if type(raw) is str and raw in ISO_3166_ALPHA2 else slow(raw)
    if kind == "text":
        return lambda raw: raw if type(raw) is str and len(raw) <= MAX_TEXT_LENGTH and (
            raw.isascii() or not SURROGATE.search(raw)) else slow(raw)
    if kind == "date" and range_ is None:
        def coerce_date(raw):
            if type(raw) is dt.date:
                return raw
            if type(raw) is str:
                try:
                    return dt.date.fromisoformat(raw.strip())
                except ValueError:
                    pass
            return slow(raw)
        return coerce_date
    if kind in ("integer", "number", "money"):
        low, high = _whole_bounds(range_)
        if low is None:
            return slow
        if kind == "integer":
            return lambda raw: raw if type(raw) is int and low < raw < high else slow(raw)
        if kind == "money":
            return _money_coercer(range_, low, high, slow)
        return lambda raw: Decimal(raw) if type(raw) is int and low < raw < high else slow(raw)
    return slow


def _money_coercer(range_, low: int, high: int, slow):
    """A money fact's check: a whole number of euros (`low < raw < high`), or a Decimal already
    in cents within the range, is put in the canonical form of money (cents) at once; anything
    else, and every error, goes through `slow` (coerce_fact)."""
    within = _within(range_)

    def coerce_money(raw):
        if type(raw) is int and low < raw < high:
            return Decimal(raw).quantize(CENT)
        if type(raw) is Decimal and raw.is_finite() and within(raw):  # (a NaN is not compared: it may raise)
            cents = raw.quantize(CENT)  # under 10^15: exact, and no more digits than 28
            if cents == raw:  # at most 2 places, as coerce_fact requires
                return cents
        return slow(raw)
    return coerce_money


def _within(range_):
    """x -> whether a Decimal lies in the range and under the magnitude limit (one chained comparison)."""
    lo, lo_closed, hi, hi_closed = -MAX_MAGNITUDE, False, MAX_MAGNITUDE, False
    if range_ is not None and range_.lo is not None and Decimal(range_.lo) > lo:
        lo, lo_closed = Decimal(range_.lo), range_.lo_closed
    if range_ is not None and range_.hi is not None and Decimal(range_.hi) < hi:
        hi, hi_closed = Decimal(range_.hi), range_.hi_closed
    if lo_closed and hi_closed:
        return lambda x: lo <= x <= hi
    if lo_closed:
        return lambda x: lo <= x < hi
    if hi_closed:
        return lambda x: lo < x <= hi
    return lambda x: lo < x < hi


def _whole_bounds(range_):
    """(low, high): for an int x, `low < x < high` exactly when x is within the range and the
    magnitude limit; (None, None) when the range is not made of plain numbers."""
    low, high = -MAX_MAGNITUDE, MAX_MAGNITUDE
    if range_ is None:
        return int(low), int(high)
    try:
        if range_.lo is not None:
            lo = Decimal(range_.lo)
            bound = lo.to_integral_value("ROUND_CEILING") - 1 if range_.lo_closed else lo.to_integral_value("ROUND_FLOOR")
            low = max(low, bound)
        if range_.hi is not None:
            hi = Decimal(range_.hi)
            bound = hi.to_integral_value("ROUND_FLOOR") + 1 if range_.hi_closed else hi.to_integral_value("ROUND_CEILING")
            high = min(high, bound)
    except (TypeError, ArithmeticError, ValueError):
        return None, None
    return int(low), int(high)
