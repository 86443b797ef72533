"""trace: decision records → the Verdict: stable JSON, explanation text in each language, replay."""
from __future__ import annotations

import datetime as dt
import decimal
import json
import weakref
from json.encoder import encode_basestring
from typing import Optional

from engine import ast
from engine.i18n import words
from engine.resolve import TEMPLATE_HOLE
from engine.values import ENGINE_CONTEXT, EnumType, ListType, format_value, to_json_value

TRACE_FORMAT = 1
ENGINE_VERSION = "0.1.0"


def _location(span) -> dict:
    return {"file": span.file, "line": span.line, "column": span.column}


class _Labels:
    """Titles, enumeration labels and templates of one language, from messages/<lang>.yaml."""

    def __init__(self, ruleset, lang: str):
        self.lang = lang
        self.default = lang == ruleset.files.language
        self.messages = ruleset.files.messages.get(lang, {"because": {}, "titles": {}, "symbols": {}})

    def symbol(self, value) -> str:
        return self.messages["symbols"].get(value, value)

    def value(self, value, type_) -> str:
        if isinstance(value, bool):
            return self.messages["symbols"].get("true" if value else "false", "true" if value else "false")
        if isinstance(value, str) and isinstance(type_, EnumType):
            return self.symbol(value)
        if isinstance(value, tuple) and isinstance(type_, ListType) and isinstance(type_.element, EnumType):
            return ", ".join(self.symbol(v) for v in value) if value else "—"
        return format_value(value, type_, self.lang)

    def headline_value(self, value, type_) -> str:
        shown = self.value(value, type_)
        if isinstance(value, str) and isinstance(type_, EnumType) and shown != value:
            return f"{shown}（{value}）" if self.lang == "zh" else f"{shown} ({value})"
        return shown


class Verdict:
    """The outputs, and for every decision evaluated, why. `to_dict()` is the trace format.

    The trace is built on the first `to_dict()` (or `trace`, `to_json()`, `explain()`) from the
    records the evaluation kept, so a verdict whose trace nobody reads costs little."""

    __slots__ = ("outputs", "_trace", "_builder")

    def __init__(self, outputs: dict, trace: Optional[dict] = None, builder=None):
        if any(type(v) is tuple for v in outputs.values()):
            outputs = {k: _as_list(v) for k, v in outputs.items()}  # the API promises lists
        self.outputs = outputs      # name -> engine value
        self._trace = trace         # the JSON-ready trace, or None until `builder()` has made it
        self._builder = builder

    @classmethod
    def build(cls, ruleset, as_of: dt.date, given: dict, prepared: dict, wanted, values: dict, records) -> "Verdict":
        return cls(dict(values), build_trace(ruleset, as_of, given, prepared, wanted, values, records))

    @property
    def trace(self) -> dict:
        """The JSON-ready trace."""
        trace = self._trace
        if trace is None:
            builder = self._builder  # read once: another thread may be building it too
            with decimal.localcontext(ENGINE_CONTEXT):
                trace = self._trace = builder()
        return trace

    def __eq__(self, other):
        if not isinstance(other, Verdict):
            return NotImplemented
        return self.outputs == other.outputs and self.trace == other.trace

    __hash__ = None

    def __reduce__(self):  # pickled and copied with its trace made
        return (Verdict, (self.outputs, self.trace))

    def __repr__(self) -> str:
        return f"Verdict(outputs={self.outputs!r})"

    # ------------------------------------------------------------------ views
    def to_dict(self) -> dict:
        return self.trace

    def to_json(self) -> str:
        """`json.dumps(trace, ensure_ascii=False, indent=2)` and a newline, byte for byte (faster)."""
        try:
            return dumps_indented(self.trace) + "\n"
        except TypeError:  # something only json knows how to write (or refuse)
            return json.dumps(self.trace, ensure_ascii=False, indent=2) + "\n"

    def explain(self, lang: Optional[str] = None) -> str:
        from engine.explain import explain_trace
        return explain_trace(self.trace, lang)


def _as_list(value):
    return [_as_list(v) for v in value] if type(value) is tuple else value


# json.dumps(indent=...) never uses the C encoder; for the plain data of a trace this gives the
# same text two to three times faster. Anything else raises TypeError, and json.dumps does it.
_SCALARS = {type(None): lambda v: "null", bool: lambda v: "true" if v else "false", int: int.__repr__,
            str: encode_basestring}


def dumps_indented(value) -> str:
    parts = []
    _dump(value, parts.append, "\n")
    return "".join(parts)


def _dump(value, put, newline: str):
    kind = type(value)
    if kind is dict:
        if not value:
            put("{}")
            return
        inner = newline + "  "
        opening, between = "{" + inner, "," + inner
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(key)
            scalar = _SCALARS.get(type(item))
            if scalar is not None:
                put(f"{opening}{encode_basestring(key)}: {scalar(item)}")
            else:
                put(f"{opening}{encode_basestring(key)}: ")
                _dump(item, put, inner)
            opening = between
        put(newline + "}")
    elif kind is list:
        if not value:
            put("[]")
            return
        inner = newline + "  "
        opening, between = "[" + inner, "," + inner
        for item in value:
            scalar = _SCALARS.get(type(item))
            if scalar is not None:
                put(opening + scalar(item))
            else:
                put(opening)
                _dump(item, put, inner)
            opening = between
        put(newline + "]")
    else:
        scalar = _SCALARS.get(kind)
        if scalar is None:
            raise TypeError(kind)
        put(scalar(value))


def build_trace(ruleset, as_of: dt.date, given, prepared: dict, wanted, values: dict, records) -> dict:
    """The trace of a verdict: the facts as given (`given`: their names), the facts as used
    (`prepared`), the outputs, and one entry per decision record."""
    languages = ruleset.files.languages
    model = ruleset.model
    labels = {lang: _Labels(ruleset, lang) for lang in languages}
    values_by_name = {r.name: r.value for r in records}

    def hole_value(name: str, lang: str) -> str:
        head, _, field = name.partition(".")
        if head in values_by_name:
            value, type_ = values_by_name[head], model.decisions[head].type
        elif head in prepared:
            value, type_ = prepared[head], model.inputs[head].type
        elif head in model.parameters:
            entry = model.parameters[head].value_on(as_of)
            value, type_ = (entry.value if entry else None), model.parameters[head].type
        elif head == "as_of":
            value, type_ = as_of, None
        else:
            return "{" + name + "}"
        if field and isinstance(value, dict):
            value, type_ = value.get(field), type_.field(field) if hasattr(type_, "field") else None
        return labels[lang].value(value, type_)

    decisions, warnings = [], []
    for record in records:
        entry = _decision_entry(ruleset, record, labels, hole_value, as_of)
        decisions.append(entry)
        warnings.extend(_staleness(ruleset, record, as_of))
    outputs_json = {name: to_json_value(values[name]) for name in wanted}
    return {
        "trace_format": TRACE_FORMAT,
        "engine": {"name": "verdict", "version": ENGINE_VERSION},
        "ruleset": {"name": ruleset.name, "title": ruleset.files.title, "version": ruleset.version,
                    "sha256": ruleset.sha256},
        "as_of": as_of.isoformat(),
        "languages": list(languages),
        # declaration order, not the caller's: the same facts give the same bytes
        "facts": {name: to_json_value(prepared[name]) for name in model.inputs if name in given and name in prepared},
        "defaults": {name: to_json_value(v) for name, v in prepared.items() if name not in given},
        "requested": list(wanted),
        "outputs": outputs_json,
        "display": {lang: {name: {"title": _title(ruleset, name, lang),
                                  "value": labels[lang].headline_value(values[name], model.decisions[name].type)}
                           for name in wanted} for lang in languages},
        "warnings": _unique(warnings),
        "decisions": decisions,
    }


def _unique(items: list) -> list:
    seen, out = set(), []
    for item in items:
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _title(ruleset, name: str, lang: str) -> str:
    titles = ruleset.files.messages.get(lang, {}).get("titles", {})
    if name in titles:
        return titles[name]
    decl = ruleset.model.decisions[name].versions[0].decl
    return decl.title or "" if lang == ruleset.files.language else ""


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


def _decision_entry(ruleset, record, labels: dict, hole_value, as_of) -> dict:
    plan = record.plan
    decl = plan.decl
    is_table = isinstance(decl.body, ast.Table)
    entry = {
        "name": record.name,
        "kind": "table" if is_table else "expression",
        "location": _location(decl.span),
        "valid_from": decl.valid_from.isoformat() if decl.valid_from else None,
        "valid_to": decl.valid_to.isoformat() if decl.valid_to else None,
    }
    if is_table:
        columns = decl.body.inputs
        entry["hit_policy"] = decl.hit.label()
        values = [to_json_value(v) for v in record.inputs]
        entry["inputs"] = [{"column": c.title, "value": v} for c, v in zip(columns, values)]
        first_with_id = {}
        for plan_row in plan.rows:
            first_with_id.setdefault(plan_row.rule_id, plan_row)
        rows = []
        for outcome in record.rows:
            row = {"rule": outcome.rule_id, "line": outcome.line, "matched": outcome.matched}
            failed = outcome.failed_column
            if failed is not None:
                cell = first_with_id[outcome.rule_id].row.cells[failed]
                row["failed"] = {"column": columns[failed].title, "test": cell.text, "value": values[failed]}
            rows.append(row)
        entry["rows"] = rows
    fired = []
    for row in record.fired:
        fired.append({"rule": row.rule_id, "line": row.row.span.line,
                      "source": row.row.source or decl.source})
    if not is_table:
        fired.append({"rule": record.name, "line": decl.span.line, "source": decl.source})
    entry["fired"] = fired
    entry["output"] = to_json_value(record.value)
    decision_type = ruleset.model.decisions[record.name].type
    entry["display"] = {lang: lab.headline_value(record.value, decision_type) for lang, lab in labels.items()}
    entry["explanation"] = {lang: _explanation(record, lab, hole_value, ruleset) for lang, lab in labels.items()}
    source_ids = []
    for item in fired:
        if item["source"] and item["source"] not in source_ids:
            source_ids.append(item["source"])
    for read in record.parameters:
        if read.source and read.source not in source_ids:
            source_ids.append(read.source)
    entry["sources"] = [_source_entry(ruleset, s) for s in source_ids]
    parameter_types = {p.name: ruleset.model.parameters[p.name].type for p in record.parameters}
    entry["parameters"] = [{"name": p.name, "value": to_json_value(p.value), "effective_from": p.effective_from.isoformat(),
                            "source": p.source, "checked": p.checked.isoformat() if p.checked else None,
                            "display": {lang: lab.value(p.value, parameter_types[p.name]) for lang, lab in labels.items()}}
                           for p in record.parameters]
    entry["reads"] = [n for n in record.reads if n in ruleset.model.decisions or n in ruleset.model.inputs]
    if decl.checked:
        entry["checked"] = decl.checked.isoformat()
    return entry


def _explanation(record, labels: _Labels, hole_value, ruleset) -> str:
    plan = record.plan
    decl = plan.decl
    texts = []
    rows = [(r.rule_id, r.row.because, r.row) for r in record.fired]
    if isinstance(decl.body, ast.ExpressionBody):
        rows = [(record.name, decl.body.because, None)]
    for rule_id, template, row in rows:
        text = labels.messages["because"].get(rule_id)
        if text is None and labels.default and template is not None:
            text = template.text
        if text is None and labels.lang != ruleset.files.language and template is not None:
            text = template.text  # untranslated: the original is better than nothing
        if text is not None:
            texts.append(TEMPLATE_HOLE.sub(lambda m: hole_value(m.group(1).strip(), labels.lang), text))
        elif row is not None:
            texts.append(_automatic(record, row, labels))
    return " ".join(texts)


def _automatic(record, row, labels: _Labels) -> str:
    """For a row without `because`: what each non-trivial test saw."""
    parts = []
    for column, cell, value, type_ in zip(record.plan.decl.body.inputs, row.cells, record.inputs,
                                          record.plan.version.column_types):
        if isinstance(cell.test, ast.AnyTest):
            continue
        parts.append(f"{column.title} = {labels.value(value, type_)} {words(labels.lang)['matches']} `{cell.text}`")
    return "; ".join(parts) + ("." if parts else "")


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
