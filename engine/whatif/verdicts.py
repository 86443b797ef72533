"""Verdict.counterfactuals: the changes of a verdict's own facts, as of its own date.

A verdict keeps its facts and date in its trace but not the ruleset object; the ruleset is the
one given, or the one whose evaluation made the verdict (found from the verdict's trace builder),
and must be the ruleset the trace names (same sha256)."""
from __future__ import annotations

from engine.errors import Diagnostic, VerdictError


def verdict_counterfactuals(verdict, output, want=None, fixed=(), ruleset=None):
    from engine.ruleset import Ruleset
    from engine.whatif.search import counterfactuals
    trace = verdict.to_dict()
    if ruleset is None:
        ruleset = _maker(verdict, Ruleset)
    if ruleset is None:
        raise VerdictError(Diagnostic("error", "usage", "this verdict does not say which ruleset made it",
                                      hint="pass it: verdict.counterfactuals(output, ruleset=engine.load_ruleset(PATH))"))
    if ruleset.sha256 != trace["ruleset"]["sha256"]:
        raise VerdictError(Diagnostic("error", "usage", "the ruleset given is not the one that made this verdict",
                                      hint=f"the verdict names {trace['ruleset']['name']} {trace['ruleset']['version']}"))
    facts = dict(trace["facts"])
    return counterfactuals(ruleset, facts, output, want=want, fixed=fixed, as_of=trace["as_of"])


def _maker(verdict, ruleset_class):
    """The Ruleset reachable from the verdict's trace builder (a closure over the evaluator)."""
    seen, stack = set(), [getattr(verdict, "_builder", None)]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ruleset_class):
            return item
        ruleset = getattr(item, "ruleset", None)
        if isinstance(ruleset, ruleset_class):
            return ruleset
        stack.extend(c.cell_contents for c in (getattr(item, "__closure__", None) or ()) if _filled(c))
        stack.append(getattr(item, "__self__", None))
    return None


def _filled(cell) -> bool:
    try:
        cell.cell_contents
        return True
    except ValueError:
        return False
