"""FEEL durations as verdict's (h16-dmn-dur, docs/language.md "Durations and dates").

FEEL has two kinds of duration, and so has verdict: a days and time duration is verdict's
`duration` (whole days), a years and months duration its `duration in months`. What this module
translates, each exactly:

- `duration("P30D")` → `30 days`, `duration("P1Y6M")` → `1 year 6 months`, `duration("PT24H")` →
  `1 day` (FEEL's days and time duration is a number of seconds: 24 hours are a day);
- `years and months duration(a, b)` of two dates → the whole months from a to b, as FEEL's
  engines count them (Java's `Period.between`: a month is complete when the day of the month is
  reached again, so 2024-01-31 → 2024-02-29 is 0 months), times `1 month`;
- the types of `d1 - d2` (a days duration), `date ± duration` (a date), `duration ± duration`,
  `duration * n`, and the properties `.days` (of a days duration), `.years`, `.months`.

What verdict cannot say exactly is refused with the reason, never rounded: hours, minutes or
seconds beyond whole days (`P1DT2H`), years or months mixed with days, weeks, a duration read
from a text at evaluation (`duration(s)`), `.hours`/`.minutes`/`.seconds`, times of day.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Optional

from engine.dmn.feel import FeelError
from engine.dmn.types import VType
from engine.durations import MAX_MONTHS, Months, describe

DAYS = VType("duration")
MONTHS = VType("duration in months")
KINDS = ("duration", "duration in months")
# typeRefs of the two kinds: DMN 1.2+ names and DMN 1.1's (`feel:dayTimeDuration`)
TYPE_REFS = {"days and time duration": "duration", "dayTimeDuration": "duration",
             "years and months duration": "duration in months", "yearMonthDuration": "duration in months"}
SECONDS_A_DAY = 86400
_ISO = re.compile(r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                  r"(T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?|\.\d+)S)?)?")
_TIME_UNITS = (("hour", 3600), ("minute", 60), ("second", 1))
_NOT_WHOLE = "verdict's durations count whole days (`duration`) or whole months (`duration in months`), " \
    "not hours, minutes or seconds"


def at_literal(token) -> tuple:
    """The tree of a FEEL @-literal (`@"2020-01-01"` is `date("2020-01-01")`, `@"P30D"` is
    `duration("P30D")`); FeelError for a time of day or a date and time, which verdict lacks."""
    if token[0] != "str":
        raise FeelError("`@` is followed by a string: @\"2020-01-01\", @\"P30D\"")
    text = token[1]
    if re.fullmatch(r"-?P.*", text):
        return ("call", "duration", [token])
    if re.fullmatch(r"-?\d{4,}-\d{2}-\d{2}", text):
        return ("call", "date", [token])
    if ":" in text:
        raise FeelError(f"@\"{text}\" is a time of day or a date and time, which have no equivalent in verdict "
                        "(a date @\"2020-01-01\" and a duration @\"P30D\" are translated)")
    raise FeelError(f"@\"{text}\" is not a date, a time, a date and time or a duration (FEEL gives null)")


def is_duration(vtype: Optional[VType]) -> bool:
    return vtype is not None and vtype.kind in KINDS


def parse_iso(text: str):
    """The verdict value of a FEEL duration text: a timedelta of whole days or a Months.
    FeelError saying why when the text is no duration or not exactly one of verdict's."""
    found = _ISO.fullmatch(text.strip())
    shown = f'duration("{text}")'
    if found is None or not any(found.groups()[1:5]) and not any(found.groups()[6:]):
        raise FeelError(f"{shown} is not an ISO 8601 duration (`P30D`, `P1Y6M`); FEEL gives null")
    sign, years, months, weeks, days, time, hours, minutes, seconds = found.groups()
    negative = -1 if sign else 1
    if weeks is not None:
        raise FeelError(f"{shown}: weeks (`W`) are not part of FEEL's durations; write days (`P14D`)")
    if (years or months) and (days or time):
        raise FeelError(f"{shown} mixes years or months with days or a time; FEEL's durations are one kind or "
                        "the other (FEEL gives null)")
    if time is not None and time == "T":
        raise FeelError(f"{shown} has a `T` and no time after it; FEEL gives null")
    if years is not None or months is not None:
        count = 12 * int(years or 0) + int(months or 0)
        if count > MAX_MONTHS:
            raise FeelError(f"{shown} is {count} months, longer than verdict's durations hold "
                            f"({MAX_MONTHS} months at most)")
        return Months(negative * count)
    total = Decimal(int(days or 0) * SECONDS_A_DAY)
    for (unit, size), value in zip(_TIME_UNITS, (hours, minutes, seconds)):
        if value is not None:
            total += Decimal(value) * size
    whole, rest = divmod(total, SECONDS_A_DAY)
    if rest:
        beyond = _time_text(rest)
        raise FeelError(f"{shown} has {beyond} beyond whole days: {_NOT_WHOLE}")
    if whole > MAX_MONTHS:
        raise FeelError(f"{shown} is longer than verdict's durations hold")
    return dt.timedelta(days=negative * int(whole))


def _time_text(seconds: Decimal) -> str:
    """`2 hours 3 minutes 4.5 seconds`: what is left of a duration past its whole days."""
    pieces, left = [], seconds
    for unit, size in _TIME_UNITS:
        count = left // size if size > 1 else left
        left -= count * size
        if count:
            text = format(count.normalize(), "f")
            pieces.append(f"{text} {unit}" + ("" if count == 1 else "s"))
    return " ".join(pieces)


def literal(text: str) -> str:
    """`P30D` as rule text: `30 days`, `1 year 6 months`, `-3 days`, `0 months`."""
    return describe(parse_iso(text))


def _literal_arg(name: str, args: list):
    """The text of `duration("…")`'s one literal argument; FeelError for anything else."""
    if len(args) != 1:
        raise FeelError(f"duration(…) takes one ISO 8601 text; {len(args)} argument(s) given (FEEL gives null)")
    if args[0][0] != "str":
        raise FeelError("duration(…) is translated from a literal ISO 8601 text (`duration(\"P30D\")`); a duration "
                        "made from a text at evaluation is not (verdict reads duration facts as ISO 8601 itself)")
    return args[0][1]


def type_of(translator, name: str, args: list) -> Optional[VType]:
    """The type of a call handled here, or None for the others (and for refused ones: `call` says why)."""
    if name == "duration" and len(args) == 1 and args[0][0] == "str":
        try:
            return MONTHS if isinstance(parse_iso(args[0][1]), Months) else DAYS
        except FeelError:
            return None
    if name == "years and months duration":
        return MONTHS
    return None


def call(translator, name: str, args: list) -> Optional[str]:
    """The rule text of `duration("…")` and `years and months duration(a, b)`; None for other calls."""
    if name == "duration":
        return literal(_literal_arg(name, args))
    if name != "years and months duration":
        return None
    if len(args) != 2:
        raise FeelError(f"years and months duration(from, to) takes two dates; {len(args)} argument(s) given "
                        "(FEEL gives null)")
    for role, arg in zip(("from", "to"), args):
        vtype = translator.type_of(arg)
        if vtype is None or vtype.kind != "date":
            what = "a date and time" if arg[0] == "call" and arg[1] == "date and time" else \
                f"of type {vtype.text()}" if vtype is not None else "of a type not known"
            raise FeelError(f"years and months duration(from, to) is translated between two dates; its `{role}` "
                            f"is {what} (times of day and date and time have no equivalent in verdict)")
    return months_between(translator.expr(args[0]), translator.expr(args[1]))


def months_between(start: str, end: str) -> str:
    """Whole months from `start` to `end` as FEEL's engines count them (Java's Period.between):
    the difference of the months, less one when the day of the month is not reached again
    (towards zero for a negative span). verdict's months_between differs at month ends (it
    reaches 31 January's month on 29 February), so it is not used."""
    short = (f"(if ({start} <= {end} and day({end}) < day({start})) then 1 "
             f"else (if ({start} > {end} and day({end}) > day({start})) then -1 else 0))")
    return (f"((12 * (year({end}) - year({start})) + (month({end}) - month({start})) - {short}) "
            f"* 1 month)")


def bin_type(left: Optional[VType], op: str, right: Optional[VType]) -> Optional[VType]:
    """The type of `left op right` with a duration or two dates (None otherwise): what FEEL gives,
    which is also what verdict gives; an operation verdict refuses is refused by its checker."""
    kinds = (left.kind if left is not None else None, right.kind if right is not None else None)
    if op == "-" and kinds == ("date", "date"):
        return DAYS
    if op in ("+", "-") and kinds[0] == "date" and is_duration(right):
        return VType("date")
    if op == "+" and is_duration(left) and kinds[1] == "date":
        return VType("date")
    if op == "/" and is_duration(left) and right == left:
        return VType("number")
    if op in ("+", "-", "*", "/") and is_duration(left):
        return left
    if op == "*" and is_duration(right):
        return right
    return None


def _grouped(text: str) -> str:
    """`text` as an operand of `.`: a name or a text already in one pair of parentheses as it is,
    anything else in parentheses."""
    if re.fullmatch(r"\w+", text):
        return text
    depth, quoted, escaped = 0, False, False
    for i, char in enumerate(text):
        if escaped:
            escaped = False
        elif quoted:
            escaped, quoted = char == "\\", char != '"'
        elif char == '"':
            quoted = True
        elif char in "()":
            depth += 1 if char == "(" else -1
            if depth == 0 and i < len(text) - 1:
                return f"({text})"
    return text if text.startswith("(") and text.endswith(")") else f"({text})"


def ratio(translator, op: str, left, right) -> Optional[str]:
    """`a / b` of two durations of one kind, a number in FEEL: the ratio of their days, or of their
    months (`.years * 12 + .months`); None for any other division."""
    if op != "/":
        return None
    kinds = translator.type_of(left), translator.type_of(right)
    if not all(is_duration(k) for k in kinds) or kinds[0] != kinds[1]:
        return None
    if kinds[0].kind == "duration":
        return f"({path(translator, left, kinds[0], 'days')} / {path(translator, right, kinds[1], 'days')})"
    counts = [f"(({path(translator, side, kinds[0], 'years')} * 12) + {path(translator, side, kinds[0], 'months')})"
              for side in (left, right)]
    return f"({counts[0]} / {counts[1]})"


def path(translator, base, base_type: VType, field: str) -> str:
    """`.days` of a days duration, `.years`/`.months` of a years and months duration."""
    shown = translator.expr(base)
    if base_type.kind == "duration" and field == "days" or base_type.kind == "duration in months" \
            and field in ("years", "months"):
        return f"{_grouped(shown)}.{field}"
    if base_type.kind == "duration" and field in ("hours", "minutes", "seconds"):
        raise FeelError(f"`.{field}` of a days and time duration is not translated: {_NOT_WHOLE}")
    parts = "`.days`" if base_type.kind == "duration" else "`.years` and `.months`"
    kind = "days and time duration" if base_type.kind == "duration" else "years and months duration"
    raise FeelError(f"`.{field}` is not a property of a {kind} (it has {parts})")
