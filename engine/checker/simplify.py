"""simplify: checked tables → a proposed rule file where adjacent rows with the same output merge.

Two neighbouring rows merge when they give the same outputs, carry the same explanation and
source, have no explicit `id` (an auditor's handle on a rule must not vanish), and differ in one
input cell only: the merged cell accepts what either accepted. For `unique`, `first`, `any` and
`priority` tables this changes no verdict: an input matches the merged row exactly when it matched
one of the two, and both gave the same answer. `collect` tables are left alone (merging two rows
that both match would change a sum or a count). The result is shown as a unified diff.
"""
from __future__ import annotations

import datetime as dt
import decimal
import difflib
import json
from decimal import Decimal

from engine.checker import analysis as an
from engine import ast
from engine.checker.describe import as_duration
from engine.checker.check import _Cells, _NotAnalysable, _union, column_domain
from engine.durations import describe as describe_duration
from engine.compiler.compile import Compiler
from engine.evaluation.evaluate import Context
from engine.values import DAYS_DURATION, ENGINE_CONTEXT, MONTHS_DURATION

MERGEABLE = ("unique", "first", "any", "priority")


def simplified_texts(ruleset) -> dict[str, str]:
    """file → its text with mergeable rows merged, for every file that has any."""
    edits: dict[str, dict[int, str | None]] = {}  # file -> line -> new text (None: delete)
    with decimal.localcontext(ENGINE_CONTEXT):
        for info in ruleset.model.decisions.values():
            for version in info.versions:
                body = version.decl.body
                if isinstance(body, ast.Table) and version.decl.hit.policy in MERGEABLE and not version.decl.hit.aggregator:
                    _merge_table(ruleset, version, edits)
    texts = {}
    for file, changes in edits.items():
        old = ruleset.files.rule_texts[file].split("\n")
        new = [changes.get(number, line) for number, line in enumerate(old, 1)]
        texts[file] = "\n".join(line for line in new if line is not None)
    return texts


def suggest(ruleset) -> str:
    """A unified diff of every rule file whose tables can be simplified ('' when none can)."""
    diffs = []
    for file, text in sorted(simplified_texts(ruleset).items()):
        old = ruleset.files.rule_texts[file]
        # the tab keeps "(suggested)" out of the file name, so `patch -p0` applies the diff as it is
        diffs.extend(difflib.unified_diff(old.splitlines(keepends=True), text.splitlines(keepends=True),
                                          f"{file}", f"{file}", "", "(suggested)"))
    return "".join(diffs)


def _row_key(row: ast.Row, skip: int) -> tuple:
    return (tuple(c.text for i, c in enumerate(row.cells) if i != skip),
            tuple(ast.shape(e) for e in row.outputs),
            row.because.text if row.because else None, row.source)


def _merge_table(ruleset, version, edits):
    table = version.decl.body
    model = ruleset.model
    try:
        domains = [column_domain(model, c, t) for c, t in zip(table.inputs, version.column_types)]
    except _NotAnalysable:
        return
    day = version.decl.valid_from or dt.date(2000, 1, 1)
    cells = _Cells(Compiler(model, ruleset.typer), Context({}, day, ruleset.plans, traced=False))
    file = version.decl.span.file
    lines = ruleset.files.rule_texts[file].split("\n")
    group = None  # [first row, its cell texts, rows merged into it]
    for row in table.rows:
        mergeable = not row.is_otherwise and row.rule_id is None and '"' not in "".join(c.text for c in row.cells)
        if group is not None and mergeable:
            first, texts, absorbed = group
            differing = [i for i, (a, b) in enumerate(zip(texts, [c.text for c in row.cells])) if a != b]
            if len(differing) == 1 and _row_key(first, differing[0]) == _row_key(row, differing[0]):
                column = differing[0]
                merged = _merged_cell(cells, domains[column], version.column_types[column],
                                      texts[column], row.cells[column].text)
                if merged is not None:
                    texts[column] = merged
                    absorbed.append(row)
                    continue
        if group is not None and group[2]:
            _record(edits, file, lines, group)
        group = [row, [c.text for c in row.cells], []] if mergeable else None
    if group is not None and group[2]:
        _record(edits, file, lines, group)


def _record(edits, file, lines, group):
    first, texts, absorbed = group
    edits.setdefault(file, {})[first.span.line] = _rewrite_row(lines[first.span.line - 1], texts)
    for row in absorbed:
        edits[file][row.span.line] = None


def _merged_cell(cells: _Cells, domain, column_type, text_a: str, text_b: str):
    """The text of one cell accepting what `a` or `b` accepts, as simple as it can be written."""
    from engine.syntax.parse import _parse_fragment
    if "-" in (text_a, text_b):
        return "-"
    tests = [_parse_fragment(t, "unary_tests", "<merged>", 1, 1) for t in (text_a, text_b)]
    if not all(cells.compiler.test_is_constant(t, column_type) for t in tests):
        # a bound that reads a parameter changes with the date: keep both tests as written
        return f"{text_a}, {text_b}"
    try:
        union = _union(domain, [cells.cell(t, domain, column_type) for t in tests])
    except _NotAnalysable:
        return f"{text_a}, {text_b}"
    return render_cell(domain, column_type, union) or f"{text_a}, {text_b}"


def render_cell(domain, column_type, cell) -> str | None:
    """A cell as rule text: `-`, `30..49`, `<= 29`, `{DK, NO}`, `not {a}`; None if not simple."""
    if cell == an.anything(domain):
        return "-"
    if isinstance(domain, an.FiniteDomain):
        chosen = [v for v in domain.values if v in cell.values]
        if len(chosen) == len(domain.values):
            return "-"
        rest = [v for v in domain.values if v not in cell.values]
        shown = lambda vs: ", ".join(_literal(v) for v in vs)
        if len(chosen) == 1:
            return _literal(chosen[0])
        if len(chosen) > 3 and len(rest) < len(chosen):  # e.g. every country but a few
            return f"not {_literal(rest[0])}" if len(rest) == 1 else f"not {{{shown(rest)}}}"
        return f"{{{shown(chosen)}}}"
    if isinstance(domain, an.TextDomain):
        values = ", ".join(json.dumps(v, ensure_ascii=False) for v in sorted(cell.values))
        return f"not {{{values}}}" if cell.negated else f"{{{values}}}"
    merged = _merge_intervals(cell.intervals, domain)
    if merged is None:
        return None
    pieces = [_interval_text(i, column_type) for i in merged]
    return ", ".join(pieces)


def _merge_intervals(intervals, domain):
    """Sorted, merged intervals; integers and dates join when they are next to each other."""
    discrete = domain.kind != an.DENSE
    step = (lambda v: v + dt.timedelta(days=1)) if domain.kind == an.DATE else (lambda v: v + 1)
    def key(i):
        return (0,) if i.lo is None else (1, i.lo, 0 if i.lo_closed else 1)
    result = []
    for piece in sorted(intervals, key=key):
        if result:
            last = result[-1]
            joins = last.hi is None or (piece.lo is not None and (
                piece.lo < last.hi or (piece.lo == last.hi and (last.hi_closed or piece.lo_closed))
                or (discrete and last.hi_closed and piece.lo_closed and piece.lo == step(last.hi))))
            if joins or piece.lo is None:
                if last.hi is not None and (piece.hi is None or piece.hi > last.hi
                                            or (piece.hi == last.hi and piece.hi_closed)):
                    result[-1] = an.Interval(last.lo, last.lo_closed, piece.hi, piece.hi_closed)
                continue
        result.append(piece)
    return result


def _interval_text(i: an.Interval, column_type) -> str:
    lo, hi = _literal(i.lo, column_type), _literal(i.hi, column_type)
    if i.lo is None and i.hi is None:
        return "-"
    if i.lo is None:
        return f"{'<=' if i.hi_closed else '<'} {hi}"
    if i.hi is None:
        return f"{'>=' if i.lo_closed else '>'} {lo}"
    if i.lo == i.hi and i.lo_closed and i.hi_closed:
        return lo
    if i.lo_closed and i.hi_closed:
        return f"{lo}..{hi}"
    return f"{'[' if i.lo_closed else '('}{lo}..{hi}{']' if i.hi_closed else ')'}"


def _literal(value, column_type=None) -> str:
    if isinstance(value, Decimal) and column_type in (DAYS_DURATION, MONTHS_DURATION):  # counted (checker/check.py)
        return describe_duration(as_duration(value, "days" if column_type == DAYS_DURATION else "months"))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")
        return f"{text} €" if column_type is not None and column_type.name == "money" else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _rewrite_row(original: str, cell_texts: list) -> str:
    """The row's line with its input cells replaced, each padded to its old width where it fits."""
    start = original.index("|")
    divider = original.index("||")
    head = original[start + 1:divider]
    old_cells = head.split("|")
    new_cells = []
    for old, text in zip(old_cells, cell_texts):
        width = max(len(old) - 2, len(text))
        new_cells.append(" " + text.ljust(width) + " ")
    return original[:start + 1] + "|".join(new_cells) + original[divider:]
