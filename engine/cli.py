"""The `verdict` command: check, eval, test, explain, replay. Exit 0 ok, 1 problems found, 2 could not run."""
from __future__ import annotations

import gc

# Importing the engine makes some 150,000 objects (attrs and the classes it makes, the modules'
# functions) and frees almost none: the cyclic collector would walk them again and again, some
# 4 ms of every `verdict` command. It is paused while this module's imports run, then set back
# as it was; `command()` then freezes what they made (tests/test_cold_start.py).
_COLLECTING = gc.isenabled()
gc.disable()
try:
    import argparse
    import attrs
    import importlib
    import json
    import os
    import sys

    from engine.errors import Diagnostic, VerdictError, render_all
    from engine.cache import load_ruleset_cached as load_ruleset  # the parsed rules kept between runs
    from engine.ruleset import check_path
    from engine.ruleset_files import byte_position
    from engine.vector import parquet as vector_batch
finally:
    if _COLLECTING:
        gc.enable()


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
        start = error.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)  # (counted after the BOM)
        line, column = byte_position(data, start)
        raise VerdictError(Diagnostic("error", "fact-type",
                                      f"{what} {path}:{line}:{column}: byte 0x{data[start]:02x} is not UTF-8; "
                                      f"save the file as UTF-8")) from None


def read_facts(path: str) -> dict:
    """Facts from a YAML or JSON file (JSON is YAML); plain data only (engine/facts/reader.py)."""
    from engine.facts.reader import read_facts_text
    return read_facts_text(_read_input(path, "facts file", MAX_FACTS_FILE_BYTES), f"facts file {path}",
                           None if path == "-" else path)


def cmd_check(args) -> int:
    """Exit 0: no errors (and, with --strict, no warnings); 1: problems found; 2: nothing to check."""
    if args.write and not args.suggest:
        raise VerdictError(Diagnostic("error", "usage", "--write goes with --suggest: verdict check PATH --suggest --write"))
    skipped = []
    diagnostics, sources = check_path(args.path, skipped)
    if not os.path.lexists(args.path):  # nothing to check at all: the command could not do its job
        raise VerdictError([d for d in diagnostics if d.code == "not-found"] or
                           Diagnostic("error", "not-found", f"{args.path}: no such file or folder"))
    if args.suggest and args.write and not any(d.is_error for d in diagnostics):
        from engine.fmt.command import write_suggestions
        return write_suggestions(args.path)
    if args.suggest and not any(d.is_error for d in diagnostics):
        from engine.checker.simplify import suggest
        diff = suggest(load_ruleset(args.path))
        sys.stdout.write(terminal_safe(diff) if diff else "no table can be simplified\n")
        if diff and sys.stdout.isatty():
            sys.stderr.write(f"to apply it: verdict check {args.path} --suggest | patch -p0\n")
        return 0
    from engine.checker.one_file import one_file_of_a_ruleset
    diagnostics = diagnostics + one_file_of_a_ruleset(args.path, diagnostics)
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = sum(1 for d in diagnostics if d.severity == "warning")  # a note is neither
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
        print(f"{errors} error(s), {warnings} warning(s)" + (" (--strict: warnings fail)" if args.strict and warnings else ""))
    return 1 if errors or (args.strict and warnings) else 0


def cmd_eval(args) -> int:
    """Exit 0: every output asked has an answer; 1: the verdict is partial (printed all the same);
    2: no verdict (bad rules, wrong facts, bad arguments)."""
    if args.batch is not None:
        return cmd_batch(args)
    if args.facts is None:
        raise VerdictError(Diagnostic("error", "usage", "eval needs --facts FILE (or --batch FILE.jsonl)"))
    if args.sign and args.format != "json":
        raise VerdictError(Diagnostic("error", "usage", "--sign signs the trace: use it with --format json",
                                      hint="verdict eval PATH --facts F --format json --sign KEY.pem > trace.json"))
    ruleset = load_ruleset(args.path).for_few_verdicts()  # one verdict: generating code would not pay
    facts = read_facts(args.facts)
    try:
        verdict = ruleset.evaluate(facts, as_of=args.as_of, outputs=args.output or None, partial=True)
    except VerdictError as error:
        error.sources = error.sources or ruleset.files.rule_texts  # show the rule's line under the message
        raise
    if args.lang and args.lang not in ruleset.files.languages:
        if args.lang in ruleset.files.messages:  # the file is there: say why it is not read
            from engine.translations import unlisted_language
            raise VerdictError(Diagnostic("error", "unknown-language", f"this verdict has no explanation in "
                                          f"`{args.lang}`", hint=unlisted_language(ruleset.files, args.lang)))
        verdict.explain(args.lang)  # the unknown-language error, before anything is written
    import datetime as dt
    as_of = dt.date.fromisoformat(verdict.to_dict()["as_of"])
    found = _counterfactuals(ruleset, verdict, facts, args.whatif or (), as_of)
    if args.format == "json":
        trace = verdict.to_dict(full=args.trace == "full")
        if found:
            from engine.trace.verdict import with_counterfactuals
            trace = with_counterfactuals(trace, {name: cf.to_dict() for name, cf in found.items()})
        if args.sign:
            from engine.trace.signing import sign_trace
            trace = sign_trace(trace, args.sign)
        from engine.trace.dumps import dumps_indented
        sys.stdout.write(dumps_indented(trace) + "\n")
    else:
        sys.stdout.write(terminal_safe(verdict.explain(args.lang)))
        if found:
            from engine.whatif.render import render
            for cf in found.values():
                sys.stdout.write("\n" + terminal_safe(render(cf, ruleset, args.lang or ruleset.files.language)))
    if verdict.complete:
        return 0
    sys.stderr.write(terminal_safe(_partial_note(ruleset, verdict, facts, as_of, args.lang)) + "\n")
    return 1


def _counterfactuals(ruleset, verdict, facts, names, as_of) -> dict:
    """`--whatif NAME`: what would change each answered output NAME (engine/whatif/)."""
    if not names:
        return {}
    from engine.whatif.search import counterfactuals
    found = {}
    for name in dict.fromkeys(names):
        if name not in verdict.status:
            raise VerdictError(Diagnostic("error", "usage", f"--whatif {name}: `{name}` is not an output asked",
                                          hint=f"add --output {name}, or ask what would change one of: "
                                               f"{', '.join(verdict.status)}"))
        if verdict.status[name].answered:
            found[name] = counterfactuals(ruleset, facts, name, as_of=as_of)
    return found


def _partial_note(ruleset, verdict, facts, as_of, lang=None) -> str:
    """What a partial verdict lacks, on stderr: why each output has no answer (with the rule's
    line), each missing fact with the decisions that need it, and the --output options that
    these facts answer."""
    from engine.errors import render_all
    diagnostics, shown, missing = [], set(), []
    for status in verdict.unanswered.values():
        if status.diagnostic is not None and status.decision not in shown:
            shown.add(status.decision)
            diagnostic = status.diagnostic
            original, translated = (status.reason.get(ruleset.files.language), status.reason.get(lang or ""))
            if status.code == "no-answer" and original and translated:  # the row's reason, in the reader's language
                diagnostic = attrs.evolve(diagnostic, message=diagnostic.message.replace(original, translated))
            diagnostics.append(diagnostic)
        missing.extend(f for f in status.missing if f not in missing)
    if missing:
        diagnostics.extend(ruleset.missing_fact_diagnostics(missing, tuple(verdict.status), facts, as_of))
    unanswered = len(verdict.unanswered)
    return (render_all(diagnostics, ruleset.files.rule_texts) +
            f"\n\nincomplete verdict: {unanswered} of {len(verdict.status)} outputs asked have no answer")


def cmd_batch(args) -> int:
    """JSON Lines in, one verdict (or error) per line out, in order: see engine/batch.py."""
    from engine import batch
    if args.lang or args.format == "text" or args.facts:
        raise VerdictError(Diagnostic(
            "error", "usage", "--batch writes one JSON verdict per line: --facts, --lang and --format text do not apply",
            hint="save a line's trace (--trace) and render it with `verdict explain`"))
    if vector_batch.wanted(args):  # Parquet, or --out: column by column (engine/vector/parquet.py)
        return vector_batch.run(args, load_ruleset)
    batch.refuse_a_file_that_is_no_batch(args.batch)
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
                                  trace=bool(args.trace), jobs=args.jobs, progress=batch.progress_stream(), total=total)
    return 1 if errors else 0


def cmd_test(args) -> int:
    """Exit 0: every case passes; 1: a case fails or is malformed, or the rules have errors (so no
    case can pass); 2: there is no ruleset at PATH."""
    from engine.errors import RuleError
    from engine.testing import run_cases
    try:
        report = run_cases(args.path)
    except RuleError as error:
        if any(d.code == "not-found" for d in error.diagnostics):
            raise
        sys.stdout.write(terminal_safe(error.render()) + "\n\nthe rules have errors, so no case was run "
                         "(`verdict check` lists them)\n")
        return 1
    sys.stdout.write(terminal_safe(report.render()))
    return 0 if report.ok else 1


def cmd_explain(args) -> int:
    from engine.explain.render import explain_trace
    from engine.trace.check import read_trace
    trace = read_trace(_read_input(args.trace, "trace"), args.trace)
    sys.stdout.write(terminal_safe(explain_trace(trace, args.lang)))
    return 0


def cmd_verify(args) -> int:
    """Exit 0: the trace is whole, consistent and (if signed, or if --key is given) validly signed;
    1: it is not; 2: it cannot be read as a trace, or the key cannot be read."""
    from engine.trace.check import parse_trace
    from engine.trace.signing import read_public_key
    from engine.trace.verify import verify_report
    trace = parse_trace(_read_input(args.trace, "trace"), args.trace)
    if args.key is not None:  # a key that cannot be read is exit 2, before any line is printed
        read_public_key(args.key)
    # The report is written at the end: should anything else fail (exit 2), nothing is on stdout.
    report = []
    ruleset = trace.get("ruleset") if isinstance(trace.get("ruleset"), dict) else {}
    report.append(f"trace {args.trace}: {ruleset.get('name', '?')} {ruleset.get('version', '?')}, "
                  f"as of {trace.get('as_of', '?')}")
    code = verify_report(trace, args.trace, args.key, report)
    print("\n".join(report))
    return code


def cmd_keygen(args) -> int:
    from engine.trace.signing import generate_key
    public_path, identity = generate_key(args.key)
    print(f"private key: {args.key} (keep it secret)\npublic key:  {public_path} (give it to auditors)\n"
          f"key id:      {identity}")
    return 0


def cmd_replay(args) -> int:
    from engine.trace.replay import replay
    from engine.trace.check import read_trace
    trace = read_trace(_read_input(args.trace, "trace"), args.trace, allow_old=True)
    ruleset = load_ruleset(args.path)
    result = replay(trace, ruleset)
    sys.stdout.write(terminal_safe(result.report(trace, ruleset)))
    return 0 if result.same else 1


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's own, made whole only when it formats something. argparse makes one for every
    add_argument (to check the metavar, which reads nothing of it), and making one asks the
    terminal's width, which imports shutil, with zlib, bz2 and lzma: 2 to 3 ms of every run, for
    a help text that is not shown."""

    def __init__(self, *args, **kwargs):
        self.__dict__["_deferred"] = (args, kwargs)

    def __getattr__(self, name: str):
        deferred = self.__dict__.pop("_deferred", None)
        if deferred is None:
            raise AttributeError(name)
        super().__init__(*deferred[0], **deferred[1])
        return getattr(self, name)


class _ArgumentParser(argparse.ArgumentParser):
    """The parser of `verdict` and (argparse makes them of the parser's own class) of each command."""

    def __init__(self, *args, formatter_class=_HelpFormatter, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)


def build_parser(argv=None) -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="verdict", description="Decision tables with explained verdicts.",
                                     epilog="exit status: 0 success; 1 the command ran and found problems (check "
                                     "errors, failing cases, a partial verdict, a trace that fails verify, replay "
                                     "differs); 2 it could not do its job (bad rules, wrong facts, unreadable input)")
    from engine.trace.verdict import ENGINE_VERSION
    parser.add_argument("--version", action="version", version=f"verdict {ENGINE_VERSION}")
    # prog given: argparse would format the usage of what comes before the command (nothing but
    # `verdict`) to make it, and that formatter would ask the terminal's width
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", prog=parser.prog)
    words = sys.argv[1:] if argv is None else list(argv)
    command = next((a for a in words if not a.startswith("-")), None)
    listing = command not in _CORE_COMMANDS and not (command is None and "--version" in words)
    alone = words[:1] == [command] and command in _CORE_COMMANDS

    def wanted(name: str) -> bool:
        """A command that comes first is the only one made (argparse hands it every other word, and
        reads nothing of the others); else all are, for help and typos, which list them. Making
        them all took a few milliseconds of every run (argparse looks up its translations for each)."""
        return name == command or not alone
    if wanted("check"):
        check = sub.add_parser("check", help="report errors and warnings in a ruleset")
        check.add_argument("path", help="a ruleset folder or a .rules file")
        check.add_argument("--format", choices=["text", "json"], default="text",
                           help="text (each finding with its line and a caret, the default) or json (a list)")
        check.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
        check.add_argument("--suggest", action="store_true",
                           help="propose simplified tables (adjacent rows with the same output merged), as a diff")
        check.add_argument("--write", action="store_true", help="with --suggest: apply the merges and format the files")
        check.set_defaults(run=cmd_check)
    if wanted("eval"):
        ev = sub.add_parser("eval", help="evaluate facts and explain the verdict")
        ev.add_argument("path", help="a ruleset folder or a .rules file")
        ev.add_argument("--facts", help="a YAML or JSON file of facts, or - for standard input")
        ev.add_argument("--batch", metavar="FILE.jsonl", help="JSON Lines of facts (or - for standard input): one "
                        "verdict per line out, in order, on every core; exit 1 if some lines are errors")
        ev.add_argument("--trace", nargs="?", const="compact", choices=["compact", "full"],
                        help="with --batch: add each verdict's trace (compact); with --format json: "
                             "`--trace full` writes every row's outcome (docs/trace-format.md)")
        ev.add_argument("--jobs", type=int, help="with --batch: worker processes (default: every core)")
        vector_batch.add_arguments(ev)
        ev.add_argument("--as-of", dest="as_of", help="the date of the evaluation, YYYY-MM-DD (default: today)")
        ev.add_argument("--output", action="append", help="a decision to compute (repeatable; default: all)")
        ev.add_argument("--format", choices=["text", "json"], help="text (the explanation, the default) or json (the trace)", default=None)
        ev.add_argument("--lang", help="language of the explanation (default: the ruleset's)")
        ev.add_argument("--whatif", metavar="NAME", action="append",
                        help="also say what would change the output NAME (repeatable): the smallest changes of the "
                        "facts, in the text and, with --format json, in the trace's `counterfactuals`")
        ev.add_argument("--sign", metavar="KEY.pem", help="with --format json: sign the trace with this Ed25519 "
                        "private key (see `verdict keygen`)")
        ev.set_defaults(run=cmd_eval)
    if wanted("test"):
        test = sub.add_parser("test", help="run the ruleset's example cases (tests/*.yaml)")
        test.add_argument("path", help="a ruleset folder (its tests/*.yaml) or a .rules file")
        test.set_defaults(run=cmd_test)
    if wanted("explain"):
        explain = sub.add_parser("explain", help="render a saved JSON trace as text")
        explain.add_argument("trace", help="a saved trace (JSON, from `verdict eval --format json`), or - for standard input")
        explain.add_argument("--lang", help="language of the text (en, fr, zh; default: the trace's first)")
        explain.set_defaults(run=cmd_explain)
    if wanted("verify"):
        verify = sub.add_parser("verify", help="check a saved trace's digest, consistency and signature")
        verify.add_argument("trace", help="a saved trace (JSON), or - for standard input")
        verify.add_argument("--key", metavar="PUBLIC.pem", help="the signer's public key: the signature must be by it")
        verify.set_defaults(run=cmd_verify)
    if wanted("keygen"):
        keygen = sub.add_parser("keygen", help="make an Ed25519 key pair for signing traces")
        keygen.add_argument("key", metavar="KEY.pem", help="where to write the private key; the public key goes "
                            "beside it as KEY.pub.pem")
        keygen.set_defaults(run=cmd_keygen)
    if wanted("replay"):
        rep = sub.add_parser("replay", help="evaluate a saved trace again and compare")
        rep.add_argument("trace", help="a saved trace (JSON), or - for standard input")
        rep.add_argument("path", help="the ruleset to evaluate its facts on now: a folder or a .rules file")
        rep.set_defaults(run=cmd_replay)
    for name, module in _SUBPACKAGE_COMMANDS.items():
        # a subpackage is imported for its own command, or to list every command (help, typos)
        if command == name or listing:
            importlib.import_module(module).register(sub)
    return parser


_CORE_COMMANDS = {"check", "eval", "test", "explain", "verify", "keygen", "replay"}
_SUBPACKAGE_COMMANDS = {"fmt": "engine.fmt.command", "lsp": "engine.lsp", "serve": "engine.serve",
                        "dmn": "engine.dmn.cli", "whatif": "engine.whatif.cli"}


# Control characters (and bidirectional overrides) from rule files or facts must not reach the
# terminal, where they could hide or rewrite what is shown; each becomes U+FFFD, one column wide.
_UNSAFE = dict.fromkeys([c for c in range(0x20) if c not in (0x09, 0x0A)] + list(range(0x7F, 0xA0))
                        + [0x061C, 0x200E, 0x200F] + list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A)),
                        "\ufffd")


def terminal_safe(text: str) -> str:
    return text.translate(_UNSAFE)


def error_object(error: VerdictError) -> dict:
    """An error as JSON: {"error": {"code", "exit", "message", "diagnostics": [...]}}."""
    first = error.diagnostics[0] if error.diagnostics else None
    return {"error": {"code": first.code if first else error.default_code, "exit": 2,
                      "message": first.message if first else str(error),
                      "diagnostics": [d.to_dict() for d in error.diagnostics]}}


def main(argv=None) -> int:
    return run(build_parser(argv).parse_args(argv))


def run(args) -> int:
    """The command parsed into `args`, its errors reported: the exit status."""
    from engine.locale import cldr_cache
    cldr_cache.enable()  # the explanation's CLDR entries kept between runs, as the rules are (engine/cache)
    try:
        return args.run(args)
    except VerdictError as error:
        sys.stderr.write(terminal_safe(error.render()) + "\n")
        if getattr(args, "format", None) == "json":
            print(json.dumps(error_object(error), ensure_ascii=False, indent=2))
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


def command() -> int:
    """The `verdict` program (pyproject.toml's script, `python -m engine`): main(), and the process ends."""
    args = build_parser().parse_args()
    # what the imports made stays to the end: later collections need not walk it (gc.freeze)
    gc.freeze()
    code = run(args)
    # Python's last collections, as the process ends, would walk every object of the engine and the
    # rules (some 10 ms of a `verdict eval`), only to free what ending the process frees anyway:
    # frozen, they are not walked. Flushing, atexit handlers and the exit status are as before.
    gc.freeze()
    if args.command == "eval" and args.batch is None:
        _end_now(code)
    return code


def _end_now(code: int) -> None:
    """End the process as Python's exit would, less its teardown (freeing every module and object
    one by one: some 7 ms of a `verdict eval`): the atexit handlers run, then the standard streams
    are flushed, then the process exits with `code`. Only for a verdict on one facts file, which
    leaves no file open and no thread behind; if anything is unusual (another thread, a stream
    that cannot be flushed), Python's own exit does it all, as before."""
    import atexit
    import threading
    if threading.active_count() != 1 or type(code) is not int or not 0 <= code <= 255:
        return
    atexit._run_exitfuncs()  # as Python's exit does first; they are then forgotten (not run twice)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # a closed pipe: Python's exit reports it and sets the status
        return
    os._exit(code)


if __name__ == "__main__":
    sys.exit(command())
