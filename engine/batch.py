"""batch: JSON Lines of facts → JSON Lines of verdicts, in input order, on every core.

Each input line is either an object of facts, or an envelope
`{"facts": {...}, "as_of": "YYYY-MM-DD", "outputs": ["name", ...]}` (`as_of` and `outputs`
optional; the command line gives the defaults). An object is an envelope when its `facts` is an
object and it has no key besides `facts`, `as_of` and `outputs`. Blank lines are skipped.

Each output line is `{"line": N, "outputs": {...}}` (with `"trace": {...}` under `--trace`), or
`{"line": N, "error": "...", "diagnostics": [...]}`: a bad line never stops the batch. N is the
line's number in the input, from 1.

The input is cut into chunks of whole lines; worker processes (forked, so the loaded ruleset is
shared) each turn a chunk into output text, and the chunks are written back in order.
"""
from __future__ import annotations

import collections
import contextlib
import json
import multiprocessing
import os
import signal
import sys
import time
from typing import BinaryIO, Optional, TextIO

from engine.errors import Diagnostic, VerdictError
from engine.facts.reader import FactsSyntaxError, read_json
from engine.values import to_json_value

CHUNK_BYTES = 1 << 18         # about a quarter of a megabyte of input lines per task
ENVELOPE_KEYS = frozenset({"facts", "as_of", "outputs"})

_state: Optional[tuple] = None  # (ruleset, as_of, outputs, trace) in this process


def _error_line(number: int, code: str, message: str) -> dict:
    """An error line with the same shape as a refused line's: `error` and one diagnostic."""
    return {"line": number, "error": message,
            "diagnostics": [{"severity": "error", "code": code, "message": message}]}


def run(ruleset, source: BinaryIO, out: BinaryIO, *, as_of=None, outputs=None, trace: bool = False,
        jobs: Optional[int] = None, progress: Optional[TextIO] = None, total: Optional[int] = None) -> tuple:
    """Evaluates every line of `source`, writes one line per verdict to `out`; returns
    (lines evaluated, error lines). `jobs`: worker processes (default: every core; 1: none).
    `progress`: a text stream for a progress bar (`total`: the input's size in bytes, if known)."""
    global _state
    if isinstance(as_of, str):
        from engine.ruleset import _as_date
        as_of = _as_date(as_of, "as_of")
    _state = (ruleset, as_of, tuple(outputs) if outputs else None, trace)
    jobs = jobs or _cores()
    meter = _Progress(progress, total) if progress is not None else None
    chunks = _chunks(source)
    counts = [0, 0]

    def write(result: tuple):
        text, lines, errors, size = result
        with _uninterrupted():  # Ctrl-C lands between chunks, never inside a line
            out.write(text)
            out.flush()
        counts[0] += lines
        counts[1] += errors
        if meter:
            meter.advance(size, counts[0])

    try:
        _run_chunks(chunks, jobs, write)
    except KeyboardInterrupt:
        if meter:
            meter.stream.write("\n")
        sys.stderr.write(f"verdict: interrupted; the output holds the verdicts of the first {counts[0]:,} "
                         f"line(s), each line whole\n")
        sys.stderr.flush()
        raise
    out.flush()
    if meter:
        meter.done(counts[0])
    return counts[0], counts[1]


def _run_chunks(chunks, jobs: int, write) -> None:
    first = next(chunks, None)
    second = next(chunks, None) if first is not None else None
    if second is None or jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in (c for c in (first, second) if c is not None):
            write(_work(chunk))
        for chunk in chunks:
            write(_work(chunk))
        return
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_quiet_worker) as pool:
        pending = collections.deque()
        for chunk in _chain((first, second), chunks):
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= 2 * jobs:
                write(pending.popleft().get())
        while pending:
            write(pending.popleft().get())


@contextlib.contextmanager
def _uninterrupted():
    """SIGINT held back while a chunk is written (delivered right after), where the platform can."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:
        yield
        return
    previous = block(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)


def _quiet_worker():
    """Ctrl-C is the parent's to handle (it stops the pool): no traceback from each worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chain(first: tuple, rest):
    yield from first
    yield from rest


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _chunks(source: BinaryIO):
    """(number of the chunk's first line, bytes of whole lines) pieces of the input."""
    line = 1
    rest = b""
    while True:
        data = source.read(CHUNK_BYTES)
        if not data:
            break
        data = rest + data
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            rest = data
            continue
        piece, rest = data[:cut], data[cut:]
        yield line, piece
        line += piece.count(b"\n")
    if rest:
        yield line, rest


def _work(chunk: tuple) -> tuple:
    """A chunk of input lines → (output text, lines evaluated, error lines, input bytes)."""
    first, data = chunk
    ruleset, as_of, outputs, trace = _state
    written, lines, errors = [], 0, 0
    for number, raw in enumerate(data.split(b"\n"), first):
        if not raw.strip():
            continue
        lines += 1
        result = _line(ruleset, number, raw, as_of, outputs, trace)
        line, failed = _encoded(number, result)
        errors += failed
        written.append(line)
    return b"".join(written), lines, errors, len(data)


def _encoded(number: int, result: dict) -> tuple[bytes, bool]:
    """(the output line, whether it is a problem: an error line or a partial verdict). A verdict
    that JSON cannot carry becomes an error line for its input line alone, never the end of the batch."""
    problem = "error" in result or result.get("complete") is False
    try:
        return json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n", problem
    except UnicodeEncodeError:
        message = "the verdict holds a lone surrogate (half of a UTF-16 pair), which is not a character"
    except ValueError:  # Python refuses to write an int of more than 4,300 digits
        message = "the verdict holds a number too long to write"
    except RecursionError:
        message = "the verdict is nested too deeply to write"
    line = json.dumps(_error_line(number, "batch-output", message), separators=(",", ":"))
    return line.encode("ascii") + b"\n", True


def _line(ruleset, number: int, raw: bytes, as_of, outputs, trace: bool) -> dict:
    try:
        data = read_json(raw)  # the reader of --facts and HTTP bodies: exact decimals, no duplicate keys
    except FactsSyntaxError as error:
        return _error_line(number, "batch-line", f"not a JSON line: {error}" if error.not_json else str(error))
    if not isinstance(data, dict):
        return _error_line(number, "batch-line", f"expected an object of facts, got {type(data).__name__}")
    facts = data
    if isinstance(data.get("facts"), dict) and data.keys() <= ENVELOPE_KEYS:
        facts = data["facts"]
        as_of = data.get("as_of", as_of)
        if "outputs" in data:
            outputs = data["outputs"]
            if not (isinstance(outputs, list) and all(isinstance(o, str) for o in outputs)):
                return _error_line(number, "batch-line", "`outputs` must be a list of decision names")
    return verdict_line(ruleset, number, facts, as_of, outputs, trace)


def verdict_line(ruleset, number: int, facts: dict, as_of, outputs, trace: bool = False) -> dict:
    """The output line of one case's facts (also a column-by-column batch's, engine/vector/parquet.py)."""
    try:
        verdict = ruleset.evaluate(facts, as_of=as_of, outputs=outputs, trace=trace, partial=True)
        result = {"line": number, "outputs": {k: to_json_value(v) for k, v in verdict.outputs.items()}}
        if not verdict.complete:  # a partial verdict: what has no answer, and why
            result["complete"] = False
            result["status"] = {name: status.to_dict() for name, status in verdict.unanswered.items()}
        if trace:
            result["trace"] = verdict.to_dict()
        return result
    except VerdictError as error:
        diagnostics = [d.to_dict() for d in error.diagnostics]
        return {"line": number, "error": "; ".join(d["message"] for d in diagnostics), "diagnostics": diagnostics}
    except RecursionError:
        return _error_line(number, "batch-line", "the input is nested too deeply to process")
    except Exception as error:  # a bug: say so on this line, and go on with the others
        return _error_line(number, "internal", f"internal error: {type(error).__name__}: {str(error)[:500]}")


class _Progress:
    """A one-line progress bar, redrawn at most five times a second."""

    def __init__(self, stream, total: Optional[int]):
        self.stream = stream
        self.total = total
        self.start = self.shown = time.monotonic()
        self.done_bytes = 0

    def advance(self, size: int, lines: int):
        self.done_bytes += size
        now = time.monotonic()
        if now - self.shown >= 0.2:
            self.shown = now
            self._draw(lines, now)

    def _draw(self, lines: int, now: float):
        rate = lines / max(now - self.start, 1e-9)
        if self.total:
            share = min(self.done_bytes / self.total, 1.0)
            bar = "#" * int(share * 30)
            head = f"[{bar:<30}] {share:4.0%} "
        else:
            head = ""
        self.stream.write(f"\r{head}{lines:,} lines, {rate:,.0f}/s ")
        self.stream.flush()

    def done(self, lines: int):
        self._draw(lines, time.monotonic())
        self.stream.write("\n")
        self.stream.flush()


def progress_stream():
    """Standard error when it is a terminal (a progress bar there), else None."""
    return sys.stderr if sys.stderr.isatty() else None


def refuse_a_file_that_is_no_batch(path: str) -> None:
    """A batch is JSON Lines (or Parquet, engine/vector/parquet.py): a table or a document of another
    kind would fail on every line, so it is refused once, before any work."""
    kind = os.path.splitext(path)[1].lower()
    if path != "-" and kind in (".csv", ".tsv", ".json", ".yaml", ".yml", ".xlsx", ".xls"):
        raise VerdictError(Diagnostic("error", "usage", f"--batch {path}: a batch is JSON Lines (.jsonl, one JSON "
                                      f"object of facts a line) or Parquet (.parquet, a column a fact), not {kind}",
                                      hint="a single case goes with --facts FILE; a table can be saved as Parquet"))
