"""forms: the compact trace of a fast-path verdict built decision by decision, each entry by
code generated for its *form* — when the whole trace's layout is new (engine/trace/fast.py needs
a layout met often; on the whole bundled ruleset with random households most are not).

A decision's form is what its entry holds apart from the values: the decision, the rows that
fired (or, when none did, each row's failing column), the figures it read and which of its
rules' holes name something evaluated or given. Forms recur far more than whole layouts (the
bundled ruleset: 210 layouts in 240 random households, 69 forms in 1,000), so a form met
FORM_AFTER times gets one generated function: the entry as a dictionary display, the values
taken from the raw records (engine/evaluation/fastpath.py), the parts that hold no value shared read-only
(engine/trace/shared.py), and the entry's canonical UTF-8 as one bytes %-template with the values'
canonical text put in. The titles, types, warnings and constant symbols an entry adds are the
form's, worked out once.

The form is made from trace/build.py's own entry: that code builds it with markers in place of
the values (trace_canonical.mark), and the markers say where each value goes. Before it is kept,
the generated code is run on the record it was made from and must give trace/build.py's entry,
canonical text, titles, types and symbols for it, byte for byte; any other entry (a form not met
often enough, a hole into a record, a marker in a rule's text) is made by trace/build.py, in the
same trace. The top level (facts, outputs, labels, the digest) is put together here, from parts
kept per outputs asked, facts given and day (`_Frame`). The traces are the same bytes as
trace/build.py's (tests/test_trace_forms.py, tests/test_trace_fast.py).
"""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from json.encoder import encode_basestring

from engine.semantics.model import NO_DEFAULT
from engine.compiler.unit import Unit, Unsupported, run_checked
from engine.evaluation.status import ANSWERED_STATUS
from engine.trace.verdict import type_code
from engine.trace.build import _cache, _decision_entry, _fact_names, _labels, _top
from engine.trace.canonical import canon, mark, marked_pieces
from engine.trace.shapes import _TEXTS, _Slot, _source, symbolic
from engine.trace.shared import shared
from engine.trace.values import HoleValues, note_symbols, staleness, unique
from engine.values import to_json_value

FORM_AFTER = 3      # a form gets its code on its third entry (one met once or twice never compiles)
MAX_FORMS = 4096    # forms a day (and frames, label and type texts) remembered per ruleset before starting again
MAX_DAYS = 64       # days whose forms are remembered
REFUSED = object()  # a form trace/build.py builds
_AS_IS = frozenset({str, int, bool, type(None)})
_DECISIONS = 10  # the slot of `decisions` in the top level's template (trace_build._top's arguments)
_encode = str.encode


def canonical_bytes(value) -> bytes:
    """The canonical UTF-8 of a JSON value (a text's from trace_shapes' kept ones when it is there:
    a symbol, a country; an amount or a date of one household is not kept)."""
    if type(value) is str:
        return _TEXTS.get(value) or _encode(encode_basestring(value))
    return _encode(canon(value))


class Forms:
    """One fast path's decision forms and frames."""

    def __init__(self, fast):
        self.fast = fast
        self.families: dict = {}  # day -> {(decision number, rows fired, figures read): _Family}
        self.frames: dict = {}    # (need, facts given, day) -> _Frame
        self.labels: dict = {}    # (titles, symbols) -> (labels, canonical UTF-8)
        self.types: dict = {}     # names -> (codes, canonical UTF-8)
        self.warnings: dict = {}  # the warnings' contents -> (unique warnings, canonical UTF-8)

    def trace(self, program, need, day, given: tuple, f: list, outputs: dict, records, key: tuple) -> tuple:
        """(the compact trace, its hints: for each decision entry its form and its values, or None and
        None for one trace/build.py made, in one flat list; engine/explain/forms.py reads them). records: the raw records of
        engine/evaluation/fastpath.py, no calls among them; key: their layout (trace_fast.layout_key), which
        has each decision's number, rows fired (or every row's outcome) and figures read."""
        fast = self.fast
        ruleset = fast.ruleset
        cache = _cache(ruleset)
        frame = self.frames.get((need, given, day))
        if frame is None:
            if len(self.frames) >= MAX_FORMS:
                self.frames.clear()
            frame = self.frames[need, given, day] = _Frame(fast, cache, need, given, day)
        prepared = dict(zip(given, map(f.__getitem__, frame.given_at)))
        prepared.update(frame.default_values)
        titles: dict = {}
        types: dict = {}
        symbols: dict = {}
        decisions, texts, hints, warned = [], [], [], ()
        families = self.families.get(day)
        if families is None:
            if len(self.families) >= MAX_DAYS:
                self.families.clear()
            families = self.families[day] = {}
        holes = None
        answers = {}  # decision number -> its answer's JSON form, as its entry has it
        layout = iter(key)
        next(layout), next(layout), next(layout)  # the outputs, the day, the facts given
        for j, rows, reads in zip(layout, layout, layout):  # per decision: rows fired (or outcomes), figures
            raw = records[j]
            family = families.get((j, rows, reads))
            if family is None:
                if len(families) >= MAX_FORMS:
                    families.clear()
                family = families[j, rows, reads] = _Family(fast, cache, program, j, raw, day)
            form = family.single  # (a form whose holes are always found: no look-up)
            if form is None:
                form = family.form(records, prepared)
            if form.__class__ is _Form:
                entry, text, values = form.make(records, prepared, symbols)
                hints += (form, values)
                answers[j] = values[form.answer_at]
                titles.update(form.titles)
                types.update(form.types)
                warned += form.warned
            else:  # trace/build.py's entry (and, on the FORM_AFTER-th, the form made from it)
                if holes is None:
                    holes = {fast.decisions[n]: records[n][3] for n in need.order if records[n] is not None}
                entry, built, own = _built(fast, cache, program, j, raw, rows, day, prepared, holes)
                text = [built]
                hints += (None, None)
                answers[j] = entry["output"]
                titles.update(own[0])
                types.update(own[1])
                symbols.update(own[2])
                warned += own[3]
                if form is not REFUSED and family.met(records, prepared):
                    with fast.building:
                        family.learn(records, prepared, (entry, built, own))
            decisions.append(entry)
            texts.append(text)
        facts = {name: to_json_value(prepared[name]) for name in frame.fact_names}
        for name, type_, is_symbolic in frame.noted:
            value = prepared[name]
            if is_symbolic or value is True or value is False:
                note_symbols(symbols, value, type_)
        titles.update(frame.titles)
        types.update(frame.types)
        labels, labels_text = self._labels(ruleset, cache, titles, symbols)
        types_text = self._types_text(types)
        warnings, warnings_text = self._warnings(warned)
        answered = {}  # the entries' answers where they are not containers (those each its own)
        for name, j in zip(need.wanted, need.indexes):
            value = answers.get(j, answers)
            answered[name] = value if value.__class__ in _AS_IS else to_json_value(outputs[name])
        trace = _top(cache, frame.as_of, facts, {name: to_json_value(v) for name, v in frame.defaults},
                     frame.requested, True, answered, frame.status, types, labels, warnings, decisions)
        slots = (frame.as_of_text, _encode(canon(facts)), frame.defaults_text, frame.requested_text, b"true",
                 _encode(canon(answered)), frame.status_text, types_text, labels_text, warnings_text, None)
        pieces, order = frame.top
        parts = [pieces[0]]
        for piece, n in zip(pieces[1:], order):
            if n == _DECISIONS:  # the entries' pieces, in one list: one join for the whole text
                parts.append(b"[")
                for k, text in enumerate(texts):
                    if k:
                        parts.append(b",")
                    parts += text
                parts.append(b"]")
            else:
                parts.append(slots[n])
            parts.append(piece)
        trace["digest"] = {"sha256": hashlib.sha256(b"".join(parts)).hexdigest()}
        return trace, hints

    def _labels(self, ruleset, cache, titles: dict, symbols: dict) -> tuple:
        key = (tuple(titles), tuple(symbols))
        found = self.labels.get(key)
        if found is None:
            if len(self.labels) >= MAX_FORMS:
                self.labels.clear()
            labels, text = _labels(ruleset, cache, titles, symbols)
            found = self.labels[key] = (labels, _encode(text))
        return found

    def _types_text(self, types: dict) -> bytes:
        key = tuple(types)
        codes = tuple(types.values())
        found = self.types.get(key)
        if found is None or found[0] != codes:
            if len(self.types) >= MAX_FORMS:
                self.types.clear()
            found = self.types[key] = (codes, _encode(canon(types)))
        return found[1]

    def _warnings(self, warned: tuple) -> tuple:
        found = self.warnings.get(warned)
        if found is None:
            if len(self.warnings) >= MAX_FORMS:
                self.warnings.clear()
            kept = shared(unique([dict(items) for items in warned]))
            found = self.warnings[warned] = (kept, _encode(canon(kept)))
        return found


def _first_failure(row, inputs) -> int:
    for position, (test, value) in enumerate(zip(row.tests, inputs)):
        if not test(None, value):
            return position
    return -1


class _Frame:
    """What the top level of the traces of one list of outputs, one set of facts given and one day
    holds apart from the values: the facts' and defaults' names, the titles and types they add,
    `requested` and `status` (a fast-path verdict answers all), and the canonical texts of these."""

    def __init__(self, fast, cache, need, given: tuple, day):
        model = fast.model
        inputs = model.inputs
        self.given_at = tuple(fast.input_index[name] for name in given)
        prepared = dict.fromkeys(given)
        defaults = {}
        for name in list(need.required) + list(inputs):  # as FastPath.trace fills them in
            if name not in prepared and inputs[name].default is not NO_DEFAULT:
                prepared[name] = defaults[name] = inputs[name].default
        self.default_values = defaults
        fact_names, default_names = _fact_names(cache, model, dict.fromkeys(given), prepared)
        self.fact_names = fact_names
        self.defaults = tuple((name, defaults[name]) for name in default_names)
        self.noted = tuple((name, inputs[name].type, symbolic(inputs[name].type)) for name in fact_names + default_names)
        self.titles = dict.fromkeys(default_names + tuple(need.wanted))
        types = {name: type_code(inputs[name].type) for name in fact_names + default_names}
        for name in need.wanted:
            if name not in types:
                types[name] = cache.shown_code(fast.ruleset, name, model.decisions[name].type)
        self.types = {name: shared(code) for name, code in types.items()}
        self.as_of = day.isoformat()
        self.as_of_text = _encode(canon(self.as_of))
        self.defaults_text = _encode(canon({name: to_json_value(v) for name, v in self.defaults}))
        self.requested = shared(list(need.wanted))
        self.requested_text = _encode(canon(self.requested))
        self.status = shared({name: ANSWERED_STATUS.to_dict() for name in need.wanted})
        self.status_text = _encode(canon(self.status))
        top = cache.top["compact", False]
        if top is None:
            raise Unsupported("a marker in the ruleset's own texts")
        self.top = (tuple(_encode(piece) for piece in top.pieces), top.order)


def _built(fast, cache, program, j: int, raw: tuple, rows: tuple, day, prepared: dict, values_by_name: dict) -> tuple:
    """trace/build.py's entry of one raw record: (entry, canonical UTF-8, (titles, types, symbols,
    warnings' contents) it adds), each noted in a dictionary of its own, in the order it meets them."""
    record = _record(fast, program, j, raw, rows)
    titles, types, symbols = {}, {}, {}
    holes = HoleValues(fast.ruleset, cache, day, prepared, values_by_name, symbols, types)
    entry, text = _decision_entry(fast.ruleset, cache, record, holes, titles, symbols, types, False)
    text = _encode(text if text is not None else canon(entry))
    warned = tuple(tuple(w.items()) for w in staleness(record, day))
    return entry, text, (titles, types, symbols, warned)


def _record(fast, program, j: int, raw: tuple, rows: tuple):
    """The DecisionRecord of a raw record; a table where no row fired has its outcomes (`rows`) passed in."""
    inputs, outcomes, fired, value, reads = raw
    if not fired and inputs is not None and outcomes is None:
        raw = (inputs, list(rows), fired, value, reads)
    return fast.record(program, j, raw)


class _Family:
    """The forms of one decision, rows fired and figures read on a day: one per way its holes are
    found (a hole naming a decision not evaluated, or a fact not given, is left out of `holes`)."""

    def __init__(self, fast, cache, program, j: int, raw: tuple, day):
        self.fast, self.cache, self.program, self.j, self.day = fast, cache, program, j, day
        plan = program.versions[j]
        self.fired = raw[2] if plan.expression is None else (None,)
        model = fast.model
        holes = [hole for row in self.fired for hole in cache.fired_row(fast.ruleset, plan, row).holes]
        self.refused = any("." in hole for hole in holes)  # a hole into a record: found by a walk, left to trace/build.py
        own = fast.decisions[j]
        heads = dict.fromkeys(holes)
        self.decision_heads = tuple(h for h in heads if h in model.decisions and h != own)
        self.decision_at = tuple(fast.decision_index[h] for h in self.decision_heads)
        self.input_heads = tuple(h for h in heads if h not in model.decisions and h in model.inputs)
        self.checked = bool(self.decision_heads or self.input_heads)
        self.forms: dict = {}  # which holes are found -> _Form, REFUSED, or how often met
        self.single = None     # the form, when its holes are always found and it has been made

    def found(self, records, prepared) -> tuple:
        if not self.checked:
            return ()
        return tuple([records[d] is not None for d in self.decision_at] + [h in prepared for h in self.input_heads])

    def form(self, records, prepared):
        if self.refused:
            return REFUSED
        found = self.forms.get(self.found(records, prepared))
        return found if found is not None else 0

    def met(self, records, prepared) -> bool:
        """Count an entry built by trace/build.py: whether its form should get its code now."""
        key = self.found(records, prepared)
        count = self.forms.get(key, 0)
        if count.__class__ is not int:
            return False
        self.forms[key] = count + 1
        return count + 1 >= FORM_AFTER

    def learn(self, records, prepared, built: tuple):
        key = self.found(records, prepared)
        try:
            form = _Form(self, records, key)
            symbols: dict = {}
            entry, text, _values = form.make(records, prepared, symbols)
            titles, types, noted, warned = built[2]
            if b"".join(text) != built[1] or json.dumps(entry, ensure_ascii=False) != json.dumps(built[0], ensure_ascii=False) \
                    or list(symbols) != list(noted) or list(form.titles) != list(titles) \
                    or list(form.types.items()) != list(types.items()) or form.warned != warned:
                raise Unsupported("the form's entry is not trace/build.py's")
        except (Unsupported, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError, SyntaxError):
            form = REFUSED
        self.forms[key] = form
        if not self.checked and form is not REFUSED:
            self.single = form


class _Form:
    """One form's generated function: (records, prepared facts, symbols) -> (entry, canonical UTF-8,
    its values in their JSON form), and the entry with a _Slot for each value (`skeleton`)."""

    __slots__ = ("make", "titles", "types", "warned", "keep", "skeleton", "answer_at")

    def __init__(self, family: _Family, records, found: tuple):
        fast, cache, program, j, day = family.fast, family.cache, family.program, family.j, family.day
        ruleset, model = fast.ruleset, fast.model
        raw = records[j]
        plan = program.versions[j]
        own = fast.decisions[j]
        table = plan.expression is None and raw[0] is not None
        n_inputs = len(raw[0]) if table else 0
        # where each value comes from, as source text: the columns, the answer, the holes' decisions and facts
        places = [f"R[{int(j)}][0][{int(c)}]" for c in range(n_inputs)] + [f"R[{int(j)}][3]"]
        unit = Unit()
        marks_by_name = {own: mark(n_inputs)}   # the decisions the holes find, a marker for each value
        marked_prepared = {}                    # the facts they find
        at = {own: places[n_inputs]}
        present = dict(zip(family.decision_heads + family.input_heads, found))
        for head, is_present in present.items():
            if is_present:
                (marks_by_name if head in model.decisions else marked_prepared)[head] = mark(len(places))
                at[head] = f"R[{int(fast.decision_index[head])}][3]" if head in model.decisions \
                    else f"P[{unit.literal(head)}]"
                places.append(at[head])
        rows = raw[1]
        if table and not raw[2] and rows is None:
            rows = [_first_failure(row, raw[0]) for row in plan.rows]
        marked = (tuple(mark(c) for c in range(n_inputs)) if table else raw[0], rows, raw[2], mark(n_inputs), raw[4])
        titles, types, noted = {}, {}, {}
        record = _record(fast, program, j, marked, tuple(rows) if rows is not None else ())
        holes = HoleValues(ruleset, cache, day, marked_prepared, marks_by_name, noted, types)
        entry, _ = _decision_entry(ruleset, cache, record, holes, titles, noted, types, False)
        pieces, order = marked_pieces(canon(entry))
        if any(n >= len(places) for n in order):
            raise Unsupported("a marker the form did not put")
        self.titles = titles
        self.answer_at = n_inputs
        self.types = {name: shared(code) for name, code in types.items()}
        self.warned = tuple(tuple(w.items()) for w in staleness(record, day))
        skeleton = self.skeleton = _slotted(json.loads(json.dumps(entry, ensure_ascii=False)), len(places))
        # the symbols, in the order trace/build.py notes them: the answer, the columns, the holes
        # (each fired rule's, in its template's order), the figures; a constant's through K
        column_types = plan.version.column_types if table else ()
        notes = [(places[n_inputs], model.decisions[own].type)] + [(places[c], column_types[c]) for c in range(n_inputs)]
        for row in family.fired:
            for hole in cache.fired_row(ruleset, plan, row).holes:
                if hole in marks_by_name:
                    notes.append((at[hole], model.decisions[hole].type))
                elif hole in marked_prepared:
                    notes.append((at[hole], model.inputs[hole].type))
                elif hole in model.parameters:
                    entry_on = model.parameters[hole].value_on(day)
                    notes.append(((entry_on.value if entry_on else None,), model.parameters[hole].type))
        notes += [((p.value,), model.parameters[p.name].type) for p in record.parameters]
        R, P, S, v, x, t = (unit.local(name) for name in ("R", "P", "S", "v", "x", "t"))
        as_is, decimal, text_of, kind, convert = (unit.obj(_AS_IS), unit.obj(Decimal), unit.obj(format),
                                                  unit.obj(type), unit.obj(to_json_value))
        note, canonical = unit.obj(note_symbols), unit.obj(canonical_bytes)
        unit.emit(1, f"def {unit.local('form')}({R}, {P}, {S}):")
        # the values in their JSON form, as to_json_value writes them
        unit.emit(2, f"{v} = [" + "".join(
            f"({x} if ({t} := {kind}({x} := {place})) in {as_is} else {text_of}({x}, 'f') if {t} is {decimal} "
            f"else {convert}({x})), " for place in places) + "]")
        for place, type_ in notes:
            typed = unit.obj(type_)
            if type(place) is not str:
                if symbolic(type_) or place[0] is True or place[0] is False:
                    unit.emit(2, f"{note}({S}, {unit.obj(place[0])}, {typed})")
            elif symbolic(type_):
                unit.emit(2, f"{note}({S}, {place}, {typed})")
            else:  # no symbols but true and false (which a value of this type never is)
                unit.emit(2, f"if ({x} := {place}) is True or {x} is False:")
                unit.emit(3, f"{note}({S}, {x}, {typed})")
        # the canonical UTF-8 as its pieces, the constant ones made once: joined once for the whole trace
        parts = [unit.obj(pieces[0].encode("utf-8"))] if pieces[0] else []
        for piece, n in zip(pieces[1:], order):
            parts.append(f"{canonical}({v}[{int(n)}])")
            if piece:
                parts.append(unit.obj(piece.encode("utf-8")))
        unit.emit(2, f"return {_source(skeleton, unit)}, [{''.join(part + ', ' for part in parts)}], {v}")
        if len(unit.objects) > 2_000:
            raise Unsupported("a form this large is left to trace/build.py")
        self.make = run_checked(unit.source(["form"]), unit.names, "trace form")["factory"](unit.objects)[0]
        self.keep = (plan, raw[2])  # the plan and rows whose ids are in the key: alive while the form is


def _slotted(value, count: int):
    """A JSON copy of an entry built with markers, each marker a _Slot."""
    kind = type(value)
    if kind is str:
        if value.startswith("\ue000verdict-slot-"):
            for n in range(count):
                if value == mark(n):
                    return _Slot(n)
        if "\ue000verdict-slot-" in value:
            raise Unsupported("a marker in a rule's text")
        return value
    if kind is dict:
        return {key: _slotted(item, count) for key, item in value.items()}
    if kind is list:
        return [_slotted(item, count) for item in value]
    return value
