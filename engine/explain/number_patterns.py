"""number_patterns: Babel's number patterns of one language applied without Babel's per-call lookups.

`babel.numbers.format_currency(v, "EUR", locale=l)` parses the locale, looks up its pattern, its
group and decimal signs, the currency's symbol and its plural name (for a `¤¤¤` the pattern does
not have) on every call: 10–20 µs, most of an explanation's time. A `NumberShape` looks them up
once per language and then does what `NumberPattern.apply` does, step for step and with the same
`Decimal` operations (so in the caller's decimal context, as Babel would): the text is Babel's to
the character (tests/test_explain_speed.py compares them). A pattern it does not cover (scientific,
significant digits, quoted text, `¤¤`) or a value that is not finite is left to Babel itself.
"""
from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Callable, Optional

_QUANTA: dict = {}  # digits after the point → 10 ** -digits (exact: a single digit)


def _quantum(digits: int) -> Decimal:
    found = _QUANTA.get(digits)
    if found is None:
        found = _QUANTA[digits] = Decimal(10) ** (-digits)
    return found


def _decimal_precision(number: Decimal) -> int:
    """babel.numbers.get_decimal_precision: the digits after the point, trailing zeros left out."""
    exponent = number.normalize().as_tuple().exponent
    return 0 if not isinstance(exponent, int) or exponent >= 0 else -exponent


class NumberShape:
    """One locale's decimal, percent or currency pattern, ready to apply."""

    def __init__(self, pattern, locale, currency: Optional[str], babel_call: Callable[[Decimal], str]):
        from babel import numbers
        self.babel_call = babel_call  # what is called for what this shape does not cover
        self.scale = pattern.scale
        self.grouping = pattern.grouping
        self.int_min = pattern.int_prec[0]
        self.frac_prec = pattern.frac_prec
        self.group = numbers.get_group_symbol(locale)
        self.point = numbers.get_decimal_symbol(locale)
        self.currency_digits = numbers.get_currency_precision(currency) if currency else None
        symbol = numbers.get_currency_symbol(currency, locale) if currency else ""
        self.prefix = tuple(p.replace("¤", symbol) if currency else p for p in pattern.prefix)
        self.suffix = tuple(s.replace("¤", symbol) if currency else s for s in pattern.suffix)
        affixes = "".join(pattern.prefix + pattern.suffix)
        # Babel takes quotes out of the whole text and writes `¤¤` as the code, `¤¤¤` as the name
        self.covered = not pattern.exp_prec and "@" not in pattern.pattern and "¤¤" not in affixes \
            and "'" not in affixes + symbol + self.group + self.point and pattern.number_pattern != "" \
            and self.grouping[0] > 0 and self.grouping[1] > 0 and (currency is not None or "¤" not in affixes)

    def format(self, value: Decimal, quantize: bool) -> str:
        """NumberPattern.apply(value, locale, currency, decimal_quantization=quantize)."""
        if value.is_finite() and value.adjusted() > 20:  # `10 ** 900`: quantized with all its digits
            with localcontext() as ctx:
                ctx.prec = value.adjusted() + 40
                return self._format(value, quantize)
        return self._format(value, quantize)

    def _format(self, value: Decimal, quantize: bool) -> str:
        if not self.covered or not value.is_finite():
            return self.babel_call(value)
        if self.scale:
            value = value.scaleb(self.scale)
        negative = 1 if value.is_signed() else 0
        value = abs(value).normalize()
        low, high = (self.currency_digits,) * 2 if self.currency_digits is not None else self.frac_prec
        if not quantize:
            high = max(high, _decimal_precision(value))
        whole, _, fraction = f"{value.quantize(_quantum(high)):f}".partition(".")
        return f"{self.prefix[negative]}{self._grouped(whole)}{self._fraction(fraction or '0', low, high)}" \
               f"{self.suffix[negative]}"

    def _grouped(self, digits: str) -> str:
        if len(digits) < self.int_min:
            digits = "0" * (self.int_min - len(digits)) + digits
        size, groups = self.grouping[0], []
        while len(digits) > size:
            groups.append(digits[-size:])
            digits = digits[:-size]
            size = self.grouping[1]
        return self.group.join([digits] + groups[::-1])

    def _fraction(self, digits: str, low: int, high: int) -> str:
        if len(digits) < low:
            digits += "0" * (low - len(digits))
        if high == 0 or (low == 0 and int(digits) == 0):
            return ""
        while len(digits) > low and digits[-1] == "0":
            digits = digits[:-1]
        return self.point + digits


def shapes(locale, currency: str) -> dict:
    """kind (`number`, `percent`, `money`) → its NumberShape for a Babel Locale."""
    from babel import numbers
    return {
        "number": NumberShape(locale.decimal_formats[None], locale, None,
                              lambda v: numbers.format_decimal(v, locale=locale, decimal_quantization=False)),
        "percent": NumberShape(locale.percent_formats[None], locale, None,
                               lambda v: numbers.format_percent(v, locale=locale, decimal_quantization=False)),
        "money": NumberShape(locale.currency_formats["standard"], locale, currency,
                             lambda v: numbers.format_currency(v, currency, locale=locale)),
    }
