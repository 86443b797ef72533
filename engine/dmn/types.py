"""DMN types (typeRef, itemDefinition, allowedValues) as verdict types, and verdict names for
DMN names (which may hold spaces and punctuation)."""
from __future__ import annotations

import re
from typing import Optional

import attrs

from engine.dmn.feel import FeelError, parse_unary_tests
from engine.dmn.literals import literal_text

# Words of the rule language that cannot be a name or a symbol.
RESERVED = {"type", "input", "parameter", "decision", "from", "default", "list", "of", "hit", "valid", "to",
            "source", "checked", "because", "if", "then", "else", "or", "and", "not", "in", "true", "false",
            "otherwise", "as_of", "no", "answer"}
_NAME = re.compile(r"[^\W\d]\w*")
BUILTIN_TYPES = {"number": "number", "string": "text", "boolean": "bool", "date": "date"}
# FEEL's two kinds of duration (h16-dmn-dur): days and time → `duration`, years and months → `duration in months`
BUILTIN_TYPES.update({"days and time duration": "duration", "dayTimeDuration": "duration",
                      "years and months duration": "duration in months", "yearMonthDuration": "duration in months"})
UNSUPPORTED_TYPES = {"time", "dateTime", "date and time", "duration", "context", "function", "Any", "range"}
EXTENSION_TYPES = {"integer": "number", "money": "number", "country": "string"}  # verdict:type, on its DMN base


@attrs.frozen
class VType:
    """A verdict type: kind is number, integer, money, text, bool, date, country, enum, list, record."""

    kind: str
    name: Optional[str] = None         # enum: the verdict type name
    symbols: tuple = ()                # enum: its symbols, in order
    range: Optional[str] = None        # the declared range, as rule text (`0..130`, `>= 0`)
    element: Optional["VType"] = None  # list: its element type
    fields: tuple = ()                 # record: ((DMN name, verdict name, VType), ...)

    def text(self) -> str:
        if self.kind == "enum" or (self.kind == "record" and self.name):  # a declared record type (h16-records)
            return self.name
        if self.kind == "list":
            return f"list of {self.element.text()}"
        return self.kind

    def with_range(self) -> str:
        return self.text() + (f" {self.range}" if self.range else "")


def is_plain_name(text: str) -> bool:
    return bool(_NAME.fullmatch(text)) and text not in RESERVED


class Names:
    """One verdict name per DMN name, unique across inputs, decisions and types."""

    def __init__(self):
        self.used: set = set()

    def allocate(self, dmn_name: str) -> str:
        base = re.sub(r"\W+", "_", dmn_name.strip()).strip("_") or "unnamed"
        if base[0].isdigit():
            base = "n_" + base
        if base in RESERVED:
            base += "_"
        name, n = base, 2
        while name in self.used:
            name, n = f"{base}_{n}", n + 1
        self.used.add(name)
        return name


def strip_prefix(type_ref: str) -> str:
    """`feel:number` → `number`: the builtin types may carry the FEEL namespace's prefix."""
    if ":" in type_ref:
        prefix, rest = type_ref.split(":", 1)
        if rest in BUILTIN_TYPES or rest in UNSUPPORTED_TYPES:
            return rest
    return type_ref


def _range_text(allowed: str, base: str) -> Optional[str]:
    """`[0..130]` → `0..130`, `>= 0` → `>= 0`; None when the allowed values are no single range."""
    tree = parse_unary_tests(allowed)
    if tree[0] != "tests" or tree[1] or len(tree[2]) != 1:
        return None
    test = tree[2][0]
    if test[0] == "cmp":
        return f"{test[1]} {literal_text(test[2], base)}"
    if test[0] == "range" and test[1] and test[4]:
        return f"{literal_text(test[2], base)}..{literal_text(test[3], base)}"
    return None


def enum_symbols(allowed: str) -> Optional[tuple]:
    tree = parse_unary_tests(allowed)
    if tree[0] != "tests" or tree[1]:
        return None
    values = []
    for test in tree[2]:
        if test[0] != "eq" or test[1][0] != "str" or not is_plain_name(test[1][1]):
            return None
        values.append(test[1][1])
    return tuple(values) if len(set(values)) == len(values) else None


class TypeResolver:
    """typeRef → VType, declaring the enumerations it meets (`type T = {…}`) once each."""

    def __init__(self, items: dict, names: Names, notes: list):
        self.items = items
        self.names = names
        self.notes = notes
        self.enums: dict = {}          # item definition name -> VType (declared)
        self.declarations: list = []   # `type T = {…}` lines

    def declare_enum(self, dmn_name: str, symbols: tuple) -> VType:
        if dmn_name in self.enums and self.enums[dmn_name].symbols == symbols:
            return self.enums[dmn_name]
        vtype = VType("enum", self.names.allocate(dmn_name), symbols)
        self.enums[dmn_name] = vtype
        self.declarations.append(f"type {vtype.name} = {{{', '.join(symbols)}}}")
        return vtype

    def resolve(self, type_ref: Optional[str], where: str, extension: Optional[str] = None,
                depth: int = 0) -> Optional[VType]:
        """The verdict type of a typeRef; None when there is none. FeelError when untranslatable."""
        if type_ref is None or not type_ref.strip():
            return None
        type_ref = strip_prefix(type_ref.strip())
        if depth > 20:
            raise FeelError(f"the item definitions from `{type_ref}` refer to each other in a loop")
        if type_ref in BUILTIN_TYPES:
            kind = BUILTIN_TYPES[type_ref]
            if extension in EXTENSION_TYPES and EXTENSION_TYPES[extension] == type_ref:
                kind = extension
            return VType(kind)
        if type_ref in UNSUPPORTED_TYPES:
            raise FeelError(f"the type `{type_ref}` has no equivalent in verdict")
        item = self.items.get(type_ref)
        if item is None:
            raise FeelError(f"the type `{type_ref}` is neither a FEEL type nor an item definition of this file")
        if item.components:
            fields = tuple((c.name, None, self._component(c, where, depth)) for c in item.components)
            record = VType("record", fields=fields)
            return VType("list", element=record) if item.is_collection else record
        ext = item.element.extension.get(("urn:verdict:dmn", "type")) or extension
        base = self.resolve(item.type_ref, where, ext, depth + 1)
        if base is None:
            raise FeelError(f"the item definition `{item.name}` has no typeRef")
        if item.allowed:
            base = self._restricted(item.name, base, item.allowed)
        return VType("list", element=base) if item.is_collection else base

    def _component(self, component, where: str, depth: int) -> VType:
        if component.components:
            raise FeelError(f"the component `{component.name}` is itself a structure; nested structures are not translated")
        ext = component.element.extension.get(("urn:verdict:dmn", "type"))
        vtype = self.resolve(component.type_ref, where, ext, depth + 1)
        if vtype is None:
            raise FeelError(f"the component `{component.name}` has no typeRef")
        if component.allowed:
            vtype = self._restricted(component.name, vtype, component.allowed)
        return VType("list", element=vtype) if component.is_collection else vtype

    def _restricted(self, name: str, base: VType, allowed: str) -> VType:
        if base.kind == "text":
            symbols = enum_symbols(allowed)
            if symbols:
                return self.declare_enum(name, symbols)
            self.notes.append(f"the allowed values of `{name}` ({allowed}) are not all plain names, so it is text "
                              f"and other values are not refused")
            return base
        if base.kind in ("number", "integer", "money", "date", "duration", "duration in months"):
            found = _range_text(allowed, base.kind)
            if found is None:
                raise FeelError(f"the allowed values of `{name}` ({allowed}) are not one range with closed ends "
                                f"or one comparison, the ranges verdict declares")
            return attrs.evolve(base, range=found)
        raise FeelError(f"allowed values on a {base.kind} (`{name}`) have no equivalent")
