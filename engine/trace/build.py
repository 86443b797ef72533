"""build: decision records → the trace (docs/trace-format.md) and its digest.

What does not depend on the facts is worked out once per ruleset and table version and kept
(`_Cache`): a decision's location, validity, hit policy and columns (title, name, type code);
each row's id, line, source, `because` texts, template holes and tests; the titles in each
language; and the canonical text of all of these (trace/canonical.py), so that the digest costs
the canonical text of the few values that change, not a `json.dumps` of the whole trace. An
evaluation leaves the rows that fired (and, for the full trace, each row's first failing test);
building its trace is then a few dictionaries and a hash. The trace is the same, byte for byte,
as when every part of it was worked out afresh (tests/test_trace_canonical.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from json.encoder import encode_basestring
from typing import Optional

from engine import ast
from engine.semantics.resolve import TEMPLATE_HOLE
from engine.evaluation.status import ANSWERED, ANSWERED_STATUS
from engine.trace.verdict import (ENGINE_VERSION, TRACE_FORMAT, _column_name, _location, _source_entry, because_texts,
                                  shown_type_code, title_of, type_code, unanswered_entry)
from engine.trace.canonical import canon, mark, template_or_none
from engine.trace.dumps import digest_of
from engine.trace.rows import FULL_ROWS, row_outcomes
from engine.trace.shared import shared
from engine.trace.shapes import REFUSED, Shapes, make_shape, shape_of
from engine.trace.values import NOT_FOUND, HoleValues, note_symbols, staleness, unique, Vocabulary
from engine.values import to_json_value

MAX_SHAPES = 4096  # kinds of label sets, type sets and fact sets remembered per ruleset


class _Cache:
    """One ruleset's trace parts that do not depend on the facts (never the ruleset itself: it is
    the weak key this hangs from)."""

    def __init__(self, ruleset):
        self.languages = tuple(ruleset.files.languages)
        self.entries: dict = {}    # id(version plan) -> (plan, _Entry)
        self.fired: dict = {}      # id(row plan), or id(version plan) for an expression -> (it, _Fired)
        self.shown: dict = {}      # name -> its shown type code (a str; a record's is made afresh)
        self.titles: dict = {}     # tuple of names -> {lang: {name: title}}
        self.labels: dict = {}     # (names, symbols) -> canonical text of `labels`
        self.types: dict = {}      # tuple of names -> (codes, canonical text of `types`)
        self.sources: dict = {}    # source id -> canonical text of its entry
        self.shapes: dict = {}     # (given, prepared names) -> (fact names, default names)
        self.shaped = Shapes()     # the traces' shapes with generated code (trace/shapes.py)
        # the parts of every trace of the ruleset: made once, read-only (trace/shared.py)
        self.engine = shared({"name": "verdict", "version": ENGINE_VERSION})
        self.ruleset = shared({"name": ruleset.name, "title": ruleset.files.title, "version": ruleset.version,
                               "sha256": ruleset.sha256})
        self.language_list = shared(list(ruleset.files.languages))
        self.top = {}
        for detail in ("compact", "full"):
            skeleton = _top(self, *[mark(n) for n in range(11)], detail)
            self.top[detail, False] = template_or_none(skeleton, range(11))
            skeleton["functions"] = mark(11)  # a trace whose decisions called functions (trace/calls.py)
            self.top[detail, True] = template_or_none(skeleton, range(12))

    def shown_code(self, ruleset, name, type_):
        code = self.shown.get(name)
        if code is None:
            code = shown_type_code(ruleset, name, type_)
            if type(code) is not str:
                return code
            self.shown[name] = code
        return code

    def entry(self, ruleset, plan) -> "_Entry":
        found = self.entries.get(id(plan))
        if found is None or found[0] is not plan:
            found = self.entries[id(plan)] = (plan, _Entry(ruleset, plan))
        return found[1]

    def fired_row(self, ruleset, plan, row_plan) -> "_Fired":
        key = row_plan if row_plan is not None else plan
        found = self.fired.get(id(key))
        if found is None or found[0] is not key:
            found = self.fired[id(key)] = (key, _Fired(ruleset, plan, row_plan))
        return found[1]

    def source_text(self, entry: dict) -> str:
        text = self.sources.get(entry["id"])
        if text is None:
            text = self.sources[entry["id"]] = canon(entry)
        return text


_CACHES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _cache(ruleset) -> _Cache:
    cache = _CACHES.get(ruleset)
    if cache is None:
        cache = _CACHES[ruleset] = _Cache(ruleset)
    return cache


class _Entry:
    """The parts of a decision's trace entry that one version of it always has."""

    def __init__(self, ruleset, plan):
        model = ruleset.model
        decl = plan.decl
        self.name = plan.name
        self.decision_type = model.decisions[plan.name].type
        self.is_table = isinstance(decl.body, ast.Table)
        self.location = shared(_location(decl.span))  # (trace/shared.py: made once, read-only)
        self.valid_from = decl.valid_from.isoformat() if decl.valid_from else None
        self.valid_to = decl.valid_to.isoformat() if decl.valid_to else None
        self.checked = decl.checked.isoformat() if decl.checked else None
        self.columns = ()
        if self.is_table:
            self.hit_policy = decl.hit.label()
            self.columns = tuple(_column(ruleset, column, column_type)
                                 for column, column_type in zip(decl.body.inputs, plan.version.column_types))
            self.row_count = len(plan.rows) + (plan.otherwise is not None)
        self.reads_of = None  # (record.reads, the entry's `reads`, its canonical text), for the last seen
        n = len(self.columns)
        slots = [mark(i) for i in range(n + 6)]  # the columns' values, rows, fired, output, sources, parameters, reads
        skeleton = self.make(slots[:n], *slots[n:])
        self.template = template_or_none(skeleton, range(n + 6) if self.is_table else range(1, 6))
        self._calls_template = NOT_MADE

    @property
    def calls_template(self):
        """The template of an entry with `calls` (slot n + 6), made when a record first has some."""
        if self._calls_template is NOT_MADE:
            n = len(self.columns)
            slots = [mark(i) for i in range(n + 7)]
            skeleton = self.make(slots[:n], *slots[n:])
            self._calls_template = template_or_none(skeleton, range(n + 7) if self.is_table else range(1, 7))
        return self._calls_template

    def make(self, values, rows, fired, output, sources, parameters, reads, calls=None) -> dict:
        """The entry, in the order of its keys (docs/trace-format.md, *A decision entry*)."""
        entry = {"name": self.name, "status": ANSWERED, "kind": "table" if self.is_table else "expression",
                 "location": self.location, "valid_from": self.valid_from, "valid_to": self.valid_to}
        if self.is_table:
            entry["hit_policy"] = self.hit_policy
            inputs = []
            for (title, name, code, column_type), value in zip(self.columns, values):
                item = {"column": title, "value": value, "type": code if type(code) is str else type_code(column_type)}
                if name is not None:
                    item["name"] = name
                inputs.append(item)
            entry["inputs"] = inputs
            entry["row_count"] = self.row_count
            entry["rows"] = rows
        entry["fired"] = fired
        entry["output"] = output
        if calls is not None:
            entry["calls"] = calls
        entry["sources"] = sources
        entry["parameters"] = parameters
        entry["reads"] = reads
        if self.checked is not None:
            entry["checked"] = self.checked
        return entry


def _column(ruleset, column, column_type) -> tuple:
    name = _column_name(column, ruleset.model)
    code = shown_type_code(ruleset, name, column_type) if name else type_code(column_type)
    return column.title, name, code, column_type


class _Fired:
    """A rule as the trace shows it when it fires: where, its source, its `because` template in
    each language and the holes it has (or the tests of a row without one)."""

    def __init__(self, ruleset, plan, row_plan):
        decl = plan.decl
        if row_plan is not None:
            rule, line, template = row_plan.rule_id, row_plan.row.span.line, row_plan.row.because
            self.source = row_plan.row.source or decl.source
        else:
            rule, line, template, self.source = plan.name, decl.span.line, decl.body.because, decl.source
        self.rule, self.line = rule, line
        because = because_texts(ruleset, rule, template)
        self.because = because or None
        holes = {}
        for text in because.values():
            for match in TEMPLATE_HOLE.finditer(text):
                holes.setdefault(match.group(1).strip(), None)
        self.holes = tuple(holes)
        self.sorted_holes = tuple((name, encode_basestring(name) + ":") for name in sorted(holes))
        self.tests = None
        if not because and row_plan is not None:
            self.tests = tuple((i, cell.text) for i, cell in enumerate(row_plan.row.cells)
                               if not isinstance(cell.test, ast.AnyTest))
        self.row = shared({"rule": rule, "line": line, "matched": True})  # its compact `rows` entry
        self.row_text = canon(self.row)
        self.shared_because = shared(self.because)
        self.shared_tests = shared([{"column": i, "test": text} for i, text in self.tests]) \
            if self.tests is not None else None
        self.plain = None
        self.plain = shared(self.make(None))                  # without holes
        self.text = canon(self.plain)
        self.template = template_or_none(self.make(mark(0)), (0,)) if self.because else None

    def make(self, holes) -> dict:
        if not holes and self.plain is not None:
            return self.plain
        item = {"rule": self.rule, "line": self.line, "source": self.source}
        if self.because is not None:
            item["because"] = self.shared_because
            if holes:
                item["holes"] = holes
        elif self.tests is not None:
            item["tests"] = self.shared_tests
        return item

    def canonical(self, holes: dict) -> str:
        if not holes:
            return self.text
        text = "{" + ",".join(key + canon(holes[name]) for name, key in self.sorted_holes if name in holes) + "}"
        return self.template.fill((text,)) if self.template is not None else canon(self.make(holes))


def _top(cache, as_of, facts, defaults, requested, complete, outputs, status, types, labels, warnings,
         decisions, detail="compact") -> dict:
    """The trace's top level, in the order of its keys (docs/trace-format.md, *Top level*)."""
    return {
        "trace_format": TRACE_FORMAT,
        "trace_detail": detail,
        "engine": cache.engine,
        "ruleset": cache.ruleset,
        "as_of": as_of,
        "languages": cache.language_list,
        "facts": facts,
        "defaults": defaults,
        "requested": requested,
        "complete": complete,
        "outputs": outputs,
        "status": status,
        "types": types,
        "labels": labels,
        "warnings": warnings,
        "decisions": decisions,
    }


NOT_MADE = object()


def build_trace(ruleset, as_of: dt.date, given, prepared: dict, wanted, values: dict, records,
                statuses: Optional[dict] = None, unanswered: tuple = (), shaped: bool = True) -> dict:
    """The trace of a verdict: the facts as given (`given`: their names), the facts as used
    (`prepared`), the outputs, the status of each requested output, one entry per decision
    record, and one per decision that gave no answer or was not evaluated (`unanswered`:
    (name, Status) pairs). A compact trace of a shape met before is made by the code generated
    for it (trace/shapes.py), any other here; `shaped=False`: here (trace/fast.py makes the
    shapes of the fast path's traces)."""
    cache = _cache(ruleset)
    if unanswered or not shaped or FULL_ROWS.get():
        return _build(ruleset, cache, as_of, given, prepared, wanted, values, records, statuses, unanswered)
    names = _fact_names(cache, ruleset.model, given, prepared)
    shaped = shape_of(ruleset, cache, as_of, given, prepared, wanted, values, records, statuses, *names)
    if shaped is None:
        return _build(ruleset, cache, as_of, given, prepared, wanted, values, records, statuses, unanswered)
    key, found = shaped
    shapes = cache.shaped
    shape = shapes.generated.get(key)
    if shape is not None and shape is not REFUSED:
        return shape.trace(found)
    trace = _build(ruleset, cache, as_of, given, prepared, wanted, values, records, statuses, unanswered)
    if shape is None and shapes.met(key):  # often enough for its code to pay (trace/shapes.py)
        paths: list = []
        shape_of(ruleset, cache, as_of, given, prepared, wanted, values, records, statuses, *names, paths)
        shapes.generated[key] = make_shape(trace, found, paths, records, shapes)
    return trace


def value_places(ruleset, as_of: dt.date, given, prepared: dict, wanted, values: dict, records):
    """(the values of this compact trace, where each goes in it, where each comes from, the shapes
    of the ruleset, the records), or None
    for a trace trace/shapes.py does not shape: what engine/trace/fast.py learns its layouts from."""
    cache = _cache(ruleset)
    paths: list = []
    sources: list = []
    shaped = shape_of(ruleset, cache, as_of, given, prepared, wanted, values, records, None,
                      *_fact_names(cache, ruleset.model, given, prepared), paths, sources)
    return None if shaped is None else (shaped[1], paths, sources, cache.shaped, records)


def _fact_names(cache: _Cache, model, given, prepared) -> tuple:
    """(the names of the facts given, in declaration order; those of the defaults used)."""
    key = (tuple(given), tuple(prepared))
    shape = cache.shapes.get(key)
    if shape is None:
        if len(cache.shapes) >= MAX_SHAPES:
            cache.shapes.clear()
        # declaration order, not the caller's: the same facts give the same bytes
        shape = cache.shapes[key] = (tuple(name for name in model.inputs if name in given and name in prepared),
                                     tuple(name for name in prepared if name not in given))
    return shape


def _build(ruleset, cache, as_of, given, prepared, wanted, values, records, statuses, unanswered) -> dict:
    model = ruleset.model
    statuses = statuses or {}
    full = FULL_ROWS.get()
    # what a reader needs to read the values: titles and symbols, in the order they were met
    titles: dict = {}
    symbols: dict = {}
    types: dict = {}
    holes = HoleValues(ruleset, cache, as_of, prepared, {r.name: r.value for r in records}, symbols, types)
    decisions, texts, warnings = [], [], []
    for record in records:
        entry, text = _decision_entry(ruleset, cache, record, holes, titles, symbols, types, full)
        decisions.append(entry)
        texts.append(text)
        warnings.extend(staleness(record, as_of))
    for name, status in unanswered:
        decisions.append(unanswered_entry(ruleset, name, status))
        texts.append(None)
        titles.setdefault(name)
        if name not in types:
            types[name] = cache.shown_code(ruleset, name, model.decisions[name].type)
    fact_names, default_names = _fact_names(cache, model, given, prepared)
    inputs = model.inputs
    for name in default_names:
        titles.setdefault(name)  # the explanation says which values were assumed
    for name in fact_names + default_names:
        type_ = inputs[name].type
        if name not in types:
            types[name] = type_code(type_)
        note_symbols(symbols, prepared[name], type_)
    status = {name: statuses.get(name, ANSWERED_STATUS) for name in wanted}
    for state in list(status.values()) + [s for _, s in unanswered]:
        for missing in state.missing:
            titles.setdefault(missing)
    for name in wanted:
        titles.setdefault(name)
        if name not in types:
            types[name] = cache.shown_code(ruleset, name, model.decisions[name].type)
    labels, labels_text = _labels(ruleset, cache, titles, symbols)
    complete = all(s.state == ANSWERED for s in status.values())
    trace = _top(cache, as_of.isoformat(), {name: to_json_value(prepared[name]) for name in fact_names},
                 {name: to_json_value(prepared[name]) for name in default_names}, list(wanted), complete,
                 {name: to_json_value(values[name]) for name in wanted if status[name].state == ANSWERED},
                 {name: s.to_dict() for name, s in status.items()}, types, labels, unique(warnings), decisions,
                 "full" if full else "compact")
    functions = None
    if any(record.calls for record in records):  # what each function called is (engine/trace/calls.py)
        from engine.trace.calls import functions_called
        functions = trace["functions"] = functions_called(ruleset, decisions)
    top = cache.top["full" if full else "compact", functions is not None]
    if top is None:
        trace["digest"] = {"sha256": digest_of(trace)}
        return trace
    decisions_text = "[" + ",".join(text if text is not None else canon(entry)
                                    for entry, text in zip(decisions, texts)) + "]"
    text = top.fill((canon(trace["as_of"]), canon(trace["facts"]), canon(trace["defaults"]),
                     canon(trace["requested"]), canon(complete), canon(trace["outputs"]), canon(trace["status"]),
                     _types_text(cache, types), labels_text, canon(trace["warnings"]), decisions_text)
                    + ((canon(functions),) if functions is not None else ()))
    trace["digest"] = {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    return trace


def _labels(ruleset, cache: _Cache, titles: dict, symbols: dict) -> tuple:
    """(`labels`, its canonical text): language → the titles and symbol labels the trace uses."""
    key = (tuple(titles), tuple(symbols))
    found = cache.labels.get(key)
    if found is None:
        if len(cache.labels) >= MAX_SHAPES:
            cache.labels.clear()
        parts = []
        for lang in cache.languages:
            known = ruleset.files.messages.get(lang, {}).get("symbols", {})
            parts.append((lang, {name: title_of(ruleset, name, lang) for name in titles},
                          {s: known[s] for s in symbols if s in known}))
        labels = shared({lang: {"titles": named, "symbols": shown} for lang, named, shown in parts})
        found = cache.labels[key] = (labels, canon(labels))
    return found


def _types_text(cache: _Cache, types: dict) -> str:
    key = tuple(types)
    codes = tuple(types.values())
    found = cache.types.get(key)
    if found is None or found[0] != codes:
        if len(cache.types) >= MAX_SHAPES:
            cache.types.clear()
        found = cache.types[key] = (codes, canon(types))
    return found[1]


def _decision_entry(ruleset, cache: _Cache, record, holes, titles, symbols, types, full) -> tuple:
    """(the decision's entry, its canonical text or None)."""
    plan = record.plan
    static = cache.entry(ruleset, plan)
    name = record.name
    if name not in types:
        types[name] = cache.shown_code(ruleset, name, static.decision_type)
    titles.setdefault(name)
    note_symbols(symbols, record.value, static.decision_type)
    rows = rows_text = None
    values = ()
    if static.is_table:
        values = [to_json_value(v) for v in record.inputs]
        for (_, column_name, _, column_type), raw in zip(static.columns, record.inputs):
            if column_name is not None:
                titles.setdefault(column_name)
            note_symbols(symbols, raw, column_type)
        fired = [cache.fired_row(ruleset, plan, row) for row in record.fired]
        if full or not record.fired:  # every row with its failing test: why nothing (else) matched
            rows = row_outcomes(record, plan, plan.decl.body.inputs, values)
            rows_text = canon(rows)
        else:  # compact: the rows that fired say enough, and cost the same whatever the table's size
            rows = [f.row for f in fired]
            rows_text = "[" + ",".join(f.row_text for f in fired) + "]"
    else:
        fired = [cache.fired_row(ruleset, plan, None)]
    fired_items, fired_texts = [], []
    source_ids = []
    for f in fired:
        seen = {}
        for hole in f.holes:
            found = holes.value(hole)
            if found is not NOT_FOUND:
                seen[hole] = found
        fired_items.append(f.make(seen))
        fired_texts.append(f.canonical(seen))
        if f.source and f.source not in source_ids:
            source_ids.append(f.source)
    calls = calls_text = None
    if record.calls:  # the functions it called (engine/trace/calls.py)
        from engine.trace.calls import call_entries, fired_in_calls
        calls = call_entries(ruleset, record.calls, holes.as_of, Vocabulary(titles, symbols), types, full)
        for item in fired_in_calls(calls):  # the sources of the rows that fired in them are the decision's too
            if item["source"] and item["source"] not in source_ids:
                source_ids.append(item["source"])
        calls_text = canon(calls)
    parameters = []
    for p in record.parameters:
        if p.source and p.source not in source_ids:
            source_ids.append(p.source)
        parameter_type = ruleset.model.parameters[p.name].type
        if p.name not in types:
            types[p.name] = cache.shown_code(ruleset, p.name, parameter_type)
        titles.setdefault(p.name)
        note_symbols(symbols, p.value, parameter_type)
        parameters.append({"name": p.name, "value": to_json_value(p.value),
                           "effective_from": p.effective_from.isoformat(), "source": p.source,
                           "checked": p.checked.isoformat() if p.checked else None})
    sources = [_source_entry(ruleset, s) for s in source_ids]
    reads_of = static.reads_of
    if reads_of is None or reads_of[0] is not record.reads:
        model = ruleset.model
        kept = [n for n in record.reads if n in model.decisions or n in model.inputs]
        reads_of = static.reads_of = (record.reads, shared(kept), canon(kept))
    output = to_json_value(record.value)
    entry = static.make(values, rows, fired_items, output, sources, parameters, reads_of[1], calls)
    template = static.template if calls is None else static.calls_template
    if template is None:
        return entry, None
    texts = [canon(v) for v in values]
    texts += [rows_text, "[" + ",".join(fired_texts) + "]", canon(output),
              "[" + ",".join(cache.source_text(s) for s in sources) + "]",
              canon(parameters) if parameters else "[]", reads_of[2]]
    if calls is not None:
        texts.append(calls_text)
    return entry, template.fill(texts)
