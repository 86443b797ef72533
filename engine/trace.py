"""trace: decision records → the Verdict and its trace, the JSON record an auditor keeps.

The trace holds data, not prose: values in their JSON form with their types, the `because`
templates of the rules that fired with the values of their holes, and the labels a reader needs.
The text is rendered from it (explain.py), so what a person reads always follows from what was
computed. A digest over the canonical bytes (trace_json.py) makes any later edit visible.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import weakref
from typing import Optional

from engine import ast
from engine.resolve import TEMPLATE_HOLE
from engine.status import ANSWERED, ANSWERED_STATUS, Status
from engine.trace_json import digest_of, dumps_indented
from engine.trace_rows import FULL_ROWS, row_outcomes
from engine.values import ENGINE_CONTEXT, EnumType, ListType, RecordType, to_json_value

TRACE_FORMAT = 3
# The formats a reader of traces accepts as whole traces with a digest (format 1 had none).
READABLE_FORMATS = (2, 3)
ENGINE_VERSION = "0.2.0"


def _location(span) -> dict:
    return {"file": span.file, "line": span.line, "column": span.column}


def type_code(type_):
    """A type as the trace writes it: `money`, `symbol`, `list of symbol`, `{"record": {...}}`."""
    if type_ is None:
        return None
    if isinstance(type_, EnumType):
        return "symbol"
    if isinstance(type_, ListType):
        element = type_code(type_.element)
        return {"list": element} if isinstance(element, dict) else "list of " + str(element)
    if isinstance(type_, RecordType):
        return {"record": {name: type_code(t) for name, t in type_.fields}}
    return type_.name


class Verdict:
    """The answered outputs, the status of every requested decision, and for every decision
    evaluated, why. `to_dict()` is the trace (docs/trace-format.md).

    The trace is built on the first `to_dict()` (or `trace`, `to_json()`, `explain()`) from the
    records the evaluation kept, so a verdict whose trace nobody reads costs little."""

    __slots__ = ("outputs", "status", "_trace", "_builder")

    def __init__(self, outputs: dict, trace: Optional[dict] = None, builder=None, status: Optional[dict] = None):
        if tuple in map(type, outputs.values()):  # (types compare by identity: no generator per verdict)
            outputs = {k: _as_list(v) for k, v in outputs.items()}  # the API promises lists
        self.outputs = outputs      # name -> engine value, for the answered outputs only
        self.status = status if status is not None else dict.fromkeys(outputs, ANSWERED_STATUS)
        self._trace = trace         # the JSON-ready trace, or None until `builder()` has made it
        self._builder = builder

    @property
    def complete(self) -> bool:
        """Every requested output has an answer."""
        return all(s.state == ANSWERED for s in self.status.values())

    @property
    def unanswered(self) -> dict:
        return {name: s for name, s in self.status.items() if s.state != ANSWERED}

    @property
    def trace(self) -> dict:
        """The JSON-ready trace."""
        if FULL_ROWS.get():  # a full trace is being built (of a verdict this one rests on): never kept
            return self.full_trace()
        trace = self._trace
        if trace is None:
            builder = self._builder  # read once: another thread may be building it too
            with decimal.localcontext(ENGINE_CONTEXT):
                trace = self._trace = builder()
        return trace

    def __eq__(self, other):
        if not isinstance(other, Verdict):
            return NotImplemented
        return self.outputs == other.outputs and self.status == other.status and self.trace == other.trace

    __hash__ = None

    def __reduce__(self):  # pickled and copied with its trace made
        return (Verdict, (self.outputs, self.trace, None, self.status))

    def __repr__(self) -> str:
        missing = {n: s.state for n, s in self.unanswered.items()}
        return f"Verdict(outputs={self.outputs!r}" + (f", unanswered={missing!r})" if missing else ")")

    # ------------------------------------------------------------------ views
    def to_dict(self, full: bool = False) -> dict:
        """The trace: compact (the rows that fired, the counts) unless `full` (every row's outcome)."""
        return self.full_trace() if full else self.trace

    def full_trace(self) -> dict:
        """The trace with every row's outcome (`trace_detail` `full`); built afresh, not kept."""
        if self._builder is None or (self._trace is not None and self._trace.get("trace_detail") != "compact"):
            return self._trace  # made whole when it was made (or unpickled): as full as it can be
        token = FULL_ROWS.set(True)
        try:
            with decimal.localcontext(ENGINE_CONTEXT):
                return self._builder()
        finally:
            FULL_ROWS.reset(token)

    def to_json(self) -> str:
        """`json.dumps(trace, ensure_ascii=False, indent=2)` and a newline, byte for byte (faster)."""
        try:
            return dumps_indented(self.trace) + "\n"
        except TypeError:  # something only json knows how to write (or refuse)
            return json.dumps(self.trace, ensure_ascii=False, indent=2) + "\n"

    def explain(self, lang: Optional[str] = None) -> str:
        from engine.explain import explain_trace
        return explain_trace(self.trace, lang)

    def counterfactuals(self, output: str, want=None, fixed=(), ruleset=None):
        """The smallest changes of this verdict's facts that change `output` (engine/whatif)."""
        from engine.whatif.verdicts import verdict_counterfactuals
        return verdict_counterfactuals(self, output, want, fixed, ruleset)


def _as_list(value):
    return [_as_list(v) for v in value] if type(value) is tuple else value


class _Vocabulary:
    """The titles and symbol labels a trace's reader needs, in each language, collected as the
    trace is built so that it carries those it uses and no others."""

    def __init__(self, ruleset, languages):
        self.ruleset = ruleset
        self.languages = languages
        self.titles: dict = {}
        self.symbols: dict = {}

    def title(self, name: str):
        if name not in self.titles:
            self.titles[name] = None

    def note(self, value, type_):
        if isinstance(value, bool):
            self.symbols.setdefault("true" if value else "false", None)
        elif isinstance(type_, EnumType) and isinstance(value, str):
            self.symbols.setdefault(value, None)
        elif isinstance(type_, ListType) and isinstance(value, (list, tuple)):
            for item in value:
                self.note(item, type_.element)
        elif isinstance(type_, RecordType) and isinstance(value, dict):
            for key, item in value.items():
                self.note(item, type_.field(key))

    def labels(self) -> dict:
        out = {}
        for lang in self.languages:
            messages = self.ruleset.files.messages.get(lang, {})
            symbols = messages.get("symbols", {})
            out[lang] = {
                "titles": {name: title_of(self.ruleset, name, lang) for name in self.titles},
                "symbols": {s: symbols[s] for s in self.symbols if s in symbols},
            }
        return out


def build_trace(ruleset, as_of: dt.date, given, prepared: dict, wanted, values: dict, records,
                statuses: Optional[dict] = None, unanswered: tuple = ()) -> dict:
    """The trace of a verdict: the facts as given (`given`: their names), the facts as used
    (`prepared`), the outputs, the status of each requested output, one entry per decision
    record, and one per decision that gave no answer or was not evaluated (`unanswered`:
    (name, Status) pairs)."""
    model = ruleset.model
    statuses = statuses or {}
    vocabulary = _Vocabulary(ruleset, ruleset.files.languages)
    types: dict = {}
    values_by_name = {r.name: r.value for r in records}
    decisions, warnings = [], []
    full = FULL_ROWS.get()
    for record in records:
        decisions.append(_decision_entry(ruleset, record, as_of, prepared, values_by_name, vocabulary, types, full))
        warnings.extend(_staleness(ruleset, record, as_of))
    for name, status in unanswered:
        decisions.append(unanswered_entry(ruleset, name, status))
        vocabulary.title(name)
        types.setdefault(name, shown_type_code(ruleset, name, model.decisions[name].type))
    # declaration order, not the caller's: the same facts give the same bytes
    facts = {name: prepared[name] for name in model.inputs if name in given and name in prepared}
    defaults = {name: v for name, v in prepared.items() if name not in given}
    for name in defaults:
        vocabulary.title(name)  # the explanation says which values were assumed
    for name, value in list(facts.items()) + list(defaults.items()):
        types.setdefault(name, type_code(model.inputs[name].type))
        vocabulary.note(value, model.inputs[name].type)
    status = {name: statuses.get(name, ANSWERED_STATUS) for name in wanted}
    for state in list(status.values()) + [s for _, s in unanswered]:
        for missing in state.missing:
            vocabulary.title(missing)
    for name in wanted:
        vocabulary.title(name)
        types.setdefault(name, shown_type_code(ruleset, name, model.decisions[name].type))
    trace = {
        "trace_format": TRACE_FORMAT,
        "trace_detail": "full" if full else "compact",
        "engine": {"name": "verdict", "version": ENGINE_VERSION},
        "ruleset": {"name": ruleset.name, "title": ruleset.files.title, "version": ruleset.version,
                    "sha256": ruleset.sha256},
        "as_of": as_of.isoformat(),
        "languages": list(ruleset.files.languages),
        "facts": {name: to_json_value(v) for name, v in facts.items()},
        "defaults": {name: to_json_value(v) for name, v in defaults.items()},
        "requested": list(wanted),
        "complete": all(s.state == ANSWERED for s in status.values()),
        "outputs": {name: to_json_value(values[name]) for name in wanted if status[name].state == ANSWERED},
        "status": {name: s.to_dict() for name, s in status.items()},
        "types": types,
        "labels": vocabulary.labels(),
        "warnings": _unique(warnings),
        "decisions": decisions,
    }
    if any("calls" in d for d in decisions):  # what each function called is (engine/functions_trace.py)
        from engine.functions_trace import functions_called
        trace["functions"] = functions_called(ruleset, decisions)
    trace["digest"] = {"sha256": digest_of(trace)}
    return trace


def _unique(items: list) -> list:
    seen, out = set(), []
    for item in items:
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def title_of(ruleset, name: str, lang: str) -> str:
    """The title of a decision, an input or a parameter in `lang`: its translation, or in the
    default language the title (an input's description) it is declared with."""
    titles = ruleset.files.messages.get(lang, {}).get("titles", {})
    if name in titles:
        return titles[name]
    if lang != ruleset.files.language:
        return ""
    model = ruleset.model
    if name in model.decisions:
        return model.decisions[name].versions[0].decl.title or ""
    if name in model.inputs:
        return model.inputs[name].decl.description or ""
    if name in model.parameters:
        return model.parameters[name].decl.title or ""
    return ""


_PERCENT_NAMES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # ruleset -> frozenset of names


def _written_as_percent(ruleset) -> frozenset:
    """The number decisions and parameters whose every value is written as a percentage in the
    rules (`70%`): a reader sees them as rates (type code `percent`), not as 0.7."""
    found = _PERCENT_NAMES.get(ruleset)
    if found is not None:
        return found
    texts = {path: text.split("\n") for path, text in ruleset.files.rule_texts.items()}

    def is_percent(expr) -> bool:
        if isinstance(expr, ast.NoAnswer):
            return True
        if not (isinstance(expr, ast.Literal) and expr.kind == "number"):
            return False
        span = expr.span
        lines = texts.get(span.file) or next((v for k, v in texts.items() if span.file.endswith(k) or k.endswith(span.file)), None)
        if not lines or span.line > len(lines) or span.line != span.end_line:
            return False
        return lines[span.line - 1][span.column - 1:span.end_column - 1].rstrip().endswith("%")

    model = ruleset.model
    names = set()
    for name, info in model.decisions.items():
        if getattr(info.type, "name", None) != "number" or type(info.type).__name__ != "Type":
            continue
        exprs = []
        for version in info.versions:
            body = version.decl.body
            exprs.extend(row.outputs[0] for row in body.rows if row.outputs) if isinstance(body, ast.Table) \
                else exprs.append(body.expr)
        if exprs and all(is_percent(e) for e in exprs) and not all(isinstance(e, ast.NoAnswer) for e in exprs):
            names.add(name)
    for name, info in model.parameters.items():
        if getattr(info.type, "name", None) == "number" and info.decl.values and \
                all(is_percent(v.value) for v in info.decl.values):
            names.add(name)
    found = _PERCENT_NAMES[ruleset] = frozenset(names)
    return found


def shown_type_code(ruleset, name: str, type_):
    return "percent" if name in _written_as_percent(ruleset) else type_code(type_)


_SOURCE_ENTRIES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # ruleset -> {id: entry}


def _source_entry(ruleset, source_id: Optional[str]) -> Optional[dict]:
    if not source_id:
        return None
    entries = _SOURCE_ENTRIES.get(ruleset)
    if entries is None:
        entries = _SOURCE_ENTRIES[ruleset] = {}
    entry = entries.get(source_id)
    if entry is None:
        source = ruleset.files.sources.get(source_id)
        entry = entries[source_id] = source.to_dict() if source else {"id": source_id}
    return dict(entry)  # a trace's own copy


def unanswered_entry(ruleset, name: str, status: Status) -> dict:
    info = ruleset.model.decisions[name]
    decl = info.versions[0].decl
    entry = {"name": name, **status.to_dict(), "location": _location(decl.span)}
    return entry


def _column_name(column, model) -> Optional[str]:
    """The input or decision a table column reads, when the column is just its name."""
    if isinstance(column.expr, ast.Name) and (column.expr.name in model.inputs or column.expr.name in model.decisions):
        return column.expr.name
    return None


def _decision_entry(ruleset, record, as_of, prepared, values_by_name, vocabulary, types, full=True) -> dict:
    model = ruleset.model
    plan = record.plan
    decl = plan.decl
    is_table = isinstance(decl.body, ast.Table)
    decision_type = model.decisions[record.name].type
    types.setdefault(record.name, shown_type_code(ruleset, record.name, decision_type))
    vocabulary.title(record.name)
    vocabulary.note(record.value, decision_type)
    entry = {
        "name": record.name,
        "status": ANSWERED,
        "kind": "table" if is_table else "expression",
        "location": _location(decl.span),
        "valid_from": decl.valid_from.isoformat() if decl.valid_from else None,
        "valid_to": decl.valid_to.isoformat() if decl.valid_to else None,
    }
    if is_table:
        columns = decl.body.inputs
        entry["hit_policy"] = decl.hit.label()
        values = [to_json_value(v) for v in record.inputs]
        inputs = []
        for column, value, raw, column_type in zip(columns, values, record.inputs, plan.version.column_types):
            name = _column_name(column, model)
            item = {"column": column.title, "value": value,
                    "type": shown_type_code(ruleset, name, column_type) if name else type_code(column_type)}
            if name is not None:
                item["name"] = name
                vocabulary.title(name)
            vocabulary.note(raw, column_type)
            inputs.append(item)
        entry["inputs"] = inputs
        entry["row_count"] = len(plan.rows) + (plan.otherwise is not None)
        if full or not record.fired:  # every row with its failing test: why nothing (else) matched
            rows = row_outcomes(record, plan, columns, values)
        else:  # compact: the rows that fired say enough, and cost the same whatever the table's size
            rows = [{"rule": r.rule_id, "line": r.row.span.line, "matched": True} for r in record.fired]
        entry["rows"] = rows
        fired_rows = [(r.rule_id, r.row.span.line, r.row.source or decl.source, r.row.because, r.row)
                      for r in record.fired]
    else:
        fired_rows = [(record.name, decl.span.line, decl.source, decl.body.because, None)]
    holes = _HoleValues(ruleset, as_of, prepared, values_by_name, vocabulary, types)
    entry["fired"] = [_fired_entry(ruleset, rule_id, line, source, template, row, holes)
                      for rule_id, line, source, template, row in fired_rows]
    entry["output"] = to_json_value(record.value)
    if record.calls:  # the functions it called (engine/functions_trace.py)
        from engine.functions_trace import call_entries, fired_in_calls
        entry["calls"] = call_entries(ruleset, record.calls, as_of, vocabulary, types, full)
    source_ids = []
    for item in entry["fired"] + (fired_in_calls(entry["calls"]) if record.calls else []):
        if item["source"] and item["source"] not in source_ids:
            source_ids.append(item["source"])
    for read in record.parameters:
        if read.source and read.source not in source_ids:
            source_ids.append(read.source)
    entry["sources"] = [_source_entry(ruleset, s) for s in source_ids]
    parameters = []
    for p in record.parameters:
        parameter_type = model.parameters[p.name].type
        types.setdefault(p.name, shown_type_code(ruleset, p.name, parameter_type))
        vocabulary.title(p.name)
        vocabulary.note(p.value, parameter_type)
        parameters.append({"name": p.name, "value": to_json_value(p.value),
                           "effective_from": p.effective_from.isoformat(), "source": p.source,
                           "checked": p.checked.isoformat() if p.checked else None})
    entry["parameters"] = parameters
    entry["reads"] = [n for n in record.reads if n in model.decisions or n in model.inputs]
    if decl.checked:
        entry["checked"] = decl.checked.isoformat()
    return entry


def _fired_entry(ruleset, rule_id, line, source, template, row, holes) -> dict:
    """A rule that fired: where, its source, and what its explanation is made of — the `because`
    template in each language with the values of its holes, or the tests that matched."""
    item = {"rule": rule_id, "line": line, "source": source}
    because = {}
    for lang in ruleset.files.languages:
        text = ruleset.files.messages.get(lang, {}).get("because", {}).get(rule_id)
        if text is None and template is not None:
            text = template.text  # the default language's own text; untranslated, better than nothing
        if text is not None:
            because[lang] = text
    if because:
        item["because"] = because
        seen = {}
        for text in because.values():
            for match in TEMPLATE_HOLE.finditer(text):
                name = match.group(1).strip()
                if name not in seen:
                    found = holes.value(name)
                    if found is not holes.NOT_FOUND:
                        seen[name] = found
        if seen:
            item["holes"] = seen
    elif row is not None:
        item["tests"] = [{"column": i, "test": cell.text} for i, cell in enumerate(row.cells)
                         if not isinstance(cell.test, ast.AnyTest)]
    return item


class _HoleValues:
    """The value a template hole `{name}` or `{name.field}` shows, in its JSON form."""

    NOT_FOUND = object()

    def __init__(self, ruleset, as_of, prepared, values_by_name, vocabulary, types):
        self.ruleset = ruleset
        self.model = ruleset.model
        self.as_of = as_of
        self.prepared = prepared
        self.values_by_name = values_by_name
        self.vocabulary = vocabulary
        self.types = types

    def value(self, name: str):
        model = self.model
        head, _, field = name.partition(".")
        if head in self.values_by_name:
            value, type_ = self.values_by_name[head], model.decisions[head].type
        elif head in self.prepared:
            value, type_ = self.prepared[head], model.inputs[head].type
        elif head in model.parameters:
            entry = model.parameters[head].value_on(self.as_of)
            value, type_ = (entry.value if entry else None), model.parameters[head].type
        elif head == "as_of":
            return self.as_of.isoformat()
        else:
            return self.NOT_FOUND
        self.types.setdefault(head, shown_type_code(self.ruleset, head, type_) if not field else type_code(type_))
        for step in field.split(".") if field else ():  # a path `{applicant.address.city}` (records, h16-records)
            if not isinstance(value, dict):
                return self.NOT_FOUND
            value, type_ = value.get(step.strip()), type_.field(step.strip()) if isinstance(type_, RecordType) else None
        self.vocabulary.note(value, type_)
        return to_json_value(value)


def _staleness(ruleset, record, as_of) -> list:
    found = []
    checked = record.plan.decl.checked
    if checked and as_of > checked:
        found.append({"name": record.name, "checked": checked.isoformat(),
                      "source": record.plan.decl.source or ""})
    for read in record.parameters:
        if read.checked and as_of > read.checked:
            found.append({"name": read.name, "checked": read.checked.isoformat(), "source": read.source or ""})
    return found


def with_counterfactuals(trace: dict, found: dict) -> dict:
    """The trace with `counterfactuals` (output → what would change it: docs/whatif.md), its digest
    made again so that they are covered like the rest."""
    extended = {k: v for k, v in trace.items() if k != "digest"}
    extended["counterfactuals"] = found
    extended["digest"] = {"sha256": digest_of(extended)}
    return extended
