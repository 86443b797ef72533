"""fmt: rule files laid out one way (engine.fmt.layout), checked to mean exactly what they meant.

format_text refuses a text that does not parse (the same RuleSyntaxError as `verdict check`), and
refuses to return a layout that parses to anything but the same AST, positions aside: the layout
works on lines, and this check is what makes that safe.
"""
from __future__ import annotations

from engine import ast
from engine.errors import Diagnostic, RuleError
from engine.fmt.layout import display_width, layout
from engine.syntax.parse import parse

__all__ = ["format_text", "display_width"]


def format_text(text: str, file: str = "<rules>") -> str:
    before = parse(text, file)
    formatted = layout(text)
    after = parse(formatted, file)
    if ast.shape(after) != ast.shape(before):
        raise RuleError(Diagnostic("error", "internal", f"{file}: formatting would change what the rules say; "
                                   "the file is left as it is", hint="this is a bug in verdict fmt: please report it "
                                   "with the file"))
    return formatted
