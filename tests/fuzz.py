"""Fuzzing: hostile rule files, facts and traces; nothing may crash, hang or escape as a non-VerdictError.

    python -m tests.fuzz 20000              # 20,000 inputs (what `make fuzz` runs)
    python -m tests.fuzz --seconds 600      # as many inputs as fit in ten minutes
    python -m tests.fuzz 5000 --seed 7      # another deterministic sequence
    python -m tests.fuzz --replay 7:1234    # input 1234 of seed 7 alone, with its traceback

Every input is built from (seed, index) alone, so a finding is replayed exactly, on any machine.
The kinds of input, mixed by index:

  rules       a rule file of the corpus mutated: tokens swapped, duplicated, dropped or corrupted
              (tokenised with a simple regex: names, numbers, strings, operators, pipes, newlines),
              lines and table rows swapped, duplicated, dropped, cells shuffled, files spliced,
              nesting and size pushed past the limits, and random bytes flipped. Loaded as a
              one-file ruleset; when it loads, it is checked and evaluated with random facts.
  folder      a corpus ruleset folder with one file mutated (names resolve across files, so
              mutants reach the resolver, the compiler and the evaluator more often); sometimes
              the file mutated is ruleset.yaml or a messages/<lang>.yaml.
  facts       random facts (right and wrong types, junk, NaN, huge values, unknown and missing
              names, odd as-of dates and outputs) evaluated on the target ruleset through the API.
  facts-text  random facts written as YAML or JSON, mutated as bytes, read the way the CLI reads
              them; sometimes the whole `verdict eval` is run in-process and its contract checked
              (exit 0 or 2, nothing on stdout after an error, never an internal error).
  trace       a saved trace with parts replaced by junk, read, explained and replayed.
  folder-files  a corpus folder where one file is a symbolic link (out of the folder, to
              /dev/zero, to nothing, to itself, within the folder), a named pipe, a folder or a
              sparse file of gigabytes: refused at once, never showing a file outside the folder.
  batch       JSON Lines of random facts with broken lines (lone surrogates, duplicate keys,
              5,000-digit numbers, tiny exponents, not JSON): one output line per input line.
  threads     a freshly loaded ruleset evaluated by 8 threads at once, equal to serial results.

The facts kinds also write YAML 1.1 number forms (010, 0x1F, 1:30) and tiny exponents (1e-100000000).

The corpus: rulesets/*/*.rules, tests/diagnostics/*.rules, tests/golden/**/*.rules,
tests/hostile_ruleset/*.rules and the ```rules blocks of docs/*.md. The target of the fact
inputs is the bundled ruleset when it loads, else tests/hostile_ruleset.

Each input has a budget of CPU time (--budget, default 2 s, enforced with a profiling timer); one that
exceeds it is a hang, one over a quarter of it is reported as slow. Findings are written to
--out (default fuzz-findings/) with the command that replays them. Exit status 1 when an input
crashed or hung.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import fnmatch
import hashlib
import io
import json
import math
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from decimal import Decimal
from pathlib import Path
from typing import Optional

import yaml

import engine
from engine import cli
from engine.countries import ISO_3166_ALPHA2
from engine.errors import VerdictError
from engine.values import EnumType, ListType, shown_value

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_RULESET = ROOT / "tests" / "hostile_ruleset"
BUNDLED_RULESET = ROOT / "rulesets" / "student_health"
KINDS = (("rules", 50), ("folder", 8), ("facts", 25), ("facts-text", 12), ("trace", 5), ("folder-files", 3),
         ("batch", 4), ("threads", 1))

# Crashes already reported, in code this harness's author may not change: (kind of input,
# exception, innermost engine frame "file:function"), each a shell-style pattern. They are counted
# as `known`, not as crashes, so that the brief run in `make test` stays green; tests/test_hostile.py
# holds an xfail(strict=True) test for each, which fails the day the bug is fixed: then delete the
# line here.
KNOWN_CRASHES = (
    ("*", "InvalidOperation", "compiler/compile.py:*"),          # round(x, 10**9): decimal.InvalidOperation
    ("*", "Overflow", "compiler/compile.py:*"),                  # n * n * … past 10**999999: decimal.Overflow
    ("*", "RecursionError", "compiler/compile.py:*"),            # a chain of ~200 decisions, each reading the last
    ("*", "RecursionError", "evaluation/evaluate.py:*"),
    ("*", "RecursionError", "semantics/resolve.py:*"),
    ("*", "RecursionError", "semantics/graph.py:*"),
    ("trace", "*", "trace/verdict.py:*"),                       # a trace whose parts have the wrong shape
    ("trace", "*", "explain/i18n.py:*"),
)


def is_known(kind: str, error: str, where: str) -> bool:
    return any(fnmatch.fnmatchcase(kind, k) and fnmatch.fnmatchcase(error, e) and fnmatch.fnmatchcase(where, w)
               for k, e, w in KNOWN_CRASHES)


class Hang(BaseException):
    """Raised by the timer inside an input that ran past its budget (BaseException: no engine
    `except Exception` may swallow it)."""


# ---------------------------------------------------------------------------- the corpus

def corpus_files() -> list[Path]:
    paths = sorted(ROOT.glob("rulesets/*/*.rules")) + sorted((ROOT / "tests" / "diagnostics").glob("*.rules"))
    paths += sorted((ROOT / "tests" / "golden").rglob("*.rules")) + sorted(HOSTILE_RULESET.glob("*.rules"))
    return paths


def corpus_texts() -> list[tuple[str, bytes]]:
    texts = []
    for path in corpus_files():
        try:
            texts.append((str(path.relative_to(ROOT)), path.read_bytes()))
        except OSError:
            continue
    for doc in sorted((ROOT / "docs").glob("*.md")):
        blocks = re.findall(r"```rules\n(.*?)```", doc.read_text(encoding="utf-8", errors="replace"), re.S)
        texts.extend((f"{doc.relative_to(ROOT)}#{i}", b.encode()) for i, b in enumerate(blocks, 1))
    return texts or [("<empty>", b"input a : integer\ndecision d : integer = a\n")]


def corpus_folders() -> list[Path]:
    folders = {p.parent for p in corpus_files() if "diagnostics" not in p.parts}
    return sorted(f for f in folders if len(list(f.glob("*.rules"))) >= 1)


# ---------------------------------------------------------------------------- rule-file mutation

TOKEN = re.compile(r"""
    (?P<nl>\r?\n)
  | (?P<ws>[ \t]+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<name>[^\W\d]\w*)
  | (?P<op>\|\||\.\.|<=|>=|!=|[-+*/<>=|(){}\[\],.:%€])
  | (?P<other>.)
""", re.X | re.S)

KEYWORDS = ("type", "input", "parameter", "decision", "from", "valid", "to", "hit", "source", "checked",
            "because", "default", "list", "of", "not", "and", "or", "if", "then", "else", "in", "otherwise",
            "true", "false", "unique", "first", "priority", "any", "collect", "sum", "min", "max", "count",
            "rule", "order", "output", "as_of", "id", "integer", "number", "money", "date", "text", "bool",
            "country", "round", "floor", "ceil", "abs", "contains", "years_between", "months_between",
            "year", "month", "day")
OPERATORS = ("||", "|", "..", "<=", ">=", "!=", "<", ">", "=", "+", "-", "*", "/", "(", ")", "[", "]", "{",
             "}", ",", ".", ":", "%", "€", "-", "|---|", "| - |")
ODD_VALUES = ("0", "-1", "1", "999999999999999", "1000000000000000", "9" * 40, "0." + "0" * 30 + "1",
              "1.5", "2025-02-30", "0000-01-01", "9999-12-31", "2025-13-01", '""', '"unterminated',
              '"{x}"', '"{"', '"}{"', '"{as_of}"', "70%", "12 €", "-0", "1..0", "{}", "{,}", "()", "[1..]",
              "not", "not not", "-", "otherwise", "CN", "FR", "ZZ", "cn")
ODD_CHARACTERS = ("\x00", "\t", "\x0b", "\x0c", "\r", "\r\n", "\u00a0", "\u200b", "\u202e", "\ufeff", "\u2028",
                  "а", "е", "о", "р", "і", "α", "ο", "€", "😀", "e\u0301", "\\", '"', "#", "|", "\udcff")


def tokenize(text: str) -> list[list[str]]:
    return [[m.lastgroup, m.group()] for m in TOKEN.finditer(text)]


def detokenize(tokens) -> str:
    return "".join(t[1] for t in tokens)


def _solid(tokens) -> list[int]:
    return [i for i, t in enumerate(tokens) if t[0] not in ("ws", "nl")]


def _odd_token(rng: random.Random, tokens) -> str:
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(KEYWORDS)
    if roll < 0.55:
        return rng.choice(OPERATORS)
    if roll < 0.8:
        return rng.choice(ODD_VALUES)
    if roll < 0.9 and tokens:
        return rng.choice(tokens)[1]
    return rng.choice(ODD_CHARACTERS)


def _corrupt(rng: random.Random, kind: str, text: str) -> str:
    """A token changed in a way that keeps it nearly right: the hardest inputs for diagnostics."""
    roll = rng.random()
    if kind == "name" and roll < 0.4:
        lookalikes = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "i": "і", "x": "х", "y": "у"}
        spots = [i for i, c in enumerate(text) if c in lookalikes]
        if spots:
            i = rng.choice(spots)
            return text[:i] + lookalikes[text[i]] + text[i + 1:]
    if kind == "number" and roll < 0.5:
        return rng.choice(("0", "-" + text, text + "0" * rng.randint(1, 40), text + ".", "." + text, text * 3,
                           text + "e5", "1" + "0" * 4400))
    if kind == "string" and roll < 0.5:
        return rng.choice((text[:-1], text + '"', text[:-1] + "{" + '"', text[:-1] + "{nope}" + '"',
                           '"' + "x" * rng.randint(1000, 12000) + '"', text.replace('"', "'")))
    if kind == "date" and roll < 0.5:
        return rng.choice(("2025-02-29", "2024-02-29", "2025-00-10", "10000-01-01", text[:-1], text + "0"))
    if not text:
        return _odd_token(rng, [])
    i = rng.randrange(len(text))
    action = rng.randrange(3)
    if action == 0:
        return text[:i] + text[i + 1:]
    if action == 1:
        return text[:i] + rng.choice(ODD_CHARACTERS) + text[i:]
    return text[:i] + text[i] * rng.randint(2, 4) + text[i + 1:]


def mutate_tokens(rng: random.Random, text: str, others: list[str]) -> str:
    tokens = tokenize(text)
    solid = _solid(tokens)
    if not solid:
        return text + _odd_token(rng, [])
    op = rng.randrange(6)
    i = rng.choice(solid)
    if op == 0:  # swap, often with a neighbour
        j = rng.choice(solid) if rng.random() < 0.5 else solid[min(len(solid) - 1, solid.index(i) + rng.randint(1, 3))]
        tokens[i], tokens[j] = tokens[j], tokens[i]
    elif op == 1:  # duplicate
        tokens.insert(i + rng.choice((0, 1)), list(tokens[i]))
    elif op == 2:  # drop
        del tokens[i]
    elif op == 3:  # corrupt
        tokens[i][1] = _corrupt(rng, tokens[i][0], tokens[i][1])
    elif op == 4:  # replace with another token, from anywhere
        pool = tokenize(rng.choice(others)) if others and rng.random() < 0.3 else tokens
        tokens[i][1] = _odd_token(rng, [t for t in pool if t[0] not in ("ws", "nl")])
    else:  # insert
        tokens.insert(i, ["other", rng.choice((" ", "")) + _odd_token(rng, tokens) + rng.choice((" ", ""))])
    return detokenize(tokens)


def mutate_lines(rng: random.Random, text: str, others: list[str]) -> str:
    lines = text.split("\n")
    if not lines:
        return text
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    op = rng.randrange(8)
    if op == 0:
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 1:
        lines.insert(j, lines[i])
    elif op == 2:
        del lines[i]
    elif op == 3 and others:  # a line of another file
        other = rng.choice(others).split("\n")
        lines.insert(i, rng.choice(other))
    elif op == 4:  # a table row: cells shuffled, duplicated, dropped, or `||` made `|`
        rows = [k for k, line in enumerate(lines) if line.lstrip().startswith("|")]
        if rows:
            k = rng.choice(rows)
            cells = lines[k].split("|")
            action = rng.randrange(4)
            if action == 0 and len(cells) > 2:
                a, b = rng.randrange(1, len(cells)), rng.randrange(1, len(cells))
                cells[a], cells[b] = cells[b], cells[a]
            elif action == 1:
                cells.insert(rng.randrange(1, len(cells) + 1), rng.choice(cells))
            elif action == 2 and len(cells) > 2:
                del cells[rng.randrange(1, len(cells))]
            lines[k] = "|".join(cells) if action != 3 else lines[k].replace("||", "|", 1)
    elif op == 5:  # indentation
        lines[i] = rng.choice(("  ", "\t", "")) + lines[i].lstrip()
    elif op == 6:  # a row repeated many times (the analysis and `unique` checks meet many overlaps)
        rows = [k for k, line in enumerate(lines) if line.lstrip().startswith("|")]
        if rows:
            k = rng.choice(rows)
            lines[k + 1:k + 1] = [lines[k]] * rng.choice((2, 10, 200))
    else:  # line ends
        return "\n".join(lines).replace("\n", rng.choice(("\r\n", "\r", "\n\n", "\n  \n", "\n# c\n")))
    return "\n".join(lines)


def mutate_limits(rng: random.Random, text: str) -> str:
    """Inputs at and past the documented limits: nesting, line length, number length, rows."""
    tokens = tokenize(text)
    numbers = [i for i, t in enumerate(tokens) if t[0] in ("number", "name")]
    op = rng.randrange(5)
    if op == 0 and numbers:
        i = rng.choice(numbers)
        n = rng.choice((20, 99, 100, 101, 150, 400))
        wrap = rng.choice((("(", ")"), ("-", ""), ("not ", ""), ("abs(", ")"), ("(1 + ", ")"), ("[", "]")))
        tokens[i][1] = wrap[0] * n + tokens[i][1] + wrap[1] * n
        return detokenize(tokens)
    if op == 1 and numbers:
        i = rng.choice(numbers)
        n = rng.choice((50, 100, 101, 3000))
        tokens[i][1] = " + ".join([tokens[i][1]] * n)
        return detokenize(tokens)
    if op == 2:
        return text.replace("\n", " " * rng.choice((1, 9_990, 10_001)) + "\n", 1)
    if op == 3:
        return text + "\n" + "# " + "x" * rng.choice((9_998, 10_000, 20_000)) + "\n"
    lines = text.split("\n")
    rows = [k for k, line in enumerate(lines) if line.lstrip().startswith("|")]
    if rows:
        k = rng.choice(rows)
        lines[k] = lines[k] + " x |" * rng.choice((50, 101, 200))
    return "\n".join(lines)


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        i = rng.randrange(len(data) + 1)
        if op == 0 and data:
            i = min(i, len(data) - 1)
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1 and data:
            i = min(i, len(data) - 1)
            data[i] = rng.choice((0x00, 0xFF, 0xC3, 0xE2, 0x80, 0x7F, 0x0C, 0x0D, rng.randrange(256)))
        elif op == 2:
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 3:
            del data[i:]
        elif op == 4:
            data[i:i] = rng.choice((b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\r"))
        else:
            data = bytearray(b"\xef\xbb\xbf") + data
    return bytes(data)


def mutate_rules(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    text = data.decode("utf-8", errors="replace")
    other_texts = [o.decode("utf-8", errors="replace") for o in others]
    roll = rng.random()
    if roll < 0.08 and other_texts:  # splice two files
        other = rng.choice(other_texts)
        text = text[:rng.randint(0, len(text))] + other[rng.randint(0, len(other)):]
    elif roll < 0.16:
        text = mutate_limits(rng, text)
    for _ in range(1 + min(6, int(rng.expovariate(0.7)))):
        text = mutate_tokens(rng, text, other_texts) if rng.random() < 0.7 else mutate_lines(rng, text, other_texts)
    out = text.encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.15:
        out = mutate_bytes(rng, out)
    return out


# ---------------------------------------------------------------------------- random facts

def junk_value(rng: random.Random):
    deep = []
    for _ in range(rng.choice((3, 50, 2000))):
        deep = [deep]
    choices = (
        None, True, False, 0, -1, 10 ** 15, -10 ** 15, 10 ** 400, 2 ** 63, 1.5, -0.0, 1e308, 1e-308,
        float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
        Decimal("-0"), Decimal("1E+999999"), Decimal("1E-999999"), Decimal("0.001"),
        "", " ", "x" * rng.choice((10, 10_001, 3_000_000)), "NaN", "nan", "Infinity", "-inf", "1e400",
        "1e-400", "1e-100000000", "1e-999999999999999999", "0E+999999999", Decimal("1E-100000000"),
        Decimal("0E+999999999"), "\ud800", "a\udfffb", "0x1F", "1_000", "12,5", " 12 ", "12 €", "€", "-0", "+5", "١٢", "٣.٥", "½", "2025-02-30",
        "2025-2-3", "20250203", "2025-02-03T10:00", "0001-01-01", "9999-12-31", "CN ", "cn", "XX", "Cn",
        "\x00", "\u202eevil", "а", "true", "yes", "on", "null", "[1]",
        [], [1, 2], ["CN"], [None], {"a": 1}, {}, deep, set(), {1, 2}, (1, 2), b"bytes", 1 + 2j,
        dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(2020, 1, 1, 12), dt.time(12), dt.timedelta(1),
        object(), Ellipsis, type, range(3),
    )
    return rng.choice(choices)


def plausible_value(rng: random.Random, type_, range_=None):
    """A value of the right type, mostly inside its declared range, sometimes at or past a bound."""
    if isinstance(type_, EnumType):
        symbols = list(type_.symbols) or ["x"]
        return rng.choice(symbols) if rng.random() < 0.97 else rng.choice(symbols).upper()
    if isinstance(type_, ListType):
        return [plausible_value(rng, type_.element) for _ in range(rng.choice((0, 1, 2, 5)))]
    name = getattr(type_, "name", "")
    lo = range_.lo if range_ is not None else None
    hi = range_.hi if range_ is not None else None
    if name in ("integer", "number", "money"):
        roll = rng.random()
        if roll < 0.15 and (lo is not None or hi is not None):
            base = rng.choice([b for b in (lo, hi) if b is not None]) + rng.choice((-1, 0, 0, 1))
        elif roll < 0.8:
            low = lo if lo is not None else 0
            high = hi if hi is not None else low + rng.choice((10, 130, 20000, 10 ** 6))
            base = rng.uniform(float(low), float(high))
        else:
            base = rng.choice((0, 1, 17, 18, 25, 26, 29, 30, 65, 130, 9000, 10166, 20000, 10 ** 6))
        if name == "integer":
            value = int(base)
            return rng.choice((value, value, value, str(value), float(value)))
        value = Decimal(int(base)) + Decimal(rng.choice((0, 0, 1, 50, 99))) / 100
        return rng.choice((value, value, str(value), float(value), int(value)))
    if name == "date":
        day = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
        return rng.choice((day, day.isoformat()))
    if name == "bool":
        return rng.random() < 0.5
    if name == "country":
        return rng.choice(("CN", "FR", "DE", "CH", "GB", "US", "DZ", "NO", "MC")) if rng.random() < 0.8 \
            else rng.choice(sorted(ISO_3166_ALPHA2))
    if name == "text":
        return rng.choice(("zh", "fr", "en", "", "x" * 50))
    return junk_value(rng)


def random_facts(rng: random.Random, ruleset) -> tuple:
    """(facts, as_of, outputs) for one evaluation of `ruleset`."""
    inputs = ruleset.model.inputs
    facts = {}
    junk_rate = rng.choice((0.0, 0.0, 0.0, 0.0, 0.02, 0.1, 0.5))
    missing_rate = rng.choice((0.0, 0.0, 0.0, 0.05))
    for name, info in inputs.items():
        if rng.random() < missing_rate:
            continue
        facts[name] = junk_value(rng) if rng.random() < junk_rate else plausible_value(rng, info.type, info.range)
    for _ in range(rng.choice((0,) * 8 + (1, 3))):
        key = rng.choice(("unknown", "agе", "Age", "", " ", 1, None, (1, 2), "x" * 10_000, "__class__",
                          rng.choice(list(inputs) or ["a"]) + "_"))
        facts[key] = junk_value(rng)
    roll = rng.random()
    if roll < 0.01:
        facts = rng.choice(([facts], None, "facts", 42, list(facts.items())))
    elif roll < 0.02:
        facts = {f"k{i}": i for i in range(rng.choice((1000, 5000)))}
    as_of = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 15))
    as_of = rng.choice((as_of, as_of.isoformat(), as_of, as_of.isoformat())) if rng.random() < 0.95 else \
        rng.choice(("2025-13-01", "", "yesterday", 20250101, dt.datetime(2025, 1, 1, 23, 59), "0001-01-01",
                    "9999-12-31", " 2025-01-01 ", b"2025-01-01"))
    decisions = list(ruleset.decisions)
    roll = rng.random()
    if roll < 0.5 or not decisions:
        outputs = None
    elif roll < 0.9:
        outputs = rng.sample(decisions, rng.randint(1, min(3, len(decisions))))
    else:
        outputs = rng.choice((["nope"], [], decisions + decisions, [decisions[0].upper()], "enrolment", [1]))
    return facts, as_of, outputs


def facts_text(rng: random.Random, facts) -> bytes:
    def plain(value):
        if isinstance(value, str) and len(value) > 10_001:
            return value[:10_001]  # still too long for a text fact; the huge ones are added as text below
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple, set)):
            return [plain(v) for v in value]
        if isinstance(value, (Decimal, complex, bytes, dt.time, dt.timedelta)) or callable(value):
            return str(value)
        if isinstance(value, float) and not math.isfinite(value):
            return value
        if value is Ellipsis or isinstance(value, range):
            return str(value)
        return value
    try:
        data = plain(facts) if isinstance(facts, dict) else {"facts": shown_value(facts)}
    except RecursionError:
        data = {"deep": "[" * 5000}
    try:
        if rng.random() < 0.5:
            text = json.dumps(data, default=str, ensure_ascii=rng.random() < 0.5)
        else:
            text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=rng.random() < 0.3)
    except (ValueError, TypeError, RecursionError, yaml.YAMLError):
        text = "{}"
    roll = rng.random()
    extras = ("\nnationality: !!python/object/apply:os.system ['true']\n", "\nx: &a [1, *a]\n",
              "\nstay_months: .nan\n", "\nstay_months: .inf\n", "\nage: 1e400\n", "\n? [1, 2]\n: 3\n",
              "\n" + "k: 1\n" * 3, "\nnationality: [" * 500, '{"age": NaN}', '{"age": 1, "age": 2}',
              "\nbirth_date: 2001-13-45\n", "\nage: " + "9" * 5000 + "\n", "\x00", "---\n- 1\n",
              # YAML 1.1 number forms (010 was 8, 1:30 was 90) and tiny exponents
              "\nstay_months: 010\n", "\nstay_months: 0x1F\n", "\nstay_months: 0b101\n", "\nstay_months: 0o17\n",
              "\nstay_months: 1:30\n", "\nannual_resources: 1:30.5\n", "\nannual_resources: 1e-100000000\n",
              '\nannual_resources: "1e-999999999999999999"\n', "\nannual_resources: 0E+999999999\n",
              '\nbirth_certificate_language: "\\ud800"\n',
              "\nstay_months: 0x_\n", "\nstay_months: +0x1F\n", "\nannual_resources: .5e-99999999\n",
              "\nbirth_certificate_language: " + "x" * rng.choice((20_000, 1_000_001, 3_000_000)) + "\n",
              "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
              "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
              "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
              "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nage: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n")
    if roll < 0.3:
        text = text + rng.choice(extras)
    elif roll < 0.45:
        text = rng.choice(extras)
    out = text.encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.3:
        out = mutate_bytes(rng, out)
    return out


# ---------------------------------------------------------------------------- traces

def junk_trace(rng: random.Random, trace: dict) -> dict:
    trace = copy.deepcopy(trace)
    for _ in range(rng.randint(1, 3)):
        node, key = trace, None
        # walk down to a random place, then replace what is there
        for _depth in range(rng.randint(1, 4)):
            if isinstance(node, dict) and node:
                key = rng.choice(sorted(node))
                if isinstance(node[key], (dict, list)) and node[key] and rng.random() < 0.6:
                    node = node[key]
                    key = None
                    continue
                break
            if isinstance(node, list) and node:
                key = rng.randrange(len(node))
                if isinstance(node[key], (dict, list)) and node[key] and rng.random() < 0.6:
                    node = node[key]
                    key = None
                    continue
                break
        if key is None:
            continue
        replacement = rng.choice((None, 0, "x", [], {}, [1], {"a": 1}, True, "2025-13-01", [None], [{}], -1))
        if rng.random() < 0.2 and isinstance(node, dict):
            del node[key]
        else:
            node[key] = replacement
    return trace


# ---------------------------------------------------------------------------- running one input

class Outcome:
    __slots__ = ("index", "kind", "status", "seconds", "error", "where", "detail", "data", "suffix")

    def __init__(self, index: int, kind: str):
        self.index, self.kind = index, kind
        self.status, self.seconds, self.error, self.where, self.detail = "ok", 0.0, "", "", ""
        self.data, self.suffix = b"", ".txt"


def _innermost_engine_frame(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if f"{os.sep}engine{os.sep}" in frame.filename:
            return f"{Path(frame.filename).name}:{frame.name}"
    return f"{Path(frames[-1].filename).name}:{frames[-1].name}" if frames else "?"


class Fuzzer:
    def __init__(self, seed: int = 0, budget: float = 2.0, workdir: Optional[Path] = None):
        self.seed = seed
        self.budget = budget
        self.texts = corpus_texts()
        self.folders = corpus_folders()
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="verdict-fuzz-"))
        self.target, self.target_path = self._target()
        self.hostile = engine.load_ruleset(HOSTILE_RULESET)
        self.base_trace = json.loads(self.hostile.evaluate(
            {"age": 30, "income": 20000, "status": "worker", "since": "2020-03-01", "tags": ["worker"]},
            as_of="2024-09-01").to_json())
        kinds, weights = zip(*KINDS)
        self.kinds, self.weights = kinds, weights

    @staticmethod
    def _target():
        try:
            return engine.load_ruleset(BUNDLED_RULESET), BUNDLED_RULESET
        except VerdictError:
            return engine.load_ruleset(HOSTILE_RULESET), HOSTILE_RULESET

    def rng(self, index: int) -> random.Random:
        return random.Random(f"verdict-fuzz:{self.seed}:{index}")

    def kind_of(self, index: int) -> str:
        return self.rng(index).choices(self.kinds, self.weights)[0]

    # Each input runs under a timer; a run past the budget raises Hang inside the engine.
    def run_one(self, index: int, reraise: bool = False) -> Outcome:
        kind = self.kind_of(index)
        rng = self.rng(index)
        rng.random()  # the draw that chose the kind
        outcome = Outcome(index, kind)
        runner = getattr(self, "_" + kind.replace("-", "_"))
        start = time.process_time()
        # The budget is CPU time (ITIMER_PROF): a hang spins, and a loaded machine's waiting is no hang.
        previous = signal.signal(signal.SIGPROF, _on_alarm)
        signal.setitimer(signal.ITIMER_PROF, self.budget)
        try:
            runner(rng, outcome)
        except Hang:
            outcome.status = "hang"
        except VerdictError:
            outcome.status = "refused"
        except BaseException as error:  # noqa: BLE001 - anything else is what we hunt
            if isinstance(error, KeyboardInterrupt):
                raise
            if reraise:
                raise
            outcome.status = "crash"
            outcome.error = f"{type(error).__name__}: {str(error)[:200]}"
            outcome.where = _innermost_engine_frame(error)
            if is_known(kind, type(error).__name__, outcome.where):
                outcome.status = "known"
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)
        outcome.seconds = time.process_time() - start
        if outcome.status in ("ok", "refused") and outcome.seconds > self.budget / 4:
            outcome.detail = (outcome.detail + " slow").strip()
        return outcome

    # ------------------------------------------------------------------ kinds
    def _rules(self, rng, outcome: Outcome):
        name, data = rng.choice(self.texts)
        others = [rng.choice(self.texts)[1] for _ in range(3)]
        mutant = mutate_rules(rng, data, others)
        outcome.data, outcome.suffix, outcome.detail = mutant, ".rules", f"from {name}"
        path = self.workdir / "r.rules"
        path.write_bytes(mutant)
        try:
            ruleset = engine.load_ruleset(path)
        except VerdictError as error:
            _check_diagnostics(error)
            raise
        self._exercise(rng, ruleset)

    def _folder(self, rng, outcome: Outcome):
        source = rng.choice(self.folders)
        folder = self.workdir / f"folder{outcome.index % 2}"
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("tests"))
        files = sorted(folder.glob("*.rules"))
        settings = sorted(folder.glob("ruleset.yaml")) + sorted(folder.glob("messages/*.yaml"))
        victim = rng.choice(settings) if settings and rng.random() < 0.2 else rng.choice(files)
        others = [rng.choice(self.texts)[1] for _ in range(3)]
        mutant = mutate_rules(rng, victim.read_bytes(), others)
        victim.write_bytes(mutant)
        outcome.data, outcome.suffix = mutant, ".rules"
        outcome.detail = f"{source.relative_to(ROOT)}/{victim.name}"
        try:
            ruleset = engine.load_ruleset(folder)
        except VerdictError as error:
            _check_diagnostics(error)
            raise
        self._exercise(rng, ruleset)

    def _exercise(self, rng, ruleset):
        """A ruleset that loaded: checked, then evaluated a few times with random facts."""
        ruleset.check()
        for _ in range(2):
            facts, as_of, outputs = random_facts(rng, ruleset)
            try:
                self._evaluate(rng, ruleset, facts, as_of, outputs)
            except VerdictError:
                pass

    def _evaluate(self, rng, ruleset, facts, as_of, outputs):
        verdict = ruleset.evaluate(facts, as_of=as_of, outputs=outputs)
        text = verdict.to_json()
        json.loads(text)
        for lang in ruleset.files.languages:
            verdict.explain(lang)
        if rng.random() < 0.2:  # the same facts again give the same bytes, and the trace replays
            again = ruleset.evaluate(facts, as_of=as_of, outputs=outputs).to_json()
            if again != text:
                raise AssertionError("two evaluations of the same facts differ")
            from engine.trace.replay import replay
            from engine.trace.check import read_trace
            result = replay(read_trace(text), ruleset)
            if not result.same:
                raise AssertionError(f"the trace does not replay: {result.differences}")
        return verdict

    def _facts(self, rng, outcome: Outcome):
        facts, as_of, outputs = random_facts(rng, self.target)
        outcome.data, outcome.suffix = _describe(facts, as_of, outputs).encode(), ".facts.txt"
        self._evaluate(rng, self.target, facts, as_of, outputs)

    def _facts_text(self, rng, outcome: Outcome):
        facts, as_of, outputs = random_facts(rng, self.target)
        data = facts_text(rng, facts)
        outcome.data, outcome.suffix = data, ".facts.yaml"
        path = self.workdir / "facts.yaml"
        path.write_bytes(data)
        as_of_text = as_of.isoformat() if isinstance(as_of, dt.date) else "2025-09-01"
        if rng.random() < 0.05:  # the whole command, in-process, with its contract checked
            outcome.detail = "cli"
            _run_cli(["eval", str(self.target_path), "--facts", str(path), "--as-of", as_of_text,
                      "--format", rng.choice(("text", "json"))])
            return
        read = cli.read_facts(str(path))
        self._evaluate(rng, self.target, read, as_of_text, outputs if isinstance(outputs, list) else None)

    def _trace(self, rng, outcome: Outcome):
        from engine.explain.render import explain_trace
        from engine.trace.replay import replay
        from engine.trace.check import read_trace
        trace = junk_trace(rng, self.base_trace)
        text = json.dumps(trace)
        if rng.random() < 0.2:
            text = mutate_bytes(rng, text.encode()).decode("utf-8", errors="replace")
        outcome.data, outcome.suffix = text.encode(), ".trace.json"
        parsed = read_trace(text)
        for lang in (None, "fr", "xx"):
            explain_trace(parsed, lang)
        replay(parsed, self.hostile)

    def _folder_files(self, rng, outcome: Outcome):
        """A corpus folder where a file is not what it seems: a symbolic link out of the folder
        (its content must never be shown), to /dev/zero, to nothing, or within the folder; a named
        pipe; a folder; a sparse file of gigabytes. Loading must refuse it (or load) at once."""
        source = rng.choice(self.folders)
        folder = self.workdir / "files"
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("tests"))
        secret = self.workdir / "secret.txt"
        secret.write_text(f"{SECRET}: the first line of a file outside the folder\n", encoding="utf-8")
        places = sorted(p.name for p in folder.glob("*.rules")) + ["new.rules", "ruleset.yaml", "messages",
                                                                  "messages/en.yaml", "tests/case.yaml"]
        name = rng.choice(places)
        attack = rng.choice(("link-out", "link-zero", "link-nothing", "link-inside", "pipe", "folder",
                             "sparse", "link-loop"))
        victim = folder / name
        victim.parent.mkdir(parents=True, exist_ok=True)
        if victim.is_dir() and not victim.is_symlink():
            shutil.rmtree(victim)
        elif os.path.lexists(victim):
            victim.unlink()
        if attack == "link-out":
            victim.symlink_to(self.workdir if name == "messages" else secret)
        elif attack == "link-zero":
            victim.symlink_to("/dev/zero")
        elif attack == "link-nothing":
            victim.symlink_to(folder / "nowhere")
        elif attack == "link-inside":
            victim.symlink_to(sorted(folder.glob("*.rules"))[0].resolve())
        elif attack == "link-loop":
            victim.symlink_to(victim)
        elif attack == "pipe":
            os.mkfifo(victim)
        elif attack == "folder":
            victim.mkdir()
        else:
            with open(victim, "wb") as file:
                file.truncate(rng.choice((2_000_001, 3 * 10 ** 9)))
        outcome.data, outcome.detail = f"{attack} {name}".encode(), f"{source.relative_to(ROOT)}: {attack} {name}"
        texts = []
        try:
            ruleset = engine.load_ruleset(folder)
            if name.startswith("tests/"):
                from engine.testing import run_cases
                texts.append(run_cases(folder).render())
        except VerdictError as error:
            _check_diagnostics(error)
            texts.append(error.render())
            raise
        finally:
            diagnostics, _ = engine.ruleset.check_path(folder)
            texts.extend(d.message for d in diagnostics)
            if any(SECRET in text for text in texts):
                raise AssertionError("the content of a file outside the folder was shown")
        ruleset.check()

    def _batch(self, rng, outcome: Outcome):
        """JSON Lines of random facts, some lines broken (lone surrogates, duplicate keys, 5,000-digit
        numbers, tiny exponents, not JSON): one output line per input line, in order, never an
        internal error."""
        from engine import batch
        lines = []
        for _ in range(rng.randint(1, 8)):
            facts, as_of, outputs = random_facts(rng, self.target)
            try:
                line = json.dumps(facts, default=str, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
            except (ValueError, TypeError, RecursionError):
                line = b"{}"
            if rng.random() < 0.2 and isinstance(outputs, list):
                line = json.dumps({"facts": json.loads(line) if line.startswith(b"{") else {}, "outputs": outputs,
                                   "as_of": str(as_of)}, default=str).encode()
            if rng.random() < 0.4:
                line = rng.choice(BATCH_LINES)
            lines.append(line)
        data = b"\n".join(lines) + b"\n"
        outcome.data, outcome.suffix = data, ".jsonl"
        out = io.BytesIO()
        batch.run(self.target, io.BytesIO(data), out, as_of="2025-09-01", jobs=1)
        written = out.getvalue().decode("utf-8").splitlines()
        expected = [number for number, line in enumerate(data.split(b"\n"), 1) if line.strip()]
        got = [json.loads(line) for line in written]
        if [g.get("line") for g in got] != expected:
            raise AssertionError(f"batch lines {[g.get('line') for g in got]} for input lines {expected}")
        for g in got:
            if ("outputs" in g) == ("error" in g) or "internal" in json.dumps(g):
                raise AssertionError(f"a batch output line of the wrong form: {str(g)[:200]}")

    def _threads(self, rng, outcome: Outcome):
        """A freshly loaded ruleset shared by 8 threads at once (every program and unit built while
        they race): each result equals the serial one."""
        import threading
        jobs = []
        for _ in range(8):  # within the budget on a loaded machine: the fresh load and its code dominate
            facts, as_of, outputs = random_facts(rng, self.target)
            jobs.append((facts, as_of if isinstance(as_of, (str, dt.date)) else "2025-09-01",
                         outputs if isinstance(outputs, list) else None, rng.random() < 0.3))
        outcome.data = _describe(jobs[0][0], jobs[0][1], jobs[0][2]).encode()
        serial = [_outcome_of(self.target, job) for job in jobs]
        fresh = engine.load_ruleset(self.target_path)
        failures = []

        def work(number: int):
            order = list(range(len(jobs)))
            random.Random(number).shuffle(order)
            for k in order:
                try:
                    if _outcome_of(fresh, jobs[k]) != serial[k]:
                        failures.append(f"thread {number}, job {k}: differs from the serial result")
                except Exception as error:  # noqa: BLE001 - reported in the main thread
                    failures.append(f"thread {number}, job {k}: {type(error).__name__}: {error}")
        threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise AssertionError("; ".join(failures[:3]))


SECRET = "FUZZ-SECRET-7f3a"
BATCH_LINES = (b'{"\\ud800": 1}', b'{"nationality": "\\udfff"}', b'{"nationality": "\xed\xa0\x80"}',
               b'{"stay_months": 1, "stay_months": 2}', b'{"facts": {"a": 1, "a": 2}}',
               b'{"stay_months": 1' + b"0" * 5000 + b"}", b'{"annual_resources": 1e-100000000}',
               b'{"annual_resources": "1e-999999999999999999"}', b'{"stay_months": 0E+999999999}',
               b"{", b"[1]", b"\xff\xfe", b"null", b'"text"', b'{"facts": {}, "outputs": "x"}',
               b'{"facts": {}, "as_of": "2025-13-01"}', b"[" * 100_000)


def _outcome_of(ruleset, job) -> str:
    facts, as_of, outputs, traced = job
    try:
        verdict = ruleset.evaluate(facts, as_of=as_of, outputs=outputs, trace=traced)
        return verdict.to_json() if traced else repr(verdict.outputs)
    except VerdictError as error:
        return "error: " + error.render()


def _on_alarm(signum, frame):
    raise Hang()


def _check_diagnostics(error: VerdictError) -> None:
    """A refusal must say something: at least one diagnostic, each rendering with a message."""
    if not error.diagnostics:
        raise AssertionError("a VerdictError without diagnostics")
    for diagnostic in error.diagnostics:
        if not diagnostic.message:
            raise AssertionError(f"a diagnostic without a message: {diagnostic!r}")
    error.render()


def _run_cli(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    if "internal error" in err.getvalue() or "Traceback" in err.getvalue():
        raise AssertionError(f"`verdict {' '.join(argv)}`: {err.getvalue()[:300]}")
    if code not in (0, 1, 2):
        raise AssertionError(f"exit status {code}")
    if code == 2 and out.getvalue():
        # with --format json the error itself is the JSON on stdout, and nothing else
        if "json" not in argv or set(json.loads(out.getvalue())) != {"error"}:
            raise AssertionError("output on stdout after an error")
    if code == 0 and err.getvalue():
        raise AssertionError(f"exit 0 but stderr: {err.getvalue()[:200]}")


def _describe(facts, as_of, outputs) -> str:
    if isinstance(facts, dict):
        body = "\n".join(f"{shown_value(k)}: {shown_value(v)}" for k, v in list(facts.items())[:200])
    else:
        body = shown_value(facts)
    return f"as_of: {shown_value(as_of)}\noutputs: {shown_value(outputs)}\nfacts:\n{body}\n"


# ---------------------------------------------------------------------------- the run

class Report:
    def __init__(self, seed: int):
        self.seed = seed
        self.tried = 0
        self.by_kind: dict = {}
        self.by_status: dict = {}
        self.crashes: list[Outcome] = []
        self.known: list[Outcome] = []
        self.hangs: list[Outcome] = []
        self.slow: list[Outcome] = []
        self.seconds = 0.0

    def add(self, outcome: Outcome):
        self.tried += 1
        self.by_kind[outcome.kind] = self.by_kind.get(outcome.kind, 0) + 1
        self.by_status[outcome.status] = self.by_status.get(outcome.status, 0) + 1
        if outcome.status == "crash":
            self.crashes.append(outcome)
        elif outcome.status == "known":
            self.known.append(outcome)
        elif outcome.status == "hang":
            self.hangs.append(outcome)
        if "slow" in outcome.detail:
            self.slow.append(outcome)

    @property
    def ok(self) -> bool:
        return not self.crashes and not self.hangs

    def signatures(self, outcomes) -> dict:
        groups: dict = {}
        for o in outcomes:
            groups.setdefault((o.error.split(":")[0], o.where), []).append(o)
        return groups

    def render(self) -> str:
        lines = [f"fuzz: {self.tried} inputs in {self.seconds:.1f} s (seed {self.seed})",
                 "  by kind:    " + ", ".join(f"{k} {n}" for k, n in sorted(self.by_kind.items())),
                 "  by outcome: " + ", ".join(f"{k} {n}" for k, n in sorted(self.by_status.items()))]
        for title, outcomes in (("CRASHES", self.crashes), ("known crashes (reported, see KNOWN_CRASHES)", self.known)):
            if outcomes:
                lines.append(f"  {title}: {len(outcomes)}")
                for (error, where), group in sorted(self.signatures(outcomes).items()):
                    first = group[0]
                    lines.append(f"    {error} in {where}: {len(group)} input(s); first: {first.kind} #{first.index}"
                                 f" ({first.error[:120]}) — replay: python -m tests.fuzz --replay {self.seed}:{first.index}")
        if self.hangs:
            lines.append(f"  HANGS (over the budget): {len(self.hangs)}")
            for o in self.hangs[:20]:
                lines.append(f"    {o.kind} #{o.index} {o.detail} — replay: python -m tests.fuzz --replay {self.seed}:{o.index}")
        if self.slow:
            lines.append(f"  slow (over a quarter of the budget): {len(self.slow)}")
            for o in sorted(self.slow, key=lambda o: -o.seconds)[:10]:
                lines.append(f"    {o.kind} #{o.index} {o.seconds:.2f} s {o.detail}")
        return "\n".join(lines)


def run(count: Optional[int] = None, seconds: Optional[float] = None, seed: int = 0, budget: float = 2.0,
        out: Optional[Path] = None, progress: bool = False, start: int = 0) -> Report:
    """Fuzz `count` inputs (or for `seconds`), from input `start` of `seed`; the report counts them."""
    if count is None and seconds is None:
        count = 1000
    fuzzer = Fuzzer(seed, budget)
    report = Report(seed)
    began = time.perf_counter()
    index = start
    try:
        while True:
            if count is not None and index - start >= count:
                break
            if seconds is not None and time.perf_counter() - began >= seconds:
                break
            outcome = fuzzer.run_one(index)
            report.add(outcome)
            if out is not None and outcome.status in ("crash", "hang"):
                _save(out, seed, outcome)
            if progress and (index - start + 1) % 1000 == 0:
                print(f"  … {index - start + 1} inputs, {len(report.crashes)} crash(es), "
                      f"{len(report.hangs)} hang(s)", file=sys.stderr, flush=True)
            index += 1
    finally:
        report.seconds = time.perf_counter() - began
        shutil.rmtree(fuzzer.workdir, ignore_errors=True)
    return report


def _save(out: Path, seed: int, outcome: Outcome) -> None:
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(outcome.data).hexdigest()[:10]
    name = f"{outcome.status}-{outcome.kind}-{seed}-{outcome.index}-{digest}{outcome.suffix}"
    (out / name).write_bytes(outcome.data)
    with open(out / "README.txt", "a", encoding="utf-8") as notes:
        notes.write(f"{name}: {outcome.error or outcome.status} in {outcome.where} ({outcome.detail}); "
                    f"replay: python -m tests.fuzz --replay {seed}:{outcome.index}\n")


def replay_one(seed: int, index: int, budget: float = 30.0) -> int:
    fuzzer = Fuzzer(seed, budget)
    try:
        print(f"input {index} of seed {seed}: {fuzzer.kind_of(index)}")
        outcome = fuzzer.run_one(index, reraise=True)
        print(f"{outcome.status} in {outcome.seconds:.2f} s {outcome.detail}")
        print("--- the input ---")
        print(outcome.data.decode("utf-8", errors="backslashreplace")[:4000])
        return 0 if outcome.status in ("ok", "refused") else 1
    finally:
        shutil.rmtree(fuzzer.workdir, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, help="how many inputs (default 1000, or unbounded with --seconds)")
    parser.add_argument("--seconds", type=float, help="run for this long instead (or as well: whichever ends first)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="index of the first input (to split a run)")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds allowed per input before it is a hang")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"), help="where crashing inputs are saved")
    parser.add_argument("--replay", metavar="SEED:INDEX", help="run one input alone and show its traceback")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    if args.replay:
        seed, _, index = args.replay.partition(":")
        return replay_one(int(seed), int(index))
    report = run(args.count, args.seconds, args.seed, args.budget, args.out, progress=True, start=args.start)
    print(report.render())
    if report.crashes or report.hangs:
        print(f"  the crashing and hanging inputs are saved in {args.out}/")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
