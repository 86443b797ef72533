"""durations in Arrow columns: a duration in days is Arrow's `duration[s]` (exact, and read back as
the `datetime.timedelta` the per-case evaluator gives); a duration in months has no Arrow type that
Parquet can store (`month_day_nano_interval` is refused by the Parquet writer), so its column holds
ISO 8601 text, as JSON and traces carry it (`P1Y6M`), and `TableResult.values` reads it back as a
`Months`. Inside records and lists the same holds, element by element."""
from __future__ import annotations

from typing import Any

import pyarrow as pa

from engine.durations import Months, from_iso, iso
from engine.values import DAYS_DURATION, MONTHS_DURATION, ListType, RecordType

DAYS_ARROW = pa.duration("s")


def has_months(type_) -> bool:
    if type_ == MONTHS_DURATION:
        return True
    if isinstance(type_, ListType):
        return has_months(type_.element)
    if isinstance(type_, RecordType):
        return any(has_months(t) for _, t in type_.fields)
    return False


def arrow_items(items: list, type_) -> list:
    """Python values (None where no value) as pa.array takes them: months as ISO text."""
    return items if not has_months(type_) else [_encode(item, type_) for item in items]


def _encode(item: Any, type_) -> Any:
    if item is None:
        return None
    if isinstance(item, Months):
        return iso(item)
    if isinstance(type_, ListType):
        return [_encode(x, type_.element) for x in item]
    if isinstance(type_, RecordType):
        fields = dict(type_.fields)
        return {k: _encode(v, fields.get(k)) for k, v in item.items()}
    return item


def python_values(items: list, type_) -> list:
    """An output column's Python values as the per-case evaluator gives them."""
    return items if not has_months(type_) else [_decode(item, type_) for item in items]


def _decode(item: Any, type_) -> Any:
    if item is None:
        return None
    if type_ == MONTHS_DURATION:
        return from_iso(item, "duration in months")
    if isinstance(type_, ListType):
        return tuple(_decode(x, type_.element) for x in item)
    if isinstance(type_, RecordType):
        fields = dict(type_.fields)
        return {k: _decode(v, fields.get(k)) for k, v in item.items()}
    return item


def arrow_type(type_):
    """The Arrow type of a top-level duration output, or None to let Arrow infer it."""
    if type_ == DAYS_DURATION:
        return DAYS_ARROW
    if type_ == MONTHS_DURATION:
        return pa.string()
    return None


__all__ = ["arrow_items", "arrow_type", "python_values", "has_months"]
