"""context: the engine's decimal context (values.ENGINE_CONTEXT) set for one evaluation,
without copying a context each time.

`decimal.localcontext(ENGINE_CONTEXT)` copies the context on every entry: for an untraced verdict
that copy was a tenth of the time. Each thread instead keeps one copy of its own, made once,
which `decimal.setcontext` installs for the evaluation and the caller's context replaces after.
Only the copy's flags change between evaluations (signals that were not trapped), and nothing
reads them: a trapped signal raises on its own occurrence, whatever the flags say.
"""
from __future__ import annotations

import threading
from decimal import Context

from engine.values import ENGINE_CONTEXT

_THREAD = threading.local()


def thread_engine_context() -> Context:
    """This thread's copy of ENGINE_CONTEXT (never a shared object: a context is not thread-safe)."""
    try:
        return _THREAD.context
    except AttributeError:
        context = _THREAD.context = ENGINE_CONTEXT.copy()
        return context
