"""engine/attrs_repr.py: the engine's frozen classes outside the AST show as attrs would show them."""
from __future__ import annotations

import inspect

import attrs
import pytest

import engine
from engine import errors, ruleset_files, span, values
from engine.evaluation import evaluate
from engine.semantics import functions
from engine.semantics import model
from engine.semantics import records
from engine.evaluation import status
from engine.attrs_repr import attrs_repr, frozen

CLASSES = [c for module in (span, errors, values, records, model, functions, evaluate, ruleset_files, status)
           for _, c in inspect.getmembers(module, inspect.isclass)
           if c.__module__ == module.__name__ and attrs.has(c) and c.__repr__ is attrs_repr]


def attrs_own(cls):
    """The same fields in a class whose __repr__ attrs writes (the same qualified name)."""
    twin = attrs.make_class(cls.__name__, {a.name: attrs.field(repr=a.repr, init=a.init) for a in cls.__attrs_attrs__},
                            frozen=True)
    twin.__qualname__ = cls.__qualname__
    return twin


def made(cls, values_: list):
    """An instance of `cls` holding `values_`, whatever its __init__ checks or converts."""
    found = object.__new__(cls)
    for field, value in zip(cls.__attrs_attrs__, values_):
        object.__setattr__(found, field.name, value)
    return found


def test_every_frozen_class_on_a_verdicts_path_has_it():
    names = {c.__qualname__ for c in CLASSES}
    assert {"Span", "Diagnostic", "Type", "EnumType", "Model", "Version", "VersionPlan", "RowPlan", "Status",
            "RulesetFiles", "Source", "FunctionInfo", "DeclaredRecordType"} <= names
    assert len(CLASSES) == 24


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_the_text_is_attrs_own(cls):
    values_ = [("x", 1, None, {"k": "é"}, 2.5, (), "q'\"")[i % 7] for i in range(len(cls.__attrs_attrs__))]
    ours, theirs = made(cls, values_), made(attrs_own(cls), values_)
    assert repr(ours) == repr(theirs)
    assert all(a.repr is True for a in cls.__attrs_attrs__)  # repr=False on the class leaves the fields' own


def test_an_object_inside_itself_is_shown_as_attrs_shows_it():
    inner: dict = {}
    ours = status.Status("answered", location=inner)
    inner["again"] = ours
    theirs_inner: dict = {}
    theirs = made(attrs_own(status.Status), ["answered", None, None, None, theirs_inner, None, (), None])
    theirs_inner["again"] = theirs
    assert repr(ours) == repr(theirs) and "location={'again': ...}" in repr(ours)


def test_a_field_without_repr_or_with_its_own_is_shown_as_attrs_shows_it():
    @frozen
    class Shown:
        a: int
        hidden: int = attrs.field(repr=False, default=0)
        hexed: int = attrs.field(repr=hex, default=255)
        later: int = attrs.field(init=False, default=7)

    theirs = attrs.frozen(type("Shown", (), {"__annotations__": {"a": "int", "hidden": "int", "hexed": "int",
                                                                 "later": "int"},
                                             "hidden": attrs.field(repr=False, default=0),
                                             "hexed": attrs.field(repr=hex, default=255),
                                             "later": attrs.field(init=False, default=7),
                                             "__qualname__": Shown.__qualname__}))
    assert repr(Shown(3)) == repr(theirs(3)) == "Shown(a=3, hexed=0xff, later=7)"


def test_a_loaded_rulesets_objects_read_as_before():
    rs = engine.load_ruleset("rulesets/student_health")
    version = rs.model.decisions["css_status"].versions[0]
    assert repr(version).startswith("Version(decl=DecisionDecl(span=Span(file='rulesets/student_health/css.rules', "
                                    "line=29, column=10, end_line=29, end_column=20), name='css_status'")
    assert repr(values.MONEY) == "Type(name='money')"
