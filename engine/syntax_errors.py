"""Syntax errors in words: what was found, what was expected, and what to write instead."""
from __future__ import annotations

import lark

# What each terminal is, for a person: never a raw token name.
TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "STRING": 'a quoted text ("…")',
    "COMPARATOR": "a comparison (<, <=, >, >=, =, !=)",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "TABLE_ROW": "a table row starting with `|`",
    "_NL": "the end of the line",
    "$END": "the end of the file",
}

KEYWORDS_BY_CONTEXT = {
    "ruleset": "a declaration (`type`, `input`, `parameter` or `decision`)",
}

HINTS = {
    ("_NL",): None,
}


def _word(name: str, parser: lark.Lark) -> str:
    if name in TERMINAL_WORDS:
        return TERMINAL_WORDS[name]
    try:
        pattern = parser.get_terminal(name).pattern
        if pattern.type == "str":
            return f"`{pattern.value}`"
    except KeyError:
        pass
    return name.lower()


def _found(error) -> tuple[str, int]:
    if isinstance(error, lark.exceptions.UnexpectedCharacters):
        return f"the character `{error.char}`", 1
    token = getattr(error, "token", None)
    if token is None or token.type == "$END":
        return "the end of the text", 1
    if token.type == "_NL":
        return "the end of the line", 1
    if token.type == "TABLE_ROW":
        return "a table row", 1
    value = str(token)
    return f"`{value}`", max(1, len(value))


def describe_unexpected(error, text: str, fragment: str = "") -> tuple[str, str | None, int]:
    """(message, hint, width of the caret) for a Lark UnexpectedInput."""
    from engine.parse import parser
    found, width = _found(error)
    expected = sorted(getattr(error, "expected", None) or getattr(error, "allowed", None) or ())
    words = []
    for name in expected:
        word = _word(name, parser())
        if word not in words:
            words.append(word)
    hint = None
    if "_NL" in expected and len(words) > 1:
        hint = "a declaration ends at the end of its line; anything more must be one of the clauses expected here"
    if isinstance(error, lark.exceptions.UnexpectedCharacters):
        if error.char == "\t":
            pass
        elif error.char in "€$£":
            hint = "write money as a number followed by ` €`, e.g. `25 €`"
        elif ord(error.char) > 127 and not error.char.isalnum():
            hint = "only ASCII operators and punctuation are allowed outside quoted text"
    if fragment == "unary_tests":
        hint = hint or "an input cell is `-`, a value, a comparison (`<= 29`), a range (`30..49`), a set (`{a, b}`) or `not …`"
    if not words:
        return f"unexpected {found}", hint, width
    if len(words) > 8:
        words = words[:8] + ["…"]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"unexpected {found}; expected {listed}", hint, width
