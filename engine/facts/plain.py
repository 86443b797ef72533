"""plain: the facts file most people write, one `name: value` a line, read without PyYAML.

    read_plain(text) → the dict engine.yaml_safe.load_yaml(text, …) gives, or None

PyYAML takes some 13 ms to import, about a tenth of a whole `verdict eval`, for a file like
examples/wang.yaml: names at the left margin, each followed by a word (`CN`, `metropole`), a
number (`9000`, `-1.5`, `2e3`), a date (`2001-03-14`), `true`/`false`, `null` or nothing, or a
text in quotes without a quote or a backslash in it; comments and blank lines between. Or the
same facts as a JSON object (`{"household_size": 1, "territory": "metropole"}`: texts without
quote or backslash, numbers, true, false, null). These forms read here exactly as yaml_safe's
loader reads them (YAML 1.2 booleans and numbers,
decimals exact, an impossible date kept as the text written). Anything else — an indented line,
a list, a text of several words, a tab, a duplicate name, a document marker, a character outside
printable ASCII outside a comment — gives None, and the caller reads the text with PyYAML as
always: so every error message is PyYAML's, and only the files without one are read here.
tests/test_facts_plain.py holds the two readers equal, on such files and on near misses.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

# One line: a name, `:`, then a value (or none) and a comment (or none). The name is a plain word
# (YAML would read `true`, `null` or a number as another kind of key: those are left to it).
_LINE = re.compile(r"""([A-Za-z_][A-Za-z0-9_]{0,199}):(?:[ ]+(?:
        "(?P<double>[ !#-\[\]-~]*)"
      | '(?P<single>[ -&(-~]*)'
      | (?P<plain>[A-Za-z0-9_.+-]+)
    ))?[ ]*(?:(?<=[ ])\#.*)?""", re.VERBOSE)
_SKIPPED = re.compile(r"[ ]*(?:\#.*)?")  # a blank line, or a comment alone
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = ("null", "Null", "NULL")
_INTEGER = re.compile(r"[-+]?[0-9]+")
MAX_INTEGER_DIGITS = 100  # longer ones are PyYAML's to read (Python's int has a limit on digits)
# yaml_safe's float, less .inf and .nan (floats, which it keeps as floats for the facts' check)
_DECIMAL = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_UNSAFE_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # all but the line break; a tab too


def read_plain(text: str):
    """The facts of `text` when it is only `name: value` lines, or a JSON object of names and plain
    values (see above), else None."""
    if _UNSAFE_CONTROL.search(text) or not _printable_beyond_ascii(text):
        return None
    if text.lstrip(" \n").startswith("{"):
        return _json_object(text)
    facts: dict = {}
    for line in text.split("\n"):
        found = _LINE.fullmatch(line)
        if found is None:
            if _SKIPPED.fullmatch(line):
                continue
            return None
        name = found.group(1)
        if name in facts or name in _BOOLEANS or name in _NULLS:
            return None
        value = _value(found.group("double"), found.group("single"), found.group("plain"))
        if value is _NOT_PLAIN:
            return None
        facts[name] = value
    return facts or None  # an empty document is PyYAML's to say


_NOT_PLAIN = object()

# A JSON object (JSON is YAML: a flow mapping), each value a text without quote or backslash, a
# number, true, false or null; spaces and line breaks between, none between a name and its colon
# (YAML wants a key and its `:` on one line, within 1,024 characters).
_JSON_PAIR = re.compile(r"""[ \n]*"(?P<name>[ !#-\[\]-~]{1,200})"[ ]{0,8}:[ \n]*(?:
        "(?P<double>[ !#-\[\]-~]*)"
      | (?P<plain>-?(?:0|[1-9][0-9]{0,99})(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null)
    )[ \n]*(?P<next>[,}])""", re.VERBOSE)


def _json_object(text: str):
    position = text.index("{") + 1
    facts: dict = {}
    while True:
        found = _JSON_PAIR.match(text, position)
        if found is None or found.group("name") in facts:
            return None  # `{}`, nested values, escapes, a duplicate: PyYAML's to read
        value = _value(found.group("double"), None, found.group("plain"))
        if value is _NOT_PLAIN:  # an integer too long to be read here, say: PyYAML's to read, as a line's is
            return None
        facts[found.group("name")] = value
        position = found.end()
        if found.group("next") == "}":
            return None if text[position:].strip(" \n") else facts


def _value(double, single, plain):
    if double is not None:
        return double
    if single is not None:
        return single
    if plain is None or plain in _NULLS:
        return None
    if plain in _BOOLEANS:
        return _BOOLEANS[plain]
    if _WORD.fullmatch(plain):
        return plain
    if _INTEGER.fullmatch(plain):  # before _DECIMAL, which the digits alone match too
        return int(plain, 10) if len(plain) <= MAX_INTEGER_DIGITS else _NOT_PLAIN
    if _DECIMAL.fullmatch(plain):
        return Decimal(plain)
    date = _DATE.fullmatch(plain)
    if date:
        try:
            return dt.date(int(date.group(1)), int(date.group(2)), int(date.group(3)))
        except ValueError:  # 2001-13-45: the text written, for the fact's check to name
            return plain
    return _NOT_PLAIN


def _printable_beyond_ascii(text: str) -> bool:
    """No character PyYAML's reader refuses, nor one it reads as a line break, a byte order mark
    or a space (those are its to read); outside ASCII only comments can hold any of the rest."""
    if text.isascii():
        return True
    for character in set(text):
        code = ord(character)
        if code > 0x7E and not (0xA0 < code <= 0xD7FF and code not in (0x2028, 0x2029)
                                or 0xE000 <= code <= 0xFFFD and code != 0xFEFF or code >= 0x10000):
            return False
    return True
