"""The web pages: a form made from the ruleset's declared inputs (GET /) and a read-only view of
every decision table and figure with its citations and validity dates (GET /tables). Plain HTML
made here, every piece of rule text escaped; static/page.js sends the form to POST /evaluate."""
from __future__ import annotations

import datetime as dt
from html import escape

from engine import ast
from engine.semantics.graph import required_inputs
from engine.semantics.model import NO_DEFAULT
from engine.serve.describe import choices_of, kind_of, text_of
from engine.values import ListType, RecordType, to_json_value

WORDS = {  # the page's own words; the rules' words come from the ruleset and its messages/
    "en": {"facts": "Your situation", "as_of": "Date the rules apply on", "questions": "Questions",
           "submit": "Get the verdict", "verdict": "Verdict", "sources": "Sources",
           "download": "Download the trace (JSON)", "tables": "Decision tables", "form": "Ask",
           "optional": "optional", "yes": "yes", "no": "no", "unset": "—", "valid": "valid", "from": "from",
           "to": "to", "until": "until", "always": "always", "checked": "checked", "source": "source",
           "hit": "hit policy", "because": "because", "rule": "rule", "figures": "Figures", "value": "value",
           "expression": "computed as", "problems": "The verdict could not be given", "language": "Language",
           "where": "written in"},
    "fr": {"facts": "Votre situation", "as_of": "Date d'application des règles", "questions": "Questions",
           "submit": "Obtenir la réponse", "verdict": "Réponse", "sources": "Sources",
           "download": "Télécharger la trace (JSON)", "tables": "Tables de décision", "form": "Demander",
           "optional": "facultatif", "yes": "oui", "no": "non", "unset": "—", "valid": "en vigueur", "from": "du",
           "to": "au", "until": "jusqu'au", "always": "toujours", "checked": "vérifié le", "source": "source",
           "hit": "politique", "because": "parce que", "rule": "règle", "figures": "Montants", "value": "valeur",
           "expression": "calculé par", "problems": "La réponse n'a pas pu être donnée", "language": "Langue",
           "where": "écrit dans"},
    "zh": {"facts": "您的情况", "as_of": "规则适用日期", "questions": "问题", "submit": "查看结论", "verdict": "结论",
           "sources": "来源", "download": "下载记录 (JSON)", "tables": "决策表", "form": "查询", "optional": "可选",
           "yes": "是", "no": "否", "unset": "—", "valid": "有效期", "from": "自", "to": "至", "until": "截至",
           "always": "始终", "checked": "核实于", "source": "来源", "hit": "命中策略", "because": "原因",
           "rule": "规则", "figures": "数值", "value": "数值", "expression": "计算方式", "problems": "无法给出结论",
           "language": "语言", "where": "位置"},
}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "zh": "中文"}


def page_lang(ruleset, asked) -> str:
    languages = ruleset.files.languages or ("en",)
    return asked if asked in languages else ruleset.files.language or languages[0]


def _messages(ruleset, lang: str, kind: str) -> dict:
    return ruleset.files.messages.get(lang, {}).get(kind, {}) or {}


def _title(ruleset, name: str, lang: str) -> str:
    info = ruleset.model.decisions[name]
    return _messages(ruleset, lang, "titles").get(name) or info.versions[0].decl.title or name


def _frame(ruleset, lang: str, here: str, title: str, body: str) -> str:
    w = WORDS.get(lang, WORDS["en"])
    switch = " ".join(
        f'<a href="{here}?lang={escape(code)}" hreflang="{escape(code)}"'
        f'{" aria-current=page" if code == lang else ""}>{escape(LANGUAGE_NAMES.get(code, code))}</a>'
        for code in ruleset.files.languages or ("en",))
    return (f'<!doctype html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><link rel="stylesheet" href="/static/page.css"></head>\n<body>'
            f'<header><h1>{escape(ruleset.files.title or ruleset.name)}</h1>'
            f'<nav><a href="/?lang={escape(lang)}">{escape(w["form"])}</a> · '
            f'<a href="/tables?lang={escape(lang)}">{escape(w["tables"])}</a>'
            f'<span class="switch" aria-label="{escape(w["language"])}">{switch}</span></nav>'
            f'<p class="version">{escape(ruleset.name)} {escape(ruleset.version)} · sha256 '
            f'{escape(ruleset.sha256[:12])}…</p></header>\n<main>{body}</main></body></html>\n')


def _option(value: str, label: str, selected: bool) -> str:
    return f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(label)}</option>'


def _widget(ruleset, name: str, info, lang: str) -> str:
    """The form control for one input, by its declared type; `data-kind` tells page.js how to send it."""
    w = WORDS.get(lang, WORDS["en"])
    type_ = info.type
    kind = kind_of(type_)
    default = to_json_value(info.default) if info.default is not NO_DEFAULT else None
    common = f'id="fact-{escape(name)}" name="{escape(name)}" data-kind="{escape(kind)}"'
    symbols = _messages(ruleset, lang, "symbols")
    record = type_.element if isinstance(type_, ListType) else type_
    if isinstance(record, RecordType):  # records (h16-records): typed as JSON, e.g. {"age": 24, …}
        example = "{" + ", ".join(f'"{field}": …' for field, _ in record.fields) + "}"
        example = f"[{example}]" if isinstance(type_, ListType) else example
        return (f'<textarea id="fact-{escape(name)}" name="{escape(name)}" data-kind="json" rows="2" '
                f'maxlength="100000" placeholder="{escape(example)}"></textarea>')
    if kind == "bool":
        options = [_option("", w["unset"], default is None), _option("true", w["yes"], default is True),
                   _option("false", w["no"], default is False)]
        return f'<select {common}>{"".join(options)}</select>'
    if kind in ("enum", "country") or (kind == "list" and choices_of(type_.element) is not None):
        element = type_.element if isinstance(type_, ListType) else type_
        choices = choices_of(element)
        multiple = " multiple" if kind == "list" else ""
        chosen = set(default) if isinstance(default, list) else {default}
        options = [] if multiple else [_option("", w["unset"], default is None)]
        options += [_option(c, f"{symbols[c]} ({c})" if symbols.get(c, c) != c else c, c in chosen) for c in choices]
        return f'<select {common}{multiple}>{"".join(options)}</select>'
    value = "" if default is None else escape(", ".join(map(str, default)) if isinstance(default, list) else str(default))
    if kind == "date":
        return f'<input type="date" {common} value="{value}">'
    if kind == "integer":
        bounds = ""
        if info.range is not None:
            if info.range.lo is not None:
                bounds += f' min="{escape(str(info.range.lo if info.range.lo_closed else info.range.lo + 1))}"'
            if info.range.hi is not None:
                bounds += f' max="{escape(str(info.range.hi if info.range.hi_closed else info.range.hi - 1))}"'
        return f'<input type="number" step="1"{bounds} {common} value="{value}">'
    if kind in ("number", "money"):
        unit = ' <span class="unit">€</span>' if kind == "money" else ""
        return (f'<input type="text" inputmode="decimal" pattern="-?[0-9]+([.,][0-9]+)?" {common} '
                f'value="{value}">{unit}')
    return f'<input type="text" maxlength="10000" {common} value="{value}">'


def form_page(ruleset, lang: str, today: dt.date | None = None) -> str:
    w = WORDS.get(lang, WORDS["en"])
    fields = []
    for name, info in ruleset.model.inputs.items():
        optional = f' <span class="optional">({escape(w["optional"])})</span>' if info.default is not NO_DEFAULT else ""
        description = info.decl.description or ""
        fields.append(f'<div class="field"><label for="fact-{escape(name)}"><code>{escape(name)}</code>{optional}'
                      f'<span class="description">{escape(description)}</span></label>'
                      f'<span class="control">{_widget(ruleset, name, info, lang)}</span></div>')
    wanted = set(ruleset.default_outputs())
    day = today or dt.date.today()
    # which inputs each question reads (as of today): page.js dims the fields no checked question needs
    questions = "".join(
        f'<label class="question"><input type="checkbox" name="output" value="{escape(name)}"'
        f' data-reads="{escape(" ".join(required_inputs(ruleset.model, [name], day)))}"'
        f'{" checked" if name in wanted else ""}> {escape(_title(ruleset, name, lang))} <code>{escape(name)}</code></label>'
        for name in ruleset.decisions)
    day = day.isoformat()
    body = (f'<form id="verdict-form" data-lang="{escape(lang)}" novalidate>'
            f'<fieldset><legend>{escape(w["as_of"])}</legend>'
            f'<input type="date" id="as-of" name="as_of" value="{day}" required></fieldset>'
            f'<fieldset class="questions"><legend>{escape(w["questions"])}</legend>{questions}</fieldset>'
            f'<fieldset class="facts"><legend>{escape(w["facts"])}</legend>{"".join(fields)}</fieldset>'
            f'<button type="submit" id="submit">{escape(w["submit"])}</button></form>'
            f'<section id="result" hidden aria-live="polite"><h2 id="result-title">{escape(w["verdict"])}</h2>'
            f'<div id="problems" hidden><h3>{escape(w["problems"])}</h3><ul id="problem-list"></ul></div>'
            f'<pre id="explanation"></pre>'
            f'<div id="sources-block" hidden><h3>{escape(w["sources"])}</h3><ul id="sources"></ul></div>'
            f'<p><a id="download" href="#" download="verdict-trace.json" hidden>{escape(w["download"])}</a></p></section>'
            f'<script src="/static/page.js" defer></script>')
    return _frame(ruleset, lang, "/", ruleset.files.title or ruleset.name, body)


def _source_link(ruleset, source_id) -> str:
    """A citation: the source's title as a link to its address (http and https only: rule text is data)."""
    if not source_id:
        return ""
    source = ruleset.files.sources.get(source_id)
    if source is None:
        return f"<code>{escape(source_id)}</code>"
    label = escape(source.title or source_id)
    status = f' <span class="status">{escape(source.status)}</span>' if source.status else ""
    if source.url.startswith(("https://", "http://")):
        return (f'<a href="{escape(source.url)}" rel="noopener noreferrer" title="{escape(source_id)}">'
                f'{label}</a>{status}')
    return f'<span title="{escape(source_id)}">{label}</span>{status}'


def _validity(decl, w: dict) -> str:
    start = decl.valid_from.isoformat() if decl.valid_from else None
    end = decl.valid_to.isoformat() if decl.valid_to else None
    if start and end:
        return f'{escape(w["from"])} {escape(start)} {escape(w["to"])} {escape(end)}'
    if start:
        return f'{escape(w["from"])} {escape(start)}'
    return f'{escape(w["until"])} {escape(end)}' if end else escape(w["always"])


def _version_html(ruleset, name: str, version, lang: str) -> str:
    w = WORDS.get(lang, WORDS["en"])
    decl = version.decl
    facts = [f'<dt>{escape(w["valid"])}</dt><dd class="validity">{_validity(decl, w)}</dd>']
    if decl.source:
        facts.append(f'<dt>{escape(w["source"])}</dt><dd>{_source_link(ruleset, decl.source)}</dd>')
    if decl.checked is not None:
        facts.append(f'<dt>{escape(w["checked"])}</dt><dd>{escape(decl.checked.isoformat())}</dd>')
    facts.append(f'<dt>{escape(w["where"])}</dt><dd><code>{escape(decl.span.short())}</code></dd>')
    body = decl.body
    if isinstance(body, ast.ExpressionBody):
        content = f'<p>{escape(w["expression"])} <code class="expression">{escape(text_of(ruleset, body.expr))}</code></p>'
        if body.because is not None:
            content += f'<p class="because">{escape(body.because.text)}</p>'
    else:
        facts.insert(0, f'<dt>{escape(w["hit"])}</dt><dd>{escape(decl.hit.label())}</dd>')
        reasons = {rule_id: _messages(ruleset, lang, "because").get(rule_id) or (row.because.text if row.because else "")
                   for row, rule_id in zip(body.rows, version.rule_ids)}
        with_because = any(reasons.values())  # a column only when some row has a text for it
        head = ("".join(f'<th scope="col" class="in">{escape(c.title)}</th>' for c in body.inputs)
                + "".join(f'<th scope="col" class="out">{escape(c.name)}</th>' for c in body.outputs)
                + (f'<th scope="col">{escape(w["because"])}</th>' if with_because else "")
                + f'<th scope="col">{escape(w["source"])}</th><th scope="col">{escape(w["rule"])}</th>')
        rows = []
        for row, rule_id in zip(body.rows, version.rule_ids):
            rows.append("<tr>" + "".join(f'<td class="in">{escape(c.text)}</td>' for c in row.cells)
                        + "".join(f'<td class="out">{escape(text_of(ruleset, o))}</td>' for o in row.outputs)
                        + (f'<td class="because">{escape(reasons[rule_id])}</td>' if with_because else "")
                        + f'<td>{_source_link(ruleset, row.source)}</td>'
                          f'<td><code>{escape(rule_id)}</code> <small>{escape(str(row.span.line))}</small></td></tr>')
        content = f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return f'<div class="version"><dl>{"".join(facts)}</dl>{content}</div>'


def tables_page(ruleset, lang: str) -> str:
    w = WORDS.get(lang, WORDS["en"])
    parts = [f'<h2>{escape(w["tables"])}</h2>', '<ul class="toc">']
    parts += [f'<li><a href="#decision-{escape(n)}">{escape(_title(ruleset, n, lang))}</a></li>' for n in ruleset.decisions]
    parts.append("</ul>")
    for name, info in ruleset.model.decisions.items():
        parts.append(f'<section class="decision" id="decision-{escape(name)}"><h3>{escape(_title(ruleset, name, lang))} '
                     f'<code>{escape(name)}</code></h3>')
        parts += [_version_html(ruleset, name, v, lang) for v in info.versions]
        parts.append("</section>")
    parts.append(f'<h2 id="figures">{escape(w["figures"])}</h2>')
    for name, info in ruleset.model.parameters.items():
        rows = "".join(f'<tr><td>{escape(v.start.isoformat())}</td><td>{escape(str(to_json_value(v.value)))}</td>'
                       f'<td>{_source_link(ruleset, v.source)}</td></tr>' for v in info.values)
        checked = (f' <span class="checked">{escape(w["checked"])} {escape(info.checked.isoformat())}</span>'
                   if info.checked is not None else "")
        parts.append(f'<section class="parameter" id="parameter-{escape(name)}"><h3>{escape(info.decl.title or name)} '
                     f'<code>{escape(name)}</code>{checked}</h3><table><thead><tr><th>{escape(w["from"])}</th>'
                     f'<th>{escape(w["value"])}</th><th>{escape(w["source"])}</th></tr></thead><tbody>{rows}</tbody>'
                     f'</table></section>')
    return _frame(ruleset, lang, "/tables", w["tables"], "".join(parts))
