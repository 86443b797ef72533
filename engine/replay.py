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
            s is None or (isinstance(s, dict) and isinstance(s.get("id"), str)) for s in decision.get("sources", [])):
        raise bad("`sources` must list objects with an `id`")
    parameters = decision.get("parameters", [])
    if not isinstance(parameters, list) or not all(
            isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("effective_from"), str)
            and "value" in p for p in parameters):
        raise bad("`parameters` must give `name`, `value` and `effective_from`")
    if not isinstance(decision.get("display", {}), dict):
        raise bad("`display` must map languages to texts")


@attrs.frozen
class Replay:
    same: bool
    hash_changed: bool
    differences: tuple

    def report(self, trace: dict, ruleset) -> str:
        lines = []
        if self.hash_changed:
            lines.append(f"the ruleset changed: sha256 {trace['ruleset']['sha256'][:12]}… → {ruleset.sha256[:12]}… "
                         f"(version {trace['ruleset']['version']} → {ruleset.version})")
        else:
            lines.append(f"the ruleset is unchanged (sha256 {ruleset.sha256[:12]}…)")
        if self.same:
            lines.append(f"same verdict: the outputs and the rules that fired are identical as of {trace['as_of']}")
        else:
            lines.append("the verdict differs:")
            lines.extend(f"  {d}" for d in self.differences)
        return "\n".join(lines) + "\n"


def replay(trace: dict, ruleset) -> Replay:
    """Evaluate the trace's facts again on `ruleset` and compare outputs and fired rules."""
    hash_changed = trace["ruleset"]["sha256"] != ruleset.sha256
    try:
        new = ruleset.evaluate(dict(trace["facts"]), as_of=trace["as_of"], outputs=trace["requested"]).to_dict()
    except VerdictError as error:
        # The ruleset now refuses these facts or cannot answer: that is a different verdict.
        reasons = tuple(f"the ruleset no longer gives a verdict: {d.message}" for d in error.diagnostics)
        return Replay(False, hash_changed, reasons)
    differences = []
    for name in trace["requested"]:
        before, after = trace["outputs"].get(name), new["outputs"].get(name)
        if before != after:
            differences.append(f"{name}: {_plain(before)} → {_plain(after)}")
    fired_before = {d["name"]: [f["rule"] for f in d["fired"]] for d in trace["decisions"]}
    fired_after = {d["name"]: [f["rule"] for f in d["fired"]] for d in new["decisions"]}
    for name in sorted(set(fired_before) | set(fired_after)):
        if fired_before.get(name) != fired_after.get(name):
            differences.append(f"{name}: rules fired {fired_before.get(name)} → {fired_after.get(name)}")
    return Replay(not differences, hash_changed, tuple(differences))
