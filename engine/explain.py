"""explain: a trace (JSON) → the explanation a person reads: the answers first, each with why and
what it rests on, then the decisions they rest on, then the values assumed.

Rendered from the trace's data alone — values with their types, the rules' templates and the
values of their holes, the labels it carries — never from stored prose, so the text always says
what was computed, and `verdict explain trace.json` gives it years later. Every line names a
decision by its title and shows values in words (`yes`, `France`, `70 %`, `14 March 2001`), in
the reader's language (engine/locale: CLDR data through Babel). Widths are counted in terminal
columns, lines broken by the rules of each script (engine/locale/linebreak.py).

What does not depend on the trace is worked out once and kept (#15): a value's words per language
(engine/explain_values.py), the lines a text gives under a label, the labels' padding, a
template's holes. The text is byte for byte what rendering afresh gives (tests/test_explain_same.py
holds it to verdict 0.2.0's renderer), and the time follows the length of the explanation.
"""
from __future__ import annotations

from collections import deque
from typing import Optional

from engine.errors import Diagnostic, VerdictError
from engine.explain_values import LANGUAGES_KEPT, SCALAR_CODES, listed, scalar_text, scalar_words, template_parts
from engine.explain_warnings import Beneath
from engine.i18n import LABELS, colon, joined, parenthesised, words
from engine.locale import formatting
from engine.locale.linebreak import display_width, french_spacing, wrap

WIDTH = 100  # columns of explanation text after the label

__all__ = ["Reading", "decision_text", "explain_trace", "display_width", "wrap", "plain"]


def _pad(label: str, width: int) -> str:
    return label + " " * (width - display_width(label))


KEPT_LINES = 20_000  # lines of text kept per language (a text wrapped under a label gives the same lines)
LONGEST_KEPT = 2_000  # characters of the longest text kept
_LAYOUTS: dict = {}  # lang → (width of the labels' column, label key → "  " and the label padded to it)
_LINES: dict = {}    # lang → {(label key, first, text) or (text,) of a heading: its lines}
_FRENCH: dict = {}   # text → french_spacing(text)


def _layout(lang: str) -> tuple:
    found = _LAYOUTS.get(lang)
    if found is None:
        w = words(lang)
        width = max(display_width(w[k]) for k in LABELS) + 1
        found = _LAYOUTS[lang] = (width, {k: "  " + _pad(w[k], width) for k in LABELS}, "  " + _pad("", width))
    return found


class _Writer:
    def __init__(self, lang: str):
        self.lang = lang
        self.w = words(lang)
        self.label_width, self._labels, self._no_label = _layout(lang)
        self._kept = _LINES.get(lang)
        if self._kept is None:
            if len(_LINES) >= LANGUAGES_KEPT:  # a hand-made trace may name any language
                _LINES.clear()
            self._kept = _LINES[lang] = {}
        self.lines: list[str] = []

    def _typeset(self, text: str) -> str:
        if self.lang != "fr":
            return text
        found = _FRENCH.get(text)
        if found is None:
            if len(text) > LONGEST_KEPT:
                return french_spacing(text)
            if len(_FRENCH) >= KEPT_LINES:
                _FRENCH.clear()
            found = _FRENCH[text] = french_spacing(text)
        return found

    def _label(self, label_key: Optional[str], first: bool) -> str:
        if not (label_key and first):
            return self._no_label
        return self._labels.get(label_key) or "  " + _pad(self.w[label_key], self.label_width)

    def line(self, label_key: Optional[str], text: str, first: bool = True):
        self.lines.append(self._label(label_key, first) + self._typeset(text))

    def _keep(self, key: tuple, lines: tuple) -> tuple:
        if len(key[-1]) > LONGEST_KEPT:
            return lines
        if len(self._kept) >= KEPT_LINES:
            self._kept.clear()
        self._kept[key] = lines
        return lines

    def wrapped(self, label_key: str, text: str, first: bool = True):
        lines = self._kept.get((label_key, first, text))
        if lines is None:
            lines = self._keep((label_key, first, text), tuple(
                self._label(label_key, first and index == 0) + self._typeset(part)
                for index, part in enumerate(wrap(self._typeset(text), WIDTH - self.label_width))))
        self.lines.extend(lines)

    def heading(self, text: str):
        """A decision's title and its answer, continued under itself when long."""
        lines = self._kept.get((text,))
        if lines is None:
            lines = self._keep((text,), tuple(part if index == 0 else "    " + part for index, part in
                                              enumerate(wrap(self._typeset(text), WIDTH + self.label_width))))
        self.lines.extend(lines)

    def blank(self):
        if self.lines and self.lines[-1] != "":
            self.lines.append("")


_FILE_NAMES: dict = {}  # a rule file's path → its name


def _file_line(file: str, line) -> str:
    name = _FILE_NAMES.get(file)
    if name is None:
        if len(_FILE_NAMES) >= KEPT_LINES:
            _FILE_NAMES.clear()
        name = _FILE_NAMES[file] = file.rsplit('/', 1)[-1]
    return f"{name}:{line}"


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


def _nothing_matched(decision: dict, reading: Reading) -> str:
    """Why a table gave nothing: how many rules it has, and the facts their conditions failed on."""
    rows = decision.get("rows", [])
    by_title = {c["column"]: c for c in decision.get("inputs", [])}
    failed = []
    for row in rows:
        column = by_title.get((row.get("failed") or {}).get("column"))
        if column is not None and column not in failed:
            failed.append(column)
    text = reading.w["nothing_matched"].format(count=len(rows))
    if failed:
        conditions = [reading.w["condition"].format(title=reading.title(c["name"]) if c.get("name") else c["column"],
                                                    value=reading.value(c["value"], c.get("type"))) for c in failed]
        text += reading.w["failed_on"].format(conditions=formatting.format_list(conditions, reading.lang))
    return text


def explain_trace(trace: dict, lang: Optional[str] = None) -> str:
    """The explanation of a (validated) trace, in `lang` if the trace has it."""
    languages = trace.get("languages") or ["en"]
    if lang is None:
        lang = languages[0]
    elif lang not in languages:
        raise VerdictError(Diagnostic("error", "unknown-language", f"this verdict has no explanation in `{lang}`",
                                      hint=f"its languages are: {', '.join(languages)}"))
    out = _Writer(lang)
    reading = Reading(trace, lang)
    w = out.w
    ruleset = trace["ruleset"]
    sha = ruleset["sha256"]
    out.lines += [f"{ruleset['name']} {ruleset['version']} (sha256 {sha[:8]}…{sha[-2:]}) · "
                  f"{w['as_of'].format(date=reading.date(trace['as_of']))}", ""]
    by_name = {d["name"]: d for d in trace["decisions"]}
    warnings_by_name: dict = {}
    for warning in trace.get("warnings", []):
        warnings_by_name.setdefault(warning["name"], []).append(warning)
    beneath = Beneath(by_name, warnings_by_name)
    statuses = trace.get("status", {})
    requested = trace["requested"]
    for name in requested:
        status = statuses.get(name, {"status": "answered"})
        decision = by_name.get(name)
        if status["status"] == "answered":
            out.heading(reading.stated(name, trace["outputs"].get(name)))
            if decision is not None:
                _decision(out, reading, trace, decision, by_name, beneath, languages)
        else:
            _unanswered(out, reading, name, status, languages)
        out.blank()
    support = _supporting(requested, by_name)
    if support:
        out.lines += [w["support"], ""]
        for decision in support:
            if decision.get("status", "answered") == "answered":
                out.heading(reading.stated(decision["name"], decision.get("output")))
                _decision(out, reading, trace, decision, by_name, None, languages, rests=False)
            else:
                _unanswered(out, reading, decision["name"], decision, languages)
            out.blank()
    assumed = _assumed(trace)
    if assumed:
        values = joined([reading.stated(n, v) for n, v in assumed.items()], lang, ";")
        out.wrapped("assumed", w["assumed_text"].format(values=values) + ("。" if lang == "zh" else "."))
        out.blank()
    unanswered = [n for n in requested if statuses.get(n, {}).get("status", "answered") != "answered"]
    if unanswered:
        unanswered_names = set(unanswered)
        answered = [w["quoted"].format(reading.title(n)) for n in requested if n not in unanswered_names]  # titles have commas
        space = "" if lang == "zh" else " "
        out.wrapped("note", w["partial"].format(count=len(unanswered), total=len(requested)) +
                    (space + w["answered_are"].format(names=formatting.format_list(answered, lang)) if answered else ""))
        out.blank()
    return "\n".join(out.lines).rstrip() + "\n"


def _supporting(requested: list, by_name: dict) -> list:
    """The decisions the requested ones rest on, nearest first, each once: after the answers."""
    seen, order, queue = set(requested), [], deque(requested)
    while queue:
        entry = by_name.get(queue.popleft())
        for read in (entry or {}).get("reads", []):
            if read in by_name and read not in seen:
                seen.add(read)
                order.append(by_name[read])
                queue.append(read)
    return order


def _assumed(trace: dict) -> dict:
    """The defaults some decision of the trace read: the values assumed for facts not given."""
    if not trace.get("defaults"):
        return {}
    read = set()
    for decision in trace["decisions"]:
        read.update(decision.get("reads", []))
        read.update(c.get("name") for c in decision.get("inputs", []))
        for fired in decision.get("fired", []):
            read.update(fired.get("holes", {}))
    return {name: value for name, value in trace.get("defaults", {}).items() if name in read}


def _unanswered(out: "_Writer", reading: Reading, name: str, status: dict, languages):
    w, lang = out.w, out.lang
    title = reading.title(name)
    if status["status"] == "no_answer":
        out.heading(f"{title}{colon(lang, title)}{w['no_answer']}")
        reason = status.get("reason", {})
        text = reason.get(lang) or reason.get(languages[0]) or next(iter(reason.values()), "")
        if status.get("code") != "no-answer" and lang != "en":
            # the engine's own reason is an English diagnostic: say it in the reader's language
            stopped = status.get("decision") or name
            text = w["stopped"].get(status.get("code"), w["stopped"]["other"]).format(decision=reading.title(stopped))
        if text:
            out.wrapped("because", text)
        where = status.get("location") or {}
        if status.get("decision") and status["decision"] != name:
            out.wrapped("rests_on", w["stopped_at"].format(decision=reading.title(status["decision"])))
        if status.get("rule") and where:
            out.line("rule", f"{status['rule']} · {_file_line(where.get('file', ''), where.get('line'))}")
        elif where:
            out.line("rule", _file_line(where.get("file", ""), where.get("line")))
    else:
        out.heading(f"{title}{colon(lang, title)}{w['not_evaluated']}")
        out.wrapped("missing", formatting.format_list([reading.title(m) for m in status.get("missing", [])], lang))


def _decision(out: "_Writer", reading: Reading, trace, decision, by_name, beneath, languages, rests=True):
    w, lang = out.w, out.lang
    explanation = decision_text(decision, reading, languages[0])
    if not explanation and not decision.get("fired") and decision.get("kind") == "table":
        explanation = _nothing_matched(decision, reading)
    if explanation:
        given = all("because" not in f for f in decision.get("fired", [])) and decision.get("fired")
        out.wrapped("given" if given else "because", explanation)
    since = ""
    if decision.get("valid_from"):
        since = " · " + w["valid_from"].format(date=reading.date(decision["valid_from"]))
    for index, fired in enumerate(decision["fired"]):
        where = _file_line(decision["location"]["file"], fired["line"])
        wanted, source = fired.get("source"), None
        for candidate in decision.get("sources", []):
            if candidate and candidate.get("id") == wanted:
                source = candidate
                break
        cited = _cited(source, w, lang) if source else ""
        out.wrapped("rule", f"{fired['rule']} · {where}{cited}{since if index == 0 else ''}", first=index == 0)
    if not decision["fired"]:
        out.line("rule", f"{w['no_row']} · {_file_line(decision['location']['file'], decision['location'].get('line'))}")
    if decision.get("calls"):  # the functions it called, a line each (engine/explain_calls.py)
        from engine.explain_calls import write_calls
        write_calls(out, reading, trace, decision["calls"])
    if rests:
        deps = [by_name[r] for r in decision.get("reads", []) if r in by_name]
        for index, dep in enumerate(deps):
            if dep.get("status", "answered") != "answered":
                shown = f"{reading.title(dep['name'])}{colon(lang)}{w['no_answer']}"
            else:
                shown = reading.stated(dep["name"], dep["output"])
            out.wrapped("rests_on", shown, first=index == 0)
    for index, parameter in enumerate(decision.get("parameters", [])):
        note = w["from"].format(date=reading.date(parameter["effective_from"]))
        if parameter.get("source"):
            note += f"{joined_sep(lang)}{w['source']} {parameter['source']}"
        shown = reading.stated(parameter["name"], parameter["value"])
        out.wrapped("figures", f"{shown}{_gap(lang)}{parenthesised(note, lang)}", first=index == 0)
    for warning in (beneath.warnings(decision["name"]) if beneath is not None else ()):
        out.wrapped("warning", _warning_text(warning, reading, trace))


def _warning_text(warning: dict, reading: Reading, trace: dict) -> str:
    """`Title: this value was last checked on …`; the same warning shows under every answer above it."""
    key = (warning["name"], warning["checked"], warning.get("source"))
    text = reading.warned.get(key)
    if text is None:
        w, lang = reading.w, reading.lang
        said = w["stale" if warning.get("source") else "stale_unsourced"].format(
            checked=reading.date(warning["checked"]), as_of=reading.date(trace["as_of"]), source=warning.get("source"))
        title = reading.title(warning["name"])
        text = reading.warned[key] = f"{title}{colon(lang, title)}{said}"
    return text


_CITED: dict = {}  # (lang, source id, status) → ` · source id (STATUS)`


def _cited(source: dict, w: dict, lang: str) -> str:
    key = (lang, source["id"], source.get("status", ""))
    cited = _CITED.get(key)
    if cited is None:
        status = w["status"].get(source.get("status", ""), source.get("status", ""))
        space = "" if lang == "zh" else " "
        cited = f" · {w['source']} {source['id']}" + (f"{space}{parenthesised(status, lang)}" if status else "")
        if len(_CITED) >= KEPT_LINES:
            _CITED.clear()
        _CITED[key] = cited
    return cited


def joined_sep(lang: str) -> str:
    return "，" if lang == "zh" else ", "


def _gap(lang: str) -> str:
    """Space before a bracketed note: full-width Chinese brackets bring their own."""
    return "" if lang == "zh" else " "


def plain(value) -> str:
    """A JSON value as plain text: `[a, b]`, `true`, `10339.00`."""
    if isinstance(value, list):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
