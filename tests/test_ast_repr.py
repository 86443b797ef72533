"""engine/ast.py writes every node's repr, == and hash once (in Node) instead of attrs generating
them per class: they must be exactly attrs' own, for every node class, nested nodes included."""
from __future__ import annotations

import inspect
from decimal import Decimal

import attrs
import pytest

from engine import ast
from engine.span import Span

NODE_CLASSES = [c for _, c in inspect.getmembers(ast, inspect.isclass) if issubclass(c, ast.Node)]
SPAN = Span("r.rules", 3, 5, 3, 9)


def attrs_own(cls):
    """The same fields in a class for which attrs writes the __repr__ itself."""
    return attrs.frozen(type(cls.__name__, (), {"__annotations__": {f.name: "object" for f in attrs.fields(cls)}}))


def test_every_node_class_takes_its_repr_eq_and_hash_from_node_not_from_attrs():
    assert len(NODE_CLASSES) > 40
    for method in ("__repr__", "__eq__", "__hash__"):
        assert all(getattr(cls, method) is getattr(ast.Node, method) for cls in NODE_CLASSES), method


def values_of(cls, shift=0) -> list:
    return [SPAN] + [(ast.Name(SPAN, "x"), "it's", Decimal("1.50"), None, 7, True, (1, 2))[(k + shift) % 7]
                     for k in range(len(attrs.fields(cls)) - 1)]


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda c: c.__name__)
def test_nodes_are_equal_and_hash_alike_as_attrs_makes_them(cls):
    own = attrs_own(cls)
    values = values_of(cls)
    for k in range(len(values)):  # each field in turn made different
        other = list(values)
        other[k] = Span("other.rules", 1, 1, 1, 2) if k == 0 else values_of(cls, shift=1)[k]
        assert (cls(*values) == cls(*other)) is (own(*values) == own(*other)) is False
        assert (cls(*values) != cls(*other)) is (own(*values) != own(*other)) is True
    assert cls(*values) == cls(*list(values)) and not cls(*values) != cls(*list(values))
    assert hash(cls(*values)) == hash(cls(*list(values)))
    assert len({cls(*values), cls(*list(values))}) == 1
    assert cls(*values) != own(*values) and cls(*values).__eq__(own(*values)) is NotImplemented


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda c: c.__name__)
def test_the_repr_is_attrs_own_text(cls):
    values = values_of(cls)
    node = cls(*values)
    assert repr(node) == repr(attrs_own(cls)(*values))
    assert repr(node).startswith(f"{cls.__name__}(span=Span(file='r.rules', line=3, column=5")


def test_a_nested_node_reads_as_attrs_writes_it():
    node = ast.Binary(SPAN, "+", ast.Name(SPAN, "a"), ast.Literal(SPAN, "money", Decimal("12")))
    span = "Span(file='r.rules', line=3, column=5, end_line=3, end_column=9)"
    assert repr(node) == (f"Binary(span={span}, op='+', left=Name(span={span}, name='a'), "
                          f"right=Literal(span={span}, kind='money', value=Decimal('12')))")
    assert node == ast.Binary(SPAN, "+", ast.Name(SPAN, "a"), ast.Literal(SPAN, "money", Decimal("12.00")))
    assert node != ast.Binary(SPAN, "+", ast.Name(SPAN, "b"), ast.Literal(SPAN, "money", Decimal("12")))
    assert ast.Name(SPAN, "a") != ast.Symbol(SPAN, "a")  # the same fields, another class
