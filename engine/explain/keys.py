"""keys: what the lines a plan gives (engine/explain/plan.py) depend on besides its shape,
as a key that two sets of values share only if they are written alike.

`1 == True` and `hash(1) == hash(True)`, so values are keyed with their classes; a float or a
Decimal is not keyed at all (`0.0 == -0.0`, `Decimal("1.0") == Decimal("1")`, each written its own
way); a list or a record becomes a tuple of its items with their classes. A symbol is written with
the words of the trace that holds it, which differ from one trace to another (each carries the
symbols its values use), so the words for the symbols among the values are part of the key, and
those for yes and no.
"""
from __future__ import annotations

from typing import Optional

from engine.trace.shared import SharedDict, SharedList

# the read-only, shared parts of a trace (engine/trace/shared.py) read as the dicts and lists they are
_LISTS = frozenset((list, SharedList))
_CONTAINERS = frozenset((list, dict, SharedList, SharedDict))


def rendered_key(part, values: list, symbolic: tuple, symbols: dict, yes_no: tuple) -> Optional[tuple]:
    """What the lines of `part` (a plan, or the node of its decision for what it rests on: both
    belong to one context, so to one language and one set of titles) depend on besides its shape:
    the values, each with its class (`1 == True` to a dict, but one is `1` and the other `yes`),
    and the trace's words for yes and no (`yes_no`) and for the values at `symbolic` (whose type
    is a symbol: no other is written with them); None if a value is not JSON (not kept)."""
    classes = tuple(map(type, values))
    plain = _PLAIN_CLASSES.get(classes)
    if plain is None:
        plain = _plain_classes(classes)
    if plain is False:
        return None
    if not symbolic and plain is True:
        return part, tuple(values), classes, yes_no
    said = list(yes_no)
    for index in symbolic:
        if values[index].__class__ is str:
            said.append(symbols.get(values[index]))
    if plain is not True:  # a list or a record: a tuple, its symbols' words in `said`
        kept = []
        for value in values:
            if value.__class__ in _CONTAINERS:
                value = frozen(value, said, symbols)
                if value is None:
                    return None
            kept.append(value)
        values = kept
    for word in said:
        if word is not None and word.__class__ is not str:
            return None
    return part, tuple(values), classes, tuple(said)


# Values of these classes are equal only if they are written alike (not so Decimal("1.0") and
# Decimal("1"), or 0.0 and -0.0): a float, a Decimal or another class is never kept. `object`:
# the markers of engine/explain/plan.py, equal to themselves alone.
_SCALARS = frozenset((str, int, bool, type(None), object))
_PLAIN_CLASSES: dict = {}  # the classes of a list of values → True (all scalars), "frozen" (lists, records too), False


def _plain_classes(classes: tuple):
    found = True
    for kind in classes:
        if kind in _CONTAINERS:
            found = "frozen"
        elif kind not in _SCALARS:
            found = False
            break
    if len(_PLAIN_CLASSES) >= 4_096:
        _PLAIN_CLASSES.clear()
    _PLAIN_CLASSES[classes] = found
    return found


def yes_no(symbols: dict) -> Optional[tuple]:
    """The trace's words for true and false (None for either it does not have), or None if one is not text."""
    words = (symbols.get("true"), symbols.get("false"))
    for word in words:
        if word is not None and word.__class__ is not str:
            return None
    return words


def symbolic(code) -> bool:
    """Whether a value of this type code may be written with the trace's symbols (Reading.value)."""
    if isinstance(code, str):
        return "symbol" in code
    return isinstance(code, dict) and any(symbolic(part) for part in code.values())


def frozen(value, said: list, symbols: dict):
    """A list or record as a tuple that tells its items' classes apart, the symbols among them in
    `said`; None for anything else in it (a float, another class)."""
    if value.__class__ in _LISTS:
        items = [(item.__class__, item) for item in value]
    else:
        items = [(key, item.__class__, item) for key, item in value.items()]
        if any(key.__class__ is not str for key, _kind, _item in items):
            return None
    out = [value.__class__]
    for *head, kind, item in items:
        if kind in _CONTAINERS:
            item = frozen(item, said, symbols)
            if item is None:
                return None
        elif kind not in _SCALARS:
            return None
        elif kind is str:
            said.append(symbols.get(item))
        out.append((*head, kind, item))
    return tuple(out)
