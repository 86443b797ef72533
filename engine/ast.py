"""The surface AST: frozen attrs nodes, each with the span of the text it stands for."""
from __future__ import annotations

from typing import Any, Optional

import attrs

from engine.span import Span


@attrs.frozen(repr=False, eq=False)
class Node:
    """Every node is compared by value, as attrs compares: `repr=False, eq=False` on each class
    only says that the __repr__, __eq__ and __hash__ are these, attrs' own, written once here.
    attrs generating and compiling them for each class below took half of this module's import,
    which every `verdict` command pays (tests/test_ast_repr.py holds them to attrs' own)."""
    span: Span

    def __repr__(self) -> str:
        fields = ", ".join(f"{field.name}={getattr(self, field.name)!r}" for field in self.__attrs_attrs__)
        return f"{self.__class__.__qualname__.rsplit('>.', 1)[-1]}({fields})"

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, field.name) == getattr(other, field.name) for field in self.__attrs_attrs__)

    def __hash__(self) -> int:
        return hash((self.__class__,) + tuple(getattr(self, field.name) for field in self.__attrs_attrs__))

    def __reduce__(self):
        # pickled (engine/cache) and copied as a call of the class with its fields, which reads back
        # in half the time of attrs' own way (a __setstate__ per node, reading a dict of the fields)
        return (self.__class__, tuple(getattr(self, field.name) for field in self.__attrs_attrs__))


def shape(node):
    """A node without its positions: equal for the same text written in two places."""
    if isinstance(node, Node):
        return (type(node).__name__,) + tuple(shape(value) for value in (getattr(node, f.name) for f in node.__attrs_attrs__)
                                              if value.__class__ is not Span)
    if isinstance(node, tuple):
        return tuple(shape(n) for n in node)
    return node


# ---------------------------------------------------------------------------- types

@attrs.frozen(repr=False, eq=False)
class TypeExpr(Node):
    pass


@attrs.frozen(repr=False, eq=False)
class NamedType(TypeExpr):
    """`money`, `Territory`"""
    name: str


@attrs.frozen(repr=False, eq=False)
class EnumTypeExpr(TypeExpr):
    """`{metropole, outre_mer}`"""
    symbols: tuple  # of Symbol


@attrs.frozen(repr=False, eq=False)
class Symbol(Node):
    name: str


@attrs.frozen(repr=False, eq=False)
class ListTypeExpr(TypeExpr):
    """`list of Document`"""
    element: TypeExpr


# ---------------------------------------------------------------------------- expressions

@attrs.frozen(repr=False, eq=False)
class Expr(Node):
    pass


@attrs.frozen(repr=False, eq=False)
class Literal(Expr):
    """`12 €` (kind money), `70%` (number 0.70), `2025-04-01`, `"text"`, `true`, `42`."""
    kind: str  # integer | number | money | date | text | bool
    value: Any


@attrs.frozen(repr=False, eq=False)
class Name(Expr):
    """`household_size` — an input, parameter, decision, enum symbol or country, by context."""
    name: str


@attrs.frozen(repr=False, eq=False)
class Field(Expr):
    """`css_ceilings.free` — one output of a multi-output decision."""
    base: Expr
    field: str


@attrs.frozen(repr=False, eq=False)
class Unary(Expr):
    """`-x`, `not x`"""
    op: str
    operand: Expr


@attrs.frozen(repr=False, eq=False)
class Binary(Expr):
    """`a + b`, `a <= b`, `a and b`"""
    op: str
    left: Expr
    right: Expr


@attrs.frozen(repr=False, eq=False)
class IfExpr(Expr):
    """`if c then a else b`"""
    condition: Expr
    then: Expr
    otherwise: Expr


@attrs.frozen(repr=False, eq=False)
class InExpr(Expr):
    """`x in {a, b}`"""
    value: Expr
    options: tuple


@attrs.frozen(repr=False, eq=False)
class NoAnswer(Expr):
    """`no answer` in an output cell: the rules deliberately give no value for this row's inputs.
    Evaluation stops with an error that gives the row's `because` text as the reason."""
    rule_id: str
    reason: Optional[str]


@attrs.frozen(repr=False, eq=False)
class Call(Expr):
    """`min(a, b)`"""
    function: str
    args: tuple


# ---------------------------------------------------------------------------- unary tests

@attrs.frozen(repr=False, eq=False)
class Test(Node):
    pass


@attrs.frozen(repr=False, eq=False)
class AnyTest(Test):
    """`-`"""


@attrs.frozen(repr=False, eq=False)
class CompareTest(Test):
    """`<= 29`, `= metropole`, and a bare value (op `=`)."""
    op: str
    bound: Expr


@attrs.frozen(repr=False, eq=False)
class RangeTest(Test):
    """`30..49`, `[30..50)`, `(a..b]`"""
    lo: Expr
    hi: Expr
    lo_closed: bool
    hi_closed: bool


@attrs.frozen(repr=False, eq=False)
class SetTest(Test):
    """`{DK, CH, NO}`"""
    values: tuple


@attrs.frozen(repr=False, eq=False)
class AnyOfTest(Test):
    """`a, b, c` — matches when one of the tests does."""
    tests: tuple


@attrs.frozen(repr=False, eq=False)
class NotTest(Test):
    """`not {a, b}`"""
    test: Test


# ---------------------------------------------------------------------------- lists (h16-lists)

@attrs.frozen(repr=False, eq=False)
class ListLiteral(Expr):
    """`[1, 2, 3]`, `[]` (the type of an empty list comes from where it stands)."""
    items: tuple


@attrs.frozen(repr=False, eq=False)
class Quantified(Expr):
    """`some x in L satisfies C`, `every x in L satisfies C`"""
    quantifier: str   # some | every
    variable: str
    source: Expr
    condition: Expr


@attrs.frozen(repr=False, eq=False)
class ForExpr(Expr):
    """`for x in L return E`: a list of E, one per element of L, in order."""
    variable: str
    source: Expr
    body: Expr


@attrs.frozen(repr=False, eq=False)
class Filter(Expr):
    """`L[item > 3]`: the elements for which the condition holds; `L[2]`: one element (from 1)."""
    source: Expr
    condition: Expr


@attrs.frozen(repr=False, eq=False)
class InList(Expr):
    """`x in L` for a list expression L (`x in {a, b}` is InExpr)."""
    value: Expr
    source: Expr


@attrs.frozen(repr=False, eq=False)
class ContainsTest(Test):
    """`contains V` in a list-valued column: the list has an element equal to V."""
    value: Expr


@attrs.frozen(repr=False, eq=False)
class InListTest(Test):
    """`in L` in a column of single values: the value is an element of the list L."""
    source: Expr


# ---------------------------------------------------------------------------- declarations

@attrs.frozen(repr=False, eq=False)
class Declaration(Node):
    name: str


@attrs.frozen(repr=False, eq=False)
class TypeDecl(Declaration):
    """`type Territory = {metropole, outre_mer}`"""
    enum: EnumTypeExpr


# ---------------------------------------------------------------------------- records (h16-records)

@attrs.frozen(repr=False, eq=False)
class RecordFieldExpr(Node):
    """`age: integer 0..130` — one field of a record type, with its optional range."""
    name: str
    type: TypeExpr
    range: Optional["DeclRange"]


@attrs.frozen(repr=False, eq=False)
class RecordTypeExpr(TypeExpr):
    """`{age: integer, nationality: country}`"""
    fields: tuple  # of RecordFieldExpr


@attrs.frozen(repr=False, eq=False)
class RecordTypeDecl(Declaration):
    """`type Person = {age: integer, nationality: country}`"""
    record: RecordTypeExpr


@attrs.frozen(repr=False, eq=False)
class DeclRange(Node):
    """`0..130`, `>= 0 €`"""
    lo: Optional[Expr]
    lo_closed: bool
    hi: Optional[Expr]
    hi_closed: bool


@attrs.frozen(repr=False, eq=False)
class InputDecl(Declaration):
    """`input age : integer 0..130 default 18 "Age"`"""
    type: TypeExpr
    range: Optional[DeclRange]
    default: Optional[Expr]
    description: Optional[str]


@attrs.frozen(repr=False, eq=False)
class ParameterValue(Node):
    """`from 2024-12-22 = 30 € [source id]`"""
    start: Any  # datetime.date
    value: Expr
    source: Optional[str]
    source_span: Optional[Span] = None  # the source's name, for a message about it


@attrs.frozen(repr=False, eq=False)
class ParameterDecl(Declaration):
    """`parameter fee : money source s checked 2026-01-01` and its dated values."""
    type: TypeExpr
    title: Optional[str]
    source: Optional[str]
    checked: Any
    values: tuple
    source_span: Optional[Span] = None


@attrs.frozen(repr=False, eq=False)
class HitPolicy(Node):
    """`hit unique`, `hit collect sum`, `hit rule order`"""
    policy: str       # unique first priority any collect rule_order output_order
    aggregator: Optional[str] = None  # sum min max count (collect only)

    def label(self) -> str:
        name = self.policy.replace("_", " ")
        return f"{name} {self.aggregator}" if self.aggregator else name


@attrs.frozen(repr=False, eq=False)
class Column(Node):
    """An input column's header: `age` or `css_ceilings.free`."""
    expr: Expr
    title: str


@attrs.frozen(repr=False, eq=False)
class OutputColumn(Node):
    """An output column's header: `css_participation` or `fee : money`."""
    name: str
    type: Optional[TypeExpr]


@attrs.frozen(repr=False, eq=False)
class Cell(Node):
    """One input cell: its tests, `-`, or `otherwise`."""
    test: Test
    text: str


@attrs.frozen(repr=False, eq=False)
class Template(Node):
    """A `because` text with `{name}` holes."""
    text: str


@attrs.frozen(repr=False, eq=False)
class Row(Node):
    number: int       # 1-based, data rows only
    cells: tuple      # of Cell
    outputs: tuple    # of Expr
    because: Optional[Template]
    source: Optional[str]
    rule_id: Optional[str]
    is_otherwise: bool
    source_span: Optional[Span] = None  # the `source` cell, for a message about it
    id_span: Optional[Span] = None      # the `id` cell, for a message about it


@attrs.frozen(repr=False, eq=False)
class Table(Node):
    inputs: tuple     # of Column
    outputs: tuple    # of OutputColumn
    rows: tuple       # of Row


@attrs.frozen(repr=False, eq=False)
class ExpressionBody(Node):
    expr: Expr
    because: Optional[Template]


@attrs.frozen(repr=False, eq=False)
class DecisionDecl(Declaration):
    """`decision NAME [: T [RANGE]] ["title"] [hit P] [valid from D [to D]] [source S] [checked D]` + body."""
    type: Optional[TypeExpr]
    title: Optional[str]
    hit: HitPolicy
    valid_from: Any
    valid_to: Any
    source: Optional[str]
    checked: Any
    body: Any  # Table | ExpressionBody
    range: Optional[DeclRange] = None  # the values the decision may give: checked at evaluation
    source_span: Optional[Span] = None


@attrs.frozen(repr=False, eq=False)
class AssertDecl(Declaration):
    """`assert css_status = free implies annual_resources <= css_free_ceiling`, `assert A when B`,
    `assert d is monotone increasing in x`. Checked by engine/whatif; every one is named `assert`."""
    kind: str                      # implies | monotone | plain
    claim: Optional[Expr] = None   # what must hold (implies, plain)
    condition: Optional[Expr] = None  # where it must hold (implies; `B when A` is `A implies B`)
    subject: Optional[str] = None  # monotone: the decision …
    variable: Optional[str] = None  # … in this input or decision
    direction: Optional[str] = None  # increasing | decreasing


# ---------------------------------------------------------------------------- reusable logic (functions)

@attrs.frozen(repr=False, eq=False)
class FunctionParam(Node):
    """`age: integer 0..130` in a function's header."""
    name: str
    type: TypeExpr
    range: Optional[DeclRange]


@attrs.frozen(repr=False, eq=False)
class FunctionDecl(Declaration):
    """`function NAME(p: T, ...) : T [RANGE] ["title"] [hit P] [source S]` + a table or `= expression`.
    The attributes a decision version has and a function has not (validity, checked) are None, so
    the table machinery (hit policies, the checker) reads a function like a decision."""
    params: tuple            # of FunctionParam
    type: TypeExpr
    range: Optional[DeclRange]
    title: Optional[str]
    hit: HitPolicy
    source: Optional[str]
    body: Any                # Table | ExpressionBody
    valid_from: Any = None
    valid_to: Any = None
    checked: Any = None
    source_span: Optional[Span] = None


@attrs.frozen(repr=False, eq=False)
class RuleFile(Node):
    path: str
    declarations: tuple


_CHILD_FIELDS: dict = {}  # node class -> the names of its fields other than `span`


_LEAF_TYPES = frozenset({"str", "int", "bool", "Optional[str]"})  # fields that hold no node


def _child_fields(cls) -> tuple:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _CHILD_FIELDS[cls] = tuple(f.name for f in cls.__attrs_attrs__
                                            if f.name != "span" and str(f.type) not in _LEAF_TYPES)
    return fields


def names_in(node) -> list:
    """Every bare name in a node's text (inputs, decisions, symbols alike), without recursion."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        cls = type(item)
        if cls is Name:
            found.append(item.name)
        elif cls is tuple:
            stack.extend(item)
        elif cls is not Literal and cls is not Template and isinstance(item, Node):
            stack.extend([getattr(item, name) for name in _child_fields(cls)])
    return found
