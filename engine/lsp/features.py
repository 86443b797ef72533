"""features: what hover, go to definition and completion answer, from an Analysis. Positions here
are the engine's (1-based line and column, in characters); engine.lsp.server converts to LSP's.
"""
from __future__ import annotations

import re
from typing import Optional

from engine import ast
from engine.fmt.layout import split_comment
from engine.lsp.project import Analysis, Declared
from engine.syntax.parse import AGGREGATORS, HIT_POLICIES
from engine.syntax.table import ANNOTATIONS, NO_ANSWER
from engine.semantics.records import field_choices
from engine.semantics.typecheck import BUILTIN_NAMES, FUNCTIONS

_NAME = re.compile(r"[^\W\d]\w*")
KEYWORDS = ("type", "input", "parameter", "decision", "hit", "valid", "from", "to", "source", "checked",
            "because", "default", "list", "of", "if", "then", "else", "and", "or", "not", "in", "true", "false",
            "otherwise") + ANNOTATIONS
HIT_CHOICES = tuple(p for p in HIT_POLICIES if p != "collect") + ("collect",) + tuple(f"collect {a}" for a in AGGREGATORS)


def word_at(line: str, column: int) -> Optional[tuple[str, int]]:
    """(the name under the 1-based column or just before it, the column it starts at), or None."""
    index = column - 1
    for match in _NAME.finditer(line):
        if match.start() <= index <= match.end():
            return match.group(), match.start() + 1
    return None


def _line(analysis: Analysis, path: str, line: int) -> str:
    lines = analysis.texts.get(path, "").split("\n")
    return lines[line - 1] if 1 <= line <= len(lines) else ""


def definition(analysis: Analysis, path: str, line: int, column: int) -> Optional[Declared]:
    word = word_at(_line(analysis, path, line), column)
    return analysis.declared().get(word[0]) if word else None


# ---------------------------------------------------------------------------- hover

def hover(analysis: Analysis, path: str, line: int, column: int) -> Optional[str]:
    """Markdown: a name's type and domain, a parameter's dated values and sources, a row's citation."""
    text = _line(analysis, path, line)
    word = word_at(text, column)
    declared = analysis.declared().get(word[0]) if word else None
    if declared is not None:
        return _HOVERS[declared.kind](analysis, declared)
    if word and word[0] in BUILTIN_NAMES:
        return f"`{word[0]}`: the date of the evaluation (`--as-of`), a date"
    if word and word[0] in FUNCTIONS:
        low, high = FUNCTIONS[word[0]]
        count = str(low) if low == high else f"{low} or more" if high > 9 else f"{low} to {high}"
        return f"`{word[0]}(…)`: a built-in function of {count} argument{'s' if high > 1 else ''}"
    row = _row_at(analysis, path, line)
    return _row_hover(analysis, *row) if row else None


def _model(analysis: Analysis):
    return analysis.ruleset.model if analysis.ruleset is not None else None


def _type_hover(analysis, declared: Declared) -> str:
    symbols = ", ".join(s.name for s in declared.decl.enum.symbols)
    return f"**type** `{declared.name}` = {{{symbols}}}"


def _symbol_hover(analysis, declared: Declared) -> str:
    return f"`{declared.name}`: a value of {declared.enum_name if ' ' in declared.enum_name else f'`{declared.enum_name}`'}"


def _domain(type_, range_) -> str:
    symbols = getattr(type_, "symbols", None)
    if symbols:
        return "{" + ", ".join(symbols) + "}"
    return range_.describe(type_) if range_ is not None else "any " + type_.describe()


def _type_name(type_) -> str:
    """`Status` for a named enumeration (its values are shown apart), else the type's description."""
    return type_.name if getattr(type_, "symbols", None) and type_.name else type_.describe()


def _heading(analysis, kind: str, decl, title) -> tuple:
    """(the model's info on the declaration or None, the hover's first line)."""
    model = _model(analysis)
    info = getattr(model, kind + "s").get(decl.name) if model else None
    typed = f" : `{_type_name(info.type)}`" if info else ""
    return info, f"**{kind}** `{decl.name}`{typed}" + (f" — {title}" if title else "")


def _input_hover(analysis, declared: Declared) -> str:
    decl = declared.decl
    info, head = _heading(analysis, "input", decl, decl.description)
    lines = [head]
    if info is not None:
        lines.append(f"values: {_domain(info.type, info.range)}")
    if decl.default is not None:
        lines.append(f"default: `{_source_text(analysis, decl.default.span)}`")
    return "\n\n".join(lines)


def _parameter_hover(analysis, declared: Declared) -> str:
    decl = declared.decl
    _, head = _heading(analysis, "parameter", decl, decl.title)
    lines = [head]
    rows = ["| from | value | source |", "|---|---|---|"]
    for value in decl.values:
        shown = _value_text(_line(analysis, value.span.file, value.span.line))
        rows.append(f"| {value.start.isoformat()} | {shown} | {_cite(analysis, value.source or decl.source)} |")
    lines.append("\n".join(rows))
    if decl.checked:
        lines.append(f"last checked against its source on {decl.checked.isoformat()}")
    return "\n\n".join(lines)


def _decision_hover(analysis, declared: Declared) -> str:
    decl = declared.decl
    info, head = _heading(analysis, "decision", decl, decl.title)
    lines = [head]
    versions = [v.decl for v in info.versions] if info else [decl]
    for version in versions:
        when = ""
        if version.valid_from:
            when = f"valid from {version.valid_from.isoformat()}" + (
                f" to {version.valid_to.isoformat()}" if version.valid_to else "") + "; "
        body = version.body
        shape = (f"a table of {len(body.rows)} rows, hit {version.hit.label()}" if isinstance(body, ast.Table)
                 else "an expression")
        lines.append(f"{when}{shape}; source: {_cite(analysis, version.source)} ({version.span.short()})")
    return "\n\n".join(lines)


def _record_hover(analysis, declared: Declared) -> str:  # records (h16-records)
    model = _model(analysis)
    record = model.types.get(declared.name) if model else None
    if record is None:
        return f"**type** `{declared.name}` = {{{', '.join(f.name + ': …' for f in declared.decl.record.fields)}}}"
    return f"**type** `{declared.name}` = {{{', '.join(f'{n}: {t.describe()}' for n, t in record.fields)}}}"


_HOVERS = {"type": _type_hover, "symbol": _symbol_hover, "input": _input_hover,
           "parameter": _parameter_hover, "decision": _decision_hover, "recordtype": _record_hover}


def _source_text(analysis: Analysis, span) -> str:
    lines = analysis.texts.get(span.file, "").split("\n")
    if span.line != span.end_line or not 1 <= span.line <= len(lines):
        return "…"
    return lines[span.line - 1][span.column - 1:span.end_column - 1]


def _value_text(text: str) -> str:
    """`from 2024-12-22 = 30 € source s` → `30 €`."""
    code = split_comment(text)[0]
    code = re.sub(r"^\s*from\s+\S+\s*=\s*", "", code)
    return re.sub(r"\s+source\s+[^\W\d]\w*\s*$", "", code).strip()


def _cite(analysis: Analysis, source: Optional[str]) -> str:
    if not source:
        return "none"
    registry = analysis.ruleset.files.sources if analysis.ruleset is not None else {}
    entry = registry.get(source)
    if entry is None:
        return f"`{source}`"
    title = f" — {entry.title}" if entry.title else ""
    url = f" <{entry.url}>" if entry.url else ""
    status = f" ({entry.status})" if entry.status else ""
    return f"`{source}`{title}{status}{url}"


def _row_at(analysis: Analysis, path: str, line: int):
    rule_file = analysis.parsed.get(path)
    for decl in rule_file.declarations if rule_file else ():
        if isinstance(decl, ast.DecisionDecl) and isinstance(decl.body, ast.Table):
            for row in decl.body.rows:
                if row.span.line == line:
                    return decl, row
    return None


def _row_hover(analysis, decl, row) -> str:
    rule = row.rule_id or f"{decl.name}#{row.number}"
    lines = [f"**rule** `{rule}`: row {row.number} of `{decl.name}` (hit {decl.hit.label()})",
             f"source: {_cite(analysis, row.source or decl.source)}"]
    if row.because is not None:
        lines.append(f"because: {row.because.text}")
    if any(isinstance(o, ast.NoAnswer) for o in row.outputs):
        lines.append(f"this row gives `{NO_ANSWER}` on purpose")
    return "\n\n".join(lines)


# ---------------------------------------------------------------------------- completion

def completions(analysis: Analysis, path: str, line: int, column: int) -> list[tuple[str, str, str]]:
    """(label, kind, detail) for what may be typed at the position."""
    before = _line(analysis, path, line)[:column - 1]
    if re.search(r"\bhit\s+\w*$", before):
        return [(policy, "hit policy", "hit policy") for policy in HIT_CHOICES]
    if re.search(r"\bsource\s+\w*$", before):
        registry = analysis.ruleset.files.sources if analysis.ruleset is not None else {}
        return [(s, "source", registry[s].title) for s in sorted(registry)]
    path = re.search(r"([^\W\d]\w*(?:\.[^\W\d]\w*)*)\.\w*$", before)
    if path and _model(analysis) is not None:  # `applicant.` — the fields of a record (h16-records)
        fields = field_choices(_model(analysis), path.group(1).split("."))
        if fields is not None:
            return [(name, "field", type_.describe()) for name, type_ in fields]
    items = []
    for name, declared in sorted(analysis.declared().items()):
        detail = declared.enum_name if declared.kind == "symbol" else declared.kind
        items.append((name, declared.kind, detail))
    items += [(name, "function", "built-in function") for name in sorted(FUNCTIONS)]
    items += [(name, "name", "built-in") for name in sorted(BUILTIN_NAMES)]
    if not before.lstrip().startswith("|"):
        items += [(word, "keyword", "keyword") for word in KEYWORDS]
    else:
        items += [("otherwise", "keyword", "keyword"), (NO_ANSWER, "keyword", "an output with no value, on purpose")]
    return items

