"""explain: a trace (JSON) → the explanation tree a person reads: the answer, why, what it rests on.

Rendered from the trace's data alone — values with their types, the rules' templates and the
values of their holes, the labels it carries — never from stored prose, so the text always says
what was computed, and `verdict explain trace.json` gives it years later. Widths are counted in
terminal columns: a Chinese character takes two.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Optional

from engine.errors import Diagnostic, VerdictError
from engine.i18n import LABELS, parenthesised, words
from engine.resolve import TEMPLATE_HOLE
from engine.values import NUMBER, format_money, format_value

WIDTH = 100  # columns of explanation text after the label


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(label: str, width: int) -> str:
    return label + " " * (width - display_width(label))


# A word is a run of non-space characters, but each wide character is a word of its own:
# Chinese has no spaces, and a line may break between any two of its characters.
_TOKENS = re.compile(r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


def wrap(text: str, width: int = WIDTH) -> list[str]:
    lines, current, used = [], "", 0
    for token in _TOKENS.findall(text):
        size = display_width(token)
        if token.isspace():
            if current:
                current, used = current + " ", used + 1
            continue
        if used + size > width and current.strip():
            lines.append(current.rstrip())
            current, used = "", 0
        current, used = current + token, used + size
    lines.append(current.rstrip())
    return lines


class _Writer:
    def __init__(self, lang: str):
        self.lang = lang
        self.w = words(lang)
        self.label_width = max(display_width(self.w[k]) for k in LABELS) + 1
        self.lines: list[str] = []

    def line(self, label_key: Optional[str], text: str, first: bool = True):
        label = self.w[label_key] if (label_key and first) else ""
        self.lines.append("  " + _pad(label, self.label_width) + text)

    def wrapped(self, label_key: str, text: str):
        for index, part in enumerate(wrap(text, WIDTH - self.label_width)):
            self.line(label_key, part, first=index == 0)


def _file_line(file: str, line) -> str:
    return f"{file.rsplit('/', 1)[-1]}:{line}"


class Reading:
    """A trace's values as a person reads them in one language, from its types and labels."""

    def __init__(self, trace: dict, lang: str):
        self.lang = lang
        labels = trace.get("labels", {}).get(lang, {})
        self.titles = labels.get("titles", {})
        self.symbols = labels.get("symbols", {})
        self.types = trace.get("types", {})

    def type_of(self, name: str):
        head, _, field = name.partition(".")
        if head == "as_of":
            return "date"
        code = self.types.get(head)
        if field:
            return code.get("record", {}).get(field) if isinstance(code, dict) else None
        return code

    def value(self, value, code) -> str:
        if isinstance(value, bool):
            word = "true" if value else "false"
            return self.symbols.get(word, word)
        if value is None:
            return "—"
        if isinstance(code, str) and code.startswith("list of ") and isinstance(value, list):
            element = code[len("list of "):]
            if element == "symbol":
                return ", ".join(self.value(v, element) for v in value) if value else "—"
            return "[" + ", ".join(self.value(v, element) for v in value) + "]"
        if isinstance(code, dict) and isinstance(value, dict):
            fields = code.get("record", {})
            return "{" + ", ".join(f"{k}: {self.value(v, fields.get(k))}" for k, v in value.items()) + "}"
        if code == "symbol" and isinstance(value, str):
            return self.symbols.get(value, value)
        if code in ("money", "number") and isinstance(value, (str, int)):
            try:
                number = Decimal(value)
            except (InvalidOperation, ValueError):
                return str(value)
            return format_money(number, self.lang) if code == "money" else format_value(number, NUMBER, self.lang)
        if isinstance(value, list):
            return "[" + ", ".join(self.value(v, None) for v in value) + "]"
        return str(value)

    def headline(self, value, code) -> str:
        """A value in words, with the symbol after it when the label hides it: `réduit (reduced)`."""
        shown = self.value(value, code)
        if code == "symbol" and isinstance(value, str) and shown != value:
            return f"{shown}（{value}）" if self.lang == "zh" else f"{shown} ({value})"
        return shown

    def filled(self, template: str, holes: dict) -> str:
        def hole(match):
            name = match.group(1).strip()
            if name not in holes:
                return "{" + name + "}"
            return self.value(holes[name], self.type_of(name))
        return TEMPLATE_HOLE.sub(hole, template)


def decision_text(decision: dict, reading: Reading, fallback_lang: Optional[str] = None) -> str:
    """The `because` line of a decision: its rules' templates filled in with the values the
    trace holds, or, for a row without one, what each of its tests saw."""
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
    return " ".join(t for t in texts if t)


def _tests_text(decision: dict, tests: list, reading: Reading) -> str:
    inputs = decision.get("inputs", [])
    matches = words(reading.lang)["matches"]
    parts = []
    for test in tests:
        column = inputs[test["column"]]
        parts.append(f"{column['column']} = {reading.value(column['value'], column.get('type'))} "
                     f"{matches} `{test['test']}`")
    return "; ".join(parts) + ("." if parts else "")


def explain_trace(trace: dict, lang: Optional[str] = None) -> str:
    """The explanation tree of a (validated) trace, in `lang` if the trace has it."""
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
    out.lines += [f"{ruleset['name']} {ruleset['version']} (sha256 {sha[:8]}…{sha[-2:]}) · {w['as_of']} {trace['as_of']}",
                  ""]
    by_name = {d["name"]: d for d in trace["decisions"]}
    warnings_by_name: dict = {}
    for warning in trace.get("warnings", []):
        warnings_by_name.setdefault(warning["name"], []).append(warning)
    statuses = trace.get("status", {})
    for name in trace["requested"]:
        status = statuses.get(name, {"status": "answered"})
        decision = by_name.get(name)
        if status["status"] == "answered":
            out.lines.append(f"{name} = {reading.headline(trace['outputs'].get(name), reading.type_of(name))}")
            if decision is not None:
                _decision(out, reading, trace, decision, by_name, warnings_by_name, languages)
        else:
            _unanswered(out, name, status, languages)
        out.lines.append("")
    unanswered = [n for n in trace["requested"] if statuses.get(n, {}).get("status", "answered") != "answered"]
    if unanswered:
        answered = [n for n in trace["requested"] if n not in unanswered]
        space, comma = ("", "、") if lang == "zh" else (" ", ", ")
        out.wrapped("note", w["partial"].format(count=len(unanswered), total=len(trace["requested"])) +
                    (space + w["answered_are"].format(names=comma.join(answered)) if answered else ""))
        out.lines.append("")
    return "\n".join(out.lines).rstrip() + "\n"


def _unanswered(out: "_Writer", name: str, status: dict, languages):
    w, lang = out.w, out.lang
    if status["status"] == "no_answer":
        out.lines.append(f"{name}: {w['no_answer']}")
        reason = status.get("reason", {})
        text = reason.get(lang) or reason.get(languages[0]) or next(iter(reason.values()), "")
        if text:
            out.wrapped("because", text)
        where = status.get("location") or {}
        if status.get("decision") and status["decision"] != name:
            out.line("rests_on", w["stopped_at"].format(decision=status["decision"]))
        if status.get("rule") and where:
            out.line("rule", f"{status['rule']} · {_file_line(where.get('file', ''), where.get('line'))}")
        elif where:
            out.line("rule", _file_line(where.get("file", ""), where.get("line")))
    else:
        out.lines.append(f"{name}: {w['not_evaluated']}")
        out.wrapped("missing", ("、" if lang == "zh" else ", ").join(status.get("missing", [])))


def _decision(out: "_Writer", reading: Reading, trace, decision, by_name, warnings_by_name, languages):
    w, lang = out.w, out.lang
    explanation = decision_text(decision, reading, languages[0])
    if explanation:
        out.wrapped("because", explanation)
    for index, fired in enumerate(decision["fired"]):
        where = _file_line(decision["location"]["file"], fired["line"])
        source = next((s for s in decision.get("sources", []) if s and s.get("id") == fired.get("source")), None)
        cited = ""
        if source:
            status = w["status"].get(source.get("status", ""), source.get("status", ""))
            space = "" if lang == "zh" else " "
            cited = f"    {w['source']} {source['id']}" + (f"{space}{parenthesised(status, lang)}" if status else "")
        out.line("rule", f"{fired['rule']} · {where}{cited}", first=index == 0)
    rests = [by_name[r] for r in decision.get("reads", []) if r in by_name]
    for index, dep in enumerate(rests):
        if dep.get("status", "answered") != "answered":
            out.line("rests_on", f"{dep['name']}: {w['no_answer']}", first=index == 0)
            continue
        rule = dep["fired"][0]["rule"] if dep["fired"] else w["no_row"]
        where = _file_line(dep["location"]["file"], dep["fired"][0]["line"] if dep["fired"] else dep["location"].get("line"))
        separator = "；" if lang == "zh" else "; "
        since = f"{separator}{w['valid_from'].format(date=dep['valid_from'])}" if dep.get("valid_from") else ""
        shown = reading.headline(dep["output"], reading.type_of(dep["name"]))
        out.line("rests_on", f"{dep['name']} = {shown}{_gap(lang)}{parenthesised(f'{rule} · {where}{since}', lang)}",
                 first=index == 0)
    for index, parameter in enumerate(decision.get("parameters", [])):
        shown = reading.value(parameter["value"], reading.type_of(parameter["name"]))
        note = w['from'].format(date=parameter['effective_from'])
        if parameter.get("source"):  # a parameter may cite no source: no "source None"
            note += f", {w['source']} {parameter['source']}"
        out.line("figures", f"{parameter['name']} = {shown}{_gap(lang)}{parenthesised(note, lang)}", first=index == 0)
    for warning in _stale_beneath(decision, by_name, warnings_by_name):
        text = w["stale" if warning.get("source") else "stale_unsourced"].format(
            checked=warning["checked"], as_of=trace["as_of"], source=warning.get("source"))
        out.wrapped("warning", f"{warning['name']}: {text}")


def _gap(lang: str) -> str:
    """Space before a bracketed note: full-width Chinese brackets bring their own."""
    return "" if lang == "zh" else "  "


def _stale_beneath(decision, by_name, warnings_by_name) -> list:
    """Warnings of the decision, of every decision it rests on (at any depth), and of their figures."""
    found, seen, stack = [], set(), [decision["name"]]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        found.extend(warnings_by_name.get(name, []))
        entry = by_name.get(name)
        if entry is None:
            continue
        for parameter in entry.get("parameters", []):
            found.extend(warnings_by_name.get(parameter["name"], []))
        stack.extend(reversed([r for r in entry.get("reads", []) if r in by_name]))
    unique, keys = [], set()
    for warning in found:
        key = (warning["name"], warning["checked"])
        if key not in keys:
            keys.add(key)
            unique.append(warning)
    return unique


def plain(value) -> str:
    """A JSON value as plain text: `[a, b]`, `true`, `10339.00`."""
    if isinstance(value, list):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
