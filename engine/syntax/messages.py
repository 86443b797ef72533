"""Syntax errors in words: what was found, what was expected, and what to write instead."""
from __future__ import annotations

import re

import lark

# What each terminal is, for a person: never a raw token name.
TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "STRING": 'a quoted text ("…")',
    "ORDER_OP": "a comparison (<, <=, >, >=)",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "POW_OP": "`**`",
    "TABLE_ROW": "a table row starting with `|`",
    "DURATION_UNIT": "a unit (`days`, `months`, `years`)",
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


def _found(error, fragment: str) -> tuple[str, int]:
    if isinstance(error, lark.exceptions.UnexpectedCharacters):
        if not error.char.isprintable():  # a control or invisible character: name it, do not print it
            return f"invisible character U+{ord(error.char):04X}", 1
        return f"character `{error.char}`", 1
    token = getattr(error, "token", None)
    if token is None or token.type == "$END":
        return ("end of the cell" if fragment == "unary_tests" else "end of the text"), 1
    if token.type == "_NL":
        return "end of the line", 1
    if token.type == "TABLE_ROW":
        return "a table row", 1
    value = str(token)
    return f"`{value}`", max(1, len(value))


def describe_unexpected(error, text: str, fragment: str = "") -> tuple[str, str | None, int]:
    """(message, hint, width of the caret) for a Lark UnexpectedInput."""
    from engine.syntax.parse import parser
    found, width = _found(error, fragment)
    expected = getattr(error, "expected", None) or getattr(error, "allowed", None) or ()
    try:
        # LALR merges states, so `expected` can list tokens that would fail a step later;
        # `accepts` tries each one on a copy of the parser and keeps those that really fit.
        accepted = error.accepts if isinstance(error, lark.exceptions.UnexpectedToken) else None
    except Exception:  # noqa: BLE001 - a refinement only; the plain list is still right
        accepted = None
    expected = sorted(accepted or expected)
    if fragment:  # a cell or a header ends where its text ends: no line or file end to speak of
        expected = [name for name in expected if name not in ("$END", "_NL")]
    elif len(expected) > 1:
        at_line_start = getattr(getattr(error, "token", None), "column", 0) == 1
        # At the start of a line, a blank line or the end of the file are not what anyone meant.
        expected = [name for name in expected if name != "$END" and not (at_line_start and name == "_NL")]
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
            hint = _money_hint()
        elif error.char == '"':
            hint = 'a quoted text ends with `"` on the same line; write \\" for a quote inside it'
        elif not error.char.isprintable():
            hint = "delete this character (it may have come from copying text from another program)"
        elif ord(error.char) > 127 and not error.char.isalnum():
            hint = "only ASCII operators and punctuation are allowed outside quoted text"
    token = getattr(error, "token", None)
    if _after_a_digit_then_digit(error, text, fragment):
        hint = DECIMAL_COMMA_HINT
    if token is not None and getattr(token, "type", "") == "NAME":
        from engine.errors import suggestion_hint
        from engine.semantics.typecheck import _lookalike_hint
        keywords = [w.strip("`") for w in words if w.startswith("`") and w[1:-1].isalpha()]
        hint = _lookalike_hint(str(token)) or suggestion_hint(str(token), keywords) or hint
    if token is not None and getattr(token, "type", "") == "NAME" and str(token).lower() in UNIT_LOOKALIKES \
            and _after_a_number(token, text):
        hint = DURATION_UNIT_HINT + (": a week is `7 days`" if str(token).lower().startswith("week") else "")
    if token is not None and str(token).lower() in MONEY_LOOKALIKES and _after_a_number(token, text):
        hint = _money_hint(_number_before(token, text))  # `8 euros`, `14 EUR`
    elif token is not None and str(token) == "€" and not _after_a_number(token, text):
        hint = _money_hint(_number_after(token, text))  # `€14`
    if _bracketed_declared_range(token, text, fragment):
        hint = DECLARED_RANGE_HINT
    if fragment == "unary_tests":
        hint = hint or "an input cell is `-`, a value, a comparison (`<= 29`), a range (`30..49`), a set (`{a, b}`) or `not …`"
    if not words or (hint and isinstance(error, lark.exceptions.UnexpectedCharacters)):
        # a stray character has a specific hint; the lexer's list of what could follow says less
        return f"unexpected {found}", hint, width
    if len(words) > 8:
        words = words[:8] + ["…"]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"unexpected {found}; expected {listed}", hint, width


DECIMAL_COMMA_HINT = "a decimal is written with a point (0.25, not 0,25); a comma separates the values of a list"


def _after_a_digit_then_digit(error, text: str, fragment: str) -> bool:
    """The unexpected `,` sits between two digits: a decimal comma, as French writes 16,5."""
    source = text  # `fragment` names the start symbol; the text is the fragment itself
    position = getattr(error, "pos_in_stream", None)
    token = getattr(error, "token", None)
    if token is not None and getattr(token, "start_pos", None) is not None:
        position = token.start_pos
    if position is None or not (0 < position < len(source) - 1) or source[position] != ",":
        return False
    return source[position - 1].isdigit() and source[position + 1].isdigit()


# Words written after a number as a duration's unit that the language does not have.
UNIT_LOOKALIKES = frozenset({"week", "weeks", "wk", "w", "d", "m", "y", "yr", "yrs", "mo", "mos", "semaine",
                             "semaines", "jour", "jours", "mois", "an", "ans", "année", "années"})
DURATION_UNIT_HINT = "a duration counts `day`/`days`, `month`/`months` or `year`/`years`, in English"
DECLARED_RANGE_HINT = ("a declared range is written without brackets, both ends included: `integer 0..4`; "
                       "or with one end: `> 0`, `<= 4` (brackets are for the cells of a table)")
_DECLARATION_WITH_BRACKET = re.compile(r"\s*(input|parameter|decision|function)\b[^\[(]*:[^\[(=]*[\[(][^\[(]*$")


def _bracketed_declared_range(token, text: str, fragment: str) -> bool:
    """`input n : integer [0..4]`: the `..` of a range written in brackets after a declared type."""
    if fragment or token is None or str(token) != ".." or getattr(token, "line", None) is None:
        return False
    lines = text.split("\n")
    if not 0 < token.line <= len(lines):
        return False
    return bool(_DECLARATION_WITH_BRACKET.match(lines[token.line - 1][:token.column - 1]))


MONEY_LOOKALIKES = frozenset({"euro", "euros", "eur"})


def _money_hint(amount: str = "") -> str:
    written = "write money as a number followed by ` €`"
    return f"{written}: `{amount} €`" if amount else f"{written}, e.g. `25 €`"


def _number_before(token, source: str) -> str:
    start = getattr(token, "start_pos", None)
    found = re.search(r"[0-9][0-9.]*$", source[:start].rstrip()) if start is not None else None
    return found.group() if found else ""


def _number_after(token, source: str) -> str:
    end = getattr(token, "end_pos", None)
    found = re.match(r"\s*([0-9][0-9.]*)", source[end:]) if end is not None else None
    return found.group(1) if found else ""


def _after_a_number(token, source: str) -> bool:
    """The word follows a number (`1 week`): it was meant as a unit."""
    start = getattr(token, "start_pos", None)
    before = source[:start].rstrip() if start is not None else ""
    return before[-1:].isdigit()
