"""FEEL literals as rule text: strings, numbers, dates."""
from __future__ import annotations

import datetime as dt

from engine.dmn.feel import FeelError, number_text


def quote(text: str) -> str:
    """A rule-language string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def literal_text(tree, kind: str) -> str:
    """A FEEL literal (a number, a date("…")) as rule text, for declared ranges."""
    if tree[0] == "num":
        return number_text(tree[1]) + (" €" if kind == "money" else "")
    if tree[0] == "call" and tree[1] == "date" and len(tree[2]) == 1 and tree[2][0][0] == "str":
        return iso_date(tree[2][0][1])
    if tree[0] == "call" and tree[1] == "duration" and len(tree[2]) == 1 and tree[2][0][0] == "str":
        from engine.dmn.feel_durations import literal  # (h16-dmn-dur)
        return literal(tree[2][0][1])
    raise FeelError("a bound of allowed values must be a number, date(\"YYYY-MM-DD\") or duration(\"P30D\")")


def iso_date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise FeelError(f"date(\"{text}\") is not a date YYYY-MM-DD (times and time zones are not translated)") from None
