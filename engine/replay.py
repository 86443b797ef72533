"""replay: a saved trace → checked for shape, then evaluated again and compared with the ruleset now."""
from __future__ import annotations

import datetime as dt
import json

import attrs

from engine.errors import Diagnostic, TraceError, VerdictError
from engine.explain import _plain
from engine.trace import TRACE_FORMAT


def _refuse(what: str, message: str) -> TraceError:
    return TraceError(Diagnostic("error", "trace", f"{what}: {message}"))


def _is_str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _texts(values) -> bool:
    return all(isinstance(v, str) for v in values)


def read_trace(text: str, what: str = "trace") -> dict:
    """The trace in `text`, refused with a message unless it has the shape of format 1."""
    try:
        trace = json.loads(text)
    except json.JSONDecodeError as error:
        raise _refuse(what, f"not JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise _refuse(what, "nested too deeply to be a trace") from None
    if not isinstance(trace, dict) or trace.get("trace_format") != TRACE_FORMAT:
        raise _refuse(what, f"not a verdict trace of format {TRACE_FORMAT}")
    for key in ("ruleset", "as_of", "facts", "requested", "outputs", "decisions"):
        if key not in trace:
            raise _refuse(what, f"the trace has no `{key}`")
    ruleset = trace["ruleset"]
    if not (isinstance(ruleset, dict) and all(isinstance(ruleset.get(k), str) for k in ("name", "version", "sha256"))):
        raise _refuse(what, "`ruleset` must give `name`, `version` and `sha256` as text")
    try:
        dt.date.fromisoformat(trace["as_of"])
    except (TypeError, ValueError):
        raise _refuse(what, "`as_of` must be a date YYYY-MM-DD") from None
    if not isinstance(trace["facts"], dict) or not isinstance(trace["outputs"], dict):
        raise _refuse(what, "`facts` and `outputs` must be objects")
    if not _is_str_list(trace["requested"]) or not _is_str_list(trace.get("languages", [])):
        raise _refuse(what, "`requested` and `languages` must be lists of names")
    if not isinstance(trace.get("warnings", []), list) or not all(
            isinstance(x, dict) and all(isinstance(x.get(k), str) for k in ("name", "checked", "source"))
            for x in trace.get("warnings", [])):
        raise _refuse(what, "each warning must give `name`, `checked` and `source`")
    display = trace.get("display", {})
    if not isinstance(display, dict) or not all(isinstance(v, dict) and all(isinstance(e, dict) for e in v.values())
                                                for v in display.values()):
        raise _refuse(what, "`display` must map each language to the decisions' titles and values")
    if not isinstance(trace["decisions"], list):
        raise _refuse(what, "`decisions` must be a list")
    for index, decision in enumerate(trace["decisions"], 1):
        _check_decision(what, index, decision)
    by_name = {d["name"]: d for d in trace["decisions"]}
    for name in trace["requested"]:
        if name in by_name and by_name[name].get("output") != trace["outputs"].get(name):
            raise _refuse(what, f"the output of `{name}` is not the one its decision gave: the trace was edited")
    return trace


def _check_decision(what: str, index: int, decision) -> None:
    def bad(message):
        return _refuse(what, f"decision {index}: {message}")
    if not isinstance(decision, dict) or not isinstance(decision.get("name"), str):
        raise bad("must be an object with a `name`")
    location = decision.get("location")
    if not (isinstance(location, dict) and isinstance(location.get("file"), str)):
        raise bad("`location` must give the `file` and `line`")
    fired = decision.get("fired")
    if not isinstance(fired, list) or not all(isinstance(f, dict) and isinstance(f.get("rule"), str) and "line" in f
                                              and (f.get("source") is None or isinstance(f.get("source"), str))
                                              for f in fired):
        raise bad("`fired` must list rules with `rule` and `line`")
    if not isinstance(decision.get("explanation"), dict) or not all(
            isinstance(v, str) for v in decision["explanation"].values()):
        raise bad("`explanation` must map languages to texts")
    if not _is_str_list(decision.get("reads", [])):
        raise bad("`reads` must be a list of names")
    if not isinstance(decision.get("sources", []), list) or not all(
            s is None or (isinstance(s, dict) and isinstance(s.get("id"), str) and _texts(s.values()))
            for s in decision.get("sources", [])):
        raise bad("`sources` must list objects with an `id` and texts")
    parameters = decision.get("parameters", [])
    if not isinstance(parameters, list) or not all(
            isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("effective_from"), str)
            and "value" in p and isinstance(p.get("display", {}), dict) and _texts(p.get("display", {}).values())
            for p in parameters):
        raise bad("`parameters` must give `name`, `value` and `effective_from` (and `display` as texts)")
    if not isinstance(decision.get("display", {}), dict):
        raise bad("`display` must map languages to texts")


@attrs.frozen
class Replay:
    same: bool                 # the same outputs, rules fired and figures
    hash_changed: bool
    differences: tuple         # what changed in the verdict, the earliest decisions first
    notes: tuple = ()          # what changed without changing the verdict (explanations, titles)

    def report(self, trace: dict, ruleset) -> str:
        lines = []
        if self.hash_changed:
            version = (f"version {trace['ruleset']['version']} → {ruleset.version}"
                       if trace["ruleset"]["version"] != ruleset.version else
                       f"still version {ruleset.version}: the content changed without a new version")
            lines.append(f"the ruleset changed: sha256 {trace['ruleset']['sha256'][:12]}… → {ruleset.sha256[:12]}… "
                         f"({version})")
        else:
            lines.append(f"the ruleset is unchanged (sha256 {ruleset.sha256[:12]}…)")
        if self.same:
            lines.append(f"same verdict: the outputs, the rules that fired and the figures are identical as of "
                         f"{trace['as_of']}")
        else:
            lines.append("the verdict differs:")
            lines.extend(f"  {d}" for d in self.differences)
        if self.notes:
            lines.append("the explanations read differently:")
            lines.extend(f"  {n}" for n in self.notes)
        return "\n".join(lines) + "\n"


def _shown(entry: dict, key: str = "output") -> str:
    """A value as the trace displays it (`10,339.00 €`), else its JSON."""
    display = entry.get("display")
    if key == "output" and isinstance(display, dict) and display:
        return str(next(iter(display.values())))
    return _plain(entry.get(key))


def _figure(parameter: dict) -> str:
    display = parameter.get("display")
    shown = str(next(iter(display.values()))) if isinstance(display, dict) and display else _plain(parameter.get("value"))
    return f"{shown} from {parameter.get('effective_from')}"


def replay(trace: dict, ruleset) -> Replay:
    """Evaluate the trace's facts again on `ruleset` and compare every decision it rests on:
    outputs, rules fired, the figures read; explanations are compared too, as notes."""
    if trace["ruleset"]["name"] != ruleset.name:
        raise TraceError(Diagnostic("error", "trace", f"this trace is a verdict of the ruleset "
                                    f"`{trace['ruleset']['name']}`, not of `{ruleset.name}`",
                                    hint="replay it against the ruleset that gave it, in its newer version"))
    hash_changed = trace["ruleset"]["sha256"] != ruleset.sha256
    try:
        new = ruleset.evaluate(dict(trace["facts"]), as_of=trace["as_of"], outputs=trace["requested"]).to_dict()
    except VerdictError as error:
        # The ruleset now refuses these facts or cannot answer: that is a different verdict.
        reasons = tuple(f"the ruleset no longer gives a verdict: {d.message}" for d in error.diagnostics)
        return Replay(False, hash_changed, reasons)
    before = {d["name"]: d for d in trace["decisions"]}
    after = {d["name"]: d for d in new["decisions"]}
    differences, notes = [], []
    figures: dict = {}  # parameter -> (before, after, decisions reading it): the causes, listed first
    for name in list(after) + [n for n in before if n not in after]:  # the order of evaluation
        old, now = before.get(name), after.get(name)
        if old is None or now is None:
            differences.append(f"{name}: {'no longer computed' if now is None else 'now computed'}")
            continue
        line = now["fired"][0]["line"] if now["fired"] else now["location"].get("line")
        where = f"{now['location']['file'].rsplit('/', 1)[-1]}:{line}"
        if old.get("output") != now.get("output"):
            differences.append(f"{name}: {_shown(old)} → {_shown(now)}  ({where})")
        old_rules, new_rules = [f["rule"] for f in old["fired"]], [f["rule"] for f in now["fired"]]
        if old_rules != new_rules:
            differences.append(f"{name}: rules fired {', '.join(old_rules) or 'none'} → {', '.join(new_rules) or 'none'}")
        old_figures = {p["name"]: p for p in old.get("parameters", [])}
        for figure in now.get("parameters", []):
            previous = old_figures.get(figure["name"])
            if previous is not None and (previous.get("value"), previous.get("effective_from")) != (
                    figure.get("value"), figure.get("effective_from")):
                readers = figures.setdefault(figure["name"], (previous, figure, []))[2]
                readers.append(name)
        for lang, text in now.get("explanation", {}).items():
            if old.get("explanation", {}).get(lang, text) != text:
                notes.append(f"{name} ({lang}): {text}")
    causes = [f"{name}: {_figure(old)} → {_figure(now)}  (read by {', '.join(readers)})"
              for name, (old, now, readers) in figures.items()]
    differences = causes + differences
    # Explanations follow the outputs: worth listing only when the outputs did not change.
    return Replay(not differences, hash_changed, tuple(differences), () if differences else tuple(notes))
