"""cell: the common forms of a table cell read by hand, without Lark.

A 100,000-row table has 400,000 cells; one Lark parse and transform each is most of the loading
time. Nearly all cells are a literal, a name, a comparison, a range, a set or a list of those:
this scanner reads exactly these forms and builds the very AST (spans included) that
engine.syntax.parse would build. Anything else — an operator, a call, a field, a keyword, a number too
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
_MAX_WHOLE_DIGITS, _MAX_DIGITS = 15, 28  # as engine.syntax.parse._number_text: longer numbers go to Lark


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


def _number_value(match, group: int) -> tuple:
    """(kind, value) of the number literal of groups `group` (digits) and `group + 1` (unit) of a
    match: as the Reader's `number` reads it. Raises _Fallback for a number too long."""
    text = match.group(group)
    if len(text) > _MAX_WHOLE_DIGITS:  # shorter texts are within both limits
        whole, _, fraction = text.partition(".")
        whole = whole.lstrip("0")
        if len(whole) > _MAX_WHOLE_DIGITS or len(whole) + len(fraction) > _MAX_DIGITS:
            raise _Fallback
    unit = match.group(group + 1)
    if unit == "€":
        return "money", Decimal(text)
    if unit == "%":
        return "number", Decimal(text) / 100
    if "." in text:
        return "number", Decimal(text)
    return "integer", int(text)


# A cell's text is parsed once per table: what it says is kept as a builder, a function
# (file, line, column, cell span) -> node that only makes the nodes and spans of each place the
# text occurs. Tables repeat their cells (`r17`, `>= 40000 €`, `eligible`) row after row.

def _value_builder(node_class, fields: tuple, start: int, end: int, length: int):
    """A builder of a Literal (`fields` is (kind, value)) or a Name (it is (name,)) at [start, end)
    of a cell of `length` characters; a value covering the cell shares its span."""
    if start == 0 and end == length:
        return lambda file, line, column, whole: node_class(whole, *fields)
    return lambda file, line, column, whole: node_class(Span(file, line, column + start, line, column + end), *fields)


def _simple_value(text: str, match) -> Optional[tuple]:
    """(node class, fields, start, end) of the value of a `_SIMPLE` match, or None when the
    Reader must look at it."""
    name = match.group(4)
    if name is None:
        return ast.Literal, _number_value(match, 2), match.start(2), match.end(3) if match.group(3) else match.end(2)
    if name in ("true", "false"):
        return ast.Literal, ("bool", name == "true"), match.start(4), match.end(4)
    if name in _KEYWORDS:
        return None
    return ast.Name, (name,), match.start(4), match.end(4)


def _test_builder(text: str):
    """The builder of a cell's test when it is one of the two commonest forms, or None."""
    length = len(text)
    match = _SIMPLE.fullmatch(text)
    if match is not None:
        value = _simple_value(text, match)
        if value is None:
            return None
        node_class, fields, start, end = value
        op = match.group(1)
        if op is None:  # the value is the whole cell (`r17`, `12 €`)
            return lambda file, line, column, whole: ast.CompareTest(whole, "=", node_class(whole, *fields))
        return lambda file, line, column, whole: ast.CompareTest(
            whole, op, node_class(Span(file, line, column + start, line, column + end), *fields))
    match = _RANGE.fullmatch(text)
    if match is not None:
        lo_kind, lo_value = _number_value(match, 2)
        hi_kind, hi_value = _number_value(match, 4)
        lo_start, lo_end = match.start(2), match.end(3) if match.group(3) else match.end(2)
        hi_start, hi_end = match.start(4), match.end(5) if match.group(5) else match.end(4)
        lo_closed, hi_closed = match.group(1) == "[", match.group(6) == "]"
        return lambda file, line, column, whole: ast.RangeTest(
            whole, ast.Literal(Span(file, line, column + lo_start, line, column + lo_end), lo_kind, lo_value),
            ast.Literal(Span(file, line, column + hi_start, line, column + hi_end), hi_kind, hi_value),
            lo_closed, hi_closed)
    return None


def _expression_builder(text: str):
    """The builder of an output cell that is a single number or name, or None."""
    match = _SIMPLE.fullmatch(text)
    if match is None or match.group(1) is not None:
        return None
    value = _simple_value(text, match)
    return _value_builder(*value, len(text)) if value is not None else None


def _read_by_lark(file, line, column, whole):
    return None  # a marker in a cache: this text is Lark's to read


def _read_by_reader(file, line, column, whole):
    return None  # a marker: the Reader reads the text (its nodes are not kept)


def _cached_builder(cache, text: str, make):
    builder = cache.get(text)
    if builder is None:
        try:
            builder = make(text) or _read_by_reader
        except _Fallback:
            builder = _read_by_lark
        cache[text] = builder
    return builder


def scan_tests(text: str, file: str, line: int, column: int, cache: Optional[dict] = None,
               span: Optional[Span] = None) -> Optional[ast.Test]:
    """The unary tests of an input cell, or None when Lark must read it. `cache` (text -> builder)
    is shared by the cells of a table; `span`, the cell's span, is shared by the nodes covering it."""
    return _scan(text, file, line, column, cache, span, _test_builder, _Reader.unary_tests)


def scan_expression(text: str, file: str, line: int, column: int, cache: Optional[dict] = None,
                    span: Optional[Span] = None) -> Optional[ast.Expr]:
    """The expression of an output cell when it is a single value, or None when Lark must read it."""
    return _scan(text, file, line, column, cache, span, _expression_builder, _Reader.value)


def _scan(text: str, file: str, line: int, column: int, cache: Optional[dict], span: Optional[Span],
          builder_of, read):
    """A cell read by its cached builder, or by the token reader (`read`: what it reads), or None."""
    try:
        builder = _cached_builder(cache, text, builder_of) if cache is not None else \
            (builder_of(text) or _read_by_reader)
        if builder is _read_by_lark:
            return None
        if builder is not _read_by_reader:
            return builder(file, line, column, span or Span(file, line, column, line, column + len(text)))
        reader = _Reader(text, file, line, column)
        found = read(reader)
        reader.done()
        return found
    except _Fallback:
        return None
