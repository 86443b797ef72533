"""A ruleset described as data: its inputs with types and domains, its decisions with their
versions, its parameters with their dated values and sources (GET /rulesets/{name}), and the
text of any node as written in its rule file (for the read-only view of the tables)."""
from __future__ import annotations

from engine import ast
from engine.countries import ISO_3166_ALPHA2
from engine.semantics.model import NO_DEFAULT
from engine.values import EnumType, ListType, RecordType, to_json_value

COUNTRIES = tuple(sorted(ISO_3166_ALPHA2))


def kind_of(type_) -> str:
    """The widget family of a type: bool, integer, number, money, date, text, country, enum, list."""
    if isinstance(type_, EnumType):
        return "enum"
    if isinstance(type_, ListType):
        return "list"
    if isinstance(type_, RecordType):  # records (h16-records): given as a JSON object of its fields
        return "record"
    return type_.name


def choices_of(type_):
    if isinstance(type_, EnumType):
        return list(type_.symbols)
    if type_.name == "country":
        return list(COUNTRIES)
    return None


def describe_input(name: str, info) -> dict:
    type_ = info.type
    out = {"name": name, "type": type_.describe() + (f" {info.range.describe(type_)}" if info.range else ""),
           "kind": kind_of(type_)}
    if isinstance(type_, ListType):
        out["element"] = kind_of(type_.element)
    record = type_.element if isinstance(type_, ListType) else type_
    if isinstance(record, RecordType):
        out["fields"] = {field: field_type.describe() for field, field_type in record.fields}
    choices = choices_of(type_.element if isinstance(type_, ListType) else type_)
    if choices is not None:
        out["choices"] = choices
    if info.range is not None:
        out["range"] = {"min": to_json_value(info.range.lo), "min_inclusive": info.range.lo_closed,
                        "max": to_json_value(info.range.hi), "max_inclusive": info.range.hi_closed}
    out["required"] = info.default is NO_DEFAULT
    if info.default is not NO_DEFAULT:
        out["default"] = to_json_value(info.default)
    if info.decl.description:
        out["description"] = info.decl.description
    return out


def _day(value):
    return value.isoformat() if value is not None else None


def describe_version(version) -> dict:
    decl = version.decl
    body = decl.body
    out = {"valid_from": _day(decl.valid_from), "valid_to": _day(decl.valid_to),
           "kind": "expression" if isinstance(body, ast.ExpressionBody) else "table",
           "location": {"file": decl.span.file, "line": decl.span.line}}
    if decl.source:
        out["source"] = decl.source
    if decl.checked is not None:
        out["checked"] = _day(decl.checked)
    if isinstance(body, ast.Table):
        out["hit_policy"] = decl.hit.label()
        out["inputs"] = [c.title for c in body.inputs]
        out["outputs"] = [c.name for c in body.outputs]
        out["rules"] = [{"rule": rule_id, "line": row.span.line, **({"source": row.source} if row.source else {})}
                        for row, rule_id in zip(body.rows, version.rule_ids)]
    return out


def describe_ruleset(ruleset) -> dict:
    model, files = ruleset.model, ruleset.files
    parameters = []
    for name, info in model.parameters.items():
        entry = {"name": name, "type": info.type.describe(), "title": info.decl.title or ""}
        if info.decl.source:
            entry["source"] = info.decl.source
        if info.checked is not None:
            entry["checked"] = _day(info.checked)
        entry["values"] = [{"from": _day(v.start), "value": to_json_value(v.value),
                            **({"source": v.source} if v.source else {})} for v in info.values]
        parameters.append(entry)
    return {
        "name": ruleset.name, "title": files.title, "version": ruleset.version, "sha256": ruleset.sha256,
        "languages": list(files.languages), "default_outputs": list(ruleset.default_outputs()),
        "inputs": [describe_input(name, info) for name, info in model.inputs.items()],
        "decisions": [{"name": name, "title": info.versions[0].decl.title or "",
                       "type": info.type.describe() if info.type is not None else None,
                       "versions": [describe_version(v) for v in info.versions]}
                      for name, info in model.decisions.items()],
        "parameters": parameters,
        "sources": {source_id: source.to_dict() for source_id, source in files.sources.items()},
    }


def text_of(ruleset, node) -> str:
    """The text a node was written as, cut from its rule file by its span."""
    span = node.span
    text = ruleset.files.rule_texts.get(span.file)
    if text is None:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1:span.end_column - 1].strip()
    picked = [lines[span.line - 1][span.column - 1:]] + lines[span.line:span.end_line - 1] + \
        [lines[span.end_line - 1][:span.end_column - 1]]
    return " ".join(part.strip() for part in picked if part.strip())
