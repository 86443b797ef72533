"""shared: the parts of a trace that do not depend on the facts, made once and shared by
every trace of the same shape (trace/shapes.py) — read-only, so that no trace can change another.

A compact trace is mostly such parts: the ruleset's name and hash, the labels in every language,
each rule that fired with its `because` texts, the sources cited. Building them afresh for each
verdict cost more than the evaluation itself. They are `dict` and `list` still (json, `==`,
`isinstance` and every reader of a trace see no difference), but any change raises TypeError; a
copy (`copy.deepcopy(trace)`, `pickle`, `json.loads(json.dumps(trace))`) is plain and can be changed.
"""
from __future__ import annotations

_MESSAGE = ("this part of a verdict's trace is shared with other traces and cannot be changed; "
            "change a copy: copy.deepcopy(trace)")


def _refuse(self, *args, **kwargs):
    raise TypeError(_MESSAGE)


class SharedDict(dict):
    """A dict of a trace that other traces hold too."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):  # pickled and copied as the plain dict it reads as
        return (dict, (dict(self),))

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        from copy import deepcopy
        return {key: deepcopy(value, memo) for key, value in self.items()}


class SharedList(list):
    """A list of a trace that other traces hold too."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = clear = extend = insert = pop = remove = reverse = sort = _refuse

    def __reduce__(self):
        return (list, (list(self),))

    def __copy__(self):
        return list(self)

    def __deepcopy__(self, memo):
        from copy import deepcopy
        return [deepcopy(value, memo) for value in self]


def shared(value):
    """A JSON-ready value, its dicts and lists made read-only all the way down."""
    kind = type(value)
    if kind is dict or kind is SharedDict:
        return SharedDict({key: shared(item) for key, item in value.items()})
    if kind is list or kind is SharedList:
        return SharedList([shared(item) for item in value])
    return value
