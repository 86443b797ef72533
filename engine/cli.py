"""The `verdict` command: check, eval, test, explain, replay. Exit 0 ok, 1 problems found, 2 could not run."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.errors import Diagnostic, VerdictError, render_all
from engine.ruleset import check_path, load_ruleset
from engine.ruleset_files import load_yaml


def _read_input(path: str, what: str) -> str:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise VerdictError(Diagnostic("error", "not-found", f"{what} {path}: {error.strerror}")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise VerdictError(Diagnostic("error", "fact-type",
                                      f"{what} {path}: byte {error.start} is not UTF-8; save the file as UTF-8")) from None


def read_facts(path: str) -> dict:
    """Facts from a YAML or JSON file (JSON is YAML); plain data only."""
    text = _read_input(path, "facts file")
    try:
        facts = load_yaml(text, f"facts file {path}")
    except ValueError as error:
        raise VerdictError(Diagnostic("error", "fact-type", str(error))) from None
    if facts is None:
        facts = {}
    if not isinstance(facts, dict):
        raise VerdictError(Diagnostic("error", "fact-type",
                                      f"facts file {path}: expected a mapping of fact name → value, "
                                      f"got {type(facts).__name__}"))
    return facts


def cmd_check(args) -> int:
    diagnostics, sources = check_path(args.path)
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    if args.format == "json":
        print(json.dumps({"diagnostics": [d.to_dict() for d in diagnostics]}, ensure_ascii=False, indent=2))
    else:
        if diagnostics:
            print(render_all(diagnostics, sources))
            print()
        print(f"{errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def cmd_eval(args) -> int:
    ruleset = load_ruleset(args.path)
    facts = read_facts(args.facts)
    verdict = ruleset.evaluate(facts, as_of=args.as_of, outputs=args.output or None)
    if args.format == "json":
        sys.stdout.write(verdict.to_json())
    else:
        sys.stdout.write(verdict.explain(args.lang or ruleset.files.language))
    return 0


def cmd_test(args) -> int:
    from engine.testing import run_cases
    report = run_cases(args.path)
    sys.stdout.write(report.render())
    return 0 if report.ok else 1


def cmd_explain(args) -> int:
    from engine.trace import explain_trace, read_trace
    trace = read_trace(_read_input(args.trace, "trace"), args.trace)
    sys.stdout.write(explain_trace(trace, args.lang))
    return 0


def cmd_replay(args) -> int:
    from engine.trace import read_trace, replay
    trace = read_trace(_read_input(args.trace, "trace"), args.trace)
    ruleset = load_ruleset(args.path)
    result = replay(trace, ruleset)
    sys.stdout.write(result.report(trace, ruleset))
    return 0 if result.same else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="verdict", description="Decision tables with explained verdicts.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="report errors and warnings in a ruleset")
    check.add_argument("path", help="a ruleset folder or a .rules file")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.set_defaults(run=cmd_check)
    ev = sub.add_parser("eval", help="evaluate facts and explain the verdict")
    ev.add_argument("path", help="a ruleset folder or a .rules file")
    ev.add_argument("--facts", required=True, help="a YAML or JSON file of facts, or - for standard input")
    ev.add_argument("--as-of", dest="as_of", help="the date of the evaluation, YYYY-MM-DD (default: today)")
    ev.add_argument("--output", action="append", help="a decision to compute (repeatable; default: all)")
    ev.add_argument("--format", choices=["text", "json"], default="text")
    ev.add_argument("--lang", help="language of the explanation (default: the ruleset's)")
    ev.set_defaults(run=cmd_eval)
    test = sub.add_parser("test", help="run the ruleset's example cases (tests/*.yaml)")
    test.add_argument("path")
    test.set_defaults(run=cmd_test)
    explain = sub.add_parser("explain", help="render a saved JSON trace as text")
    explain.add_argument("trace")
    explain.add_argument("--lang")
    explain.set_defaults(run=cmd_explain)
    rep = sub.add_parser("replay", help="evaluate a saved trace again and compare")
    rep.add_argument("trace")
    rep.add_argument("path")
    rep.set_defaults(run=cmd_replay)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except VerdictError as error:
        sys.stderr.write(error.render() + "\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except RecursionError:
        sys.stderr.write("error: the input is nested too deeply to process\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
