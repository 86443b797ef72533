"""A ruleset → DMN 1.5 XML: `verdict dmn export`.

DMN has no validity periods and no dated parameters, so the export is the ruleset as of one day:
the version of each decision valid that day, each parameter as a decision giving its value on that
day, and the evaluation date `as_of` as an input. What DMN cannot say but verdict needs to read the
file back (integer, money and country types, defaults, sources, explanations) travels in
attributes of the namespace urn:verdict:dmn, which DMN allows on every element and other engines
ignore. What cannot be exported (a `no answer` row) is refused, naming the decision and the row.
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Optional

from engine import ast, durations
from engine.dmn.literals import quote as feel_string  # FEEL strings escape as rule-language strings do
from engine.dmn.writer_bkm import bkm_element, knowledge_requirements
from engine.dmn.writer_lists import list_feel, refused_words
from engine.countries import ISO_3166_ALPHA2
from engine.errors import Diagnostic, VerdictError
from engine.durations import Months
from engine.semantics.records import DeclaredRecordType
from engine.values import EnumType, ListType, RecordType, Type

DMN15 = "https://www.omg.org/spec/DMN/20230324/MODEL/"
FEEL15 = "https://www.omg.org/spec/DMN/20230324/FEEL/"
VERDICT = "urn:verdict:dmn"
HIT_POLICIES = {"unique": "UNIQUE", "first": "FIRST", "priority": "PRIORITY", "any": "ANY", "collect": "COLLECT",
                "rule_order": "RULE ORDER", "output_order": "OUTPUT ORDER"}
BASE_TYPES = {"bool": "boolean", "number": "number", "date": "date", "text": "string",
              "duration": "days and time duration", "duration in months": "years and months duration"}  # (h16-dmn-dur)
EXTENDED = {"integer": "number", "money": "number", "country": "string"}  # item definitions of their own
FEEL_KEYWORDS = {"null", "for", "return", "some", "every", "satisfies", "function", "between", "instance", "of",
                 "external", "true", "false", "and", "or", "not", "in", "if", "then", "else"}
FUNCTIONS = {"min": "min", "max": "max", "abs": "abs", "floor": "floor", "ceil": "ceiling", "count": "count",
             "contains": "list contains", "sum": "sum", "all": "all", "any": "any", "upper": "upper case",
             "lower": "lower case", "string_length": "string length", "substring": "substring",
             "starts_with": "starts with", "ends_with": "ends with"}  # not `string`: verdict writes 1,234.50 €


def _q(tag: str) -> str:
    return f"{{{DMN15}}}{tag}"


def _v(name: str) -> str:
    return f"{{{VERDICT}}}{name}"




def _number(value) -> str:
    return format(Decimal(value), "f") if isinstance(value, Decimal) else str(value)


class Refused(Exception):
    def __init__(self, message: str, span=None):
        super().__init__(message)
        self.span = span


class _Exporter:
    def __init__(self, ruleset, as_of: dt.date):
        self.ruleset = ruleset
        self.model = ruleset.model
        self.as_of = as_of
        self.root = ET.Element(_q("definitions"), {
            "id": "definitions_" + _ncname(ruleset.name), "name": ruleset.name,
            "namespace": f"urn:verdict:ruleset:{ruleset.name}", "expressionLanguage": FEEL15, "typeLanguage": FEEL15,
            _v("asOf"): as_of.isoformat(), _v("version"): str(ruleset.version)})
        self.items: dict = {}       # itemDefinition name -> element
        self.item_order: list = []
        self.uses_as_of = False
        self.bound: list = []       # the variables of the iterations being written (writer_lists.py)
        self.called: list = []      # the functions called, to export as business knowledge models
        self.problems: list = []
        self.notes: list = []

    # ------------------------------------------------------------------ types

    def item(self, name: str, type_ref: Optional[str], allowed: Optional[str] = None, collection: bool = False,
             extension: Optional[str] = None) -> str:
        if name not in self.items:
            element = ET.Element(_q("itemDefinition"), {"name": name})
            if collection:
                element.set("isCollection", "true")
            if extension:
                element.set(_v("type"), extension)
            if type_ref:
                ET.SubElement(element, _q("typeRef")).text = type_ref
            if allowed:
                ET.SubElement(ET.SubElement(element, _q("allowedValues")), _q("text")).text = allowed
            self.items[name] = element
            self.item_order.append(name)
        return name

    def type_ref(self, type_: Type, owner: str, range_=None) -> str:
        """The typeRef of a verdict type, declaring the item definitions it needs."""
        if isinstance(type_, EnumType):
            name = type_.name or f"{owner}_values"
            base = self.item(name, "string", ", ".join(feel_string(s) for s in type_.symbols))
        elif isinstance(type_, ListType):
            element = self.type_ref(type_.element, owner)
            base = self.item(f"{element}_list", element, collection=True)
        elif isinstance(type_, DeclaredRecordType):  # records (h16-records): an item with components
            base = self.record_item(type_)
        elif isinstance(type_, RecordType):
            raise Refused(f"`{owner}`: a record value outside a multi-output table cannot be exported")
        elif type_.name in EXTENDED:
            base = self.item(type_.name, EXTENDED[type_.name], extension=type_.name)
        else:
            base = BASE_TYPES[type_.name]
        if range_ is None:
            return base
        return self.item(f"{owner}_range", base, self.range_text(range_, type_))

    def record_item(self, record: DeclaredRecordType) -> str:
        """`type Person = {age: integer 0..130, …}` as an itemDefinition with one itemComponent a field."""
        if record.name not in self.items:
            element = self.items[record.name] = ET.Element(_q("itemDefinition"), {"name": record.name})
            for field, field_type in record.fields:
                type_ref = self.type_ref(field_type, f"{record.name}_{field}", record.field_range(field))
                ET.SubElement(ET.SubElement(element, _q("itemComponent"), {"name": field}), _q("typeRef")).text = type_ref
            self.item_order.append(record.name)
        return record.name

    def range_text(self, range_, type_: Type) -> str:
        lo = self.value(range_.lo) if range_.lo is not None else None
        hi = self.value(range_.hi) if range_.hi is not None else None
        if lo is not None and hi is not None:
            return f"{'[' if range_.lo_closed else '('}{lo}..{hi}{']' if range_.hi_closed else ')'}"
        if lo is not None:
            return f"{'>=' if range_.lo_closed else '>'} {lo}"
        return f"{'<=' if range_.hi_closed else '<'} {hi}"

    def value(self, value) -> str:
        """A computed value (a range bound, a parameter's value) as a FEEL literal."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, Decimal)):
            return _number(value)
        if isinstance(value, dt.date):
            return f'date("{value.isoformat()}")'
        if isinstance(value, str):
            return feel_string(value)
        if isinstance(value, (dt.timedelta, Months)):
            return f'duration("{durations.iso(value)}")'
        if isinstance(value, tuple):
            raise Refused("a list value cannot be exported as a constant")
        raise Refused(f"the value {value!r} cannot be exported")

    # ------------------------------------------------------------------ expressions

    def is_variable(self, name: str) -> bool:
        return name in self.model.inputs or name in self.model.decisions or name in self.model.parameters

    def feel(self, expr, column: Optional[Type] = None) -> str:
        if isinstance(expr, ast.Literal):
            if expr.kind == "text":
                return feel_string(expr.value)
            if expr.kind == "bool":
                return "true" if expr.value else "false"
            if expr.kind == "date":
                return f'date("{expr.value.isoformat()}")'
            if expr.kind in ("duration", "duration in months"):  # `30 days` → duration("P30D") (h16-dmn-dur)
                return self.value(expr.value)
            return _number(expr.value)
        if isinstance(expr, ast.Name):
            name = expr.name
            if isinstance(column, EnumType) and name in column.symbols:
                return feel_string(name)
            if self.is_variable(name) or name in self.bound:
                return name
            if name == "as_of":
                self.uses_as_of = True
                return "as_of"
            if name in self.model.symbols or name in ISO_3166_ALPHA2:
                return feel_string(name)
            raise Refused(f"`{name}` is not known", expr.span)
        if isinstance(expr, ast.Field):
            return f"{self.feel(expr.base)}.{expr.field}"
        if isinstance(expr, ast.Unary):
            inner = self.feel(expr.operand, column)
            return f"not({inner})" if expr.op == "not" else f"-({inner})"
        if isinstance(expr, ast.Binary):
            op = {"and": "and", "or": "or"}.get(expr.op, expr.op)
            return f"({self.feel(expr.left, column)} {op} {self.feel(expr.right, column)})"
        if isinstance(expr, ast.IfExpr):
            return f"(if {self.feel(expr.condition)} then {self.feel(expr.then, column)} else {self.feel(expr.otherwise, column)})"
        if isinstance(expr, ast.InExpr):
            options = ", ".join(self.feel(o) for o in expr.options)
            return f"({self.feel(expr.value)} in ({options}))"
        if isinstance(expr, ast.Call):
            return self.call(expr)
        if isinstance(expr, ast.NoAnswer):
            raise Refused("a `no answer` row has no DMN equivalent (DMN would give null, verdict stops with the "
                          "row's reason)", expr.span)
        listed = list_feel(self, expr)
        if listed is not None:
            return listed
        raise Refused(f"{refused_words(expr)} cannot be exported", getattr(expr, "span", None))

    def call(self, expr: ast.Call) -> str:
        args = [self.feel(a) for a in expr.args]
        name = expr.function
        if name in FUNCTIONS:
            return f"{FUNCTIONS[name]}({', '.join(args)})"
        if name == "round":
            return f"round half up({args[0]}, {args[1] if len(args) > 1 else '0'})"
        if name == "years_between":
            return f"years and months duration({args[0]}, {args[1]}).years"
        if name == "months_between":
            span = f"years and months duration({args[0]}, {args[1]})"
            return f"({span}.years * 12 + {span}.months)"
        if name == "days_between":  # (h16-dmn-dur)
            return f"({args[1]} - {args[0]}).days"
        if name in ("year", "month", "day"):
            return f"({args[0]}).{name}"
        if name == "date":
            return f"date({', '.join(args)})"
        if name in self.model.functions:  # a business knowledge model's invocation (writer_bkm.py)
            return f"{name}({', '.join(args)})"
        raise Refused(f"the function `{name}` cannot be exported", expr.span)

    def unary_tests(self, test, column: Type) -> str:
        if isinstance(test, ast.AnyTest):
            return "-"
        if isinstance(test, ast.NotTest):
            return f"not({self.unary_tests(test.test, column)})"
        if isinstance(test, ast.AnyOfTest):
            return ", ".join(self.unary_tests(t, column) for t in test.tests)
        if isinstance(test, ast.SetTest):
            return ", ".join(self.feel(v, column) for v in test.values)
        if isinstance(test, ast.RangeTest):
            return (f"{'[' if test.lo_closed else '('}{self.feel(test.lo, column)}..{self.feel(test.hi, column)}"
                    f"{']' if test.hi_closed else ')'}")
        if isinstance(test, ast.CompareTest):
            bound = self.feel(test.bound, column)
            if test.op == "=":
                return bound
            if test.op == "!=":
                return f"not({bound})"
            return f"{test.op} {bound}"
        raise Refused(f"{refused_words(test)} cannot be exported", test.span)

    # ------------------------------------------------------------------ elements

    def requirements(self, decision: ET.Element, body):
        seen = []
        for name in ast.names_in(body):
            if name in seen:
                continue
            if self.is_variable(name) or name == "as_of":
                seen.append(name)
        for name in seen:
            requirement = ET.SubElement(decision, _q("informationRequirement"),
                                        {"id": f"requirement_{_ncname(decision.get('name'))}_{_ncname(name)}"})
            if name in self.model.inputs or name == "as_of":
                ET.SubElement(requirement, _q("requiredInput"), {"href": f"#input_{_ncname(name)}"})
            else:
                ET.SubElement(requirement, _q("requiredDecision"), {"href": f"#decision_{_ncname(name)}"})
        if "as_of" in seen:
            self.uses_as_of = True
        knowledge_requirements(self, decision, body, _q, _ncname)

    def input(self, name: str, info) -> ET.Element:
        _feel_name(name, info.decl.span)
        element = ET.Element(_q("inputData"), {"id": f"input_{_ncname(name)}", "name": name})
        if info.decl.description:
            ET.SubElement(element, _q("description")).text = info.decl.description
        if info.decl.default is not None:
            element.set(_v("default"), rule_literal(info.decl.default))
        ET.SubElement(element, _q("variable"), {"name": name, "typeRef": self.type_ref(info.type, name, info.range)})
        return element

    def parameter(self, name: str, info) -> ET.Element:
        _feel_name(name, info.decl.span)
        value = info.value_on(self.as_of)
        if value is None:
            raise Refused(f"parameter `{name}` has no value on {self.as_of}", info.decl.span)
        element = ET.Element(_q("decision"), {"id": f"decision_{_ncname(name)}", "name": name, _v("kind"): "parameter"})
        if info.decl.title:
            element.set("label", info.decl.title)
        source = value.source or info.decl.source
        if source:
            element.set(_v("source"), source)
        ET.SubElement(element, _q("variable"), {"name": name, "typeRef": self.type_ref(info.type, name)})
        literal = ET.SubElement(element, _q("literalExpression"), {"id": f"logic_{_ncname(name)}"})
        ET.SubElement(literal, _q("text")).text = self.value(value.value)
        return element

    def decision(self, name: str, info, version) -> ET.Element:
        decl = version.decl
        _feel_name(name, decl.span)
        element = ET.Element(_q("decision"), {"id": f"decision_{_ncname(name)}", "name": name})
        if decl.title:
            element.set("label", decl.title)
        if decl.source:
            element.set(_v("source"), decl.source)
        body = decl.body
        if isinstance(body, ast.ExpressionBody):
            if body.because is not None:
                element.set(_v("because"), body.because.text)
            ET.SubElement(element, _q("variable"), {"name": name, "typeRef": self.type_ref(info.type, name, version.range)})
            self.requirements(element, body)
            literal = ET.SubElement(element, _q("literalExpression"), {"id": f"logic_{_ncname(name)}"})
            text = self.feel(body.expr, info.type)
            if info.type.name == "money" and not isinstance(body.expr, ast.Literal):
                text = f"round half up({text}, 2)"  # verdict rounds money a decision gives to the cent
            ET.SubElement(literal, _q("text")).text = text
            return element
        return self.table(element, name, info, version)

    def table(self, element: ET.Element, name: str, info, version, holder=None) -> ET.Element:
        """A table decision; or, into `holder`, a function's table (writer_bkm.py)."""
        decl, body = version.decl, version.decl.body
        hit = decl.hit
        multi = len(body.outputs) > 1
        if multi:
            listed = hit.policy in ("collect", "rule_order", "output_order")
            record = ET.Element(_q("itemDefinition"), {"name": f"{name}_outputs", **({"isCollection": "true"} if listed else {})})
            for column, type_ in zip(body.outputs, version.output_types):
                component = ET.SubElement(record, _q("itemComponent"), {"name": column.name})
                ET.SubElement(component, _q("typeRef")).text = self.type_ref(type_, f"{name}_{column.name}")
            self.items[record.get("name")] = record
            self.item_order.append(record.get("name"))
            type_ref = record.get("name")
        elif holder is None:
            type_ref = self.type_ref(info.type, name, version.range)
        if holder is None:
            ET.SubElement(element, _q("variable"), {"name": name, "typeRef": type_ref})
            self.requirements(element, body)
        table = ET.SubElement(element if holder is None else holder, _q("decisionTable"),
                              {"id": f"logic_{_ncname(name)}", "hitPolicy": HIT_POLICIES[hit.policy]})
        if hit.aggregator:
            table.set("aggregation", hit.aggregator.upper())
        for index, (column, type_) in enumerate(zip(body.inputs, version.column_types)):
            clause = ET.SubElement(table, _q("input"), {"id": f"input_{_ncname(name)}_{index + 1}", "label": column.title})
            expression = ET.SubElement(clause, _q("inputExpression"), {"typeRef": self.type_ref(type_, f"{name}_{index + 1}")})
            ET.SubElement(expression, _q("text")).text = self.feel(column.expr)
        otherwise = next((r for r in body.rows if r.is_otherwise), None)
        for index, (column, type_) in enumerate(zip(body.outputs, version.output_types)):
            clause = ET.SubElement(table, _q("output"), {"id": f"output_{_ncname(name)}_{index + 1}",
                                                         "name": column.name if multi else name,
                                                         "typeRef": self.type_ref(type_, f"{name}_{column.name}")})
            if isinstance(type_, EnumType):
                ET.SubElement(ET.SubElement(clause, _q("outputValues")), _q("text")).text = \
                    ", ".join(feel_string(s) for s in type_.symbols)
            if otherwise is not None:
                default = ET.SubElement(clause, _q("defaultOutputEntry"))
                ET.SubElement(default, _q("text")).text = self.cell_output(otherwise, index, type_, name)
        annotations = [a for a in ("because", "source", "id")
                       if any(_annotation(r, a) for r in body.rows)]
        for annotation in annotations:
            ET.SubElement(table, _q("annotation"), {"name": annotation})
            if otherwise is not None and _annotation(otherwise, annotation):
                # a default output entry has no annotations in DMN: kept for the way back
                table.set(_v(f"otherwise-{annotation}"), _annotation(otherwise, annotation))
        for row in body.rows:
            if row.is_otherwise:
                continue
            rule = ET.SubElement(table, _q("rule"), {"id": f"rule_{_ncname(name)}_{row.number}"})
            for cell, type_ in zip(row.cells, version.column_types):
                try:
                    text = self.unary_tests(cell.test, type_)
                except Refused as error:
                    raise Refused(f"decision `{name}`, row {row.number}: {error}", error.span or row.span) from None
                ET.SubElement(ET.SubElement(rule, _q("inputEntry")), _q("text")).text = text
            for index, type_ in enumerate(version.output_types):
                ET.SubElement(ET.SubElement(rule, _q("outputEntry")), _q("text")).text = \
                    self.cell_output(row, index, type_, name)
            for annotation in annotations:
                ET.SubElement(ET.SubElement(rule, _q("annotationEntry")), _q("text")).text = _annotation(row, annotation)
        return element

    def cell_output(self, row, index: int, type_: Type, name: str) -> str:
        try:
            return self.feel(row.outputs[index], type_)
        except Refused as error:
            raise Refused(f"decision `{name}`, row {row.number}: {error}", error.span or row.span) from None

    # ------------------------------------------------------------------ the document

    def needed(self, wanted) -> set:
        """The decisions in `wanted` and every name they read, as of the day."""
        found, stack = set(), list(wanted)
        while stack:
            name = stack.pop()
            if name in found:
                continue
            found.add(name)
            info = self.model.decisions.get(name)
            version = info.version_on(self.as_of) if info is not None else None
            if version is not None:
                stack.extend(n for n in ast.names_in(version.decl.body) if self.is_variable(n))
        return found

    def run(self, wanted=None) -> str:
        drg = []
        exported = set()
        for name in wanted or ():
            if name not in self.model.decisions:
                raise VerdictError(Diagnostic("error", "unknown-output", f"unknown decision `{name}`"))
        keep = self.needed(wanted) if wanted else None
        for name, info in self.model.inputs.items():
            if keep is None or name in keep:
                self.attempt(drg, lambda: self.input(name, info))
        for name, info in self.model.parameters.items():
            if (keep is None or name in keep) and self.attempt(drg, lambda: self.parameter(name, info)):
                exported.add(name)
        for name, info in self.model.decisions.items():
            if keep is not None and name not in keep:
                continue
            version = info.version_on(self.as_of)
            if version is None:
                self.notes.append(f"decision `{name}` has no version valid on {self.as_of}: not exported")
                continue
            if self.attempt(drg, lambda: self.decision(name, info, version)):
                exported.add(name)
        for name in self.called:  # grows while it is walked: a function's own calls come after it
            self.attempt(drg, lambda: bkm_element(self, name, self.model.functions[name], _q, _ncname))
        for element in drg:  # a decision that reads one that was not exported would be incomplete
            for requirement in element.iter(_q("requiredDecision")):
                target = requirement.get("href")[len("#decision_"):]
                missing = [n for n in list(self.model.decisions) + list(self.model.parameters)
                           if _ncname(n) == target and n not in exported]
                if missing:
                    self.problems.append(Diagnostic("error", "dmn", f"decision `{element.get('name')}` reads "
                                                    f"`{missing[0]}`, which is not exported on {self.as_of}"))
        if self.problems:
            raise VerdictError(self.problems, self.ruleset.files.rule_texts)
        if self.uses_as_of:
            as_of = ET.Element(_q("inputData"), {"id": "input_as_of", "name": "as_of", _v("builtin"): "as_of"})
            ET.SubElement(as_of, _q("description")).text = "The date of the evaluation (verdict's `as_of`)."
            ET.SubElement(as_of, _q("variable"), {"name": "as_of", "typeRef": "date"})
            drg.insert(0, as_of)
        for name in self.item_order:
            self.root.append(self.items[name])
        for element in drg:
            self.root.append(element)
        ET.indent(self.root, "  ")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(self.root, encoding="unicode") + "\n"

    def attempt(self, drg: list, make) -> bool:
        try:
            drg.append(make())
            return True
        except Refused as error:
            self.problems.append(Diagnostic("error", "dmn", f"cannot be exported to DMN: {error}", span=error.span))
            return False


def _feel_name(name: str, span) -> None:
    """A name FEEL would read as a keyword cannot be exported as it is."""
    if name in FEEL_KEYWORDS:
        raise Refused(f"`{name}` is a FEEL keyword; DMN engines would not read it as a name: rename it", span)


def _annotation(row, name: str) -> str:
    """A row's `because` text, `source` or `id` ('' when it has none)."""
    if name == "because":
        return row.because.text if row.because else ""
    return (row.source if name == "source" else row.rule_id) or ""


def _ncname(name: str) -> str:
    """An XML id part: verdict names are word characters, which NCNames allow."""
    return name


def rule_literal(expr) -> str:
    """A default value as rule text, for the way back (verdict:default)."""
    if isinstance(expr, ast.Literal):
        if expr.kind == "money":
            return f"{_number(expr.value)} €"
        if expr.kind == "text":
            return feel_string(expr.value)
        if expr.kind == "bool":
            return "true" if expr.value else "false"
        if expr.kind == "date":
            return expr.value.isoformat()
        return _number(expr.value)
    if isinstance(expr, ast.Name):
        return expr.name
    if isinstance(expr, ast.Unary) and expr.op == "-":
        return "-" + rule_literal(expr.operand)
    raise Refused("a default that is not a literal cannot be exported", expr.span)


def export_dmn(ruleset, as_of: dt.date, decisions=None) -> tuple[str, list]:
    """(the DMN 1.5 XML of the ruleset as of a day, notes); VerdictError naming what cannot be
    exported. With `decisions`, only those and what they read."""
    ET.register_namespace("", DMN15)
    ET.register_namespace("verdict", VERDICT)
    exporter = _Exporter(ruleset, as_of)
    return exporter.run(decisions), exporter.notes
