"""functions: a function's table analysed for overlaps, gaps and masked rows as a decision's is.

Its parameters stand where a decision's inputs do: a column that is a parameter's name has that
parameter's declared type and range for its domain (`function share(a: integer 0..130)`: `a` runs
over 0..130), and the findings name the function and its lines. A function is the same on every
day, so only the figures its bounds read cut its analysis into periods. What cannot be analysed
says so in a `not-analysed` note and why: a column holding lists or whole records, or a test that
compares with another parameter (`<= b`), whose value only a call gives.
"""
from __future__ import annotations

from engine import ast
from engine.checker import lists as lists_check
from engine.errors import Diagnostic
from engine.values import RecordType


class _Declared:
    __slots__ = ("type", "range")

    def __init__(self, type_, range_):
        self.type = type_
        self.range = range_


class _Parameters:
    """A function's parameters as check.column_domain reads a model's inputs: type and range by name."""

    def __init__(self, signature):
        self.inputs = {name: _Declared(type_, range_) for name, type_, range_ in
                       zip(signature.param_names, signature.param_types, signature.param_ranges)}


def analyse_functions(ruleset, analyse_version, not_analysable) -> list[Diagnostic]:
    """Findings (and notes) of every function whose body is a table; `analyse_version` and
    `not_analysable` are checker/check.py's analysis of one table and its exception."""
    from engine.compiler.compile import Compiler
    from engine.evaluation.functions import FunctionCompiler
    found = []
    for name, info in ruleset.model.functions.items():
        if not isinstance(info.decl.body, ast.Table):
            continue
        note = lists_check.unanalysable(info.version) or _record_column(info) or _reads_an_argument(info)
        if note is not None:
            found.append(note)
            continue
        compiler = FunctionCompiler(Compiler(ruleset.model, ruleset.typer), info)
        try:
            found.extend(analyse_version(ruleset, info.version, _Parameters(info.signature), compiler))
        except not_analysable:
            found.append(Diagnostic("note", "not-analysed", f"function `{name}` is not checked for gaps and "
                                    "overlaps: its tests are not all comparisons with constants or figures",
                                    info.decl.span))
    return found


def _record_column(info):
    for column, type_ in zip(info.decl.body.inputs, info.version.column_types):
        if isinstance(type_, RecordType):
            example = f"`{column.title}.{type_.fields[0][0]}`" if type_.fields else "its fields"
            return Diagnostic("note", "not-analysed", f"function `{info.name}` is not checked for gaps and "
                              f"overlaps: its column `{column.title}` holds whole records ({type_.describe()})",
                              column.span, hint=f"a column that tests a field, such as {example}, is checked")
    return None


def _reads_an_argument(info):
    """A note at the first cell whose test compares with a parameter of the function."""
    params = set(info.signature.param_names)
    for row in info.decl.body.rows:
        for cell, column in zip(row.cells, info.decl.body.inputs):
            read = [n for n in ast.names_in(cell.test) if n in params]
            if read:
                return Diagnostic(
                    "note", "not-analysed", f"function `{info.name}` is not checked for gaps and overlaps: the "
                    f"test `{cell.text}` of column `{column.title}` compares with its parameter `{read[0]}`, "
                    "whose value only a call gives", cell.span,
                    hint="compare with constants or `parameter` figures for the table to be checked")
    return None
