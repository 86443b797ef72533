"""lines: the simplest one-line declarations read by hand, without Lark.

A rule file at the size limit can hold 60,000 declarations like `decision x : integer = n`;
reading each with Lark's LALR parser and tree builder is most of the loading time (5 s). This
module reads exactly two forms at the start of a line —

    input NAME : TYPE
    decision NAME [: TYPE] = VALUE          (VALUE: what engine.syntax.cell reads in an output cell)

— with no title, range, clause, comment or quoted text, and only when the next declaration line
starts with a declaration keyword (so the line cannot be a table's header or be continued). It
builds the very AST that engine.syntax.parse would build, spans included; engine.syntax.parse blanks these
lines (line numbers kept) before Lark reads the rest, and when the rest has any syntax error
parses the whole original text with Lark, so every message is Lark's. tests/test_parse_lines.py
checks the two paths agree. Table rows are set aside here too (set_rows_aside): Lark reads one
token for a run of rows.
"""
from __future__ import annotations

import functools
import itertools
import re
from typing import Optional

import attrs
import lark

from engine import ast
from engine.syntax.cell import scan_expression
from engine.span import Span

_NAME = r"[^\W\d]\w*"
_INPUT = re.compile(rf"input[\t \f]+({_NAME})[\t \f]*:[\t \f]*({_NAME})[\t \f]*")
_DECISION = re.compile(rf"decision[\t \f]+({_NAME})(?:[\t \f]*:[\t \f]*({_NAME}))?[\t \f]*(=)[\t \f]*(.*?)[\t \f]*")
# What may start the line after one read here: a keyword that begins a declaration.
_NEXT_DECLARATION = re.compile(r"[\t \f]*(?:type|input|parameter|decision|assert)[\t \f]")
# grammar/verdict.lark's _NL: a newline with the blank and comment lines after it and the next
# line's indentation. An expression body's span ends where it ends, as Lark's meta does.
_NEWLINE = re.compile(r"(?:\n[\t \f]*(?:#[^\n]*)?)+")


@functools.lru_cache(maxsize=1)
def _keywords() -> frozenset:
    """The words grammar/verdict.lark spells out (Lark reads them as keywords, never as names)."""
    from engine.syntax.lark_parser import parser
    return frozenset(t.pattern.value for t in parser().terminals
                     if t.pattern.type == "str" and t.pattern.value.isidentifier())


def read_simple_lines(text: str, file: str) -> tuple[str, list]:
    """The text with the declarations read here blanked, and those declarations in line order.
    `text` is normalised (\\n line ends, a final newline)."""
    lines = text.split("\n")
    keywords = _keywords()
    found, line_ends = [], _line_ends(lines)
    for index, line in enumerate(lines):
        if not (line.startswith("decision") or line.startswith("input")) or "#" in line or '"' in line:
            continue
        if not _followed_by_declaration(lines, index):
            continue
        declaration = _declaration(line, index + 1, file, text, line_ends[index], keywords)
        if declaration is not None:
            found.append(declaration)
            lines[index] = ""
    if not found:
        return text, []
    return "\n".join(lines), found


def _followed_by_declaration(lines: list, index: int) -> bool:
    for following in range(index + 1, len(lines)):
        stripped = lines[following].strip(" \t\f")
        if stripped == "" or stripped.startswith("#"):
            continue
        return _NEXT_DECLARATION.match(lines[following]) is not None
    return True  # the end of the file


def _declaration(line: str, number: int, file: str, text: str, newline_at: int,
                 keywords: frozenset) -> Optional[ast.Node]:
    match = _INPUT.fullmatch(line)
    if match is not None:
        name, type_name = match.group(1), match.group(2)
        if name in keywords or type_name in keywords:
            return None
        return ast.InputDecl(_span(file, number, match, 1), name, ast.NamedType(_span(file, number, match, 2), type_name),
                             None, None, None)
    match = _DECISION.fullmatch(line)
    if match is None:
        return None
    name, type_name, value = match.group(1), match.group(2), match.group(4)
    if name in keywords or type_name in keywords or not value:
        return None
    expr = scan_expression(value, file, number, match.start(4) + 1)
    if expr is None or (isinstance(expr, ast.Name) and expr.name in keywords):
        return None
    span = _span(file, number, match, 1)
    type_ = ast.NamedType(_span(file, number, match, 2), type_name) if type_name else None
    end_line, end_column = _end_of_newline(text, newline_at, number)
    body = ast.ExpressionBody(Span(file, number, match.start(3) + 1, end_line, end_column), expr, None)
    return ast.DecisionDecl(span, name, type_, None, ast.HitPolicy(span, "unique"), None, None, None, None, body,
                            None)


def restore_newline_ends(declarations, text: str) -> tuple:
    """Lark's declarations with the spans that end with a newline token ended as in `text`, the
    whole file: in the text Lark read, the lines blanked here lengthened those tokens."""
    line_ends = _line_ends(text.split("\n"))

    def ended(span: Span) -> Span:
        end_line, end_column = _end_of_newline(text, line_ends[span.line - 1], span.line)
        return attrs.evolve(span, end_line=end_line, end_column=end_column)

    restored = []
    for decl in declarations:
        if isinstance(decl, ast.DecisionDecl) and isinstance(decl.body, ast.ExpressionBody):
            decl = attrs.evolve(decl, body=attrs.evolve(decl.body, span=ended(decl.body.span)))
        elif isinstance(decl, ast.ParameterDecl):
            decl = attrs.evolve(decl, values=tuple(attrs.evolve(v, span=ended(v.span)) for v in decl.values))
        restored.append(decl)
    return tuple(restored)


def _line_ends(lines: list) -> list:
    """The offset of each line's newline in the text these lines were split from."""
    return [end - 1 for end in itertools.accumulate(len(line) + 1 for line in lines)]


def _span(file: str, number: int, match, group: int) -> Span:
    return Span(file, number, match.start(group) + 1, number, match.end(group) + 1)


def _end_of_newline(text: str, newline_at: int, number: int) -> tuple[int, int]:
    """Line and column after the newline token that starts at `newline_at`, on line `number`."""
    token = _NEWLINE.match(text, newline_at).group()
    return number + token.count("\n"), len(token) - token.rfind("\n")


def set_rows_aside(text: str) -> tuple[str, dict]:
    """The text with every table line but the first of each run blanked (line numbers kept), and
    the blanked rows as TABLE_ROW tokens by the line of the first: Lark then reads one token per
    run of rows instead of one per row (a large table), and the builder puts the rows back."""
    if text.count("\n|") + text.count("\n ") < 2:
        return text, {}
    lines = text.split("\n")
    aside, head = {}, None
    for number, line in enumerate(lines, 1):
        row = line.lstrip(" \t\f")  # the indentation the newline terminal takes
        if not row.startswith("|"):
            head = None
        elif head is None:
            head = aside[number] = []
        else:
            head.append(lark.Token("TABLE_ROW", row, line=number, column=len(line) - len(row) + 1))
            lines[number - 1] = ""
    return "\n".join(lines), {number: rows for number, rows in aside.items() if rows}
