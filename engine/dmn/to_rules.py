"""DMN → rule text: `verdict dmn import`. Every DMN element becomes declarations of the rule
language; the text is then loaded by engine.load_ruleset, so the import is checked by the same
checker as a hand-written file, and a refusal of the checker is reported at the DMN element.

Mapping (docs/dmn.md has it in full): inputData → `input`; itemDefinition with allowed string
values → `type T = {…}`, with a range → a declared range; decisionTable → a table, its hit
policy and aggregation → `hit …`; literalExpression → an expression decision; information
requirements → the names the decision reads.
"""
from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path
from typing import Optional

import attrs

from engine.dmn import bkm as bkms
from engine.dmn.boxed import BOXED, has_result, record_context, tree_of
from engine.dmn.feel import FeelError, parse_expression, parse_unary_tests
from engine.dmn.feel_records import flat_template, list_of_records
from engine.dmn.feel_to_rules import Scope, Translator
from engine.dmn.literals import quote
from engine.dmn.reader import VERDICT_NS, Decision, Definitions, read_definitions, refusal
from engine.dmn.types import Names, TypeResolver, VType, enum_symbols, is_plain_name
from engine.errors import Diagnostic, RuleError, VerdictError

HIT_POLICIES = {"UNIQUE": "unique", "FIRST": "first", "PRIORITY": "priority", "ANY": "any",
                "COLLECT": "collect", "RULE ORDER": "rule order", "OUTPUT ORDER": "output order"}
AGGREGATIONS = {"SUM": "sum", "MIN": "min", "MAX": "max", "COUNT": "count"}


@attrs.frozen
class Imported:
    """The rule text of a DMN file, loaded and checked, and how its names map."""

    text: str
    file_name: str                # `NAME.rules`
    names: dict                   # DMN name of an input or decision -> verdict name
    fields: dict                  # DMN decision name -> {DMN output name: verdict column} (multi-output)
    flattened: dict               # DMN structured input -> {component: verdict input}; a list of
                                  # structures (records) -> {"[]": {component: record field}}
    notes: tuple                  # what the reader should know (a restriction dropped, …)
    ruleset: object               # the engine.Ruleset loaded from `text`
    origin: dict = attrs.field(factory=dict, repr=False)  # line of `text` -> the DMN element it came from

    def element_at(self, line: int):
        """The DMN element a line of the rule text came from (None for the header)."""
        found = None
        for number in sorted(self.origin):
            if number <= line:
                found = self.origin[number]
        return found


class _Writer:
    """Builds the rule text line by line, remembering which DMN element each line came from."""

    def __init__(self):
        self.lines: list = []
        self.origin: dict = {}  # 1-based line -> Element

    def add(self, line: str, element=None):
        self.lines.append(line)
        if element is not None:
            self.origin[len(self.lines)] = element

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _ext(element, key: str) -> Optional[str]:
    return element.extension.get((VERDICT_NS, key))


def translate(defs: Definitions, where: str) -> tuple[str, dict, dict, dict, list, dict]:
    """(rule text, names, fields, flattened, notes, line → element); VerdictError listing every refusal."""
    names, notes, problems = Names(), [], []
    types = TypeResolver(defs.item_definitions, names, notes)
    scope = Scope()
    name_map, field_map, flattened = {}, {}, {}
    record_fields: dict = {}  # DMN input (a list of structures) -> {component: record field}
    by_id = {}
    input_lines = []
    writer = _Writer()
    for item in defs.inputs:
        by_id[item.id] = item
        if item.ext("builtin") == "as_of":
            scope.add(item.name, "as_of", VType("date"))
            continue
        try:
            vtype = types.resolve(item.type_ref, item.element.describe(), item.ext("type"))
            if vtype is None:
                raise FeelError("the input has no typeRef; verdict needs the type of every input")
            if vtype.kind == "list" and vtype.element.kind == "record":  # a list of records (h16-records)
                vtype, record_fields[item.name] = list_of_records(types, item.type_ref, vtype)
        except FeelError as error:
            problems.append(refusal(item.element, str(error)))
            continue
        if vtype.kind == "record":  # one input per component: `loan.rate` reads `loan_rate`
            flat = {}
            for dmn, _, ftype in vtype.fields:
                flat[dmn] = names.allocate(f"{item.name} {dmn}")
                input_lines.append((_input_line(flat[dmn], ftype, None, f"{item.name}.{dmn}"), item.element))
            flattened[item.name] = flat
            scope.add(item.name, item.name, VType("struct", fields=tuple((d, flat[d], t) for d, _, t in vtype.fields)))
            continue
        verdict_name = names.allocate(item.name)
        name_map[item.name] = verdict_name
        scope.add(item.name, verdict_name, vtype)
        description = item.element.child_text("description") or (item.name if item.name != verdict_name else None)
        input_lines.append((_input_line(verdict_name, vtype, item.ext("default"), description), item.element))
    decision_types = {}
    for decision in defs.decisions:
        by_id[decision.id] = decision
        verdict_name = names.allocate(decision.name)
        name_map[decision.name] = verdict_name
        try:
            vtype = types.resolve(decision.type_ref, decision.element.describe(), decision.ext("type"))
        except FeelError as error:
            problems.append(refusal(decision.element, str(error)))
            vtype = None
        if vtype is not None:
            record = vtype if vtype.kind == "record" else vtype.element if vtype.kind == "list" else None
            if record is not None and record.kind == "record":
                columns = {dmn: _column_name(dmn, i) for i, (dmn, _, _) in enumerate(record.fields)}
                record = attrs.evolve(record, fields=tuple((d, columns[d], t) for d, _, t in record.fields))
                vtype = record if vtype.kind == "record" else attrs.evolve(vtype, element=record)
                field_map[decision.name] = columns
        decision_types[decision.id] = vtype
        scope.add(decision.name, verdict_name, vtype)
    for requirement_owner in defs.decisions:
        for required in requirement_owner.required:
            if required not in by_id:
                problems.append(refusal(requirement_owner.element, f"it requires `#{required}`, which is not in this file"))
    functions = bkms.declare(defs.bkms, types, names, scope, problems)  # business knowledge models (h16-dmn)
    for requirement_owner in defs.decisions:
        for required in requirement_owner.knowledge:
            if required not in functions and all(b.id != required for b in defs.bkms):  # a refused one is named already
                problems.append(refusal(requirement_owner.element, f"it requires `#{required}`, which is not a "
                                        "business knowledge model of this file"))
    translator = Translator(scope)
    translator.names = names  # the names bound variables must not take (feel_lists, h16-dmn)
    body = _Writer()
    bkms.translate_bodies(functions, scope, types, names, body, problems)
    for decision in defs.decisions:
        if decision.logic is None or decision.logic.tag not in ("decisionTable", "literalExpression") + BOXED:
            continue
        try:
            if decision.logic.tag == "context" and not has_result(decision.logic):  # a record (h16-dmn)
                record_context(decision, decision_types[decision.id], name_map[decision.name], translator, types,
                               field_map, body)
            elif decision.logic.tag in BOXED:  # an invocation of a BKM, a boxed for, … as FEEL (h16-dmn)
                _literal_decision(decision, decision_types[decision.id], name_map, translator, body,
                                  tree_of(decision.logic, scope))
            elif decision.logic.tag == "literalExpression":
                _literal_decision(decision, decision_types[decision.id], name_map, translator, body)
            else:
                _table_decision(decision, decision_types[decision.id], name_map, translator, types, names,
                                scope, body, problems)
        except FeelError as error:
            problems.append(refusal(getattr(error, "element", None) or decision.logic, str(error)))
    if problems:
        raise VerdictError(problems)
    writer.add(f"# Imported from {Path(where).name} (DMN {defs.version}) by `verdict dmn import`.")
    renamed = [(d, v) for d, v in name_map.items() if d != v]
    if renamed:
        writer.add("# DMN names → verdict names: " + "; ".join(f"{d!r} → {v}" for d, v in renamed))
    for note in notes:
        writer.add(f"# note: {note}")
    if types.declarations:
        writer.add("")
        for line in types.declarations:
            writer.add(line)
    if input_lines:
        writer.add("")
        for line, element in input_lines:
            writer.add(line, element)
    offset = len(writer.lines)
    for line in body.lines:
        writer.add(line)
    for number, element in body.origin.items():
        writer.origin[number + offset] = element
    flattened.update({name: {"[]": fields} for name, fields in record_fields.items()})  # see Imported.flattened
    return writer.text(), name_map, field_map, flattened, notes, writer.origin


def _input_line(name: str, vtype: VType, default: Optional[str], description: Optional[str]) -> str:
    line = f"input {name} : {vtype.with_range()}"
    if default is not None:
        line += f" default {default}"
    if description:
        line += f" {quote(' '.join(description.split()))}"
    return line


def _column_name(dmn: str, index: int) -> str:
    """An output column's name: unique within its table only, so no allocation across the file."""
    return Names().allocate(dmn or f"output {index + 1}")


def _header(decision: Decision, verdict_name: str, type_text: Optional[str], hit: Optional[str] = None) -> str:
    line = f"decision {verdict_name}"
    if type_text:
        line += f" : {type_text}"
    title = decision.element.attributes.get("label") or (decision.name if decision.name != verdict_name else None)
    if title:
        line += f" {quote(title)}"
    if hit:
        line += f" hit {hit}"
    source = _ext(decision.element, "source")
    if source and is_plain_name(source):
        line += f" source {source}"
    return line


def _literal_decision(decision: Decision, vtype: Optional[VType], name_map: dict, translator: Translator,
                      body: _Writer, tree=None):
    text = decision.logic.child_text("text") if tree is None else ""
    if text is None:
        raise FeelError("the literal expression has no text")
    if vtype is not None and (vtype.kind == "record" or (vtype.kind == "list" and vtype.element.kind == "record")):
        raise FeelError("a literal expression of a structured type (or a list of them) is not translated")
    tree = tree or parse_expression(text, translator.scope.entries)
    helpers = []  # a filter in a filter's condition, given by a decision of its own (feel_lists._hoisted)

    def hoist(helper_text: str, helper_type: VType) -> str:
        helper = translator.names.allocate(f"{name_map[decision.name]} filter {len(helpers) + 1}")
        helpers.append(f"decision {helper} : {helper_type.with_range()} = {helper_text}")
        return helper
    translator.hoist = hoist
    try:
        expression = translator.expr(tree, vtype)
    finally:
        translator.hoist = None
    if vtype is None and expression == "[]":  # `[]` needs its type said (h16-dmn)
        vtype = translator.type_of(tree)
    body.add("")
    for line in helpers:
        body.add(line, decision.logic)
    line = _header(decision, name_map[decision.name], vtype.with_range() if vtype else None) + f" = {expression}"
    because = _ext(decision.element, "because")
    if because:
        line += f" because {quote(flat_template(because, translator.scope))}"
    body.add(line, decision.logic)


def _table_decision(decision: Decision, vtype: Optional[VType], name_map: dict, translator: Translator,
                    types: TypeResolver, names: Names, scope: Scope, body: _Writer, problems: list, header=None):
    """A decision table; `header(hit)`, when given, writes the first line of a function's table (bkm.py)."""
    table = decision.logic
    verdict_name = name_map[decision.name]
    policy = table.attributes.get("hitPolicy", "UNIQUE").strip()
    if policy not in HIT_POLICIES:
        raise FeelError(f"the hit policy {policy} is not one of DMN's")
    hit = HIT_POLICIES[policy]
    aggregation = table.attributes.get("aggregation")
    if aggregation:
        if policy != "COLLECT" or aggregation not in AGGREGATIONS:
            raise FeelError(f"aggregation {aggregation} with hit policy {policy} is not DMN's")
        hit += " " + AGGREGATIONS[aggregation]
    element_type = vtype.element if vtype is not None and vtype.kind == "list" else vtype
    # the input columns: a name, a decision's output, or an expression computed by a helper decision
    helpers, columns, column_types = [], [], []
    for index, clause in enumerate(table.all("input")):
        expression = clause.child("inputExpression")
        text = expression.child_text("text") if expression is not None else None
        if not text:
            raise _at(FeelError("the input column has no input expression"), clause)
        try:
            tree = parse_expression(text, scope.entries)
            if tree[0] == "name" or (tree[0] == "path" and tree[1][0] == "name") or header is not None:
                columns.append(translator.expr(tree))
                column_types.append(translator.type_of(tree))
            else:
                ctype = types.resolve(expression.attributes.get("typeRef"), clause.describe()) or translator.type_of(tree)
                helper = names.allocate(f"{verdict_name}_input_{index + 1}")
                type_text = f" : {ctype.text()}" if ctype is not None else ""
                helpers.append((f"decision {helper}{type_text} = {translator.expr(tree, ctype)}", clause))
                columns.append(helper)
                column_types.append(ctype)
        except FeelError as error:
            raise _at(error, clause) from None
    outputs = table.all("output")
    rankings: dict = {}  # output index -> its values in priority order, when they cannot be symbols
    if not columns:
        raise FeelError("a decision table without input columns is not translated")
    if len(outputs) > 1:
        record = element_type if element_type is not None and element_type.kind == "record" else None
        out_columns, out_types = [], []
        for index, clause in enumerate(outputs):
            dmn = clause.attributes.get("name") or f"output {index + 1}"
            found = next((f for f in record.fields if f[0] == dmn), None) if record else None
            column = found[1] if found else _column_name(dmn, index)
            try:
                ctype = found[2] if found else types.resolve(clause.attributes.get("typeRef"), clause.describe(),
                                                             _ext(clause, "type"))
                if clause.child_text("outputValues"):
                    ctype = _ranked(ctype, clause, hit, f"{decision.name} {dmn}", types, rankings, index)
            except FeelError as error:
                raise _at(error, clause) from None
            out_columns.append(f"{column} : {ctype.text()}" if ctype is not None else column)
            out_types.append(ctype)
        if hit in ("priority", "output order") and not rankings and \
                not any(t is not None and t.kind == "enum" for t in out_types):
            raise FeelError(f"hit policy {hit} needs allowed values (outputValues) on an output, which give the priority")
        header_type = None
    else:
        clause = outputs[0]
        try:
            ctype = types.resolve(clause.attributes.get("typeRef"), clause.describe(), _ext(clause, "type")) \
                or (element_type if element_type is not None and element_type.kind != "record" else None)
            ctype = _ranked(ctype, clause, hit, decision.name, types, rankings, 0)
        except FeelError as error:
            raise _at(error, clause) from None
        out_columns, out_types = [verdict_name], [ctype]
        header_type = ctype.with_range() if ctype is not None and "count" not in hit else None
    annotations = [a.attributes.get("name", "").strip().lower() for a in table.all("annotation")]
    kept = [name for name in annotations if name in ("because", "source", "id")]
    body.add("")
    for line, clause in helpers:
        body.add(line, clause)
    grid = [(columns, out_columns + kept, table)]
    for rule in table.all("rule"):
        try:
            cells = [translator.unary_tests(e.child_text("text") or "", t)
                     for e, t in zip(rule.all("inputEntry"), column_types)]
            if len(cells) != len(columns):
                raise FeelError(f"the rule has {len(cells)} input entries for {len(columns)} input columns")
            entries = rule.all("outputEntry")
            if len(entries) != len(outputs):
                raise FeelError(f"the rule has {len(entries)} output entries for {len(outputs)} outputs")
            values = [_output(translator, e.child_text("text") or "", t) for e, t in zip(entries, out_types)]
            notes = [e.child_text("text") or "" for e in rule.all("annotationEntry")]
            extra = []
            for name, note in zip(annotations, notes + [""] * len(annotations)):
                if name == "because":
                    extra.append(quote(flat_template(note, translator.scope)) if note else "")
                elif name in ("source", "id"):
                    if note and not is_plain_name(note):
                        raise FeelError(f"the {name} annotation `{note}` is not a plain name")
                    extra.append(note)
            grid.append((cells, values + extra, rule))
        except FeelError as error:
            problems.append(refusal(rule, str(error)))
    defaults = [c.child_text("defaultOutputEntry") for c in outputs]
    if any(d is not None for d in defaults):
        if any(d is None for d in defaults):
            raise FeelError("only some outputs have a default output entry; verdict's `otherwise` row gives them all")
        if hit == "collect count":
            raise FeelError("a default output entry on a COLLECT COUNT table is not translated (it would count itself)")
        values = [_output(translator, d, t) for d, t in zip(defaults, out_types)]
        cells = ["otherwise"] + ["-"] * (len(columns) - 1)
        extra = []
        for name in kept:
            note = _ext(table, f"otherwise-{name}") or ""
            extra.append(quote(flat_template(note, translator.scope)) if name == "because" and note else note)
        grid.append((cells, values + extra, table))
    if rankings and not any(t is not None and t.kind == "enum" for t in out_types):
        # DMN's PRIORITY is FIRST over the rules sorted by priority; OUTPUT ORDER, RULE ORDER over them
        otherwise = [row for row in grid[1:] if row[0] and row[0][0] == "otherwise"]
        rows = [row for row in grid[1:] if row not in otherwise]
        grid = [grid[0]] + _by_priority(rows, rankings) + otherwise
        body.add(f"# DMN hit policy {policy}: the rules in the order of their output values' priority, hit "
                 f"{'first' if hit == 'priority' else 'rule order'}", table)
        hit = "first" if hit == "priority" else "rule order"
    body.add(header(hit) if header is not None else _header(decision, verdict_name, header_type, hit), table)
    for line, element in aligned(grid):
        body.add(line, element)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def aligned(grid: list) -> list:
    """Table rows `| a | b || c |` with every column padded to its widest cell."""
    count_in = len(grid[0][0])
    rows = [(list(left) + list(right), element) for left, right, element in grid]
    widths = [max(_width(cells[i]) for cells, _ in rows if i < len(cells)) for i in range(len(rows[0][0]))]
    lines = []
    for cells, element in rows:
        padded = [c + " " * (widths[i] - _width(c)) for i, c in enumerate(cells)]
        line = "  | " + " | ".join(padded[:count_in]) + " || " + " | ".join(padded[count_in:])
        lines.append((line.rstrip(), element))
    return lines


def _at(error: FeelError, element) -> FeelError:
    error.element = element
    return error


def _ranked(ctype: Optional[VType], clause, hit: str, what: str, types: TypeResolver, rankings: dict, index: int):
    """A priority or output-order table ranks its outputs by the order of their allowed values:
    the output becomes an enumeration of them, declared in that order. Values that are no plain
    names (`"In range"`) stay text, and their order is kept in `rankings` for the rows to be sorted."""
    if hit not in ("priority", "output order"):
        return ctype
    if ctype is not None and ctype.kind == "enum":
        return ctype
    values = clause.child_text("outputValues")
    if not values:
        raise FeelError(f"hit policy {hit} needs the output's allowed values (outputValues), which give the priority")
    symbols = enum_symbols(values)
    if not symbols:
        tree = parse_unary_tests(values)
        if tree[0] != "tests" or tree[1] or any(t[0] != "eq" or t[1][0] != "str" for t in tree[2]):
            raise FeelError(f"the output values {values} are not a list of strings, which would give the priority")
        rankings[index] = [quote(t[1][1]) for t in tree[2]]
        return ctype
    return types.declare_enum(" ".join(what.split()) + " values", symbols)


def _by_priority(grid: list, rankings: dict) -> list:
    """Rows sorted by the rank of their outputs (a stable sort: ties keep their order)."""
    def key(row):
        cells, outputs, element = row
        ranks = []
        for index, order in sorted(rankings.items()):
            if outputs[index] not in order:
                raise _at(FeelError(f"the output {outputs[index]} is not one of the output values"), element)
            ranks.append(order.index(outputs[index]))
        return tuple(ranks)
    return sorted(grid, key=key)


def _output(translator: Translator, text: str, vtype: Optional[VType]) -> str:
    if not text.strip():
        raise FeelError("an output entry is empty")
    return translator.expr(parse_expression(text, translator.scope.entries), vtype)


def _checked(text: str, file_name: str, origin: dict, where: str):
    """The ruleset loaded from `text`; its checker's errors reported at the DMN elements."""
    import engine
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / file_name
        path.write_text(text, encoding="utf-8")
        try:
            return engine.load_ruleset(path)
        except RuleError as error:
            problems = []
            for diagnostic in error.diagnostics:
                line = diagnostic.span.line if diagnostic.span else None
                element = None
                for number in sorted(origin):
                    if line is not None and number <= line:
                        element = origin[number]
                shown = text.splitlines()[line - 1].strip() if line and line <= len(text.splitlines()) else ""
                at = element.describe() if element is not None else where
                problems.append(Diagnostic("error", "dmn", f"{at}: the translation is refused by verdict's checker: "
                                           f"{diagnostic.message}", hint=f"translated as: {shown}" if shown else None))
            raise VerdictError(problems) from None


def import_dmn(data: bytes, where: str) -> Imported:
    """Translate a DMN file's bytes; VerdictError naming each element that cannot be translated."""
    return import_definitions(read_definitions(data, where), where)


def import_definitions(defs: Definitions, where: str) -> Imported:
    """Translate DMN elements already read (a part of a file's: engine/dmn/tck_parts.py)."""
    text, name_map, field_map, flattened, notes, origin = translate(defs, where)
    stem = Names().allocate(defs.name or Path(where).stem)
    file_name = f"{stem}.rules"
    ruleset = _checked(text, file_name, origin, where)
    return Imported(text, file_name, name_map, field_map, flattened, tuple(notes), ruleset, origin)
