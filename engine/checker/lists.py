"""lists: what the table checker (engine/checker/check.py) does with the list forms.

A cell `in L` in a column of single values is a set of values once L is known before evaluation
(a list literal, or a parameter in a period): it is analysed as the set `{a, b, …}`. A column
that holds a list (`contains V` cells) has no domain the analyser knows — the lists of a type are
not a line or a finite set of values — so such a table is not analysed, and a note says which and
why, rather than nothing, or the reason given for tables whose bounds read facts.
"""
from __future__ import annotations

from engine import ast
from engine.errors import Diagnostic
from engine.values import ListType


def unanalysable(version):
    """A note for a table the checker cannot analyse because of a list, or None."""
    decl, table = version.decl, version.decl.body
    for column, type_ in zip(table.inputs, version.column_types):
        if isinstance(type_, ListType):
            return Diagnostic(
                "note", "not-analysed",
                f"`{decl.name}` is not checked for gaps and overlaps: its column `{column.title}` holds a "
                f"list ({type_.describe()}), and the checker analyses columns of single values",
                column.span, hint="tests on a list (`contains V`) are checked at evaluation only")
    return None


def in_list_cell(cells, test: ast.InListTest, domain, column_type, union):
    """The analyser's cell for `in L`: the values of L, known before evaluation, as a set."""
    items = cells.value(test.source, ListType("list", column_type))
    return union(domain, [cells._compare("=", item, domain) for item in items])
