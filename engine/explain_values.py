"""explain_values: a value of a trace in words, remembered per language, so that an explanation
formats each distinct date, amount or country once (engine/explain.py asks for them).

The words of a scalar depend on its type code, its JSON form and the language only: `9000` as
`money` is `€9,000.00` in every trace. They are kept per language and per decimal context (Babel
rounds money in the caller's context; a value is never shown by another context's rounding),
up to KEPT of them. Symbols and yes/no are not kept here: their labels come from the trace.
"""
from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal, InvalidOperation

from engine.explain_numbers import shapes
from engine.locale import formatting
from engine.resolve import TEMPLATE_HOLE

KEPT = 20_000      # values kept per language and context before they are forgotten (memory stays bounded)
LONGEST = 40       # a longer JSON text is formatted every time, not kept
SCALAR_CODES = frozenset(("country", "date", "duration", "duration in months", "money", "number", "percent",
                          "integer"))
_NUMBER_KIND = {"money": "money", "percent": "percent", "number": "number", "integer": "number"}

_KEPT: dict = {}    # (lang, decimal context's precision and rounding) → {(code, value): text}
_SHAPES: dict = {}  # lang → {kind: NumberShape}
_LISTS: dict = {}   # lang → {tuple of items: `a, b and c`}
_TEMPLATES: dict = {}  # template → its parts


def scalar_words(lang: str) -> dict:
    """The kept words of this language in the current decimal context, to pass to `scalar_text`."""
    context = decimal.getcontext()
    key = (lang, context.prec, context.rounding, context.Emax, context.Emin)
    found = _KEPT.get(key)
    if found is None:
        found = _KEPT[key] = {}
    return found


def scalar_text(kept: dict, lang: str, value, code: str) -> str:
    """A str or int (not bool) `value` of type `code` (one of SCALAR_CODES) in words."""
    key = (code, value)
    text = kept.get(key)
    if text is None:
        text = _scalar(value, code, lang)
        if type(value) is int or len(value) <= LONGEST:
            if len(kept) >= KEPT:
                kept.clear()
            kept[key] = text
    return text


def _scalar(value, code: str, lang: str) -> str:
    """What explain.Reading.value writes for a scalar, from Babel (CLDR)."""
    if code == "country" and isinstance(value, str):
        return formatting.country_name(value, lang)
    if code == "date" and isinstance(value, str):
        try:
            return formatting.format_date(dt.date.fromisoformat(value), lang)
        except ValueError:
            return value
    if code in ("duration", "duration in months") and isinstance(value, str):
        from engine.durations import DurationTextError, format_duration, from_iso
        try:
            return format_duration(from_iso(value, code), lang)
        except DurationTextError:
            return value
    kind = _NUMBER_KIND.get(code)
    if kind is not None:
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            return str(value)
        shape = _SHAPES.get(lang)
        if shape is None:
            shape = _SHAPES[lang] = shapes(formatting._locale(lang), formatting.CURRENCY)
        return shape[kind].format(number, quantize=kind == "money")
    return str(value)


def listed(items: list, lang: str) -> str:
    """formatting.format_list(items, lang), remembered: `a, b and c`."""
    kept = _LISTS.get(lang)
    if kept is None:
        kept = _LISTS[lang] = {}
    key = tuple(items)
    text = kept.get(key)
    if text is None:
        text = formatting.format_list(items, lang)
        if len(kept) >= KEPT:
            kept.clear()
        kept[key] = text
    return text


def template_parts(template: str) -> tuple:
    """A `because` template cut at its holes: text, hole name (stripped), text, …, text."""
    parts = _TEMPLATES.get(template)
    if parts is None:
        cut = TEMPLATE_HOLE.split(template)
        cut[1::2] = [name.strip() for name in cut[1::2]]
        if len(_TEMPLATES) >= KEPT:
            _TEMPLATES.clear()
        parts = _TEMPLATES[template] = tuple(cut)
    return parts
