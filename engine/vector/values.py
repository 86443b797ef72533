"""Column values of the vectorised path: one numpy array (or scalar) per value, exact.

    num   int64 mantissas and one decimal scale: value = mantissa / 10**scale. Integers have
          scale 0; money and numbers are exactly what Decimal would hold (28 digits never reached:
          an int64 has 19), so + - * and comparisons are those of Decimal, without rounding.
    bool  numpy bool
    sym   int32 codes into a vocabulary (an enumeration's symbols, or the country codes)
    date  int64 days since 1970-01-01
    text  numpy object array of str

Every value carries `bad`: the rows where it could not be computed here (a failed rule, a value
past int64, a fact refused). Those rows are evaluated again, one by one, by the per-case
evaluator (engine/vector/fallback.py), which gives the value or the error exactly.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Optional

import attrs
import numpy as np

from engine.durations import Months

EPOCH = dt.date(1970, 1, 1)
LIMIT = 2 ** 62            # a mantissa at or past this is marked bad: sums of two never wrap int64
_FLOAT_LIMIT = float(2 ** 61)  # products are checked in float64 with this margin
MAX_SCALE = 12             # more decimals than this is left to the per-case evaluator


class Unsupported(Exception):
    """This part of the rules is not vectorised; the decision is evaluated per case instead."""


@attrs.frozen
class V:
    kind: str                      # num bool sym date text record
    data: Any                      # numpy array, numpy scalar, or for a record a dict of V
    scale: int = 0                 # num only
    vocab: tuple = ()              # sym only
    bad: Optional[np.ndarray] = None
    # num only: a bound known for every |mantissa| (from the operands' bounds), so that an
    # operation on a million rows need not scan its result for int64 overflow; None: not known
    most: Optional[int] = None

    @property
    def is_scalar(self) -> bool:
        return self.kind != "record" and np.ndim(self.data) == 0


def either(a, b):
    """The union of two `bad` masks (None is no row)."""
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def with_bad(value: V, bad) -> V:
    return attrs.evolve(value, bad=either(value.bad, bad))


# ---------------------------------------------------------------------------- constants

# What a kind of vector value is, as a reason for evaluating a decision per case says it.
KIND_WORDS = {"date": "dates", "text": "texts", "bool": "booleans", "sym": "symbols",
              "obj": "values other than numbers (durations, records, lists)"}

def constant(python_value, type_name: str, vocab: tuple = ()) -> V:
    """A value written in the rules, or a parameter's: a scalar V."""
    if isinstance(python_value, bool):
        return V("bool", np.bool_(python_value))
    if type_name in ("integer", "number", "money") or isinstance(python_value, (int, Decimal)):
        mantissa, scale = decimal_parts(Decimal(python_value))
        return V("num", np.int64(mantissa), scale, most=abs(mantissa))
    if isinstance(python_value, dt.date):
        return V("date", np.int64((python_value - EPOCH).days))
    if type_name == "sym":
        return V("sym", np.int32(vocab.index(python_value) if python_value in vocab else -1), vocab=vocab)
    if isinstance(python_value, str):
        return V("text", np.array(python_value, dtype=object))
    if isinstance(python_value, (dt.timedelta, Months)):
        raise Unsupported("a duration (durations are evaluated per case)")
    raise Unsupported(f"a value of type {type(python_value).__name__}")


def decimal_parts(value: Decimal) -> tuple[int, int]:
    """(mantissa, scale) with value == mantissa / 10**scale, scale >= 0."""
    sign, digits, exponent = value.as_tuple()
    scale = max(0, -exponent)
    if scale > MAX_SCALE:
        raise Unsupported(f"{value} has more than {MAX_SCALE} decimals")
    mantissa = int(value.scaleb(scale))
    if abs(mantissa) >= LIMIT:
        raise Unsupported(f"{value} is past the int64 range")
    return mantissa, scale


# ---------------------------------------------------------------------------- numbers

def rescale(value: V, scale: int) -> V:
    """The same numbers with more decimals (exact); rows that would leave int64 become bad."""
    if scale == value.scale:
        return value
    if scale > MAX_SCALE:
        raise Unsupported(f"a computation needs more than {MAX_SCALE} decimals")
    factor = 10 ** (scale - value.scale)
    data = value.data * np.int64(factor)
    largest = bound(value)
    if largest < LIMIT // factor:
        return V("num", data, scale, bad=value.bad, most=largest * factor)
    over = np.abs(value.data) >= LIMIT // factor
    return V("num", data, scale, bad=either(value.bad, over) if np.any(over) else value.bad)


def magnitude(data) -> int:
    """The largest |value| (two reductions, no temporary array)."""
    if np.size(data) == 0:
        return 0
    return max(-int(np.min(data)), int(np.max(data)))


def bound(value: V) -> int:
    """A bound of every |mantissa|: the one carried, or the largest, scanned."""
    return value.most if value.most is not None else magnitude(value.data)


def align(a: V, b: V) -> tuple[V, V]:
    scale = max(a.scale, b.scale)
    return rescale(a, scale), rescale(b, scale)


def _bounded(data, scale: int, bad, over=None, most=None) -> V:
    if over is None:
        if most is None or most >= LIMIT:
            most = magnitude(data)
        if most < LIMIT:
            return V("num", data, scale, bad=bad, most=most)
        over = np.abs(data) >= LIMIT
    return V("num", data, scale, bad=either(bad, over) if np.any(over) else bad)


def add(a: V, b: V, sign: int = 1) -> V:
    a, b = align(a, b)
    data = a.data + b.data if sign > 0 else a.data - b.data
    return _bounded(data, a.scale, either(a.bad, b.bad), most=bound(a) + bound(b))


def multiply(a: V, b: V) -> V:
    scale = a.scale + b.scale
    if scale > MAX_SCALE:
        raise Unsupported(f"a product with more than {MAX_SCALE} decimals")
    bad = either(a.bad, b.bad)
    largest = bound(a) * bound(b)
    if largest < LIMIT:
        return V("num", a.data * b.data, scale, bad=bad, most=largest)  # no row can leave int64
    estimate = np.abs(np.asarray(a.data, dtype=np.float64)) * np.abs(np.asarray(b.data, dtype=np.float64))
    return _bounded(a.data * b.data, scale, bad, estimate >= _FLOAT_LIMIT)


def negate(a: V) -> V:
    return attrs.evolve(a, data=-a.data)


def round_half_up(a: V, scale: int) -> V:
    """Decimal.quantize(10**-scale, ROUND_HALF_UP): to fewer decimals, halves away from zero."""
    if a.scale <= scale:
        return rescale(a, scale)
    q = np.int64(10 ** (a.scale - scale))
    magnitude = (np.abs(a.data) + q // 2) // q
    most = None if a.most is None else (a.most + int(q) // 2) // int(q)
    return V("num", np.where(a.data < 0, -magnitude, magnitude), scale, bad=a.bad, most=most)


def floor_to(a: V, scale: int, ceiling: bool = False) -> V:
    if a.scale <= scale:
        return rescale(a, scale)
    q = np.int64(10 ** (a.scale - scale))
    data = -((-a.data) // q) if ceiling else a.data // q
    return V("num", data, scale, bad=a.bad)


# ---------------------------------------------------------------------------- declared ranges

def with_range(value: V, range_, type_) -> V:
    """The value, bad where it lies outside a declared range (of a fact or of a decision)."""
    if value.kind == "num" and np.size(value.data) and _within(range_, V("num", np.min(value.data), value.scale), type_) \
            and _within(range_, V("num", np.max(value.data), value.scale), type_):
        return value  # the smallest and the largest are in range: every value is
    outside = None
    if range_.lo is not None:
        low = compare(">=" if range_.lo_closed else ">", value, constant(range_.lo, type_.name))
        outside = ~np.asarray(low.data)
    if range_.hi is not None:
        high = compare("<=" if range_.hi_closed else "<", value, constant(range_.hi, type_.name))
        outside = either(outside, ~np.asarray(high.data))
    if outside is not None and np.ndim(outside) and not outside.any():
        outside = None
    return with_bad(value, outside)


def _within(range_, value: V, type_) -> bool:
    for bound, op in ((range_.lo, ">=" if range_.lo_closed else ">"), (range_.hi, "<=" if range_.hi_closed else "<")):
        if bound is not None and not bool(compare(op, value, constant(bound, type_.name)).data):
            return False
    return True


# ---------------------------------------------------------------------------- comparisons

_COMPARE = {"=": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
            ">": np.greater, ">=": np.greater_equal}


def compare(op: str, a: V, b: V) -> V:
    bad = either(a.bad, b.bad)
    if a.kind == "num" and b.kind == "num":
        a, b = align(a, b)
        bad = either(bad, either(a.bad, b.bad))
        return V("bool", _COMPARE[op](a.data, b.data), bad=bad)
    if a.kind == "sym" and b.kind == "sym":
        left, right = a.data, recode(b, a.vocab)
        if op not in ("=", "!="):
            raise Unsupported("an order between symbols")
        return V("bool", _COMPARE[op](left, right), bad=bad)
    if a.kind == b.kind and a.kind in ("bool", "date", "text"):
        if a.kind != "date" and op not in ("=", "!="):
            raise Unsupported(f"an order between {a.kind} values")
        return V("bool", np.asarray(_COMPARE[op](a.data, b.data), dtype=bool) if a.kind == "text"
                 else _COMPARE[op](a.data, b.data), bad=bad)
    raise Unsupported(f"a comparison of {a.kind} with {b.kind}")


def recode(value: V, vocab: tuple):
    """The codes of a symbol value in another vocabulary (-2 for a symbol absent from it)."""
    if value.vocab == vocab:
        return value.data
    table = np.array([vocab.index(s) if s in vocab else -2 for s in value.vocab] + [-2], dtype=np.int32)
    return table[value.data]  # code -1 (unknown) reads the last entry


def select(condition, when_true: V, when_false: V) -> V:
    """`if condition then a else b`, row by row."""
    if when_true.kind != when_false.kind:
        raise Unsupported("branches of different kinds")
    bad = either(condition.bad, _where(condition.data, when_true.bad, when_false.bad))
    if when_true.kind == "num":
        when_true, when_false = align(when_true, when_false)
        bad = either(bad, _where(condition.data, when_true.bad, when_false.bad))
    if when_true.kind == "sym":
        return V("sym", np.where(condition.data, when_true.data, recode(when_false, when_true.vocab)),
                 vocab=when_true.vocab, bad=bad)
    most = None if when_true.most is None or when_false.most is None else max(when_true.most, when_false.most)
    return attrs.evolve(when_true, data=np.where(condition.data, when_true.data, when_false.data), bad=bad,
                        most=most if when_true.kind == "num" else None)


def _where(condition, a, b):
    if a is None and b is None:
        return None
    a = np.zeros(1, bool) if a is None else a
    b = np.zeros(1, bool) if b is None else b
    return np.where(condition, a, b)


def full(value: V, n: int) -> V:
    """A value as an array of n rows (scalars broadcast)."""
    if value.kind == "record":
        return attrs.evolve(value, data={k: full(v, n) for k, v in value.data.items()})
    data = value.data
    if np.ndim(data) == 0:
        data = np.full(n, data, dtype=np.asarray(data).dtype)
    bad = value.bad
    if bad is not None and np.ndim(bad) == 0:
        bad = np.full(n, bool(bad))
    return attrs.evolve(value, data=data, bad=bad)
