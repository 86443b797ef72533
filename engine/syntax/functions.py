"""functions: the AST of `function` declarations (reusable logic), built with the parser's
other nodes. A mixin of parse._Builder, kept apart so the parser's module stays small."""
from __future__ import annotations

from lark import Transformer, v_args

from engine import ast


@v_args(inline=True, meta=True)
class FunctionBuilder(Transformer):
    """`function NAME(p: T, ...) : T ...` + a table or `= expression` → ast.FunctionDecl."""

    def function_decl(self, meta, name, *rest):
        from engine.syntax.parse import _unquote
        *params, type_, range_, title, hit, source, body = rest
        span = self._tok(name)
        params = tuple(p for p in params if p is not None)
        if isinstance(body, list):  # table lines, and the rows Lark did not see (parse._set_rows_aside)
            from engine.syntax.table import build_table
            aside = getattr(self, "rows_aside", {})
            body = build_table(self.file, str(name), [r for line in body for r in (line, *aside.get(line.line, ()))],
                               span)
        source, source_span = source or (None, None)
        return ast.FunctionDecl(span, str(name), params, type_, range_,
                                _unquote(title, self._tok(title)) if title else None,
                                hit or ast.HitPolicy(span, "unique"), source, body, source_span=source_span)

    def function_param(self, meta, name, type_, range_):
        return ast.FunctionParam(self._tok(name), str(name), type_, range_)
