"""verdict: decision records → the Verdict and its trace, the JSON record an auditor keeps.

The trace holds data, not prose: values in their JSON form with their types, the `because`
templates of the rules that fired with the values of their holes, and the labels a reader needs.
The text is rendered from it (explain/render.py), so what a person reads always follows from what was
computed. A digest over the canonical bytes (trace/dumps.py) makes any later edit visible.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import weakref
from typing import Optional

from engine import ast
from engine.semantics.resolve import TEMPLATE_HOLE
from engine.evaluation.status import ANSWERED, ANSWERED_STATUS, Status
from engine.evaluation.context import thread_engine_context
from engine.trace.dumps import digest_of, dumps_indented
from engine.trace.rows import FULL_ROWS
from engine.values import ENGINE_CONTEXT, EnumType, ListType, RecordType

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

    __slots__ = ("outputs", "status", "_trace", "_builder", "_hints")

    def __init__(self, outputs: dict, trace: Optional[dict] = None, builder=None, status: Optional[dict] = None):
        if tuple in map(type, outputs.values()):  # (types compare by identity: no generator per verdict)
            outputs = {k: _as_list(v) for k, v in outputs.items()}  # the API promises lists
        self.outputs = outputs      # name -> engine value, for the answered outputs only
        self.status = status if status is not None else dict.fromkeys(outputs, ANSWERED_STATUS)
        self._trace = trace         # the JSON-ready trace, or None until `builder()` has made it
        self._builder = builder
        self._hints = None          # how the builder made the trace, while no caller holds it (explain())

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
        trace = self._made()
        self._hints = None  # the caller may change it now: explain() reads it as any trace
        return trace

    def _made(self) -> dict:
        """The trace, built if it is not yet (and the builder's hints kept with it)."""
        trace = self._trace
        if trace is None:
            builder = self._builder  # read once: another thread may be building it too
            previous = decimal.getcontext()
            decimal.setcontext(thread_engine_context())  # as localcontext(ENGINE_CONTEXT), no copy made
            try:
                trace = builder()
                self._hints = getattr(builder, "hints", None)
                self._trace = trace
            finally:
                decimal.setcontext(previous)
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
            self._hints = None
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
        from engine.explain.render import explain_trace
        if FULL_ROWS.get():
            return explain_trace(self.trace, lang)
        trace = self._made()  # not handed to anyone since it was built: the builder's hints hold for it
        return explain_trace(trace, lang, self._hints)

    def counterfactuals(self, output: str, want=None, fixed=(), ruleset=None):
        """The smallest changes of this verdict's facts that change `output` (engine/whatif)."""
        from engine.whatif.verdicts import verdict_counterfactuals
        return verdict_counterfactuals(self, output, want, fixed, ruleset)


def _as_list(value):
    return [_as_list(v) for v in value] if type(value) is tuple else value


def build_trace(ruleset, as_of: dt.date, given, prepared: dict, wanted, values: dict, records,
                statuses: Optional[dict] = None, unanswered: tuple = (), shaped: bool = True) -> dict:
    """The trace of a verdict (engine/trace/build.py, which reads this module's helpers)."""
    global _build
    if _build is None:
        from engine.trace.build import build_trace as _build
    return _build(ruleset, as_of, given, prepared, wanted, values, records, statuses, unanswered, shaped)


_build = None


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
        from engine.trace.shared import shared
        entry = entries[source_id] = shared(source.to_dict() if source else {"id": source_id})
    return entry  # made once, read-only: shared by the traces that cite it (engine/trace/shared.py)


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


def because_texts(ruleset, rule_id: str, template) -> dict:
    """A rule's `because` text in each language that has one (messages/<lang>.yaml, else the
    rule's own text: untranslated, better than nothing)."""
    because = {}
    for lang in ruleset.files.languages:
        text = ruleset.files.messages.get(lang, {}).get("because", {}).get(rule_id)
        if text is None and template is not None:
            text = template.text
        if text is not None:
            because[lang] = text
    return because


def _fired_entry(ruleset, rule_id, line, source, template, row, holes) -> dict:
    """A rule that fired: where, its source, and what its explanation is made of — the `because`
    template in each language with the values of its holes, or the tests that matched."""
    item = {"rule": rule_id, "line": line, "source": source}
    because = because_texts(ruleset, rule_id, template)
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


def with_counterfactuals(trace: dict, found: dict) -> dict:
    """The trace with `counterfactuals` (output → what would change it: docs/whatif.md), its digest
    made again so that they are covered like the rest."""
    extended = {k: v for k, v in trace.items() if k != "digest"}
    extended["counterfactuals"] = found
    extended["digest"] = {"sha256": digest_of(extended)}
    return extended
