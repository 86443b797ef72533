"""The `verdict` command: check, eval, test, explain, replay. Exit 0 ok, 1 problems found, 2 could not run."""
from __future__ import annotations

import argparse
import json
import os
import sys

from engine.errors import Diagnostic, VerdictError, render_all
from engine.ruleset import check_path, load_ruleset
from engine.ruleset_files import byte_position, load_yaml
from engine.vector import parquet as vector_batch


MAX_FACTS_FILE_BYTES = 1_000_000  # far beyond any real case; parsing YAML in Python is slow past it


def _read_input(path: str, what: str, limit: int | None = None) -> str:
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read()
        else:
            with open(path, "rb") as file:
                data = file.read(limit + 1) if limit else file.read()
    except OSError as error:
        raise VerdictError(Diagnostic("error", "not-found", f"{what} {path}: {error.strerror}")) from None
    if limit and len(data) > limit:
        raise VerdictError(Diagnostic("error", "fact-type", f"{what} {path}: more than {limit:,} bytes; "
                                      f"facts are a few lines of names and values"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = byte_position(data, error.start)
        raise VerdictError(Diagnostic("error", "fact-type",
                                      f"{what} {path}:{line}:{column}: byte 0x{data[error.start]:02x} is not UTF-8; "
                                      f"save the file as UTF-8")) from None


def read_facts(path: str) -> dict:
    """Facts from a YAML or JSON file (JSON is YAML); plain data only."""
    text = _read_input(path, "facts file", MAX_FACTS_FILE_BYTES)
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
    skipped = []
    diagnostics, sources = check_path(args.path, skipped)
    if args.suggest and not any(d.is_error for d in diagnostics):
        from engine.simplify import suggest
        diff = suggest(load_ruleset(args.path))
        sys.stdout.write(terminal_safe(diff) if diff else "no table can be simplified\n")
        if diff and sys.stdout.isatty():
            sys.stderr.write(f"to apply it: verdict check {args.path} --suggest | patch -p0\n")
        return 0
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    if args.format == "json":
        report = {"diagnostics": [d.to_dict() for d in diagnostics]}
        if skipped:
            report["not_analysed"] = [{"decision": d.name, "file": d.span.file, "line": d.span.line} for d in skipped]
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        if diagnostics:
            print(terminal_safe(render_all(diagnostics, sources)))
            print()
        if skipped:
            shown = ", ".join(f"{d.name} ({d.span.short()})" for d in skipped)
            print(f"note: {len(skipped)} table(s) not checked for gaps and overlaps, because their tests "
                  f"compare with inputs or decisions, known only when evaluating: {shown}")
        print(f"{errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def cmd_eval(args) -> int:
    if args.batch is not None:
        return cmd_batch(args)
    if args.facts is None:
        raise VerdictError(Diagnostic("error", "usage", "eval needs --facts FILE (or --batch FILE.jsonl)"))
    ruleset = load_ruleset(args.path)
    facts = read_facts(args.facts)
    try:
        verdict = ruleset.evaluate(facts, as_of=args.as_of, outputs=args.output or None)
    except VerdictError as error:
        error.sources = error.sources or ruleset.files.rule_texts  # show the rule's line under the message
        if args.lang:
            error.diagnostics = [_translated_reason(ruleset, d, args.lang) for d in error.diagnostics]
        raise
    if args.format == "json":
        sys.stdout.write(verdict.to_json())
    else:
        sys.stdout.write(terminal_safe(verdict.explain(args.lang)))
    return 0


def _translated_reason(ruleset, diagnostic, lang: str):
    """A `no answer` row's reason in the reader's language, when messages/<lang>.yaml has it."""
    import attrs
    from engine import ast
    rule = (diagnostic.extra or {}).get("rule")
    translated = ruleset.files.messages.get(lang, {}).get("because", {}).get(rule) if rule else None
    if not translated:
        return diagnostic
    for info in ruleset.model.decisions.values():
        for version in info.versions:
            for row in getattr(version.decl.body, "rows", ()):
                for output in row.outputs:
                    if isinstance(output, ast.NoAnswer) and output.rule_id == rule and output.reason:
                        return attrs.evolve(diagnostic, message=diagnostic.message.replace(output.reason, translated))
    return diagnostic


def cmd_batch(args) -> int:
    """JSON Lines in, one verdict (or error) per line out, in order: see engine/batch.py."""
    from engine import batch
    if args.lang or args.format == "text" or args.facts:
        raise VerdictError(Diagnostic(
            "error", "usage", "--batch writes one JSON verdict per line: --facts, --lang and --format text do not apply",
            hint="save a line's trace (--trace) and render it with `verdict explain`"))
    if vector_batch.wanted(args):  # Parquet, or --out: column by column (engine/vector/parquet.py)
        return vector_batch.run(args, load_ruleset)
    ruleset = load_ruleset(args.path)
    if args.as_of is not None:  # a bad default date is one error, not one per line
        from engine.ruleset import _as_date
        _as_date(args.as_of, "--as-of")
    for name in args.output or ():
        if name not in ruleset.model.decisions:  # likewise a bad --output
            ruleset.evaluate({}, outputs=[name])
    try:
        source = sys.stdin.buffer if args.batch == "-" else open(args.batch, "rb")
    except OSError as error:
        raise VerdictError(Diagnostic("error", "not-found", f"batch file {args.batch}: {error.strerror}")) from None
    with source:
        total = os.fstat(source.fileno()).st_size if args.batch != "-" else None
        lines, errors = batch.run(ruleset, source, sys.stdout.buffer, as_of=args.as_of, outputs=args.output,
                                  trace=args.trace, jobs=args.jobs, progress=batch.progress_stream(), total=total)
    return 1 if errors else 0


def cmd_test(args) -> int:
    from engine.testing import run_cases
    report = run_cases(args.path)
    sys.stdout.write(terminal_safe(report.render()))
    return 0 if report.ok else 1


def cmd_explain(args) -> int:
    from engine.explain import explain_trace
    from engine.replay import read_trace
    trace = read_trace(_read_input(args.trace, "trace"), args.trace)
    sys.stdout.write(terminal_safe(explain_trace(trace, args.lang)))
    return 0


def cmd_replay(args) -> int:
    from engine.replay import read_trace, replay
    trace = read_trace(_read_input(args.trace, "trace"), args.trace)
    ruleset = load_ruleset(args.path)
    result = replay(trace, ruleset)
    sys.stdout.write(terminal_safe(result.report(trace, ruleset)))
    return 0 if result.same else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="verdict", description="Decision tables with explained verdicts.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="report errors and warnings in a ruleset")
    check.add_argument("path", help="a ruleset folder or a .rules file")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--suggest", action="store_true",
                       help="propose simplified tables (adjacent rows with the same output merged), as a diff")
    check.set_defaults(run=cmd_check)
    ev = sub.add_parser("eval", help="evaluate facts and explain the verdict")
    ev.add_argument("path", help="a ruleset folder or a .rules file")
    ev.add_argument("--facts", help="a YAML or JSON file of facts, or - for standard input")
    ev.add_argument("--batch", metavar="FILE.jsonl", help="JSON Lines of facts (or - for standard input): one "
                    "verdict per line out, in order, on every core; exit 1 if some lines are errors")
    ev.add_argument("--trace", action="store_true", help="with --batch: add each verdict's full trace")
    ev.add_argument("--jobs", type=int, help="with --batch: worker processes (default: every core)")
    vector_batch.add_arguments(ev)
    ev.add_argument("--as-of", dest="as_of", help="the date of the evaluation, YYYY-MM-DD (default: today)")
    ev.add_argument("--output", action="append", help="a decision to compute (repeatable; default: all)")
    ev.add_argument("--format", choices=["text", "json"], help="text (the explanation, the default) or json (the trace)", default=None)
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


# Control characters (and bidirectional overrides) from rule files or facts must not reach the
# terminal, where they could hide or rewrite what is shown; each becomes U+FFFD, one column wide.
_UNSAFE = dict.fromkeys([c for c in range(0x20) if c not in (0x09, 0x0A)] + list(range(0x7F, 0xA0))
                        + [0x061C, 0x200E, 0x200F] + list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A)),
                        "\ufffd")


def terminal_safe(text: str) -> str:
    return text.translate(_UNSAFE)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except VerdictError as error:
        sys.stderr.write(terminal_safe(error.render()) + "\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except RecursionError:
        sys.stderr.write("error: the input is nested too deeply to process\n")
        return 2
    except BrokenPipeError:  # `verdict eval … | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:  # a bug: a short message, never a traceback (VERDICT_DEBUG=1 shows it)
        if os.environ.get("VERDICT_DEBUG") == "1":
            raise
        sys.stderr.write(terminal_safe(
            f"internal error: {type(error).__name__}: {str(error)[:500]}\n"
            "this is a bug in verdict, not in your rules or facts; please report it with the command and "
            "the files that caused it (VERDICT_DEBUG=1 shows the details)\n"))
        return 2


if __name__ == "__main__":
    sys.exit(main())
