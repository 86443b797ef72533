"""reading: a trace's values as a person reads them in one language — from its types and
labels, in the words of engine/explain/values.py — and a decision's `because` text, its rules'
templates filled in with those words.
"""
from __future__ import annotations

from typing import Optional

from engine.explain.values import SCALAR_CODES, listed, scalar_text, scalar_words, template_parts
from engine.explain.i18n import colon, joined, parenthesised, words
from engine.locale import formatting


class Reading:
    """A trace's values as a person reads them in one language, from its types and labels."""

    def __init__(self, trace: dict, lang: str):
        self.lang = lang
        self.w = words(lang)
        all_labels = trace.get("labels", {})
        labels = all_labels.get(lang, {})
        default = all_labels.get((trace.get("languages") or [lang])[0], {})
        self.titles = labels.get("titles", {})
        self.default_titles = default.get("titles", {})
        self.symbols = labels.get("symbols", {})
        self.types = trace.get("types", {})
        self.kept = scalar_words(lang)
        self._named: dict = {}     # name → `Title: ` (its colon depends on the title)
        self._type_codes: dict = {}  # name → its type code
        self.warned: dict = {}       # (name, checked, source) of a warning → its text

    def type_of(self, name: str):
        found = self._type_codes.get(name, self)
        if found is self:
            found = self._type_codes[name] = self._type_of(name)
        return found

    def _type_of(self, name: str):
        head, _, field = name.partition(".")
        if head == "as_of":
            return "date"
        code = self.types.get(head)
        for step in field.split(".") if field else ():  # `{applicant.address.city}` (records, h16-records)
            code = code.get("record", {}).get(step.strip()) if isinstance(code, dict) else None
        return code

    def title(self, name: str) -> str:
        """The decision's (input's, figure's) title in this language, else in the default one."""
        return self.titles.get(name) or self.default_titles.get(name) or name

    def value(self, value, code) -> str:
        lang = self.lang
        if isinstance(code, str) and code in SCALAR_CODES and isinstance(value, (str, int)) and type(value) is not bool:
            return scalar_text(self.kept, lang, value, code)  # a date, an amount, a country: kept
        if isinstance(value, bool):
            word = "true" if value else "false"
            return self.symbols.get(word) or self.w[word]
        if value is None:
            return "—"
        if isinstance(code, str) and code.startswith("list of ") and isinstance(value, list):
            element = code[len("list of "):]
            return listed([self.value(v, element) for v in value], lang) if value else self.w["none"]
        if isinstance(code, dict) and "list" in code and isinstance(value, list):  # a list of records
            # each in brackets: its fields' commas would run into the list's
            return listed([parenthesised(self.value(v, code["list"]), lang) for v in value], lang) \
                if value else self.w["none"]
        if isinstance(code, dict) and isinstance(value, dict):
            fields = code.get("record", {})
            return joined([f"{k}{colon(lang)}{self.value(v, fields.get(k))}" for k, v in value.items()], lang)
        if code == "symbol" and isinstance(value, str):
            return self.symbols.get(value, value)
        if isinstance(value, list):
            return listed([self.value(v, None) for v in value], lang) if value else self.w["none"]
        return str(value)

    def date(self, iso: str) -> str:
        return self.value(iso, "date")

    def headline(self, value, code) -> str:
        """A value in words: `reduced`, `France`, `70 %`."""
        return self.value(value, code)

    def stated(self, name: str, value, code=None) -> str:
        """`Title: value in words` — how every decision, input and figure is named."""
        named = self._named.get(name)
        if named is None:
            title = self.title(name)
            named = self._named[name] = f"{title}{colon(self.lang, title)}"
        return named + self.value(value, self.type_of(name) if code is None else code)

    def filled(self, template: str, holes: dict) -> str:
        parts = template_parts(template)
        if len(parts) == 1:
            return parts[0]
        out = []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                out.append(part)
            elif part in holes:
                out.append(self.value(holes[part], self.type_of(part)))
            else:
                out.append("{" + part + "}")
        return "".join(out)


def decision_text(decision: dict, reading: Reading, fallback_lang: Optional[str] = None) -> str:
    """The `because` text of a decision: its rules' templates filled in with the values the
    trace holds, or, for rows without one, the conditions each of them met, in words."""
    texts = []
    for fired in decision.get("fired", []):
        because = fired.get("because")
        if because:
            template = because.get(reading.lang) or (because.get(fallback_lang) if fallback_lang else None)
            if template is None:
                template = next(iter(because.values()))
            texts.append(reading.filled(template, fired.get("holes", {})))
        elif "tests" in fired:
            texts.append(_tests_text(decision, fired["tests"], reading))
    return ("" if reading.lang == "zh" else " ").join([t for t in texts if t])


def _column_stated(column: dict, reading: Reading) -> str:
    """What a table column saw, in words: `Persons in the household: 1`."""
    if column.get("name"):
        return reading.stated(column["name"], column["value"], column.get("type"))
    return f"{column['column']}{colon(reading.lang)}{reading.value(column['value'], column.get('type'))}"


def _tests_text(decision: dict, tests: list, reading: Reading) -> str:
    inputs = decision.get("inputs", [])
    parts = [_column_stated(inputs[test["column"]], reading) for test in tests]
    return reading.w["given_text"].format(conditions=joined(parts, reading.lang, ";")) if parts else ""


def failed_columns(decision: dict) -> list:
    """The input columns a table's rows failed on, each once, in the order of the rows."""
    by_title = {c["column"]: c for c in decision.get("inputs", [])}
    failed = []
    for row in decision.get("rows", []):
        column = by_title.get((row.get("failed") or {}).get("column"))
        if column is not None and column not in failed:
            failed.append(column)
    return failed


def nothing_matched(decision: dict, reading: Reading) -> str:
    """Why a table gave nothing: how many rules it has, and the facts their conditions failed on."""
    rows = decision.get("rows", [])
    failed = failed_columns(decision)
    text = reading.w["nothing_matched"].format(count=len(rows))
    if failed:
        conditions = [reading.w["condition"].format(title=reading.title(c["name"]) if c.get("name") else c["column"],
                                                    value=reading.value(c["value"], c.get("type"))) for c in failed]
        text += reading.w["failed_on"].format(conditions=formatting.format_list(conditions, reading.lang))
    return text
