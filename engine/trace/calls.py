"""calls: the calls of declared functions in the trace (docs/trace-format.md, *Calls*).

A decision entry that called functions carries `calls`: for each call, in the order made, the
function, where it was called, the arguments by parameter, the element of the list being iterated
(`for x in ages return share(x)`), the table's column values and the rows that fired (or the
expression), the value, and the calls its body made in turn. The trace's top-level `functions`
says once what each function called is: its kind, its declaration's place, its parameters' and its
result's types, which the explanation needs to show the values.

Data, as the rest of the trace: the rows' `because` templates with the values of their holes (the
call's arguments, the figures), never rendered text.
"""
from __future__ import annotations

from engine import ast
from engine.trace.verdict import _fired_entry, _location, type_code
from engine.trace.rows import row_outcomes
from engine.values import to_json_value


def call_entries(ruleset, calls, as_of, vocabulary, types, full: bool) -> list:
    """The JSON of a decision's (or a call's) CallRecords."""
    return [_call_entry(ruleset, call, as_of, vocabulary, types, full) for call in calls]


def _call_entry(ruleset, call, as_of, vocabulary, types, full: bool) -> dict:
    info = ruleset.model.functions[call.function]
    signature, decl = info.signature, info.decl
    entry = {"function": call.function, "location": _location(call.span)}
    if call.index:
        (position, of), outer = call.index[-1], call.index[:-1]
        entry["element"] = position
        if of is not None:
            entry["of"] = of
        if outer:
            entry["within"] = [{"element": p, **({"of": n} if n is not None else {})} for p, n in outer]
    entry["arguments"] = {name: to_json_value(value) for name, value in zip(signature.param_names, call.arguments)}
    for value, type_ in zip(call.arguments, signature.param_types):
        vocabulary.note(value, type_)
    holes = _CallHoles(ruleset, as_of, dict(zip(signature.param_names, call.arguments)), vocabulary, types)
    body = decl.body
    if isinstance(body, ast.Table):
        values = [to_json_value(v) for v in call.inputs]
        entry["inputs"] = [{"column": column.title, "value": value, "type": type_code(column_type)}
                           for column, value, column_type in zip(body.inputs, values, info.version.column_types)]
        for raw, column_type in zip(call.inputs, info.version.column_types):
            vocabulary.note(raw, column_type)
        if full:  # every row's outcome with its failing test, as a decision's full trace has
            entry["rows"] = row_outcomes(call, _TableRows(info), body.inputs, values)
        entry["fired"] = [_fired_entry(ruleset, r.rule_id, r.row.span.line, r.row.source or decl.source,
                                       r.row.because, r.row, holes) for r in call.fired]
    else:
        fired = _fired_entry(ruleset, call.function, decl.span.line, decl.source, body.because, None, holes)
        if "because" not in fired:  # no words of its own: the formula shows what was computed
            from engine.serve.describe import text_of
            fired["expression"] = text_of(ruleset, body.expr)
        entry["fired"] = [fired]
    entry["output"] = to_json_value(call.value)
    vocabulary.note(call.value, signature.type)
    if call.calls:
        entry["calls"] = call_entries(ruleset, call.calls, as_of, vocabulary, types, full)
    return entry


class _TableRows:
    """What trace_rows.row_outcomes reads of a plan: its rows, each with its rule id."""

    def __init__(self, info):
        self.rows = tuple(_Row(rule_id, row) for rule_id, row in zip(info.version.rule_ids, info.decl.body.rows))


class _Row:
    __slots__ = ("rule_id", "row")

    def __init__(self, rule_id, row):
        self.rule_id = rule_id
        self.row = row


def fired_in_calls(calls: list) -> list:
    """The fired entries of every call, nested ones included: their sources are the decision's too."""
    found, stack = [], list(reversed(calls))
    while stack:
        call = stack.pop()
        found.extend(call["fired"])
        stack.extend(reversed(call.get("calls", ())))
    return found


def functions_called(ruleset, decisions: list) -> dict:
    """The top-level `functions`: name → what the explanation and the checks need of each function
    the trace's calls name, in the order first called."""
    names, stack = [], [c for d in reversed(decisions) for c in reversed(d.get("calls", ()))]
    while stack:
        call = stack.pop()
        if call["function"] not in names:
            names.append(call["function"])
        stack.extend(reversed(call.get("calls", ())))
    out = {}
    for name in names:
        info = ruleset.model.functions[name]
        signature, decl = info.signature, info.decl
        entry = {"kind": "table" if isinstance(decl.body, ast.Table) else "expression",
                 "location": _location(decl.span),
                 "parameters": [{"name": n, "type": type_code(t)}
                                for n, t in zip(signature.param_names, signature.param_types)],
                 "type": type_code(signature.type)}
        if isinstance(decl.body, ast.Table):
            entry["hit_policy"] = decl.hit.label()
            entry["row_count"] = len(decl.body.rows)
        out[name] = entry
    return out


class _CallHoles:
    """The value a hole of a function row's template shows: an argument, a figure, or `as_of`."""

    NOT_FOUND = object()

    def __init__(self, ruleset, as_of, arguments: dict, vocabulary, types):
        self.model = ruleset.model
        self.as_of = as_of
        self.arguments = arguments
        self.vocabulary = vocabulary
        self.types = types

    def value(self, name: str):
        head, _, field = name.partition(".")
        if head in self.arguments:
            value = self.arguments[head]
        elif head in self.model.parameters:
            info = self.model.parameters[head]
            entry = info.value_on(self.as_of)
            value = entry.value if entry else None
            self.types.setdefault(head, type_code(info.type))
            self.vocabulary.title(head)
        elif head == "as_of":
            return self.as_of.isoformat()
        else:
            return self.NOT_FOUND
        for step in field.split(".") if field else ():  # `{person.age}`: a record argument's field
            if not isinstance(value, dict):
                return self.NOT_FOUND
            value = value.get(step.strip())
        return to_json_value(value)
