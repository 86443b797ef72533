"""`verdict dmn import FILE.dmn [-o OUT]` and `verdict dmn export PATH [--as-of DATE] [-o FILE.dmn]`."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from engine.errors import Diagnostic, VerdictError


def register(sub) -> None:
    dmn = sub.add_parser("dmn", help="import a DMN file as rules, or export a ruleset as DMN 1.5 XML")
    actions = dmn.add_subparsers(dest="dmn_command", required=True, metavar="ACTION")
    imp = actions.add_parser("import", help="DMN XML → a .rules file (or a folder), checked by loading it")
    imp.add_argument("file", help="a .dmn file, or - for standard input")
    imp.add_argument("-o", "--output", help="a .rules file, or a folder to create (default: standard output)")
    imp.set_defaults(run=cmd_import)
    exp = actions.add_parser("export", help="a ruleset → DMN 1.5 XML, as of a date")
    exp.add_argument("path", help="a ruleset folder or a .rules file")
    exp.add_argument("--as-of", dest="as_of", help="the day whose versions and parameter values are exported, "
                     "YYYY-MM-DD (default: today)")
    exp.add_argument("--decision", action="append", help="export only this decision and what it reads (repeatable)")
    exp.add_argument("-o", "--output", help="the .dmn file to write (default: standard output)")
    exp.set_defaults(run=cmd_export)


def _read(path: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise VerdictError(Diagnostic("error", "not-found", f"{path}: {error.strerror}")) from None


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise VerdictError(Diagnostic("error", "not-found", f"cannot write {path}: {error.strerror}")) from None


def cmd_import(args) -> int:
    from engine.dmn.to_rules import import_dmn
    imported = import_dmn(_read(args.file), "stdin.dmn" if args.file == "-" else args.file)
    for note in imported.notes:
        sys.stderr.write(f"note: {note}\n")
    findings = [d for d in imported.ruleset.check() if d.is_error]
    for diagnostic in findings:  # e.g. an overlap in a UNIQUE table: the DMN model has it too
        element = imported.element_at(diagnostic.span.line) if diagnostic.span else None
        where = f"{element.describe()}: " if element is not None else ""
        sys.stderr.write(f"note: {where}the DMN model has this problem, and so has its translation: "
                         f"{diagnostic.message} (lines of {imported.file_name})\n")
    if args.output is None:
        sys.stdout.write(imported.text)
    elif args.output.endswith(".rules"):
        _write(args.output, imported.text)
    else:
        folder = Path(args.output)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise VerdictError(Diagnostic("error", "not-found", f"cannot create {folder}: {error.strerror}")) from None
        _write(str(folder / imported.file_name), imported.text)
    return 0


def cmd_export(args) -> int:
    from engine.dmn.writer import export_dmn
    from engine.ruleset import load_ruleset
    as_of = dt.date.today()
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise VerdictError(Diagnostic("error", "usage", f"--as-of {args.as_of}: expected a date YYYY-MM-DD")) from None
    xml, notes = export_dmn(load_ruleset(args.path), as_of, args.decision)
    for note in notes:
        sys.stderr.write(f"note: {note}\n")
    if args.output is None:
        sys.stdout.write(xml)
    else:
        _write(args.output, xml)
    return 0
