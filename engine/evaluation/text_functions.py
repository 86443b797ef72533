"""text_functions: the functions on texts — upper, lower, string_length, substring, starts_with,
ends_with, and `contains` on a text — as FEEL defines them, with exact positions.

Their types are checked by engine.semantics.typecheck (`call_type`); both evaluation paths call the
implementations here, `substring` with the evaluation date and the call's place for its error.
"""
from __future__ import annotations

from engine.values import BOOL, INTEGER, TEXT

ARITIES = {"upper": (1, 1), "lower": (1, 1), "string_length": (1, 1), "substring": (2, 3),
           "starts_with": (2, 2), "ends_with": (2, 2)}
IMPLEMENTATIONS = {"upper": str.upper, "lower": str.lower, "string_length": len,
                   "starts_with": str.startswith, "ends_with": str.endswith}


def substring(as_of, span, text: str, start: int, length=None) -> str:
    """FEEL's substring: `start` counts from 1, or from the end when negative (-1: the last
    character); `length` characters at most."""
    if start == 0 or (length is not None and length < 0):
        from engine.evaluation.runtime import fail  # runtime holds these functions' implementations
        fail(as_of, span, "`substring` counts positions from 1 (or from -1 at the end), not from 0" if start == 0
             else f"`substring` cannot take a negative length ({length})")
    begin = start - 1 if start > 0 else max(0, len(text) + start)
    return text[begin:] if length is None else text[begin:begin + length]


def call_type(name: str, types: list, need):
    """The type of a call of one of these functions; `need(predicate, what, positions)` reports
    the arguments that are not what they must be."""
    if name == "substring":
        need(lambda t: t == TEXT, "a text", (0,))
        need(lambda t: t == INTEGER, "whole numbers (start, length)", (1, 2))
        return TEXT
    need(lambda t: t == TEXT, "texts", tuple(range(len(types))))
    if name in ("upper", "lower"):
        return TEXT
    if name == "string_length":
        return INTEGER
    return BOOL
