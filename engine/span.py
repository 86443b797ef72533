"""Positions in rule files, carried from the parser into diagnostics and traces."""
from __future__ import annotations

from engine.attrs_repr import frozen


@frozen
class Span:
    """A region of a source file. Lines and columns are 1-based; the end is exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __reduce__(self):  # pickled as a call, as the AST's nodes are (engine/ast.py): the cache reads it faster
        return (Span, (self.file, self.line, self.column, self.end_line, self.end_column))

    @classmethod
    def from_meta(cls, file: str, meta, line_offset: int = 0) -> "Span":
        return cls(file, meta.line + line_offset, meta.column, meta.end_line + line_offset, meta.end_column)

    @classmethod
    def from_token(cls, file: str, token, line_offset: int = 0) -> "Span":
        return cls(file, token.line + line_offset, token.column,
                   (token.end_line or token.line) + line_offset, token.end_column or token.column + 1)

    @classmethod
    def point(cls, file: str, line: int, column: int, width: int = 1) -> "Span":
        return cls(file, line, column, line, column + max(width, 1))

    def merge(self, other: "Span") -> "Span":
        start = min((self.line, self.column), (other.line, other.column))
        end = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(self.file, start[0], start[1], end[0], end[1])

    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def short(self) -> str:
        """`file.rules:12`, the form an explanation shows next to a rule."""
        return f"{self.file.rsplit('/', 1)[-1]}:{self.line}"
