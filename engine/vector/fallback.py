"""fallback: what the vectorised path leaves to the per-case evaluator, and how it is asked.

Two cases. A decision the plan cannot vectorise is computed row by row by the generated code
(`Ruleset.decision_function`). A case whose output could not be computed here (a rule that
fails, a fact refused, a value past int64) is evaluated again whole by `Ruleset.evaluate`:
its value, or its status and message, are then exactly the per-case evaluator's.
"""
from __future__ import annotations

import decimal

import numpy as np

from engine.errors import EvaluationError, VerdictError
from engine.values import ENGINE_CONTEXT
from engine.vector.columns import from_python, to_python
from engine.vector.values import either

ANSWERED, NO_ANSWER, ERROR = 0, 1, 2
STATUS_LABELS = ("answered", "no_answer", "error")


def decision_values(ruleset, day, columns, name: str):
    """The values of decision `name` for every row, by the generated code, as a vector value."""
    model = ruleset.model
    function = ruleset.decision_function(name, day)
    needed = function.inputs
    n = columns.n
    bad = None
    arguments = {}
    every_row = np.arange(n)
    for input_name in needed:
        value = columns.values[input_name]
        bad = either(bad, value.bad)
        arguments[input_name] = to_python(value, model.inputs[input_name].type, every_row)
    skip = np.zeros(n, dtype=bool) if bad is None else np.broadcast_to(bad, (n,))
    results = []
    with decimal.localcontext(ENGINE_CONTEXT):
        for row in range(n):
            if skip[row]:
                results.append(None)
                continue
            try:
                results.append(function(**{k: v[row] for k, v in arguments.items()}))
            except (EvaluationError, ArithmeticError, RecursionError):
                results.append(None)
    results = [list(r) if isinstance(r, tuple) else r for r in results]
    return from_python(results, model.decisions[name].type)


def evaluate_case(ruleset, columns, row: int, day, name: str):
    """(status, value, message) of one output for one case, by `Ruleset.evaluate`."""
    facts = {input_name: read(row) for input_name, read in columns.raw.items()}
    try:
        verdict = ruleset.evaluate(facts, as_of=day, outputs=[name], trace=False)
    except VerdictError as error:
        diagnostics = getattr(error, "diagnostics", [])
        message = "; ".join(d.message for d in diagnostics) or str(error)
        no_answer = isinstance(error, EvaluationError) and any(d.code == "no-answer" for d in diagnostics)
        return (NO_ANSWER if no_answer else ERROR), None, message
    return ANSWERED, verdict.outputs[name], None
