"""parse_cell: the common forms of a table cell read by hand, without Lark.

A 100,000-row table has 400,000 cells; one Lark parse and transform each is most of the loading
time. Nearly all cells are a literal, a name, a comparison, a range, a set or a list of those:
this scanner reads exactly these forms and builds the very AST (spans included) that
engine.parse would build. Anything else — an operator, a call, a field, a keyword, a number too
long, an impossible date, any doubt — returns None, and the caller parses the cell with Lark,
which also gives every syntax error its message. tests/test_parse_cell.py checks the two paths
agree on generated cells.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Optional

from engine import ast
from engine.span import Span

# The terminals of grammar/verdict.lark that the common forms use, in Lark's order of priority
# (DATE before NUMBER); a character that starts none of them sends the cell to Lark.
_TOKEN = re.compile(r"""
    (?P<ws>[\t \f]+)
  | (?P<DATE>\d{4}-\d{2}-\d{2})
  | (?P<NUMBER>\d+(?:\.\d+)?)
  | (?P<STRING>"(?:[^"\\\n]|\\.)*")
  | (?P<NAME>[^\W\d]\w*)
  | (?P<OP><=|>=|!=|\.\.|[<>=,{}\[\]()€%-])
""", re.VERBOSE)
# Words of the grammar: Lark reads them as keywords, not names.
_KEYWORDS = frozenset({"type", "input", "parameter", "from", "default", "decision", "hit", "valid", "to",
                       "source", "checked", "because", "list", "of", "if", "then", "else", "or", "and",
                       "not", "in", "true", "false",
                       "some", "every", "satisfies", "for", "return", "contains"})  # lists (h16-lists)
_ORDER = ("<=", ">=", "<", ">")
_MAX_WHOLE_DIGITS, _MAX_DIGITS = 15, 28  # as engine.parse._number_text: longer numbers go to Lark


# The two commonest forms, matched whole by one regular expression each: a value or a comparison
# with a number or a name (`r17`, `<= 29`, `>= 40000 €`), and a range of numbers (`[0 €..500 €)`).
_NUMBER = r"(\d+(?:\.\d+)?)(?:[\t \f]*([€%]))?"
_SIMPLE = re.compile(r"(?:(<=|>=|!=|<|>|=)[\t \f]*)?(?:" + _NUMBER + r"|([^\W\d]\w*))")
_RANGE = re.compile(r"([\[(])[\t \f]*" + _NUMBER + r"[\t \f]*\.\.[\t \f]*" + _NUMBER + r"[\t \f]*([\])])")


class _Fallback(Exception):
    """This cell is not one of the common forms."""


def _tokens(text: str, column: int) -> list:
    found, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _Fallback
        kind = match.lastgroup
        if kind != "ws":
            value = match.group()
            found.append((value if kind == "OP" else kind, value, column + position, column + match.end()))
        position = match.end()
    return found


class _Reader:
    def __init__(self, text: str, file: str, line: int, column: int):
        self.tokens = _tokens(text, column)
        self.at = 0
        self.file, self.line = file, line

    def span(self, start: int, end: int) -> Span:
        return Span(self.file, self.line, start, self.line, end)

    def peek(self, offset: int = 0):
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else (None, "", 0, 0)

    def take(self, kind: Optional[str] = None):
        token = self.peek()
        if token[0] is None or (kind is not None and token[0] != kind):
            raise _Fallback
        self.at += 1
        return token

    def done(self) -> None:
        if self.at != len(self.tokens):
            raise _Fallback

    # ------------------------------------------------------------------ values
    def value(self) -> ast.Expr:
        """A literal, a name, or a negated number: the `sum` of the common forms."""
        kind, text, start, end = self.peek()
        if kind == "-":
            self.take()
            number = self.number()
            return ast.Literal(self.span(start, number.span.end_column), number.kind, -number.value)
        if kind == "NUMBER":
            return self.number()
        self.take()
        if kind == "DATE":
            try:
                return ast.Literal(self.span(start, end), "date", dt.date.fromisoformat(text))
            except ValueError:
                raise _Fallback from None
        if kind == "STRING":
            if "\\" in text:
                raise _Fallback  # escapes, and their errors, are Lark's path's to read
            return ast.Literal(self.span(start, end), "text", text[1:-1])
        if kind == "NAME":
            if text in ("true", "false"):
                return ast.Literal(self.span(start, end), "bool", text == "true")
            if text in _KEYWORDS or self.peek()[0] in (".", "("):
                raise _Fallback
            return ast.Name(self.span(start, end), text)
        raise _Fallback

    def number(self) -> ast.Literal:
        _, text, start, end = self.take("NUMBER")
        whole, _, fraction = text.partition(".")
        whole = whole.lstrip("0")
        if len(whole) > _MAX_WHOLE_DIGITS or len(whole) + len(fraction) > _MAX_DIGITS:
            raise _Fallback
        unit = self.peek()[0]
        if unit == "€":
            return ast.Literal(self.span(start, self.take()[3]), "money", Decimal(text))
        if unit == "%":
            return ast.Literal(self.span(start, self.take()[3]), "number", Decimal(text) / 100)
        if "." in text:
            return ast.Literal(self.span(start, end), "number", Decimal(text))
        return ast.Literal(self.span(start, end), "integer", int(text))

    # ------------------------------------------------------------------ unary tests
    def unary_tests(self) -> ast.Test:
        kind, text, start, _ = self.peek()
        if kind == "NAME" and text == "not":
            self.take()
            tests = self.positive_tests()
            return ast.NotTest(self.span(start, tests.span.end_column), tests)
        return self.positive_tests()

    def positive_tests(self) -> ast.Test:
        tests = [self.positive_test()]
        while self.peek()[0] == ",":
            self.take()
            tests.append(self.positive_test())
        if len(tests) == 1:
            return tests[0]
        return ast.AnyOfTest(self.span(tests[0].span.column, tests[-1].span.end_column), tuple(tests))

    def positive_test(self) -> ast.Test:
        kind, _, start, _ = self.peek()
        if kind in _ORDER or kind in ("=", "!="):
            self.take()
            bound = self.value()
            return ast.CompareTest(self.span(start, bound.span.end_column), kind if kind != "=" else "=", bound)
        if kind in ("[", "("):
            self.take()
            lo = self.value()
            self.take("..")
            hi = self.value()
            close = self.peek()[0]
            if close not in ("]", ")"):
                raise _Fallback
            end = self.take()[3]
            return ast.RangeTest(self.span(start, end), lo, hi, kind == "[", close == "]")
        if kind == "{":
            self.take()
            values = []
            if self.peek()[0] != "}":
                values.append(self.value())
                while self.peek()[0] == ",":
                    self.take()
                    values.append(self.value())
            end = self.take("}")[3]
            return ast.SetTest(self.span(start, end), tuple(values))
        value = self.value()
        if self.peek()[0] == "..":
            self.take()
            hi = self.value()
            return ast.RangeTest(self.span(value.span.column, hi.span.end_column), value, hi, True, True)
        return ast.CompareTest(value.span, "=", value)


def _literal(file: str, line: int, column: int, match, group: int, cell_span=None) -> ast.Literal:
    """The number literal of groups `group` (digits) and `group + 1` (unit) of a match;
    `cell_span`, the span of the whole cell, is shared when the literal is the whole cell."""
    text = match.group(group)
    whole, _, fraction = text.partition(".")
    whole = whole.lstrip("0")
    if len(whole) > _MAX_WHOLE_DIGITS or len(whole) + len(fraction) > _MAX_DIGITS:
        raise _Fallback
    unit = match.group(group + 1)
    end = match.end(group + 1) if unit else match.end(group)
    if cell_span is not None and match.start(group) == 0 and end == len(match.string):
        span = cell_span
    else:
        span = Span(file, line, column + match.start(group), line, column + end)
    if unit == "€":
        return ast.Literal(span, "money", Decimal(text))
    if unit == "%":
        return ast.Literal(span, "number", Decimal(text) / 100)
    if "." in text:
        return ast.Literal(span, "number", Decimal(text))
    return ast.Literal(span, "integer", int(text))


def _quick_test(text: str, file: str, line: int, column: int) -> Optional[ast.Test]:
    # One Span object for the whole cell, shared by the nodes that cover it (equal either way).
    whole = Span(file, line, column, line, column + len(text))
    match = _SIMPLE.fullmatch(text)
    if match is not None:
        name = match.group(4)
        if name is not None:
            if name in _KEYWORDS:
                return None
            value_span = whole if match.start(4) == 0 else Span(file, line, column + match.start(4), line,
                                                                column + match.end(4))
            value = ast.Name(value_span, name)
        else:
            value = _literal(file, line, column, match, 2, whole)
        op = match.group(1)
        if op is None:
            return ast.CompareTest(value.span, "=", value)
        return ast.CompareTest(whole, op, value)
    match = _RANGE.fullmatch(text)
    if match is not None:
        return ast.RangeTest(whole, _literal(file, line, column, match, 2), _literal(file, line, column, match, 4),
                             match.group(1) == "[", match.group(6) == "]")
    return None


def scan_tests(text: str, file: str, line: int, column: int) -> Optional[ast.Test]:
    """The unary tests of an input cell, or None when Lark must read it."""
    try:
        quick = _quick_test(text, file, line, column)
        if quick is not None:
            return quick
        reader = _Reader(text, file, line, column)
        tests = reader.unary_tests()
        reader.done()
        return tests
    except _Fallback:
        return None


def scan_expression(text: str, file: str, line: int, column: int) -> Optional[ast.Expr]:
    """The expression of an output cell when it is a single value, or None when Lark must read it."""
    try:
        match = _SIMPLE.fullmatch(text)
        if match is not None and match.group(1) is None and match.group(4) is None:
            return _literal(file, line, column, match, 2, Span(file, line, column, line, column + len(text)))
        reader = _Reader(text, file, line, column)
        value = reader.value()
        reader.done()
        return value
    except _Fallback:
        return None
