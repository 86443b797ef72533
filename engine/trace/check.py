"""check: a saved trace → refused unless its shape, its digest and its own story hold.

An auditor reads a trace long after the fact, so nothing in it is taken on trust: the digest must
be that of its content, the outputs must be the ones its decision records gave, the status of
each question must agree with what is recorded, and every value a rule saw (a column, a hole of a
template) must be the fact, default, decision output or figure of the same name in the trace.
"""
from __future__ import annotations

import datetime as dt
import json

from engine.errors import Diagnostic, TraceError
from engine.semantics.records import path_in
from engine.trace.verdict import READABLE_FORMATS, TRACE_FORMAT
from engine.trace.dumps import digest_of

OLD_FORMATS = (1,)  # replayable (their facts are read), not explained: they carry no digest
STATES = ("answered", "no_answer", "not_evaluated")


def _refuse(what: str, message: str, hint: str = None) -> TraceError:
    return TraceError(Diagnostic("error", "trace", f"{what}: {message}", hint=hint))


def _is_str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def parse_trace(text: str, what: str) -> dict:
    try:
        trace = json.loads(text)
    except json.JSONDecodeError as error:
        raise _refuse(what, f"not JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise _refuse(what, "nested too deeply to be a trace") from None
    if not isinstance(trace, dict) or trace.get("trace_format") not in READABLE_FORMATS + OLD_FORMATS \
            or type(trace.get("trace_format")) is not int:
        raise _refuse(what, f"not a verdict trace of format {TRACE_FORMAT} (or 2)")
    return trace


def read_trace(text: str, what: str = "trace", allow_old: bool = False) -> dict:
    """The trace in `text`, refused with a message unless its shape, digest and content agree.
    `allow_old`: a trace of an earlier format is accepted for its facts (replay only)."""
    trace = parse_trace(text, what)
    if trace["trace_format"] not in READABLE_FORMATS:
        if not allow_old:
            raise _refuse(what, f"a trace of format {trace['trace_format']} (verdict 0.1) carries no digest, so "
                          "its text cannot be trusted", hint="`verdict replay TRACE RULESET` evaluates its facts again")
        _check_basics(trace, what, ("ruleset", "as_of", "facts", "requested"))
        return trace
    check_trace(trace, what)
    return trace


# `verdict replay` refuses an edited trace as `verify` does: its facts are evaluated again by `eval`.
_ORIGINAL_OR_AGAIN = "ask for the original trace, or evaluate its facts again with `verdict eval`"


def check_trace(trace: dict, what: str = "trace", signature: bool = True) -> None:
    """Refuse (TraceError) a trace of the current format whose shape, digest or story fails, or
    (`signature`) that carries a signature that does not hold."""
    _check_basics(trace, what, ("ruleset", "as_of", "facts", "defaults", "requested", "complete", "outputs",
                                "status", "types", "labels", "decisions", "digest"))
    _check_shape(trace, what)
    digest = trace["digest"]
    if not isinstance(digest, dict) or not isinstance(digest.get("sha256"), str):
        raise _refuse(what, "`digest` must give the `sha256` of the trace's content")
    if digest["sha256"] != digest_of(trace):
        raise _refuse(what, "its digest is not the digest of its content: the trace was changed after it was "
                      "written", hint=_ORIGINAL_OR_AGAIN)
    _check_story(trace, what)
    if signature and "signature" in trace:
        from engine.trace.signing import check_signature
        result = check_signature(trace)
        if not result.valid:
            raise _refuse(what, result.message, hint="`verdict verify` says more")


def _check_basics(trace: dict, what: str, keys) -> None:
    for key in keys:
        if key not in trace:
            raise _refuse(what, f"the trace has no `{key}`")
    ruleset = trace["ruleset"]
    if not (isinstance(ruleset, dict) and all(isinstance(ruleset.get(k), str) for k in ("name", "version", "sha256"))):
        raise _refuse(what, "`ruleset` must give `name`, `version` and `sha256` as text")
    try:
        dt.date.fromisoformat(trace["as_of"])
    except (TypeError, ValueError):
        raise _refuse(what, "`as_of` must be a date YYYY-MM-DD") from None
    if not isinstance(trace["facts"], dict):
        raise _refuse(what, "`facts` must be an object")
    if not _is_str_list(trace["requested"]) or not _is_str_list(trace.get("languages", [])):
        raise _refuse(what, "`requested` and `languages` must be lists of names")


def _check_shape(trace: dict, what: str) -> None:
    for key in ("defaults", "outputs", "status", "types", "labels"):
        if not isinstance(trace[key], dict):
            raise _refuse(what, f"`{key}` must be an object")
    if not isinstance(trace["complete"], bool):
        raise _refuse(what, "`complete` must be true or false")
    if not isinstance(trace.get("warnings", []), list) or not all(
            isinstance(x, dict) and all(isinstance(x.get(k), str) for k in ("name", "checked", "source"))
            for x in trace.get("warnings", [])):
        raise _refuse(what, "each warning must give `name`, `checked` and `source`")
    for lang, labels in trace["labels"].items():
        if not (isinstance(labels, dict) and all(isinstance(labels.get(k, {}), dict) and
                                                 all(isinstance(v, str) for v in labels.get(k, {}).values())
                                                 for k in ("titles", "symbols"))):
            raise _refuse(what, f"`labels.{lang}` must give `titles` and `symbols` as texts")
    for name, status in trace["status"].items():
        _check_status(what, f"the status of `{name}`", status)
    if not isinstance(trace["decisions"], list):
        raise _refuse(what, "`decisions` must be a list")
    for index, decision in enumerate(trace["decisions"], 1):
        _check_decision(what, index, decision)
    from engine.trace.calls_check import check_shape  # the calls of functions (h16-calls)
    check_shape(trace, lambda message: _refuse(what, message))


def _check_status(what: str, where: str, status) -> None:
    if not isinstance(status, dict) or status.get("status") not in STATES:
        raise _refuse(what, f"{where} must be one of: {', '.join(STATES)}")
    if status["status"] == "no_answer":
        reason = status.get("reason")
        if not (isinstance(reason, dict) and all(isinstance(v, str) for v in reason.values())
                and isinstance(status.get("decision"), str)):
            raise _refuse(what, f"{where}: a `no_answer` gives its `decision` and its `reason` by language")
        location = status.get("location")
        if location is not None and not (isinstance(location, dict) and isinstance(location.get("file"), str)):
            raise _refuse(what, f"{where}: `location` must give the `file` and `line`")
    if status["status"] == "not_evaluated" and not _is_str_list(status.get("missing")):
        raise _refuse(what, f"{where}: a `not_evaluated` lists the `missing` facts")


def _check_decision(what: str, index: int, decision) -> None:
    def bad(message):
        return _refuse(what, f"decision {index}: {message}")
    if not isinstance(decision, dict) or not isinstance(decision.get("name"), str):
        raise bad("must be an object with a `name`")
    location = decision.get("location")
    if not (isinstance(location, dict) and isinstance(location.get("file"), str)):
        raise bad("`location` must give the `file` and `line`")
    if decision.get("status") != "answered":
        _check_status(what, f"decision {index}", decision)
        return
    fired = decision.get("fired")
    if not isinstance(fired, list) or not all(
            isinstance(f, dict) and isinstance(f.get("rule"), str) and "line" in f
            and (f.get("source") is None or isinstance(f.get("source"), str))
            and isinstance(f.get("because", {}), dict) and all(isinstance(t, str) for t in f.get("because", {}).values())
            and isinstance(f.get("holes", {}), dict)
            and isinstance(f.get("tests", []), list) for f in fired):
        raise bad("`fired` must list rules with `rule`, `line` and their `because` texts")
    inputs = decision.get("inputs", [])
    if not isinstance(inputs, list) or not all(isinstance(i, dict) and isinstance(i.get("column"), str)
                                               and "value" in i for i in inputs):
        raise bad("`inputs` must list the columns with the `value` each read")
    for f in fired:
        for test in f.get("tests", []):
            if not (isinstance(test, dict) and type(test.get("column")) is int and 0 <= test["column"] < len(inputs)
                    and isinstance(test.get("test"), str)):
                raise bad("each test of a fired rule names a column of `inputs` and its `test`")
    if not isinstance(decision.get("rows", []), list) or not all(
            isinstance(r, dict) and isinstance(r.get("rule"), str) and isinstance(r.get("matched"), bool)
            for r in decision.get("rows", [])):
        raise bad("`rows` must give each row's `rule` and whether it `matched`")
    if not _is_str_list(decision.get("reads", [])):
        raise bad("`reads` must be a list of names")
    if not isinstance(decision.get("sources", []), list) or not all(
            s is None or (isinstance(s, dict) and isinstance(s.get("id"), str) and all(isinstance(v, str) for v in s.values()))
            for s in decision.get("sources", [])):
        raise bad("`sources` must list objects with an `id` and texts")
    parameters = decision.get("parameters", [])
    if not isinstance(parameters, list) or not all(
            isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("effective_from"), str)
            and "value" in p for p in parameters):
        raise bad("`parameters` must give `name`, `value` and `effective_from`")


def _check_story(trace: dict, what: str) -> None:
    """The trace agrees with itself: statuses, outputs, decision records and the values seen."""
    def edited(message):
        return _refuse(what, f"{message}: the trace was edited", hint=_ORIGINAL_OR_AGAIN)
    requested, status, outputs = trace["requested"], trace["status"], trace["outputs"]
    if set(status) != set(requested):
        raise edited("the questions with a status are not the questions asked")
    answered = [n for n in requested if status[n]["status"] == "answered"]
    if set(outputs) != set(answered):
        raise edited("the outputs are not those of the questions answered")
    if trace["complete"] != (len(answered) == len(requested)):
        raise edited("`complete` does not agree with the statuses")
    by_name = {}
    for decision in trace["decisions"]:
        if decision["name"] in by_name:
            raise edited(f"`{decision['name']}` is recorded twice")
        by_name[decision["name"]] = decision
    for name in answered:
        entry = by_name.get(name)
        if entry is None or entry.get("status") != "answered":
            raise edited(f"`{name}` is answered but no decision record gives it")
        if entry.get("output") != outputs[name]:
            raise edited(f"the output of `{name}` is not the one its decision gave")
    for name in requested:
        if status[name]["status"] != "answered" and by_name.get(name, {}).get("status") == "answered":
            raise edited(f"`{name}` has an answer on record but its status says otherwise")
    seen = dict(trace["defaults"])
    seen.update(trace["facts"])
    for decision in trace["decisions"]:
        if decision.get("status") == "answered":
            seen.setdefault(decision["name"], decision.get("output"))
    figures: dict = {}
    day = trace["as_of"]  # ISO dates: their order is their text's
    for decision in trace["decisions"]:
        for parameter in decision.get("parameters", []):
            if figures.setdefault(parameter["name"], parameter["value"]) != parameter["value"]:
                raise edited(f"the figure `{parameter['name']}` has two values")
            since = parameter.get("effective_from")
            if isinstance(since, str) and since > day:
                raise edited(f"the figure `{parameter['name']}` is in force from {since}, after the trace's date {day}")
        start, end = decision.get("valid_from"), decision.get("valid_to")
        if (isinstance(start, str) and start > day) or (isinstance(end, str) and end < day):
            valid = f"from {start} to {end}" if start and end else f"from {start}" if start else f"up to {end}"
            raise edited(f"`{decision['name']}` is the version valid {valid}, not on the trace's date {day}")
    for decision in trace["decisions"]:
        if decision.get("status") != "answered":
            continue
        name = decision["name"]
        for column in decision.get("inputs", []):
            source = column.get("name")
            if source is not None and source in seen and seen[source] != column["value"]:
                raise edited(f"`{name}` saw {source} = {json.dumps(column['value'], ensure_ascii=False)}, "
                             f"but the trace gives {json.dumps(seen[source], ensure_ascii=False)}")
        matched = {r["rule"] for r in decision.get("rows", []) if r["matched"]}
        for fired in decision["fired"]:
            if decision.get("kind") == "table" and fired["rule"] not in matched:
                raise edited(f"`{name}` says rule {fired['rule']} fired, but its row did not match")
            for hole, value in fired.get("holes", {}).items():
                known = seen.get(hole, figures.get(hole, path_in(seen, hole, value)))  # `{a.b}` (records, h16-records)
                if hole == "as_of":
                    known = trace["as_of"]
                if known != value:
                    raise edited(f"the text of rule {fired['rule']} shows {hole} = "
                                 f"{json.dumps(value, ensure_ascii=False)}, but the trace gives "
                                 f"{json.dumps(known, ensure_ascii=False)}")
    from engine.trace.calls_check import check_story  # the calls of functions (h16-calls)
    check_story(trace, edited, figures)
