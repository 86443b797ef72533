"""fast: the compact trace of a fast-path verdict made straight from its raw records — no
decision records, no shape key worked out from them — when its *layout* has been met before.

trace/shapes.py finds a trace's shape from the decision records (which rules fired, which holes
and figures, the symbols to label); on css_status that cost more than building the trace. Here
the same is told apart from what the generated code of compiler/codegen.py leaves: a layout is the day,
the outputs asked for, the facts given, and for each decision evaluated the rows that fired (or,
when none did, each row's failing column) and the figures it read. One layout's values (table
inputs, outputs, facts, holes) come from the same places every time: a generated function takes
them, and the values that can need symbol labels (true/false, enumeration symbols, lists of them)
pick the shape among the layout's. What is the same in every trace of a layout (figures,
defaults, the date) is written into the shape's code and canonical text, so neither takes it
again, and the parts of the trace that hold no value are shared, read-only (trace/shared.py).

A layout is learnt on its GENERATE_AFTER-th trace (trace/shapes.py), and each more shape of it
on the GENERATE_AFTER-th trace of that shape, from the trace trace/build.py made: the function
must give that trace's values, and the shape's code that trace, byte for byte, digest included
(trace_shapes.make_shape). A trace with a function call stays with trace/build.py.
"""
from __future__ import annotations

from decimal import Decimal
from operator import itemgetter

from engine.compiler.unit import Unit, Unsupported, run_checked
from engine.trace import shapes as trace_shapes
from engine.trace.shapes import REFUSED, make_shape, symbolic
from engine.values import to_json_value

MAX_LAYOUTS = 4096   # layouts remembered per ruleset (the memory starts again beyond)
# Learning a shape costs 20 to 60 builds by trace/build.py. When the shapes learnt so far have
# been used fewer than PAYBACK times each on average (many layouts, each met a few dozen times:
# the whole bundled ruleset on random households), learning waits twice as long, up to
# MAX_PATIENCE times GENERATE_AFTER, so that what it costs stays below what it saves.
PAYBACK = 16
MAX_PATIENCE = 64
_AS_IS = frozenset({str, int, bool, type(None)})


class FastTraces:
    """One ruleset's layouts, how often each not yet learnt was met, and how much the learnt are used."""

    def __init__(self):
        self.layouts: dict = {}  # key -> _Layout, or REFUSED
        self.missed: dict = {}   # key -> times built by trace/build.py
        self.learnt = 0          # shapes learnt
        self.used = 0            # traces made by them
        self.patience = 1        # learning waits this many times GENERATE_AFTER

    def trace(self, key, records, f, outputs):
        """The trace of a layout learnt before, or None."""
        layout = self.layouts.get(key)
        if layout is None or layout is REFUSED:
            return None
        try:
            values = layout.extract(records, f, outputs)
            shape = layout.shapes.get(layout.pick(values))
        except (TypeError, AttributeError, IndexError, KeyError):  # a value of a kind not foreseen
            return None
        if shape is None or shape is REFUSED:
            return None
        self.used += 1  # (not exact under threads: a measure, not a count anyone relies on)
        return shape.trace(values)

    def should_learn(self, key, records, f, outputs) -> bool:
        """Count a trace of `key` built the slow way: whether to learn it now. A layout is learnt
        on its GENERATE_AFTER-th trace, and each more of its shapes on the GENERATE_AFTER-th
        trace of that shape (times the patience, see PAYBACK)."""
        layout = self.layouts.get(key)
        if layout is REFUSED:
            return False
        counted = key
        if layout is not None:  # a shape of it not learnt yet: which one
            try:
                counted = (key, layout.pick(layout.extract(records, f, outputs)))
                hash(counted)
            except (TypeError, AttributeError, IndexError, KeyError):
                return False
        count = self.missed.get(counted, 0) + 1
        if len(self.missed) >= MAX_LAYOUTS:
            self.missed.clear()
        self.missed[counted] = count
        return count == trace_shapes.GENERATE_AFTER * self.patience

    def learn(self, key, fast, need, records, f, outputs, trace: dict, places):
        """Learn the layout `key`, or one more of its shapes, from `trace` and `places`
        (trace_build.value_places: its values, where each goes, where each comes from, ...)."""
        values, paths, sources, shapes, decision_records = places
        if len(self.layouts) >= MAX_LAYOUTS:
            self.layouts.clear()
        layout = self.layouts.get(key)
        try:
            if layout is None:
                layout = self.layouts[key] = _Layout(fast, need, key[2], records, sources, values)
            if sources != layout.sources:
                raise Unsupported("one layout, values from other places")
            kept = [values[n] for n in layout.taken]
            if layout.extract(records, f, outputs) != kept:
                raise Unsupported("the values taken are not the trace's")
            picked = layout.pick(kept)
            hash(picked)
        except (Unsupported, TypeError, AttributeError, IndexError, KeyError):
            self.layouts[key] = REFUSED
            return
        # the shape's code, with the layout's constant values written in (trace/shapes.py checks
        # that it gives this trace back, digest included)
        made = layout.shapes[picked] = make_shape(trace, kept, [paths[n] for n in layout.taken],
                                                 decision_records, shapes)
        if made is not REFUSED:
            self.learnt += 1
            if self.learnt >= 8 and self.used < PAYBACK * self.learnt and self.patience < MAX_PATIENCE:
                self.patience *= 2


def layout_key(need, versions: tuple, day, given: tuple, records, calls: bool = True):
    """What tells a layout apart, from the raw records (evaluation/fastpath.py; `versions`: the day's plans),
    or None for a trace this module does not make (a function was called; `calls`: the ruleset
    declares functions, so that its reads may hold calls)."""
    key = [need, day, given]
    append = key.append
    for j in need.order:
        record = records[j]
        if record is not None:
            reads = record[4]
            if calls:
                for read in reads:
                    if type(read) is not int:  # a call (functions_eval.CallRecord)
                        return None
            append(j)
            fired = record[2]
            if fired:
                append(tuple(map(id, fired)))
            elif record[0] is not None:  # a table where no row fired: every row's outcome is shown
                outcomes = record[1]
                if outcomes is None:  # (kept as fastpath.FastPath.record finds them)
                    inputs = record[0]
                    outcomes = [first_failure(row, inputs) for row in versions[j].rows]
                append(tuple(outcomes))
            else:
                append(())
            append(tuple(reads))
    return tuple(key)


def first_failure(row, inputs) -> int:
    """For a row of constant tests: the first column whose test fails, or -1."""
    for position, (test, value) in enumerate(zip(row.tests, inputs)):
        if not test(None, value):
            return position
    return -1


class _Layout:
    """Where each value of a layout's traces comes from, as a generated function, and its shapes."""

    def __init__(self, fast, need, given: tuple, records, sources: list, values: list):
        self.sources = sources
        self.shapes: dict = {}  # the values that can need symbol labels -> trace_shapes._Shape, or REFUSED
        self.keep = need        # the key holds it by identity: alive while the layout is
        evaluated = [j for j in need.order if records[j] is not None]
        names = {fast.decisions[j]: j for j in evaluated}
        model = fast.model
        unit = Unit()
        R, F, O, x = (unit.local(n) for n in ("R", "F", "O", "x"))
        as_is, convert = unit.obj(_AS_IS), unit.obj(to_json_value)
        decimal, text = unit.obj(Decimal), unit.obj(format)
        kind = unit.obj(type)
        items, picked, taken = [], [], []
        for n, source in enumerate(sources):
            place, is_symbolic = _place(source, evaluated, names, given, fast, model, R, F, O, unit)
            if place is None:  # the same in every trace of the layout: written into its shapes' code
                continue
            if is_symbolic:
                picked.append(len(taken))
            taken.append(n)
            # a decimal's text as to_json_value writes it, and the values JSON has as they are
            items.append(f"({x} if {kind}({x} := {place}) in {as_is} else {text}({x}, 'f') "
                         f"if {kind}({x}) is {decimal} else {convert}({x}))")
        self.taken = tuple(taken)
        unit.emit(1, f"def {unit.local('taken')}({R}, {F}, {O}):")
        unit.emit(2, "return [" + "".join(item + ", " for item in items) + "]")
        if len(unit.objects) > 10_000:
            raise Unsupported("a layout this large is left to trace/build.py")
        self.extract = run_checked(unit.source(["taken"]), unit.names, "trace layout")["factory"](unit.objects)[0]
        picked = tuple(picked)
        containers = any(type(values[taken[n]]) in (list, dict) for n in picked)
        if not picked:
            self.pick = lambda values: ()
        elif containers:  # a list of symbols, a record: its items (a scalar where one was is unhashable)
            self.pick = lambda values: tuple([_hashable(values[n]) for n in picked])
        else:  # symbols and true/false, as they are
            self.pick = itemgetter(*picked) if len(picked) > 1 else itemgetter(picked[0])


def _hashable(value):
    """A value that can need symbol labels, as a key: a list or a record as the tuple of its items."""
    kind = type(value)
    if kind is list:
        return tuple(map(_hashable, value))
    if kind is dict:
        return tuple((key, _hashable(item)) for key, item in value.items())
    return value


def _place(source: tuple, evaluated: list, names: dict, given: tuple, fast, model, R, F, O, unit: Unit) -> tuple:
    """(the source text of where a value is taken from, or None when it is the same in every
    trace of the layout; whether it can need symbol labels)."""
    what = source[0]
    if what == "input" or what == "failed":  # a column's value (seen by the test that failed)
        _, i, column, is_symbolic = source
        return f"{R}[{int(evaluated[i])}][0][{int(column)}]", is_symbolic
    if what == "value":
        return f"{R}[{int(evaluated[source[1]])}][3]", source[2]
    if what == "fact":
        return f"{F}[{int(fast.input_index[source[1]])}]", source[2]
    if what == "output":
        return f"{O}[{unit.literal(source[1])}]", source[2]
    if what in ("parameter", "default"):
        return None, False
    if what == "hole":  # trace_values.HoleValues.value, in its order: decisions, facts, figures, the date
        head, dot, _ = source[2].partition(".")
        if dot:
            raise Unsupported("a hole into a record")
        if head in names:
            return f"{R}[{int(names[head])}][3]", symbolic(model.decisions[head].type)
        if head in given and head in model.inputs:  # (given or not is in the key: a default is constant)
            return f"{F}[{int(fast.input_index[head])}]", symbolic(model.inputs[head].type)
        return None, False
    raise Unsupported(f"a value from {what}")
