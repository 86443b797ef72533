"""resolve: parsed rule files → a typed model (names, types, versions), with diagnostics.

Every name is looked up here, with "did you mean"; every expression gets a type. Errors are
collected, not raised, so that `verdict check` can report them all at once.
"""
from __future__ import annotations

import re
from typing import Optional

import attrs

from engine import ast
from engine.errors import Diagnostic, suggestion_hint
from engine.semantics.functions import builtin_clash, declare_functions, resolve_functions
from engine.semantics.graph import post_order
from engine.semantics.model import (NO_DEFAULT, DecisionInfo, InputInfo, Model, ParameterInfo,
                                    ParameterValue, Version)
from engine.semantics.rule_ids import check_rule_ids
from engine.semantics.records import DeclaredRecordType, check_record_columns, check_template_path, declare_record_types
from engine.semantics.typecheck import BUILTIN_NAMES, UNKNOWN, ExpressionTyper, _lookalike_hint, _Unknown, is_symbol_of
from engine.values import (INTEGER, MONEY, NUMBER, PRIMITIVES, EnumType, ListType, Range, RecordType, Type,
                           is_numeric, is_ordered)

TEMPLATE_HOLE = re.compile(r"\{([^{}]*)\}")
DECIMAL_COMMA = re.compile(r"(?<![\w.])\d+,\d")  # `0,25 €`: the French way to write 0.25, read as 0 or 25


class Resolver(ExpressionTyper):
    """Declarations, decisions and their versions; expressions are typed by ExpressionTyper."""

    def __init__(self, files, sources: dict, has_registry: bool):
        self.files = files
        self.sources = sources
        self.has_registry = has_registry
        self.diagnostics: list[Diagnostic] = []
        self.types: dict[str, EnumType] = {}
        self.inputs: dict[str, InputInfo] = {}
        self.parameters: dict[str, ParameterInfo] = {}
        self.decision_decls: dict[str, list[ast.DecisionDecl]] = {}
        self.decision_types: dict[str, Type] = {}
        self.in_progress: set[str] = set()
        self.symbols: dict[str, EnumType] = {}
        self.used: set[str] = set()
        self.output_column_types: dict[int, list] = {}  # id(table decl) -> one Type per output column
        # reusable logic (engine/semantics/functions.py): `function` declarations, their signatures, the called
        self.function_decls: dict[str, ast.FunctionDecl] = {}
        self.function_signatures: dict = {}
        self.used_functions: set[str] = set()

    # ------------------------------------------------------------------ reporting
    def error(self, code, message, span, hint=None):
        self.diagnostics.append(Diagnostic("error", code, message, span, hint=hint))

    def warning(self, code, message, span, hint=None):
        self.diagnostics.append(Diagnostic("warning", code, message, span, hint=hint))

    # ------------------------------------------------------------------ the pass
    def run(self) -> Model:
        self._collect_declarations()
        declare_functions(self)
        # Type the decisions a decision reads before it, so inference never recurses down a chain.
        for name in self._reading_order():
            try:
                self.decision_type(name)
            except _Unknown:
                pass  # a cycle: reported by the graph stage
        for name, decls in self.decision_decls.items():
            self.decision_type(name)
        decisions = {}
        for name, decls in self.decision_decls.items():
            versions = tuple(self._version(decl) for decl in
                             sorted(decls, key=lambda d: (d.valid_from is not None, d.valid_from or 0)))
            decisions[name] = DecisionInfo(name, self.decision_types.get(name, UNKNOWN), versions)
            self._check_validity(name, versions)
        functions = resolve_functions(self)
        check_rule_ids(self)
        self._check_unused()
        return Model(self.types, self.inputs, self.parameters, decisions, self.symbols, functions)

    def _collect_declarations(self):
        seen: dict[str, ast.Declaration] = {}
        record_decls = []
        for file in self.files:
            for decl in file.declarations:
                if isinstance(decl, ast.TypeDecl):
                    self._declare(seen, decl)
                    symbols = self._enum_symbols(decl.enum)
                    enum = EnumType(decl.name, symbols)
                    self.types[decl.name] = enum
                    for symbol in symbols:
                        self.symbols.setdefault(symbol, enum)
                elif isinstance(decl, ast.RecordTypeDecl):  # records (h16-records)
                    self._declare(seen, decl)
                    record_decls.append(decl)
        declare_record_types(self, record_decls)
        for file in self.files:
            for decl in file.declarations:
                if isinstance(decl, ast.InputDecl):
                    self._declare(seen, decl)
                    self.inputs[decl.name] = self._input(decl)
                elif isinstance(decl, ast.ParameterDecl):
                    self._declare(seen, decl)
                    self.parameters[decl.name] = self._parameter(decl)
                elif isinstance(decl, ast.FunctionDecl):
                    self._declare(seen, decl)
                    if not builtin_clash(self, decl):
                        self.function_decls.setdefault(decl.name, decl)
                elif isinstance(decl, ast.DecisionDecl):
                    previous = self.decision_decls.get(decl.name)
                    if previous is None:
                        self._declare(seen, decl)
                        self.decision_decls[decl.name] = [decl]
                    elif decl.valid_from is None or any(p.valid_from is None for p in previous):
                        first = previous[0].span
                        self.error("duplicate-name", f"decision `{decl.name}` is declared twice "
                                   f"(first at {first.location()})", decl.span,
                                   "give each version a `valid from … to …` clause, or rename one")
                    else:
                        previous.append(decl)

    def _reading_order(self) -> list:
        """Decisions, each after the decisions its text names (cycles cut), without recursion."""
        reads = {name: [n for decl in decls for n in _names_in_decision(decl) if n in self.decision_decls and n != name]
                 for name, decls in self.decision_decls.items()}
        return post_order(reads, reads)

    def _declare(self, seen, decl):
        if decl.name in seen or decl.name in BUILTIN_NAMES:
            first = seen.get(decl.name)
            where = f" (first at {first.span.location()})" if first else " (a built-in name)"
            self.error("duplicate-name", f"`{decl.name}` is declared twice{where}", decl.span,
                       "names of types, inputs, parameters and decisions share one namespace")
        else:
            seen[decl.name] = decl
        lookalike = _lookalike_hint(decl.name)
        if lookalike:
            self.warning("lookalike", f"the name `{decl.name}` mixes scripts", decl.span, lookalike)

    def _enum_symbols(self, enum: ast.EnumTypeExpr) -> tuple:
        names = []
        for symbol in enum.symbols:
            if symbol.name in names:
                self.error("duplicate-name", f"symbol `{symbol.name}` appears twice in this enumeration", symbol.span)
            else:
                names.append(symbol.name)
        return tuple(names)

    def type_of_expr(self, type_expr: ast.TypeExpr, enum_name: str = "") -> Type:
        if isinstance(type_expr, ast.NamedType):
            if type_expr.name in PRIMITIVES:
                return PRIMITIVES[type_expr.name]
            if type_expr.name in self.types:
                return self.types[type_expr.name]
            self.error("unknown-name", f"unknown type `{type_expr.name}`", type_expr.span,
                       suggestion_hint(type_expr.name, list(PRIMITIVES) + list(self.types))
                       or f"use one of {', '.join(PRIMITIVES)}, a `type` you declare, or `{{a, b}}`")
            return UNKNOWN
        if isinstance(type_expr, ast.EnumTypeExpr):
            enum = EnumType("", self._enum_symbols(type_expr))
            for symbol in enum.symbols:
                self.symbols.setdefault(symbol, enum)
            return enum
        if isinstance(type_expr, ast.ListTypeExpr):
            return ListType("list", self.type_of_expr(type_expr.element, enum_name))
        raise AssertionError(type_expr)

    def _constant(self, expr: ast.Expr, expected: Type, what: str):
        """The value of a literal used in a declaration (range bound, default, parameter value)."""
        type_ = self.expr_type(expr, expected, frozenset())
        if type_ is UNKNOWN:
            return None
        if not self.compatible(expected, type_):
            self.error("type-mismatch", f"{what} is {type_.describe()}, expected {expected.describe()}", expr.span)
            return None
        if isinstance(expr, ast.Literal):
            return expr.value
        if isinstance(expr, ast.Name) and is_symbol_of(expr.name, expected):
            return expr.name
        if isinstance(expr, ast.ListLiteral) and isinstance(expected, ListType):  # lists (h16-lists): `[1, 2]`
            items = tuple(self._constant(item, expected.element, what) for item in expr.items)
            return None if None in items else items
        self.error("type-mismatch", f"{what} must be a constant: write a literal value here", expr.span)
        return None

    def _input(self, decl: ast.InputDecl) -> InputInfo:
        type_ = self.type_of_expr(decl.type, decl.name)
        range_ = self._declared_range(decl.name, decl.range, type_)
        default = NO_DEFAULT
        if decl.default is not None:
            default = self._constant(decl.default, type_, f"the default of `{decl.name}`")
            if range_ is not None and default is not None and not range_.contains(default):
                self.error("type-mismatch", f"the default of `{decl.name}` is outside its range", decl.default.span)
        return InputInfo(decl, type_, range_, default)

    def _declared_range(self, name: str, declared: Optional[ast.DeclRange], type_: Type) -> Optional[Range]:
        """The Range of `input x : T RANGE` or `decision x : T RANGE`, or None (reported if wrong)."""
        if declared is None or type_ is UNKNOWN:
            return None
        if not is_ordered(type_):
            self.error("type-mismatch", f"a range applies to numbers, money and dates, not to {type_.describe()}",
                       declared.span)
            return None
        lo = self._constant(declared.lo, type_, "the lower bound") if declared.lo else None
        hi = self._constant(declared.hi, type_, "the upper bound") if declared.hi else None
        range_ = Range(lo, declared.lo_closed, hi, declared.hi_closed)
        if lo is not None and hi is not None and (lo > hi or (lo == hi and not (range_.lo_closed and range_.hi_closed))):
            self.error("type-mismatch", f"the range of `{name}` is empty: no value is both "
                       f"{'>=' if range_.lo_closed else '>'} {lo} and {'<=' if range_.hi_closed else '<'} {hi}",
                       declared.span, "write the smaller bound first, e.g. 1..5")
            return None
        return range_

    def _parameter(self, decl: ast.ParameterDecl) -> ParameterInfo:
        type_ = self.type_of_expr(decl.type, decl.name)
        self._check_source(decl)
        values = []
        previous = None
        for entry in decl.values:
            if previous is not None and entry.start <= previous:
                self.error("validity-overlap", f"the value from {entry.start} is listed after the value from "
                           f"{previous}; list the values of `{decl.name}` in date order, each date once", entry.span)
            previous = entry.start
            self._check_source(entry)
            value = self._constant(entry.value, type_, f"the value of `{decl.name}`")
            values.append(ParameterValue(entry.start, value, entry.source or decl.source, entry.span))
        return ParameterInfo(decl, type_, tuple(values), decl.checked)

    def _check_source(self, node):
        """The `source` a declaration, a parameter's value or a row cites, shown where it is written."""
        source_id = node.source
        if source_id and self.has_registry and source_id not in self.sources:
            self.error("unknown-name", f"unknown source `{source_id}`", node.source_span or node.span,
                       suggestion_hint(source_id, self.sources) or "add it to `sources` in ruleset.yaml")

    # ------------------------------------------------------------------ decisions
    def decision_type(self, name: str) -> Type:
        if name in self.decision_types:
            return self.decision_types[name]
        if name in self.in_progress:
            raise _Unknown()  # a cycle: reported by the graph stage
        self.in_progress.add(name)
        try:
            decls = self.decision_decls[name]
            result = None
            for decl in decls:
                type_ = self._declared_or_inferred(decl)
                if result is None or result is UNKNOWN:
                    result = type_
                elif type_ is not UNKNOWN and not self.compatible(result, type_):
                    self.error("type-mismatch", f"this version of `{name}` gives {type_.describe()}; "
                               f"another gives {result.describe()}", decl.span)
            self.decision_types[name] = result
            return result
        finally:
            self.in_progress.discard(name)

    def _declared_or_inferred(self, decl: ast.DecisionDecl) -> Type:
        declared = self.type_of_expr(decl.type, decl.name) if decl.type is not None else None
        body = decl.body
        if isinstance(body, ast.ExpressionBody):
            if declared is not None:
                return declared
            try:
                return self.expr_type(body.expr, None, frozenset(), report=False)
            except _Unknown:
                return UNKNOWN
        columns = []
        for column in body.outputs:
            column_type = self.type_of_expr(column.type, column.name) if column.type else None
            if column_type is None and len(body.outputs) == 1 and declared is not None:
                column_type = self._element(declared, decl.hit)
            if column_type is None and len(body.outputs) > 1 and isinstance(self._element(declared, decl.hit),
                                                                            DeclaredRecordType):
                column_type = self._element(declared, decl.hit).field(column.name)  # records (h16-records)
            if column_type is None:
                column_type = self._infer_column(decl, body, body.outputs.index(column))
            columns.append((column.name, column_type))
        if len(body.outputs) > 1:
            check_record_columns(self, body, self._element(declared, decl.hit))  # records (h16-records)
        self.output_column_types[id(decl)] = [t for _, t in columns]
        if len(columns) == 1:
            element = columns[0][1]
        else:
            element = RecordType("record", tuple(columns))
        result = self._aggregate(element, decl.hit)
        if declared is not None and len(body.outputs) > 1:
            return declared
        return declared if declared is not None else result

    @staticmethod
    def _element(declared: Type, hit: ast.HitPolicy) -> Optional[Type]:
        """The type of the cells of a table's only output column, from the decision's type."""
        if hit.aggregator == "count":
            return None  # the count is an integer whatever the cells hold: infer them
        if hit.policy in ("collect", "rule_order", "output_order") and hit.aggregator is None:
            return declared.element if isinstance(declared, ListType) else declared
        return declared

    @staticmethod
    def _aggregate(element: Type, hit: ast.HitPolicy) -> Type:
        if hit.policy in ("collect", "rule_order", "output_order"):
            if hit.aggregator == "count":
                return INTEGER
            if hit.aggregator in ("sum", "min", "max"):
                return element
            return ListType("list", element)
        return element

    def _infer_column(self, decl, table: ast.Table, index: int) -> Type:
        """An undeclared output column's type, from its cells; bare unknown names make an enum."""
        found, new_symbols = None, []
        for row in table.rows:
            expr = row.outputs[index]
            if isinstance(expr, ast.Name) and not self._is_known_name(expr.name):
                if expr.name in self.symbols:
                    type_ = self.symbols[expr.name]
                else:
                    if expr.name not in new_symbols:
                        new_symbols.append(expr.name)
                    continue
            else:
                try:
                    type_ = self.expr_type(expr, None, frozenset(), report=False)
                except _Unknown:
                    continue
            if found is None or found is UNKNOWN or (found == INTEGER and type_ in (NUMBER, MONEY)):
                found = type_
        if new_symbols:
            if found is not None and isinstance(found, EnumType):
                return found
            enum = EnumType(f"{decl.name}.{table.outputs[index].name}" if len(table.outputs) > 1 else decl.name,
                            tuple(new_symbols))
            return enum
        return found or UNKNOWN

    def _is_known_name(self, name: str) -> bool:
        return (name in self.inputs or name in self.parameters or name in self.decision_decls
                or name in BUILTIN_NAMES)

    def _version(self, decl: ast.DecisionDecl) -> Version:
        self._check_source(decl)
        deps: list[str] = []
        decision_type = self.decision_types.get(decl.name, UNKNOWN)
        body = decl.body
        if isinstance(body, ast.ExpressionBody):
            type_ = self.expr_type(body.expr, decision_type, deps)
            if decision_type is not UNKNOWN and type_ is not UNKNOWN and not self.compatible(decision_type, type_):
                self.error("type-mismatch", f"`{decl.name}` is declared {decision_type.describe()} "
                           f"but its expression gives {type_.describe()}", body.expr.span)
            self._template(body.because, deps, decl.name)
            return Version(decl, (), (decision_type,), tuple(deps), (decl.name,),
                           self._declared_range(decl.name, decl.range, decision_type))
        column_types = []
        for column in body.inputs:
            column_types.append(self.expr_type(column.expr, None, deps))
        output_types = self._output_types(decl, body, decision_type)
        rule_ids = []
        # A cell's text is checked once per column: the same text is the same test, of the same
        # column type. What a text that passed uses is kept (position, text -> names); a text
        # with a diagnostic is checked again wherever it occurs, so that each place is reported.
        passed: dict = {}
        for row in body.rows:
            rule_ids.append(row.rule_id or f"{decl.name}#{row.number}")
            for position, (cell, column_type, column) in enumerate(zip(row.cells, column_types, body.inputs)):
                key = (position, cell.text)
                used = passed.get(key)
                if used is None:
                    used = self._checked_cell(cell, column_type, column.title)
                    if used is None:
                        continue
                    passed[key] = used
                for name in used:
                    self._use(name, deps)
            for expr, output_type in zip(row.outputs, output_types):
                type_ = self.expr_type(expr, output_type, deps)
                if type_ is not UNKNOWN and output_type is not UNKNOWN and not self.compatible(output_type, type_):
                    self.error("type-mismatch", f"this cell gives {type_.describe()}; the column is "
                               f"{output_type.describe()}", expr.span)
            self._template(row.because, deps, decl.name)
            self._check_source(row)
        self._check_hit_policy(decl, output_types)
        return Version(decl, tuple(column_types), tuple(output_types), tuple(deps), tuple(rule_ids),
                       self._declared_range(decl.name, decl.range, decision_type))

    def _checked_cell(self, cell: ast.Cell, column_type: Type, column: str) -> Optional[tuple]:
        """Type-check an input cell: the names its test uses, or None when it has a diagnostic."""
        reported = len(self.diagnostics)
        used: list[str] = []
        self._test(cell.test, column_type, column, used)
        if DECIMAL_COMMA.search(cell.text):
            from engine.syntax.messages import DECIMAL_COMMA_HINT  # not at the top: it imports lark
            self.error("decimal-comma", f"`{cell.text}` would be read as a list: a comma separates "
                       "values to match, it is not a decimal comma", cell.span,
                       DECIMAL_COMMA_HINT + " (write a list with a space after each comma: 1, 2)")
        return tuple(used) if len(self.diagnostics) == reported else None

    def _output_types(self, decl, table, decision_type) -> list:
        if id(decl) in self.output_column_types:
            return [t if t is not None else UNKNOWN for t in self.output_column_types[id(decl)]]
        element = decision_type
        if decl.hit.policy in ("collect", "rule_order", "output_order") and isinstance(decision_type, ListType):
            element = decision_type.element
        if isinstance(element, RecordType):
            return [element.field(c.name) or UNKNOWN for c in table.outputs]
        if len(table.outputs) == 1:
            return [element]
        return [UNKNOWN for _ in table.outputs]

    def _check_hit_policy(self, decl, output_types):
        if decl.hit.aggregator == "count" and any(row.is_otherwise for row in decl.body.rows):
            row = next(row for row in decl.body.rows if row.is_otherwise)
            self.error("type-mismatch", "an `otherwise` row in a `collect count` table would count itself",
                       row.span, "remove it: with no matching row the count is 0")
        if decl.hit.policy in ("priority", "output_order") and not any(isinstance(t, EnumType) for t in output_types):
            self.error("type-mismatch", f"hit policy `{decl.hit.label()}` ranks outputs by their enumeration order; "
                       "this table has no enumeration output", decl.hit.span,
                       "declare the output as an enumeration, or use `first`")
        if decl.hit.aggregator in ("sum", "min", "max") and not all(is_numeric(t) or t is UNKNOWN for t in output_types):
            self.error("type-mismatch", f"`collect {decl.hit.aggregator}` needs numeric outputs", decl.hit.span)

    def _template(self, template: Optional[ast.Template], deps, own_name: str):
        if template is None:
            return
        for match in TEMPLATE_HOLE.finditer(template.text):
            name = match.group(1).strip()
            head = name.split(".")[0]
            if head == own_name:
                continue  # the decision's own value: known once the row fires
            quoted = template.span.end_column - template.span.column == len(template.text) + 2
            offset = template.span.column + (1 if quoted else 0)  # past the opening quote
            span = attrs.evolve(template.span, column=offset + match.start(), end_column=offset + match.end())
            if not self._is_known_name(head):
                self.error("unknown-name", f"unknown name `{head}` in the explanation", span,
                           suggestion_hint(head, self._all_names()))
                continue
            self._use(head, deps)
            field = name.partition(".")[2].strip()
            if field:
                check_template_path(self, head, field, span)  # records (h16-records): `{applicant.age}`

    def _check_validity(self, name: str, versions: tuple):
        dated = [v for v in versions if v.decl.valid_from is not None]
        for earlier, later in zip(dated, dated[1:]):
            end = earlier.decl.valid_to
            if end is None or end >= later.decl.valid_from:
                self.error("validity-overlap",
                           f"two versions of `{name}` are valid on {later.decl.valid_from} "
                           f"(the other is at {earlier.decl.span.location()})", later.decl.span,
                           "end the earlier version the day before this one starts")
            elif (later.decl.valid_from - end).days > 1:
                self.warning("validity-gap",
                             f"no version of `{name}` is valid from {end.fromordinal(end.toordinal() + 1)} "
                             f"to {later.decl.valid_from.fromordinal(later.decl.valid_from.toordinal() - 1)}",
                             later.decl.span)

    def _check_unused(self):
        for name, info in self.inputs.items():
            if name not in self.used:
                self.warning("unused", f"input `{name}` is not used by any decision", info.decl.span)
        for name, info in self.parameters.items():
            if name not in self.used:
                self.warning("unused", f"parameter `{name}` is not used by any decision", info.decl.span)

    # ------------------------------------------------------------------ expressions and tests
def _names_in_decision(decl: ast.DecisionDecl) -> list:
    """ast.names_in(decl), in the same order, reading each distinct cell text once: the names of
    a cell are those of its text, and most of a large table is the same few cells again."""
    found, stack, of_text = [], [decl], {}
    while stack:
        item = stack.pop()
        cls = type(item)
        if cls is ast.Name:
            found.append(item.name)
        elif cls is tuple:
            stack.extend(item)
        elif cls is ast.Cell:
            names = of_text.get(item.text)
            if names is None:
                names = of_text[item.text] = ast.names_in(item)
            found.extend(names)
        elif cls is not ast.Literal and cls is not ast.Template and isinstance(item, ast.Node):
            stack.extend([getattr(item, name) for name in ast._child_fields(cls)])
    return found


def resolve(files, sources: dict, has_registry: bool) -> tuple[Model, list[Diagnostic]]:
    resolver = Resolver(files, sources, has_registry)
    model = resolver.run()
    return model, resolver.diagnostics
