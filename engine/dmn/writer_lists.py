"""DMN export of lists (engine/dmn/writer.py): list literals, `for`, `some`/`every`, filters and
`x in L` as FEEL writes them, the iteration's variable (and a filter's `item`) bound while its
body is written. What the export still refuses is named in words, not by the AST's class."""
from __future__ import annotations

from typing import Optional

from engine import ast

# A form the export refuses, as a rule file writes it.
REFUSED_WORDS = {
    "ContainsTest": "a `contains …` cell", "InListTest": "an `in L` cell (a list in a cell)",
    "ListLiteral": "a list", "Quantified": "`some`/`every`", "ForExpr": "a `for` expression",
    "Filter": "a filter `L[…]`", "InList": "`x in L`",
}


def refused_words(node) -> str:
    name = type(node).__name__
    return REFUSED_WORDS.get(name, f"`{name}`")


def list_feel(exporter, expr) -> Optional[str]:
    """The FEEL text of a list form, or None when `expr` is no list form."""
    if isinstance(expr, ast.ListLiteral):
        return "[" + ", ".join(exporter.feel(item) for item in expr.items) + "]"
    if isinstance(expr, ast.Quantified):
        condition = _with_bound(exporter, expr.variable, expr.condition)
        return f"({expr.quantifier} {expr.variable} in {exporter.feel(expr.source)} satisfies {condition})"
    if isinstance(expr, ast.ForExpr):
        body = _with_bound(exporter, expr.variable, expr.body)
        return f"(for {expr.variable} in {exporter.feel(expr.source)} return {body})"
    if isinstance(expr, ast.Filter):  # `L[2]` (from 1) and `L[item > 3]` read alike in FEEL
        return f"({exporter.feel(expr.source)})[{_with_bound(exporter, 'item', expr.condition)}]"
    if isinstance(expr, ast.InList):
        return f"list contains({exporter.feel(expr.source)}, {exporter.feel(expr.value)})"
    return None


def _with_bound(exporter, name: str, body) -> str:
    exporter.bound.append(name)
    try:
        return exporter.feel(body)
    finally:
        exporter.bound.pop()
