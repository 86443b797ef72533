"""translations: messages/<lang>.yaml and ruleset.yaml → diagnostics, so that no explanation
reaches a student with a wrong key, a `{hole}` that names nothing, or silently in English.

- a key of `because` that is no rule id, of `titles` that is no decision, of `symbols` that is no
  enumeration symbol: error `unknown-name` (with "did you mean");
- a `{name}` in a translated text that is no input, parameter or decision: error `unknown-name`;
- an explanation with no translation in a declared language: warning `missing-translation`;
- a top-level key of messages/<lang>.yaml that is no section (`titels:`): error `unknown-section`;
- a messages/<lang>.yaml whose language `languages` does not list (so it is never used): warning `unused`;
- a key of ruleset.yaml the engine does not read: warning `unknown-setting`;
- a source `status` that is not OFFICIAL, SECONDARY, DERIVED or SEED: error `unknown-status`.
"""
from __future__ import annotations

import re

from engine import ast
from engine.errors import Diagnostic, suggestion_hint
from engine.semantics.records import path_problem
from engine.ruleset_files import MESSAGE_SECTIONS, SOURCE_STATUSES
from engine.semantics.resolve import BUILTIN_NAMES, TEMPLATE_HOLE
from engine.span import Span

SETTINGS = ("name", "title", "version", "language", "languages", "outputs", "sources")
SHOWN_MISSING = 5


def _span_of(path: str, text: str, key: str, within: str = "", top: bool = False) -> Span:
    """Where `key:` is written in a YAML file (after the `within:` section when given; at the
    start of a line, not indented under another key, when `top`)."""
    lines = text.split("\n")
    start = 0
    if within:
        start = next((i for i, line in enumerate(lines) if re.match(rf"^{re.escape(within)}\s*:", line)), 0)
    indent = "" if top else r"\s*"
    pattern = re.compile(rf"^{indent}[\"']?{re.escape(key)}[\"']?\s*:")
    for number in range(start, len(lines)):
        if pattern.match(lines[number]):
            column = len(lines[number]) - len(lines[number].lstrip()) + 1
            return Span.point(path, number + 1, column, len(key))
    return Span.point(path, 1, 1)


def _hole_span(text: str, key_span: Span, hole: str) -> Span:
    """The `{hole}` on its key's line (a value written on one line, as most are), else the key."""
    lines = text.split("\n")
    column = lines[key_span.line - 1].find(hole, key_span.column) if key_span.line <= len(lines) else -1
    return Span.point(key_span.file, key_span.line, column + 1, len(hole)) if column >= 0 else key_span


def check_translations(ruleset) -> list[Diagnostic]:
    files, model = ruleset.files, ruleset.model
    found = []
    rule_ids, explained = set(), []   # every rule id; those with a `because` in the rule files
    for name, info in model.decisions.items():
        for version in info.versions:
            body = version.decl.body
            if isinstance(body, ast.Table):
                for row, rule_id in zip(body.rows, version.rule_ids):
                    rule_ids.add(rule_id)
                    if row.because is not None and rule_id not in explained:
                        explained.append(rule_id)
            else:
                rule_ids.add(name)
                if body.because is not None and name not in explained:
                    explained.append(name)
    parameters_of = _function_rules(model, rule_ids, explained)  # functions (h16-calls): their rows too
    names = set(model.inputs) | set(model.parameters) | set(model.decisions) | set(BUILTIN_NAMES)
    symbols = set(model.symbols) | {"true", "false"} | {
        s for info in model.decisions.values() if hasattr(info.type, "symbols") for s in info.type.symbols}
    for lang, messages in sorted(files.messages.items()):
        path, text = files.message_texts.get(lang, (f"messages/{lang}.yaml", ""))
        for key in files.message_sections.get(lang, ()):
            if key not in MESSAGE_SECTIONS:  # `titels:` would leave every title in the default language
                found.append(Diagnostic("error", "unknown-section", f"the section `{key}` is not one the engine "
                                        "reads, so nothing in it is used", _span_of(path, text, key, top=True),
                                        hint=suggestion_hint(key, MESSAGE_SECTIONS) or
                                        "the sections are `because`, `titles` and `symbols`"))
        for section, known, what in (("because", rule_ids, "rule"), ("titles", set(model.decisions) | set(model.inputs) | set(model.parameters),
                                      "decision, input or parameter"),
                                     ("symbols", symbols, "symbol")):
            for key, value in messages.get(section, {}).items():
                span = _span_of(path, text, str(key), section)
                if key not in known:
                    found.append(Diagnostic("error", "unknown-name", f"no {what} is called `{key}`", span,
                                            hint=suggestion_hint(str(key), known) or f"`{section}` is keyed by {what}"))
                    continue
                for hole in TEMPLATE_HOLE.finditer(str(value)):
                    head = hole.group(1).strip().split(".")[0]
                    if head not in names and head not in parameters_of.get(key, ()):
                        found.append(Diagnostic("error", "unknown-name", f"unknown name `{head}` in the "
                                                f"translation of `{key}`", _hole_span(text, span, hole.group(0)),
                                                hint=suggestion_hint(head, names)))
                    elif path_problem(model, hole.group(1)):  # `{applicant.agee}` (records, h16-records)
                        found.append(Diagnostic("error", "unknown-name", f"{path_problem(model, hole.group(1))} in "
                                                f"the translation of `{key}`", _hole_span(text, span, hole.group(0))))
        if lang != files.language and lang in files.languages:
            missing = [rule_id for rule_id in explained if rule_id not in messages.get("because", {})]
            if missing:
                shown = ", ".join(missing[:SHOWN_MISSING]) + (" …" if len(missing) > SHOWN_MISSING else "")
                found.append(Diagnostic("warning", "missing-translation",
                                        f"{len(missing)} explanation(s) have no `{lang}` translation: {shown}",
                                        Span.point(path, 1, 1), hint="they are shown in the default language"))
    for lang in files.languages:
        if lang != files.language and lang not in files.messages:
            found.append(Diagnostic("warning", "missing-translation",
                                    f"`{lang}` is declared in ruleset.yaml but there is no messages/{lang}.yaml",
                                    Span.point(files.settings_path or "ruleset.yaml", 1, 1)))
    found.extend(_unlisted_languages(files))
    for key in files.settings:
        if key not in SETTINGS:
            found.append(Diagnostic("warning", "unknown-setting", f"the setting `{key}` is not one the engine reads",
                                    _span_of(files.settings_path, files.settings_text, str(key), top=True),
                                    hint=suggestion_hint(str(key), SETTINGS) or f"the settings are {', '.join(SETTINGS)}"))
    found.extend(_unknown_statuses(files))
    return found


def _unlisted_languages(files) -> list[Diagnostic]:
    """A messages/<lang>.yaml that `languages` does not list is never read by `eval --lang`: say
    so on the file, and which `languages` would use it (a misspelt `langauges:` is one cause)."""
    unlisted = [lang for lang in sorted(files.messages) if lang != files.language and lang not in files.languages]
    found = []
    for lang in unlisted:
        path = files.message_texts.get(lang, (f"messages/{lang}.yaml", ""))[0]
        found.append(Diagnostic("warning", "unused", unlisted_language(files, lang),
                                Span.point(path, 1, 1),
                                hint=f"list `{lang}` in ruleset.yaml: `languages: [{', '.join(files.languages + tuple(unlisted))}]`"))
    return found


def unlisted_language(files, lang: str) -> str:
    """Why messages/<lang>.yaml, which exists, is not used (also `eval --lang`'s hint)."""
    why = (f"`languages` in ruleset.yaml does not list `{lang}` (it lists {', '.join(files.languages)})"
           if "languages" in files.settings else
           f"ruleset.yaml has no `languages`, so the only language is `{files.language}`")
    return f"messages/{lang}.yaml is not used: {why}"


def _unknown_statuses(files) -> list[Diagnostic]:
    """A source's `status` is shown beside every citation of it, translated: it must be one of
    SOURCE_STATUSES (docs/language.md), which the explanations know."""
    found = []
    for source in files.sources.values():
        if source.status and source.status not in SOURCE_STATUSES:
            found.append(Diagnostic(
                "error", "unknown-status", f"the status `{source.status}` of source `{source.id}` is not one of "
                f"{', '.join(SOURCE_STATUSES[:-1])} or {SOURCE_STATUSES[-1]}", _status_span(files, source),
                hint=suggestion_hint(source.status.upper(), SOURCE_STATUSES) or  # (written in capitals)
                "give one of these, or leave `status` out"))
    return found


def _status_span(files, source) -> Span:
    """Where a source's status value is written: the first `status: VALUE` from the source's own
    line on (then anywhere, for a list of sources whose `id` comes after its `status`)."""
    path, text = files.settings_path or "ruleset.yaml", files.settings_text
    lines = text.split("\n")
    own = _span_of(path, text, source.id, "sources")
    pattern = re.compile(rf"(?<![\w-])[\"']?status[\"']?\s*:\s*[\"']?({re.escape(source.status)})(?![\w-])")
    for number in [*range(own.line - 1, len(lines)), *range(0, own.line - 1)]:
        match = pattern.search(lines[number])
        if match and not lines[number].lstrip().startswith("#"):
            return Span.point(path, number + 1, match.start(1) + 1, len(source.status))
    return own


def _function_rules(model, rule_ids: set, explained: list) -> dict:
    """The rule ids of the functions' rows (and expressions) added to `rule_ids` and `explained`;
    rule id → the function's parameters, which its translated templates may name as holes."""
    parameters_of = {}
    for name, info in model.functions.items():
        body = info.decl.body
        if isinstance(body, ast.Table):
            rows = [(row.because, rule_id) for row, rule_id in zip(body.rows, info.version.rule_ids)]
        else:
            rows = [(body.because, name)]
        for because, rule_id in rows:
            rule_ids.add(rule_id)
            parameters_of[rule_id] = info.signature.param_names
            if because is not None and rule_id not in explained:
                explained.append(rule_id)
    return parameters_of

