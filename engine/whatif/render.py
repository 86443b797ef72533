"""render: a WhatIf → text a person reads, in English, French or Chinese.

"Complémentaire santé solidaire would be “free” if “Household resources” is up to €10,339.00." A region
that reaches the end of the fact's declared range is said from one side only (`money >= 0`:
"up to €10,339.00", not "from €0.00 to €10,339.00"). A fact is named by its title, as the
explanation names it, in quotes in English and French so that any title reads in the sentence
("if “Holds an S1 form” is yes", "si « Formulaire S1 » : oui"), as it is in Chinese. Money, dates and countries are written as
the explanation writes them (engine/locale/, CLDR through Babel): `13 957,00 €`, `1er septembre
2025`, `Allemagne`, `€13,957.00`, `2025年9月1日`, `德国`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.locale import formatting
from engine.values import MONEY, format_value
from engine.whatif.space import NO_VALUE, Space

LANGS = ("en", "fr", "zh")

WORDS = {
    "en": {
        "line": "{title} would be {value} if {conditions}.", "named": "“{a}”", "wanted": "“{a}”", "unnamed": "{a}",
        "and": " and ", "or": " or ",
        "now": "{title}: {value} as of {day}.",
        "none": "No change of one or two of these facts makes {title} {want}.",
        "none_any": "No change of one or two of these facts changes {title}.",
        "none_explored": "No change of one or two of the facts explored makes {title} {want}.",
        "none_any_explored": "No change of one or two of the facts explored changes {title}.",
        "want": "What would make it {want}:",
        "any": "What would change it:",
        "pairs": "Changing two facts together:",
        "fixed": "Kept as they are: {facts}.",
        "not_covered": "Not explored: {fact} ({why}).",
        "more": "(more combinations of two facts exist)",
        "no_value": "no answer",
        "le": "up to {a}", "lt": "below {a}", "ge": "at least {a}", "gt": "above {a}",
        "between": "from {a} to {b}", "open_between": "between {a} and {b} (both excluded)",
        "gt_le": "above {a} and up to {b}", "ge_lt": "from {a} to below {b}",
        "eq": "{a}", "one_of": "one of {a}", "other_than": "other than {a}", "other_country": "other than {a}",
        "date_le": "on or before {a}", "date_ge": "on or after {a}", "date_between": "from {a} to {b}",
        "fact": "“{name}” is {condition}", "fixed_name": "“{name}”",
    },
    "fr": {
        "line": "{title} : {value} si {conditions}.", "named": "{a}", "wanted": "« {a} »", "unnamed": "{a}",
        "and": " et ", "or": " ou ",
        "now": "{title} : {value} au {day}.",
        "none": "Aucun changement d'un ou deux de ces faits ne donne {want} pour {title}.",
        "none_any": "Aucun changement d'un ou deux de ces faits ne change {title}.",
        "none_explored": "Aucun changement d'un ou deux des faits explorés ne donne {want} pour {title}.",
        "none_any_explored": "Aucun changement d'un ou deux des faits explorés ne change {title}.",
        "want": "Ce qui donnerait {want} :",
        "any": "Ce qui changerait le résultat :",
        "pairs": "En changeant deux faits à la fois :",
        "fixed": "Faits gardés tels quels : {facts}.",
        "not_covered": "Non exploré : {fact} ({why}).",
        "more": "(d'autres combinaisons de deux faits existent)",
        "no_value": "pas de réponse",
        "le": "jusqu'à {a}", "lt": "moins de {a}", "ge": "au moins {a}", "gt": "plus de {a}",
        "between": "de {a} à {b}", "open_between": "entre {a} et {b} (tous deux exclus)",
        "gt_le": "plus de {a} et jusqu'à {b}", "ge_lt": "au moins {a} et moins de {b}",
        "eq": "{a}", "one_of": "parmi {a}", "other_than": "autre que {a}", "other_country": "hors {a}",
        "date_le": "le {a} ou avant", "date_ge": "le {a} ou après", "date_between": "du {a} au {b}",
        "fact": "« {name} » : {condition}", "fixed_name": "« {name} »",
    },
    "zh": {
        "line": "若{conditions}，{title}将为{value}。", "named": "“{a}”", "wanted": "{a}", "unnamed": " {a}",
        "and": "且", "or": "或",
        "now": "{title}：{value}（{day}）。",
        "none": "改变其中一两项事实都不能使{title}为“{want}”。",
        "none_any": "改变其中一两项事实都不会改变{title}。",
        "none_explored": "改变已探索的一两项事实都不能使{title}为“{want}”。",
        "none_any_explored": "改变已探索的一两项事实都不会改变{title}。",
        "want": "怎样才能得到“{want}”：",
        "any": "以下变化会改变结果：",
        "pairs": "同时改变两项事实：",
        "fixed": "保持不变的事实：{facts}。",
        "not_covered": "未探索：{fact}（{why}）。",
        "more": "（还有其他两项事实的组合）",
        "no_value": "无答案",
        "le": "不超过 {a}", "lt": "低于 {a}", "ge": "至少为 {a}", "gt": "超过 {a}",
        "between": "在 {a} 至 {b} 之间", "open_between": "在 {a} 与 {b} 之间（两端均不含）",
        "gt_le": "超过 {a} 且不超过 {b}", "ge_lt": "不低于 {a} 且低于 {b}",
        "eq": "为{a}", "one_of": "为{a}之一", "other_than": "为{a}以外的值", "other_country": "为{a}以外的国家",
        "date_le": "不晚于 {a}", "date_ge": "不早于 {a}", "date_between": "在 {a} 至 {b} 之间",
        "fact": "{name}{condition}", "fixed_name": "{name}",
    },
}


def render(whatif, ruleset, lang: str = "en") -> str:
    lang = lang if lang in LANGS else "en"
    words = WORDS[lang]
    space = Space(ruleset, whatif.as_of)
    title = _title(ruleset, whatif.output, lang)
    type_ = ruleset.model.decisions[whatif.output].type

    def value(v):
        return _value(ruleset, v, type_, lang)

    def wanted(v):  # "What would make it “short stay”": a label, as each line quotes it
        return words["wanted"].format(a=value(v)) if isinstance(v, str) else value(v)

    lines = [words["now"].format(title=title, value=value(whatif.current), day=formatting.format_date(whatif.as_of, lang))]
    if whatif.fixed:
        lines.append(words["fixed"].format(facts=", ".join(words["fixed_name"].format(name=_fact_name(ruleset, name, lang))
                                                           for name in whatif.fixed)))
    if not whatif.single and not whatif.pairs:
        key = "none" if whatif.want is not None else "none_any"
        key += "_explored" if whatif.not_covered else ""  # not "these facts": some were not looked at
        lines.append(words[key].format(title=title, want=wanted(whatif.want)))
    else:
        lines.append(words["want"].format(want=wanted(whatif.want)) if whatif.want is not None else words["any"])
        for cf in whatif.single:
            lines.append("- " + _line(cf, space, ruleset, title, value, lang))
        if whatif.pairs:
            lines.append(words["pairs"])
            for cf in whatif.pairs:
                lines.append("- " + _line(cf, space, ruleset, title, value, lang))
            if whatif.pairs_truncated:
                lines.append(words["more"])
    for fact, why in whatif.not_covered:
        lines.append(words["not_covered"].format(fact=fact, why=why))
    return "\n".join(lines) + "\n"


def _line(cf, space, ruleset, title, value, lang) -> str:
    words = WORDS[lang]
    conditions = _join(words["and"], [
        words["fact"].format(name=_fact_name(ruleset, c.fact, lang), condition=_condition(c, space, ruleset, lang))
        for c in cf.changes])
    shown = value(cf.value)
    if isinstance(cf.value, str) and cf.value is not NO_VALUE:
        shown = words["named"].format(a=shown)  # "would be “not eligible”": a label, not an adjective of the sentence
    else:
        shown = words["unnamed"].format(a=shown)  # "将为 €30.00": a space between Chinese and an amount
    return words["line"].format(title=title, value=shown, conditions=conditions)


def _fact_name(ruleset, name: str, lang: str) -> str:
    """A fact as the explanation names it: its title in `lang` (messages/<lang>.yaml, or the
    declared description in the ruleset's own language), else the name, its underscores as spaces."""
    from engine.trace.verdict import title_of
    return title_of(ruleset, name, lang) or name.replace("_", " ")


def _condition(change, space, ruleset, lang) -> str:
    words = WORDS[lang]
    type_ = space.type_of(change.fact)
    lo_end, _, hi_end, _ = space.domain(change.fact) if _ordered(change) else (None, True, None, True)
    parts = []
    for region in change.regions:
        if region.values is not None or region.others:
            shown = [_value(ruleset, v, type_, lang) for v in region.values or ()]
            text = []
            if shown:
                text.append(words["eq" if len(shown) == 1 else "one_of"].format(a=", ".join(shown)))
            if region.others:
                excluded = ", ".join(_value(ruleset, v, type_, lang) for v in region.excluded)
                other = "other_country" if getattr(type_, "name", None) == "country" else "other_than"
                text.append(words[other].format(a=excluded))  # "hors France", "法国以外的国家"
            parts.append(_join(words["or"], text))
            continue
        lo = None if region.lo is None or region.lo == lo_end else region.lo
        hi = None if region.hi is None or region.hi == hi_end else region.hi
        fmt = lambda v: _value(ruleset, v, type_, lang)  # noqa: E731
        dated = isinstance(region.lo or region.hi, dt.date)
        if lo is not None and hi is not None:
            if lo == hi and region.lo_closed and region.hi_closed:
                parts.append(words["eq"].format(a=fmt(lo)))
            elif region.lo_closed and region.hi_closed:
                parts.append(words["date_between" if dated else "between"].format(a=fmt(lo), b=fmt(hi)))
            elif region.hi_closed:  # the lower end excluded only: 10,339 € is not in, 13,957 € is
                parts.append(words["gt_le"].format(a=fmt(lo), b=fmt(hi)))
            elif region.lo_closed:
                parts.append(words["ge_lt"].format(a=fmt(lo), b=fmt(hi)))
            else:
                parts.append(words["open_between"].format(a=fmt(lo), b=fmt(hi)))
        elif hi is not None:
            parts.append(words["date_le" if dated else "le" if region.hi_closed else "lt"].format(a=fmt(hi)))
        elif lo is not None:
            parts.append(words["date_ge" if dated else "ge" if region.lo_closed else "gt"].format(a=fmt(lo)))
        else:
            parts.append(words["eq"].format(a=fmt(region.lo if region.lo is not None else region.hi)))
    return _join(words["or"], parts)


def _join(word: str, parts: list) -> str:
    """Parts joined by `word`; a word written without spaces (Chinese 或, 且) takes one beside a
    Latin letter or a digit ("不超过 €10,339.00 或超过 €13,957.00"), as the Chinese texts space them."""
    if not parts or word != word.strip():
        return word.join(parts)
    text = parts[0]
    for part in parts[1:]:
        before = " " if text[-1:].isascii() and text[-1:].isalnum() else ""
        after = " " if part[:1].isascii() and part[:1].isalnum() else ""
        text += before + word + after + part
    return text


def _ordered(change) -> bool:
    return all(r.values is None and not r.others for r in change.regions)


def _title(ruleset, name: str, lang: str) -> str:
    from engine.trace.verdict import title_of
    return title_of(ruleset, name, lang) or name


def _value(ruleset, value, type_, lang: str) -> str:
    if value is NO_VALUE:
        return WORDS[lang]["no_value"]
    symbols = ruleset.files.messages.get(lang, {}).get("symbols", {})
    if isinstance(value, str) and value in symbols:
        return symbols[value]
    if isinstance(value, bool) and str(value).lower() in symbols:
        return symbols[str(value).lower()]
    kind = getattr(type_, "name", None)
    if kind == "money" or (isinstance(value, Decimal) and type_ == MONEY):
        return formatting.format_money(Decimal(value), lang)
    if isinstance(value, dt.date):
        return formatting.format_date(value, lang)
    if kind == "country" and isinstance(value, str):
        return formatting.country_name(value, lang)
    return format_value(value, type_, lang)
