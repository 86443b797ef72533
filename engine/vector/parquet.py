"""parquet: `verdict eval PATH --batch IN --out OUT` when either file is Parquet, vectorised.

    verdict eval rulesets/student_health --batch cases.parquet --out verdicts.parquet --as-of 2025-09-01

The format goes by the file's extension: `.parquet` is a table whose columns are inputs; anything
else is JSON Lines (one object of facts per line, as `--batch` reads them). `--out` is `.parquet` or
`.jsonl`; any other extension is refused before anything is read. The Parquet output has
one column per output (decimal128 money, dictionary symbols), then `<output>_status` and
`<output>_error`; a JSON Lines output has one line per case, as `--batch` writes them.
Exit 0 when every case is answered, 1 when some are not, 2 when the files cannot be read.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from decimal import Decimal

from engine.errors import Diagnostic, VerdictError
from engine.values import to_json_value


def add_arguments(parser) -> None:
    parser.add_argument("--out", metavar="FILE", help="with --batch: write the verdicts here; a .parquet "
                        "input or output is evaluated column by column (engine/vector)")


OUT_EXTENSIONS = (".parquet", ".jsonl")  # what --out can write; its format goes by the extension


def check_out(path: str) -> None:
    """--out names a file this batch can write, by its extension: anything else is refused before
    the ruleset is even loaded (`o.csv` would otherwise get JSON Lines)."""
    stem, extension = os.path.splitext(path)
    if extension in OUT_EXTENSIONS:
        return
    base = stem if extension else path
    raise VerdictError(Diagnostic("error", "usage", f"--out {path}: the batch writes "
                                  f"{' or '.join(OUT_EXTENSIONS)} files (the format goes by the extension), "
                                  + (f"not {extension}" if extension else "and this name has none"),
                                  hint=f"write {base}.parquet (a table, one column per output) or {base}.jsonl "
                                       "(one JSON verdict per line)"))


def wanted(args) -> bool:
    """Whether this batch goes column by column: a Parquet file in, or any --out."""
    return args.out is not None or str(args.batch).endswith(".parquet")


def run(args, load_ruleset) -> int:
    if args.out is not None:
        check_out(args.out)
    from engine.vector import require
    require()
    import pyarrow.parquet as pq
    if args.trace or args.jobs:
        raise VerdictError(Diagnostic("error", "usage", "a Parquet batch is evaluated column by column, "
                                      "on one core, without traces: --trace and --jobs do not apply"))
    ruleset = load_ruleset(args.path)
    day = args.as_of or dt.date.today().isoformat()
    cases, rows = _read(args.batch, pq)
    result = ruleset.evaluate_table(cases, day, args.output or None)
    if args.out and args.out.endswith(".parquet"):
        try:
            pq.write_table(result.to_arrow(), args.out)
        except OSError as error:
            raise VerdictError(Diagnostic("error", "not-found", f"cannot write {args.out}: {error}")) from None
    else:
        out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
        with out if args.out else _kept(out):
            _write_lines(result, out, lambda row: _facts(cases, rows, row), ruleset, day, args.output or None)
    return 0 if all((status == 0).all() for status in result.status.values()) else 1


def _read(path: str, pq):
    """(the columns, the lines' facts objects — None for a Parquet file)."""
    if path == "-" and not path.endswith(".parquet"):
        return _lines(sys.stdin)
    try:
        if path.endswith(".parquet"):
            return pq.read_table(path), None
        with open(path, encoding="utf-8") as source:
            return _lines(source)
    except FileNotFoundError:  # pyarrow's says only the path
        raise VerdictError(Diagnostic("error", "not-found", f"batch file {path}: No such file or directory",
                                      hint="give a .parquet or .jsonl file that exists")) from None
    except (OSError, ValueError) as error:
        raise VerdictError(Diagnostic("error", "not-found", f"batch file {path}: "
                                      f"{getattr(error, 'strerror', None) or error}")) from None


def _lines(source):
    """JSON Lines → columns (a key absent from a line is a null there: that case is refused)."""
    rows = []
    for number, line in enumerate(source, 1):
        if line.strip():
            try:
                rows.append(json.loads(line, parse_float=Decimal))
            except json.JSONDecodeError as error:
                raise VerdictError(Diagnostic(
                    "error", "batch-line", f"line {number}: not a JSON line ({error.msg})",
                    hint="a batch written column by column (--out, or a Parquet file) needs every line: "
                         "fix the line, or leave out --out to have one error line for it")) from None
    names = list(dict.fromkeys(k for row in rows for k in row))
    return {name: [row.get(name) for row in rows] for name in names}, rows


class _kept:
    """`with` on standard output, without closing it."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        self.stream.flush()


def _write_lines(result, out, facts_of, ruleset, day, outputs) -> None:
    """One line per case, as `--batch` writes it: a case some output did not answer is written from
    its own verdict (a partial one, or its error), so both batch paths give the same lines."""
    from engine.batch import verdict_line
    columns = {name: result.values(name) for name in result.outputs}
    for row in range(result.n):
        if any(row in result.messages[name] for name in columns):
            line = verdict_line(ruleset, row + 1, facts_of(row), day, outputs)
        else:
            line = {"line": row + 1, "outputs": {name: to_json_value(values[row]) for name, values in columns.items()}}
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")


def _facts(cases, rows, row: int) -> dict:
    """A case's facts: its JSON line as written (a key left out is missing), or its Parquet row."""
    if rows is not None:
        return rows[row]
    return cases.slice(row, 1).to_pylist()[0]
