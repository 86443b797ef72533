"""`verdict fmt PATH [--check] [--diff]` and `verdict check --suggest --write`.

Every file is formatted in memory first: if one cannot be read or parsed, its errors are shown
as `verdict check` shows them, nothing is written, and the exit code is 2.
"""
from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

from engine.errors import Diagnostic, RuleError
from engine.fmt import format_text


def register(sub) -> None:
    fmt = sub.add_parser("fmt", help="align tables and normalise spacing in rule files (in place)")
    fmt.add_argument("paths", nargs="+", metavar="PATH",
                     help="a .rules file, or a folder: every .rules file in it and below (hidden folders aside)")
    fmt.add_argument("--check", action="store_true", help="change nothing; list the files that would change, exit 1 if any")
    fmt.add_argument("--diff", action="store_true", help="change nothing; print what would change as a unified diff (exit 0; with --check, exit 1 if any)")
    fmt.set_defaults(run=cmd_fmt)


def rule_files(path: str) -> list[Path]:
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.exists():
        raise RuleError(Diagnostic("error", "not-found", f"{path}: no such file or folder"))
    found = sorted(p for p in root.rglob("*.rules")
                   if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts[:-1]))
    if not found:
        raise RuleError(Diagnostic("error", "not-found", f"{path}: no .rules file in this folder or below"))
    return found


def format_files(paths) -> list[tuple[str, str, str]]:
    """(file, old text, new text) for every file; RuleError with every file's errors if any fails."""
    from engine.ruleset_files import read_folder_file
    results, errors, sources = [], [], {}
    for path in paths:
        name = str(path)
        try:
            old = read_folder_file(Path(path), name)
            sources[name] = old
            results.append((name, old, format_text(old, name)))
        except RuleError as error:
            errors.extend(error.diagnostics)
    if errors:
        raise RuleError(errors, sources)
    return results


def unified_diff(file: str, old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        file, file, "", "(formatted)"))


def write_text(file: str, text: str) -> None:
    """Replace the file in one step, so an interrupted write never leaves half a rule file."""
    temporary = f"{file}.fmt-tmp"
    with open(temporary, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    os.replace(temporary, file)


def cmd_fmt(args) -> int:
    from engine.cli import terminal_safe
    paths = [file for path in args.paths for file in rule_files(path)]
    results = format_files(list(dict.fromkeys(paths)))
    changed = [(file, old, new) for file, old, new in results if old != new]
    if args.diff:
        sys.stdout.write(terminal_safe("".join(unified_diff(*change) for change in changed)))
    if args.check:
        for file, _, _ in changed:
            print(f"would reformat {file}")
        print(f"{len(changed)} of {len(results)} file(s) would be reformatted")
        return 1 if changed else 0
    if args.diff:
        return 0
    for file, _, new in changed:
        write_text(file, new)
        print(f"reformatted {file}")
    print(f"{len(changed)} of {len(results)} file(s) reformatted")
    return 0


def write_suggestions(path: str) -> int:
    """`check --suggest --write`: merge the rows `--suggest` proposes, format the changed files."""
    from engine.ruleset import load_ruleset
    from engine.checker.simplify import simplified_texts
    texts = simplified_texts(load_ruleset(path))
    if not texts:
        print("no table can be simplified")
        return 0
    formatted = {}
    for file, text in sorted(texts.items()):
        try:
            formatted[file] = format_text(text, file)
        except RuleError as error:  # the merge produced text that does not parse: a bug, say where
            raise RuleError(error.diagnostics, {file: text}) from None
    for file, text in formatted.items():
        write_text(file, text)
        print(f"merged rows in {file}")
    return 0
