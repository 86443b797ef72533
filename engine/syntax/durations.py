"""durations: the AST builder's methods for the duration forms of grammar/verdict.lark
(`30 days`, `1 year 6 months`; the types `duration in days`, `duration in months`).

A base class of parse._Builder, so the duration forms stay in their own module."""
from __future__ import annotations

import datetime as dt

from lark import Transformer, v_args

from engine import ast
from engine.durations import MAX_MONTHS, Months
from engine.errors import Diagnostic, RuleSyntaxError

_UNITS = {"day": "day", "days": "day", "month": "month", "months": "month", "year": "year", "years": "year"}


def _syntax(span, message: str, hint: str) -> RuleSyntaxError:
    return RuleSyntaxError(Diagnostic("error", "syntax", message, span, hint=hint))


@v_args(inline=True, meta=True)
class DurationsBuilder(Transformer):
    def duration_literal(self, meta, *tokens):
        """`30 days` (kind days: a timedelta), `1 year 6 months` (kind months: Months): whole
        numbers, each unit once, years before months; days never with months or years."""
        span = self._span(meta)
        seen: dict = {}
        for number, unit in zip(tokens[::2], tokens[1::2]):
            here = self._tok(number)
            key = _UNITS[str(unit)]
            if "." in str(number):
                raise _syntax(here, f"a duration counts whole {key}s, not `{number} {unit}`",
                              "write a whole number, or a smaller unit: `45 days`, `1 year 6 months`")
            if key in seen or (key == "year" and "month" in seen):
                raise _syntax(self._tok(unit), f"`{unit}` comes {'twice' if key in seen else 'after the months'} "
                              "in this duration", "write years, then months: `1 year 6 months`")
            if len(str(number).lstrip("0")) > 9:
                raise _syntax(here, f"the duration `{number} {unit}` is longer than any calendar",
                              "check for a typing accident")
            seen[key] = int(str(number))
        if "day" in seen and len(seen) > 1:
            raise _syntax(span, "a duration counts either days or months, not both",
                          "a month is not a whole number of days: write `30 days`, or `1 year 6 months`")
        if "day" in seen:
            return ast.Literal(span, "duration", dt.timedelta(days=seen["day"]))
        count = 12 * seen.get("year", 0) + seen.get("month", 0)
        if count > MAX_MONTHS:
            raise _syntax(span, "this duration is longer than any calendar", "check for a typing accident")
        return ast.Literal(span, "duration in months", Months(count))

    def unit_type(self, meta, name, unit):
        if str(name) == "duration" and str(unit) in ("days", "months"):
            return ast.NamedType(self._span(meta), "duration" if str(unit) == "days" else "duration in months")
        raise _syntax(self._span(meta), f"`{name} in {unit}` is not a type",
                      "the durations are `duration` (whole days, also `duration in days`) and `duration in months`")
