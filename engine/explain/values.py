"""values: a value of a trace in words, remembered per language, so that an explanation
formats each distinct date, amount or country once (engine/explain/render.py asks for them).

The words of a scalar depend on its type code, its JSON form and the language only: `9000` as
`money` is `€9,000.00` in every trace. They are kept per language and per decimal context (Babel
rounds money in the caller's context; a value is never shown by another context's rounding),
up to KEPT of them. Symbols and yes/no are not kept here: their labels come from the trace.
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
from decimal import Decimal, InvalidOperation

from engine.explain.number_patterns import shapes
from engine.locale import formatting
from engine.semantics.resolve import TEMPLATE_HOLE

KEPT = 20_000      # values kept per language and context before they are forgotten (memory stays bounded)
LONGEST = 40       # a longer JSON text is formatted every time, not kept
LANGUAGES_KEPT = 32  # languages (and decimal contexts) whose words are kept at once
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
        if len(_KEPT) >= LANGUAGES_KEPT:
            _KEPT.clear()
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
            return long_date(dt.date.fromisoformat(value), lang)
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
            if not _kept_shapes(lang):
                _SHAPES[lang] = shapes(formatting._locale(lang), formatting.CURRENCY)
            shape = _SHAPES[lang]
        return shape[kind].format(number, quantize=kind == "money")
    return str(value)


_DATE_FIELDS = {"d": lambda d, months: str(d.day), "dd": lambda d, months: "%02d" % d.day,
                "M": lambda d, months: str(d.month), "MM": lambda d, months: "%02d" % d.month,
                "MMMM": lambda d, months: months[d.month], "y": lambda d, months: str(d.year),
                "yyyy": lambda d, months: "%04d" % d.year}
_DATE_SHAPES: dict = {}  # lang → (the long date pattern's %-format, its fields, month names), or None


def long_date(value: dt.date, lang: str) -> str:
    """formatting.format_date(value, lang) — `14 March 2001`, `1er mars 2001`, `2001年3月14日` — with
    the locale's long pattern read once: its day, month and year fields filled as Babel fills them."""
    shape = _DATE_SHAPES.get(lang, False)
    if shape is False:
        if not _kept_shapes(lang):
            _DATE_SHAPES[lang] = _date_shape(lang)
        shape = _DATE_SHAPES[lang]
    if shape is None:
        return formatting.format_date(value, lang)
    form, fields, months = shape
    text = form % {name: _DATE_FIELDS[name](value, months) for name in fields}
    if lang == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]  # as formatting.format_date writes it
    return text.replace(" ", "\u00a0")


def _kept_shapes(lang: str) -> bool:
    """Both shapes of `lang` (numbers and the long date) from those the `verdict` command keeps
    between runs (engine/locale/kept_shapes.py: no Babel to import); False when it keeps none."""
    from engine.locale.kept_shapes import language_shapes
    found = language_shapes(lang)
    if found is None:
        return False
    _SHAPES[lang], _DATE_SHAPES[lang] = found
    return True


def _date_shape(lang: str):
    pattern = formatting._locale(lang).date_formats["long"]
    fields = re.findall(r"%\((\w+)\)s", pattern.format)
    if not fields or any(name not in _DATE_FIELDS for name in fields):
        return None  # a field this does not write (an era, a weekday): left to Babel
    return pattern.format, tuple(fields), formatting._locale(lang).months["format"]["wide"]


def listed(items: list, lang: str) -> str:
    """formatting.format_list(items, lang), remembered: `a, b and c`."""
    kept = _LISTS.get(lang)
    if kept is None:
        if len(_LISTS) >= LANGUAGES_KEPT:
            _LISTS.clear()
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
