"""durations: the two exact kinds of duration, as FEEL has them, and date arithmetic on them.

- A duration in days (`duration`, FEEL's days-and-time duration restricted to whole days) is a
  `datetime.timedelta` of whole days: Python adds it to a date, subtracts dates into it, adds,
  negates, compares and multiplies it by a whole number exactly, so both evaluation paths (the
  closures of compiler/compile.py and the generated code) compute with the plain operators.
- A duration in months (`duration in months`, FEEL's years-and-months duration) is a `Months`:
  a whole, signed number of months. Added to a date it moves the month and keeps the day, or
  takes the month's last day when the month is shorter (2024-01-31 + 1 month = 2024-02-29): the
  convention `months_between` counts by, so `months_between(d, d + n months)` is `n`.

The two kinds never mix (a month is not a number of days); engine.semantics.typecheck refuses it with a hint.
Text forms: `30 days`, `1 year 6 months` (the rule language's literals, and what facts may say),
ISO 8601 `P30D`, `P1Y6M` (what facts may say, and what JSON carries).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

import attrs

from engine.values import DAYS_DURATION as DAYS, INTEGER, MONTHS_DURATION as MONTHS, Type

# Past this many months (or days) a duration is a typing accident, and no date is that far away.
MAX_MONTHS = 999_999_999
PARTS = {"days": "days", "months": "months", "years": "years"}  # `.days` of a duration in days; `.years`, `.months` of one in months


def is_duration(type_) -> bool:
    return type_ == DAYS or type_ == MONTHS


@attrs.frozen(order=True, repr=False)
class Months:
    """A duration in whole months (signed). `+`, `-`, `*` by a whole number, comparison; a date
    plus or minus it is a date (`__radd__`, `__rsub__`: `date` leaves them to us)."""

    count: int

    def __attrs_post_init__(self):
        if type(self.count) is not int or abs(self.count) > MAX_MONTHS:
            raise OverflowError(f"a duration of {self.count} months is past what a calendar holds")

    def __repr__(self) -> str:
        return f"Months({self.count})"

    def __add__(self, other):
        if isinstance(other, Months):
            return Months(self.count + other.count)
        if isinstance(other, dt.date) and not isinstance(other, dt.datetime):  # `1 month + d`
            return add_months(other, self.count)
        return NotImplemented

    def __sub__(self, other):
        if isinstance(other, Months):
            return Months(self.count - other.count)
        return NotImplemented

    def __mul__(self, other):
        if type(other) is int:
            return Months(self.count * other)
        return NotImplemented

    __rmul__ = __mul__

    def __neg__(self):
        return Months(-self.count)

    def __radd__(self, other):
        if isinstance(other, dt.date) and not isinstance(other, dt.datetime):
            return add_months(other, self.count)
        return NotImplemented

    def __rsub__(self, other):
        if isinstance(other, dt.date) and not isinstance(other, dt.datetime):
            return add_months(other, -self.count)
        return NotImplemented

    @property
    def years(self) -> int:
        """Whole years, towards zero (FEEL's `.years`: P1Y6M → 1, -P1Y6M → -1)."""
        return self.count // 12 if self.count >= 0 else -(-self.count // 12)

    @property
    def months(self) -> int:
        """The months beyond the whole years, with the duration's sign (P1Y6M → 6)."""
        return self.count - 12 * self.years


def add_months(day: dt.date, count: int) -> dt.date:
    """`day` moved by `count` months: the same day of the month, or the month's last day."""
    total = day.year * 12 + day.month - 1 + count
    year, month = divmod(total, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(f"{day.isoformat()} moved by {describe(Months(count))} is outside the calendar "
                            f"(years {dt.MINYEAR} to {dt.MAXYEAR})")
    return dt.date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


def days_in_month(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1], without the calendar module, which imports locale: a
    millisecond and a half of every `verdict` run."""
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


def part(value, name: str) -> int:
    """`.days` of a duration in days, `.years` and `.months` of a duration in months."""
    if name == "days":
        return value.days
    return value.years if name == "years" else value.months


def part_type(type_, name: str) -> Optional[Type]:
    """The type of `d.name` for a duration type, or None when the duration has no such part."""
    if type_ == DAYS and name == "days" or type_ == MONTHS and name in ("years", "months"):
        return INTEGER
    return None


def days_between(start: dt.date, end: dt.date) -> int:
    """Days from `start` to `end` (negative when `end` is earlier)."""
    return (end - start).days


# ---------------------------------------------------------------------------- text

_UNITS = {"day": "day", "days": "day", "month": "month", "months": "month", "year": "year", "years": "year"}
_WORDS = re.compile(r"\s*(-)?\s*((?:\d+\s*[^\W\d]+\s*)+)")
_WORD_PART = re.compile(r"(\d+)\s*([^\W\d]+)")
_ISO = re.compile(r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(T.*)?", re.IGNORECASE)
_MAX_DIGITS = 12


class DurationTextError(ValueError):
    """Text that is no duration of the wanted kind; the message says what is wrong."""


def parse_text(text: str, type_: Type):
    """A duration of kind `type_` from `30 days`, `1 year 6 months`, `P30D`, `P1Y6M` (a leading
    `-` for a negative one). Raises DurationTextError saying what is wrong."""
    stripped = text.strip()
    iso = _ISO.fullmatch(stripped)
    if iso is not None and stripped.upper() != "P":
        sign, years, months, weeks, days, time = iso.groups()
        parts = {"year": years, "month": months, "week": weeks, "day": days}
        if time is not None:
            raise DurationTextError("a duration here counts whole days or months, not hours, minutes or seconds")
        return _build({k: v for k, v in parts.items() if v is not None}, sign == "-", type_)
    words = _WORDS.fullmatch(stripped)
    if words is None:
        raise DurationTextError("not a duration")
    found: dict = {}
    for number, unit in _WORD_PART.findall(words.group(2)):
        key = _UNITS.get(unit.lower())
        if key is None or key in found:
            raise DurationTextError(f"`{unit}` is not a unit here" if key is None else f"`{unit}` twice")
        found[key] = number
    return _build(found, words.group(1) == "-", type_)


def _build(parts: dict, negative: bool, type_: Type):
    if any(len(v.lstrip("0")) > _MAX_DIGITS for v in parts.values()):
        raise DurationTextError("too long a duration")
    sign = -1 if negative else 1
    if type_ == DAYS:
        if "year" in parts or "month" in parts:
            raise DurationTextError("years and months are not a whole number of days")
        days = int(parts.get("day", 0)) + 7 * int(parts.get("week", 0))
        if days > MAX_MONTHS:
            raise DurationTextError("too long a duration")
        return dt.timedelta(days=sign * days)
    if "day" in parts or "week" in parts:
        raise DurationTextError("days and weeks are not a whole number of months")
    return Months(sign * (12 * int(parts.get("year", 0)) + int(parts.get("month", 0))))


def coerce_duration(name: str, type_: Type, raw, fail):
    """The engine value of a duration fact: a text (`P30D`, `30 days`, `P1Y6M`, `1 year 6 months`)
    or, from a program, the value itself; else `fail(name, type_, raw, why, hint)` is raised."""
    if type_ == DAYS and type(raw) is dt.timedelta:
        if raw != dt.timedelta(days=raw.days):
            raise fail(name, type_, raw, "a duration here counts whole days", example(type_))
        return raw
    if type_ == MONTHS and type(raw) is Months:
        return raw
    if not isinstance(raw, str):
        why = "a number has no unit" if isinstance(raw, (int, float)) and not isinstance(raw, bool) else "not a duration"
        raise fail(name, type_, raw, why, example(type_))
    try:
        return parse_text(raw, type_)
    except (DurationTextError, OverflowError) as error:
        raise fail(name, type_, raw, str(error), example(type_)) from None


def example(type_: Type) -> str:
    return "write it as 30 days or P30D" if type_ == DAYS else "write it as 1 year 6 months or P1Y6M"


def iso(value) -> str:
    """ISO 8601, as JSON carries a duration: `P30D`, `-P3D`, `P1Y6M`, `P6M`, `P0M`."""
    if isinstance(value, dt.timedelta):
        return ("-" if value.days < 0 else "") + f"P{abs(value.days)}D"
    count = abs(value.count)
    years, months = divmod(count, 12)
    body = (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
    return ("-" if value.count < 0 else "") + "P" + body


def from_iso(text: str, code: str):
    """The value of a trace's ISO text for the type code `duration` or `duration in months`."""
    return parse_text(text, DAYS if code == "duration" else MONTHS)


def describe(value) -> str:
    """A duration as the rule language writes it: `30 days`, `1 day`, `1 year 6 months`, `-3 days`."""
    if isinstance(value, dt.timedelta):
        return _plural(value.days, "day")
    sign = "-" if value.count < 0 else ""
    years, months = divmod(abs(value.count), 12)
    pieces = ([_plural(years, "year")] if years else []) + ([_plural(months, "month")] if months or not years else [])
    return sign + " ".join(pieces)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if abs(count) == 1 else f"{count} {unit}s"


def format_duration(value, lang: str) -> str:
    """A duration in words of one language, from CLDR: `30 days`, `30 jours`, `30天`;
    `1 year 6 months`, `1 an 6 mois`, `1年6个月` (no part rounded away, unlike format_timedelta)."""
    from babel import lists, units

    from engine.locale.formatting import _locale
    locale = _locale(lang)
    if isinstance(value, dt.timedelta):
        return units.format_unit(value.days, "duration-day", length="long", locale=locale).replace(" ", "\u00a0")
    years, months = divmod(abs(value.count), 12)
    sign = -1 if value.count < 0 else 1
    pieces = []
    if years:
        pieces.append(units.format_unit(sign * years, "duration-year", length="long", locale=locale))
    if months or not years:
        pieces.append(units.format_unit(sign * months if not years else months, "duration-month", length="long",
                                        locale=locale))
    return lists.format_list(pieces, style="unit-narrow", locale=locale).replace(" ", "\u00a0")


# ---------------------------------------------------------------------------- types (engine.semantics.typecheck)

MIX_HINT = ("a month is not a whole number of days: keep to one kind, `30 days` or `1 year 6 months` "
             "(`days_between(d, d + 1 month)` counts the days of a month from a given date)")


def takes_part(op: str, left: Type, right: Type) -> bool:
    """Whether `left op right` is duration arithmetic (or a date minus a date), typed here."""
    from engine.values import DATE
    return is_duration(left) or is_duration(right) or (op in ("+", "-") and DATE in (left, right))


def arithmetic_type(op: str, left: Type, right: Type):
    """(type, None) of `left op right` with a duration or two dates, or (None, (message, hint))."""
    from engine.values import DATE
    if op in ("+", "-"):
        if left == DATE and is_duration(right):
            return DATE, None
        if op == "+" and is_duration(left) and right == DATE:
            return DATE, None
        if op == "-" and left == right == DATE:
            return DAYS, None
        if is_duration(left) and left == right:
            return left, None
        if is_duration(left) and is_duration(right):
            return None, (f"cannot {'add' if op == '+' else 'subtract'} a {right.describe()} "
                          f"{'to' if op == '+' else 'from'} a {left.describe()}", MIX_HINT)
        if op == "-" and is_duration(left) and right == DATE:
            return None, ("cannot subtract a date from a duration", "write the date first: `d - 30 days`")
        return None, (f"`{op}` cannot combine {left.describe()} and {right.describe()}",
                      "a duration adds to a date or to a duration of its kind: `d + 30 days`, `1 year + 6 months`")
    if op == "*":
        duration, factor = (left, right) if is_duration(left) else (right, left)
        if factor == INTEGER:
            return duration, None
        return None, (f"a duration multiplies by a whole number; got {left.describe()} and {right.describe()}",
                      "`3 * 30 days`; a rate of a duration is not exact in days or months")
    return None, ("a duration cannot be divided", "compare durations instead, or divide `d.days` (a whole number)")


def field_type(base: Type, name: str):
    """(type, None) of `d.name` for a duration `d`, or (None, (message, hint))."""
    found = part_type(base, name)
    if found is not None:
        return found, None
    parts = "`.days`" if base == DAYS else "`.years` and `.months`"
    return None, (f"`{name}` is not a part of a {base.describe()}", f"a {base.describe()} has {parts}")
