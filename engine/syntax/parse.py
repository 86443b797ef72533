"""parse: rule-file text → AST (Lark LALR). The only module that catches Lark's exceptions."""
from __future__ import annotations

import datetime as dt
import heapq
import re
from decimal import Decimal
from typing import Optional

import lark
from lark import Transformer, v_args

from engine import ast
from engine.syntax.durations import DurationsBuilder
from engine.errors import Diagnostic, RuleSyntaxError
from engine.syntax.functions import FunctionBuilder
from engine.syntax.lark_parser import GRAMMAR_PATH, parser  # noqa: F401  (the parser, for the stages that parse)
from engine.syntax.lists import ListsBuilder
from engine.syntax.lines import read_simple_lines, restore_newline_ends, set_rows_aside
from engine.span import Span
from engine.syntax.messages import describe_unexpected

# Limits on rule files (docs/errors.md): far beyond any real policy, and low enough that hostile
# input cannot exhaust the stack or the memory. The file size limit is in ruleset_files.py.
MAX_LINE_LENGTH = 10_000        # characters in one line
MAX_NESTING_DEPTH = 100         # brackets, and operations nested in one expression or cell
MAX_TABLE_ROWS = 1_000_000      # rows of one table
MAX_TABLE_COLUMNS = 100         # columns of one table (inputs, outputs and annotations)
MAX_NUMBER_DIGITS = 28          # significant digits of a number written in a rule (exact arithmetic)
# Nodes of the Lark tree that are not a level of nesting inside an expression.
_DECLARATION_NODES = frozenset({
    "ruleset", "type_decl", "enum_type", "named_type", "list_type", "input_decl", "default_clause",
    "closed_range", "half_range", "parameter_decl", "parameter_value", "decision_decl", "assert_decl", "table_body",
    "table_line", "expression_body", "hit_clause", "validity", "source_clause", "checked_clause",
    "because_clause", "unary_tests", "positive_tests", "equal_test",
    # leaves: a value is not a level of nesting
    "name", "number", "money", "percent", "date", "text", "true", "false"})
_DECLARATION_NODES |= {"record_type_decl", "record_type", "record_field"}  # records (h16-records)
_DECLARATION_NODES |= {"duration_literal", "unit_type"}  # durations (h16-dur)


def parse(text: str, file: str = "<rules>") -> ast.RuleFile:
    """Parse a whole rule file. Raises RuleSyntaxError with every position in `file`."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    if not normalised.endswith("\n"):
        normalised += "\n"
    _check_lines(normalised, file)
    rest, read_by_hand = read_simple_lines(normalised, file)
    try:
        parsed = _parse_with_lark(rest, file)
    except RuleSyntaxError:
        if not read_by_hand:
            raise
        parsed = _parse_with_lark(normalised, file)  # the error as Lark sees the whole text
        read_by_hand = []
    declarations = parsed.declarations
    if read_by_hand:
        declarations = tuple(heapq.merge(restore_newline_ends(declarations, normalised), read_by_hand,
                                         key=lambda d: d.span.line))
    # The whole file, however much of it Lark read.
    return ast.RuleFile(Span(file, 1, 1, normalised.count("\n") + 1, 1), file, declarations)


def _parse_with_lark(text: str, file: str) -> ast.RuleFile:
    lark_text, rows_aside = set_rows_aside(text)
    try:
        tree = parser().parse(lark_text, start="ruleset")
        _check_depth(tree, file)
        builder = _Builder(file)
        builder.rows_aside = rows_aside
        return builder.transform(tree)
    except lark.exceptions.VisitError as error:
        raise _unwrapped(error, file) from None
    except lark.exceptions.UnexpectedInput as error:
        raise _syntax_error(error, file, text) from None


def parse_expression(text: str, file: str = "<expression>", line: int = 1, column: int = 1) -> ast.Expr:
    return _parse_fragment(text, "expression", file, line, column)


# Cells repeat: the same text at the same column (an aligned table) parses to the same tree, and
# the tree is only read afterwards, so it is parsed once. Bounded, so a huge file cannot grow it.
_fragment_trees: dict = {}
_FRAGMENT_CACHE_SIZE = 50_000


def _fragment_tree(padded: str, start: str):
    key = (start, padded)
    tree = _fragment_trees.get(key)
    if tree is None:
        tree = parser().parse(padded, start=start)
        if len(_fragment_trees) >= _FRAGMENT_CACHE_SIZE:
            _fragment_trees.clear()
        _fragment_trees[key] = tree
    return tree


def _parse_fragment(text: str, start: str, file: str, line: int, column: int):
    padded = " " * (column - 1) + text
    try:
        tree = _fragment_tree(padded, start)
        _check_depth(tree, file, line - 1)
        return _Builder(file, line - 1).transform(tree)
    except lark.exceptions.VisitError as error:
        raise _unwrapped(error, file) from None
    except lark.exceptions.UnexpectedInput as error:
        raise _syntax_error(error, file, padded, line - 1, fragment=start) from None


def _unwrapped(error, file: str) -> RuleSyntaxError:
    """The error raised while building the AST, out of Lark's wrapper; never a bare VisitError."""
    if isinstance(error.orig_exc, RuleSyntaxError):
        return error.orig_exc
    return RuleSyntaxError(Diagnostic("error", "syntax", f"{file}: this text could not be read "
                                      f"({type(error.orig_exc).__name__}: {str(error.orig_exc)[:200]})"))


def _syntax_error(error, file: str, text: str, line_offset: int = 0, fragment: str = "") -> RuleSyntaxError:
    message, hint, width = describe_unexpected(error, text, fragment)
    line, column = error.line, error.column
    if line is None or line < 1:  # end of input
        lines = text.rstrip("\n").split("\n")
        line, column = len(lines), len(lines[-1]) + 1
    span = Span.point(file, line + line_offset, column, width)
    return RuleSyntaxError(Diagnostic("error", "syntax", message, span, hint=hint))


def quoted_texts(line: str) -> tuple[list, bool]:
    """The (start, end) of each quoted text of a line ("…", quotes included; a backslash escapes
    the next character), and whether the last is still open at the end of the line (it ends there)."""
    texts, opened, escape = [], None, False
    for index, char in enumerate(line):
        if opened is not None:
            if escape:
                escape = False
            elif char == "\\":
                escape = True
            elif char == '"':
                texts.append((opened, index + 1))
                opened = None
        elif char == '"':
            opened = index
    if opened is not None:
        texts.append((opened, len(line)))
    return texts, opened is not None


def quoted_mask(line: str) -> list[bool]:
    """For each character of a line, whether it belongs to a quoted text (quoted_texts). Brackets,
    pipes and `#` there are just text."""
    mask = [False] * len(line)
    for start, end in quoted_texts(line)[0]:
        mask[start:end] = [True] * (end - start)
    return mask


def _check_lines(text: str, file: str) -> None:
    """Refuse over-long lines and brackets nested too deeply, before Lark sees the text."""
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_LENGTH:
            raise _syntax(Span.point(file, number, MAX_LINE_LENGTH + 1),
                          f"this line is {len(line):,} characters long; the limit is {MAX_LINE_LENGTH:,}",
                          "split the declaration, or move long texts into messages/<lang>.yaml")
        if line.count("(") + line.count("[") + line.count("{") <= MAX_NESTING_DEPTH:
            continue  # cannot be nested too deeply
        depth = 0
        for index, (char, quoted) in enumerate(zip(line, quoted_mask(line))):
            if quoted:
                continue
            if char == "#":
                break
            elif char in "([{":
                depth += 1
                if depth > MAX_NESTING_DEPTH:
                    raise _syntax(Span.point(file, number, index + 1),
                                  f"brackets are nested more than {MAX_NESTING_DEPTH} deep here",
                                  "split the expression into several decisions")
            elif char in ")]}":
                depth = max(0, depth - 1)


def _check_depth(tree, file: str, line_offset: int = 0) -> None:
    """Refuse an expression nested more than MAX_NESTING_DEPTH operations deep (`1 + 1 + … + 1`,
    `not not … x`, `a.b.c…`): the later passes recurse over the tree and would exhaust the stack.
    The error points at the start of the whole expression."""
    stack = [(tree, 0, None)]
    while stack:
        node, depth, top = stack.pop()
        if node.data not in _DECLARATION_NODES:
            depth += 1
            top = top or node
            if depth > MAX_NESTING_DEPTH:
                meta = top.meta
                line = getattr(meta, "line", 1) + line_offset
                span = Span.point(file, line, getattr(meta, "column", 1))
                raise _syntax(span, f"this expression is nested more than {MAX_NESTING_DEPTH} levels deep "
                              "(every operator, `not`, `if`, function call and `.` is a level)",
                              "split it into several decisions")
        for child in node.children:
            if isinstance(child, lark.Tree):
                stack.append((child, depth, top))


def _number_text(token, span: Span) -> str:
    """The text of a number literal, refused when it has more digits than arithmetic keeps exact."""
    text = str(token)
    whole, _, fraction = text.partition(".")
    whole = whole.lstrip("0")
    if len(whole) > 15 or len(whole) + len(fraction) > MAX_NUMBER_DIGITS:
        shown = text if len(text) <= 40 else text[:37] + "…"
        raise _syntax(span, f"the number `{shown}` is too long: at most 15 digits before the point "
                      f"and {MAX_NUMBER_DIGITS} digits in all",
                      "no figure in a policy needs more; check for a typing accident")
    return text


def _syntax(span: Span, message: str, hint: str | None = None) -> RuleSyntaxError:
    return RuleSyntaxError(Diagnostic("error", "syntax", message, span, hint=hint))


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(token: str, span: Span) -> str:
    """The text of a quoted token. The escapes are \\n, \\t, \\" and \\\\; any other backslash is
    refused where it stands, rather than silently dropped (`\\u00e9` would read `u00e9`)."""
    body = token[1:-1]
    for match in re.finditer(r"\\(.)", body):
        if match.group(1) not in _ESCAPES:
            offset = match.start() + 1  # after the opening quote
            raise _syntax(Span.point(span.file, span.line, span.column + offset, 2),
                          f"`\\{match.group(1)}` is not an escape in a text",
                          'the escapes are \\n (new line), \\t (tab), \\" and \\\\ (a backslash); '
                          "write any other character as itself")
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], body)


def _date(token, span: Span) -> dt.date:
    try:
        return dt.date.fromisoformat(str(token))
    except ValueError:
        raise _syntax(span, f"`{token}` is not a valid date", "write a real calendar date as YYYY-MM-DD") from None


@v_args(inline=True, meta=True)
class _Builder(ListsBuilder, FunctionBuilder, DurationsBuilder, Transformer):
    """Lark tree → AST. Runs as a second pass because meta is not available inside the parser."""

    def __init__(self, file: str, line_offset: int = 0):
        super().__init__()
        self.file = file
        self.line_offset = line_offset

    def _span(self, meta) -> Span:
        return Span.from_meta(self.file, meta, self.line_offset)

    def _tok(self, token) -> Span:
        return Span.from_token(self.file, token, self.line_offset)

    # ------------------------------------------------------------------ declarations
    def ruleset(self, meta, *declarations):
        return ast.RuleFile(self._span(meta) if not meta.empty else Span.point(self.file, 1, 1),
                            self.file, tuple(d for d in declarations if d is not None))

    def type_decl(self, meta, name, enum):
        return ast.TypeDecl(self._tok(name), str(name), enum)

    # records (h16-records)
    def record_type_decl(self, meta, name, record):
        return ast.RecordTypeDecl(self._tok(name), str(name), record)

    def record_type(self, meta, *fields):
        return ast.RecordTypeExpr(self._span(meta), tuple(fields))

    def record_field(self, meta, name, type_, range_):
        return ast.RecordFieldExpr(self._tok(name), str(name), type_, range_)

    def enum_type(self, meta, *names):
        return ast.EnumTypeExpr(self._span(meta), tuple(ast.Symbol(self._tok(n), str(n)) for n in names))

    def named_type(self, meta, name):
        return ast.NamedType(self._tok(name), str(name))

    def list_type(self, meta, element):
        return ast.ListTypeExpr(self._span(meta), element)

    def input_decl(self, meta, name, type_, range_, default, description):
        return ast.InputDecl(self._tok(name), str(name), type_, range_, default,
                             _unquote(description, self._tok(description)) if description else None)

    def default_clause(self, meta, value):
        return value

    def closed_range(self, meta, lo, hi):
        return ast.DeclRange(self._span(meta), lo, True, hi, True)

    def half_range(self, meta, op, bound):
        op = str(op)
        if op in (">", ">="):
            return ast.DeclRange(self._span(meta), bound, op == ">=", None, True)
        if op in ("<", "<="):
            return ast.DeclRange(self._span(meta), None, True, bound, op == "<=")
        raise _syntax(self._tok(op), f"`{op}` cannot start a declared range",
                      "write `a..b`, `>= a`, `> a`, `<= b` or `< b`")

    def parameter_decl(self, meta, name, type_, title, source, checked, *values):
        source, source_span = source or (None, None)
        return ast.ParameterDecl(self._tok(name), str(name), type_, _unquote(title, self._tok(title)) if title else None,
                                 source, checked, tuple(values), source_span)

    def parameter_value(self, meta, date, value, source):
        span = self._tok(date)
        source, source_span = source or (None, None)
        return ast.ParameterValue(self._span(meta), _date(date, span), value, source, source_span)

    def source_clause(self, meta, name):
        """(the source's id, where it is written): the declarations keep both."""
        return str(name), self._tok(name)

    def checked_clause(self, meta, date):
        return _date(date, self._tok(date))

    def because_clause(self, meta, text):
        return ast.Template(self._tok(text), _unquote(str(text), self._tok(text)))

    def hit_clause(self, meta, first, second):
        return _hit_policy(self._span(meta), str(first), str(second) if second else None)

    def validity(self, meta, start, end):
        valid_from = _date(start, self._tok(start))
        valid_to = _date(end, self._tok(end)) if end else None
        if valid_to is not None and valid_to < valid_from:
            raise _syntax(self._tok(end), f"validity ends ({valid_to}) before it starts ({valid_from})")
        return (valid_from, valid_to)

    def decision_decl(self, meta, name, type_, range_, title, hit, validity, source, checked, body):
        span = self._tok(name)
        hit = hit or ast.HitPolicy(span, "unique")
        valid_from, valid_to = validity or (None, None)
        if isinstance(body, list):  # table lines, and the rows Lark did not see (set_rows_aside)
            from engine.syntax.table import build_table  # it parses cells with this module
            aside = getattr(self, "rows_aside", {})
            body = build_table(self.file, str(name), [r for line in body for r in (line, *aside.get(line.line, ()))],
                               span)
        source, source_span = source or (None, None)
        return ast.DecisionDecl(span, str(name), type_, _unquote(title, self._tok(title)) if title else None, hit,
                                valid_from, valid_to, source, checked, body, range_, source_span)

    def assert_decl(self, meta, assertion):
        return assertion

    def monotone_assertion(self, meta, subject, direction, variable):
        span = self._span(meta)
        return ast.AssertDecl(span, "assert", "monotone", subject=str(subject),
                              variable=str(variable), direction=str(direction))

    def implies_assertion(self, meta, condition, claim):
        span = self._span(meta)
        return ast.AssertDecl(span, "assert", "implies", claim=claim, condition=condition)

    def when_assertion(self, meta, claim, condition):
        span = self._span(meta)
        return ast.AssertDecl(span, "assert", "implies", claim=claim, condition=condition)

    def plain_assertion(self, meta, claim):
        span = self._span(meta)
        return ast.AssertDecl(span, "assert", "plain", claim=claim)

    def table_body(self, meta, *lines):
        return list(lines)

    def table_line(self, meta, row):
        return row

    def expression_body(self, meta, expr, because):
        return ast.ExpressionBody(self._span(meta), expr, because)

    # ------------------------------------------------------------------ expressions
    def if_expr(self, meta, condition, then, otherwise):
        return ast.IfExpr(self._span(meta), condition, then, otherwise)

    def or_expr(self, meta, left, right):
        return ast.Binary(self._span(meta), "or", left, right)

    def and_expr(self, meta, left, right):
        return ast.Binary(self._span(meta), "and", left, right)

    def not_expr(self, meta, operand):
        return ast.Unary(self._span(meta), "not", operand)

    def compare(self, meta, left, op, right):
        return ast.Binary(self._span(meta), str(op), left, right)

    def equal(self, meta, left, right):
        return ast.Binary(self._span(meta), "=", left, right)

    def not_equal(self, meta, left, right):
        return ast.Binary(self._span(meta), "!=", left, right)

    def in_expr(self, meta, value, options):
        return ast.InExpr(self._span(meta), value, options)

    def set_expr(self, meta, *items):
        return tuple(i for i in items if i is not None)

    def binary(self, meta, left, op, right):
        return ast.Binary(self._span(meta), str(op), left, right)

    def negate(self, meta, op, operand):
        if str(op) == "+":
            return operand
        if isinstance(operand, ast.Literal) and operand.kind in ("integer", "number", "money"):
            return ast.Literal(self._span(meta), operand.kind, -operand.value)
        return ast.Unary(self._span(meta), "-", operand)

    def field(self, meta, base, name):
        return ast.Field(self._span(meta), base, str(name))

    def call(self, meta, name, *args):
        return ast.Call(self._span(meta), str(name), tuple(a for a in args if a is not None))

    def name(self, meta, token):
        return ast.Name(self._tok(token), str(token))

    def money(self, meta, number):
        return ast.Literal(self._span(meta), "money", Decimal(_number_text(number, self._tok(number))))

    def percent(self, meta, number):
        return ast.Literal(self._span(meta), "number", Decimal(_number_text(number, self._tok(number))) / 100)

    def number(self, meta, number):
        text = _number_text(number, self._tok(number))
        if "." in text:
            return ast.Literal(self._tok(number), "number", Decimal(text))
        return ast.Literal(self._tok(number), "integer", int(text))

    def date(self, meta, token):
        span = self._tok(token)
        return ast.Literal(span, "date", _date(token, span))

    def text(self, meta, token):
        return ast.Literal(self._tok(token), "text", _unquote(str(token), self._tok(token)))

    def true(self, meta):
        return ast.Literal(self._span(meta), "bool", True)

    def false(self, meta):
        return ast.Literal(self._span(meta), "bool", False)

    # ------------------------------------------------------------------ unary tests
    def unary_tests(self, meta, tests):
        return tests

    def negated_tests(self, meta, tests):
        return ast.NotTest(self._span(meta), tests)

    def positive_tests(self, meta, *tests):
        return tests[0] if len(tests) == 1 else ast.AnyOfTest(self._span(meta), tests)

    def equal_test(self, meta, value):
        return ast.CompareTest(self._span(meta), "=", value)

    def compare_test(self, meta, op, bound):
        return ast.CompareTest(self._span(meta), str(op), bound)

    def equal_compare_test(self, meta, bound):
        return ast.CompareTest(self._span(meta), "=", bound)

    def not_equal_compare_test(self, meta, bound):
        return ast.CompareTest(self._span(meta), "!=", bound)

    def range_test(self, meta, lo, hi):
        return ast.RangeTest(self._span(meta), lo, hi, True, True)

    def closed_range_test(self, meta, lo, hi):
        return ast.RangeTest(self._span(meta), lo, hi, True, True)

    def closed_open_range_test(self, meta, lo, hi):
        return ast.RangeTest(self._span(meta), lo, hi, True, False)

    def open_closed_range_test(self, meta, lo, hi):
        return ast.RangeTest(self._span(meta), lo, hi, False, True)

    def open_range_test(self, meta, lo, hi):
        return ast.RangeTest(self._span(meta), lo, hi, False, False)

    def set_test(self, meta, values):
        return ast.SetTest(self._span(meta), values)


HIT_POLICIES = ("unique", "first", "priority", "any", "collect", "rule order", "output order")
AGGREGATORS = ("sum", "min", "max", "count")


def _hit_policy(span: Span, first: str, second: Optional[str]) -> ast.HitPolicy:
    from engine.errors import suggestion_hint
    words = f"{first} {second}" if second else first
    if first == "collect" and second in AGGREGATORS + (None,):
        return ast.HitPolicy(span, "collect", second)
    if words in ("rule order", "output order"):
        return ast.HitPolicy(span, words.replace(" ", "_"))
    if second is None and first in HIT_POLICIES:
        return ast.HitPolicy(span, first)
    choices = HIT_POLICIES + tuple(f"collect {a}" for a in AGGREGATORS)
    raise _syntax(span, f"unknown hit policy `{words}`",
                  suggestion_hint(words, choices) or f"use one of: {', '.join(choices)}")
