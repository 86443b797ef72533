"""engine/ast.py writes every node's repr once (Node.__repr__) instead of attrs generating one per
class: the text must be exactly attrs' own, for every node class, nested nodes included."""
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


def test_every_node_class_takes_its_repr_from_node_not_from_attrs():
    assert len(NODE_CLASSES) > 40
    assert all(cls.__repr__ is ast.Node.__repr__ for cls in NODE_CLASSES)


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda c: c.__name__)
def test_the_repr_is_attrs_own_text(cls):
    values = [SPAN] + [(ast.Name(SPAN, "x"), "it's", Decimal("1.50"), None, 7, True)[k % 6]
                       for k in range(len(attrs.fields(cls)) - 1)]
    node = cls(*values)
    assert repr(node) == repr(attrs_own(cls)(*values))
    assert repr(node).startswith(f"{cls.__name__}(span=Span(file='r.rules', line=3, column=5")


def test_a_nested_node_reads_as_attrs_writes_it():
    node = ast.Binary(SPAN, "+", ast.Name(SPAN, "a"), ast.Literal(SPAN, "money", Decimal("12")))
    span = "Span(file='r.rules', line=3, column=5, end_line=3, end_column=9)"
    assert repr(node) == (f"Binary(span={span}, op='+', left=Name(span={span}, name='a'), "
                          f"right=Literal(span={span}, kind='money', value=Decimal('12')))")
