"""typecheck: the types of expressions and unary tests, with "did you mean" for unknown names.

A mixin of the resolver: it reads the declarations the resolver has collected (inputs,
parameters, decisions, symbols) and reports through its `error`.
"""
from __future__ import annotations

from typing import Optional

from engine import ast, durations
from engine.semantics import lists
from engine.evaluation import operators
from engine.evaluation import text_functions
from engine.countries import ISO_3166_ALPHA2
from engine.errors import did_you_mean, suggestion_hint
from engine.semantics.records import field_error
from engine.values import (CENT, BOOL, COUNTRY, DATE, INTEGER, MONEY, NUMBER, TEXT, EnumType, ListType, RecordType, Type,
                           is_numeric, is_ordered, same_kind)
from engine.values import DAYS_DURATION, MONTHS_DURATION  # durations (h16-dur)

LITERAL_TYPES = {"integer": INTEGER, "number": NUMBER, "money": MONEY, "date": DATE, "text": TEXT, "bool": BOOL}
LITERAL_TYPES.update({"duration": DAYS_DURATION, "duration in months": MONTHS_DURATION})  # durations (h16-dur)
BUILTIN_NAMES = {"as_of": DATE}
FUNCTIONS = {  # name: (min args, max args)
    "min": (1, 99), "max": (1, 99), "round": (1, 2), "floor": (1, 1), "ceil": (1, 1), "abs": (1, 1),
    "count": (1, 1), "contains": (2, 2), "years_between": (2, 2), "months_between": (2, 2),
    "year": (1, 1), "month": (1, 1), "day": (1, 1), "date": (3, 3),
    "days_between": (2, 2),  # durations (h16-dur)
}
FUNCTIONS.update(lists.ADDED_FUNCTIONS)  # lists (h16-lists): sum, all, any
FUNCTIONS.update(text_functions.ARITIES)  # upper, lower, string_length, substring, starts_with, ends_with
FUNCTIONS.update(operators.ARITIES)  # string(x)


def is_symbol_of(name: str, type_) -> bool:
    """Whether a bare name is a value of `type_` itself: a symbol of its enumeration, or a country
    code in a country column. This comes first when a name is resolved (before inputs and decisions)."""
    return ((isinstance(type_, EnumType) and name in type_.symbols)
            or (type_ == COUNTRY and name in ISO_3166_ALPHA2))


class _Unknown(Exception):
    pass


UNKNOWN = Type("unknown")  # the type of an expression already reported as wrong


class ExpressionTyper:
    """Types of expressions and tests; `report=False` asks quietly (raising _Unknown instead)."""

    list_scope = None  # lists (h16-lists): the variables bound by some/every/for/filter, by name

    def _all_names(self):
        return list(self.inputs) + list(self.parameters) + list(self.decision_decls) + list(BUILTIN_NAMES)

    def _use(self, name, deps):
        self.used.add(name)
        if isinstance(deps, list) and name not in deps:
            deps.append(name)

    def compatible(self, expected: Type, actual: Type) -> bool:
        if expected is UNKNOWN or actual is UNKNOWN:
            return True
        if expected == actual:
            return True
        if is_numeric(expected) and is_numeric(actual):
            # an integer fits anywhere a number fits; a plain number fits money (e.g. `0`)
            return not (expected == INTEGER and actual != INTEGER)
        if isinstance(expected, EnumType) and isinstance(actual, EnumType):
            return set(actual.symbols) <= set(expected.symbols)
        if isinstance(expected, ListType) and isinstance(actual, ListType):
            return self.compatible(expected.element, actual.element)
        return False

    def name_type(self, expr: ast.Name, expected: Optional[Type], deps, report=True) -> Type:
        name = expr.name
        if self.list_scope and name in self.list_scope:  # lists (h16-lists): a bound variable
            return self.list_scope[name]
        if is_symbol_of(name, expected):
            return expected
        if name in self.inputs:
            self._use(name, deps)
            return self.inputs[name].type
        if name in self.parameters:
            self._use(name, deps)
            return self.parameters[name].type
        if name in self.decision_decls:
            self._use(name, deps)
            return self.decision_type(name)
        if name in BUILTIN_NAMES:
            return BUILTIN_NAMES[name]
        if name in self.symbols:
            return self.symbols[name]
        if expected == COUNTRY and name.upper() in ISO_3166_ALPHA2 or (expected is None and name in ISO_3166_ALPHA2):
            if expected is None:
                return COUNTRY
        if expected is UNKNOWN and name in ISO_3166_ALPHA2:
            return UNKNOWN  # a country code against a field path already reported (records, h16-records)
        if not report:
            raise _Unknown()
        # (each hint below also offers `otherwise`: `otherwize` in a cell meant the row for every other case)
        if isinstance(expected, EnumType):
            hint = suggestion_hint(name, list(expected.symbols) + ["otherwise"] + self._all_names())
            self.error("unknown-symbol", f"`{name}` is not a value of {expected.describe()}", expr.span,
                       hint or f"use one of: {', '.join(expected.symbols)}")
        elif expected == COUNTRY:
            hint = (f"did you mean `{name.upper()}`?" if name.upper() in ISO_3166_ALPHA2
                    else suggestion_hint(name, ["otherwise"]))
            self.error("unknown-symbol", f"`{name}` is not an ISO 3166-1 alpha-2 country code", expr.span,
                       hint or "write an upper-case two-letter code such as CN, DE or FR")
        else:
            lookalike = _lookalike_hint(name)
            candidates = self._all_names() + list(self.symbols)
            twin = next((c for c in candidates if c != name and _unconfuse(c) == _unconfuse(name)), None)
            if twin and not lookalike:
                lookalike = f"`{twin}` is declared, but {_lookalike_hint(twin)}"
            self.error("unknown-name", f"unknown name `{name}`", expr.span,
                       lookalike or suggestion_hint(name, candidates + ["otherwise"])
                       or "declare it as an input, a parameter or a decision")
            # The name meant is used: one typo should not also make it an `unused` warning.
            meant = did_you_mean(name, candidates) or _unconfuse(name)
            if meant:
                self.used.add(meant)
        return UNKNOWN

    def expr_type(self, expr: ast.Expr, expected: Optional[Type], deps, report=True) -> Type:
        match expr:
            case ast.Literal(kind=kind, value=value):
                if kind == "money" and report and value != value.quantize(CENT):
                    self.error("type-mismatch", f"{value} € has more than 2 decimal places", expr.span,
                               "money is written in euros and cents, e.g. 12.35 €")
                return LITERAL_TYPES[kind]
            case ast.Name():
                return self.name_type(expr, expected, deps, report)
            case ast.Field(base=base, field=field):
                base_type = self.expr_type(base, None, deps, report)
                if durations.is_duration(base_type):  # durations (h16-dur): `d.days`, `d.years`, `d.months`
                    return self._duration_result(durations.field_type(base_type, field), expr, report)
                if isinstance(base_type, RecordType) and base_type.field(field) is not None:
                    return base_type.field(field)
                if base_type is not UNKNOWN and report:
                    field_error(self, expr, base_type)
                elif not report:
                    raise _Unknown()
                return UNKNOWN
            case ast.Unary(op="not", operand=operand):
                self._expect(operand, BOOL, deps, report, "`not` needs a condition")
                return BOOL
            case ast.Unary(op="-", operand=operand):
                type_ = self.expr_type(operand, expected, deps, report)
                if type_ is not UNKNOWN and not is_numeric(type_) and not durations.is_duration(type_) and report:
                    self.error("type-mismatch", f"cannot negate {type_.describe()}", expr.span)
                return type_
            case ast.Binary(op=op, left=left, right=right) if op in ("and", "or"):
                self._expect(left, BOOL, deps, report, f"`{op}` needs conditions")
                self._expect(right, BOOL, deps, report, f"`{op}` needs conditions")
                return BOOL
            case ast.Binary(op=op, left=left, right=right) if op in ("=", "!=", "<", "<=", ">", ">="):
                left_type = self.expr_type(left, None, deps, report) if not isinstance(left, ast.Name) or self._is_known_name(left.name) else None
                if left_type is None:
                    right_type = self.expr_type(right, None, deps, report)
                    left_type = self.expr_type(left, right_type, deps, report)
                else:
                    right_type = self.expr_type(right, left_type, deps, report)
                self._comparable(op, left_type, right_type, expr, report)
                if report and (_money_against(left_type, right_type, right) or _money_against(right_type, left_type, left)):
                    self.error("type-mismatch", f"cannot compare {left_type.describe()} with {right_type.describe()}",
                               expr.span, "money compares with money (`5 €`) or with a number written in the rule (`5`)")
                return BOOL
            case ast.Binary(op=op, left=left, right=right):
                return self._arithmetic(op, self.expr_type(left, None, deps, report),
                                        self.expr_type(right, None, deps, report), expr, report)
            case ast.IfExpr(condition=condition, then=then, otherwise=otherwise):
                self._expect(condition, BOOL, deps, report, "`if` needs a condition")
                then_type = self.expr_type(then, expected, deps, report)
                else_type = self.expr_type(otherwise, expected if then_type is UNKNOWN else then_type, deps, report)
                if then_type is UNKNOWN:
                    return else_type
                if else_type is not UNKNOWN and not (self.compatible(then_type, else_type) or self.compatible(else_type, then_type)):
                    if report:
                        self.error("type-mismatch", f"the branches give {then_type.describe()} and {else_type.describe()}",
                                   expr.span)
                    return UNKNOWN
                return else_type if is_numeric(then_type) and then_type == INTEGER else then_type
            case ast.InExpr(value=value, options=options):
                value_type = self.expr_type(value, None, deps, report)
                for option in options:
                    option_type = self.expr_type(option, value_type, deps, report)
                    self._comparable("in", value_type, option_type, option, report)
                return BOOL
            case ast.NoAnswer():
                if not report:
                    raise _Unknown()  # it says nothing of the column's type
                return expected if expected is not None else UNKNOWN
            case ast.Call():
                return self._call(expr, expected, deps, report)
            case _ if isinstance(expr, lists.LIST_NODES):  # lists (h16-lists)
                return lists.expr_type(self, expr, expected, deps, report)
        raise AssertionError(expr)

    def _expect(self, expr, type_, deps, report, message):
        actual = self.expr_type(expr, type_, deps, report)
        if actual is not UNKNOWN and actual != type_ and report:
            self.error("type-mismatch", f"{message}; this is {actual.describe()}", expr.span)

    def _comparable(self, op, left, right, expr, report):
        if left is UNKNOWN or right is UNKNOWN or same_kind(left, right):
            if op in ("<", "<=", ">", ">=") and left is not UNKNOWN and not is_ordered(left) and report:
                self.error("type-mismatch", f"`{op}` compares numbers, money and dates, not {left.describe()}", expr.span)
            return
        if report:
            mixed = durations.is_duration(left) and durations.is_duration(right)  # durations (h16-dur)
            self.error("type-mismatch", f"cannot compare {left.describe()} with {right.describe()}", expr.span,
                       durations.MIX_HINT if mixed else None)

    def _arithmetic(self, op, left, right, expr, report) -> Type:
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if op == "**" or TEXT in (left, right):  # powers, and texts joined by `+` (engine/evaluation/operators.py)
            found = operators.binary_type(self, op, left, right, expr, report)
            if found is not None:
                return found
        if durations.takes_part(op, left, right):  # durations (h16-dur): date ± duration, date - date, …
            return self._duration_result(durations.arithmetic_type(op, left, right), expr, report)
        if not (is_numeric(left) and is_numeric(right)):
            if report:
                self.error("type-mismatch", f"`{op}` needs numbers or money; got {left.describe()} and {right.describe()}",
                           expr.span)
            return UNKNOWN
        if op in ("+", "-"):
            if MONEY in (left, right):
                return MONEY
            return INTEGER if left == right == INTEGER else NUMBER
        if op == "*":
            if left == MONEY and right == MONEY:
                if report:
                    self.error("type-mismatch", "cannot multiply money by money", expr.span)
                return UNKNOWN
            if MONEY in (left, right):
                return MONEY
            return INTEGER if left == right == INTEGER else NUMBER
        # division
        if left == MONEY and right != MONEY:
            return MONEY
        if right == MONEY and left != MONEY:
            if report:
                self.error("type-mismatch", "cannot divide a number by money", expr.span)
            return UNKNOWN
        return NUMBER

    def _duration_result(self, found, expr, report) -> Type:
        """A duration form's type, or its error reported at the expression (durations, h16-dur)."""
        type_, problem = found
        if type_ is None:
            if report:
                self.error("type-mismatch", problem[0], expr.span, problem[1])
            return UNKNOWN
        return type_

    def _call(self, expr: ast.Call, expected, deps, report) -> Type:
        name, args = expr.function, expr.args
        if name in getattr(self, "function_signatures", ()):  # a declared `function` (engine/semantics/functions.py)
            from engine.semantics.functions import check_call
            return check_call(self, expr, deps, report)
        if name not in FUNCTIONS:
            for arg in args:
                self.expr_type(arg, None, deps, report)
            if report:
                self.error("unknown-name", f"unknown function `{name}`", expr.span,
                           suggestion_hint(name, list(FUNCTIONS) + list(getattr(self, "function_signatures", ())))
                           or f"the functions are {', '.join(FUNCTIONS)}")
                return UNKNOWN
            raise _Unknown()
        low, high = FUNCTIONS[name]
        if not low <= len(args) <= high:
            for arg in args:  # still resolve the arguments: their names are used, their errors real
                self.expr_type(arg, None, deps, report)
            if report:
                count = str(low) if low == high else f"{low} to {high}"
                self.error("type-mismatch", f"`{name}` takes {count} argument(s), not {len(args)}", expr.span)
            return UNKNOWN
        if lists.is_list_call(self, expr):  # lists (h16-lists): sum, all, any; min/max of one list
            return lists.call_type(self, expr, expected, deps, report)
        types = [self.expr_type(a, expected if name in ("min", "max") else None, deps, report) for a in args]
        if UNKNOWN in types:
            return UNKNOWN
        def need(predicate, what):
            for arg, t in zip(args, types):
                if not predicate(t) and report:
                    self.error("type-mismatch", f"`{name}` needs {what}; this is {t.describe()}", arg.span)
        if name in ("min", "max"):
            need(is_ordered, "numbers, money or dates")
            if all(is_numeric(t) for t in types):
                return MONEY if MONEY in types else (INTEGER if all(t == INTEGER for t in types) else NUMBER)
            return types[0]
        if name in ("round", "floor", "ceil", "abs"):
            need(is_numeric, "a number")
            if name in ("floor", "ceil") or (name == "round" and len(args) == 1 and types[0] != MONEY):
                return INTEGER
            return types[0]
        if name == "count":
            need(lambda t: isinstance(t, ListType), "a list")
            return INTEGER
        if name in operators.ARITIES:  # string(x)
            need(operators.can_be_text, operators.STRING_ARGUMENTS)
            return TEXT
        if name in text_functions.ARITIES:
            def need_at(predicate, what, positions):
                for position in positions:
                    if position < len(types) and not predicate(types[position]) and report:
                        self.error("type-mismatch", f"`{name}` needs {what}; this is {types[position].describe()}",
                                   args[position].span)
            return text_functions.call_type(name, types, need_at)
        if name == "contains" and types[0] == TEXT:  # a text contains a text
            need(lambda t: t == TEXT, "texts")
            return BOOL
        if name == "contains":
            if not isinstance(types[0], ListType) and report:
                self.error("type-mismatch", f"`contains` needs a list first; this is {types[0].describe()}", args[0].span)
            return BOOL
        if name in ("years_between", "months_between", "year", "month", "day", "days_between"):
            need(lambda t: t == DATE, "dates")
            return INTEGER
        if name == "date":
            need(lambda t: t == INTEGER, "whole numbers (year, month, day)")
            return DATE
        raise AssertionError(name)

    def _test(self, test: ast.Test, column_type: Type, column: str, deps):
        match test:
            case ast.AnyTest():
                return
            case ast.CompareTest(op=op, bound=bound):
                bound_type = self.expr_type(bound, column_type, deps)
                if bound_type is UNKNOWN or column_type is UNKNOWN:
                    return
                if op in ("=", "!=") and column_type == BOOL and bound_type == BOOL:
                    return
                if not same_kind(column_type, bound_type) or _money_mix(column_type, bound_type, bound):
                    self.error("type-mismatch", f"`{column}` is {column_type.describe()}; this test gives "
                               f"{bound_type.describe()}", test.span)
                elif op not in ("=", "!=") and not is_ordered(column_type):
                    self.error("type-mismatch", f"`{op}` compares numbers, money and dates; `{column}` is "
                               f"{column_type.describe()}", test.span, "use a value or a set `{a, b}`")
            case ast.RangeTest(lo=lo, hi=hi):
                if column_type is not UNKNOWN and not is_ordered(column_type):
                    self.error("type-mismatch", f"a range needs numbers, money or dates; `{column}` is "
                               f"{column_type.describe()}", test.span)
                    return
                for bound in (lo, hi):
                    bound_type = self.expr_type(bound, column_type, deps)
                    if bound_type is not UNKNOWN and column_type is not UNKNOWN and (
                            not same_kind(column_type, bound_type) or _money_mix(column_type, bound_type, bound)):
                        self.error("type-mismatch", f"`{column}` is {column_type.describe()}; this bound is "
                                   f"{bound_type.describe()}", bound.span)
            case ast.SetTest(values=values):
                for value in values:
                    self._test(ast.CompareTest(value.span, "=", value), column_type, column, deps)
            case ast.AnyOfTest(tests=tests):
                for inner in tests:
                    self._test(inner, column_type, column, deps)
            case ast.NotTest(test=inner):
                self._test(inner, column_type, column, deps)
            case ast.ContainsTest() | ast.InListTest():  # lists (h16-lists)
                lists.test_type(self, test, column_type, column, deps)


def _money_against(money_side: Type, other_type: Type, other: ast.Expr) -> bool:
    """Money compared with a count or a rate (`fine <= penalty_rate`): a mistake. A plain number
    literal against money (`fine <= 5`, `amount >= 0`) is fine: it is read as euros."""
    return money_side == MONEY and other_type in (INTEGER, NUMBER) and not isinstance(other, ast.Literal)


def _money_mix(column_type: Type, value_type: Type, value: ast.Expr) -> bool:
    """A cell of a column: the column is never a literal, so `18 €` in an `age` column is a mistake."""
    return _money_against(column_type, value_type, value) or (value_type == MONEY and column_type in (INTEGER, NUMBER))


_CONFUSABLES = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ѕ": "s",
                "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
                "Т": "T", "Х": "X", "ο": "o", "α": "a", "ν": "v"}


def _unconfuse(name: str) -> str:
    return "".join(_CONFUSABLES.get(c, c) for c in name)


def _lookalike_hint(name: str) -> Optional[str]:
    """Names with a Cyrillic or Greek letter that looks Latin: say which character it is."""
    for index, char in enumerate(name):
        if char in _CONFUSABLES:
            return (f"character {index + 1} of `{name}` is U+{ord(char):04X}, a look-alike of the Latin "
                    f"`{_CONFUSABLES[char]}`; retype it")
    return None
