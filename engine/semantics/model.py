"""model: what resolution makes of a ruleset — inputs, parameters with their dated values, and
decisions with their versions — as frozen data every later stage reads.
"""
from __future__ import annotations

from typing import Optional

import attrs

from engine.attrs_repr import frozen
from engine import ast
from engine.values import Range, Type


@frozen
class InputInfo:
    decl: ast.InputDecl
    type: Type
    range: Optional[Range]
    default: object  # NO_DEFAULT when absent


class _NoDefault:
    """The absence of a default: one object, which pickle keeps as itself (engine/cache)."""

    __slots__ = ()

    def __reduce__(self):
        return "NO_DEFAULT"

    def __repr__(self):
        return "NO_DEFAULT"


NO_DEFAULT = _NoDefault()


@frozen
class ParameterValue:
    start: object
    value: object
    source: Optional[str]
    span: object


@frozen
class ParameterInfo:
    decl: ast.ParameterDecl
    type: Type
    values: tuple  # ParameterValue, by start date
    checked: object

    def value_on(self, day) -> Optional[ParameterValue]:
        found = None
        for value in self.values:
            if value.start <= day:
                found = value
        return found


@frozen
class Version:
    """One version of a decision: a table or an expression, valid over [valid_from, valid_to]."""

    decl: ast.DecisionDecl
    column_types: tuple      # one Type per input column
    output_types: tuple      # one Type per output column (the element type for list outputs)
    dependencies: tuple      # names read, in order of first use
    rule_ids: tuple          # one per row (tables)
    range: Optional[Range] = None  # the declared range of the decision's values

    def valid_on(self, day) -> bool:
        return ((self.decl.valid_from is None or self.decl.valid_from <= day)
                and (self.decl.valid_to is None or day <= self.decl.valid_to))


@frozen
class DecisionInfo:
    name: str
    type: Type
    versions: tuple

    def version_on(self, day) -> Optional[Version]:
        for version in self.versions:
            if version.valid_on(day):
                return version
        return None

    @property
    def span(self):
        return self.versions[0].decl.span


@frozen
class Model:
    types: dict
    inputs: dict
    parameters: dict
    decisions: dict
    symbols: dict  # symbol -> EnumType of the first enumeration declaring it
    functions: dict = attrs.field(factory=dict)  # name -> functions.FunctionInfo (reusable logic)
