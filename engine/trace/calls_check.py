"""calls_check: the function calls of a saved trace, checked as the rest of it is.

Shape: every call of every decision (nested ones too) gives its function, where it was called, its
arguments, the rules that fired and its output, and names a function the trace's `functions`
describes. Story: the arguments are the function's parameters; a column named after a parameter
and a hole of a fired row's template show the argument (a figure's hole, the figure; `as_of`, the
date); a rule said to fire matched, when the rows are listed (full trace); and, as a function
reads only its arguments, the figures and the date, two calls with the same arguments give the
same value. Replay (trace/replay_calls.py) compares the calls with those the ruleset makes now.
"""
from __future__ import annotations

import json

from engine.semantics.records import path_in


def iter_calls(calls):
    """Every call of a list, nested ones after their caller, in order (no recursion)."""
    stack = list(reversed(calls)) if isinstance(calls, list) else []
    while stack:
        call = stack.pop()
        yield call
        inner = call.get("calls", []) if isinstance(call, dict) else []
        stack.extend(reversed(inner) if isinstance(inner, list) else ())


def check_shape(trace: dict, refuse) -> None:
    """`refuse(message)` → the TraceError to raise, for the first call or function malformed."""
    functions = trace.get("functions", {})
    if not isinstance(functions, dict) or not all(
            isinstance(f, dict) and isinstance(f.get("parameters"), list) and "type" in f
            and all(isinstance(p, dict) and isinstance(p.get("name"), str) for p in f["parameters"])
            for f in functions.values()):
        raise refuse("`functions` must give each function's `parameters` (each a `name`) and `type`")
    for index, decision in enumerate(trace["decisions"], 1):
        calls = decision.get("calls", [])
        if not isinstance(calls, list):
            raise refuse(f"decision {index}: `calls` must be a list")
        for call in iter_calls(calls):
            problem = _call_problem(call, functions)
            if problem:
                raise refuse(f"decision {index}: a call {problem}")


def _call_problem(call, functions) -> str:
    if not isinstance(call, dict) or not isinstance(call.get("function"), str):
        return "must be an object with its `function`"
    if call["function"] not in functions:
        return f"names the function `{call['function']}`, which `functions` does not describe"
    location = call.get("location")
    if not (isinstance(location, dict) and isinstance(location.get("file"), str)):
        return "must give its `location` (`file`, `line`, `column`)"
    if not isinstance(call.get("arguments"), dict) or "output" not in call:
        return "must give its `arguments` and its `output`"
    for step in [call] + (call.get("within") if isinstance(call.get("within"), list) else []):
        if "element" in step and not (type(step.get("element")) is int and step["element"] >= 0
                                      and isinstance(step.get("of", ""), str)):
            return "gives an `element` that is not a position (from 0) in a named list"
    inputs = call.get("inputs", [])
    if not isinstance(inputs, list) or not all(isinstance(i, dict) and isinstance(i.get("column"), str)
                                               and "value" in i for i in inputs):
        return "must list its `inputs` with the `column` and `value` of each"
    fired = call.get("fired")
    if not isinstance(fired, list) or not all(
            isinstance(f, dict) and isinstance(f.get("rule"), str) and "line" in f
            and isinstance(f.get("because", {}), dict) and all(isinstance(t, str) for t in f.get("because", {}).values())
            and isinstance(f.get("holes", {}), dict) and isinstance(f.get("expression", ""), str)
            and isinstance(f.get("tests", []), list)
            and all(isinstance(t, dict) and type(t.get("column")) is int and 0 <= t["column"] < len(inputs)
                    and isinstance(t.get("test"), str) for t in f.get("tests", []))
            for f in fired):
        return "must list the rules that `fired`, each with its `rule`, `line` and texts"
    rows = call.get("rows", [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) and isinstance(r.get("rule"), str)
                                             and isinstance(r.get("matched"), bool) for r in rows):
        return "must give each row's `rule` and whether it `matched`"
    if not isinstance(call.get("calls", []), list):
        return "must list the `calls` it made"
    return ""


def check_story(trace: dict, edited, figures: dict) -> None:
    """`edited(message)` → the TraceError to raise, for the first call that contradicts the trace."""
    functions = trace.get("functions", {})
    outputs: dict = {}  # (function, arguments as canonical JSON) -> (output, where it was first seen)
    for decision in trace["decisions"]:
        name = decision["name"]
        for call in iter_calls(decision.get("calls", [])):
            function = call["function"]
            arguments = call["arguments"]
            shown = f"`{name}` calls {function}({_listed(arguments)})"
            params = [p["name"] for p in functions[function]["parameters"]]
            if list(arguments) != params:
                raise edited(f"{shown} with arguments other than its parameters ({', '.join(params)})")
            for column in call.get("inputs", []):
                if column["column"] in arguments and column["value"] != arguments[column["column"]]:
                    raise edited(f"{shown}, but its column {column['column']} shows "
                                 f"{json.dumps(column['value'], ensure_ascii=False)}")
            matched = {r["rule"] for r in call.get("rows", []) if r["matched"]}
            for fired in call["fired"]:
                if "rows" in call and fired["rule"] not in matched:
                    raise edited(f"{shown}: rule {fired['rule']} is said to fire, but its row did not match")
                for hole, value in fired.get("holes", {}).items():
                    known = _hole_value(hole, value, arguments, figures, trace)
                    if known != value:
                        raise edited(f"{shown}: the text of rule {fired['rule']} shows {hole} = "
                                     f"{json.dumps(value, ensure_ascii=False)}, but the trace gives "
                                     f"{json.dumps(known, ensure_ascii=False)}")
            key = (function, json.dumps(arguments, sort_keys=True, ensure_ascii=False))
            output, first = outputs.setdefault(key, (call["output"], name))
            if output != call["output"]:
                raise edited(f"{function}({_listed(arguments)}) gives {json.dumps(output, ensure_ascii=False)} "
                             f"in `{first}` and {json.dumps(call['output'], ensure_ascii=False)} in `{name}`")


def _hole_value(hole: str, value, arguments: dict, figures: dict, trace: dict):
    head = hole.split(".")[0].strip()
    if head in arguments:
        return path_in(arguments, hole, value)
    if hole == "as_of":
        return trace["as_of"]
    return figures.get(hole, value)  # a figure the decisions did not list is not known here


def _listed(arguments: dict) -> str:
    return ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in arguments.items())
