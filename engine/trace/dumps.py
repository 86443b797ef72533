"""dumps: the trace's two byte forms — indented for people and files, canonical for digests."""
from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring

from engine.trace.shared import SharedDict, SharedList

# json.dumps(indent=...) never uses the C encoder; for the plain data of a trace this gives the
# same text two to three times faster. Anything else raises TypeError, and json.dumps does it.
_SCALARS = {type(None): lambda v: "null", bool: lambda v: "true" if v else "false", int: int.__repr__,
            str: encode_basestring}


def dumps_indented(value) -> str:
    parts = []
    _dump(value, parts.append, "\n")
    return "".join(parts)


def _dump(value, put, newline: str):
    kind = type(value)
    if kind is dict or kind is SharedDict:
        if not value:
            put("{}")
            return
        inner = newline + "  "
        opening, between = "{" + inner, "," + inner
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(key)
            scalar = _SCALARS.get(type(item))
            if scalar is not None:
                put(f"{opening}{encode_basestring(key)}: {scalar(item)}")
            else:
                put(f"{opening}{encode_basestring(key)}: ")
                _dump(item, put, inner)
            opening = between
        put(newline + "}")
    elif kind is list or kind is SharedList:
        if not value:
            put("[]")
            return
        inner = newline + "  "
        opening, between = "[" + inner, "," + inner
        for item in value:
            scalar = _SCALARS.get(type(item))
            if scalar is not None:
                put(opening + scalar(item))
            else:
                put(opening)
                _dump(item, put, inner)
            opening = between
        put(newline + "]")
    else:
        scalar = _SCALARS.get(kind)
        if scalar is None:
            raise TypeError(kind)
        put(scalar(value))


def canonical_bytes(trace: dict) -> bytes:
    """The bytes a trace's digest and signature cover: every key but `digest` and `signature`,
    keys sorted, no spaces, UTF-8. Any reader can recompute them with its own JSON library."""
    content = {k: v for k, v in trace.items() if k not in ("digest", "signature")}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def digest_of(trace: dict) -> str:
    return hashlib.sha256(canonical_bytes(trace)).hexdigest()
