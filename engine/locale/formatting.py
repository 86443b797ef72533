"""Values as a reader of one language writes them, from CLDR (Babel): dates, numbers, percentages,
euros, country names and lists. Exact: a Decimal goes in whole (no rounding beyond the cent for
money), text comes out.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

# Babel is imported on the first value formatted: a verdict nobody explains does not pay for it.

# The CLDR locale of each explanation language. English is British English: the verdicts are
# about France, where "14 March 2001" is the form an English-speaking adviser writes.
CLDR_LOCALES = {"en": "en_GB", "fr": "fr_FR", "zh": "zh_Hans_CN"}
CURRENCY = "EUR"


def cldr_locale(lang: str) -> str:
    return CLDR_LOCALES.get(lang, lang)


@lru_cache(maxsize=None)
def _locale(lang: str):
    from babel import UnknownLocaleError

    from engine.locale.cldr_cache import cached_locale  # Babel's Locale; its data read faster (see there)
    try:
        return cached_locale(cldr_locale(lang))
    except (UnknownLocaleError, ValueError, LookupError):  # a language CLDR does not know reads as English
        return cached_locale("en_GB")


def format_date(value: dt.date, lang: str) -> str:
    """`14 March 2001`, `14 mars 2001` (`1er mars`), `2001年3月14日`."""
    from babel import dates
    text = dates.format_date(value, "long", locale=_locale(lang))
    if lang == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]  # French writes the first of the month as an ordinal; CLDR does not
    return text.replace(" ", "\u00a0")  # a date is not broken across lines


def format_number(value, lang: str) -> str:
    """Every digit kept: `0.705` stays `0.705` (`0,705` in French)."""
    from babel import numbers
    return numbers.format_decimal(Decimal(value), locale=_locale(lang), decimal_quantization=False)


def format_percent(value, lang: str) -> str:
    """A rate as a percentage: 0.7 → `70%`, `70 %` (French, with a non-breaking space)."""
    from babel import numbers
    return numbers.format_percent(Decimal(value), locale=_locale(lang), decimal_quantization=False)


def format_money(value, lang: str) -> str:
    """Euros to the cent: `€30.00`, `30,00 €`, `€30.00` (Chinese writes the sign as English does)."""
    from babel import numbers
    return numbers.format_currency(Decimal(value), CURRENCY, locale=_locale(lang))


def country_name(code: str, lang: str) -> str:
    """`France`, `Allemagne`, `德国` for FR, DE; the code itself if CLDR has no name for it."""
    return _locale(lang).territories.get(code, code)


def format_list(items: list, lang: str) -> str:
    """`a, b and c`, `a, b et c`, `a、b和c`."""
    from babel import lists
    return lists.format_list(list(items), locale=_locale(lang)) if items else ""
