"""Diagnostics and the one error hierarchy, with a renderer that shows the line and a caret."""
from __future__ import annotations

import functools
from typing import Iterable, Optional, Sequence

from engine.attrs_repr import frozen
from engine.span import Span


@frozen
class Diagnostic:
    """One finding about a rule file or an input: where, how bad, what, and what to do."""

    severity: str  # "error" | "warning"
    code: str
    message: str
    span: Optional[Span] = None
    hint: Optional[str] = None
    example: Optional[dict] = None
    extra: Optional[dict] = None  # code-specific JSON fields (e.g. `lines` of an overlap)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict:
        out = {"severity": self.severity, "code": self.code}
        if self.span is not None:
            out.update(file=self.span.file, line=self.span.line, column=self.span.column)
        out["message"] = self.message
        if self.hint:
            out["hint"] = self.hint
        if self.example is not None:
            out["example"] = self.example
        if self.extra:
            out.update(self.extra)
        return out

    def render(self, sources: Optional[dict] = None, number: str = "") -> str:
        """`file:line:col: error[code]: message`, the source line, a caret, and the hint."""
        where = f"{self.span.location()}: " if self.span else ""
        head = f"{where}{self.severity}[{self.code}]{number}: {self.message}"
        lines = [head]
        text = (sources or {}).get(self.span.file) if self.span else None
        if text is not None:
            source_lines = _source_lines(text)
            if 1 <= self.span.line <= len(source_lines):
                line_text = source_lines[self.span.line - 1].replace("\t", " ")
                gutter = f"{self.span.line:>4} | "
                width = (self.span.end_column - self.span.column) if self.span.end_line == self.span.line else len(line_text) - self.span.column + 1
                offset = self.span.column - 1
                if len(line_text) > SHOWN_LINE_WIDTH:  # a window of the line around the caret
                    start = max(0, min(offset - SHOWN_LINE_WIDTH // 3, len(line_text) - SHOWN_LINE_WIDTH))
                    end = start + SHOWN_LINE_WIDTH
                    prefix = "…" if start else ""
                    line_text = prefix + line_text[start:end] + ("…" if end < len(line_text) else "")
                    width = min(width, end - offset)
                    offset = offset - start + len(prefix)
                lines.append(gutter + line_text)
                lines.append(" " * (len(gutter) - 2) + "| " + " " * offset + "^" * max(1, width))
        if self.hint:
            lines.append(f"  = {self.hint}")
        return "\n".join(lines)


SHOWN_LINE_WIDTH = 120  # a longer source line is shown as a window around the caret


@functools.lru_cache(maxsize=16)
def _source_lines(text: str) -> list:
    """Lines as the parser counts them: only \\n, \\r\\n and \\r end a line (not \\f, \\v or U+2028)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


class YamlSyntaxError(ValueError):
    """A YAML document that cannot be read, at a place: `problem`, and its `line` and `column` from 1
    (None when the place is not known). The text says all of it, for a caller that only shows it."""

    def __init__(self, what: str, problem: str, line: int | None = None, column: int | None = None,
                 within: str | None = None):
        self.problem, self.line, self.column = problem, line, column
        self.within = within  # "in the list `[…]` that starts at line 3, column 7": where the problem began
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"{what}: {problem}{where}")

    def diagnostic(self, code: str, path: str | None, lead: str) -> "Diagnostic":
        """The error told at its place in the file `path` (`lead: problem`, the place as the prefix),
        or as its text alone when the place or the file is not known (standard input)."""
        from engine.span import Span
        if path is None or self.line is None:
            return Diagnostic("error", code, str(self))
        return Diagnostic("error", code, f"{lead}: {self.problem}", Span.point(path, self.line, self.column),
                          hint=self.within)


class VerdictError(Exception):
    """Base of every error the engine raises on purpose; `diagnostics` says what and where."""

    exit_code = 2

    def __init__(self, diagnostics: Sequence[Diagnostic] | Diagnostic | str, sources: Optional[dict] = None):
        if isinstance(diagnostics, str):
            diagnostics = Diagnostic("error", self.default_code, diagnostics)
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        self.sources = sources or {}
        super().__init__(self.render())

    default_code = "error"

    def render(self) -> str:
        return render_all(self.diagnostics, self.sources)


class RuleError(VerdictError):
    """The rule files are malformed or inconsistent (syntax, names, types, cycles)."""

    default_code = "rules"


class RuleSyntaxError(RuleError):
    default_code = "syntax"


class FactError(VerdictError):
    """A fact is unknown, missing, of the wrong type or out of its declared range."""

    default_code = "fact"


class EvaluationError(VerdictError):
    """The rules and facts are valid but evaluation cannot give an answer (no match, …)."""

    default_code = "evaluation"


class TraceError(VerdictError):
    """A saved trace cannot be read."""

    default_code = "trace"


def render_all(diagnostics: Sequence[Diagnostic], sources: Optional[dict] = None) -> str:
    total = len(diagnostics)
    if total == 1:
        return diagnostics[0].render(sources)
    return "\n\n".join(d.render(sources, f" {i}/{total}") for i, d in enumerate(diagnostics, 1))


def did_you_mean(name: str, candidates: Iterable[str]) -> Optional[str]:
    """The closest candidate by edit similarity, or None when nothing is close enough."""
    name = str(name)  # facts and outputs may name things with numbers or None
    candidates = [str(c) for c in candidates]
    by_case = {c.lower(): c for c in candidates}
    if name.lower() in by_case:
        return by_case[name.lower()]
    if len(name) > 4 * max(map(len, candidates), default=0):  # too long to reach the cutoff, and slow to compare
        return None
    import difflib  # here: only a misspelt name needs it, and every command imports this module
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion_hint(name: str, candidates: Iterable[str]) -> Optional[str]:
    match = did_you_mean(name, candidates)
    return f"did you mean `{match}`?" if match else None


def listed(names: Iterable[str], limit: int = 30) -> str:
    """Names for a hint, at most `limit` of them: a ruleset of 60,000 decisions gives one line."""
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names) - limit:,} more)" if len(names) > limit else "")
