"""iteration: which list element is being evaluated when a function is called, for the trace.

A call made inside `for x in ages return share(x)` (or `some`, `every`, a filter `L[C]`) is traced
with the element's position (from 0) and, when the list is a name, that name: the explanation then
says `share(a = 40), for ages[1], gave €14.00`. The position travels in a context variable that
the iteration sets and every call made meanwhile reads, in either evaluation path: the closures
(lists_eval._each) count the elements as they evaluate the body; the generated code hands the
body's generator expression to `indexed`, which sets the position around each step. Only a body
that calls a declared function is indexed, and only when tracing: nothing else needs it.
"""
from __future__ import annotations

import contextvars
from typing import Optional

from engine import ast

# The (position, list name or None) of the list elements being iterated where a call is made,
# outermost first, within the innermost function body (a call's own body starts afresh).
ITERATION: contextvars.ContextVar = contextvars.ContextVar("verdict_iteration", default=())


def calls_a_function(node, functions) -> bool:
    """Whether an expression calls a declared function (whose calls the trace records)."""
    if not functions:
        return False
    from engine.semantics.functions import called_in
    return bool(called_in(node, functions))


def list_name(source) -> Optional[str]:
    """The name of the list iterated, when it is one (`ages`, `household`), for the trace."""
    return source.name if isinstance(source, ast.Name) else None


def indexing(body, of: Optional[str]):
    """fn(ctx) → a body for one iteration (closures): each evaluation of it is the next element's."""
    position = [-1]

    def each(ctx):
        position[0] += 1
        token = ITERATION.set(ITERATION.get() + ((position[0], of),))
        try:
            return body(ctx)
        finally:
            ITERATION.reset(token)
    return each


def indexed(of: Optional[str], values):
    """The values of a generator expression (generated code), each computed with its element's
    position set: `tuple(indexed('ages', (share(x) for x in l0)))`."""
    position = 0
    while True:
        token = ITERATION.set(ITERATION.get() + ((position, of),))
        try:
            value = next(values)
        except StopIteration:
            return
        finally:
            ITERATION.reset(token)
        yield value
        position += 1


def kept(items, flags):
    """The filter `L[C]` from the truth of C on each element (generated code, indexed)."""
    return tuple(item for item, keep in zip(items, flags) if keep)

