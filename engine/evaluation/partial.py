"""partial: a verdict that answers what it can — each requested output answered, given no answer
by the rules (with their reason), or not evaluated (with the facts it still needs).

Facts that are wrong (unknown, of the wrong type, out of range) are still refused whole: a partial
verdict is for what the facts leave open, never for what they get wrong.
"""
from __future__ import annotations

from typing import Mapping

from engine import ast
from engine.errors import EvaluationError, FactError
from engine.semantics.graph import evaluation_order, required_inputs
from engine.semantics.model import NO_DEFAULT
from engine.evaluation.status import ANSWERED, ANSWERED_STATUS, NO_ANSWER, NOT_EVALUATED, Status
from engine.trace.verdict import Verdict, shown_type_code, title_of, unanswered_entry
from engine.trace.dumps import digest_of


def missing_facts(model, facts: Mapping, name: str, day) -> list:
    """The inputs `name` needs on `day` that the facts do not give and that have no default."""
    return [n for n in required_inputs(model, [name], day)
            if n not in facts and model.inputs[n].default is NO_DEFAULT]


def evaluate_partial(ruleset, facts: Mapping, day, wanted: tuple, traced: bool) -> Verdict:
    try:  # the common case, at full speed: everything asked can be answered
        return ruleset.evaluate(facts, as_of=day, outputs=wanted, trace=traced)
    except FactError as error:
        wrong = [d for d in error.diagnostics if d.code != "missing-fact"]
        if wrong:  # wrong facts are refused, partial or not; the missing ones are no error here
            raise FactError(wrong, error.sources) from None
    except EvaluationError:
        pass
    model = ruleset.model
    for name in wanted:
        if name not in model.decisions:
            ruleset.evaluate({}, as_of=day, outputs=[name])  # the unknown-output error, as ever
    if not isinstance(facts, Mapping):
        ruleset.prepare_facts(facts, (), day)  # the fact-type error
    statuses: dict = {}
    unanswered: dict = {}  # decision -> Status, for the decisions beneath the unanswered questions
    for name in wanted:
        missing = missing_facts(model, facts, name, day)
        if missing:
            statuses[name] = Status(NOT_EVALUATED, missing=tuple(missing))
            for support in evaluation_order(model, [name], day):
                lacking = [n for n in missing_facts(model, facts, support, day)]
                if support != name and lacking and support not in wanted:
                    unanswered.setdefault(support, Status(NOT_EVALUATED, missing=tuple(lacking)))
    answerable = tuple(n for n in wanted if n not in statuses)
    good = answerable
    verdict = None
    if answerable:
        try:
            verdict = ruleset.evaluate(facts, as_of=day, outputs=answerable, trace=traced)
        except EvaluationError:
            # One of them stops: ask each on its own, so that only those that need it go unanswered.
            good = []
            for name in answerable:
                try:
                    # traced as asked: a traced call inside `for` says which element it failed on
                    ruleset.evaluate(facts, as_of=day, outputs=(name,), trace=traced)
                    good.append(name)
                except EvaluationError as error:
                    status = no_answer_status(ruleset, error, name)
                    statuses[name] = status
                    if status.decision != name and status.decision not in wanted:
                        unanswered.setdefault(status.decision, status)
            good = tuple(good)
            verdict = ruleset.evaluate(facts, as_of=day, outputs=good, trace=traced) if good else None
    else:
        ruleset.prepare_facts(facts, (), day)  # the facts given are still checked, and refused if wrong
    outputs = dict(verdict.outputs) if verdict is not None else {}
    status = {name: statuses.get(name, ANSWERED_STATUS) for name in wanted}
    if not statuses and verdict is not None:
        return verdict
    extra = tuple(unanswered.items())

    def build():
        base = verdict.to_dict() if verdict is not None else _empty_trace(ruleset, facts, day)
        return with_statuses(ruleset, base, wanted, status, extra)
    return Verdict({n: outputs[n] for n in wanted if n in outputs}, None, build, status)


def _empty_trace(ruleset, facts, day) -> dict:
    from engine.trace.verdict import build_trace
    prepared = ruleset.prepare_facts(facts, (), day)
    return build_trace(ruleset, day, dict.fromkeys(facts), prepared, (), {}, [])


def no_answer_status(ruleset, error: EvaluationError, asked: str) -> Status:
    """Why `asked` has no answer: the decision and rule where evaluation stopped, and the reason
    in each language (a `no answer` row's own words, translated where messages/ have them)."""
    from engine.ruleset import _decision_at
    diagnostic = error.diagnostics[0]
    found = _decision_at(ruleset.model, diagnostic.span)
    decision = found[0] if found else asked
    rule = (diagnostic.extra or {}).get("rule")
    location = ({"file": diagnostic.span.file, "line": diagnostic.span.line, "column": diagnostic.span.column}
                if diagnostic.span is not None else None)
    languages = ruleset.files.languages
    node = _no_answer_row(ruleset.model, rule) if rule else None
    if node is not None and node.reason:
        reason = {}
        for lang in languages:
            translated = ruleset.files.messages.get(lang, {}).get("because", {}).get(rule)
            reason[lang] = translated or node.reason
    else:
        reason = {lang: diagnostic.message for lang in languages}
    return Status(NO_ANSWER, code=diagnostic.code, decision=decision, rule=rule, location=location, reason=reason,
                  diagnostic=diagnostic)


def _no_answer_row(model, rule: str):
    for info in model.decisions.values():
        for version in info.versions:
            for row in getattr(version.decl.body, "rows", ()):
                for output in row.outputs:
                    if isinstance(output, ast.NoAnswer) and output.rule_id == rule:
                        return output
    return None


def with_statuses(ruleset, base: dict, wanted, status: dict, unanswered: tuple) -> dict:
    """The trace of the answered part (`base`) made the trace of the whole request: every question
    with its status, and an entry for each decision that gave no answer or was not evaluated."""
    model = ruleset.model
    trace = {k: v for k, v in base.items() if k != "digest"}
    trace["requested"] = list(wanted)
    trace["complete"] = all(s.state == ANSWERED for s in status.values())
    trace["outputs"] = {n: base["outputs"][n] for n in wanted if n in base["outputs"]}
    trace["status"] = {n: s.to_dict() for n, s in status.items()}
    types = dict(base["types"])
    labels = {lang: {"titles": dict(v["titles"]), "symbols": dict(v["symbols"])} for lang, v in base["labels"].items()}
    decisions = list(base["decisions"])
    recorded = {d["name"] for d in decisions}
    entries = [(n, s) for n, s in status.items() if s.state != ANSWERED] + list(unanswered)
    for name, state in entries:
        if name not in recorded:
            recorded.add(name)
            decisions.append(unanswered_entry(ruleset, name, state))
    for name in list(wanted) + [n for n, _ in unanswered]:
        types.setdefault(name, shown_type_code(ruleset, name, model.decisions[name].type))
        for lang in labels:
            labels[lang]["titles"].setdefault(name, title_of(ruleset, name, lang))
    for missing in (m for _, state in entries for m in state.missing):
        for lang in labels:
            labels[lang]["titles"].setdefault(missing, title_of(ruleset, missing, lang))
    trace["types"], trace["labels"], trace["decisions"] = types, labels, decisions
    trace["digest"] = {"sha256": digest_of(trace)}
    return trace
