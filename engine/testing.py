"""Example cases: rulesets/<name>/tests/*.yaml, run by `verdict test` and collected by pytest.

A case file is a YAML list of cases:

    - name: Chinese master's student, 12 months
      as_of: 2025-09-01
      facts: {nationality: CN, higher_education: true, stay_months: 12, holds_ceam: false}
      expected: {enrolment: register_student_portal}
      fired: [enrolment#7]          # optional: rule ids expected to fire

A case may instead expect an error, e.g. a date before a rule took effect, or a deliberate gap:

    - name: no reimbursement rate is encoded under 16
      as_of: 2025-09-01
      facts: {birth_date: 2012-01-01, has_medecin_traitant: true}
      outputs: [reimbursement_rate]
      error: "no rule of `reimbursement_rate` matches"   # a part of the error message
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Optional

import attrs

from engine.durations import DurationTextError, is_duration, parse_text as parse_duration
from engine.errors import RuleError, VerdictError, YamlSyntaxError, did_you_mean
from engine.trace.calls import fired_in_calls
from engine.ruleset import Ruleset, load_ruleset
from engine.ruleset_files import load_yaml, read_folder_file
from engine.values import to_json_value

_loaded: dict = {}


@attrs.frozen
class Case:
    file: str
    index: int
    name: str
    as_of: object
    facts: dict
    expected: dict
    fired: Optional[tuple]
    error: Optional[str] = None       # a part of the expected error message
    outputs: Optional[tuple] = None   # decisions to compute when `expected` does not name them
    line: int = 0                     # where the case begins in its file
    invalid: tuple = ()               # what is wrong with the case itself: it is reported, not run

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@attrs.frozen
class CaseResult:
    case: Case
    problems: tuple          # human-readable differences; empty when the case passes
    fired: tuple             # rule ids that fired

    @property
    def ok(self) -> bool:
        return not self.problems


@attrs.frozen
class Report:
    results: tuple
    unexercised: tuple       # "rule_id (file:line)"
    errors: tuple            # problems that stopped cases from running (bad case files)

    @property
    def ok(self) -> bool:
        return bool(self.results) and not self.errors and all(r.ok for r in self.results)

    def render(self) -> str:
        lines = []
        for result in self.results:
            if not result.ok:
                lines.append(f"{'INVALID' if result.case.invalid else 'FAIL'} {result.case.where}: {result.case.name}")
                lines.extend(f"     {p}" for p in result.problems)
        lines.extend(f"ERROR {e}" for e in self.errors)
        if not self.results and not self.errors:
            lines.append("no example cases found: write them in tests/*.yaml beside the rule files")
        passed = sum(r.ok for r in self.results)
        failed = len(self.results) - passed
        if self.unexercised:
            lines.append(f"{len(self.unexercised)} rule(s) no case exercises:")
            lines.extend(f"  {u}" for u in self.unexercised)
        else:
            lines.append("every rule is exercised by at least one case")
        unread = f", {len(self.errors)} case file(s) not read" if self.errors else ""
        lines.append(f"{passed} passed, {failed} failed{unread}")
        return "\n".join(lines) + "\n"


def ruleset_for(path) -> Ruleset:
    key = str(Path(path).resolve())
    if key not in _loaded:
        _loaded[key] = load_ruleset(path)
    return _loaded[key]


def case_files(path) -> list[Path]:
    root = Path(path)
    folder = root if root.is_dir() else root.parent
    return sorted((folder / "tests").glob("*.yaml"))


CASE_KEYS = ("name", "as_of", "facts", "expected", "error", "outputs", "fired")


def _case_lines(text: str) -> list:
    """The line where each case of a case file begins (the YAML was read once already)."""
    import yaml
    from engine.yaml_safe import SafeLoader
    try:
        loader = SafeLoader(text)
        node = loader.get_single_node()
    except yaml.YAMLError:
        return []
    if isinstance(node, yaml.MappingNode):
        node = next((v for k, v in node.value if getattr(k, "value", None) == "cases"), None)
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


def read_cases(file: Path) -> list[Case]:
    """Every case of a file; a malformed case is kept, with what is wrong in `invalid`, so that
    it is reported at its line while the others run."""
    try:  # a regular file inside tests/, read with a bound, as every file of a ruleset
        text = read_folder_file(file, str(file), file.parent)
    except RuleError as error:
        first = error.diagnostics[0]
        where = f"{first.span.file}:{first.span.line}:{first.span.column}: " if first.span else ""
        raise ValueError(where + first.message) from None
    data = load_yaml(text, str(file))
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
    if not isinstance(data, list):
        raise ValueError(f"{file}: expected a list of cases")
    lines = _case_lines(text)
    cases = []
    for index, raw in enumerate(data, 1):
        line = lines[index - 1] if index <= len(lines) else 0
        problems = _case_problems(raw)
        if problems:
            name = str(raw.get("name", f"case {index}")) if isinstance(raw, dict) else f"case {index}"
            cases.append(Case(str(file), index, name, None, {}, {}, None, line=line, invalid=tuple(problems)))
            continue
        fired = raw.get("fired")
        outputs = raw.get("outputs")
        cases.append(Case(str(file), index, str(raw.get("name", f"case {index}")), raw.get("as_of"),
                          dict(raw.get("facts") or {}), dict(raw.get("expected") or {}),
                          tuple(str(f) for f in fired) if fired is not None else None,
                          str(raw["error"]) if raw.get("error") is not None else None,
                          tuple(outputs) if outputs else None, line=line))
    return cases


def _case_problems(raw) -> list:
    if not isinstance(raw, dict):
        return [f"a case is a mapping of {', '.join(CASE_KEYS)}; got {type(raw).__name__}"]
    problems = []
    for key in raw:
        if key not in CASE_KEYS:
            close = did_you_mean(str(key), CASE_KEYS)
            problems.append(f"unknown key `{key}`" + (f" (did you mean `{close}`?)" if close else
                                                      f"; a case has: {', '.join(CASE_KEYS)}"))
    if "expected" not in raw and "error" not in raw and not any(did_you_mean(str(k), CASE_KEYS) in
                                                                 ("expected", "error") for k in raw):
        problems.append("a case needs `expected` (the outputs it checks) or `error` (a part of the message)")
    if raw.get("as_of") is None:
        # without a date a case would test something else every day
        problems.append("a case needs `as_of`, the date the rules are applied on (e.g. as_of: 2025-09-01)")
    for key, kind in (("facts", dict), ("expected", dict), ("outputs", list), ("fired", list)):
        if raw.get(key) is not None and not isinstance(raw[key], kind):
            problems.append(f"`{key}` must be a {'mapping' if kind is dict else 'list'}")
    return problems


def _same(expected, actual) -> bool:
    """Compare an expected YAML value with an output's JSON form: numbers exactly, dates as text."""
    if isinstance(expected, str) and expected.strip().endswith("€"):  # `0.38 €`, as a rule writes money
        expected = expected.strip()[:-1].strip()
    if isinstance(expected, str) and expected.strip().endswith("%") and _is_number(expected.strip()[:-1].strip()) \
            and isinstance(actual, str) and _is_number(actual):  # `50%`, as a rule writes a rate: 0.5
        expected = str(Decimal(expected.strip()[:-1].strip()) / 100)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual if isinstance(expected, bool) and isinstance(actual, bool) else False
    if isinstance(expected, (int, float, Decimal)) or (isinstance(expected, str) and isinstance(actual, str)
                                                       and _is_number(expected) and _is_number(actual)):
        try:
            return Decimal(str(expected)) == Decimal(str(actual))
        except (InvalidOperation, TypeError):
            return False
    if isinstance(expected, dt.date):
        return expected.isoformat() == actual
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(_same, expected, actual))
    if isinstance(expected, dict):
        return isinstance(actual, dict) and expected.keys() == actual.keys() and all(
            _same(expected[k], actual[k]) for k in expected)
    return expected == actual


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
        return True
    except InvalidOperation:
        return False


def _shown(value) -> str:
    return json.dumps(to_json_value(value), ensure_ascii=False)


def run_case(ruleset: Ruleset, case: Case) -> CaseResult:
    if case.invalid:
        return CaseResult(case, case.invalid, ())
    outputs = list(dict.fromkeys([*(case.outputs or ()), *case.expected])) or None
    try:
        verdict = ruleset.evaluate(case.facts, as_of=case.as_of, outputs=outputs)
    except VerdictError as error:
        messages = tuple(d.message + (f" ({d.hint})" if d.hint else "") for d in error.diagnostics)
        # a `no answer` row that fired is exercised too
        fired = tuple(d.extra["rule"] for d in error.diagnostics if d.extra and "rule" in d.extra)
        if case.error is not None and any(case.error in m for m in messages):
            return CaseResult(case, (), fired)
        return CaseResult(case, messages, fired)
    if case.error is not None:
        return CaseResult(case, (f"expected an error containing {case.error!r}, got a verdict",), ())
    trace = verdict.to_dict()
    problems = []
    for name, expected in case.expected.items():
        actual = trace["outputs"][name]
        type_ = ruleset.model.decisions[name].type
        same = (_same_duration(expected, verdict.outputs[name], type_) if is_duration(type_)
                else _same(expected, actual))
        if not same:
            problems.append(f"{name}: expected {_shown(expected)}, got {_shown(actual)}" + _not_a_value(expected, type_))
    # the rows of functions the decisions called count as fired too (`fired: [share#4]`)
    fired = tuple(f["rule"] for d in trace["decisions"]
                  for f in d["fired"] + fired_in_calls(d.get("calls", ())))
    if case.fired is not None:
        known = {rule for rule, _ in all_rules(ruleset)} | set(ruleset.model.decisions)
        for rule in case.fired:
            if rule not in known:
                problems.append(f"no rule is called `{rule}`" + (f" (did you mean `{did_you_mean(rule, known)}`?)"
                                                                  if did_you_mean(rule, known) else ""))
        missing = [r for r in case.fired if r in known and r not in fired]
        if missing:
            problems.append(f"expected rule(s) {', '.join(missing)} to fire; fired: {', '.join(fired)}")
    return CaseResult(case, tuple(problems), fired)


def _not_a_value(expected, type_) -> str:
    """` ("fre" is not a value of CssStatus: did you mean `free`?)`: the case, not the rules, is wrong."""
    symbols = getattr(type_, "symbols", None)
    if symbols is None or not isinstance(expected, str) or expected in symbols:
        return ""
    meant = did_you_mean(expected, symbols)
    return (f" (`{expected}` is not a value of {type_.describe()}"
            + (f": did you mean `{meant}`?)" if meant else ")"))


def all_rules(ruleset: Ruleset) -> list[tuple[str, str]]:
    """(rule id, file:line) of every table row of every version, and of every function's table."""
    versions = [v for info in ruleset.model.decisions.values() for v in info.versions]
    versions += [f.version for f in ruleset.model.functions.values()]
    rules = []
    for version in versions:
        body = version.decl.body
        if hasattr(body, "rows"):
            for row, rule_id in zip(body.rows, version.rule_ids):
                rules.append((rule_id, row.span.location().rsplit(":", 1)[0]))
    return rules


def _same_duration(expected, actual, type_) -> bool:
    """A duration as a case may write it (`45 days`, `P45D`, `1 year 6 months`, `P18M`), by value."""
    if not isinstance(expected, str):
        return False
    try:
        return parse_duration(expected, type_) == actual
    except DurationTextError:
        return False


def run_cases(path) -> Report:
    ruleset = ruleset_for(path)
    results, errors = [], []
    for file in case_files(path):
        try:
            cases = read_cases(file)
        except YamlSyntaxError as error:  # at its place, as `check` tells a rule file's
            within = f" ({error.within})" if error.within else ""
            errors.append(f"{file}:{error.line}:{error.column}: {error.problem}{within}" if error.line else str(error))
            continue
        except (ValueError, OSError) as error:
            errors.append(str(error))
            continue
        results.extend(run_case(ruleset, case) for case in cases)
    exercised = {rule for r in results for rule in r.fired}
    unexercised = tuple(f"{rule} ({where})" for rule, where in all_rules(ruleset) if rule not in exercised)
    return Report(tuple(results), unexercised, tuple(errors))


# ---------------------------------------------------------------------------- the pytest plugin

def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "tests" and \
            any(file_path.parent.parent.glob("*.rules")):
        return CaseFile.from_parent(parent, path=file_path)
    return None


try:
    import pytest
except ImportError:  # the plugin is only loaded by pytest
    pytest = None

if pytest is not None:
    class CaseFile(pytest.File):
        def collect(self):
            for case in read_cases(self.path):
                yield CaseItem.from_parent(self, name=case.name, case=case)

    class CaseItem(pytest.Item):
        def __init__(self, *, case: Case, **kwargs):
            super().__init__(**kwargs)
            self.case = case

        def runtest(self):
            result = run_case(ruleset_for(self.path.parent.parent), self.case)
            if not result.ok:
                raise CaseFailure(result)

        def repr_failure(self, excinfo):
            if isinstance(excinfo.value, CaseFailure):
                result = excinfo.value.result
                return f"{self.case.where}: case {self.case.index} {self.case.name!r}\n" + \
                    "\n".join(f"  {p}" for p in result.problems)
            return super().repr_failure(excinfo)

        def reportinfo(self):
            return self.path, None, f"{self.path.name}: {self.case.name}"

    class CaseFailure(Exception):
        def __init__(self, result: CaseResult):
            super().__init__(result.problems)
            self.result = result
