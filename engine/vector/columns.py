"""columns: the input columns of a table of cases → vector values, checked as facts are.

A column may be a pyarrow Array or ChunkedArray, a numpy array, a pandas Series, or a list; a
whole table a pyarrow Table or RecordBatch, a pandas DataFrame or a mapping of name → column.
Arrow's own types are read without a loop in Python: integers, bool, date32, decimal128 (exact
money), strings and dictionaries (symbols). Anything else (floats, Decimal objects, strings of
digits, lists) goes value by value through engine.values.coerce_fact, the very check of a fact.
A value that check refuses makes its row `bad`; the per-case evaluator then gives the error.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable, Mapping

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine.errors import Diagnostic, FactError, suggestion_hint
from engine.semantics.graph import required_inputs
from engine.semantics.model import NO_DEFAULT
from engine.values import MAX_MAGNITUDE, MAX_TEXT_LENGTH, coerce_fact
from engine.vector import values as vv
from engine.vector.plan import kind_of, vocab_of
from engine.vector.values import MAX_SCALE, V, either

_MAGNITUDE = int(MAX_MAGNITUDE)


@attrs.frozen
class Columns:
    n: int
    values: dict      # input name -> V
    raw: dict         # input name -> fn(row) -> the value as given, for the per-case evaluator


def named_columns(columns) -> dict:
    """name → column, for every form of table accepted."""
    if isinstance(columns, (pa.Table, pa.RecordBatch)):
        return {name: columns.column(name) for name in columns.column_names}
    if hasattr(columns, "columns") and hasattr(columns, "__getitem__") and not isinstance(columns, Mapping):
        return {str(name): columns[name] for name in columns.columns}  # a pandas DataFrame
    if isinstance(columns, Mapping):
        return dict(columns)
    raise FactError(Diagnostic("error", "fact-type", f"a table of cases must be a pyarrow Table, a pandas "
                               f"DataFrame or a mapping of input name → column, got {type(columns).__name__}"))


def read_columns(ruleset, columns, day: dt.date, outputs) -> Columns:
    given = named_columns(columns)
    inputs = ruleset.model.inputs
    problems = []
    for name in given:
        if name not in inputs:
            problems.append(Diagnostic("error", "unknown-fact", f"unknown column `{name}`",
                                       hint=suggestion_hint(name, inputs) or f"the inputs are: {', '.join(inputs)}"))
    for name in required_inputs(ruleset.model, outputs, day):
        if name not in given and inputs[name].default is NO_DEFAULT:
            info = inputs[name]
            problems.append(Diagnostic("error", "missing-fact", f"missing column `{name}` ({info.type.describe()})",
                                       hint=info.decl.description or None))
    arrays = {name: _as_arrow_or_list(column) for name, column in given.items()}
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) > 1:
        shown = ", ".join(f"{name}: {len(a):,}" for name, a in arrays.items())
        problems.append(Diagnostic("error", "fact-type", f"the columns have different lengths ({shown})"))
    if problems:
        raise FactError(problems)
    n = lengths.pop() if lengths else 0
    values = {name: _read(name, inputs[name], array, n) for name, array in arrays.items()}
    raw = {name: _raw_reader(array) for name, array in arrays.items()}  # in the order given, as facts
    for name, info in inputs.items():
        if name not in arrays and info.default is not NO_DEFAULT:
            values[name] = from_python([info.default], info.type) if kind_of(info.type) == "obj" else \
                _scalar(info.default, info.type)
    return Columns(n, values, raw)


def _as_arrow_or_list(column):
    if isinstance(column, pa.ChunkedArray):
        # combine_chunks copies even a single chunk (a whole column per call)
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    if isinstance(column, pa.Array):
        return column
    if isinstance(column, np.ndarray):
        return list(column) if column.dtype == object else pa.array(column)
    if hasattr(column, "to_numpy") and hasattr(column, "dtype"):  # a pandas Series
        try:
            return pa.Array.from_pandas(column)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return list(column)
    return list(column)


def _raw_reader(array) -> Callable:
    if isinstance(array, pa.Array):
        return lambda row: array[row].as_py()
    return lambda row: array[row]


def _scalar(value, type_) -> V:
    kind = kind_of(type_)
    return vv.constant(value, "sym" if kind == "sym" else type_.name, vocab_of(type_))


# ---------------------------------------------------------------------------- one column

def _read(name: str, info, array, n: int) -> V:
    kind = kind_of(info.type)
    value = None
    if isinstance(array, pa.Array):
        value = _from_arrow(kind, info.type, array)
    if value is None:  # value by value, exactly as a fact
        items = array.to_pylist() if isinstance(array, pa.Array) else array
        value = from_python([_coerced(name, info, item) for item in items], info.type)
    if info.range is not None and value.kind == "num":
        value = vv.with_range(value, info.range, info.type)
    return vv.full(value, n)


def _coerced(name, info, item):
    try:
        return coerce_fact(name, info.type, item, info.range)
    except FactError:
        return None


def _from_arrow(kind: str, type_, array: pa.Array):
    nulls = array.is_null().to_numpy(zero_copy_only=False) if array.null_count else None
    kind_of_array = array.type
    if kind == "bool" and pa.types.is_boolean(kind_of_array):
        return V("bool", _filled(array, False).to_numpy(zero_copy_only=False), bad=nulls)
    if kind == "num" and pa.types.is_integer(kind_of_array) and not pa.types.is_uint64(kind_of_array):
        data = _filled(array, 0).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        largest = vv.magnitude(data)
        bad = either(nulls, _over(np.abs(data) >= _MAGNITUDE)) if largest >= _MAGNITUDE else nulls
        if type_.name == "money":  # whole euros → cents
            return V("num", data * 100, 2, bad=bad, most=largest * 100)
        return V("num", data, 0, bad=bad, most=largest)
    if kind == "num" and pa.types.is_decimal(kind_of_array) and kind_of_array.scale <= MAX_SCALE \
            and type_.name in ("money", "number"):
        return _from_decimal(type_, array, nulls)
    if kind == "date" and pa.types.is_date32(kind_of_array):
        return V("date", _filled(array, 0).cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64), bad=nulls)
    if kind == "sym" and (pa.types.is_string(kind_of_array) or pa.types.is_large_string(kind_of_array)
                          or pa.types.is_dictionary(kind_of_array)):
        encoded = array if pa.types.is_dictionary(kind_of_array) else pc.dictionary_encode(array)
        vocab = vocab_of(type_)
        index = {symbol: code for code, symbol in enumerate(vocab)}
        table = np.array([index.get(s, -1) for s in encoded.dictionary.to_pylist()] + [-1], dtype=np.int32)
        positions = _filled(encoded.indices, len(table) - 1).to_numpy(zero_copy_only=False)
        if encoded.indices.null_count == 0 and np.array_equal(table[:-1], np.arange(len(table) - 1)):
            codes = positions.astype(np.int32, copy=False)  # the dictionary is the vocabulary, in order
        else:
            codes = table[positions]
        return V("sym", codes, vocab=vocab, bad=either(nulls, _over(codes < 0)))
    if kind == "text" and (pa.types.is_string(kind_of_array) or pa.types.is_large_string(kind_of_array)):
        long = pc.greater(pc.utf8_length(array), MAX_TEXT_LENGTH).fill_null(False).to_numpy(zero_copy_only=False)
        return V("text", array.to_numpy(zero_copy_only=False), bad=either(nulls, _over(long)))
    return None


def _filled(array: pa.Array, value) -> pa.Array:
    return array.fill_null(value) if array.null_count else array


def _over(mask):
    return mask if mask.any() else None


def _from_decimal(type_, array: pa.Array, nulls) -> V:
    """decimal128 → int64 mantissas, without a Python loop: its values are 128-bit integers."""
    scale = array.type.scale
    if pa.types.is_decimal256(array.type):
        array = array.cast(pa.decimal128(38, scale))
    words = np.frombuffer(array.buffers()[1], dtype=np.int64)[2 * array.offset: 2 * (array.offset + len(array))]
    low, high = words[0::2], words[1::2]
    data = np.ascontiguousarray(low)
    if nulls is not None:
        data = data.copy()
        data[nulls] = 0
    bad = nulls
    smallest, largest = (int(data.min()), int(data.max())) if len(data) else (0, 0)
    if not (len(data) == 0 or (smallest >= 0 and not high.any())):
        bad = either(bad, _over(high != (low >> 63)))  # past int64: per case
    most = max(-smallest, largest)
    if most >= _MAGNITUDE * 10 ** scale:
        bad = either(bad, _over(np.abs(data) >= _MAGNITUDE * 10 ** scale))
    if type_.name == "money":
        if scale > 2:
            factor = np.int64(10 ** (scale - 2))
            bad = either(bad, _over(data % factor != 0))  # more than cents: the fact is refused
            data, scale, most = data // factor, 2, most // int(factor) + 1
        elif scale < 2:
            data, scale, most = data * np.int64(10 ** (2 - scale)), 2, most * 10 ** (2 - scale)
    return V("num", data, scale, bad=bad, most=most)


# ---------------------------------------------------------------------------- Python values

def from_python(items: list, type_) -> V:
    """Engine values (None: a row that failed) → a vector value of the type's kind."""
    kind = kind_of(type_)
    missing = np.array([item is None for item in items], dtype=bool)
    bad = missing if missing.any() else None
    if kind == "bool":
        return V("bool", np.array([bool(item) for item in items], dtype=bool), bad=bad)
    if kind == "num":
        if type_.name == "integer":
            return V("num", np.array([0 if item is None else item for item in items], dtype=np.int64), 0, bad=bad)
        numbers = [Decimal(0) if item is None else Decimal(item) for item in items]
        scale = max([max(0, -d.as_tuple().exponent) for d in numbers if d.is_finite()] + [0])
        if scale > MAX_SCALE:
            deep = np.array([-d.as_tuple().exponent > MAX_SCALE for d in numbers], dtype=bool)
            bad, scale = either(bad, deep), MAX_SCALE
            numbers = [Decimal(0) if too_deep else d for d, too_deep in zip(numbers, deep)]
        mantissas = [int(d.scaleb(scale)) for d in numbers]
        over = np.array([abs(m) >= vv.LIMIT for m in mantissas], dtype=bool)
        if over.any():
            bad = either(bad, over)
            mantissas = [0 if o else m for m, o in zip(mantissas, over)]
        return V("num", np.array(mantissas, dtype=np.int64), scale, bad=bad)
    if kind == "date":
        return V("date", np.array([0 if item is None else (item - vv.EPOCH).days for item in items],
                                  dtype=np.int64), bad=bad)
    if kind == "sym":
        vocab = vocab_of(type_)
        index = {symbol: code for code, symbol in enumerate(vocab)}
        codes = np.array([index.get(item, -1) for item in items], dtype=np.int32)
        unknown = codes < 0
        return V("sym", np.where(unknown, 0, codes).astype(np.int32), vocab=vocab,
                 bad=either(bad, unknown) if unknown.any() else bad)
    data = np.empty(len(items), dtype=object)
    data[:] = items
    return V("text" if kind == "text" else "obj", data, bad=bad)


def to_python(value: V, type_, rows) -> list:
    """The engine values of some rows of a vector value (for the per-case evaluator)."""
    kind = value.kind
    data = value.data
    picked = data if np.ndim(data) == 0 else data[rows]
    if np.ndim(picked) == 0:
        picked = np.full(len(rows), picked)
    if kind == "num":
        if type_.name == "integer" and value.scale == 0:
            return [int(m) for m in picked]
        return [Decimal(int(m)).scaleb(-value.scale) for m in picked]
    if kind == "bool":
        return [bool(b) for b in picked]
    if kind == "date":
        return [vv.EPOCH + dt.timedelta(days=int(d)) for d in picked]
    if kind == "sym":
        return [value.vocab[int(c)] for c in picked]
    return list(picked)
