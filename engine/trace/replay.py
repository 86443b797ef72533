"""replay: a saved trace → checked (trace/check.py), then evaluated again and compared with the ruleset now."""
from __future__ import annotations

import json

import attrs

from engine.errors import Diagnostic, TraceError, VerdictError
from engine.explain.render import Reading, plain
from engine.trace.replay_calls import call_differences
from engine.trace.verdict import READABLE_FORMATS


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


def _shown_pair(old, new, old_code, new_code) -> tuple:
    """Two values as a person reads them; as their exact JSON when the words would look the same."""
    reading = Reading({}, "en")
    before, after = reading.value(old, old_code), reading.value(new, new_code)
    if before == after:
        before, after = plain_json(old), plain_json(new)
    return before, after


def plain_json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _status_text(status: dict) -> str:
    state = status.get("status", "answered")
    if state == "no_answer":
        return "no answer"
    if state == "not_evaluated":
        return "not evaluated (missing " + ", ".join(status.get("missing", [])) + ")"
    return "answered"


def replay(trace: dict, ruleset) -> Replay:
    """Evaluate the trace's facts again on `ruleset` and compare every decision it rests on:
    the status of each question, outputs, rules fired, the figures read; the explanations are
    compared too, as notes."""
    if trace["ruleset"]["name"] != ruleset.name:
        raise TraceError(Diagnostic("error", "trace", f"this trace is a verdict of the ruleset "
                                    f"`{trace['ruleset']['name']}`, not of `{ruleset.name}`",
                                    hint="replay it against the ruleset that gave it, in its newer version"))
    hash_changed = trace["ruleset"]["sha256"] != ruleset.sha256
    try:
        new = ruleset.evaluate(dict(trace["facts"]), as_of=trace["as_of"], outputs=trace["requested"],
                               partial=True).to_dict()
    except VerdictError as error:
        # The ruleset now refuses these facts: that is a different verdict.
        reasons = tuple(f"the ruleset no longer gives a verdict: {d.message}" for d in error.diagnostics)
        return Replay(False, hash_changed, reasons)
    if trace["trace_format"] not in READABLE_FORMATS:  # an old trace: its facts and questions, nothing more
        return _replay_old(trace, new, hash_changed)
    before = {d["name"]: d for d in trace["decisions"]}
    after = {d["name"]: d for d in new["decisions"]}
    old_types, new_types = trace.get("types", {}), new.get("types", {})
    differences, notes = [], []
    for name in trace["requested"]:
        old_status, new_status = trace["status"].get(name, {}), new["status"].get(name, {})
        if old_status.get("status") != new_status.get("status"):
            differences.append(f"{name}: {_status_text(old_status)} → {_status_text(new_status)}")
    figures: dict = {}  # parameter -> (before, after, decisions reading it): the causes, listed first
    for name in list(after) + [n for n in before if n not in after]:  # the order of evaluation
        old, now = before.get(name), after.get(name)
        if old is None or now is None:
            differences.append(f"{name}: {'no longer computed' if now is None else 'now computed'}")
            continue
        if old.get("status") != "answered" or now.get("status") != "answered":
            continue  # said by the statuses above, or a support decision that still has none
        line = now["fired"][0]["line"] if now["fired"] else now["location"].get("line")
        where = f"{now['location']['file'].rsplit('/', 1)[-1]}:{line}"
        if old.get("output") != now.get("output"):
            before_text, after_text = _shown_pair(old.get("output"), now.get("output"),
                                                  old_types.get(name), new_types.get(name))
            differences.append(f"{name}: {before_text} → {after_text}  ({where})")
        old_rules, new_rules = [f["rule"] for f in old["fired"]], [f["rule"] for f in now["fired"]]
        if old_rules != new_rules:
            differences.append(f"{name}: rules fired {', '.join(old_rules) or 'none'} → {', '.join(new_rules) or 'none'}")
        called = call_differences(name, old, now, trace, new, _shown_pair)  # functions (engine/trace/replay_calls.py)
        differences.extend(called + ([f"{name}: the trace's calls are not those this ruleset makes (the trace was "
                                      "edited)"] if called and not hash_changed else []))
        old_figures = {p["name"]: p for p in old.get("parameters", [])}
        for figure in now.get("parameters", []):
            previous = old_figures.get(figure["name"])
            if previous is not None and (previous.get("value"), previous.get("effective_from")) != (
                    figure.get("value"), figure.get("effective_from")):
                readers = figures.setdefault(figure["name"], (previous, figure, []))[2]
                readers.append(name)
        if [f.get("because") for f in old["fired"]] != [f.get("because") for f in now["fired"]]:
            if hash_changed:
                notes.append(f"{name}: the text of its rules changed")
            else:  # the same ruleset cannot have given other words: they were written into the trace
                differences.append(f"{name}: the trace's explanation is not the one this ruleset gives "
                                   "(the trace was edited)")
    causes = []
    for name, (old, now, readers) in figures.items():
        before_text, after_text = _shown_pair(old.get("value"), now.get("value"), old_types.get(name),
                                              new_types.get(name))
        causes.append(f"{name}: {before_text} from {old.get('effective_from')} → {after_text} from "
                      f"{now.get('effective_from')}  (read by {', '.join(readers)})")
    differences = causes + differences
    if not hash_changed:  # the same ruleset gives the same words: any other was written into the trace
        differences.extend(_edited_words(trace, new, before, after))
    # Explanations follow the outputs: worth listing only when the outputs did not change.
    return Replay(not differences, hash_changed, tuple(differences), () if differences else tuple(notes))


def _edited_words(trace: dict, new: dict, before: dict, after: dict) -> list:
    """What a reader of the trace is shown and the unchanged ruleset gives otherwise: its version
    and title, the titles and symbol labels, the sources cited. Only what both hold is compared: an
    older engine wrote fewer labels, not other ones."""
    found = []
    said, now = trace.get("ruleset", {}), new.get("ruleset", {})
    for key in ("version", "title"):
        if key in said and key in now and said[key] != now[key]:
            found.append(f"the trace names the ruleset's {key} {plain_json(said[key])}, the ruleset's is "
                         f"{plain_json(now[key])} (the trace was edited)")
    old_labels, new_labels = trace.get("labels") or {}, new.get("labels") or {}
    for lang in sorted(set(old_labels) & set(new_labels)):
        for part in ("titles", "symbols"):
            mine, theirs = old_labels[lang].get(part) or {}, new_labels[lang].get(part) or {}
            for name in sorted(set(mine) & set(theirs)):
                if mine[name] != theirs[name]:
                    found.append(f"the trace's {lang} label of `{name}` is {plain_json(mine[name])}, the ruleset's "
                                 f"{plain_json(theirs[name])} (the trace was edited)")
    for name in [n for n in after if n in before]:  # in the order of evaluation
        mine = {s.get("id"): s for s in before[name].get("sources") or ()}
        theirs = {s.get("id"): s for s in after[name].get("sources") or ()}
        for source in sorted(set(mine) & set(theirs), key=str):
            fields = [f for f in sorted(set(mine[source]) & set(theirs[source])) if mine[source][f] != theirs[source][f]]
            if fields:
                found.append(f"{name}: the trace's source `{source}` differs from the ruleset's in its "
                             f"{', '.join(fields)} (the trace was edited)")
    return found


def _replay_old(trace: dict, new: dict, hash_changed: bool) -> Replay:
    """A trace of an earlier format: compare the outputs it recorded with the ones given now."""
    differences = []
    old_outputs = trace.get("outputs", {}) if isinstance(trace.get("outputs"), dict) else {}
    for name in trace["requested"]:
        if name not in new["outputs"]:
            differences.append(f"{name}: {plain(old_outputs.get(name))} → {_status_text(new['status'][name])}")
        elif old_outputs.get(name) != new["outputs"][name]:
            before, after = _shown_pair(old_outputs.get(name), new["outputs"][name], None, new["types"].get(name))
            differences.append(f"{name}: {before} → {after}")
    notes = (f"a trace of format {trace['trace_format']}: only its outputs are compared",)
    return Replay(not differences, hash_changed, tuple(differences), notes)
