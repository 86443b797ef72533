"""result: the outputs of a table of cases as Arrow columns, with a status per case and output.

Arrow holds what the engine means exactly: money and numbers as decimal128 (no float), symbols
as dictionary arrays, dates as date32, and a null where a case has no value.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

import attrs
import numpy as np
import pyarrow as pa

from engine.vector.durations import arrow_items, arrow_type, python_values
from engine.vector.fallback import STATUS_LABELS
from engine.values import MONEY
from engine.vector.values import V, rescale


@attrs.frozen
class TableResult:
    """The verdicts of n cases, column by column.

    outputs:  name -> pyarrow Array (null where the case has no value)
    status:   name -> numpy int8 array: 0 answered, 1 no_answer, 2 error (STATUS_LABELS)
    messages: name -> {row: the per-case evaluator's message} for every case not answered
    trace:    decision -> numpy int32 array, the number of the table row that fired (as
              `Row.number`: the n-th data row of the table), 0 for none; None unless asked for
    per_case: decision -> why it was evaluated per case rather than vectorised
    """

    n: int
    outputs: dict
    status: dict
    messages: dict
    trace: Optional[dict]
    per_case: dict
    types: dict = attrs.field(factory=dict)  # output -> its verdict Type, to read values back

    def to_arrow(self) -> pa.Table:
        """One column per output, then `<output>_status` and `<output>_error` for each."""
        columns = dict(self.outputs)
        labels = pa.array(STATUS_LABELS)
        for name, status in self.status.items():
            columns[f"{name}_status"] = pa.DictionaryArray.from_arrays(pa.array(status, pa.int8()), labels)
            errors = [None] * self.n
            for row, message in self.messages.get(name, {}).items():
                errors[row] = message
            columns[f"{name}_error"] = pa.array(errors, pa.string())
        return pa.table(columns)

    def to_pandas(self):
        """to_arrow() as a pandas DataFrame; decimals stay exact (pyarrow-backed columns)."""
        import pandas as pd
        return self.to_arrow().to_pandas(types_mapper=pd.ArrowDtype)

    def values(self, name: str) -> list:
        """The Python values of one output (Decimal, int, str, date, timedelta, Months, bool, list;
        None: no value), as the per-case evaluator gives them."""
        return python_values(self.outputs[name].to_pylist(), self.types.get(name))


def arrow_column(value: V, type_, valid: np.ndarray) -> pa.Array:
    """A vector value (n rows) as an Arrow array, null where `valid` is false."""
    kind = value.kind
    mask = ~valid
    if kind == "num":
        if type_.name == "integer" and value.scale == 0:
            return pa.array(value.data, pa.int64(), mask=mask if not valid.all() else None)
        if type_ == MONEY and value.scale < 2:
            value = rescale(value, 2)  # money is written in cents, as round_money gives it
        return _decimal_array(value.data, value.scale, valid)
    if kind == "bool":
        return pa.array(value.data, pa.bool_(), mask=mask)
    if kind == "date":
        return pa.array(value.data.astype("datetime64[D]"), pa.date32(), mask=mask)
    if kind == "sym":
        indices = pa.array(value.data.astype(np.int32, copy=False), pa.int32(), mask=mask if not valid.all() else None)
        return pa.DictionaryArray.from_arrays(indices, pa.array(value.vocab, pa.string()))
    items = [item if ok else None for item, ok in zip(value.data, valid)]
    if type_.name in ("integer", "number", "money"):
        return _exact_numbers(items, type_)
    items = arrow_items(items, type_)  # durations in months as ISO text (engine/vector/durations.py)
    return pa.array([list(i) if isinstance(i, tuple) else i for i in items], arrow_type(type_))


def _exact_numbers(items: list, type_) -> pa.Array:
    """Numbers past int64 mantissas, as the per-case evaluator gave them: int64 for integers that
    fit, else decimal128 (decimal256 past 38 digits) at the largest scale of the column."""
    numbers = [Decimal(item) for item in items if item is not None]
    if type_.name == "integer" and all(-(2 ** 63) <= int(x) < 2 ** 63 for x in numbers):
        return pa.array(items, pa.int64())
    scale = max([2 if type_ == MONEY else 0] + [max(0, -x.as_tuple().exponent) for x in numbers])
    digits = max([1] + [max(0, len(x.as_tuple().digits) + x.as_tuple().exponent) + scale for x in numbers])
    kind = pa.decimal128(38, scale) if digits <= 38 else pa.decimal256(76, scale)
    return pa.array([None if item is None else Decimal(item) for item in items], kind)


def _decimal_array(mantissas: np.ndarray, scale: int, valid: np.ndarray) -> pa.Array:
    """int64 mantissas → decimal128(38, scale). Arrow casts the integers to decimal128(38, 0),
    whose 128-bit values are the mantissas; the same buffer is then read with the scale."""
    whole = pa.array(mantissas, pa.int64()).cast(pa.decimal128(38, 0))
    everything = bool(valid.all())
    bitmap = None if everything else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(pa.decimal128(38, scale), len(mantissas), [bitmap, whole.buffers()[1]],
                                 null_count=0 if everything else int((~valid).sum()))
