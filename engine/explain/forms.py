"""forms: a decision's plan and values straight from how its entry was built, for the trace
`Verdict.explain()` renders right after building it (engine/trace/forms.py's hints), instead of
cutting the entry again (explain_plan.split).

An entry made by a form's code is the form's skeleton with the form's values put in. So what
`split` finds in it — the shape, hence the plan, and where each of its values lies — is the same
for every entry of the form, in one context (language, titles, types: explain_plan.Context):
worked out once per form and context, from the skeleton with a marker in each value's place, and
kept only if `split` of the real entry gives that shape and those values. The hints are used only
for a trace no caller has held since it was built (engine/trace/verdict.py, Verdict.explain), so the
entry is what its form made. Bounded: KEPT forms and contexts, then the memory starts again.
"""
from __future__ import annotations

from typing import Optional

from engine.explain.plan import plan_of, split
from engine.trace.shapes import _Slot

KEPT = 4_096
_KEPT: dict = {}     # (form, context) -> (plan, picks, where the answer is), or None: split as ever
_NO_PLAN = object()


class _Marker:
    """A value's place in a form's entry (compared by identity)."""

    __slots__ = ("n",)

    def __init__(self, n: int):
        self.n = n


def planned(form, values: list, decision: dict, context, out, lang: str, fallback) -> Optional[tuple]:
    """(plan, the values its lines take, what a decision reading it says of it) of an entry made
    by `form` with `values`; None when the form has no plan (then explain_plan.split)."""
    key = (form, context)
    found = _KEPT.get(key, _NO_PLAN)
    if found is _NO_PLAN:
        found = _learn(form, values, decision, context, out, lang, fallback)
        if len(_KEPT) >= KEPT:
            _KEPT.clear()
        _KEPT[key] = found
    if found is None:
        return None
    plan, picks, answer = found
    return plan, [values[p] if p.__class__ is int else p[0] for p in picks], \
        (answer[0], values[answer[1]] if answer[1].__class__ is int else answer[1][0])


def _learn(form, values: list, decision: dict, context, out, lang: str, fallback) -> Optional[tuple]:
    marked = split(_marked(form.skeleton), lang, fallback)
    real = split(decision, lang, fallback)
    if marked is None or real is None or marked[0] != real[0]:
        return None
    picks = [(value.n if value.__class__ is _Marker else (value,)) for value in marked[1]]
    said, answer = marked[2]
    answer = (said, answer.n if answer.__class__ is _Marker else (answer,))
    plan = plan_of(real[0], context, out)
    found = (plan, picks, answer)
    taken = [values[p] if p.__class__ is int else p[0] for p in picks]
    if len(taken) != len(real[1]) or any(type(a) is not type(b) or a != b for a, b in zip(taken, real[1])) \
            or (answer[0], values[answer[1]] if answer[1].__class__ is int else answer[1][0]) != real[2]:
        return None
    return found


def _marked(value):
    """The skeleton with a marker in each value's place (its shared parts as they are)."""
    kind = type(value)
    if kind is _Slot:
        return _Marker(value.n)
    if kind is dict:
        return {key: _marked(item) for key, item in value.items()}
    if kind is list:
        return [_marked(item) for item in value]
    return value
