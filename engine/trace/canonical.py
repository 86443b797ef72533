"""canonical: the canonical bytes of a trace (docs/trace-format.md, *Digest and signature*)
put together from pieces made once, instead of `json.dumps(sort_keys=True)` of the whole trace.

Canonical JSON is compositional: the canonical text of an object is its keys, sorted, each with
the canonical text of its value. So the part of a trace entry that does not depend on the facts
(a rule's id, line, source, its `because` text in every language, a column's title and type) is
written once per table version and row, as a *template*: the canonical text of the entry built
with a marker in place of each value that changes, cut at the markers. A trace's canonical text
is then the templates with the canonical text of the few changing values put back. The bytes are
exactly those of `trace_json.canonical_bytes` (tests/test_trace_canonical.py holds them equal on
every trace of the bundled ruleset and on random facts); whoever verifies a trace still
recomputes them with any JSON library.
"""
from __future__ import annotations

import json
import re
from json.encoder import c_make_encoder, encode_basestring

_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _refuse(value):
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# _ENCODER's own C encoder, made once: JSONEncoder.encode makes a new one for every call (a third
# of the time of a small value's text). No check for cycles: a trace is a tree.
_C_ENCODER = c_make_encoder(None, _refuse, encode_basestring, None, ":", ",", True, False, False) \
    if c_make_encoder is not None else None
_MARK = "\ue000verdict-slot-{}\ue000"  # a private-use character: written as is, never escaped
_MARKS = re.compile('"\ue000verdict-slot-([0-9]+)\ue000"')


def canon(value) -> str:
    """The canonical text of a JSON-ready value (sorted keys, no spaces, UTF-8 as is)."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if _C_ENCODER is not None:
        return "".join(_C_ENCODER(value, 0))
    return _ENCODER.encode(value)


def mark(n: int) -> str:
    """The marker of slot n, to build a template's skeleton with."""
    return _MARK.format(n)


class Template:
    """The canonical text of a skeleton, cut where its markers were: `fill(texts)` puts the
    canonical text of each slot's value back (texts[n] for slot n). `slots`: the numbers of the
    markers the skeleton holds, each once."""

    __slots__ = ("pieces", "order")

    def __init__(self, skeleton, slots):
        text = canon(skeleton)
        found = _MARKS.split(text)
        self.pieces = found[0::2]
        self.order = tuple(int(n) for n in found[1::2])
        if sorted(self.order) != sorted(slots) or "\ue000verdict-slot-" in "".join(self.pieces):
            # a rule's text holds the marker itself (hostile, or the strangest coincidence): no template
            raise ValueError("marker in the constant text")

    def fill(self, texts) -> str:
        pieces = self.pieces
        out = [pieces[0]]
        for piece, n in zip(pieces[1:], self.order):
            out.append(texts[n])
            out.append(piece)
        return "".join(out)


def marked_pieces(text: str) -> tuple:
    """A canonical text made with markers cut at them: (the constant pieces, the slot number of
    each marker in the order of the text; a slot may come back). ValueError if a constant piece
    holds the marker itself."""
    found = _MARKS.split(text)
    pieces = found[0::2]
    if "\ue000verdict-slot-" in "".join(pieces):
        raise ValueError("marker in the constant text")
    return pieces, tuple(int(n) for n in found[1::2])


def template_or_none(skeleton, slots):
    try:
        return Template(skeleton, slots)
    except ValueError:
        return None
