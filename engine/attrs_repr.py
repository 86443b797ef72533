"""attrs_repr: attrs' own `__repr__` for a frozen class, written once instead of once per class.

    @frozen                      # for @attrs.frozen: the same attrs class,
    class Status:                # its __repr__ this module's one
        state: str

attrs writes the source of a `__repr__` for each class and compiles it when the class is made:
for the two dozen frozen classes outside the AST that every `verdict` command imports (spans,
diagnostics, types, the model, the plans, statuses) about 3.5 ms of each run, for a text that
is almost never asked for. This one gives the same text — `Name(field=value, ...)`, the fields
attrs shows (not those with `repr=False`; a field's own repr function when it has one), `...` for
an object met again inside itself — reading the class's fields when called
(tests/test_attrs_repr.py holds it to attrs' own). The AST's nodes share theirs in engine/ast.py.
"""
from __future__ import annotations

import threading

import attrs

_SHOWING = threading.local()  # ids of the objects whose repr is being made, in this thread


def frozen(cls=None, **options):
    """attrs.frozen(cls, **options), with this module's __repr__."""
    def make(target):
        made = attrs.frozen(target, repr=False, **options)
        made.__repr__ = attrs_repr
        return made
    return make(cls) if cls is not None else make


def attrs_repr(self) -> str:
    showing = getattr(_SHOWING, "ids", None)
    if showing is None:
        showing = _SHOWING.ids = set()
    if id(self) in showing:
        return "..."
    showing.add(id(self))
    try:
        parts = []
        for field in self.__attrs_attrs__:
            if field.repr is False:
                continue
            value = getattr(self, field.name) if field.init else getattr(self, field.name, attrs.NOTHING)
            parts.append(f"{field.name}={value!r}" if field.repr is True else f"{field.name}={field.repr(value)}")
        return f"{self.__class__.__qualname__.rsplit('>.', 1)[-1]}({', '.join(parts)})"
    finally:
        showing.remove(id(self))
