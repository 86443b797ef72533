"""FEEL trees (engine/dmn/feel.py) → rule text, given what each name in scope is: the
expressions and unary tests of a DMN model as the rule language says them."""
from __future__ import annotations

from typing import Optional

from engine.dmn import feel_calls, feel_durations, feel_lists
from engine.dmn.feel import FeelError, number_text, parse_unary_tests
from engine.dmn.literals import iso_date, quote
from engine.dmn.types import VType

# FEEL functions with a verdict counterpart of the same meaning: name -> (verdict name, arity)
FUNCTIONS = {"min": "min", "max": "max", "abs": "abs", "floor": "floor", "ceiling": "ceil", "count": "count",
             "list contains": "contains", "round half up": "round"}


class Scope:
    """What a FEEL text may name: DMN names → (verdict name, VType)."""

    def __init__(self):
        self.entries: dict = {}
        self.functions: dict = {}  # business knowledge models: DMN name -> feel_calls.Signature (h16-dmn)

    def add(self, dmn_name: str, verdict_name: str, vtype: Optional[VType]):
        self.entries[" ".join(dmn_name.split())] = (verdict_name, vtype)

    def get(self, dmn_name: str):
        found = self.entries.get(" ".join(dmn_name.split()))
        if found is None:
            raise FeelError(f"`{dmn_name}` is not an input or a decision of this model")
        return found


class Translator:
    """FEEL trees (engine/dmn/feel.py) → rule text, given what each name is."""

    def __init__(self, scope: Scope):
        self.scope = scope

    def type_of(self, tree) -> Optional[VType]:
        kind = tree[0]
        if kind in feel_lists.LIST_KINDS:  # lists (h16-dmn)
            return feel_lists.type_of(self, tree)
        if kind == "num":
            return VType("number")
        if kind == "str":
            return VType("text")
        if kind == "bool" or kind in ("and", "or", "not", "in"):
            return VType("bool")
        if kind == "name":
            return self.scope.get(tree[1])[1]
        if kind == "path":
            base = self.type_of(tree[1])
            if base is not None and base.kind in ("record", "struct"):
                for dmn, _, vtype in base.fields:
                    if dmn == tree[2]:
                        return vtype
            if base is not None and base.kind == "list":  # a field of each record (h16-dmn)
                return feel_lists.projection_type(self, base, tree[2])
            return VType("integer")  # a date's year, a duration's days (h16-dmn-dur) …
        if kind == "bin":
            if tree[1] in ("=", "!=", "<", "<=", ">", ">="):
                return VType("bool")
            if tree[1] == "**":  # a number: verdict refuses a power of money
                return VType("number")
            timed = feel_durations.bin_type(self.type_of(tree[2]), tree[1], self.type_of(tree[3]))
            if timed is not None:  # date - date, date + duration, … (h16-dmn-dur)
                return timed
            sides = [self.type_of(side) for side in (tree[2], tree[3]) if side[0] != "num"]
            if any(t is not None and t.kind == "money" for t in sides):
                return VType("money")
            return next((t for t in sides if t is not None), None) or VType("number")
        if kind == "neg":
            return self.type_of(tree[1])
        if kind == "if":
            return self.type_of(tree[2]) or self.type_of(tree[3])
        if kind == "call":
            name, args = tree[1], feel_calls.positional(self, tree[1], tree[2])
            added = feel_calls.type_of(self, name, args)  # string, list, BKM calls (h16-dmn)
            if added is not None:
                return added
            if name in ("duration", "years and months duration"):  # (h16-dmn-dur)
                return feel_durations.type_of(self, name, args)
            if name == "date":
                return VType("date")
            if name == "count":
                return VType("integer")
            if name == "list contains":
                return VType("bool")
            if name in ("min", "max", "abs", "floor", "ceiling", "round half up"):
                return self.siblings_type(args[:None if name in ("min", "max") else 1])
        return None

    def siblings_type(self, args) -> Optional[VType]:
        """The type of the first argument that is not a number literal: what the literals beside it are."""
        return next((t for t in (self.type_of(a) for a in args if a[0] != "num") if t is not None), None)

    def expr(self, tree, want: Optional[VType] = None) -> str:
        kind = tree[0]
        if kind == "num":
            return number_text(tree[1]) + (" €" if want is not None and want.kind == "money" else "")
        if kind == "str":
            return self.string(tree[1], want)
        if kind == "bool":
            return "true" if tree[1] else "false"
        if kind == "name":
            name, vtype = self.scope.get(tree[1])
            if vtype is not None and vtype.kind == "function":
                raise FeelError(f"the business knowledge model `{tree[1]}` is used as a value; only its calls "
                                f"`{tree[1]}(…)` are translated")
            if vtype is not None and vtype.kind == "struct":
                raise FeelError(f"the structured input `{tree[1]}` is used whole; only its components "
                                f"(`{tree[1]}.{vtype.fields[0][0]}`) are translated")
            return name
        if kind == "path":
            return self.path(tree)
        if kind == "neg":
            return f"-({self.expr(tree[1], want)})"
        if kind == "not":
            return f"not ({self.expr(tree[1])})"
        if kind in ("and", "or"):
            return f"({self.expr(tree[1])} {kind} {self.expr(tree[2])})"
        if kind == "if":
            return f"(if {self.expr(tree[1])} then {self.expr(tree[2], want)} else {self.expr(tree[3], want)})"
        if kind == "in":
            value_type = self.type_of(tree[1])
            options = ", ".join(self.expr(o, value_type) for o in tree[2])
            return f"({self.expr(tree[1])} in {{{options}}})"
        if kind == "bin":
            op, left, right = tree[1], tree[2], tree[3]
            months = _months_between(tree)
            if months is not None:
                return f"months_between({self.expr(months[0])}, {self.expr(months[1])})"
            ratio = feel_durations.ratio(self, op, left, right)  # a duration / a duration (h16-dmn-dur)
            if ratio is not None:
                return ratio
            if op in ("=", "!=", "<", "<=", ">", ">="):
                lt, rt = self.type_of(left), self.type_of(right)
                return f"({self.expr(left, rt)} {op} {self.expr(right, lt)})"
            return f"({self.expr(left, self.operand_type(op, right, want))} {op} " \
                   f"{self.expr(right, self.operand_type(op, left, want))})"
        if kind == "call":
            return self.call(tree[1], tree[2], want)
        if kind in feel_lists.LIST_KINDS:  # lists (h16-dmn)
            return feel_lists.expr(self, tree, want)
        raise FeelError(f"{kind} is not translated")

    def operand_type(self, op: str, other, want: Optional[VType]) -> Optional[VType]:
        """The type a number literal takes beside `other`: money beside money in a sum, a plain
        number as a factor of money (`fee * 0.7`), else the type the whole expression gives."""
        known = self.type_of(other) if other[0] != "num" else None
        if op == "**":  # its operands are plain numbers, whatever the expression gives
            return None
        if op in ("+", "-"):
            return known or want
        if known is not None and known.kind == "money":
            return VType("number")
        return want

    def string(self, value: str, want: Optional[VType]) -> str:
        if want is not None and want.kind == "enum":
            if value not in want.symbols:
                raise FeelError(f"\"{value}\" is not one of the allowed values {', '.join(want.symbols)}")
            return value
        if want is not None and want.kind == "country":
            return value
        if want is not None and want.kind == "date":
            return iso_date(value)
        return quote(value)

    def path(self, tree) -> str:
        base, field = tree[1], tree[2]
        if base[0] == "call" and base[1] == "years and months duration" and field in ("years",) and len(base[2]) == 2:
            return f"years_between({self.expr(base[2][0])}, {self.expr(base[2][1])})"
        base_type = self.type_of(base)
        if base_type is not None and base_type.kind == "struct":
            for dmn, flat, _ in base_type.fields:
                if dmn == field:
                    return flat
            raise FeelError(f"`{field}` is not a component of `{base[1]}`")
        if base_type is not None and base_type.kind in ("record", "struct"):
            for dmn, column, _ in base_type.fields:
                if dmn == field:
                    return f"{self.expr(base)}.{column}"
            raise FeelError(f"`{field}` is not an output of `{base[1] if base[0] == 'name' else 'this value'}`")
        if base_type is not None and base_type.kind == "list":  # a field of each record (h16-dmn)
            return feel_lists.projection(self, base, base_type, field)
        if base_type is not None and base_type.kind == "date" and field in ("year", "month", "day"):
            return f"{field}({self.expr(base)})"
        if feel_durations.is_duration(base_type):  # `.days`, `.years`, `.months` (h16-dmn-dur)
            return feel_durations.path(self, base, base_type, field)
        raise FeelError(f"the path `.{field}` is not translated (structured values are not)")

    def call(self, name: str, args: list, want: Optional[VType]) -> str:
        args = feel_calls.positional(self, name, args)  # string, list, BKM calls (h16-dmn)
        added = feel_calls.call(self, name, args, want)
        if added is not None:
            return added
        added = feel_durations.call(self, name, args)  # duration("P30D"), … (h16-dmn-dur)
        if added is not None:
            return added
        if name == "date":
            if len(args) == 1 and args[0][0] == "str":
                return iso_date(args[0][1])
            if len(args) == 3:
                return f"date({', '.join(self.expr(a) for a in args)})"
            raise FeelError("date(…) is translated with one string \"YYYY-MM-DD\" or a year, a month and a day")
        if name not in FUNCTIONS:
            raise FeelError(f"the FEEL function `{name}` has no equivalent in verdict")
        if name in ("min", "max") and len(args) < 2:
            raise FeelError(f"{name}(list) is not translated; {name}(a, b, …) is")
        if name in ("min", "max"):
            each = [self.siblings_type(args) or want] * len(args)
        elif name in ("abs", "floor", "ceiling", "round half up"):
            each = [want] + [None] * (len(args) - 1)
        elif name == "list contains" and len(args) == 2:
            listed = self.type_of(args[0])
            each = [None, listed.element if listed is not None and listed.kind == "list" else None]
        else:
            each = [None] * len(args)
        shown = ", ".join(self.expr(a, t) for a, t in zip(args, each))
        return f"{FUNCTIONS[name]}({shown})"

    def unary_tests(self, text: str, column: Optional[VType]) -> str:
        tree = parse_unary_tests(text, self.scope.entries)
        if tree[0] == "any":
            return "-"
        parts = []
        for test in tree[2]:
            if test[0] == "cmp":
                parts.append(f"{test[1]} {self.expr(test[2], column)}")
            elif test[0] == "range":
                lo, hi = self.expr(test[2], column), self.expr(test[3], column)
                parts.append(f"{'[' if test[1] else '('}{lo}..{hi}{']' if test[4] else ')'}")
            else:
                value = test[1]
                shown = self.expr(value, column)
                literal = value[0] in ("num", "str", "bool") or (value[0] == "call" and value[1] in ("date", "duration")) \
                    or (value[0] == "num")
                listed = None if literal else self.type_of(value)
                if listed is not None and listed.kind == "list" and (column is None or column.kind != "list"):
                    parts.append(f"in {shown}")  # FEEL: a value of a list (h16-dmn)
                    continue
                parts.append(shown if literal else f"= {shown}")
        joined = ", ".join(parts)
        return f"not {joined}" if tree[1] else joined


def _months_between(tree):
    """(from, to) of `years and months duration(a, b).years * 12 + years and months duration(a, b).months`,
    the FEEL the export writes for verdict's months_between; None for any other tree."""
    def duration(node, field):
        if node[0] == "path" and node[2] == field and node[1][0] == "call" \
                and node[1][1] == "years and months duration" and len(node[1][2]) == 2:
            return tuple(node[1][2])
        return None
    if tree[0] != "bin" or tree[1] != "+" or tree[2][0] != "bin" or tree[2][1] != "*" or tree[2][3] != ("num", "12"):
        return None
    years, months = duration(tree[2][2], "years"), duration(tree[3], "months")
    return years if years is not None and years == months else None
