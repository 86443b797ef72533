"""lists: the AST builder's methods for the list forms of grammar/verdict.lark (list
literals, some/every/for, filters, `x in L`, the cells `contains V` and `in L`).

A base class of parse._Builder, so the list forms stay in their own module."""
from __future__ import annotations

from lark import Transformer, v_args

from engine import ast


@v_args(inline=True, meta=True)
class ListsBuilder(Transformer):
    def list_literal(self, meta, *items):
        return ast.ListLiteral(self._span(meta), tuple(i for i in items if i is not None))

    def some_expr(self, meta, variable, source, condition):
        return ast.Quantified(self._span(meta), "some", str(variable), source, condition)

    def every_expr(self, meta, variable, source, condition):
        return ast.Quantified(self._span(meta), "every", str(variable), source, condition)

    def for_expr(self, meta, variable, source, body):
        return ast.ForExpr(self._span(meta), str(variable), source, body)

    def filter_expr(self, meta, source, condition):
        return ast.Filter(self._span(meta), source, condition)

    def in_list_expr(self, meta, value, source):
        return ast.InList(self._span(meta), value, source)

    def contains_test(self, meta, value):
        return ast.ContainsTest(self._span(meta), value)

    def in_list_test(self, meta, source):
        return ast.InListTest(self._span(meta), source)
