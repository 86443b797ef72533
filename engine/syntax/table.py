"""table: the lines of a table → ast.Table. Rows are split into cells here, and each cell
is parsed as unary tests or an expression by engine.syntax.parse, at its own line and column.

A cell's meaning depends on its column (input, output, annotation), which the grammar cannot
see: so the grammar takes a row whole and this module does the rest.
"""
from __future__ import annotations

import re

from engine import ast
from engine.syntax.parse import (MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, _parse_fragment, _syntax, _unquote,
                                 quoted_mask, quoted_texts)
from engine.syntax.cell import scan_expression, scan_tests
from engine.span import Span

ANNOTATIONS = ("because", "source", "id")
NO_ANSWER = "no answer"  # an output cell saying the rules deliberately give no value here

_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
_OUTPUT_HEADER = re.compile(r"^([^\W\d]\w*)\s*(?::\s*(.+?))?$")


def _split_row(text: str, column: int):
    """Cells of one `| … | … || … |` line: [(text, start column)], and the index of `||`.

    Pipes inside quoted text are kept; a `#` after whitespace outside quotes starts a comment.
    """
    if '"' not in text and "#" not in text:
        return _split_plain_row(text, column)
    return _split_quoted_row(text, column)


def _split_quoted_row(text: str, column: int):
    """`_split_row` character by character: quotes and comments."""
    cells, current, start = [], [], None
    divider = None
    quoted = quoted_mask(text)
    i, n = 1, len(text)  # text[0] is the leading pipe
    while i < n:
        ch = text[i]
        if quoted[i]:
            if start is None:
                start = i
            current.append(ch)
        elif ch == "|":
            cells.append(("".join(current), column + (start if start is not None else i)))
            current, start = [], None
            if i + 1 < n and text[i + 1] == "|":
                if divider is None:
                    divider = len(cells)
                i += 1
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            break
        else:
            if start is None and not ch.isspace():
                start = i
            current.append(ch)
        i += 1
    tail = "".join(current).strip()
    if tail:
        cells.append((tail, column + start))
    return [(t.strip(), c) for t, c in cells], divider


def _split_plain_row(text: str, column: int):
    """`_split_row` for a row without quotes or `#` (most rows): str.split instead of a loop per character."""
    cells, divider = [], None
    segments = text[1:].split("|")
    last = len(segments) - 1
    start, index = 1, 0  # start: the position in `text` of segments[index]
    while index < last:
        segment = segments[index]
        stripped = segment.strip()
        pipe = start + len(segment)
        cells.append((stripped, column + (start + len(segment) - len(segment.lstrip()) if stripped else pipe)))
        start, index = pipe + 1, index + 1
        if index < last and not segments[index]:  # `||`
            if divider is None:
                divider = len(cells)
            start, index = start + 1, index + 1
    tail = segments[last].strip()
    if tail:
        cells.append((tail, column + start + len(segments[last]) - len(segments[last].lstrip())))
    return cells, divider


def build_table(file: str, decision: str, rows, header_span: Span) -> ast.Table:
    header_token, *data_tokens = rows
    line, column = header_token.line, header_token.column
    cells, divider = _split_row(str(header_token), column)
    row_span = Span(file, line, column, line, column + len(str(header_token)))
    if len(cells) > MAX_TABLE_COLUMNS:
        raise _syntax(row_span, f"table `{decision}` has {len(cells)} columns; the limit is {MAX_TABLE_COLUMNS}",
                      "split the table into several decisions")
    if len(data_tokens) > MAX_TABLE_ROWS:
        raise _syntax(header_span, f"table `{decision}` has {len(data_tokens):,} rows; the limit is {MAX_TABLE_ROWS:,}",
                      "split the table into several decisions")
    if divider is None:
        raise _syntax(row_span, f"the header of table `{decision}` has no `||` between input and output columns",
                      "write `| input columns || output columns | because |`")
    inputs = []
    for text, col in cells[:divider]:
        span = Span.point(file, line, col, len(text))
        if not text:
            raise _syntax(span, "an input column needs a name", "write the name of an input, parameter or decision")
        inputs.append(ast.Column(span, _parse_fragment(text, "expression", file, line, col), text))
    outputs, annotations = [], []
    for text, col in cells[divider:]:
        span = Span.point(file, line, col, len(text))
        if text in ANNOTATIONS:
            annotations.append(text)
            continue
        if annotations:
            raise _syntax(span, f"output column `{text}` comes after the annotation columns",
                          "put output columns first, then because, source, id")
        match = _OUTPUT_HEADER.match(text)
        if not match:
            raise _syntax(span, f"`{text}` is not an output column name", "write a name, optionally `name : type`")
        type_expr = _output_type(match.group(2), file, line, col + match.start(2)) if match.group(2) else None
        outputs.append(ast.OutputColumn(span, match.group(1), type_expr))
    if not outputs:
        raise _syntax(row_span, f"table `{decision}` has no output column after `||`")
    built_rows = []
    caches = ({}, {})  # cell text -> builder (engine.syntax.cell), for input and for output cells
    for token in data_tokens:
        row_cells, row_divider = _split_row(str(token), token.column)
        first = row_cells[0][0] if row_cells else ""
        if (not first or first[0] in "-:") and all(_SEPARATOR_CELL.match(t) or not t for t, _ in row_cells):
            continue
        built_rows.append(_build_row(file, decision, token, row_cells, row_divider, inputs, outputs,
                                     annotations, len(built_rows) + 1, caches))
    if not built_rows:
        raise _syntax(header_span, f"table `{decision}` has no rows")
    return ast.Table(header_span, tuple(inputs), tuple(outputs), tuple(built_rows))


def _output_type(text: str, file: str, line: int, column: int) -> ast.TypeExpr:
    span = Span.point(file, line, column, len(text))
    words = text.split()
    if len(words) == 3 and words[:2] == ["list", "of"]:
        return ast.ListTypeExpr(span, ast.NamedType(span, words[2]))
    if len(words) == 1:
        return ast.NamedType(span, words[0])
    raise _syntax(span, f"`{text}` is not a type", "write a type name such as money, or `list of T`")


def _refuse_an_unclosed_text(file, line, token) -> None:
    """A row with a quote missing: from it on, the quotes pair wrongly and `|`s are read as text. Which
    quote is missing cannot be known; the first text that took in a `|` is where the row went wrong."""
    text = str(token).rstrip()
    texts, still_open = quoted_texts(text)
    if not still_open:
        return
    start, end = next(((a, b) for a, b in texts if "|" in text[a:b]), texts[-1])
    raise _syntax(Span.point(file, line, token.column + start, end - start),
                  'a quoted text of this row is not closed: its `"` pairs with the next one, and the `|` '
                  "between them are read as text", 'end each text with `"` before the next `|`')


def _build_row(file, decision, token, cells, divider, inputs, outputs, annotations, number, caches=None) -> ast.Row:
    """One data row. A table's rows are most of a large rule file: the common case (a cell read
    before, through `caches`) makes its nodes and nothing else."""
    caches = caches or ({}, {})
    line = token.line
    row_span = Span(file, line, token.column, line, token.column + len(token.rstrip()))
    if divider is None or divider != len(inputs):
        _refuse_an_unclosed_text(file, line, token)  # its `|`s were read as text: say so, not "no `||`"
    if divider is None:
        raise _syntax(row_span, f"this row of `{decision}` has no `||` between its input and output cells",
                      "write `| inputs… || outputs… |`, like the header")
    if divider != len(inputs):
        cells_word = "cell" if divider == 1 else "cells"
        raise _syntax(row_span, f"this row of `{decision}` has {divider} input {cells_word} before `||`, "
                      f"the header has {len(inputs)}", "give every row one cell per input column, then `||`")
    after, output_count = len(cells) - divider, len(outputs)
    if after < output_count or after > output_count + len(annotations):
        raise _syntax(row_span, f"this row of `{decision}` has {after} cells after `||`, "
                      f"the header has {output_count} output and {len(annotations)} annotation columns")
    is_otherwise = cells[0][0] == "otherwise"
    tests = []
    cache = caches[0]
    for index, (text, col) in enumerate(cells[:divider]):
        span = Span(file, line, col, line, col + (len(text) or 1))
        if text and text != "-" and not is_otherwise and text != "otherwise":  # the common case first
            builder = cache.get(text)  # engine.syntax.cell's, when a cell of this text came before
            test = builder(file, line, col, span) if builder is not None else None
            if test is None:
                test = (scan_tests(text, file, line, col, cache, span)
                        or _parse_fragment(text, "unary_tests", file, line, col))
            tests.append(ast.Cell(span, test, text))
        elif is_otherwise:
            if index and text != "-":
                raise _syntax(span, "an `otherwise` row has `-` in its other input cells")
            tests.append(ast.Cell(span, ast.AnyTest(span), text))
        elif text == "otherwise":
            raise _syntax(span, "`otherwise` goes in the first input cell of a row")
        elif text == "-":
            tests.append(ast.Cell(span, ast.AnyTest(span), text))
        else:
            raise _syntax(span, "this input cell is empty", "write `-` to match anything")
    output_cells = cells[divider:divider + output_count]
    for text, col in output_cells:
        if not text:
            raise _syntax(Span.point(file, line, col), "this output cell is empty",
                          "every row gives a value to each output column")
    because = source = rule_id = source_span = id_span = None
    if after > output_count:
        because, source, rule_id, source_span, id_span = _annotations(file, line, annotations,
                                                                      cells[divider + output_count:])
    output_exprs, output_cache = [], caches[1]
    for text, col in output_cells:
        span = Span(file, line, col, line, col + len(text))
        if text.startswith("no") and " ".join(text.split()) == NO_ANSWER:
            output_exprs.append(ast.NoAnswer(span, rule_id or f"{decision}#{number}",
                                             because.text if because is not None else None))
            continue
        builder = output_cache.get(text)
        expr = builder(file, line, col, span) if builder is not None else None
        output_exprs.append(expr or scan_expression(text, file, line, col, output_cache, span)
                            or _parse_fragment(text, "expression", file, line, col))
    return ast.Row(row_span, number, tuple(tests), tuple(output_exprs), because, source, rule_id, is_otherwise,
                   source_span, id_span)


def _annotations(file, line, annotations, cells) -> tuple:
    """(because template, source, id, the source and id cells' spans) of a row's annotation cells, each None
    when empty."""
    notes = {}
    for name, (text, col) in zip(annotations, cells):
        if text:
            notes[name] = (text, Span.point(file, line, col, len(text)))
    because = None
    if "because" in notes:
        text, span = notes["because"]
        if text.startswith('"'):
            if len(text) < 2 or not text.endswith('"'):
                raise _syntax(span, "this explanation text is not closed", 'end it with `"`')
            text = _unquote(text, span)
        because = ast.Template(span, text)
    source, source_span = notes["source"] if "source" in notes else (None, None)
    rule_id, id_span = notes["id"] if "id" in notes else (None, None)
    return because, source, rule_id, source_span, id_span
