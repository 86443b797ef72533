"""render: a trace (JSON) → the explanation a person reads: the answers first, each with why and
what it rests on, then the decisions they rest on, then the values assumed.

Rendered from the trace's data alone — values with their types, the rules' templates and the
values of their holes, the labels it carries — never from stored prose, so the text always says
what was computed, and `verdict explain trace.json` gives it years later. Every line names a
decision by its title and shows values in words (`yes`, `France`, `70 %`, `14 March 2001`), in
the reader's language (engine/locale: CLDR data through Babel). Widths are counted in terminal
columns, lines broken by the rules of each script (engine/locale/linebreak.py).

What does not depend on the trace is worked out once and kept (#15): a value's words per language
(engine/explain/values.py), the lines a text gives under a label, the labels' padding, a
template's holes (engine/explain/writer.py); a decision's layout per shape of decision, so that a
new household costs the formatting of its values (engine/explain/plan.py), and the walks over the
decisions per way they are linked (engine/explain/graph.py). The text is byte for byte what
rendering afresh gives (tests/test_explain_same.py holds it to verdict 0.2.0's renderer,
tests/test_explain_plans.py what is kept to the trace it came from), and the time follows the
length of the explanation.
"""
from __future__ import annotations

from collections import deque
from typing import Optional

from engine.errors import Diagnostic, VerdictError
from engine.explain.forms import planned as planned_from
from engine.explain.graph import graph_for, warnings_key
from engine.explain.keys import yes_no
from engine.explain.plan import assumed_lines, context_for, plan_of, split, write_decision
from engine.explain.reading import Reading, decision_text, nothing_matched
from engine.explain.stale_figures import Beneath
from engine.explain.writer import WIDTH, Writer, cited, file_line  # noqa: F401  (WIDTH: explain.WIDTH, as it was)
from engine.explain.i18n import colon, joined, parenthesised
from engine.locale import formatting
from engine.locale.linebreak import display_width, wrap

__all__ = ["Reading", "decision_text", "explain_trace", "display_width", "wrap", "plain"]


def explain_trace(trace: dict, lang: Optional[str] = None, hints: Optional[list] = None) -> str:
    """The explanation of a (validated) trace, in `lang` if the trace has it. `hints`: how each
    decision entry was built (engine/trace/forms.py: form, values, form, …), for a trace no
    caller has held since (Verdict.explain; engine/explain/forms.py)."""
    languages = trace.get("languages") or ["en"]
    if lang is None:
        lang = languages[0]
    elif lang not in languages:
        raise VerdictError(Diagnostic("error", "unknown-language", f"this verdict has no explanation in `{lang}`",
                                      hint=f"its languages are: {', '.join(languages)}"))
    out = Writer(lang)
    reading = Reading(trace, lang)
    w = out.w
    ruleset = trace["ruleset"]
    sha = ruleset["sha256"]
    out.lines += [f"{ruleset['name']} {ruleset['version']} (sha256 {sha[:8]}…{sha[-2:]}) · "
                  f"{w['as_of'].format(date=reading.date(trace['as_of']))}", ""]
    by_name = {d["name"]: d for d in trace["decisions"]}
    known = _Known(trace, reading, languages[0], out, by_name, hints)
    statuses = trace.get("status", {})
    requested = trace["requested"]
    for name in requested:
        status = statuses.get(name, {"status": "answered"})
        decision = by_name.get(name)
        if status["status"] == "answered":
            known.decision(name, decision, trace["outputs"].get(name), True)
        else:
            _unanswered(out, reading, name, status, languages)
        out.blank()
    support = known.supporting(requested)
    if support:
        out.lines += [w["support"], ""]
        for decision in support:
            if decision.get("status", "answered") == "answered":
                known.decision(decision["name"], decision, decision.get("output"), False)
            else:
                _unanswered(out, reading, decision["name"], decision, languages)
            out.blank()
    assumed = known.assumed()
    if assumed:
        def assumed_lines() -> tuple:
            values = joined([reading.stated(n, v) for n, v in assumed.items()], lang, ";")
            return out.wrapped_lines("assumed", w["assumed_text"].format(values=values) + ("。" if lang == "zh" else "."))
        out.lines.extend(known.kept_lines(assumed, assumed_lines))
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


class _Known:
    """One explanation's decisions: by their shapes' plans where they have one (engine/explain/plan.py),
    and the walks over them kept with the way they are linked when all have one (engine/explain/graph.py);
    else afresh."""

    def __init__(self, trace: dict, reading: Reading, fallback, out: Writer, by_name: dict, hints=None):
        self.trace, self.reading, self.out, self.by_name = trace, reading, out, by_name
        self.planned: dict = {}  # decision name → (its plan, its values, its answer): engine/explain/plan.py
        self.graph = None
        warnings_by_name: dict = {}
        for warning in trace.get("warnings", []):
            warnings_by_name.setdefault(warning["name"], []).append(warning)
        self.beneath = Beneath(by_name, warnings_by_name)
        self._warned = None  # decision name → its warning lines, kept with the graph
        context = self.context = context_for(reading, fallback)
        self.yes_no = yes_no(reading.symbols)
        if context is None or self.yes_no is None:
            return
        lang, planned = reading.lang, self.planned
        if hints is not None and len(hints) == 2 * len(by_name) == 2 * len(trace["decisions"]):
            forms = iter(hints)  # (form, values) of each entry in turn, flat
            for (name, decision), form, values in zip(by_name.items(), forms, forms):  # (names are unique)
                found = planned_from(form, values, decision, context, out, lang, fallback) \
                    if form is not None else None
                if found is not None:
                    planned[name] = found
                    continue
                cut = split(decision, lang, fallback)
                if cut is not None:
                    planned[name] = (plan_of(cut[0], context, out), cut[1], cut[2])
        else:
            for name, decision in by_name.items():
                cut = split(decision, lang, fallback)
                if cut is not None:
                    planned[name] = (plan_of(cut[0], context, out), cut[1], cut[2])
        as_of, warned = trace["as_of"], warnings_key(trace)
        if len(planned) == len(trace["decisions"]):
            self.graph = graph_for(context, [found[0] for found in planned.values()])
            if warned is not None and as_of.__class__ is str:
                self._warned = self.graph.warning_lines(warned, as_of)

    def decision(self, name: str, decision: Optional[dict], answer, rests: bool):
        """Its heading, the lines beneath (engine/explain/plan.py or afresh), and if `rests` its warnings."""
        out, reading = self.out, self.reading
        planned = self.planned.get(name)
        if planned is not None:
            write_decision(planned, answer, rests, self.planned, self.by_name, reading, out, self.yes_no)
        else:
            out.heading(reading.stated(name, answer))
            if decision is None:
                return
            _decision(out, reading, self.trace, decision, self.by_name, self.trace.get("languages") or ["en"], rests)
        if rests:
            out.lines += self.warning_lines(decision["name"])

    def warning_lines(self, name: str) -> tuple:
        lines = self._warned.get(name) if self._warned is not None else None
        if lines is None:
            lines = []
            for warning in self.beneath.warnings(name):
                lines.extend(self.out.wrapped_lines("warning", _warning_text(warning, self.reading, self.trace)))
            lines = tuple(lines)
            if self._warned is not None:
                self._warned[name] = lines
        return lines

    def supporting(self, requested: list) -> list:
        if self.graph is None or not all(name.__class__ is str for name in requested):
            return _supporting(requested, self.by_name)
        return [self.by_name[name] for name in self.graph.supporting(tuple(requested))]

    def kept_lines(self, assumed: dict, make) -> tuple:
        """The lines of the values assumed, kept with the plans if they are, else `make()`."""
        if self.context is None:
            return make()
        return assumed_lines(self.context, assumed, self.reading, self.out, make)

    def assumed(self) -> dict:
        if self.graph is None:
            return _assumed(self.trace)
        if not self.trace.get("defaults"):
            return {}
        read = self.graph.read()
        return {name: value for name, value in self.trace.get("defaults", {}).items() if name in read}


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


def _unanswered(out: "Writer", reading: Reading, name: str, status: dict, languages):
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
            out.line("rule", f"{status['rule']} · {file_line(where.get('file', ''), where.get('line'))}")
        elif where:
            out.line("rule", file_line(where.get("file", ""), where.get("line")))
    else:
        out.heading(f"{title}{colon(lang, title)}{w['not_evaluated']}")
        out.wrapped("missing", formatting.format_list([reading.title(m) for m in status.get("missing", [])], lang))


def _decision(out: "Writer", reading: Reading, trace, decision, by_name, languages, rests):
    """A decision's lines beneath its heading, but its warnings, written afresh."""
    w, lang = out.w, out.lang
    explanation = decision_text(decision, reading, languages[0])
    if not explanation and not decision.get("fired") and decision.get("kind") == "table":
        explanation = nothing_matched(decision, reading)
    if explanation:
        given = all("because" not in f for f in decision.get("fired", [])) and decision.get("fired")
        out.wrapped("given" if given else "because", explanation)
    since = ""
    if decision.get("valid_from"):
        since = " · " + w["valid_from"].format(date=reading.date(decision["valid_from"]))
    for index, fired in enumerate(decision["fired"]):
        where = file_line(decision["location"]["file"], fired["line"])
        wanted, source = fired.get("source"), None
        for candidate in decision.get("sources", []):
            if candidate and candidate.get("id") == wanted:
                source = candidate
                break
        citation = cited(source, w, lang) if source else ""
        out.wrapped("rule", f"{fired['rule']} · {where}{citation}{since if index == 0 else ''}", first=index == 0)
    if not decision["fired"]:
        out.line("rule", f"{w['no_row']} · {file_line(decision['location']['file'], decision['location'].get('line'))}")
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
