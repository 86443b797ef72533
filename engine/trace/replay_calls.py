"""replay_calls: a decision's function calls in a saved trace against those the ruleset makes now.

Each call is matched with the one made at the same place of the same decision, for the same list
element, in order: a call whose value or whose fired rules changed is a difference, as a decision's
are, and so is a call made now and not then or the other way round. With an unchanged ruleset the
calls cannot differ unless the trace was edited (its digest made again); replay says so.
"""
from __future__ import annotations

from engine.trace.calls_check import iter_calls


def call_differences(name: str, old: dict, now: dict, old_trace: dict, new_trace: dict, shown_pair) -> list:
    """What changed in the calls `name` made; `shown_pair(old, new, old_code, new_code)` shows values."""
    before, after = list(iter_calls(old.get("calls", []))), list(iter_calls(now.get("calls", [])))
    old_types = _result_types(old_trace)
    new_types = _result_types(new_trace)
    differences = []
    for then, call in zip(before, after):
        where = _where(call)
        if (then.get("function"), _where(then), then.get("arguments")) != (call["function"], where, call["arguments"]):
            differences.append(f"{name}: the call {_called(then)} at {_where(then)} is now {_called(call)} at {where}")
            continue
        if then.get("output") != call["output"]:
            before_text, after_text = shown_pair(then.get("output"), call["output"], old_types.get(call["function"]),
                                                 new_types.get(call["function"]))
            differences.append(f"{name}: {_called(call)} at {where} gave {before_text} → {after_text}")
        old_rules = [f.get("rule") for f in then.get("fired", [])]
        new_rules = [f["rule"] for f in call["fired"]]
        if old_rules != new_rules:
            differences.append(f"{name}: {_called(call)} at {where}: rules fired {', '.join(old_rules) or 'none'} → "
                               f"{', '.join(new_rules) or 'none'}")
    if len(before) != len(after):
        differences.append(f"{name}: {len(before)} function call(s) then, {len(after)} now")
    return differences


def _result_types(trace: dict) -> dict:
    functions = trace.get("functions", {})
    return {n: f.get("type") for n, f in functions.items() if isinstance(f, dict)} if isinstance(functions, dict) else {}


def _where(call: dict) -> str:
    location = call.get("location", {})
    steps = list(call.get("within", [])) + ([call] if "element" in call else [])
    element = "".join(f"[{s.get('element')}]" for s in steps)
    return f"{str(location.get('file', '')).rsplit('/', 1)[-1]}:{location.get('line')}:{location.get('column')}" + \
        (f" for {call.get('of') or 'element'}{element}" if element else "")


def _called(call: dict) -> str:
    arguments = call.get("arguments", {})
    from engine.trace.replay import plain_json
    return f"{call.get('function')}({', '.join(f'{k} = {plain_json(v)}' for k, v in arguments.items())})"
