"""The explanation as verdict 0.2.0 rendered it (engine/explain/render.py before it was made fast, #15),
kept as the reference the faster one must match byte for byte (tests/test_explain_same.py).
Its line breaking is 0.2.0's too. Nothing outside the tests imports it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Optional

from engine.errors import Diagnostic, VerdictError
from engine.explain.i18n import LABELS, colon, joined, parenthesised, words
from engine.locale import formatting
from engine.locale.linebreak import (NO_LINE_END, NO_LINE_START, _BREAKING_SPACE, _MAYBE_WIDE, char_width, display_width,
                                     french_spacing)
from engine.semantics.resolve import TEMPLATE_HOLE

WIDTH = 100  # columns of explanation text after the label


def _pieces(word: str) -> list:
    """A word (no breaking space in it) cut where a line may break: between two characters one of
    which is wide, unless the second may not start a line or the first may not end one."""
    if _MAYBE_WIDE.search(word) is None:
        return [(word, len(word))]
    pieces, start, width = [], 0, 0
    previous_wide = False
    for index, c in enumerate(word):
        w = char_width(c)
        if index and (w == 2 or previous_wide) and c not in NO_LINE_START and word[index - 1] not in NO_LINE_END \
                and not (c.isascii() and c.isalnum()) and not (word[index - 1].isascii() and word[index - 1].isalnum()):
            pieces.append((word[start:index], width))
            start, width = index, 0
        width += w
        previous_wide = w == 2
    pieces.append((word[start:], width))
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns (a longer unbreakable piece gets a line of its
    own). Linear in the length of the text: each character is looked at a bounded number of times."""
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for word in _BREAKING_SPACE.split(text.strip()):
        if not word:
            continue
        for index, (piece, size) in enumerate(_pieces(word)):
            gap = 1 if index == 0 and line else 0
            # a space before closing punctuation (`70 %`) or after opening (`« oui`) does not break either
            glued = gap and (piece[:1] in NO_LINE_START or line[-1][-1:] in NO_LINE_END)
            if line and used + gap + size > width and not glued:
                lines.append("".join(line))
                line, used, gap = [], 0, 0
            if gap:
                line.append(" ")
            line.append(piece)
            used += gap + size
    lines.append("".join(line))
    return lines


def _pad(label: str, width: int) -> str:
    return label + " " * (width - display_width(label))


class _Writer:
    def __init__(self, lang: str):
        self.lang = lang
        self.w = words(lang)
        self.label_width = max(display_width(self.w[k]) for k in LABELS) + 1
        self.lines: list[str] = []

    def _typeset(self, text: str) -> str:
        return french_spacing(text) if self.lang == "fr" else text

    def line(self, label_key: Optional[str], text: str, first: bool = True):
        label = self.w[label_key] if (label_key and first) else ""
        self.lines.append("  " + _pad(label, self.label_width) + self._typeset(text))

    def wrapped(self, label_key: str, text: str, first: bool = True):
        for index, part in enumerate(wrap(self._typeset(text), WIDTH - self.label_width)):
            self.line(label_key, part, first=first and index == 0)

    def heading(self, text: str):
        """A decision's title and its answer, continued under itself when long."""
        for index, part in enumerate(wrap(self._typeset(text), WIDTH + self.label_width)):
            self.lines.append(part if index == 0 else "    " + part)

    def blank(self):
        if self.lines and self.lines[-1] != "":
            self.lines.append("")


def _file_line(file: str, line) -> str:
    return f"{file.rsplit('/', 1)[-1]}:{line}"


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

    def type_of(self, name: str):
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
        if isinstance(value, bool):
            word = "true" if value else "false"
            return self.symbols.get(word) or self.w[word]
        if value is None:
            return "—"
        if isinstance(code, str) and code.startswith("list of ") and isinstance(value, list):
            element = code[len("list of "):]
            return formatting.format_list([self.value(v, element) for v in value], lang) if value else self.w["none"]
        if isinstance(code, dict) and "list" in code and isinstance(value, list):  # a list of records
            # each in brackets: its fields' commas would run into the list's
            return formatting.format_list([parenthesised(self.value(v, code["list"]), lang) for v in value], lang) \
                if value else self.w["none"]
        if isinstance(code, dict) and isinstance(value, dict):
            fields = code.get("record", {})
            return joined([f"{k}{colon(lang)}{self.value(v, fields.get(k))}" for k, v in value.items()], lang)
        if code == "symbol" and isinstance(value, str):
            return self.symbols.get(value, value)
        if code == "country" and isinstance(value, str):
            return formatting.country_name(value, lang)
        if code == "date" and isinstance(value, str):
            try:
                return formatting.format_date(dt.date.fromisoformat(value), lang)
            except ValueError:
                return value
        if code in ("duration", "duration in months") and isinstance(value, str):  # durations (h16-dur)
            from engine.durations import DurationTextError, format_duration, from_iso
            try:
                return format_duration(from_iso(value, code), lang)
            except DurationTextError:
                return value
        if code in ("money", "number", "percent", "integer") and isinstance(value, (str, int)):
            try:
                number = Decimal(value)
            except (InvalidOperation, ValueError):
                return str(value)
            if code == "money":
                return formatting.format_money(number, lang)
            if code == "percent":
                return formatting.format_percent(number, lang)
            return formatting.format_number(number, lang)
        if isinstance(value, list):
            return formatting.format_list([self.value(v, None) for v in value], lang) if value else self.w["none"]
        return str(value)

    def date(self, iso: str) -> str:
        return self.value(iso, "date")

    def headline(self, value, code) -> str:
        """A value in words: `reduced`, `France`, `70 %`."""
        return self.value(value, code)

    def stated(self, name: str, value, code=None) -> str:
        """`Title: value in words` — how every decision, input and figure is named."""
        title = self.title(name)
        code = self.type_of(name) if code is None else code
        return f"{title}{colon(self.lang, title)}{self.value(value, code)}"

    def filled(self, template: str, holes: dict) -> str:
        def hole(match):
            name = match.group(1).strip()
            if name not in holes:
                return "{" + name + "}"
            return self.value(holes[name], self.type_of(name))
        return TEMPLATE_HOLE.sub(hole, template)


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
    return ("" if reading.lang == "zh" else " ").join(t for t in texts if t)


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
    statuses = trace.get("status", {})
    requested = trace["requested"]
    for name in requested:
        status = statuses.get(name, {"status": "answered"})
        decision = by_name.get(name)
        if status["status"] == "answered":
            out.heading(reading.stated(name, trace["outputs"].get(name)))
            if decision is not None:
                _decision(out, reading, trace, decision, by_name, warnings_by_name, languages)
        else:
            _unanswered(out, reading, name, status, languages)
        out.blank()
    support = _supporting(requested, by_name)
    if support:
        out.lines += [w["support"], ""]
        for decision in support:
            if decision.get("status", "answered") == "answered":
                out.heading(reading.stated(decision["name"], decision.get("output")))
                _decision(out, reading, trace, decision, by_name, {}, languages, rests=False)
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
        answered = [w["quoted"].format(reading.title(n)) for n in requested if n not in unanswered]  # titles have commas
        space = "" if lang == "zh" else " "
        out.wrapped("note", w["partial"].format(count=len(unanswered), total=len(requested)) +
                    (space + w["answered_are"].format(names=formatting.format_list(answered, lang)) if answered else ""))
        out.blank()
    return "\n".join(out.lines).rstrip() + "\n"


def _supporting(requested: list, by_name: dict) -> list:
    """The decisions the requested ones rest on, nearest first, each once: after the answers."""
    seen, order, queue = set(requested), [], list(requested)
    while queue:
        entry = by_name.get(queue.pop(0))
        for read in (entry or {}).get("reads", []):
            if read in by_name and read not in seen:
                seen.add(read)
                order.append(by_name[read])
                queue.append(read)
    return order


def _assumed(trace: dict) -> dict:
    """The defaults some decision of the trace read: the values assumed for facts not given."""
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


def _decision(out: "_Writer", reading: Reading, trace, decision, by_name, warnings_by_name, languages, rests=True):
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
        source = next((s for s in decision.get("sources", []) if s and s.get("id") == fired.get("source")), None)
        cited = ""
        if source:
            status = w["status"].get(source.get("status", ""), source.get("status", ""))
            space = "" if lang == "zh" else " "
            cited = f" · {w['source']} {source['id']}" + (f"{space}{parenthesised(status, lang)}" if status else "")
        out.wrapped("rule", f"{fired['rule']} · {where}{cited}{since if index == 0 else ''}", first=index == 0)
    if not decision["fired"]:
        out.line("rule", f"{w['no_row']} · {_file_line(decision['location']['file'], decision['location'].get('line'))}")
    if decision.get("calls"):  # the functions it called, a line each (engine/explain/calls.py)
        from engine.explain.calls import write_calls
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
    for warning in _stale_beneath(decision, by_name, warnings_by_name):
        text = w["stale" if warning.get("source") else "stale_unsourced"].format(
            checked=reading.date(warning["checked"]), as_of=reading.date(trace["as_of"]), source=warning.get("source"))
        title = reading.title(warning["name"])
        out.wrapped("warning", f"{title}{colon(lang, title)}{text}")


def joined_sep(lang: str) -> str:
    return "，" if lang == "zh" else ", "


def _gap(lang: str) -> str:
    """Space before a bracketed note: full-width Chinese brackets bring their own."""
    return "" if lang == "zh" else " "


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
