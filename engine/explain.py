"""explain: a trace (JSON) → the explanation tree a person reads: the answer, why, what it rests on.

Rendered from the trace alone, so `verdict explain trace.json` gives the same text years later.
Widths are counted in terminal columns: a Chinese character takes two.
"""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Optional

from engine.errors import Diagnostic, VerdictError
from engine.i18n import LABELS, parenthesised, words

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


def explain_trace(trace: dict, lang: Optional[str] = None) -> str:
    """The explanation tree of a (validated) trace, in `lang` if the trace has it."""
    languages = trace.get("languages") or ["en"]
    if lang is None:
        lang = languages[0]
    elif lang not in languages:
        raise VerdictError(Diagnostic("error", "unknown-language", f"this verdict has no explanation in `{lang}`",
                                      hint=f"its languages are: {', '.join(languages)}"))
    out = _Writer(lang)
    w = out.w
    ruleset = trace["ruleset"]
    sha = ruleset["sha256"]
    out.lines += [f"{ruleset['name']} {ruleset['version']} (sha256 {sha[:8]}…{sha[-2:]}) · {w['as_of']} {trace['as_of']}",
                  ""]
    by_name = {d["name"]: d for d in trace["decisions"]}
    warnings_by_name: dict = {}
    for warning in trace.get("warnings", []):
        warnings_by_name.setdefault(warning["name"], []).append(warning)
    display = trace.get("display", {}).get(lang, {})
    for name in trace["requested"]:
        decision = by_name.get(name)
        shown = display.get(name, {}).get("value", json.dumps(trace["outputs"].get(name), ensure_ascii=False))
        out.lines.append(f"{name} = {shown}")
        if decision is not None:
            _decision(out, trace, decision, by_name, warnings_by_name, languages)
        out.lines.append("")
    return "\n".join(out.lines).rstrip() + "\n"


def _decision(out: _Writer, trace, decision, by_name, warnings_by_name, languages):
    w, lang = out.w, out.lang
    explanation = decision["explanation"].get(lang) or decision["explanation"].get(languages[0], "")
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
        rule = dep["fired"][0]["rule"] if dep["fired"] else w["no_row"]
        where = _file_line(dep["location"]["file"], dep["fired"][0]["line"] if dep["fired"] else dep["location"].get("line"))
        separator = "；" if lang == "zh" else "; "
        since = f"{separator}{w['valid_from'].format(date=dep['valid_from'])}" if dep.get("valid_from") else ""
        shown = dep.get("display", {}).get(lang) or _plain(dep["output"])
        out.line("rests_on", f"{dep['name']} = {shown}{_gap(lang)}{parenthesised(f'{rule} · {where}{since}', lang)}",
                 first=index == 0)
    for index, parameter in enumerate(decision.get("parameters", [])):
        shown = parameter.get("display", {}).get(lang) or parameter["value"]
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


def _plain(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
