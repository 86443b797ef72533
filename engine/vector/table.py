"""table: evaluate_table, the vectorised evaluation of a table of cases, start to finish."""
from __future__ import annotations

import datetime as dt
import decimal

import numpy as np

from engine.errors import Diagnostic, VerdictError, suggestion_hint
from engine.ruleset import _as_date
from engine.values import ENGINE_CONTEXT, RecordType
from engine.vector.columns import from_python, read_columns, to_python
from engine.vector.fallback import ANSWERED, decision_values, evaluate_case
from engine.vector.plan import Evaluation, kind_of
from engine.vector.result import TableResult, arrow_column
from engine.vector.values import V, full, rescale

def evaluate_table(ruleset, columns, as_of, outputs=None, trace: bool = False) -> TableResult:
    """The outputs of `ruleset` for every case (row) of `columns`, as of one date."""
    day = as_of if type(as_of) is dt.date else _as_date(as_of, "as_of")
    if isinstance(outputs, str):
        outputs = (outputs,)
    wanted = tuple(outputs) if outputs else tuple(ruleset.default_outputs())
    for name in wanted:
        if name not in ruleset.model.decisions:
            raise VerdictError(Diagnostic("error", "unknown-output", f"unknown decision `{name}`",
                                          hint=suggestion_hint(name, ruleset.model.decisions) or
                                          f"the decisions are: {', '.join(ruleset.model.decisions)}"))
    table = read_columns(ruleset, columns, day, wanted)
    n = table.n
    evaluation = Evaluation(ruleset, day, table.values, n, lambda name: decision_values(ruleset, day, table, name))
    with np.errstate(all="ignore"), decimal.localcontext(ENGINE_CONTEXT):
        computed = {name: full(evaluation.decision(name), n) for name in wanted}
    refused = np.zeros(n, dtype=bool)  # a fact refused anywhere fails every output, as per case
    for value in table.values.values():
        if value.bad is not None:
            refused |= value.bad
    outputs_, status, messages, evaluated_per_case = {}, {}, {}, np.zeros(n, dtype=bool)
    for name in wanted:
        type_ = ruleset.model.decisions[name].type
        value = _plain(computed[name], type_, n)
        rows = np.flatnonzero(refused if value.bad is None else (value.bad | refused))
        codes = np.zeros(n, dtype=np.int8)
        found, answered_rows, answered_values = {}, [], []
        for row in rows:
            code, result, message = evaluate_case(ruleset, table, int(row), day, name)
            codes[row] = code
            if code == ANSWERED:
                answered_rows.append(row)
                answered_values.append(result)
            else:
                found[int(row)] = message
        evaluated_per_case[rows] = True
        value = _merge(value, type_, np.array(answered_rows, dtype=np.int64), answered_values)
        outputs_[name] = arrow_column(value, type_, codes == ANSWERED)
        status[name], messages[name] = codes, found
    fired = None
    if trace:
        fired = {}
        for name, (numbers, chosen) in evaluation.fired.items():
            rows_fired = np.array(np.broadcast_to(numbers[chosen + 1], (n,)), dtype=np.int32)
            rows_fired[evaluated_per_case] = -1  # see the case's own verdict
            fired[name] = rows_fired
    return TableResult(n, outputs_, status, messages, fired, dict(evaluation.per_case_decisions),
                       {name: ruleset.model.decisions[name].type for name in wanted})


def _plain(value: V, type_, n: int) -> V:
    """A table of several outputs (a record) as Python dicts: one Arrow struct per case."""
    if value.kind != "record":
        return value
    names = list(value.data)
    rows = np.arange(n)
    fields = dict(type_.fields) if isinstance(type_, RecordType) else {}
    columns = {k: to_python(v, fields.get(k, type_), rows) for k, v in value.data.items()}
    items = [{k: columns[k][i] for k in names} for i in range(n)]
    data = np.empty(n, dtype=object)
    data[:] = items
    bad = value.bad
    for field in value.data.values():
        if field.bad is not None:
            bad = field.bad if bad is None else bad | field.bad
    return V("obj", data, bad=bad)


def _merge(value: V, type_, rows: np.ndarray, items: list) -> V:
    """The vector value with the per-case evaluator's values written in at `rows`."""
    if not len(rows):
        return value
    if value.kind == "obj" or kind_of(type_) == "obj":
        data = np.array(value.data, dtype=object)
        for row, item in zip(rows, items):
            data[row] = item
        return V("obj", data)
    patch = from_python(items, type_)
    merged, patched = value, patch
    if value.kind == "num" and patch.scale != value.scale:
        scale = max(value.scale, patch.scale)
        merged, patched = rescale(value, scale), rescale(patch, scale)
    if patch.kind == "num" and (patched.bad is not None or merged.bad is not value.bad):
        # A value past the int64 mantissas (a product of large numbers, or at the other's scale):
        # the column is then written from the engine's own values, exact, case by case.
        data = np.array(to_python(value, type_, np.arange(len(value.data))), dtype=object)
        for row, item in zip(rows, items):
            data[row] = item
        return V("obj", data)
    value, patch = merged, patched
    data = np.array(value.data)
    data[rows] = patch.data
    return V(value.kind, data, value.scale, value.vocab or patch.vocab)
