"""The DMN TCK (github.com/dmn-tck/tck) run against `verdict dmn import`: each case's model is
imported, each test case evaluated, and the outputs compared with the expected ones.

    python -m engine.dmn.tck [TCK] [--level 2] [--level 3] [--markdown] [--verbose]

TCK is a checkout of the TCK or a bare git directory of it (default: $VERDICT_TCK, else
/work/.mirror/dmn-tck+tck/repo). Nothing of the TCK is copied into this repository: the files
are read where they are.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs

from engine.dmn.feel_records import record_facts
from engine.dmn.xmltree import parse_xml
from engine.errors import VerdictError

DEFAULT_TCK = "/work/.mirror/dmn-tck+tck/repo"
LEVELS = {"2": "TestCases/compliance-level-2", "3": "TestCases/compliance-level-3"}
AS_OF = dt.date(2025, 1, 1)  # TCK models do not read the evaluation date; any date will do
SIGNIFICANT = 28  # verdict's decimal precision; FEEL's is 34, so expected values are compared at 28 digits
NULL_DIFFERENCE = "DMN gives null, verdict an error"
FLOAT_DIFFERENCE = "the expected value is a binary float's"
FLOAT_DIGITS, FLOAT_CLOSE = 17, Decimal("1E-12")  # a double prints 17 digits at most; pow and division lose a few
XSI = "http://www.w3.org/2001/XMLSchema-instance"


class TckSource:
    """Files of the TCK, from a checkout or a bare git directory (read in one `git cat-file --batch`)."""

    def __init__(self, root: str):
        self.root = Path(root)
        self.bare = not (self.root / "TestCases").is_dir()
        if self.bare and not (self.root / "HEAD").exists():
            raise FileNotFoundError(f"{root} is neither a TCK checkout nor a git directory of one")
        self.blobs: dict = {}  # path -> contents, for a bare directory

    def files(self, folder: str, wanted=lambda path: True) -> list:
        if not self.bare:
            return sorted(str(p.relative_to(self.root)) for p in (self.root / folder).rglob("*")
                          if p.is_file() and wanted(str(p)))
        listing = self._git("ls-tree", "-r", "HEAD", folder + "/").decode()
        shas = {}
        for line in listing.splitlines():
            meta, path = line.split("\t", 1)
            if meta.split()[1] == "blob" and wanted(path):
                shas[path] = meta.split()[2]
        batch = self._git("cat-file", "--batch", stdin="\n".join(shas.values()).encode() + b"\n")
        contents, at = {}, 0
        while at < len(batch):
            end = batch.index(b"\n", at)
            sha, _, size = batch[at:end].decode().split()
            contents[sha] = batch[end + 1:end + 1 + int(size)]
            at = end + 1 + int(size) + 1
        self.blobs.update({path: contents[sha] for path, sha in shas.items()})
        return sorted(shas)

    def _git(self, *args, stdin: bytes = b"") -> bytes:
        return subprocess.run(["git", "--git-dir", str(self.root), *args], check=True, capture_output=True,
                              input=stdin).stdout

    def read(self, path: str) -> bytes:
        return self.blobs[path] if self.bare else (self.root / path).read_bytes()


@attrs.frozen
class CaseResult:
    case: str              # the TCK folder, e.g. 0004-simpletable-U
    level: str
    status: str            # pass | fail | null (fails only where DMN gives null) | float | part | refused
    tests: int = 0         # test cases run
    passed: int = 0
    skipped: int = 0       # test cases not run: their inputs cannot be facts (null, structures)
    reason: str = ""       # refused: why; fail: the first mismatch
    not_imported: int = 0  # part (engine/dmn/tck_parts.py): test cases whose part of the model is refused


class Unsupported(Exception):
    """A test case whose inputs verdict cannot express (null, structures)."""


def _value(node, where: str):
    """The Python value of a TCK <value>, <list> or <component> holder."""
    value = node.child("value")
    listed = node.child("list")
    components = node.all("component")
    if components:
        return {c.attributes["name"]: _value(c, where) for c in components}
    if listed is not None:
        return [_value(item, where) for item in listed.all("item")]
    if value is None or value.extension.get((XSI, "nil")) == "true":
        return None
    if value.all("component"):
        return {c.attributes["name"]: _value(c, where) for c in value.all("component")}
    if value.child("list") is not None:
        return [_value(item, where) for item in value.child("list").all("item")]
    kind = value.extension.get((XSI, "type"), "xsd:string").split(":")[-1]
    text = value.text
    if kind in ("decimal", "double", "integer", "int", "long", "float"):
        try:
            return Decimal(text.strip())
        except InvalidOperation:
            raise Unsupported(f"{where}: the number {text!r} (NaN or infinity) has no equivalent") from None
    if kind == "boolean":
        return text.strip() == "true"
    if kind == "date":
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:  # a year before 1 or past 9999, a time zone: no verdict date (h16-dmn-dur)
            raise Unsupported(f"{where}: the date {text.strip()!r} has no equivalent in verdict") from None
    if kind == "string":
        return text
    if kind in ("duration", "dayTimeDuration", "yearMonthDuration"):  # (h16-dmn-dur)
        from engine.dmn.feel import FeelError
        from engine.dmn.feel_durations import parse_iso
        try:
            return parse_iso(text.strip())
        except FeelError as error:
            raise Unsupported(f"{where}: {error}") from None
    raise Unsupported(f"{where}: values of type xsd:{kind} have no equivalent in verdict")


def _same(expected, got) -> bool:
    if isinstance(expected, Decimal):
        if isinstance(got, bool) or not isinstance(got, (int, Decimal)):
            return False
        return _rounded(expected) == _rounded(Decimal(got))
    if isinstance(expected, list):
        return isinstance(got, (list, tuple)) and len(expected) == len(got) and all(map(_same, expected, got))
    if isinstance(expected, dict):
        return isinstance(got, dict) and set(expected) == set(got) and all(_same(v, got[k]) for k, v in expected.items())
    return type(expected) is type(got) and expected == got


def _float_close(expected, got) -> bool:
    """An expected value of a double's digits at most, within 10^-12 of verdict's relatively: the
    TCK's figure was computed in binary floating point (0008-LX-arithmetic's payments differ from
    the exact value from their 13th digit), and verdict's exact one is not counted a failure."""
    if isinstance(expected, list) and isinstance(got, list):  # a list of such figures: element by element
        return len(expected) == len(got) and any(not _same(e, g) for e, g in zip(expected, got)) and \
            all(_same(e, g) or _float_close(e, g) for e, g in zip(expected, got))
    if not isinstance(expected, Decimal) or isinstance(got, bool) or not isinstance(got, (int, Decimal)) or not expected:
        return False
    return len(expected.as_tuple().digits) <= FLOAT_DIGITS and abs(Decimal(got) - expected) <= abs(expected) * FLOAT_CLOSE


def _rounded(value: Decimal) -> Decimal:
    if value == 0:
        return Decimal(0)
    import decimal
    with decimal.localcontext() as ctx:
        ctx.prec = SIGNIFICANT
        return +value


def _renamed(value, fields: dict):
    """A verdict output with its multi-output columns renamed back to the DMN output names."""
    if isinstance(value, dict):
        back = {v: k for k, v in fields.items()}
        return {back.get(k, k): _renamed(v, fields) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_renamed(v, fields) for v in value]
    return value


def _facts_value(value, where: str):
    if value is None:
        raise Unsupported(f"{where}: a null input has no equivalent (verdict facts are never null)")
    if isinstance(value, dict):
        raise Unsupported(f"{where}: structured inputs have no equivalent")
    if isinstance(value, list):
        return [_facts_value(v, where) for v in value]
    return value


def test_facts(imported, test, where: str, only_known: bool = False) -> tuple[dict, list]:
    """(facts, [(DMN decision name, expected value)]) of a TCK test case for an imported model;
    Unsupported when an input cannot be a fact. `only_known`: inputs the model does not have are
    left out (a part of a model: engine/dmn/tck_parts.py)."""
    facts = {}
    for node in test.all("inputNode"):
        name = node.attributes["name"]
        if only_known and name not in imported.names and name not in imported.flattened:
            continue
        value = _value(node, where)
        if "[]" in imported.flattened.get(name, {}):  # a list of structures: records (h16-records)
            facts[imported.names[name]] = record_facts(value, imported.flattened[name]["[]"],
                                                       f"{where}, {name}", _facts_value, Unsupported)
            continue
        if name in imported.flattened and isinstance(value, dict):
            for component, flat in imported.flattened[name].items():
                facts[flat] = _facts_value(value.get(component), f"{where}, {name}.{component}")
            continue
        if name not in imported.names:
            raise Unsupported(f"{where}: the input `{name}` is not an input of the model")
        facts[imported.names[name]] = _facts_value(value, where)
    expectations = [(n.attributes["name"], _value(n.child("expected"), where)) for n in test.all("resultNode")]
    return facts, expectations


def run_case(source: TckSource, level: str, folder: str, files: list) -> CaseResult:
    from engine.dmn.to_rules import import_dmn
    case = folder.rsplit("/", 1)[-1]
    models = [f for f in files if f.endswith(".dmn")]
    tests = [f for f in files if re.search(r"-test-\d+\.xml$", f)]
    if len(models) != 1:
        return CaseResult(case, level, "refused", reason=f"{len(models)} DMN models in one case (imports between models)")
    try:
        imported = import_dmn(source.read(models[0]), models[0].rsplit("/", 1)[-1])
    except VerdictError as error:  # the test cases of the parts verdict translates (h16-dmn-dur)
        from engine.dmn.tck_parts import run_parts
        return run_parts(source, level, case, models[0], tests, error.diagnostics[0].message)
    run = passed = skipped = 0
    null_only = True  # every failure is DMN's null where verdict refuses to answer
    float_only = True  # every failure is an expected value computed in binary floating point
    failure = ""
    unsupported = ""
    for test_file in tests:
        root = parse_xml(source.read(test_file), test_file)
        for test in root.all("testCase"):
            where = f"{case} test {test.attributes.get('id', '?')}"
            if test.attributes.get("type", "decision") != "decision" or test.attributes.get("invocableName"):
                unsupported = unsupported or f"{where}: decision-service test cases are not run"
                continue
            try:
                facts, expectations = test_facts(imported, test, where)
            except Unsupported as error:
                unsupported = unsupported or str(error)
                skipped += 1
                continue
            run += 1
            ok, why = _evaluate(imported, facts, expectations, where)
            passed += ok
            failure = failure or why
            null_only = null_only and (ok or NULL_DIFFERENCE in why)
            float_only = float_only and (ok or FLOAT_DIFFERENCE in why)
    if run == 0:
        return CaseResult(case, level, "refused", reason=unsupported or "no test case")
    status = "pass" if passed == run else "null" if null_only else "float" if float_only else "fail"
    return CaseResult(case, level, status, run, passed, skipped, failure or (f"{skipped} test case(s) not run: "
                                                                          f"{unsupported}" if skipped else ""))


def _evaluate(imported, facts: dict, expectations: list, where: str) -> tuple[bool, str]:
    for dmn_name, expected in expectations:
        name = imported.names.get(dmn_name)
        if name is None:
            return False, f"{where}: `{dmn_name}` is not a decision of the model"
        try:
            verdict = imported.ruleset.evaluate(facts, as_of=AS_OF, outputs=[name], trace=False)
        except VerdictError as error:
            message = error.diagnostics[0].message
            if expected is None:
                return False, f"{where}: {NULL_DIFFERENCE}: {message}"
            return False, f"{where}: {message}"
        got = _renamed(verdict.outputs[name], imported.fields.get(dmn_name, {}))
        if not _same(expected, got):
            kind = f"{FLOAT_DIFFERENCE}: " if _float_close(expected, got) else ""
            return False, f"{where}: {kind}`{dmn_name}` expected {expected!r}, got {got!r}"
    return True, ""


def run_tck(root: str, levels=("2", "3")) -> list:
    source = TckSource(root)
    results = []
    for level in levels:
        files = source.files(LEVELS[level], lambda p: p.endswith(".dmn") or re.search(r"-test-\d+\.xml$", p))
        by_case = defaultdict(list)
        for path in files:
            parts = path.split("/")
            if len(parts) >= 4:
                by_case["/".join(parts[:3])].append(path)
        for folder in sorted(by_case):
            results.append(run_case(source, level, folder, by_case[folder]))
    return results


# Why a case is out of scope, from the first refusal: (pattern, reason), first match wins.
REASONS = [
    (r"needs a list; this is|has no parameter `|has no binding",  # (h16-dmn)
     "FEEL's null or singleton lists (a value where a list is needed, an unknown parameter name)"),
    (r"boxed|no decision logic", "boxed contexts, relations, function definitions, or no decision logic"),
    (r"business knowledge model|invokes a business", "business knowledge models (functions)"),
    (r"decision service", "decision services"),
    (r"imports|DMN models in one case", "imports between models"),
    (r"FEEL function `([^`]+)`", "FEEL functions verdict lacks"),
    (r"exponentiation", "exponentiation (**)"),
    (r"null", "null values and tests"),
    (r"structur|component|path", "structured values (contexts, components, paths)"),
    (r"the type `|has no equivalent in verdict|xsd:", "types verdict lacks (time, date and time, …)"),
    (r"unexpected '|min\(list\)|max\(list\)", "FEEL functions verdict lacks"),
    (r"has no typeRef", "types verdict lacks (time, date and time, …)"),
    (r"unexpected character '\W'", "contexts ({key: value}) and @-literals"),
    (r"filters|list literals|character '@'|`for`|`some`|`every`|contexts|`function`|`in`|instance of|@-literal|named arguments"
     r"|expected \], found \.\.",
     "FEEL constructs verdict lacks (lists, filters, iteration, contexts, …)"),
    (r"checker", "refused by verdict's checker (e.g. string concatenation, mixed types)"),
    (r"allowed values", "allowed values verdict cannot declare"),
]


def reason_of(result: CaseResult) -> str:
    for pattern, reason in REASONS:
        if re.search(pattern, result.reason):
            return reason
    return "other: " + result.reason[:80]


def report(results: list, markdown: bool = False, verbose: bool = False) -> str:
    lines = []
    for level in sorted({r.level for r in results}):
        mine = [r for r in results if r.level == level]
        counts = Counter(r.status for r in mine)
        tests = sum(r.tests for r in mine)
        passed = sum(r.passed for r in mine)
        skipped = sum(r.skipped for r in mine)
        whole = [r for r in mine if r.status != "part"]
        parts = [r for r in mine if r.status == "part"]
        lines.append(f"compliance level {level}: {len(mine)} cases — {counts['pass']} pass, {counts['fail']} fail, "
                     f"{counts['null']} differ only where DMN gives null and verdict an error, "
                     f"{counts['float']} only where the TCK's expected value is a binary float's, "
                     f"{counts['part']} run in part (each test case run passes, or differs only as the two before), {counts['refused']} out of scope; in the cases imported whole, "
                     f"{sum(r.tests for r in whole)} test cases run, {sum(r.passed for r in whole)} passed, "
                     f"{sum(r.skipped for r in whole)} not run (null or structured inputs)")
        if parts:
            lines.append(f"  in part (the model refused whole, each test case run on the decisions it reads, when "
                         f"verdict translates them): {sum(r.tests for r in parts)} test cases run, "
                         f"{sum(r.passed for r in parts)} passed, {sum(r.not_imported for r in parts)} not run (their "
                         f"decisions refused), {sum(r.skipped for r in parts)} not run (null or structured inputs); "
                         f"overall {tests} run, {passed} passed")
        if markdown:
            lines.append("")
            lines.append("| case | result | test cases passed | why |")
            lines.append("|---|---|---|---|")
            for r in mine:
                why = reason_of(r) if r.status == "refused" else r.reason
                why = why.replace("|", "\\|")[:160]
                lines.append(f"| {r.case} | {r.status} | {r.passed}/{r.tests} | {why} |")
            lines.append("")
        else:
            groups = defaultdict(list)
            for r in mine:
                if r.status == "refused":
                    groups[reason_of(r)].append(r.case)
            for r in mine:
                if r.status != "refused" and (verbose or r.status == "fail"):
                    lines.append(f"  {r.status:7} {r.case}  {r.passed}/{r.tests}  {r.reason}".rstrip())
            for reason, cases in sorted(groups.items(), key=lambda kv: -len(kv[1])):
                lines.append(f"  out of scope ({len(cases)}): {reason}: {', '.join(cases)}")
                if verbose:
                    for r in mine:
                        if r.case in cases:
                            lines.append(f"      {r.case}: {r.reason}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.dmn.tck", description=__doc__.split("\n\n")[0])
    parser.add_argument("tck", nargs="?", default=os.environ.get("VERDICT_TCK", DEFAULT_TCK))
    parser.add_argument("--level", action="append", choices=sorted(LEVELS))
    parser.add_argument("--markdown", action="store_true", help="one table row per case, for docs/dmn.md")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    try:
        results = run_tck(args.tck, tuple(args.level or sorted(LEVELS)))
    except (FileNotFoundError, subprocess.CalledProcessError) as error:
        sys.stderr.write(f"error: cannot read the TCK at {args.tck}: {error}\n"
                         "give the path of a checkout of github.com/dmn-tck/tck (or set VERDICT_TCK)\n")
        return 2
    sys.stdout.write(report(results, args.markdown, args.verbose))
    return 1 if any(r.status == "fail" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
