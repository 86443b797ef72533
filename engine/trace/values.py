"""values: what a trace shows of the values (trace/build.py): the symbols and titles a
reader needs to read them, the value each template hole shows, and the warnings about rules and
parameters not checked since the date of the facts.
"""
from __future__ import annotations

from engine.trace.verdict import type_code
from engine.values import EnumType, ListType, RecordType, to_json_value

NOT_FOUND = object()  # a hole that names nothing the trace knows: left out of `holes`


def note_symbols(symbols: dict, value, type_):
    """The symbol labels a value needs: true/false, an enumeration's symbols (in lists, records)."""
    if value is True or value is False:
        symbols.setdefault("true" if value else "false")
    elif isinstance(type_, EnumType) and isinstance(value, str):
        symbols.setdefault(value)
    elif isinstance(type_, ListType) and isinstance(value, (list, tuple)):
        for item in value:
            note_symbols(symbols, item, type_.element)
    elif isinstance(type_, RecordType) and isinstance(value, dict):
        for key, item in value.items():
            note_symbols(symbols, item, type_.field(key))


class Vocabulary:
    """What trace/calls.py notes a reader needs, into this trace's titles and symbols."""

    __slots__ = ("titles", "symbols")

    def __init__(self, titles: dict, symbols: dict):
        self.titles = titles
        self.symbols = symbols

    def title(self, name: str):
        self.titles.setdefault(name)

    def note(self, value, type_):
        note_symbols(self.symbols, value, type_)


class HoleValues:
    """The value a template hole `{name}` or `{name.field}` shows, in its JSON form."""

    def __init__(self, ruleset, cache, as_of, prepared, values_by_name, symbols, types):
        self.ruleset = ruleset
        self.cache = cache
        self.model = ruleset.model
        self.as_of = as_of
        self.prepared = prepared
        self.values_by_name = values_by_name
        self.symbols = symbols
        self.types = types

    def value(self, name: str):
        model = self.model
        head, _, field = name.partition(".")
        if head in self.values_by_name:
            value, type_ = self.values_by_name[head], model.decisions[head].type
        elif head in self.prepared:
            value, type_ = self.prepared[head], model.inputs[head].type
        elif head in model.parameters:
            entry = model.parameters[head].value_on(self.as_of)
            value, type_ = (entry.value if entry else None), model.parameters[head].type
        elif head == "as_of":
            return self.as_of.isoformat()
        else:
            return NOT_FOUND
        if head not in self.types:
            self.types[head] = self.cache.shown_code(self.ruleset, head, type_) if not field else type_code(type_)
        for step in field.split(".") if field else ():  # a path `{applicant.address.city}` (records, h16-records)
            if not isinstance(value, dict):
                return NOT_FOUND
            value, type_ = value.get(step.strip()), type_.field(step.strip()) if isinstance(type_, RecordType) else None
        note_symbols(self.symbols, value, type_)
        return to_json_value(value)


def staleness(record, as_of) -> list:
    found = []
    checked = record.plan.decl.checked
    if checked and as_of > checked:
        found.append({"name": record.name, "checked": checked.isoformat(),
                      "source": record.plan.decl.source or ""})
    for read in record.parameters:
        if read.checked and as_of > read.checked:
            found.append({"name": read.name, "checked": read.checked.isoformat(), "source": read.source or ""})
    return found


def unique(items: list) -> list:
    seen, out = set(), []
    for item in items:
        key = tuple(item.items())  # flat: name, checked, source
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
