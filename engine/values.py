"""Value types: exact decimals for money and numbers, dates, enumerations, countries, lists.

Facts arrive as Python values, or parsed from JSON or YAML; `coerce_fact` turns each into the
engine's value for its declared type, or raises a `FactError` naming the fact and what is allowed.
"""
from __future__ import annotations

import datetime as dt
import decimal
import math
import re
import reprlib
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Optional

from engine.attrs_repr import frozen
from engine.countries import ISO_3166_ALPHA2
from engine.errors import Diagnostic, FactError, suggestion_hint

CENT = Decimal("0.01")
# Every evaluation runs in this context, whatever the embedding program set for its own thread:
# 28 significant digits, and errors (not silent infinities or NaN) on overflow and invalid results.
ENGINE_CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999,
                                 traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
# Beyond this magnitude a figure is a typing accident, not a household's resources.
MAX_MAGNITUDE = Decimal(10) ** 15
# A number fact's digits are bounded too: the cost of exact arithmetic grows with them.
MAX_PLACES = 60
MAX_DIGITS = 60
MAX_TEXT_LENGTH = 10_000
SURROGATE = re.compile("[\ud800-\udfff]")  # a lone surrogate: not a character, and no UTF-8 output can carry it
MAX_LIST_LENGTH = 10_000


@frozen
class Type:
    """A primitive type: bool, integer, number, money, date, text, country."""

    name: str

    def describe(self) -> str:
        return self.name


@frozen
class EnumType(Type):
    symbols: tuple = ()

    def describe(self) -> str:
        shown = ", ".join(self.symbols)
        return f"{self.name} {{{shown}}}" if self.name else f"{{{shown}}}"


@frozen
class ListType(Type):
    element: Type = None

    def describe(self) -> str:
        return f"list of {self.element.describe()}"


@frozen
class RecordType(Type):
    fields: tuple = ()  # ((name, Type), ...)

    def field(self, name: str) -> Optional[Type]:
        return dict(self.fields).get(name)

    def describe(self) -> str:
        return "record {" + ", ".join(f"{n}: {t.describe()}" for n, t in self.fields) + "}"


BOOL = Type("bool")
INTEGER = Type("integer")
NUMBER = Type("number")
MONEY = Type("money")
DATE = Type("date")
TEXT = Type("text")
COUNTRY = Type("country")
DAYS_DURATION = Type("duration")  # durations (h16-dur, engine/durations.py): whole days, a timedelta
MONTHS_DURATION = Type("duration in months")  # whole months, a durations.Months
PRIMITIVES = {t.name: t for t in (BOOL, INTEGER, NUMBER, MONEY, DATE, TEXT, COUNTRY, DAYS_DURATION, MONTHS_DURATION)}
NUMERIC = frozenset({"integer", "number", "money"})
ORDERED = NUMERIC | {"date", "duration", "duration in months"}


@frozen
class Range:
    """A declared range; a missing bound is unbounded. Both a validation rule and a domain."""

    lo: Any = None
    lo_closed: bool = True
    hi: Any = None
    hi_closed: bool = True

    def contains(self, value) -> bool:
        if self.lo is not None and (value < self.lo or (value == self.lo and not self.lo_closed)):
            return False
        if self.hi is not None and (value > self.hi or (value == self.hi and not self.hi_closed)):
            return False
        return True

    def describe(self, type_: Type) -> str:
        lo, hi = (format_value(b, type_) if b is not None else None for b in (self.lo, self.hi))
        if lo is not None and hi is not None and self.lo_closed and self.hi_closed:
            return f"{lo}..{hi}"
        parts = []
        if lo is not None:
            parts.append(f"{'>=' if self.lo_closed else '>'} {lo}")
        if hi is not None:
            parts.append(f"{'<=' if self.hi_closed else '<'} {hi}")
        return " and ".join(parts)


def is_numeric(type_: Type) -> bool:
    return type(type_) is Type and type_.name in NUMERIC


def is_ordered(type_: Type) -> bool:
    return type(type_) is Type and type_.name in ORDERED


def same_kind(a: Type, b: Type) -> bool:
    """Whether values of the two types can be compared (all numeric types compare together)."""
    if is_numeric(a) and is_numeric(b):
        return True
    if isinstance(a, EnumType) and isinstance(b, EnumType):
        return a.name == b.name or bool(set(a.symbols) & set(b.symbols))
    if isinstance(a, ListType) and isinstance(b, ListType):
        return a.element is None or b.element is None or same_kind(a.element, b.element)
    return type(a) is type(b) and a.name == b.name


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------- facts coming in

_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxtuple, _SHOWN.maxdict, _SHOWN.maxset = 3, 5, 5, 5, 5
_SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlong = 60, 60, 40


def shown_value(got: Any) -> str:
    """A short repr of a wrong fact: bounded in length and depth, whatever was sent."""
    if isinstance(got, str) and len(got) >= 60:
        return repr(got[:57]) + "…"
    if isinstance(got, int) and not isinstance(got, bool) and got.bit_length() > 13_000:
        return "a whole number of over 4,000 digits"  # Python refuses to write it (sys.set_int_max_str_digits)
    if isinstance(got, Decimal):  # as the sender wrote it, not Decimal('…')
        text = str(got)
        return text if len(text) <= 60 else text[:59] + "…"
    shown = _SHOWN.repr(got)
    return shown if len(shown) <= 120 else shown[:119] + "…"


def _fail(name: str, type_: Type, got: Any, why: str = "", hint: str | None = None) -> FactError:
    shown = shown_value(got)
    message = f"fact `{name}`: expected {type_.describe()}, got {shown}" + (f" ({why})" if why else "")
    return FactError(Diagnostic("error", "fact-type", message, hint=hint))


def _to_decimal(name: str, type_: Type, raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise _fail(name, type_, raw)
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _fail(name, type_, raw, "not a finite number")
        # The shortest repr is what the sender wrote (0.1, not 0.1000000000000000055…).
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = raw.strip().replace("€", "").replace("_", "").strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            example = "a whole number, e.g. 12" if type_.name == "integer" else "digits with a dot, e.g. 9000.50"
            raise _fail(name, type_, raw, f"not a number; write {example}") from None
    else:
        raise _fail(name, type_, raw)
    if not value.is_finite():
        raise _fail(name, type_, raw, "not a finite number")
    if abs(value) >= MAX_MAGNITUDE:
        raise _fail(name, type_, raw, f"larger than {MAX_MAGNITUDE:,}")
    _, digits, exponent = value.as_tuple()
    if exponent < -MAX_PLACES:  # 1e-100000000: fifteen characters, and a hundred million zeros to write
        raise _fail(name, type_, raw, f"more than {MAX_PLACES} decimal places")
    if len(digits) > MAX_DIGITS:
        raise _fail(name, type_, raw, f"more than {MAX_DIGITS} digits")
    return value if exponent <= 0 else Decimal(int(value))  # 0E+99999999 is plain 0, 1E+5 is 100000


NOT_A_DAY = ("not a day of the calendar", "check the month and the day")


def iso_date(text: str) -> dt.date:
    """The date written `YYYY-MM-DD`, or ValueError: with the arguments NOT_A_DAY when the shape
    is right and the calendar has no such day (2025-02-30, 2025-13-01), the words to say so."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError(*NOT_A_DAY) from None
        raise


def coerce_fact(name: str, type_: Type, raw: Any, range_: Optional[Range] = None):
    """The engine value for a fact `raw` of declared `type_`, or a FactError naming the fact."""
    value = _coerce(name, type_, raw)
    if range_ is not None and not range_.contains(value):
        raise FactError(Diagnostic(
            "error", "fact-range",
            f"fact `{name}`: {format_value(value, type_)} is outside its declared range {range_.describe(type_)}"))
    return value


def _coerce(name: str, type_: Type, raw: Any):
    if isinstance(type_, EnumType):
        if not isinstance(raw, str) or raw not in type_.symbols:
            hint = suggestion_hint(str(raw), type_.symbols) if isinstance(raw, str) else None
            raise _fail(name, type_, raw, "", hint or f"one of: {', '.join(type_.symbols)}")
        return raw
    if isinstance(type_, RecordType):  # records (h16-records): a mapping, field by field
        from engine.semantics.records import coerce_record  # it builds on this module
        return coerce_record(name, type_, raw, coerce_fact)
    if isinstance(type_, ListType):
        if not isinstance(raw, (list, tuple)):
            raise _fail(name, type_, raw, "not a list")
        if len(raw) > MAX_LIST_LENGTH:
            raise _fail(name, type_, f"a list of {len(raw)} items", f"at most {MAX_LIST_LENGTH}")
        # `household[1]` is the first, as the language's `L[1]` is: the rule's author reads one notation
        return tuple(_coerce(f"{name}[{i}]", type_.element, item) for i, item in enumerate(raw, start=1))
    kind = type_.name
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        raise _fail(name, type_, raw, "", "write true or false")
    if kind == "integer":
        if isinstance(raw, bool):
            raise _fail(name, type_, raw)
        if isinstance(raw, int):
            if abs(raw) >= MAX_MAGNITUDE:
                raise _fail(name, type_, raw, f"larger than {MAX_MAGNITUDE:,}")
            return raw
        value = _to_decimal(name, type_, raw)
        if value != value.to_integral_value():
            raise _fail(name, type_, raw, "not a whole number")
        return int(value)
    if kind in ("number", "money"):
        value = _to_decimal(name, type_, raw)
        if kind == "money":
            cents = value.quantize(CENT, rounding=ROUND_HALF_UP)
            if value != cents:
                raise _fail(name, type_, raw, "money has at most 2 decimal places")
            return cents  # one canonical form: 12000.5, "12000.50" and 12000.50 € are the same fact
        return value
    if kind == "date":
        if isinstance(raw, dt.datetime):
            raise _fail(name, type_, raw, "a date has no time of day")
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str):
            try:
                return iso_date(raw)
            except ValueError as error:
                if error.args == NOT_A_DAY:
                    raise _fail(name, type_, raw, *NOT_A_DAY) from None
        raise _fail(name, type_, raw, "", "write the date as YYYY-MM-DD, e.g. 2001-03-14")
    if kind == "text":
        if not isinstance(raw, str):
            raise _fail(name, type_, raw, "not a text")
        if len(raw) > MAX_TEXT_LENGTH:
            raise _fail(name, type_, raw, f"longer than {MAX_TEXT_LENGTH} characters")
        if not raw.isascii() and SURROGATE.search(raw):
            raise _fail(name, type_, raw.encode("utf-8", "backslashreplace").decode("ascii", "replace"),
                        "it holds half of a UTF-16 pair, not a character", "send the text as UTF-8")
        return raw
    if kind in ("duration", "duration in months"):  # durations (h16-dur)
        from engine.durations import coerce_duration
        return coerce_duration(name, type_, raw, _fail)
    if kind == "country":
        if isinstance(raw, str) and raw in ISO_3166_ALPHA2:
            return raw
        hint = None
        if isinstance(raw, str) and raw.strip().upper() in ISO_3166_ALPHA2:
            hint = f"write `{raw.strip().upper()}` (ISO 3166-1 alpha-2, upper case)"
        raise _fail(name, type_, raw, "not an ISO 3166-1 alpha-2 code", hint or "e.g. CN, DE, FR")
    raise _fail(name, type_, raw)


# ---------------------------------------------------------------------------- values going out

def to_json_value(value: Any) -> Any:
    """The JSON form of an engine value: decimals as exact strings, dates as ISO strings."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    from engine.durations import Months, iso  # durations (h16-dur): ISO 8601; that module builds on this one
    if isinstance(value, (dt.timedelta, Months)):
        return iso(value)
    return str(value)


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text


def format_value(value: Any, type_: Optional[Type] = None, lang: str = "en") -> str:
    """A value as a person reads it: `10,339.00 €`, `70%`, `2025-04-01`, `true`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    name = type_.name if type_ is not None else None
    if isinstance(value, Decimal) and name == "money" or (name == "money" and isinstance(value, int)):
        return format_money(Decimal(value), lang)
    if isinstance(value, Decimal):
        # a whole number without its trailing zeros (30, not 30.00); normalize() would round to the context
        text = f"{value:f}".split(".")[0] if value == value.to_integral_value() else _decimal_text(value)
        return text.replace(".", ",") if lang == "fr" else text  # 0,7 in French
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        element = type_.element if isinstance(type_, ListType) else None
        return "[" + ", ".join(format_value(v, element, lang) for v in value) + "]"
    if isinstance(value, dict):
        fields = dict(type_.fields) if isinstance(type_, RecordType) else {}
        return "{" + ", ".join(f"{k}: {format_value(v, fields.get(k), lang)}" for k, v in value.items()) + "}"
    from engine.durations import Months, describe  # durations (h16-dur): `30 days`, `1 year 6 months`
    if isinstance(value, (dt.timedelta, Months)):
        return describe(value)
    return str(value)


def format_money(value: Decimal, lang: str = "en") -> str:
    text = f"{round_money(value):,.2f}"
    if lang == "fr":  # 10 339,00 € (Chinese writes 10,339.00 €, as English does)
        text = text.replace(",", "\u202f").replace(".", ",")
    return f"{text} €"
