"""shapes: the compact trace of a verdict whose *shape* has been met before, built by code
generated for that shape (docs/performance.md, *The built trace*).

Two verdicts of a ruleset have the same shape when everything in their traces but the values is
the same: the same date, facts given and used, outputs asked for, decisions with the same rows
fired, the same holes found, parameters read and symbols to label. Everything that is not a value
is then known: the trace is one dictionary display with the values put in, and its canonical
text (for the digest) the same pieces of UTF-8 with the values' canonical text in between.

A shape met GENERATE_AFTER times gets its code, made from the trace trace/build.py made for it:
that trace is written back as Python source, each value replaced by `v[n]`, every other part a
literal through `repr`; the source is checked and run by codegen_unit.run_checked (the one line
marked `# repr-only codegen`). Before it is kept, the code is run on the values of the trace it
was made from and must give that trace, byte for byte, digest included; a shape whose code would
not (or a trace this does not know how to shape: a full trace, calls, a decision that gave no
answer) is left to trace/build.py. A table where no row fired shows every row's outcome: their outcomes
are then part of the shape, and the value each failed test saw one more value.
"""
from __future__ import annotations

import hashlib
import json
from operator import itemgetter
from json.encoder import encode_basestring

from engine.compiler.unit import Unit, Unsupported, run_checked
from engine.evaluation.status import ANSWERED_STATUS
from engine.trace.canonical import Template, canon, mark
from engine.trace.shared import shared
from engine.trace.values import NOT_FOUND, HoleValues, note_symbols
from engine.values import BOOL, EnumType, ListType, RecordType, to_json_value

# A shape met this often gets its code. Compiling it costs 20 to 60 builds by trace/build.py
# (measured on css_status and on the whole bundled ruleset, whose source is some 100 kB) and
# saves about two thirds of each later one. At 16, a shape met 16 times and never again has cost
# up to 4x what trace/build.py alone would have; one met 50 times or more is paid back; a batch
# of households each met a few times (benchmarks/bench_ruleset.py) compiles nothing.
GENERATE_AFTER = 16
MAX_GENERATED = 512   # shapes with code, per ruleset
SOURCE_BUDGET = 16_000_000  # characters of generated source and trace per ruleset, all its shapes together
MAX_COUNTED = 4096    # shapes counted, per ruleset (the counts start again beyond)
REFUSED = object()    # a shape whose code could not be made: trace/build.py builds it
_encode = str.encode  # UTF-8
_TEXTS: dict = {}     # text value -> its canonical UTF-8 (the digest's), shared by the rulesets
MAX_TEXTS = 65_536
_AS_IS = frozenset({str, int, bool, type(None)})  # JSON as they are (to_json_value returns them)
_SYMBOLIC = (EnumType, ListType, RecordType)       # types whose values can need symbol labels


class Shapes:
    """One ruleset's generated shapes and the counts of those not generated yet."""

    def __init__(self):
        self.generated: dict = {}  # key -> _Shape or REFUSED
        self.counts: dict = {}     # key -> times met
        self.budget = SOURCE_BUDGET  # what is left of it

    def met(self, key) -> bool:
        """Count a trace of the shape `key` (which has no code): whether it should get some now."""
        count = self.counts.get(key, 0) + 1
        if len(self.counts) >= MAX_COUNTED:
            self.counts.clear()
        if count >= GENERATE_AFTER and len(self.generated) < MAX_GENERATED:
            self.counts.pop(key, None)
            return True
        self.counts[key] = count
        return False


class _Shape:
    __slots__ = ("make", "canonical", "ordered", "keep")

    def __init__(self, make, parts: list, order: tuple, keep: tuple):
        self.make = make      # values -> the trace without its digest
        # the canonical text's constant pieces (parts: bytes, None where a value goes) as one
        # bytes %-template, and the values in the order of that text (order: their numbers)
        self.canonical = b"%b".join(piece.replace(b"%", b"%%") for piece in parts[0::2])
        self.ordered = (lambda values: ()) if not order else (lambda values: (values[order[0]],)) \
            if len(order) == 1 else itemgetter(*order)
        self.keep = keep      # the plans and rows whose ids are in the key: alive while it is

    def trace(self, values: list) -> dict:
        trace = self.make(values)
        known = _TEXTS.get
        texts = tuple([known(value) or _canonical(value) if type(value) is str else _encode(canon(value))
                       for value in self.ordered(values)])
        trace["digest"] = {"sha256": hashlib.sha256(self.canonical % texts).hexdigest()}
        return trace


def _canonical(value) -> bytes:
    """The canonical UTF-8 of a value; a text's is kept (symbols, countries, sums recur from trace
    to trace). Only texts are kept, so that no 1 is ever found for True."""
    if type(value) is str:
        if len(_TEXTS) >= MAX_TEXTS:
            _TEXTS.clear()
        text = _TEXTS[value] = _encode(encode_basestring(value))
        return text
    return _encode(canon(value))


def shape_of(ruleset, cache, as_of, given, prepared, wanted, values, records, statuses, fact_names, default_names,
             paths=None, sources=None):
    """(key, values) of a trace this module can shape, or None; `paths`, a list, receives where
    each value goes in the trace, and `sources` where each comes from (trace/fast.py reads them).
    The symbols are noted in the order trace/build.py meets them."""
    if statuses:
        for name in wanted:
            if statuses.get(name, ANSWERED_STATUS) != ANSWERED_STATUS:
                return None
    symbols: dict = {}
    found: list = []
    append = found.append
    holes = HoleValues(ruleset, cache, as_of, prepared, {r.name: r.value for r in records}, symbols, _TYPED)
    parts = [as_of, tuple(given), tuple(prepared), tuple(wanted)]
    parameter_types = ruleset.model.parameters
    for i, record in enumerate(records):
        if record.calls:
            return None
        plan = record.plan
        static = cache.entry(ruleset, plan)
        value = record.value
        if value is True or value is False:
            symbols.setdefault("true" if value else "false")
        elif isinstance(static.decision_type, _SYMBOLIC):
            note_symbols(symbols, value, static.decision_type)
        if static.is_table:
            fired_rows = record.fired
            first = len(found)
            for (_, _, _, column_type), raw in zip(static.columns, record.inputs):
                append(raw if type(raw) in _AS_IS else to_json_value(raw))
                if raw is True or raw is False:
                    symbols.setdefault("true" if raw else "false")
                elif isinstance(column_type, _SYMBOLIC):
                    note_symbols(symbols, raw, column_type)
            if paths is not None:
                paths.extend((i, "inputs", j, "value") for j in range(len(static.columns)))
            if sources is not None:
                sources.extend(("input", i, j, symbolic(column[3])) for j, column in enumerate(static.columns))
            fired = [cache.fired_row(ruleset, plan, row) for row in fired_rows]
            rows = tuple(map(id, fired_rows))
            if not fired_rows:  # every row's outcome, with the value its failed test saw (trace/rows.py)
                rows = tuple((o.rule_id, o.line, o.matched, o.failed_column) for o in record.rows)
                for r, outcome in enumerate(record.rows):
                    if outcome.failed_column is not None:
                        append(found[first + outcome.failed_column])
                        if paths is not None:
                            paths.append((i, "rows", r, "failed", "value"))
                        if sources is not None:
                            sources.append(("failed", i, outcome.failed_column,
                                            symbolic(static.columns[outcome.failed_column][3])))
        else:
            fired = [cache.fired_row(ruleset, plan, None)]
            rows = ()
        seen = []
        for k, f in enumerate(fired):
            for hole in f.holes:
                hole_value = holes.value(hole)
                if hole_value is not NOT_FOUND:
                    append(hole_value)
                    seen.append(hole)
                    if paths is not None:
                        paths.append((i, "fired", k, "holes", hole))
                    if sources is not None:
                        sources.append(("hole", i, hole))
            seen.append(None)
        read = ()
        if record.parameters:
            read = []
            for m, p in enumerate(record.parameters):
                note_symbols(symbols, p.value, parameter_types[p.name].type)
                append(to_json_value(p.value))
                read.append((p.name, p.effective_from, p.source, p.checked))
                if paths is not None:
                    paths.append((i, "parameters", m, "value"))
                if sources is not None:
                    sources.append(("parameter", i, m))
            read = tuple(read)
        append(value if type(value) in _AS_IS else to_json_value(value))
        if paths is not None:
            paths.append((i, "output"))
        if sources is not None:
            sources.append(("value", i, symbolic(static.decision_type)))
        parts.append((id(plan), rows, tuple(seen), read, record.reads))
    inputs = ruleset.model.inputs
    for names in (fact_names, default_names):
        for name in names:
            value = prepared[name]
            append(value if type(value) in _AS_IS else to_json_value(value))
            if value is True or value is False:
                symbols.setdefault("true" if value else "false")
            else:
                type_ = inputs[name].type
                if isinstance(type_, _SYMBOLIC):
                    note_symbols(symbols, value, type_)
    if paths is not None:
        paths.extend(("facts", name) for name in fact_names)
        paths.extend(("defaults", name) for name in default_names)
    if sources is not None:
        sources.extend(("fact", name, symbolic(inputs[name].type)) for name in fact_names)
        sources.extend(("default", name) for name in default_names)
    for name in wanted:
        value = values[name]
        append(value if type(value) in _AS_IS else to_json_value(value))
        if paths is not None:
            paths.append(("outputs", name))
        if sources is not None:
            sources.append(("output", name, symbolic(ruleset.model.decisions[name].type)))
    parts.append(tuple(symbols))
    return tuple(parts), found


def symbolic(type_) -> bool:
    """Whether values of this type can need symbol labels (true/false, enumeration symbols)."""
    return type_ is BOOL or isinstance(type_, _SYMBOLIC)


class _Typed(dict):
    """The `types` HoleValues fills in, for a shape: its types are the shape's, known already
    (every name is "in" it, so none is worked out again)."""

    def __contains__(self, name) -> bool:
        return True


_TYPED = _Typed()


def make_shape(trace: dict, values: list, paths: list, records, shapes: Shapes = None) -> object:
    """The shape of `trace` (made by trace/build.py, whose values `values` go at `paths`), or
    REFUSED when its code would not give that trace back (or `shapes` has no budget left for it)."""
    try:
        text = json.dumps({k: v for k, v in trace.items() if k != "digest"})
        skeleton = json.loads(text)
        for n, path in enumerate(paths):
            _put(skeleton, path, _Slot(n))
        unit = Unit()
        source_text = _source(skeleton, unit)
        unit.emit(1, f"def {unit.local('shaped')}({unit.local('v')}):")
        unit.emit(2, f"return {source_text}")
        if shapes is not None:
            size = len(source_text) + len(text)  # its code and what it holds (shared or not)
            if size > shapes.budget:
                return REFUSED
            shapes.budget -= size
        make = run_checked(unit.source(["shaped"]), unit.names, "trace shape")["factory"](unit.objects)[0]
        for n, path in enumerate(paths):
            _put(skeleton, path, mark(n))
        template = Template(skeleton, range(len(paths)))
    except (Unsupported, ValueError, KeyError, IndexError, TypeError, RecursionError, SyntaxError):
        return REFUSED
    parts: list = []
    for piece in template.pieces:
        parts.append(piece.encode("utf-8"))
        parts.append(None)
    shape = _Shape(make, parts[:-1], template.order,
                   tuple(r.plan for r in records) + tuple(row for r in records for row in r.fired))
    made = shape.trace(list(values))
    if json.dumps(made, ensure_ascii=False) != json.dumps(trace, ensure_ascii=False):
        return REFUSED
    return shape


class _Slot:
    __slots__ = ("n",)

    def __init__(self, n: int):
        self.n = n


def _put(skeleton: dict, path: tuple, value):
    place = skeleton["decisions"] if type(path[0]) is int else skeleton
    for step in path[:-1]:
        place = place[step]
    if path[-1] not in place if type(place) is dict else path[-1] >= len(place):
        raise KeyError(path)
    place[path[-1]] = value


def _source(value, unit: Unit) -> str:
    """A JSON-ready value as a Python display: literals through `repr` (Unit.literal), slots as `v[n]`."""
    kind = type(value)
    if kind is _Slot:
        return f"v[{int(value.n)}]"
    if (kind is dict or kind is list) and not _holds_slot(value):  # made once (trace/shared.py)
        return unit.obj(shared(value))
    if kind is dict:
        return "{" + ", ".join(unit.literal(k) + ": " + _source(item, unit) for k, item in value.items()
                               if type(k) is str or _refuse(k)) + "}"
    if kind is list:
        return "[" + "".join(_source(item, unit) + ", " for item in value) + "]"
    if value is None or kind in (bool, int, str):
        return unit.literal(value)
    raise Unsupported(f"a trace value of type {kind.__name__}")


def _holds_slot(value) -> bool:
    kind = type(value)
    if kind is _Slot:
        return True
    if kind is dict:
        return any(map(_holds_slot, value.values()))
    if kind is list:
        return any(map(_holds_slot, value))
    return False


def _refuse(key) -> bool:
    raise Unsupported(f"a trace key of type {type(key).__name__}")
