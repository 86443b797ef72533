"""The generated code (engine/compiler/codegen.py, engine/evaluation/fastpath.py) against the closures (the reference).

Random facts, dates, output lists and whole random tables go through `Ruleset.evaluate` (generated
code) and `Ruleset.interpret` (closures); outputs, traces and errors must be identical, traced
and untraced. No timing here: benchmarks/ measures speed.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import types

import pytest

from engine.trace.verdict import _as_list
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import engine
from engine.compiler import codegen
from engine.compiler import unit as codegen_unit
from engine.evaluation import fastpath
from engine.compiler import head, scan
from engine.compiler import index as compile_stage
from engine.errors import FactError, RuleError, VerdictError
from engine.values import coerce_fact, to_json_value

ROOT = Path(__file__).resolve().parent.parent
STUDENT_HEALTH = ROOT / "rulesets" / "student_health"
BENCHMARK_RULES = ROOT / "benchmarks" / "rules"
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def outcome(run, traced: bool):
    """What an evaluation gives, comparable across the two paths: exact outputs (Decimal
    exponents included), the trace, or the error's kind and diagnostics."""
    try:
        verdict = run()
    except VerdictError as error:
        return ("error", type(error).__name__, [d.to_dict() for d in error.diagnostics])
    exact = {name: (type(value).__name__, repr(value), to_json_value(value)) for name, value in verdict.outputs.items()}
    assert verdict.to_json() == json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return ("ok", exact, verdict.to_dict())


def both_ways(ruleset, facts, as_of, outputs=None):
    for traced in (True, False):
        fast = outcome(lambda: ruleset.evaluate(facts, as_of=as_of, outputs=outputs, trace=traced), traced)
        reference = outcome(lambda: ruleset.interpret(facts, as_of=as_of, outputs=outputs, trace=traced), traced)
        assert fast == reference, (facts, as_of, outputs, traced)
    return fast


# ---------------------------------------------------------------------------- the bundled ruleset

@pytest.fixture(scope="module")
def student_health():
    try:
        return engine.load_ruleset(STUDENT_HEALTH)
    except RuleError as error:  # the bundled ruleset is being edited: its own tests say so
        pytest.skip(f"rulesets/student_health does not load: {error}")


COUNTRIES = ["FR", "DE", "CN", "DZ", "CH", "NO", "IS", "LI", "GB", "US", "CA", "IT", "RO", "HR", "cn", "XX"]
LANGUAGES = ["zh", "fr", "en", "de", "es", "it", "pt", "ar", "", "xx"]


def fact_values(info):
    """A strategy of valid raw fact values for an input (in the forms JSON and YAML give too)."""
    from engine.values import EnumType, ListType
    type_ = info.type
    if isinstance(type_, EnumType):
        return st.sampled_from(list(type_.symbols))
    if isinstance(type_, ListType):
        element = list(type_.element.symbols) if isinstance(type_.element, EnumType) else ["a", "b"]
        return st.lists(st.sampled_from(element), max_size=4)
    name = type_.name
    if name == "bool":
        return st.booleans()
    if name == "integer":
        lo = info.range.lo if info.range is not None and info.range.lo is not None else 0
        hi = info.range.hi if info.range is not None and info.range.hi is not None else lo + 2000
        return st.integers(int(lo), int(min(hi, lo + 2000))) | st.sampled_from([int(lo), int(min(hi, lo + 2000))])
    if name in ("money", "number"):
        return (st.integers(0, 60000) | st.decimals(0, 60000, places=2)
                | st.sampled_from([Decimal("10339"), Decimal("10339.01"), Decimal("13957"), "9000", "9000.50 €",
                                   9000.5, Decimal("0")]))
    if name == "date":
        return (st.dates(dt.date(1940, 1, 1), dt.date(2026, 12, 31))
                | st.sampled_from(["2003-05-14", "2000-02-29", "2007-01-01", " 2001-01-02 "]))
    if name == "country":
        return st.sampled_from(COUNTRIES[:-2])
    if name == "text":
        return st.sampled_from(LANGUAGES)
    return st.none()


WRONG = st.sampled_from([None, "", "?", -1, 10 ** 16, 1.5, [], {"a": 1}, "cn", "14/05/2003", Decimal("1.005"), True])


@st.composite
def student_case(draw, ruleset):
    """Valid facts for every input; now and then one wrong, missing or unknown fact."""
    facts = {name: draw(fact_values(info)) for name, info in ruleset.model.inputs.items()}
    trouble = draw(st.integers(0, 9))  # 0 (the simplest) is no trouble
    names = sorted(facts)
    if trouble == 7:
        facts[draw(st.sampled_from(names))] = draw(WRONG)
    elif trouble == 8:
        del facts[draw(st.sampled_from(names))]
    elif trouble == 9:
        facts["not_an_input"] = 1
    as_of = draw(st.dates(dt.date(2010, 1, 1), dt.date(2027, 12, 31)))
    outputs = draw(st.none() | st.lists(st.sampled_from(list(ruleset.model.decisions)), min_size=1, max_size=4))
    return facts, as_of, outputs


@settings(max_examples=150, **SETTINGS)
@given(data=st.data())
def test_student_health_both_ways(student_health, data):
    facts, as_of, outputs = data.draw(student_case(student_health))
    both_ways(student_health, facts, as_of, outputs)


def test_student_health_mostly_evaluates(student_health):
    """The random cases above are not all errors: a typical student gets a verdict both ways."""
    facts = {"nationality": "CN", "birth_date": "2003-05-14", "higher_education": True, "stay_months": 24,
             "holds_ceam": False, "birth_certificate_language": "zh", "household_size": 1,
             "annual_resources": 9000, "territory": "metropole", "destination": "DE",
             "has_medecin_traitant": True, "doctor_sector": "sector_1"}
    facts = {k: v for k, v in facts.items() if k in student_health.model.inputs}
    assert both_ways(student_health, facts, "2025-09-01")[0] == "ok"


# ---------------------------------------------------------------------------- random tables

INT_TESTS = ["-", "{a}", "< {a}", "<= {a}", "> {a}", ">= {a}", "!= {a}", "{a}..{b}", "[{a}..{b})", "({a}..{b}]",
             "({a}..{b})", "{{{a}, {b}}}", "not {a}", "not {a}..{b}", "{a}, {b}..{c}", "<= helper", "> helper - {a}",
             "= -{a}", "not {{{a}, {b}}}", "[{a}..helper]"]
COLOR_TESTS = ["-", "red", "{{red, blue}}", "not green", "!= blue", "= green", "red, green"]
FLAG_TESTS = ["-", "true", "false", "!= true"]
AMOUNT_TESTS = ["-", "<= limit", "> 10 €", "[10 €..50.50 €]", ">= {a} €", "< limit * 50%", "{a} €"]
DAY_TESTS = ["-", "< 2020-01-01", "[2019-12-31..2020-01-01]", ">= 2024-01-01", "(2019-12-31..2021-06-30)",
             "2020-01-0{d}", "not 2020-01-01", "<= as_of"]
POLICIES = ["unique", "first", "priority", "any", "collect", "collect sum", "collect min", "collect max",
            "collect count", "rule order", "output order"]


@st.composite
def random_table(draw):
    """The text of a ruleset with one table `t` over four columns, and a few facts for it."""
    policy = draw(st.sampled_from(POLICIES))
    ranked = policy in ("priority", "output order")
    money = not ranked and draw(st.booleans())
    columns = draw(st.lists(st.sampled_from(["n", "c", "b", "amount", "day"]), min_size=1, max_size=4, unique=True))
    small = st.integers(0, 12)
    rows = []
    for _ in range(draw(st.integers(1, 7))):
        cells = []
        for column in columns:
            options = {"n": INT_TESTS, "c": COLOR_TESTS, "b": FLAG_TESTS, "amount": AMOUNT_TESTS,
                       "day": DAY_TESTS}[column]
            a, b, c = sorted(draw(st.lists(small, min_size=3, max_size=3)))
            cells.append(draw(st.sampled_from(options)).format(a=a, b=b, c=c, d=1 + a % 9))
        if ranked:
            out = draw(st.sampled_from(["low", "mid", "high"]))
        elif money:
            out = draw(st.sampled_from(["12.50 €", "0 €", "amount * 2", "limit / 3", "amount + n * 1 €",
                                        "if b then 1 € else 2.25 €", "min(amount, limit)", "round(amount / 3)",
                                        "round(amount / 3, 1)", "amount / (n - 5)", "-amount",
                                        "amount * 2 ** (n - 7)", "amount * (1 + n * 1%) ** -n"]))
        else:
            out = draw(st.sampled_from(["1", "2", "7", "n + 1", "helper", "n * 3", "max(n, 4)", "count(tags)",
                                        "if c = red then 1 else 2", "year(as_of) - 2000", "round(amount / 7)",
                                        "if c in {red, blue} then 3 else 4", "months_between(day, as_of)",
                                        "floor(amount / 3) + ceil(amount / 4)", "abs(n - 6)",
                                        "months_between(date(2000, 1, 31), as_of)",
                                        "n ** 2", "(n - 7) ** 3 - 2 ** n", "-2 ** 3 ** 2"]))
        rows.append((cells, out))
    otherwise = draw(st.booleans())
    out_type = ": {low, mid, high}" if ranked else ": money" if money else ": integer"
    if policy in ("collect", "rule order", "output order"):
        out_type = ""
    header = " | ".join(columns)
    lines = [f"decision t{out_type} hit {policy}", f"  | {header} || t"]
    for cells, out in rows:
        lines.append(f"  | {' | '.join(cells)} || {out}")
    if otherwise:
        lines.append(f"  | otherwise{' | -' * (len(columns) - 1)} || {rows[0][1]}")
    text = PRELUDE + "\n".join(lines) + "\n"
    facts = draw(st.lists(st.fixed_dictionaries({
        "n": st.integers(0, 14), "c": st.sampled_from(["red", "green", "blue"]), "b": st.booleans(),
        "amount": st.sampled_from([Decimal(0), Decimal(10), Decimal("50.50"), Decimal("50.51"), Decimal(5),
                                   Decimal("24.99"), Decimal(25), Decimal(30), Decimal(60), Decimal(12)]),
        "day": st.sampled_from([dt.date(2019, 12, 30), dt.date(2019, 12, 31), dt.date(2020, 1, 1),
                                dt.date(2020, 1, 2), dt.date(2020, 1, 5), dt.date(2021, 6, 30),
                                dt.date(2024, 1, 1), dt.date(2025, 6, 1), dt.date(2030, 1, 1)]),
        "tags": st.lists(st.sampled_from(["x", "y"]), max_size=3)}), min_size=1, max_size=6))
    as_of = draw(st.sampled_from(["2019-06-01", "2021-01-01", "2024-06-30", "2025-06-01"]))
    return text, facts, as_of


PRELUDE = """\
type Color = {red, green, blue}
input n : integer 0..100
input c : Color
input b : bool default false
input amount : money >= 0 €
input tags : list of text
input day : date
parameter limit : money
  from 2020-01-01 = 25 €
  from 2024-01-01 = 30 €
decision helper : integer = n * 2 - 3
decision label : text = "n " + string(n) + ": " + string(amount) + ", " + string(c) + ", " + string(day) + ", " + string(n ** 2 * 2 ** -n)
"""


def load_text(tmp_path, text):
    path = tmp_path / "t.rules"
    path.write_text(text, encoding="utf-8")
    try:
        return engine.load_ruleset(path)
    except RuleError:
        assume(False)


@pytest.mark.parametrize("dense_keys", [compile_stage.DENSE_KEYS, 0], ids=["tabulated", "bitsets"])
@settings(max_examples=70, **SETTINGS)
@given(case=random_table())
def test_random_tables_both_ways(tmp_path, monkeypatch, dense_keys, case):
    monkeypatch.setattr(compile_stage, "DENSE_KEYS", dense_keys)
    text, facts_list, as_of = case
    ruleset = load_text(tmp_path, text)
    for facts in facts_list:
        both_ways(ruleset, facts, as_of)
        both_ways(ruleset, facts, as_of, ["t"])


@settings(max_examples=40, **SETTINGS)
@given(case=random_table())
def test_decision_function_gives_the_same_value(tmp_path, case):
    text, facts_list, as_of = case
    ruleset = load_text(tmp_path, text)
    fn = ruleset.decision_function("t", as_of)
    for facts in facts_list:
        expected = outcome(lambda: ruleset.interpret(facts, as_of=as_of, outputs=["t"], trace=False), False)
        arguments = {name: facts[name] for name in fn.inputs}
        if expected[0] == "ok":
            assert to_json_value(fn(**arguments)) == expected[1]["t"][2]
            # decision_function gives engine values: a list output is a tuple there
            assert repr(_as_list(fn(*arguments.values()))) == expected[1]["t"][1]
        else:
            with pytest.raises(VerdictError):
                fn(**arguments)


# ---------------------------------------------------------------------------- indexes

def test_a_large_table_is_indexed_and_agrees_with_a_scan(tmp_path):
    rows = []
    for region in range(12):
        for band in range(10):
            for flag in ("true", "false"):
                rows.append(f"  | r{region} | [{band * 10}..{band * 10 + 10}) | {flag} || {region * 100 + band}")
    rows.append("  | r3 | 55 | - || 9999")  # a second match for some values: `first` keeps the earlier row
    text = ("type Region = {" + ", ".join(f"r{i}" for i in range(12)) + "}\n"
            "input region : Region\ninput x : integer 0..100\ninput flag : bool\n"
            "decision t : integer hit first\n  | region | x | flag || t\n" + "\n".join(rows) + "\n"
            "  | otherwise | - | - || -1\n")
    (tmp_path / "big.rules").write_text(text, encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "big.rules")
    plan = ruleset.plans.by_name["t"][0]
    index = compile_stage.index_table(ruleset.plans.compiler, plan)
    assert index is not None and index.dense is not None
    for region in ("r0", "r3", "r11"):
        for x in (0, 9, 10, 55, 99, 100):
            for flag in (True, False):
                facts = {"region": region, "x": x, "flag": flag}
                matched = index.matched((region, x, flag))
                scanned = tuple(i for i, row in enumerate(plan.rows)
                                if all(test(None, v) for test, v in zip(row.tests, (region, x, flag))))
                assert matched == scanned
                both_ways(ruleset, facts, "2025-01-01")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bands=st.lists(st.one_of(st.none(), st.tuples(st.integers(0, 90), st.integers(1, 40))), min_size=20, max_size=40),
       flags=st.lists(st.sampled_from(["true", "false", "-"]), min_size=40, max_size=40),
       probes=st.lists(st.tuples(st.integers(0, 130), st.booleans()), min_size=5, max_size=10),
       rest=st.sampled_from(["indexed", "scanned"]))
def test_a_hit_first_look_up_tries_its_first_rows_then_the_whole_table(tmp_path, monkeypatch, bands, flags, probes,
                                                                       rest):
    """With a head of 4 rows (engine/compiler/head.py) and bit sets (no tabulation), the first
    matching row is found whether it is among the first 4 rows or after them, or no row matches,
    through the whole table's index or, with no index, a scan: as a plain scan finds it."""
    monkeypatch.setattr(compile_stage, "DENSE_KEYS", 0)
    monkeypatch.setattr(head, "HEAD_ROWS", 4)
    monkeypatch.setattr(codegen, "HEAD_ROWS", 4)
    monkeypatch.setattr(scan, "UNROLLED_ROWS", 10)
    rows = [(band, flag) for band, flag in zip(bands, flags)]
    text = ("input x : integer 0..130\ninput flag : bool\ndecision t : integer hit first\n  | x | flag || t\n"
            + "".join(f"  | {f'[{b[0]}..{b[0] + b[1]})' if b else '-'} | {flag} || {n}\n" for n, (b, flag) in enumerate(rows)))
    (tmp_path / "w.rules").write_text(text, encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "w.rules")
    plan = ruleset.plans.by_name["t"][0]
    if rest == "scanned":  # the head has its index, the whole table none (as if too big): the rows after the head are scanned
        ruleset.plans.indexes[id(plan)] = None
    fn = ruleset.decision_function("t", "2025-01-01")
    assert ruleset.plans.indexes[("head", id(plan))] is not None
    assert (ruleset.plans.indexes[id(plan)] is None) == (rest == "scanned")
    for x, flag in probes:
        wanted = next((n for n, (b, f) in enumerate(rows)
                       if (b is None or b[0] <= x < b[0] + b[1]) and f in ("-", str(flag).lower())), None)
        if wanted is None:
            with pytest.raises(VerdictError):
                fn(x, flag)
        else:
            assert fn(x, flag) == wanted
            assert ruleset.evaluate({"x": x, "flag": flag}, as_of="2025-01-01").outputs["t"] == wanted
        both_ways(ruleset, {"x": x, "flag": flag}, "2025-01-01")


@pytest.mark.parametrize("rest", ["indexed", "scanned"])
def test_the_first_row_after_the_head_is_found_in_both_ways_of_looking_past_it(tmp_path, monkeypatch, rest):
    monkeypatch.setattr(head, "HEAD_ROWS", 4)
    monkeypatch.setattr(codegen, "HEAD_ROWS", 4)
    monkeypatch.setattr(scan, "UNROLLED_ROWS", 10)
    text = ("input x : integer 0..130\ndecision t : integer hit first\n  | x || t\n"
            + "".join(f"  | {n} || {n}\n" for n in range(4))  # the head: x = 0 to 3
            + "  | [50..60) || 4\n  | 55 || 5\n" + "".join(f"  | {n} || {n}\n" for n in range(6, 12)) + "  | otherwise || 99\n")
    (tmp_path / "h.rules").write_text(text, encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "h.rules")
    if rest == "scanned":
        ruleset.plans.indexes[id(ruleset.plans.by_name["t"][0])] = None
    fn = ruleset.decision_function("t", "2025-01-01")
    assert [fn(x) for x in (2, 55, 50, 59, 60, 7, 130)] == [2, 4, 4, 4, 99, 7, 99]
    for x in (2, 55, 60, 7):
        both_ways(ruleset, {"x": x}, "2025-01-01")


def test_unique_still_detects_two_matching_rows_through_an_index(tmp_path, monkeypatch):
    for dense_keys in (compile_stage.DENSE_KEYS, 0):
        monkeypatch.setattr(compile_stage, "DENSE_KEYS", dense_keys)
        (tmp_path / "u.rules").write_text(
            "input x : integer\ndecision t : integer\n  | x || t\n  | <= 10 || 1\n  | 10..20 || 2\n  | > 20 || 3\n",
            encoding="utf-8")
        ruleset = engine.load_ruleset(tmp_path / "u.rules")
        assert ruleset.evaluate({"x": 5}, as_of="2025-01-01").outputs["t"] == 1
        with pytest.raises(VerdictError, match="unique table but rules t#1 .* t#2"):
            ruleset.evaluate({"x": 10}, as_of="2025-01-01")
        both_ways(ruleset, {"x": 10}, "2025-01-01")


# ---------------------------------------------------------------------------- checking facts fast

RAW_VALUES = [0, 1, -1, 5, 20, 21, 130, 131, 10 ** 15, -(10 ** 15), 10 ** 15 - 1, True, False, None, 1.5, 2.0,
              float("nan"), Decimal("3"), Decimal("3.10"), Decimal("3.001"), Decimal("NaN"), "3", " 4 ", "x", "",
              "red", "metropole", "FR", "fr", "2025-01-01", " 2025-01-01 ", "20250101", dt.date(2025, 1, 1),
              dt.datetime(2025, 1, 1, 12), [], ["red"], ("red",), {"a": 1}, "€ 12", "1_000"]


@pytest.mark.parametrize("declaration", [
    "integer", "integer 1..20", "integer >= 0", "integer < 10", "money", "money >= 0 €",
    "money 10 €..20 €", "number", "number < 1.5", "bool", "text", "country", "{red, green}", "date",
    "date >= 2020-01-01", "list of {red, green}",
])
def test_fast_fact_checks_agree_with_coerce_fact(tmp_path, declaration):
    (tmp_path / "f.rules").write_text(f"input x : {declaration}\ndecision d = x\n", encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "f.rules")
    info = ruleset.model.inputs["x"]
    fast = fastpath._fast_coercer("x", info)
    for raw in RAW_VALUES:
        try:
            expected = ("ok", repr(coerce_fact("x", info.type, raw, info.range)))
        except FactError as error:
            expected = ("error", str(error))
        try:
            got = ("ok", repr(fast(raw)))
        except FactError as error:
            got = ("error", str(error))
        assert got == expected, raw


# ---------------------------------------------------------------------------- the codegen rule

def test_only_one_line_of_the_engine_runs_generated_code():
    found = []
    for path in sorted((ROOT / "engine").rglob("*.py")):  # every stage's package, and serve/, dmn/, lsp/…
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if re.search(r"\b(exec|eval)\s*\(", code) or re.search(r"\bcompile\s*\([^)]*['\"](exec|eval)['\"]", code):
                found.append((path.relative_to(ROOT / "engine").as_posix(), line.strip()))
    assert [name for name, _ in found] == ["compiler/unit.py", "compiler/unit.py"]  # compile() and exec(), side by side
    assert any(line.endswith("# repr-only codegen") and line.startswith("exec(") for _, line in found)


def test_names_and_texts_of_rule_files_never_become_identifiers(tmp_path, monkeypatch):
    """Rule names that are Python words, and texts that look like code, stay data."""
    sources = []
    real = codegen._compile_unit

    def spy(gen, returned, extras, what):
        sources.append(gen.unit.source(returned))
        return real(gen, returned, extras, what)
    monkeypatch.setattr(codegen, "_compile_unit", spy)
    (tmp_path / "w.rules").write_text(
        'type Mode = {exec, eval, __import__}\n'
        'input open : Mode\ninput lambda_ : text\n'
        'decision globals : text hit first\n'
        '  | open | lambda_ || globals | because\n'
        '  | exec | "__import__(\'os\')" || "x\'); import os" | "{open}"\n'
        '  | otherwise | - || lambda_ |\n', encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "w.rules")
    verdict = ruleset.evaluate({"open": "exec", "lambda_": "__import__('os')"}, as_of="2025-01-01")
    assert verdict.outputs["globals"] == "x'); import os"
    both_ways(ruleset, {"open": "eval", "lambda_": "y"}, "2025-01-01")
    assert sources
    for source in sources:
        identifiers = set(re.findall(r"(?<!['\"\w])([A-Za-z_]\w*)", re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", source)))
        assert not identifiers & {"open", "lambda_", "globals", "exec", "eval", "__import__", "os", "import"}


def test_the_checker_refuses_code_it_did_not_make():
    import ast as pyast
    for bad in ("def factory(K):\n    return (open,)\n", "def factory(K):\n    return K.__class__\n",
                "def factory(K):\n    import os\n", "def factory(K):\n    return (1.5,)\n"):
        with pytest.raises(codegen.Unsupported):  # and the closures evaluate instead
            codegen_unit._check(pyast.parse(bad), {"K"})


def test_what_the_generator_does_not_know_is_left_to_the_closures(tmp_path, monkeypatch):
    def unsupported(self, expr, expected):
        raise codegen.Unsupported("a function the generator does not know")
    monkeypatch.setattr(codegen.Generator, "_call", unsupported)
    (tmp_path / "c.rules").write_text("input n : integer\ndecision twice : integer = max(n, 0) * 2\n"
                                      "decision t : integer hit first\n  | n || t\n  | < 0 || 0\n  | >= 0 || twice\n",
                                      encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "c.rules")
    assert both_ways(ruleset, {"n": 4}, "2025-01-01")[0] == "ok"
    assert ruleset.evaluate({"n": 4}, as_of="2025-01-01").outputs == {"twice": 8, "t": 8}
    assert ruleset.decision_function("t", "2025-01-01")(n=5) == 10


def test_a_verdict_pickles_with_its_trace(tmp_path):
    import pickle
    (tmp_path / "p.rules").write_text("input n : integer\ndecision d : integer = n + 1\n", encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "p.rules")
    verdict = ruleset.evaluate({"n": 1}, as_of="2025-01-01")
    again = pickle.loads(pickle.dumps(verdict))
    assert again == verdict and again.outputs == {"d": 2} and again.to_json() == verdict.to_json()


MULTI = """\
type Level = {low, mid, high}
input n : integer
decision t hit POLICY
  | n      || level : Level | fee : money | because
  | <= 5   || low           | 10 €        | "small: {n}"
  | 3..8   || mid           | n * 2.5 €   |
  | >= 7   || high          | 40 €        | "big, at {t.fee}"
  | otherwise || low        | 0 €         |
"""


@pytest.mark.parametrize("policy", ["unique", "first", "priority", "collect", "rule order", "output order", "any"])
def test_multi_output_tables_both_ways(tmp_path, policy):
    text = MULTI.replace("POLICY", policy)
    if policy in ("unique", "first", "priority", "any"):  # one record: a field of it can be read
        text += "decision fee_plus : money = t.fee + 1 €\n"
    (tmp_path / "m.rules").write_text(text, encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "m.rules")
    for n in range(-1, 11):
        both_ways(ruleset, {"n": n}, "2025-01-01")


def test_the_trace_is_built_once_and_only_when_asked(tmp_path, monkeypatch):
    calls = []
    real = fastpath.FastPath.trace  # (trace/build.py or, entry by entry, trace/forms.py builds it)
    monkeypatch.setattr(fastpath.FastPath, "trace", lambda *a, **k: calls.append(1) or real(*a, **k))
    (tmp_path / "l.rules").write_text("input n : integer\ndecision d : integer = n + 1\n", encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "l.rules")
    verdict = ruleset.evaluate({"n": 1}, as_of="2025-01-01")
    assert verdict.outputs == {"d": 2} and calls == []
    first = verdict.to_dict()
    assert verdict.to_json() and verdict.explain() and verdict.to_dict() is first and calls == [1]


def test_a_big_table_without_an_index_is_scanned_in_a_loop(tmp_path, monkeypatch):
    monkeypatch.setattr(compile_stage, "MAX_INDEX_BYTES", 0)  # no index for anything
    monkeypatch.setattr(scan, "UNROLLED_ROWS", 10)
    rows = "\n".join(f"  | {i} | {'-' if i % 3 else 'true'} || {i * 10}" for i in range(40))
    (tmp_path / "s.rules").write_text(f"input n : integer\ninput b : bool\ndecision t : integer hit first\n"
                                      f"  | n | b || t\n{rows}\n  | otherwise | - || -1\n"
                                      "decision u : integer hit first\n  | n || u\n  | < t || 1\n"
                                      + "".join(f"  | {i} || {i}\n" for i in range(12)), encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "s.rules")
    for n in (0, 3, 5, 39, 40):
        for b in (True, False):
            both_ways(ruleset, {"n": n, "b": b}, "2025-01-01", ["t"])
            both_ways(ruleset, {"n": n, "b": b}, "2025-01-01")  # `u` reads a decision: the closures do it all


def test_the_scan_of_a_big_hit_first_table_stops_at_the_first_row_that_matches():
    """A `hit first` table too big to index costs the rows read up to its answer, not its size."""
    import types
    from engine.evaluation.runtime import _scan_to_first_match
    seen = []
    rows = [types.SimpleNamespace(index=i, tests=(lambda _, v, i=i: seen.append(i) or v >= i,)) for i in (5, 3, 2, 9)]
    assert _scan_to_first_match(rows, (3,)) == [3] and seen == [5, 3]
    seen.clear()
    assert _scan_to_first_match(rows, (1,)) == [] and seen == [5, 3, 2, 9]


def test_texts_that_look_like_generated_code_are_only_texts(tmp_path):
    (tmp_path / "k.rules").write_text(
        'input s : text\ndecision t : integer hit first\n  | s || t\n'
        '  | {"c0 = K[0]", "\u2028\\\\"} || 1\n  | "m[0] = 1" || 2\n  | otherwise || 3\n', encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "k.rules")
    for text in ("c0 = K[0]", "m[0] = 1", "x", "\u2028\\"):
        both_ways(ruleset, {"s": text}, "2025-01-01")
    assert ruleset.evaluate({"s": "c0 = K[0]"}, as_of="2025-01-01").outputs["t"] == 1


def test_a_range_column_is_searched_by_inline_comparisons_and_agrees_at_every_bound(tmp_path, monkeypatch):
    sources = []
    checked = codegen.run_checked
    monkeypatch.setattr(codegen, "run_checked", lambda source, names, what: sources.append(source) or
                        checked(source, names, what))
    path = tmp_path / "p.rules"
    path.write_text("input age : integer 0..130\ndecision p : money hit unique\n  | age || p\n"
                    "  | <= 29 || 8 €\n  | 30..49 || 14 €\n  | [50..60) || 21 €\n  | >= 60 || 30 €\n", encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    fn = ruleset.decision_function("p", "2025-01-01")
    entry = next(source for source in sources if "def entry" in source)
    entry = entry[entry.index("def entry"):]
    # four bands of whole numbers: three comparisons (no value lies between 29 and 30)
    assert ".get(" not in entry and entry.count("if x0 < ") + entry.count("if x0 <= ") == 3
    assert [fn(age) for age in (0, 29, 30, 49, 50, 59, 60, 61, 130)] == \
        [Decimal(v) for v in ("8.00", "8.00", "14.00", "14.00", "21.00", "21.00", "30.00", "30.00", "30.00")]
    for age in range(131):
        assert fn(age) == ruleset.interpret({"age": age}, as_of="2025-01-01").outputs["p"]
        assert ruleset.evaluate({"age": age}, as_of="2025-01-01").to_dict() == \
            ruleset.interpret({"age": age}, as_of="2025-01-01").to_dict()
