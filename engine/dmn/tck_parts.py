"""The TCK cases whose model verdict refuses as a whole, run in part (h16-dmn-dur): most TCK
models hold, beside the decisions verdict translates, a few testing what it does not (a `null`, a
time of day); `verdict dmn import` refuses such a file whole, so none of its test cases would run.

Here each test case is run against the part of the model it reads: the decisions of its result
nodes, the decisions, inputs and business knowledge models they require (transitively), every
item definition. A part that verdict refuses leaves its test case not run (counted, with the
first reason); a part imported is the import of a file holding only those elements, checked by
the same checker, and its outputs are compared as for a whole model. The status `part` says
every test case run passed (or differs only where DMN gives null, or by a binary float's digits);
a test case run that gives another value makes the case `fail`, as for a whole model.
"""
from __future__ import annotations

import attrs

from engine.dmn import tck
from engine.dmn.reader import Definitions, read_definitions
from engine.dmn.xmltree import parse_xml
from engine.errors import VerdictError


def closure(defs: Definitions, names: list):
    """(decision ids, input ids, BKM ids) the decisions named `names` need, or None when a name
    is not a decision of the model."""
    decisions = {d.id: d for d in defs.decisions}
    by_name = {d.name: d.id for d in defs.decisions}
    bkms = {b.id: b for b in defs.bkms}
    inputs = {i.id for i in defs.inputs}
    if any(name not in by_name for name in names):
        return None
    wanted, needed_inputs, needed_bkms = set(), set(), set()
    todo = [by_name[name] for name in names]
    while todo:
        found = todo.pop()
        if found in wanted or found in needed_inputs:
            continue
        if found in inputs:
            needed_inputs.add(found)
            continue
        if found not in decisions:
            wanted.add(found)  # a requirement naming nothing: the import refuses it, naming it
            continue
        wanted.add(found)
        todo.extend(decisions[found].required)
        knowledge = list(decisions[found].knowledge)
        while knowledge:
            bkm = knowledge.pop()
            if bkm not in needed_bkms:
                needed_bkms.add(bkm)
                knowledge.extend(bkms[bkm].required if bkm in bkms else ())
    return frozenset(wanted), frozenset(needed_inputs), frozenset(needed_bkms)


def part_of(defs: Definitions, needed) -> Definitions:
    decisions, inputs, bkms = needed
    return attrs.evolve(defs, decisions=tuple(d for d in defs.decisions if d.id in decisions),
                        inputs=tuple(i for i in defs.inputs if i.id in inputs),
                        bkms=tuple(b for b in defs.bkms if b.id in bkms))


def run_parts(source, level: str, case: str, model: str, tests: list, refused: str):
    """The CaseResult of a case whose model is refused whole (`refused`: the first reason):
    `part` or `fail` when some test cases run, else `refused` with that reason."""
    from engine.dmn.to_rules import import_definitions
    model_name = model.rsplit("/", 1)[-1]
    try:
        defs = read_definitions(source.read(model), model_name)
    except VerdictError:
        return tck.CaseResult(case, level, "refused", reason=refused)
    imports: dict = {}  # needed elements -> Imported, or the message of the part's refusal
    run = passed = skipped = not_imported = 0
    null_or_float = True
    failure = first_refusal = unsupported = ""
    for test_file in tests:
        for test in parse_xml(source.read(test_file), test_file).all("testCase"):
            where = f"{case} test {test.attributes.get('id', '?')}"
            if test.attributes.get("type", "decision") != "decision" or test.attributes.get("invocableName"):
                continue
            needed = closure(defs, [n.attributes.get("name", "") for n in test.all("resultNode")])
            if needed is None:
                not_imported += 1
                first_refusal = first_refusal or f"{where}: a result node is not a decision of the model"
                continue
            if needed not in imports:
                try:
                    imports[needed] = import_definitions(part_of(defs, needed), model_name)
                except VerdictError as error:
                    imports[needed] = error.diagnostics[0].message
            imported = imports[needed]
            if isinstance(imported, str):
                not_imported += 1
                first_refusal = first_refusal or f"{where}: {imported}"
                continue
            try:
                facts, expectations = tck.test_facts(imported, test, where, only_known=True)
            except tck.Unsupported as error:
                unsupported = unsupported or str(error)
                skipped += 1
                continue
            run += 1
            ok, why = tck._evaluate(imported, facts, expectations, where)
            passed += ok
            failure = failure or why
            null_or_float = null_or_float and (ok or tck.NULL_DIFFERENCE in why or tck.FLOAT_DIFFERENCE in why)
    if run == 0:
        return tck.CaseResult(case, level, "refused", reason=refused)
    status = "part" if null_or_float else "fail"
    reason = f"{not_imported} test case(s) not run, their decisions refused: {first_refusal}" if not_imported else ""
    reason = "; ".join(r for r in (failure, reason) if r)
    return tck.CaseResult(case, level, status, run, passed, skipped, reason, not_imported)
